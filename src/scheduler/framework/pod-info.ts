/**
 * A pod as the scheduler sees it, parsed once: requests, host ports, affinity terms with their
 * selectors compiled, owner. Upstream's framework.PodInfo.
 */
import type * as k8s from "@kubernetes/client-node";
import type { Pod, Wire } from "../../lib/types.js";
import { compileLabelSelector, matchNothing, type LabelMatcher, type Labels } from "../internal/label-selector.js";
import { podRequests, type Resources } from "./resources.js";

type PodAffinityTerm = Wire<k8s.V1PodAffinityTerm>;
type WeightedPodAffinityTerm = Wire<k8s.V1WeightedPodAffinityTerm>;

export interface AffinityTerm {
  /** Namespaces named by the term; the owner's own when neither these nor a selector is given. */
  readonly namespaces: ReadonlySet<string>;
  /** `namespaceSelector`, or none: matched against the candidate pod's namespace labels. */
  readonly namespaceSelector: LabelMatcher;
  readonly selector: LabelMatcher;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Effective request (see podRequests). */
  readonly requests: Resources;
  /** The same with upstream's defaults for containers that request nothing; for scoring. */
  readonly nonZeroRequests: Resources;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** Has pod affinity or anti-affinity of any kind (upstream's PodsWithAffinity). */
  readonly hasAffinity: boolean;
  /** uid of the controller owner (ReplicaSet, StatefulSet, Job…), for default spreading. */
  readonly controllerUid: string | undefined;
  /** Has a deletionTimestamp: still holds resources, but no longer counts for spreading. */
  readonly terminating: boolean;
}

function affinityTerm(term: PodAffinityTerm, ownerNamespace: string): AffinityTerm {
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(ownerNamespace);
  return {
    namespaces,
    namespaceSelector: term.namespaceSelector ? compileLabelSelector(term.namespaceSelector) : matchNothing,
    selector: compileLabelSelector(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

const weighted = (terms: WeightedPodAffinityTerm[] | undefined, ns: string): WeightedAffinityTerm[] =>
  (terms ?? []).map((t) => ({ ...affinityTerm(t.podAffinityTerm, ns), weight: t.weight }));

export function newPodInfo(pod: Pod): PodInfo {
  const namespace = pod.metadata.namespace ?? "default";
  const affinity = pod.spec?.affinity;
  const hostPorts: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) {
        hostPorts.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
      }
    }
  }
  return {
    pod,
    uid: pod.metadata.uid ?? `${namespace}/${pod.metadata.name}`,
    namespace,
    name: pod.metadata.name ?? "",
    labels: pod.metadata.labels ?? {},
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts,
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(t, namespace),
    ),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => affinityTerm(t, namespace),
    ),
    preferredAffinityTerms: weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
    preferredAntiAffinityTerms: weighted(
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      namespace,
    ),
    hasAffinity: Boolean(affinity?.podAffinity || affinity?.podAntiAffinity),
    controllerUid: pod.metadata.ownerReferences?.find((o) => o.controller)?.uid,
    terminating: Boolean(pod.metadata.deletionTimestamp),
  };
}

/**
 * Does `term` (of some pod) select `candidate`? Its namespace must be named by the term or match
 * the term's namespaceSelector, and its labels the label selector (upstream AffinityTerm.Matches).
 */
export function termMatches(term: AffinityTerm, candidate: PodInfo, namespaceLabels: Labels | undefined): boolean {
  const nsOk = term.namespaces.has(candidate.namespace) || term.namespaceSelector(namespaceLabels ?? {});
  return nsOk && term.selector(candidate.labels);
}
