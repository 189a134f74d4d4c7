/**
 * The pods of this node: one worker per pod bound to it, fed by the channel (or, before the
 * control plane answers, by the assignments kept on disk), and a relist of the runtime every
 * second (kubelet's PLEG) that wakes the worker of a pod whose containers changed and removes
 * containers of pods that are no longer bound here.
 */
import type { Pod } from "../../../src/lib/types.js";
import type { Logger } from "../log.js";
import type { Runtime } from "../runtime/types.js";
import type { StateDir } from "../state/state-dir.js";
import { PodWorker, type WorkerDeps } from "./pod-worker.js";
import type { PodStatus } from "./status.js";
import type { StatusWriter } from "./status-writer.js";
import { viewsByPod, type PodView } from "./view.js";

export interface PodManagerDeps extends Omit<WorkerDeps, "reportStatus" | "finalize" | "onGone"> {
  state: StateDir;
  statusWriter: StatusWriter;
  relistMs?: number;
}

function fingerprint(view: PodView): string {
  const parts: string[] = [];
  if (view.sandbox) parts.push(`s:${view.sandbox.id}:${view.sandbox.ready}`);
  for (const [name, attempts] of view.containers) for (const c of attempts) parts.push(`${name}:${c.id}:${c.state}`);
  return parts.sort().join(",");
}

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private readonly phases = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();
  /** Uids whose containers are being torn down as orphans. */
  private readonly orphansInFlight = new Set<string>();
  /** Orphans are removed only once the API has said which pods are bound here. */
  private apiSynced = false;
  private relistTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly deps: PodManagerDeps) {
    this.log = deps.log.with({ component: "pods" });
  }

  /** Pods by the phase last computed for them (for /metrics). */
  phaseCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.phases.values()) out.set(p, (out.get(p) ?? 0) + 1);
    return out;
  }

  /** Starts the pods kept on disk, before the control plane has answered. */
  async loadAssignments(): Promise<void> {
    const pods = await this.deps.state.loadAssignments();
    for (const pod of pods) this.upsert(pod, false);
    this.log.info("loaded assignments from disk", { pods: pods.length });
  }

  /** The full set of pods bound to this node, from the API. */
  sync(pods: Pod[]): void {
    const uids = new Set(pods.map((p) => p.metadata.uid ?? ""));
    for (const pod of pods) this.upsert(pod, true);
    for (const [uid, w] of this.workers) if (!uids.has(uid)) this.removed(uid, w);
    this.apiSynced = true;
  }

  event(type: "ADDED" | "MODIFIED" | "DELETED", pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    if (type === "DELETED") {
      const w = this.workers.get(uid);
      if (w) this.removed(uid, w);
      return;
    }
    this.upsert(pod, true);
  }

  /** The channel is back: write pending statuses. */
  reconnected(): void {
    this.deps.statusWriter.flush();
  }

  private upsert(pod: Pod, fromApi: boolean): void {
    const uid = pod.metadata.uid ?? "";
    if (!uid) return;
    if (fromApi) this.deps.statusWriter.observe(pod);
    const w = this.workers.get(uid);
    const changed = !w || w.current.metadata.resourceVersion !== pod.metadata.resourceVersion;
    if (fromApi && changed) {
      this.deps.state.saveAssignment(pod).catch((err: unknown) => this.log.warn("cannot save assignment", { uid, error: String(err) }));
    }
    if (w) {
      if (changed) w.update(pod);
      return;
    }
    const worker = new PodWorker(pod, {
      ...this.deps,
      reportStatus: (p: Pod, status: PodStatus) => {
        this.phases.set(uid, status.phase ?? "Pending");
        this.deps.statusWriter.set(p, status);
      },
      finalize: (p: Pod, status: PodStatus) => this.deps.statusWriter.finalize(p, status),
      onGone: (gone: string) => this.forget(gone),
    });
    this.workers.set(uid, worker);
    worker.trigger();
  }

  private removed(uid: string, w: PodWorker): void {
    this.deps.state.removeAssignment(uid).catch(() => undefined);
    w.remove();
  }

  private forget(uid: string): void {
    this.workers.delete(uid);
    this.phases.delete(uid);
    this.fingerprints.delete(uid);
    this.deps.statusWriter.forget(uid);
    this.deps.state.removeAssignment(uid).catch(() => undefined);
  }

  /** Starts the relist loop. */
  startRelist(): void {
    const tick = async () => {
      try {
        await this.relist();
      } catch (err) {
        this.log.warn("runtime relist failed", { error: String(err) });
      }
      if (!this.stopped) this.relistTimer = setTimeout(tick, this.deps.relistMs ?? 1000);
    };
    this.relistTimer = setTimeout(tick, this.deps.relistMs ?? 1000);
  }

  private async relist(): Promise<void> {
    const views = viewsByPod(await this.deps.runtime.list());
    for (const [uid, view] of views) {
      const w = this.workers.get(uid);
      if (!w) {
        if (this.apiSynced) void this.removeOrphan(uid, view).catch((err: unknown) => this.log.warn("cannot remove orphan", { uid, error: String(err) }));
        continue;
      }
      const fp = fingerprint(view);
      if (this.fingerprints.get(uid) !== fp) {
        this.fingerprints.set(uid, fp);
        w.trigger();
      }
    }
  }

  /** Containers of a pod that is not bound here (any more): stop and remove them. */
  private async removeOrphan(uid: string, view: PodView): Promise<void> {
    if (this.orphansInFlight.has(uid)) return;
    this.orphansInFlight.add(uid);
    const runtime: Runtime = this.deps.runtime;
    try {
      this.log.info("removing containers of a pod not bound to this node", { uid });
      for (const attempts of view.containers.values()) {
        for (const c of attempts) {
          if (c.state === "running") await runtime.stopContainer(c.id, 10);
          await runtime.removeContainer(c.id);
        }
      }
      for (const sb of [view.sandbox, ...view.staleSandboxes]) if (sb) await runtime.removeSandbox(sb.id);
    } finally {
      this.orphansInFlight.delete(uid);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.relistTimer);
    for (const w of this.workers.values()) w.stop();
  }
}
