import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runScore } from "../../testing/plugin-harness.js";
import { MAX_CONTAINER_THRESHOLD, MIN_THRESHOLD, New, calculatePriority } from "./index.js";

const MB = 1024 * 1024;

describe("ImageLocality", () => {
  const nodes = [
    makeNode("a", { images: [{ names: ["nginx:1.25"], sizeBytes: 500 * MB }, { names: ["redis:latest"], sizeBytes: 300 * MB }] }),
    makeNode("b", { images: [{ names: ["nginx:1.25"], sizeBytes: 500 * MB }] }),
    makeNode("c"),
  ];
  it.each([
    // 500 MB × 2/3 of the nodes, scaled between 23 MB and 1000 MB.
    { name: "weighs size by spread", containers: ["nginx:1.25"], want: { a: 31, b: 31, c: 0 } },
    { name: "an untagged image is :latest", containers: ["redis"], want: { a: 7, b: 0, c: 0 } },
    { name: "sums containers, threshold per container", containers: ["nginx:1.25", "redis"], want: { a: 20, b: 15, c: 0 } },
    { name: "an image nowhere scores nothing", containers: ["postgres:16"], want: { a: 0, b: 0, c: 0 } },
  ])("$name", ({ containers, want }) => {
    const pod = makePod("p", { spec: { containers: containers.map((image, i) => ({ name: `c${i}`, image })) } });
    expect(runScore(New, pod, nodes)).toEqual(want);
  });

  it.each([
    { sum: 0, containers: 1, want: 0 },
    { sum: MIN_THRESHOLD, containers: 1, want: 0 },
    { sum: MAX_CONTAINER_THRESHOLD, containers: 1, want: 100 },
    { sum: 5 * MAX_CONTAINER_THRESHOLD, containers: 1, want: 100 },
  ])("calculatePriority($sum, $containers) = $want", ({ sum, containers, want }) => {
    expect(calculatePriority(sum, containers)).toBe(want);
  });
});
