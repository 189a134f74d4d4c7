/**
 * Why a pod fits nowhere, and upstream's message for it (framework.FitError):
 * `0/<all> nodes are available: <PreFilterMsg>. <count reason, …>. <PostFilterMsg>.`
 * Filter reasons are counted per node (a node rejected for cpu and memory counts in both),
 * formatted "count reason", sorted as strings and joined with ", ". Nodes a PreFilter excluded
 * count under `absentNodesStatus`. We have no PostFilter (preemption), so, as upstream with no
 * PostFilter plugin enabled, no PostFilter sentence is added.
 */
import type { Status } from "./status.js";

export interface Diagnosis {
  /** Status of every node that was filtered and rejected. */
  readonly nodeToStatus: Map<string, Status>;
  /** Status of the nodes never filtered because a PreFilter narrowed the set. */
  absentNodesStatus?: Status;
  /** Plugins that rejected the pod somewhere: the queue retries it on their events only. */
  readonly unschedulablePlugins: Set<string>;
  /** Set when a PreFilter rejected the pod outright. */
  preFilterMsg?: string;
}

export const newDiagnosis = (): Diagnosis => ({ nodeToStatus: new Map(), unschedulablePlugins: new Set() });

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) return `${message} ${d.preFilterMsg}.`;
  const counts = new Map<string, number>();
  for (const s of d.nodeToStatus.values()) {
    for (const reason of s.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const absent = numAllNodes - d.nodeToStatus.size;
  if (absent > 0 && d.absentNodesStatus) {
    for (const reason of d.absentNodesStatus.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
  }
  // Go's sort.Strings: by UTF-16 code units here, which agrees for these ASCII reasons.
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (parts.length > 0) message += ` ${parts.join(", ")}.`;
  return message;
}

/** Kubernetes caps event notes and condition messages at 1024 bytes (validation.NoteLengthLimit). */
export function truncateMessage(message: string, max = 1024): string {
  const suffix = " ...";
  return message.length <= max ? message : message.slice(0, max - suffix.length) + suffix;
}
