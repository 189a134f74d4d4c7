import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

describe("NodeUnschedulable", () => {
  const nodes = [makeNode("open"), makeNode("cordoned", { unschedulable: true })];
  it.each([
    { name: "no toleration", tolerations: [], cordoned: "UnschedulableAndUnresolvable: node(s) were unschedulable" },
    {
      name: "tolerates the unschedulable taint",
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
      cordoned: "Success",
    },
    { name: "tolerates everything", tolerations: [{ operator: "Exists" }], cordoned: "Success" },
    {
      name: "tolerates another effect only",
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }],
      cordoned: "UnschedulableAndUnresolvable: node(s) were unschedulable",
    },
  ])("$name", ({ tolerations, cordoned }) => {
    const run = runFilter(New, makePod("p", { spec: { tolerations } }), nodes);
    expect(run.byNode).toEqual({ open: "Success", cordoned });
  });
});
