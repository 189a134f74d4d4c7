/**
 * `whenUnsatisfiable: ScheduleAnyway` and the system default constraints: nodes in domains with
 * fewer matching pods score higher (upstream podtopologyspread/scoring.go). Each constraint adds
 * `count × log(domains + 2) + (maxSkew - 1)`; the normalisation reverses it into [0, 100].
 */
import { stateKey, type CycleState } from "../../framework/cycle-state.js";
import { MAX_NODE_SCORE, type NodeScore } from "../../framework/interface.js";
import type { NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS, type Status } from "../../framework/status.js";
import { requiredNodeAffinity } from "../helpers/node-selector.js";
import { LABEL_HOSTNAME, constraintsFor, hasAllTopologyKeys, matchesInclusionPolicies, type Constraint } from "./common.js";

interface PreScoreState {
  constraints: Constraint[];
  /** Feasible nodes lacking a topology key (only when the pod set its own constraints). */
  ignored: Set<string>;
  /** Per constraint (by index): matching pods per topology value; hostname counts are per node. */
  counts: (Map<string, number> | undefined)[];
  weights: number[];
}

const preScoreKey = stateKey<PreScoreState>("PreScorePodTopologySpread");

export function preScore(state: CycleState, pod: PodInfo, feasible: readonly NodeInfo[], allNodes: readonly NodeInfo[]): Status {
  const constraints = constraintsFor(pod, "ScheduleAnyway");
  if (constraints.length === 0 || feasible.length === 0) return SKIP;
  // System defaults tolerate nodes without a zone label; a pod's own constraints do not.
  const requireAll = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
  const ignored = new Set<string>();
  const counts = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME ? undefined : new Map<string, number>()));
  // Domains are those of the feasible nodes; per-node (hostname) counts are taken in Score.
  for (const node of feasible) {
    if (requireAll && !hasAllTopologyKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const value = node.labels[constraints[i].topologyKey];
      if (counts[i] && value !== undefined && Object.hasOwn(node.labels, constraints[i].topologyKey)) counts[i]!.set(value, 0);
    }
  }
  const weights = constraints.map((c, i) =>
    Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : counts[i]!.size) + 2),
  );
  if (counts.some((m) => m && m.size > 0)) {
    const affinity = requiredNodeAffinity(pod.pod);
    for (const node of allNodes) {
      if (requireAll && !hasAllTopologyKeys(node, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const byValue = counts[i];
        if (!byValue) continue;
        const c = constraints[i];
        const value = node.labels[c.topologyKey];
        const current = value === undefined ? undefined : byValue.get(value);
        if (current === undefined || !matchesInclusionPolicies(c, pod, node.node, affinity)) continue;
        byValue.set(value!, current + c.countOn(node));
      }
    }
  }
  state.write(preScoreKey, { constraints, ignored, counts, weights });
  return SUCCESS;
}

export function score(state: CycleState, node: NodeInfo): number {
  const s = state.read(preScoreKey);
  if (s.ignored.has(node.name)) return 0;
  let total = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!Object.hasOwn(node.labels, c.topologyKey)) continue;
    const byValue = s.counts[i];
    const count = byValue ? (byValue.get(node.labels[c.topologyKey]) ?? 0) : c.countOn(node);
    total += count * s.weights[i] + (c.maxSkew - 1);
  }
  return Math.round(total);
}
export function normalizeScore(state: CycleState, scores: NodeScore[]): void {
  const { ignored } = state.read(preScoreKey);
  let min = Infinity;
  let max = 0;
  for (const s of scores) {
    if (ignored.has(s.name)) continue;
    min = Math.min(min, s.score);
    max = Math.max(max, s.score);
  }
  for (const s of scores) {
    if (ignored.has(s.name)) s.score = 0;
    else if (max === 0) s.score = MAX_NODE_SCORE;
    else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
  }
}
