import { describe, expect, it } from "vitest";
import { defaultNormalizeScore } from "./normalize-score.js";

const run = (scores: number[], reverse: boolean) => {
  const list = scores.map((score, i) => ({ name: `n${i}`, score }));
  defaultNormalizeScore(100, reverse, list);
  return list.map((s) => s.score);
};

describe("defaultNormalizeScore", () => {
  it.each([
    { scores: [0, 1, 2, 3], reverse: false, want: [0, 33, 66, 100] },
    { scores: [0, 1, 2, 3], reverse: true, want: [100, 67, 34, 0] },
    { scores: [10, 10, 5], reverse: false, want: [100, 100, 50] },
    { scores: [0, 0, 0], reverse: false, want: [0, 0, 0] },
    { scores: [0, 0, 0], reverse: true, want: [100, 100, 100] },
    { scores: [1000, 1], reverse: false, want: [100, 0] },
  ])("$scores reverse=$reverse → $want", ({ scores, reverse, want }) => {
    expect(run(scores, reverse)).toEqual(want);
  });
});
