/**
 * The scheduling queue (upstream PriorityQueue): an active queue ordered by priority, then
 * creation time; a back-off set for pods that just failed (1 s doubling to 10 s); and a pool of
 * unschedulable pods that leave it only when a cluster event that could help them happens (one of
 * the events registered by the plugins that rejected them), or after 5 minutes as a safety net.
 * No polling: `nextDueAt()` says when the host must wake up next.
 */
import type { Pod } from "../lib/types.js";
import type { ClusterEvent } from "./framework/interface.js";
import { Heap } from "./heap.js";

export interface QueueOptions {
  /** Upstream podInitialBackoffSeconds: 1 s. */
  initialBackoffMs?: number;
  /** Upstream podMaxBackoffSeconds: 10 s. */
  maxBackoffMs?: number;
  /** Upstream podMaxInUnschedulablePodsDuration: 5 min. */
  maxInUnschedulableMs?: number;
}

type Where = "active" | "backoff" | "unschedulable" | "inFlight";

export interface QueuedPod {
  readonly uid: string;
  pod: Pod;
  readonly priority: number;
  /** Creation time (epoch ms): older pods first among equal priorities. */
  readonly timestamp: number;
  /** Scheduling attempts so far, counted when popped. */
  attempts: number;
  lastAttemptAt: number;
  /** Plugins that rejected the pod on its last attempt. */
  unschedulablePlugins: ReadonlySet<string>;
}

interface Entry extends QueuedPod {
  where: Where;
  seq: number;
  unschedulableSince: number;
  /** Event sequence number when the pod was found unschedulable: older events don't move it. */
  rejectedAtEvent: number;
}

/** What makes a pod worth scheduling again when it changes: not its status (ours, mostly). */
const signature = (pod: Pod): string => JSON.stringify([pod.spec, pod.metadata.labels ?? {}, pod.metadata.annotations ?? {}]);

