/**
 * Preferred inter-pod affinity (upstream interpodaffinity/scoring.go): every existing pod adds
 * to the score of its node's topology pairs when the incoming pod's preferred terms select it
 * (anti-affinity subtracts), and when its own required (weight 1) or preferred terms select the
 * incoming pod. A node scores the sum over its pairs; scores are then min-max normalised.
 */
import { stateKey, type CycleState } from "../../framework/cycle-state.js";
import { MAX_NODE_SCORE, type NodeScore } from "../../framework/interface.js";
import type { NodeInfo, Snapshot } from "../../framework/node-info.js";
import { termMatches, type AffinityTerm, type PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS, type Status } from "../../framework/status.js";
import type { Labels } from "../../internal/label-selector.js";

/** Upstream's InterPodAffinityArgs.HardPodAffinityWeight default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

type TopologyScore = Map<string, Map<string, number>>;
const preScoreKey = stateKey<TopologyScore>("PreScoreInterPodAffinity");

function add(scores: TopologyScore, term: AffinityTerm, nodeLabels: Labels, amount: number): void {
  if (!Object.hasOwn(nodeLabels, term.topologyKey)) return;
  let byValue = scores.get(term.topologyKey);
  if (!byValue) scores.set(term.topologyKey, (byValue = new Map()));
  const value = nodeLabels[term.topologyKey];
  byValue.set(value, (byValue.get(value) ?? 0) + amount);
}

function processTerms(
  scores: TopologyScore,
  terms: readonly (AffinityTerm & { weight?: number })[],
  candidate: PodInfo,
  candidateNsLabels: Labels | undefined,
  nodeLabels: Labels,
  sign: number,
  weight?: number,
): void {
  for (const term of terms) {
    if (termMatches(term, candidate, candidateNsLabels)) add(scores, term, nodeLabels, sign * (weight ?? term.weight ?? 0));
  }
}

export function preScore(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status {
  const hasConstraints = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
  // Without preferred terms of its own, only pods with affinity can contribute.
  const nodes = hasConstraints ? snapshot.nodeInfos : snapshot.havePodsWithAffinity;
  const podNsLabels = snapshot.namespaceLabels(pod.namespace);
  const scores: TopologyScore = new Map();
  for (const node of nodes) {
    if (Object.keys(node.labels).length === 0) continue;
    for (const existing of hasConstraints ? node.pods : node.podsWithAffinity) {
      const existingNsLabels = snapshot.namespaceLabels(existing.namespace);
      processTerms(scores, pod.preferredAffinityTerms, existing, existingNsLabels, node.labels, 1);
      processTerms(scores, pod.preferredAntiAffinityTerms, existing, existingNsLabels, node.labels, -1);
      processTerms(scores, existing.requiredAffinityTerms, pod, podNsLabels, node.labels, 1, HARD_POD_AFFINITY_WEIGHT);
      processTerms(scores, existing.preferredAffinityTerms, pod, podNsLabels, node.labels, 1);
      processTerms(scores, existing.preferredAntiAffinityTerms, pod, podNsLabels, node.labels, -1);
    }
  }
  if (scores.size === 0) return SKIP;
  state.write(preScoreKey, scores);
  return SUCCESS;
}

export function score(state: CycleState, node: NodeInfo): number {
  let total = 0;
  for (const [key, byValue] of state.read(preScoreKey)) {
    if (Object.hasOwn(node.labels, key)) total += byValue.get(node.labels[key]) ?? 0;
  }
  return total;
}

export function normalizeScore(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    min = Math.min(min, s.score);
    max = Math.max(max, s.score);
  }
  const diff = max - min;
  for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
}
