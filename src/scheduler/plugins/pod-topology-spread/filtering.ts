/**
 * `whenUnsatisfiable: DoNotSchedule`: placing the pod in a domain must not make that domain's
 * matching pods exceed the least populated domain's by more than maxSkew
 * (upstream podtopologyspread/filtering.go).
 */
import { stateKey, type CycleState } from "../../framework/cycle-state.js";
import type { NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS, unresolvable, unschedulable, type Status } from "../../framework/status.js";
import { requiredNodeAffinity } from "../helpers/node-selector.js";
import { pairKey } from "../helpers/topology.js";
import { constraintsFor, hasAllTopologyKeys, matchesInclusionPolicies, type Constraint } from "./common.js";

export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;

interface PreFilterState {
  constraints: Constraint[];
  /** Matching pods per topology pair. */
  pairCounts: Map<string, number>;
  /** Per topology key: the smallest count among its domains, and the number of domains. */
  minByKey: Map<string, { min: number; domains: number }>;
}

const preFilterKey = stateKey<PreFilterState>("PreFilterPodTopologySpread");

export function preFilter(state: CycleState, pod: PodInfo, allNodes: readonly NodeInfo[]): Status {
  const constraints = constraintsFor(pod, "DoNotSchedule");
  if (constraints.length === 0) return SKIP;
  const affinity = requiredNodeAffinity(pod.pod);
  const pairCounts = new Map<string, number>();
  const valuesByKey = new Map<string, Set<string>>();
  for (const node of allNodes) {
    if (!hasAllTopologyKeys(node, constraints)) continue;
    for (const c of constraints) {
      if (!matchesInclusionPolicies(c, pod, node.node, affinity)) continue;
      const value = node.labels[c.topologyKey];
      const k = pairKey(c.topologyKey, value);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + c.countOn(node));
      let values = valuesByKey.get(c.topologyKey);
      if (!values) valuesByKey.set(c.topologyKey, (values = new Set()));
      values.add(value);
    }
  }
  const minByKey = new Map<string, { min: number; domains: number }>();
  for (const [key, values] of valuesByKey) {
    let min = Infinity;
    for (const v of values) min = Math.min(min, pairCounts.get(pairKey(key, v)) ?? 0);
    minByKey.set(key, { min, domains: values.size });
  }
  state.write(preFilterKey, { constraints, pairCounts, minByKey });
  return SUCCESS;
}

export function filter(state: CycleState, node: NodeInfo): Status {
  const s = state.read(preFilterKey);
  for (const c of s.constraints) {
    if (!Object.hasOwn(node.labels, c.topologyKey)) return unresolvable(ErrReasonNodeLabelNotMatch);
    const paths = s.minByKey.get(c.topologyKey);
    // Fewer domains than minDomains: the global minimum is taken as 0.
    const min = paths && paths.domains >= c.minDomains ? paths.min : 0;
    const matchNum = s.pairCounts.get(pairKey(c.topologyKey, node.labels[c.topologyKey])) ?? 0;
    if (matchNum + (c.selfMatch ? 1 : 0) - min > c.maxSkew) return unschedulable(ErrReasonConstraintsNotMatch);
  }
  return SUCCESS;
}
