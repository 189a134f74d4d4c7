import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runScore } from "../../testing/plugin-harness.js";
import { New, balancedScorer } from "./index.js";

describe("NodeResourcesBalancedAllocation", () => {
  const nodes = [makeNode("empty", { cpu: "4", memory: "8Gi" }), makeNode("cpuheavy", { cpu: "4", memory: "8Gi" })];
  const existing = [makePod("e", { nodeName: "cpuheavy", cpu: "2" })];

  it("prefers the node where cpu and memory would be used evenly", () => {
    // empty: 1/4 cpu, 2/8 memory → std 0 → 100. cpuheavy: 3/4 vs 2/8 → std 0.25 → 75.
    expect(runScore(New, makePod("p", { cpu: "1", memory: "2Gi" }), nodes, existing)).toEqual({ empty: 100, cpuheavy: 75 });
  });

  it("skips best-effort pods", () => {
    expect(runScore(New, makePod("p"), nodes, existing)).toBe("skipped");
  });

  it.each([
    { requested: [1, 1], allocatable: [2, 2], want: 100 },
    { requested: [2, 0], allocatable: [2, 2], want: 50 },
    { requested: [4, 0], allocatable: [2, 2], want: 50 }, // fractions are capped at 1
    { requested: [1, 1], allocatable: [2, 0], want: 100 }, // a resource the node lacks is ignored
  ])("scorer $requested / $allocatable → $want", ({ requested, allocatable, want }) => {
    expect(balancedScorer(requested, allocatable, [])).toBe(want);
  });
});
