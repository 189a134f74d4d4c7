/**
 * One pod's worker, as kubelet's pod worker: syncs are serialized, triggered by the channel
 * (spec changes, deletion), the runtime relist (a container died), probes (a result changed)
 * and timers (back-off ends). A sync reads the pod's containers from the runtime, asks the pure
 * planner what to do (plan.ts), does it, and hands the computed status (status.ts) to the status
 * writer. A deleted pod is terminated with its grace period (preStop, SIGTERM, SIGKILL), its
 * final status written, then confirmed with a zero-grace delete.
 */
import type { Container, Pod } from "../../../src/lib/types.js";
import type { Clock } from "../clock.js";
import type { PodNaming } from "../dns/pod-naming.js";
import type { Logger } from "../log.js";
import { ImageError, type Runtime, type SandboxRecord } from "../runtime/types.js";
import type { Backoff } from "./backoff.js";
import { containerConfig } from "./container-config.js";
import { runHandler } from "./handlers.js";
import { backoffKey, planPod, type WaitingReason } from "./plan.js";
import { PodProber } from "./prober.js";
import { ConfigError, type ReferenceSource } from "./references.js";
import { containerSpecHash } from "./spec-hash.js";
import { computePodStatus, type PodStatus } from "./status.js";
import { emptyView, latest, viewsByPod, type PodView } from "./view.js";
import { MountError, setUpVolumes, tearDownPodDir } from "./volumes.js";
import type { ProbeKind, ProbeResult } from "./probe-state.js";

export interface WorkerDeps {
  runtime: Runtime;
  clock: Clock;
  log: Logger;
  nodeName: string;
  hostIP(): string;
  stateDir: string;
  refs: ReferenceSource;
  /** Service variables and resolv.conf for the containers (absent: neither, as with the process runtime). */
  naming?: PodNaming;
  crashBackoff: Backoff;
  imageBackoff: Backoff;
  /** The status the pod should have; the writer decides whether it must be sent. */
  reportStatus(pod: Pod, status: PodStatus): void;
  /** Writes the final status and confirms the deletion (zero-grace delete); resolves once done. */
  finalize(pod: Pod, status: PodStatus): Promise<void>;
  /** The worker is done with a pod that is gone: forget it. */
  onGone(uid: string): void;
  onRestart?(pod: Pod, container: string): void;
  onProbe?(kind: ProbeKind, result: ProbeResult): void;
}

/** How often a pod is synced with nothing happening (kubelet's resync is about a minute). */
const RESYNC_MS = 30_000;
/** A pod that cannot start is retried after 5 s, doubling to a minute (each retry may read ConfigMaps: requests). */
const ERROR_RESYNC_MS = 5_000;
const ERROR_RESYNC_MAX_MS = 60_000;
const SANDBOX_FAILED = "Failed to create pod sandbox: ";

function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  const tag = image.includes("@") ? "digest" : /:([^/:]+)$/.exec(image)?.[1];
  return !tag || tag === "latest" ? "Always" : "IfNotPresent";
}

export class PodWorker {
  private pod: Pod;
  /** The pod was removed from the API (or its removal confirmed): tear down without API calls. */
  private removed = false;
  private finished = false;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<string, WaitingReason>();
  private readonly prober: PodProber;
  private readonly log: Logger;
  private podIP: string | undefined;
  /** Syncs in a row that could not start everything. */
  private errorStreak = 0;

  constructor(pod: Pod, private readonly deps: WorkerDeps) {
    this.pod = pod;
    this.log = deps.log.with({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid: pod.metadata.uid });
    this.prober = new PodProber({ runtime: deps.runtime, clock: deps.clock, log: this.log, onChange: () => this.trigger(), onProbe: deps.onProbe });
  }

  get uid(): string {
    return this.pod.metadata.uid ?? "";
  }

  get current(): Pod {
    return this.pod;
  }

  /** A newer version of the pod from the API. */
  update(pod: Pod): void {
    this.pod = pod;
    this.trigger();
  }

  /** The pod is gone from the API: stop and clean up. */
  remove(): void {
    this.removed = true;
    this.trigger();
  }

