/**
 * The scheduler as its host (the Controller Durable Object) drives it: on each alarm, hand it
 * the cluster (nodes, all pods) and the time; it schedules a batch of pending pods and returns
 * what to write: bindings (for `pods/binding`), status patches and Events for pods that fit
 * nowhere, and when to wake it next. Pure: no I/O, no clock, randomness injected.
 *
 * Pods it binds are "assumed" at once: accounted on their node in this batch and in later runs
 * until the host's binding shows up in the pods it passes (or the host calls `forget` because the
 * binding failed). So two pods never take the last slot of a node, and a node's allocation counts
 * before its agent reports anything.
 */
import type { Action } from "../controllers/types.js";
import type * as k8s from "@kubernetes/client-node";
import { deepEqual } from "../lib/json.js";
import type { Namespace, Node, Pod, Wire } from "../lib/types.js";
import { truncateMessage } from "./framework/fit-error.js";
import type { ClusterEvent, Handle } from "./framework/interface.js";
import { Snapshot, isTerminated } from "./framework/node-info.js";
import { newPodInfo, type PodInfo } from "./framework/pod-info.js";
import { Framework, type Profile, type Registry } from "./framework/runtime.js";
import { nodeEvents } from "./observe.js";
import { inTreeRegistry } from "./plugins/registry.js";
import { DEFAULT_SCHEDULER_NAME, defaultProfile } from "./profile.js";
import { SchedulingQueue, type QueueOptions } from "./queue.js";
import { SchedulingAlgorithm } from "./schedule-one.js";

type PodCondition = Wire<k8s.V1PodCondition>;
export type EventAction = Extract<Action, { type: "event" }>;

export interface SchedulerOptions {
  profile?: Profile;
  registry?: Registry;
  /** Tie-breaking among equal nodes; `Math.random` unless a test fixes it. */
  rng?: () => number;
  queue?: QueueOptions;
  /** Most pods attempted per run, to bound the host's CPU time per alarm. */
  batchSize?: number;
}

export interface ClusterState {
  nodes: readonly Node[];
  /** All pods: assigned ones count on their nodes, pending ones are queued. */
  pods: readonly Pod[];
  /** For pod affinity `namespaceSelector`s; optional. */
  namespaces?: readonly Namespace[];
}

export interface PodBinding {
  namespace: string;
  name: string;
  uid: string;
  node: string;
}

/** A JSON merge patch for `pods/status`: the whole conditions list, PodScheduled updated. */
export interface PodStatusPatch {
  namespace: string;
  name: string;
  uid: string;
  status: { conditions: PodCondition[] };
}

export interface ScheduleRun {
  bindings: PodBinding[];
  statusPatches: PodStatusPatch[];
  events: EventAction[];
  /** Epoch ms at which to run again; `now` if the batch limit left pods waiting; undefined: idle. */
  nextWakeAt: number | undefined;
}

export const DEFAULT_BATCH_SIZE = 1_000;

const podKey = (p: Pod): string => p.metadata.uid ?? `${p.metadata.namespace ?? "default"}/${p.metadata.name}`;

function podScheduledPatch(pod: Pod, reason: string, message: string, now: number): PodStatusPatch | undefined {
  const conditions = pod.status?.conditions ?? [];
  const current = conditions.find((c) => c.type === "PodScheduled");
  if (current && current.status === "False" && current.reason === reason && current.message === message) return undefined;
  const condition: PodCondition = {
    type: "PodScheduled",
    status: "False",
    reason,
    message,
    lastTransitionTime: current?.status === "False" && current.lastTransitionTime ? current.lastTransitionTime : new Date(now).toISOString(),
  };
  return {
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name ?? "",
    uid: podKey(pod),
    status: { conditions: [...conditions.filter((c) => c.type !== "PodScheduled"), condition] },
  };
}

const event = (pod: Pod, eventType: "Normal" | "Warning", reason: string, message: string): EventAction => ({
  type: "event",
  involvedObject: pod,
  eventType,
  reason,
  message,
});

