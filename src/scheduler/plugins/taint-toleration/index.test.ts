import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter, runScore } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

describe("TaintToleration filter", () => {
  const nodes = [
    makeNode("plain"),
    makeNode("cp", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
    makeNode("gpu", { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }),
    makeNode("evict", { taints: [{ key: "maintenance", value: "yes", effect: "NoExecute" }] }),
    makeNode("soft", { taints: [{ key: "spot", value: "true", effect: "PreferNoSchedule" }] }),
  ];
  const cp = "UnschedulableAndUnresolvable: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }";
  const gpu = "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}";
  const evict = "UnschedulableAndUnresolvable: node(s) had untolerated taint {maintenance: yes}";
  it.each([
    { name: "no tolerations", tolerations: [], want: { plain: "Success", cp, gpu, evict, soft: "Success" } },
    {
      name: "Equal toleration with the value",
      tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
      want: { plain: "Success", cp, gpu: "Success", evict, soft: "Success" },
    },
    {
      name: "Equal toleration with another value",
      tolerations: [{ key: "dedicated", value: "db" }],
      want: { plain: "Success", cp, gpu, evict, soft: "Success" },
    },
    {
      name: "Exists on a key, any effect",
      tolerations: [{ key: "maintenance", operator: "Exists" }],
      want: { plain: "Success", cp, gpu, evict: "Success", soft: "Success" },
    },
    {
      name: "a toleration for the wrong effect",
      tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoExecute" }],
      want: { plain: "Success", cp, gpu, evict, soft: "Success" },
    },
    {
      name: "tolerate everything",
      tolerations: [{ operator: "Exists" }],
      want: { plain: "Success", cp: "Success", gpu: "Success", evict: "Success", soft: "Success" },
    },
  ])("$name", ({ tolerations, want }) => {
    expect(runFilter(New, makePod("p", { spec: { tolerations } }), nodes).byNode).toEqual(want);
  });
});

describe("TaintToleration score", () => {
  const prefer = (key: string) => ({ key, value: "x", effect: "PreferNoSchedule" });
  const nodes = [
    makeNode("none"),
    makeNode("one", { taints: [prefer("k1")] }),
    makeNode("two", { taints: [prefer("k1"), prefer("k2"), { key: "hard", effect: "NoSchedule" }] }),
  ];
  it.each([
    { name: "fewer untolerated PreferNoSchedule taints score higher", tolerations: [], want: { none: 100, one: 50, two: 0 } },
    {
      name: "tolerated ones do not count",
      tolerations: [{ key: "k2", operator: "Exists", effect: "PreferNoSchedule" }],
      want: { none: 100, one: 0, two: 0 },
    },
    {
      name: "NoSchedule tolerations do not apply to PreferNoSchedule taints",
      tolerations: [{ key: "k1", operator: "Exists", effect: "NoSchedule" }],
      want: { none: 100, one: 50, two: 0 },
    },
    { name: "all tolerated: all equal", tolerations: [{ operator: "Exists" }], want: { none: 100, one: 100, two: 100 } },
  ])("$name", ({ tolerations, want }) => {
    expect(runScore(New, makePod("p", { spec: { tolerations } }), nodes)).toEqual(want);
  });
});
