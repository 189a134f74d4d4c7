/**
 * Which cluster events the queue cares about a change is (upstream's informer event handlers
 * with their queueing hints): a node added, deleted, or changed in labels, taints, allocatable
 * or conditions. Assigned pods' events (added, deleted, relabelled) the scheduler raises itself.
 */
import type { Node } from "../lib/types.js";
import type { ClusterEvent } from "./framework/interface.js";

/** What a node change can mean to the scheduler, as comparable strings. */
function nodeSeen(n: Node) {
  return {
    labels: JSON.stringify(n.metadata.labels ?? {}),
    // Cordoning is a taint to the scheduler (node.kubernetes.io/unschedulable).
    taints: JSON.stringify([n.spec?.taints ?? [], Boolean(n.spec?.unschedulable)]),
    allocatable: JSON.stringify(n.status?.allocatable ?? n.status?.capacity ?? {}),
    // Statuses only: heartbeat times change every few seconds and mean nothing here.
    conditions: JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status])),
  };
}

/** The events of a node going from `before` to `after` (either absent: added or deleted). */
export function nodeEvents(before: Node | undefined, after: Node | undefined): ClusterEvent[] {
  if (!before) return after ? ["NodeAdd"] : [];
  if (!after) return ["NodeDelete"];
  const was = nodeSeen(before);
  const now = nodeSeen(after);
  const events: ClusterEvent[] = [];
  if (was.labels !== now.labels) events.push("NodeLabelUpdate");
  if (was.taints !== now.taints) events.push("NodeTaintUpdate");
  if (was.allocatable !== now.allocatable) events.push("NodeAllocatableUpdate");
  if (was.conditions !== now.conditions) events.push("NodeConditionUpdate");
  return events;
}