  /** Sync soon; syncs never overlap. */
  trigger(): void {
    if (this.finished) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop();
  }

  stop(): void {
    this.finished = true;
    clearTimeout(this.timer);
    this.prober.stop();
  }

  private async loop(): Promise<void> {
    let next = RESYNC_MS;
    do {
      this.again = false;
      try {
        next = await this.sync();
      } catch (err) {
        this.log.warn("pod sync failed", { error: err instanceof Error ? err.message : String(err) });
        next = this.errorDelay(true);
      }
    } while (this.again && !this.finished);
    this.running = undefined;
    if (!this.finished) this.timer = setTimeout(() => this.trigger(), Math.max(50, next));
  }

  private async observe(): Promise<PodView> {
    const view = viewsByPod(await this.deps.runtime.list(this.uid)).get(this.uid) ?? emptyView();
    if (view.sandbox?.ready && view.sandbox.ip) this.podIP = view.sandbox.ip;
    return view;
  }

  /** One sync; returns how long until the next one is due (ms). */
  private async sync(): Promise<number> {
    if (this.removed || this.pod.metadata.deletionTimestamp) {
      await this.terminate();
      return RESYNC_MS;
    }
    const { deps, pod } = this;
    let view = await this.observe();
    const specHashes = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, containerSpecHash(c)]));
    this.prober.update(pod, view, this.podIP ?? deps.hostIP());
    const plan = planPod({ pod, view, specHashes, backoff: deps.crashBackoff, probeFailed: this.prober.failed(), now: deps.clock.now() });
    let acted = false;
    for (const old of [...view.staleSandboxes]) {
      await deps.runtime.removeSandbox(old.id);
      acted = true;
    }
    for (const rec of plan.remove) {
      await deps.runtime.removeContainer(rec.id);
      acted = true;
    }
    for (const kill of plan.kill) {
      this.log.info(kill.message, { containerId: kill.id });
      await this.killContainer(kill.id, kill.name, this.gracePeriod());
      acted = true;
      if (kill.restart) plan.start.push(kill.name);
    }
    // Clear waiting reasons of containers the plan no longer holds back; failures below set them again.
    for (const name of [...this.waiting.keys()]) if (!plan.waiting.has(name) && this.waiting.get(name)?.reason === "CrashLoopBackOff") this.waiting.delete(name);
    for (const [name, w] of plan.waiting) this.waiting.set(name, w);

    let sandbox = view.sandbox;
    if (sandbox?.ready) {
      for (const [name, w] of this.waiting) if (w.message?.startsWith(SANDBOX_FAILED)) this.waiting.delete(name);
    }
    if (plan.terminal) {
      if (sandbox?.ready) {
        await deps.runtime.stopContainer(sandbox.id, 0);
        acted = true;
      }
    } else if (plan.createSandbox) {
      acted = true;
      try {
        sandbox = await this.recreateSandbox(view);
      } catch (err) {
        // kubelet's FailedCreatePodSandBox: the containers wait in ContainerCreating, with why.
        const message = `${SANDBOX_FAILED}${err instanceof Error ? err.message : String(err)}`;
        this.log.warn("cannot create the pod sandbox", { message });
        for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) this.waiting.set(c.name, { reason: "ContainerCreating", message });
        sandbox = undefined;
      }
    }
    let errors = sandbox === undefined && plan.createSandbox;
    if (sandbox && !plan.terminal) {
      const toStart = [...(plan.startInit ? [plan.startInit] : []), ...plan.start];
      for (const name of toStart) {
        const ok = await this.startContainer(name, sandbox, view);
        acted = true;
        if (!ok) errors = true;
      }
    }
    if (acted) {
      view = await this.observe();
      this.prober.update(pod, view, this.podIP ?? deps.hostIP());
    }
    this.report(view, false);
    const now = deps.clock.now();
    const stuck = errors || [...this.waiting.values()].some((w) => w.reason !== "CrashLoopBackOff");
    let next = stuck ? this.errorDelay(true) : this.errorDelay(false);
    if (plan.wakeAt !== undefined) next = Math.min(next, plan.wakeAt - now + 10);
    return next;
  }

  /** The next resync: the error back-off while failing (5 s doubling to 1 min), else the resync period. */
  private errorDelay(failing: boolean): number {
    if (!failing) {
      this.errorStreak = 0;
      return RESYNC_MS;
    }
    return Math.min(ERROR_RESYNC_MS * 2 ** this.errorStreak++, ERROR_RESYNC_MAX_MS);
  }

  private report(view: PodView, terminated: boolean): PodStatus {
    const status = computePodStatus({
      pod: this.pod,
      view,
      waiting: this.waiting,
      probes: { readiness: (id) => this.prober.readiness(id), startup: (id) => this.prober.startup(id) },
      hostIP: this.deps.hostIP(),
      podIP: this.podIP,
      terminated,
      now: this.deps.clock.now(),
    });
    if (!terminated) this.deps.reportStatus(this.pod, status);
    return status;
  }

  private gracePeriod(): number {
    return this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  private specOf(name: string): Container | undefined {
    return [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])].find((c) => c.name === name);
  }

  /** preStop (within the grace period), then SIGTERM and SIGKILL after what is left of it. */
  private async killContainer(id: string, name: string, graceSeconds: number): Promise<void> {
    const started = this.deps.clock.now();
    const spec = this.specOf(name);
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && spec) {
      const r = await runHandler(preStop, { runtime: this.deps.runtime, containerId: id, container: spec, host: this.podIP ?? this.deps.hostIP() }, graceSeconds * 1000);
      if (!r.ok) this.log.warn("PreStopHook failed", { container: name, message: r.message });
    }
    const left = Math.max(0, graceSeconds - Math.floor((this.deps.clock.now() - started) / 1000));
    await this.deps.runtime.stopContainer(id, left);
  }

  private async recreateSandbox(view: PodView): Promise<SandboxRecord> {
    const { deps, pod } = this;
    for (const attempts of view.containers.values()) {
      const rec = attempts[0];
      if (rec.state === "running") await this.killContainer(rec.id, rec.name, this.gracePeriod());
    }
    if (view.sandbox) await deps.runtime.removeSandbox(view.sandbox.id);
    const ports = (pod.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort!, protocol: (p.protocol ?? "TCP") as "TCP", hostIP: p.hostIP })),
    );
    const sandbox = await deps.runtime.runSandbox({
      podUid: this.uid,
      namespace: pod.metadata.namespace ?? "default",
      podName: pod.metadata.name ?? "",
      attempt: view.sandbox ? view.sandbox.attempt + 1 : 0,
      hostname: pod.spec?.hostname ?? pod.metadata.name ?? "",
      ports,
      hostNetwork: !!pod.spec?.hostNetwork,
      podLabels: pod.metadata.labels ?? {},
    });
    this.podIP = pod.spec?.hostNetwork ? deps.hostIP() : sandbox.ip;
    this.log.info("sandbox started", { sandboxId: sandbox.id, podIP: this.podIP });
    return sandbox;
  }

  /** Ensures the image, configures and starts one container; records why not if it cannot. */
  private async startContainer(name: string, sandbox: SandboxRecord, view: PodView): Promise<boolean> {
    const { deps, pod } = this;
    const c = this.specOf(name);
    if (!c) return false;
    const kind = (pod.spec?.initContainers ?? []).some((x) => x.name === name) ? "init" : "app";
    const image = c.image ?? "";
    try {
      await this.ensureImage(image, (c.imagePullPolicy as "Always" | "IfNotPresent" | "Never" | undefined) ?? defaultPullPolicy(image));
    } catch (err) {
      if (err instanceof ImageError || err instanceof WaitError) {
        this.waiting.set(name, { reason: err instanceof ImageError ? err.reason : err.reason, message: err.message });
        this.log.warn("image not available", { container: name, reason: this.waiting.get(name)?.reason, message: err.message });
        return false;
      }
      throw err;
    }
    const prev = latest(view, name);
    const attempt = prev ? prev.attempt + 1 : this.attemptAfterReboot(name);
    let id: string;
    try {
      const volumePaths = await setUpVolumes(pod, deps.stateDir, deps.refs);
      const config = await containerConfig(
        {
          pod,
          nodeName: deps.nodeName,
          podIP: this.podIP ?? "",
          hostIP: deps.hostIP(),
          volumePaths,
          refs: deps.refs,
          serviceEnv: await deps.naming?.serviceEnv(pod),
          resolvConf: await deps.naming?.resolvConf(pod),
        },
        c,
        { kind, attempt, specHash: containerSpecHash(c) },
      );
      id = await deps.runtime.createContainer(sandbox, config);
    } catch (err) {
      const reason = err instanceof ConfigError ? "CreateContainerConfigError" : err instanceof MountError ? "ContainerCreating" : "CreateContainerError";
      const message = err instanceof Error ? err.message : String(err);
      this.waiting.set(name, { reason, message });
      this.log.warn("cannot create container", { container: name, reason, message });
      return false;
    }
    if (prev && prev.state !== "running") deps.crashBackoff.next(backoffKey(pod, name), prev.finishedAt ?? prev.createdAt);
    try {
      await deps.runtime.startContainer(id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.waiting.set(name, { reason: "RunContainerError", message });
      this.log.warn("cannot start container", { container: name, containerId: id, message });
      return false;
    }
    this.waiting.delete(name);
    if (attempt > 0) deps.onRestart?.(pod, name);
    this.log.info("container started", { container: name, containerId: id, attempt });
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await runHandler(postStart, { runtime: deps.runtime, containerId: id, container: c, host: this.podIP ?? deps.hostIP() }, 30_000);
      if (!r.ok) {
        this.log.warn("FailedPostStartHook", { container: name, message: r.message });
        await this.killContainer(id, name, this.gracePeriod());
      }
    }
    return true;
  }

  /**
   * After a host reboot the runtime has no record of the pod's containers; the restart count
   * goes on from the status last reported, as kubelet goes on from its log files.
   */
  private attemptAfterReboot(name: string): number {
    const s = [...(this.pod.status?.initContainerStatuses ?? []), ...(this.pod.status?.containerStatuses ?? [])].find((x) => x.name === name);
    if (!s || !(s.state?.running || s.state?.terminated || s.lastState?.terminated)) return 0;
    return s.restartCount + 1;
  }

  private async ensureImage(image: string, policy: "Always" | "IfNotPresent" | "Never"): Promise<void> {
    const { deps } = this;
    const present = await deps.runtime.imagePresent(image);
    if (policy === "Never") {
      if (!present) throw new ImageError("ErrImageNeverPull", `Container image "${image}" is not present with pull policy of Never`);
      return;
    }
    if (present && policy === "IfNotPresent") return;
    const now = deps.clock.now();
    if (deps.imageBackoff.isInBackOffSince(image, now)) throw new WaitError("ImagePullBackOff", `Back-off pulling image "${image}"`);
    try {
      await deps.runtime.pullImage(image);
    } catch (err) {
      deps.imageBackoff.next(image, now);
      throw err;
    }
  }

  /** Stops everything of a deleted pod, reports its final status, confirms the deletion, cleans up. */
  private async terminate(): Promise<void> {
    const { deps } = this;
    const view = await this.observe();
    this.prober.stop();
    const grace = this.gracePeriod();
    await Promise.all(
      [...view.containers.values()].map((attempts) => attempts[0]).filter((rec) => rec.state === "running").map((rec) => this.killContainer(rec.id, rec.name, grace)),
    );
    if (view.sandbox) await deps.runtime.stopContainer(view.sandbox.id, 0);
    const stopped = await this.observe();
    this.waiting.clear();
    if (!this.removed) {
      const status = this.report(stopped, true);
      await deps.finalize(this.pod, status);
    }
    for (const attempts of stopped.containers.values()) for (const rec of attempts) await deps.runtime.removeContainer(rec.id);
    for (const sb of [stopped.sandbox, ...stopped.staleSandboxes]) if (sb) await deps.runtime.removeSandbox(sb.id);
    await tearDownPodDir(deps.stateDir, this.uid);
    deps.crashBackoff.forget((k) => k.startsWith(`${this.uid}/`));
    this.log.info("pod terminated and cleaned up");
    this.stop();
    deps.onGone(this.uid);
  }
}

/** A start that must wait (image pull back-off). */
class WaitError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}
