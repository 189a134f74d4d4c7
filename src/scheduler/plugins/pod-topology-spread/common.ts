/**
 * Topology spread constraints as the plugin uses them: the pod's own, or, for a pod with none,
 * the system defaults (spread pods of the same owner across hostnames, maxSkew 3, and zones,
 * maxSkew 5, ScheduleAnyway), as upstream's `defaultingType: System`.
 *
 * Upstream's default selector is built from the Services, ReplicaSets, ReplicationControllers and
 * StatefulSets selecting the pod; ours is "pods with the same controller owner", which is what
 * those selectors select in practice, and costs O(1) per node (NodeInfo.ownerCounts).
 */
import type * as k8s from "@kubernetes/client-node";
import type { Node, Wire } from "../../../lib/types.js";
import type { NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { compileLabelSelector, type LabelMatcher } from "../../internal/label-selector.js";
import { tolerated } from "../helpers/tolerations.js";
import type { NodeMatcher } from "../helpers/node-selector.js";

type TopologySpreadConstraint = Wire<k8s.V1TopologySpreadConstraint>;

export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone";

export interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: string;
  readonly nodeTaintsPolicy: string;
  /** Does the incoming pod match its own constraint's selector? */
  readonly selfMatch: boolean;
  /** Matching, non-terminating pods of the incoming pod's namespace on `node`. */
  countOn(node: NodeInfo): number;
}

function labelConstraint(c: TopologySpreadConstraint, pod: PodInfo): Constraint {
  // matchLabelKeys: the incoming pod's values for those keys narrow the selector (`key In (v)`).
  const extra = (c.matchLabelKeys ?? [])
    .filter((k) => Object.hasOwn(pod.labels, k))
    .map((k) => ({ key: k, operator: "In", values: [pod.labels[k]] }));
  const selector: LabelMatcher = c.labelSelector
    ? compileLabelSelector({ ...c.labelSelector, matchExpressions: [...(c.labelSelector.matchExpressions ?? []), ...extra] })
    : compileLabelSelector(undefined);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy ?? "Honor",
    nodeTaintsPolicy: c.nodeTaintsPolicy ?? "Ignore",
    selfMatch: selector(pod.labels),
    countOn(node) {
      let n = 0;
      for (const p of node.pods) if (!p.terminating && p.namespace === pod.namespace && selector(p.labels)) n++;
      return n;
    },
  };
}

function ownerConstraint(topologyKey: string, maxSkew: number, ownerUid: string): Constraint {
  return {
    maxSkew,
    topologyKey,
    minDomains: 1,
    nodeAffinityPolicy: "Honor",
    nodeTaintsPolicy: "Ignore",
    selfMatch: true,
    countOn: (node) => node.ownerCounts.get(ownerUid) ?? 0,
  };
}

/** The pod's constraints with `whenUnsatisfiable` = `action`, or the system defaults. */
export function constraintsFor(pod: PodInfo, action: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  const own = pod.pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return own.filter((c) => c.whenUnsatisfiable === action).map((c) => labelConstraint(c, pod));
  if (action !== "ScheduleAnyway" || !pod.controllerUid) return [];
  return [ownerConstraint(LABEL_HOSTNAME, 3, pod.controllerUid), ownerConstraint(LABEL_TOPOLOGY_ZONE, 5, pod.controllerUid)];
}

export const hasAllTopologyKeys = (node: NodeInfo, constraints: readonly Constraint[]): boolean =>
  constraints.every((c) => Object.hasOwn(node.labels, c.topologyKey));

/** nodeAffinityPolicy Honor: the node must match the pod's node selector/affinity; taints likewise. */
export function matchesInclusionPolicies(c: Constraint, pod: PodInfo, node: Node, affinity: NodeMatcher): boolean {
  if (c.nodeAffinityPolicy === "Honor" && !affinity(node)) return false;
  if (c.nodeTaintsPolicy === "Honor") {
    const tolerations = pod.pod.spec?.tolerations ?? [];
    for (const taint of node.spec?.taints ?? []) {
      if ((taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerated(tolerations, taint)) return false;
    }
  }
  return true;
}
