/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in equal
 * fractions with the pod: score = (1 - standard deviation of the fractions) × 100. Best-effort
 * pods (no requests) are not scored, as upstream does since kubernetes#129138, so they do not pile
 * onto one node.
 */
import type { PluginFactory, PreScorePlugin, ScorePlugin } from "../../framework/interface.js";
import { MAX_NODE_SCORE } from "../../framework/interface.js";
import { SKIP, SUCCESS } from "../../framework/status.js";
import { names } from "../names.js";
import { DEFAULT_RESOURCES, scoreResourceAllocation, type Scorer } from "../node-resources-fit/resource-allocation.js";

export const Name = names.NodeResourcesBalancedAllocation;

export const balancedScorer: Scorer = (requested, allocatable) => {
  const fractions: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    fractions.push(Math.min(requested[i] / allocatable[i], 1));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((sum, f) => sum + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
};

export const New: PluginFactory = (): PreScorePlugin & ScorePlugin => ({
  name: Name,
  preScore(_state, pod) {
    return pod.requests.milliCpu === 0 && pod.requests.memory === 0 ? SKIP : SUCCESS;
  },
  score(_state, pod, node) {
    return scoreResourceAllocation(pod, node, DEFAULT_RESOURCES, true, balancedScorer);
  },
});
