/**
 * Turns two successive views of the cluster into the events the queue cares about (node added,
 * deleted, or changed in labels, taints, allocatable or conditions; an assigned pod added, deleted
 * or relabelled). The host hands the scheduler whole lists, so this diff replaces informers; it
 * costs O(nodes + assigned pods) per run and looks inside an object only when its
 * resourceVersion moved.
 */
import type { Node, Pod } from "../lib/types.js";
import type { ClusterEvent } from "./framework/interface.js";

interface NodeSeen {
  rv: string | undefined;
  labels: string;
  taints: string;
  allocatable: string;
  conditions: string;
}

interface PodSeen {
  rv: string | undefined;
  labels: string;
}

function nodeSeen(n: Node): NodeSeen {
  return {
    rv: n.metadata.resourceVersion,
    labels: JSON.stringify(n.metadata.labels ?? {}),
    // Cordoning is a taint to the scheduler (node.kubernetes.io/unschedulable).
    taints: JSON.stringify([n.spec?.taints ?? [], Boolean(n.spec?.unschedulable)]),
    allocatable: JSON.stringify(n.status?.allocatable ?? n.status?.capacity ?? {}),
    // Statuses only: heartbeat times change every few seconds and mean nothing here.
    conditions: JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status])),
  };
}

export class ClusterObserver {
  #nodes = new Map<string, NodeSeen>();
  #pods = new Map<string, PodSeen>();
  #primed = false;

  /** A pod the scheduler just assumed: its AssignedPodAdd was raised in the batch, not again later. */
  noteAssigned(uid: string, pod: Pod): void {
    this.#pods.set(uid, { rv: undefined, labels: JSON.stringify(pod.metadata.labels ?? {}) });
  }

  /**
   * Events between the last view and this one. The first view yields none: nothing was waiting
   * on the cluster before the scheduler had seen it.
   */
  observe(nodes: readonly Node[], assignedPods: ReadonlyMap<string, Pod>): ClusterEvent[] {
    const events = new Set<ClusterEvent>();
    const nextNodes = new Map<string, NodeSeen>();
    for (const n of nodes) {
      const name = n.metadata.name ?? "";
      const before = this.#nodes.get(name);
      if (before && before.rv !== undefined && before.rv === n.metadata.resourceVersion) {
        nextNodes.set(name, before);
        continue;
      }
      const now = nodeSeen(n);
      nextNodes.set(name, now);
      if (!before) events.add("NodeAdd");
      else {
        if (before.labels !== now.labels) events.add("NodeLabelUpdate");
        if (before.taints !== now.taints) events.add("NodeTaintUpdate");
        if (before.allocatable !== now.allocatable) events.add("NodeAllocatableUpdate");
        if (before.conditions !== now.conditions) events.add("NodeConditionUpdate");
      }
    }
    for (const name of this.#nodes.keys()) if (!nextNodes.has(name)) events.add("NodeDelete");

    const nextPods = new Map<string, PodSeen>();
    for (const [uid, p] of assignedPods) {
      const before = this.#pods.get(uid);
      if (before && before.rv !== undefined && before.rv === p.metadata.resourceVersion) {
        nextPods.set(uid, before);
        continue;
      }
      const now = { rv: p.metadata.resourceVersion, labels: JSON.stringify(p.metadata.labels ?? {}) };
      nextPods.set(uid, now);
      if (!before) events.add("AssignedPodAdd");
      else if (before.labels !== now.labels) events.add("AssignedPodLabelUpdate");
    }
    for (const uid of this.#pods.keys()) if (!nextPods.has(uid)) events.add("AssignedPodDelete");

    this.#nodes = nextNodes;
    this.#pods = nextPods;
    const first = !this.#primed;
    this.#primed = true;
    return first ? [] : [...events];
  }
}
