/**
 * The scoring half shared by NodeResourcesFit (LeastAllocated) and BalancedAllocation: per
 * resource, what the node would have requested with this pod, against what it offers
 * (upstream resourceAllocationScorer). cpu and memory, weight 1 each, as the default args.
 */
import type { NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";

export interface ResourceSpec {
  readonly name: "cpu" | "memory";
  readonly weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: "cpu", weight: 1 },
  { name: "memory", weight: 1 },
];

/** `(requested, allocatable)` per resource → a score in [0, 100]. */
export type Scorer = (requested: readonly number[], allocatable: readonly number[], resources: readonly ResourceSpec[]) => number;

/**
 * `useRequested`: BalancedAllocation weighs real requests; LeastAllocated weighs requests with
 * upstream's defaults for containers that request nothing, so empty pods still spread.
 */
export function scoreResourceAllocation(
  pod: PodInfo,
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  useRequested: boolean,
  scorer: Scorer,
): number {
  const nodeRequested = useRequested ? node.requested : node.nonZeroRequested;
  const podRequested = useRequested ? pod.requests : pod.nonZeroRequests;
  const requested: number[] = [];
  const allocatable: number[] = [];
  for (const r of resources) {
    if (r.name === "cpu") {
      requested.push(nodeRequested.milliCpu + podRequested.milliCpu);
      allocatable.push(node.allocatable.milliCpu);
    } else {
      requested.push(nodeRequested.memory + podRequested.memory);
      allocatable.push(node.allocatable.memory);
    }
  }
  return scorer(requested, allocatable, resources);
}

/** Upstream leastResourceScorer: the weighted mean of `(allocatable - requested) * 100 / allocatable`. */
export const leastAllocatedScorer: Scorer = (requested, allocatable, resources) => {
  let score = 0;
  let weightSum = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const free = requested[i] > allocatable[i] ? 0 : Math.trunc(((allocatable[i] - requested[i]) * 100) / allocatable[i]);
    score += free * resources[i].weight;
    weightSum += resources[i].weight;
  }
  return weightSum === 0 ? 0 : Math.trunc(score / weightSum);
};