export class SchedulingQueue {
  readonly #entries = new Map<string, Entry>();
  readonly #active = new Heap<Entry>((a, b) =>
    a.priority !== b.priority ? a.priority > b.priority : a.timestamp !== b.timestamp ? a.timestamp < b.timestamp : a.seq < b.seq,
  );
  #activeCount = 0;
  readonly #backoff = new Set<Entry>();
  readonly #unschedulable = new Set<Entry>();
  /** Signatures of unschedulable pods, to tell a real update from our own status patch. */
  readonly #signatures = new Map<string, string>();
  #seq = 0;
  #eventSeq = 0;
  /** Events recorded since the last applyEvents, with the sequence number of their last occurrence. */
  readonly #pendingEvents = new Map<ClusterEvent, number>();
  readonly #initialBackoff: number;
  readonly #maxBackoff: number;
  readonly #maxInUnschedulable: number;

  constructor(options: QueueOptions = {}) {
    this.#initialBackoff = options.initialBackoffMs ?? 1_000;
    this.#maxBackoff = options.maxBackoffMs ?? 10_000;
    this.#maxInUnschedulable = options.maxInUnschedulableMs ?? 5 * 60_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(uid: string): boolean {
    return this.#entries.has(uid);
  }

  uids(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** Where a pod is; for tests and diagnostics. */
  stateOf(uid: string): Where | undefined {
    return this.#entries.get(uid)?.where;
  }

  #move(e: Entry, where: Where): void {
    if (e.where === where) return;
    if (e.where === "active") this.#activeCount--;
    else if (e.where === "backoff") this.#backoff.delete(e);
    else if (e.where === "unschedulable") {
      this.#unschedulable.delete(e);
      this.#signatures.delete(e.uid);
    }
    e.where = where;
    if (where === "active") {
      this.#activeCount++;
      this.#active.push(e);
    } else if (where === "backoff") this.#backoff.add(e);
    else if (where === "unschedulable") {
      this.#unschedulable.add(e);
      this.#signatures.set(e.uid, signature(e.pod));
    }
  }

  /** A new pending pod goes straight to the active queue. No-op if already queued. */
  add(pod: Pod, uid: string, now: number): void {
    if (this.#entries.has(uid)) return;
    const created = Date.parse(pod.metadata.creationTimestamp ?? "");
    const entry: Entry = {
      uid,
      pod,
      priority: pod.spec?.priority ?? 0,
      timestamp: Number.isNaN(created) ? now : created,
      attempts: 0,
      lastAttemptAt: now,
      unschedulablePlugins: new Set(),
      where: "inFlight",
      seq: this.#seq++,
      unschedulableSince: 0,
      rejectedAtEvent: 0,
    };
    this.#entries.set(uid, entry);
    this.#move(entry, "active");
  }

  /**
   * A queued pod changed. An unschedulable pod whose spec, labels or annotations changed may now
   * fit, so it is moved (upstream's UnscheduledPod update event); other changes only refresh it.
   */
  update(pod: Pod, uid: string, now: number): void {
    const e = this.#entries.get(uid);
    if (!e) return;
    e.pod = pod;
    if (e.where === "unschedulable" && signature(pod) !== this.#signatures.get(uid)) this.#moveOut(e, now);
  }

  delete(uid: string): void {
    const e = this.#entries.get(uid);
    if (!e) return;
    // The heap forgets lazily: pop() skips entries that are no longer active.
    this.#move(e, "inFlight");
    this.#entries.delete(uid);
  }

  /** The next pod to schedule, after moving pods whose back-off or unschedulable timeout is over. */
  pop(now: number): QueuedPod | undefined {
    if (this.#activeCount === 0) this.flush(now);
    for (;;) {
      const e = this.#active.pop();
      if (!e) return undefined;
      if (this.#entries.get(e.uid) !== e || e.where !== "active") continue;
      this.#move(e, "inFlight");
      e.attempts++;
      e.lastAttemptAt = now;
      return e;
    }
  }

  /** The attempt found no node: park the pod until an event that `plugins` care about. */
  unschedulable(uid: string, plugins: ReadonlySet<string>, now: number): void {
    const e = this.#entries.get(uid);
    if (!e) return;
    e.unschedulablePlugins = plugins;
    e.unschedulableSince = now;
    e.rejectedAtEvent = this.#eventSeq;
    this.#move(e, "unschedulable");
  }

  /** The attempt failed for an internal reason, or its binding failed: retry after back-off. */
  backoff(uid: string): void {
    const e = this.#entries.get(uid);
    if (e) this.#move(e, "backoff");
  }

  /** Upstream calculateBackoffDuration: initial × 2^(attempts-1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.#initialBackoff;
    for (let i = 1; i < attempts; i++) {
      if (d > this.#maxBackoff - d) return this.#maxBackoff;
      d += d;
    }
    return Math.min(d, this.#maxBackoff);
  }

  #backoffExpiry(e: Entry): number {
    return e.lastAttemptAt + this.backoffDuration(e.attempts);
  }

  /** Out of the unschedulable pool: to back-off if it has not expired yet, else active. */
  #moveOut(e: Entry, now: number): void {
    this.#move(e, this.#backoffExpiry(e) > now ? "backoff" : "active");
  }

  /** Note a cluster event; it takes effect at the next applyEvents(). O(1). */
  recordEvent(event: ClusterEvent): void {
    this.#pendingEvents.set(event, ++this.#eventSeq);
  }

  /**
   * Move the unschedulable pods that a recorded event could help: an event counts for a pod only
   * if it happened after the pod was found unschedulable, and `couldHelp` says it matters to the
   * plugins that rejected it (Framework.isInterested). Returns how many moved.
   */
  applyEvents(now: number, couldHelp: (event: ClusterEvent, plugins: ReadonlySet<string>) => boolean): number {
    if (this.#pendingEvents.size === 0) return 0;
    let moved = 0;
    for (const e of [...this.#unschedulable]) {
      for (const [event, seq] of this.#pendingEvents) {
        if (seq > e.rejectedAtEvent && couldHelp(event, e.unschedulablePlugins)) {
          this.#moveOut(e, now);
          moved++;
          break;
        }
      }
    }
    this.#pendingEvents.clear();
    return moved;
  }

  /** Back-offs that are over go active; pods unschedulable for too long are retried anyway. */
  flush(now: number): void {
    for (const e of [...this.#backoff]) if (this.#backoffExpiry(e) <= now) this.#move(e, "active");
    for (const e of [...this.#unschedulable]) {
      if (e.unschedulableSince + this.#maxInUnschedulable <= now) this.#moveOut(e, now);
    }
  }

  /** Is any pod ready to be popped at `now`? */
  hasActive(now: number): boolean {
    if (this.#activeCount === 0) this.flush(now);
    return this.#activeCount > 0;
  }

  /** The earliest time a waiting pod becomes due (back-off end or unschedulable timeout). */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    const consider = (at: number) => {
      if (next === undefined || at < next) next = at;
    };
    for (const e of this.#backoff) consider(this.#backoffExpiry(e));
    for (const e of this.#unschedulable) consider(e.unschedulableSince + this.#maxInUnschedulable);
    return next;
  }
}
