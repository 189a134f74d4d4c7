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
import type { Namespace, Node, Pod, Wire } from "../lib/types.js";
import { truncateMessage } from "./framework/fit-error.js";
import type { Handle } from "./framework/interface.js";
import { Snapshot, isTerminated } from "./framework/node-info.js";
import { newPodInfo, type PodInfo } from "./framework/pod-info.js";
import { Framework, type Profile, type Registry } from "./framework/runtime.js";
import { ClusterObserver } from "./observe.js";
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
  readonly #observer = new ClusterObserver();
  readonly #batchSize: number;
  /** Pods bound by us whose binding the host has not yet shown us: uid → node. */
  readonly #assumed = new Map<string, string>();
  #snapshot: Snapshot = new Snapshot({ nodes: [], pods: [] });
  /** PodInfo by uid, reused while the pod's resourceVersion stays the same. */
  #podInfos = new Map<string, { rv: string | undefined; info: PodInfo }>();

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

  /** The host could not bind `uid`: stop accounting it and retry it after back-off. */
  forget(uid: string): void {
    if (!this.#assumed.delete(uid)) return;
    this.queue.backoff(uid);
  }

  run(cluster: ClusterState, now: number): ScheduleRun {
    const out: ScheduleRun = { bindings: [], statusPatches: [], events: [], nextWakeAt: undefined };
    this.#observe(cluster, now);
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
        this.#assumed.set(info.uid, outcome.node);
        this.#observer.noteAssigned(info.uid, pod);
        this.#podInfos.set(info.uid, { rv: pod.metadata.resourceVersion, info });
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

  /** Sync assumptions, events, queue and snapshot with the cluster as the host sees it now. */
  #observe(cluster: ClusterState, now: number): void {
    const assigned = new Map<string, Pod>();
    const pending = new Map<string, Pod>();
    const assumedStill = new Map<string, Pod>();
    for (const pod of cluster.pods) {
      const uid = podKey(pod);
      if (pod.spec?.nodeName) {
        if (!isTerminated(pod)) assigned.set(uid, pod);
      } else if (this.#assumed.has(uid) && this.needsScheduling(pod)) {
        assumedStill.set(uid, pod);
      } else if (this.needsScheduling(pod)) {
        pending.set(uid, pod);
      }
    }
    // An assumption ends when the binding shows up, or the pod is gone or no longer pending.
    for (const uid of [...this.#assumed.keys()]) if (!assumedStill.has(uid)) this.#assumed.delete(uid);

    const events = this.#observer.observe(cluster.nodes, new Map([...assigned, ...assumedStill]));
    for (const e of events) this.queue.recordEvent(e);

    // Assumed pods stay queued (in flight) so that a failed binding can back them off.
    for (const uid of [...this.queue.uids()]) if (!pending.has(uid) && !assumedStill.has(uid)) this.queue.delete(uid);
    for (const [uid, pod] of pending) {
      if (this.queue.has(uid)) this.queue.update(pod, uid, now);
      else this.queue.add(pod, uid, now);
    }

    // PodInfos are parsed once per pod version, not once per run.
    const previous = this.#podInfos;
    this.#podInfos = new Map();
    const infoOf = (pod: Pod): PodInfo => {
      const uid = podKey(pod);
      const cached = previous.get(uid);
      const rv = pod.metadata.resourceVersion;
      const info = cached && rv !== undefined && cached.rv === rv ? cached.info : newPodInfo(pod);
      this.#podInfos.set(uid, { rv, info });
      return info;
    };
    this.#snapshot = new Snapshot({ nodes: cluster.nodes, pods: [...assigned.values()], namespaces: cluster.namespaces }, infoOf);
    for (const [uid, pod] of assumedStill) {
      const node = this.#assumed.get(uid)!;
      if (this.#snapshot.get(node)) this.#snapshot.assume(infoOf(pod), node);
    }
  }
}
