import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter, runScore } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

describe("NodeResourcesFit filter", () => {
  const node = makeNode("n", { cpu: "2", memory: "4Gi", pods: "3", extended: { "example.com/dongle": "1" } });
  const existing = [
    makePod("used", { nodeName: "n", cpu: "1", memory: "1Gi" }),
    makePod("done", { nodeName: "n", cpu: "2", memory: "4Gi", phase: "Succeeded" }),
  ];
  it.each([
    { name: "fits", pod: makePod("p", { cpu: "500m", memory: "1Gi" }), want: "Success" },
    { name: "fits exactly", pod: makePod("p", { cpu: "1", memory: "3Gi" }), want: "Success" },
    { name: "requests nothing", pod: makePod("p"), want: "Success" },
    { name: "cpu", pod: makePod("p", { cpu: "1500m" }), want: "Unschedulable: Insufficient cpu" },
    {
      name: "cpu and memory, one reason each",
      pod: makePod("p", { cpu: "1500m", memory: "4Gi" }),
      want: "Unschedulable: Insufficient cpu, Insufficient memory",
    },
    { name: "more than the node has at all", pod: makePod("p", { cpu: "3" }), want: "UnschedulableAndUnresolvable: Insufficient cpu" },
    {
      name: "an extended resource the node lacks",
      pod: makePod("p", { spec: { containers: [{ name: "c", resources: { requests: { "nvidia.com/gpu": "1" } } }] } }),
      want: "UnschedulableAndUnresolvable: Insufficient nvidia.com/gpu",
    },
    {
      name: "an extended resource the node has",
      pod: makePod("p", { spec: { containers: [{ name: "c", resources: { requests: { "example.com/dongle": "1" } } }] } }),
      want: "Success",
    },
    {
      name: "an init container larger than the app containers",
      pod: makePod("p", {
        cpu: "100m",
        spec: { initContainers: [{ name: "init", resources: { requests: { cpu: "1500m" } } }] },
      }),
      want: "Unschedulable: Insufficient cpu",
    },
  ])("$name", ({ pod, want }) => {
    expect(runFilter(New, pod, [node], existing).byNode.n).toBe(want);
  });

  it("counts pods against the pods allocatable", () => {
    const full = makeNode("n", { pods: "2" });
    const pods = [makePod("a", { nodeName: "n" }), makePod("b", { nodeName: "n" })];
    expect(runFilter(New, makePod("p"), [full], pods).byNode.n).toBe("Unschedulable: Too many pods");
  });
});

describe("NodeResourcesFit score (LeastAllocated)", () => {
  const nodes = [makeNode("empty", { cpu: "4", memory: "8Gi" }), makeNode("half", { cpu: "4", memory: "8Gi" })];
  const existing = [makePod("e", { nodeName: "half", cpu: "2", memory: "4Gi" })];
  it.each([
    { name: "the emptier node wins", pod: makePod("p", { cpu: "1", memory: "2Gi" }), want: { empty: 75, half: 25 } },
    // No requests: upstream's 100m / 200Mi defaults: (4000-100)/40 = 97, (8192-200)/81.92 = 97.
    { name: "empty pods count as 100m/200Mi", pod: makePod("p"), want: { empty: 97, half: 47 } },
  ])("$name", ({ pod, want }) => {
    expect(runScore(New, pod, nodes, existing)).toEqual(want);
  });
});
