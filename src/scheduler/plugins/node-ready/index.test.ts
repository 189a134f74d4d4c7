import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

const NOT_READY = "UnschedulableAndUnresolvable: node(s) were not ready";

describe("NodeReady", () => {
  const nodes = [
    makeNode("ready"),
    makeNode("down", { ready: "False" }),
    makeNode("lost", { ready: "Unknown" }),
    makeNode("new", { ready: null }),
  ];
  it.each([
    { name: "plain pod: only the ready node", tolerations: [], want: { ready: "Success", down: NOT_READY, lost: NOT_READY, new: NOT_READY } },
    {
      name: "tolerating not-ready:NoSchedule covers Ready=False and missing",
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }],
      want: { ready: "Success", down: "Success", lost: NOT_READY, new: "Success" },
    },
    {
      name: "tolerating unreachable:NoSchedule covers Ready=Unknown",
      tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" }],
      want: { ready: "Success", down: NOT_READY, lost: "Success", new: NOT_READY },
    },
    {
      name: "the default 300s NoExecute tolerations do not let pods onto not-ready nodes",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      want: { ready: "Success", down: NOT_READY, lost: NOT_READY, new: NOT_READY },
    },
  ])("$name", ({ tolerations, want }) => {
    expect(runFilter(New, makePod("p", { spec: { tolerations } }), nodes).byNode).toEqual(want);
  });
});
