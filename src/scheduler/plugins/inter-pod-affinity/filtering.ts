/**
 * Required inter-pod affinity and anti-affinity (upstream interpodaffinity/filtering.go):
 * PreFilter counts, per topology pair, the existing pods that match the incoming pod's terms and
 * the existing pods whose anti-affinity terms match the incoming pod; Filter then answers per
 * node from those counts in O(terms) or O(node labels).
 */
import { stateKey, type CycleState } from "../../framework/cycle-state.js";
import type { NodeInfo, Snapshot } from "../../framework/node-info.js";
import { termMatches, type PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS, unresolvable, unschedulable, type Status } from "../../framework/status.js";
import { TopologyCounts, matchesAllTerms } from "../helpers/topology.js";

export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

interface PreFilterState {
  /** Existing pods whose required anti-affinity terms match the incoming pod. */
  existingAntiAffinityCounts: TopologyCounts;
  /** Existing pods matching all the incoming pod's required affinity terms, per term's pair. */
  affinityCounts: TopologyCounts;
  /** Existing pods matching the incoming pod's required anti-affinity terms. */
  antiAffinityCounts: TopologyCounts;
}

export const preFilterKey = stateKey<PreFilterState>("PreFilterInterPodAffinity");

export function preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status {
  const existingAntiAffinityCounts = new TopologyCounts();
  const podNsLabels = snapshot.namespaceLabels(pod.namespace);
  for (const node of snapshot.havePodsWithRequiredAntiAffinity) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const term of existing.requiredAntiAffinityTerms) {
        if (termMatches(term, pod, podNsLabels)) existingAntiAffinityCounts.bump(node.labels, term.topologyKey, 1);
      }
    }
  }
  const affinity = pod.requiredAffinityTerms;
  const anti = pod.requiredAntiAffinityTerms;
  if (existingAntiAffinityCounts.size === 0 && affinity.length === 0 && anti.length === 0) return SKIP;

  const affinityCounts = new TopologyCounts();
  const antiAffinityCounts = new TopologyCounts();
  if (affinity.length > 0 || anti.length > 0) {
    for (const node of snapshot.nodeInfos) {
      for (const existing of node.pods) {
        const nsLabels = snapshot.namespaceLabels(existing.namespace);
        if (matchesAllTerms(affinity, existing, nsLabels, termMatches)) {
          for (const term of affinity) affinityCounts.bump(node.labels, term.topologyKey, 1);
        }
        for (const term of anti) {
          if (termMatches(term, existing, nsLabels)) antiAffinityCounts.bump(node.labels, term.topologyKey, 1);
        }
      }
    }
  }
  state.write(preFilterKey, { existingAntiAffinityCounts, affinityCounts, antiAffinityCounts });
  return SUCCESS;
}

function satisfiesPodAffinity(s: PreFilterState, pod: PodInfo, node: NodeInfo, snapshot: Snapshot): boolean {
  let podsExist = true;
  for (const term of pod.requiredAffinityTerms) {
    if (!Object.hasOwn(node.labels, term.topologyKey)) return false; // every topology label must exist
    if (s.affinityCounts.count(term.topologyKey, node.labels[term.topologyKey]) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod anywhere matches the
  // terms yet and the pod matches them itself, or such groups would never start.
  return (
    s.affinityCounts.size === 0 &&
    matchesAllTerms(pod.requiredAffinityTerms, pod, snapshot.namespaceLabels(pod.namespace), termMatches)
  );
}

function satisfiesPodAntiAffinity(s: PreFilterState, pod: PodInfo, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const term of pod.requiredAntiAffinityTerms) {
    const value = node.labels[term.topologyKey];
    if (Object.hasOwn(node.labels, term.topologyKey) && s.antiAffinityCounts.count(term.topologyKey, value) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if (s.existingAntiAffinityCounts.count(key, value) > 0) return false;
  }
  return true;
}

export function filter(state: CycleState, pod: PodInfo, node: NodeInfo, snapshot: Snapshot): Status {
  const s = state.read(preFilterKey);
  if (!satisfiesPodAffinity(s, pod, node, snapshot)) return unresolvable(ErrReasonAffinityRulesNotMatch);
  if (!satisfiesPodAntiAffinity(s, pod, node)) return unschedulable(ErrReasonAntiAffinityRulesNotMatch);
  if (!satisfiesExistingPodsAntiAffinity(s, node)) return unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
  return SUCCESS;
}
