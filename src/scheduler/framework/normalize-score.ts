/**
 * Upstream's helper.DefaultNormalizeScore: scale scores so the highest becomes `maxPriority`
 * (integer division, as in Go), optionally reversed so the lowest raw score wins. When every
 * score is 0, reversed scores all become `maxPriority` and plain ones stay 0.
 */
import type { NodeScore } from "./interface.js";

export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    let score = Math.trunc((maxPriority * s.score) / max);
    if (reverse) score = maxPriority - score;
    s.score = score;
  }
}