export class Scheduler {
  readonly framework: Framework;
  readonly queue: SchedulingQueue;
  readonly #algorithm: SchedulingAlgorithm;
  readonly #batchSize: number;
  /** Kept up to date change by change (upstream's cache); plugins read it through the handle. */
  readonly #snapshot = new Snapshot();
  /** The newest objects the host has shown us, and which changed since the last run. */
  readonly #nodes = new Map<string, Node>();
  readonly #pods = new Map<string, Pod>();
  readonly #namespaces = new Map<string, Namespace>();
  readonly #dirtyNodes = new Set<string>();
  readonly #dirtyPods = new Set<string>();
  /**
   * What the snapshot counts per pod uid: bound pods, and pods we bound whose binding the host
   * has not shown us yet (`assumed`).
   */
  readonly #accounted = new Map<string, { info: PodInfo; node: string; assumed: boolean }>();
  #primed = false;

  constructor(options: SchedulerOptions = {}) {
    const handle: Handle = { snapshot: () => this.#snapshot };
    this.framework = new Framework(options.profile ?? defaultProfile, options.registry ?? inTreeRegistry, handle);
    this.queue = new SchedulingQueue(options.queue);
    this.#algorithm = new SchedulingAlgorithm(this.framework, options.rng ?? Math.random);
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /** Is this pod ours to schedule? Pending, alive, for our profile, without scheduling gates. */
  needsScheduling(pod: Pod): boolean {
    const spec = pod.spec;
    return (
      !spec?.nodeName &&
      !isTerminated(pod) &&
      !pod.metadata.deletionTimestamp &&
      (spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.framework.profile.schedulerName &&
      !(spec?.schedulingGates?.length)
    );
  }

  // The host's informer handlers: O(1) each; the next run works the changes in.
  setNode(node: Node): void {
    const name = nameOf(node);
    this.#nodes.set(name, node);
    this.#dirtyNodes.add(name);
  }

  deleteNode(name: string): void {
    if (this.#nodes.delete(name)) this.#dirtyNodes.add(name);
  }

  setPod(pod: Pod): void {
    const uid = podKey(pod);
    this.#pods.set(uid, pod);
    this.#dirtyPods.add(uid);
  }

  deletePod(pod: Pod): void {
    const uid = podKey(pod);
    if (this.#pods.delete(uid)) this.#dirtyPods.add(uid);
  }

  setNamespace(ns: Namespace): void {
    this.#namespaces.set(nameOf(ns), ns);
    this.#snapshot.setNamespace(ns);
  }

  deleteNamespace(name: string): void {
    this.#namespaces.delete(name);
    this.#snapshot.removeNamespace(name);
  }

  /**
   * Take `cluster` as the whole truth (a first view, a relist): objects not in it are deleted,
   * and only those that differ (by identity: the host hands the same object until it changes)
   * count as changed.
   */
  sync(cluster: ClusterState): void {
    syncMap(this.#nodes, cluster.nodes, nameOf, (n) => this.setNode(n), (n) => this.deleteNode(nameOf(n)));
    syncMap(this.#pods, cluster.pods, podKey, (p) => this.setPod(p), (p) => this.deletePod(p));
    syncMap(this.#namespaces, cluster.namespaces ?? [], nameOf, (ns) => this.setNamespace(ns), (ns) => this.deleteNamespace(nameOf(ns)));
  }

  /** The host could not bind `uid`: stop accounting it and retry it after back-off. */
  forget(uid: string): void {
    const accounted = this.#accounted.get(uid);
    if (!accounted?.assumed) return;
    this.#snapshot.removePod(accounted.info, accounted.node);
    this.#accounted.delete(uid);
    this.queue.backoff(uid);
  }

  /** `sync(cluster)`, then `schedule(now)`: for callers that hold whole lists. */
  run(cluster: ClusterState, now: number): ScheduleRun {
    this.sync(cluster);
    return this.schedule(now);
  }

  /** Work in the changes seen since the last run, then schedule a batch of pending pods. */
  schedule(now: number): ScheduleRun {
    const out: ScheduleRun = { bindings: [], statusPatches: [], events: [], nextWakeAt: undefined };
    this.#catchUp(now);
    const couldHelp = this.framework.isInterested.bind(this.framework);
    this.queue.applyEvents(now, couldHelp);
    this.queue.flush(now);

    for (let attempted = 0; attempted < this.#batchSize; attempted++) {
      const queued = this.queue.pop(now);
      if (!queued) break;
      const pod = queued.pod;
      const info = newPodInfo(pod);
      const outcome = this.#algorithm.schedule(info, this.#snapshot);
      if (outcome.kind === "scheduled") {
        this.#snapshot.assume(info, outcome.node);
        this.#accounted.set(info.uid, { info, node: outcome.node, assumed: true });
        this.queue.recordEvent("AssignedPodAdd");
        out.bindings.push({ namespace: info.namespace, name: info.name, uid: info.uid, node: outcome.node });
        out.events.push(event(pod, "Normal", "Scheduled", `Successfully assigned ${info.namespace}/${info.name} to ${outcome.node}`));
        continue;
      }
      const unschedulable = outcome.kind === "unschedulable";
      if (unschedulable) this.queue.unschedulable(info.uid, outcome.diagnosis.unschedulablePlugins, now);
      else this.queue.backoff(info.uid);
      const message = truncateMessage(outcome.message);
      const reason = unschedulable ? "Unschedulable" : "SchedulerError";
      const patch = podScheduledPatch(pod, reason, message, now);
      if (patch) out.statusPatches.push(patch);
      out.events.push(event(pod, "Warning", "FailedScheduling", message));
    }
    this.queue.applyEvents(now, couldHelp);
    out.nextWakeAt = this.queue.hasActive(now) ? now : this.queue.nextDueAt();
    return out;
  }

  /** Bring snapshot and queue up to the changed objects, and queue the cluster events they are. */
  #catchUp(now: number): void {
    const events = new Set<ClusterEvent>();
    for (const name of this.#dirtyNodes) {
      const before = this.#snapshot.get(name)?.node;
      const after = this.#nodes.get(name);
      if (before === after) continue;
      for (const e of nodeEvents(before, after)) events.add(e);
      if (after) this.#snapshot.setNode(after);
      else this.#snapshot.removeNode(name);
    }
    this.#dirtyNodes.clear();
    for (const uid of this.#dirtyPods) this.#catchUpPod(uid, events, now);
    this.#dirtyPods.clear();
    // The first view raises nothing: nothing was waiting on the cluster before we had seen it.
    if (this.#primed) for (const e of events) this.queue.recordEvent(e);
    this.#primed = true;
  }

  #catchUpPod(uid: string, events: Set<ClusterEvent>, now: number): void {
    const pod = this.#pods.get(uid);
    const had = this.#accounted.get(uid);
    const nodeName = pod?.spec?.nodeName;
    if (pod && nodeName && !isTerminated(pod)) {
      // Bound. An assumption ends here: its AssignedPodAdd was raised when it was made.
      this.queue.delete(uid);
      if (had && !had.assumed && had.info.pod === pod) return;
      const info = newPodInfo(pod);
      if (had) this.#snapshot.removePod(had.info, had.node);
      this.#snapshot.addPod(info, nodeName);
      this.#accounted.set(uid, { info, node: nodeName, assumed: false });
      if (!had) events.add("AssignedPodAdd");
      else if (!had.assumed && !deepEqual(had.info.labels, info.labels)) events.add("AssignedPodLabelUpdate");
      return;
    }
    const pending = pod !== undefined && this.needsScheduling(pod);
    if (had && !(had.assumed && pending)) {
      // Gone, finished, or no longer ours to bind.
      this.#snapshot.removePod(had.info, had.node);
      this.#accounted.delete(uid);
      events.add("AssignedPodDelete");
    }
    if (!pending) this.queue.delete(uid);
    // An assumed pod stays queued (in flight) until its binding shows up or fails.
    else if (this.#accounted.has(uid)) return;
    else if (this.queue.has(uid)) this.queue.update(pod, uid, now);
    else this.queue.add(pod, uid, now);
  }
}

const nameOf = (o: Node | Namespace): string => o.metadata.name ?? "";

/** Calls `set` for objects new or replaced in `next`, `remove` for those no longer in it. */
function syncMap<T>(known: ReadonlyMap<string, T>, next: readonly T[], keyOf: (o: T) => string, set: (o: T) => void, remove: (o: T) => void): void {
  const keys = new Set<string>();
  for (const o of next) {
    const key = keyOf(o);
    keys.add(key);
    if (known.get(key) !== o) set(o);
  }
  for (const [key, o] of [...known]) if (!keys.has(key)) remove(o);
}
