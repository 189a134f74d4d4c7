/**
 * A pod's status as kubelet writes it (`generateAPIPodStatus`, `getPhase`, the condition
 * generators): container states from the runtime, waiting reasons the worker recorded, probe
 * results, then phase and conditions. Pure; conditions keep their `lastTransitionTime` while
 * their status does not change, and fields other writers own (other condition types,
 * `nominatedNodeName`) are kept.
 */
import type { Pod } from "../../../src/lib/types.js";
import { isoSeconds } from "../clock.js";
import type { ContainerRecord } from "../runtime/types.js";
import { restartPolicyOf, type WaitingReason } from "./plan.js";
import type { ProbeResult } from "./probe-state.js";
import { specContainers, type PodView } from "./view.js";

export type PodStatus = NonNullable<Pod["status"]>;
type ContainerStatus = NonNullable<PodStatus["containerStatuses"]>[number];
type ContainerState = NonNullable<ContainerStatus["state"]>;
type PodCondition = NonNullable<PodStatus["conditions"]>[number];

export interface ProbeView {
  /** Readiness result of a container (by container id); absent when it has no readiness probe. */
  readiness(containerId: string): ProbeResult | undefined;
  startup(containerId: string): ProbeResult | undefined;
}

export interface StatusInput {
  pod: Pod;
  view: PodView;
  /** Why a container is not running: back-off, image or config errors. */
  waiting: ReadonlyMap<string, WaitingReason>;
  probes: ProbeView;
  hostIP: string;
  /** The pod IP, when the runtime gives one (the process runtime uses the host's). */
  podIP?: string;
  /** The pod is being deleted and all its containers are stopped. */
  terminated: boolean;
  now: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : isoSeconds(ms));

function terminatedState(c: ContainerRecord): ContainerState {
  const exitCode = c.exitCode ?? (c.state === "created" ? 128 : 0);
  return {
    terminated: {
      exitCode,
      reason: c.reason ?? (exitCode === 0 ? "Completed" : "Error"),
      startedAt: iso(c.startedAt),
      finishedAt: iso(c.finishedAt ?? c.createdAt),
      containerID: c.uri,
    },
  };
}

interface Counted {
  status: ContainerStatus;
  rec?: ContainerRecord;
}

function containerStatus(input: StatusInput, name: string, image: string, kind: "init" | "app", initialized: boolean): Counted {
  const attempts = input.view.containers.get(name) ?? [];
  const [cur, prev] = attempts;
  const waiting = input.waiting.get(name);
  if (!cur) {
    const reason = waiting ?? { reason: kind === "app" && !initialized ? "PodInitializing" : "ContainerCreating" };
    return {
      status: { name, state: { waiting: reason }, lastState: {}, ready: false, restartCount: 0, image, imageID: "", started: false },
    };
  }
  let state: ContainerState;
  let lastState: ContainerState = prev && prev.state !== "running" ? terminatedState(prev) : {};
  if (cur.state === "running") state = { running: { startedAt: iso(cur.startedAt) } };
  else if (waiting) {
    state = { waiting };
    lastState = terminatedState(cur);
  } else if (cur.state === "created") state = { waiting: { reason: "ContainerCreating" } };
  else state = terminatedState(cur);

  const running = cur.state === "running";
  const startup = input.probes.startup(cur.id);
  const started = running && (startup === undefined || startup === "success");
  const readiness = input.probes.readiness(cur.id);
  const ready =
    kind === "init"
      ? cur.state === "exited" && cur.exitCode === 0 && !waiting
      : started && (readiness === undefined || readiness === "success");
  const status: ContainerStatus = {
    name,
    state,
    lastState,
    ready,
    restartCount: cur.attempt,
    image,
    imageID: cur.imageId,
    containerID: cur.uri,
    started,
  };
  return { status, rec: cur };
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  return ok ? { type, status: "True" } : { type, status: "False", reason, message };
}

/** `getPhase`, counting the container statuses as kubelet does. */
function phaseOf(input: StatusInput, init: ContainerStatus[], apps: ContainerStatus[]): NonNullable<PodStatus["phase"]> {
  const policy = restartPolicyOf(input.pod);
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of apps) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) {
      stopped++;
      if (s.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  const anyAppStarted = apps.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if (failedInit > 0 && policy === "Never") return "Failed";
  if ((pendingInit > 0 && !anyAppStarted) || waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (input.terminated) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

/** Merge our conditions into the existing ones, keeping transition times of unchanged ones. */
function mergeConditions(existing: PodCondition[], ours: PodCondition[], now: number): PodCondition[] {
  const out = existing.filter((c) => !ours.some((o) => o.type === c.type));
  for (const c of ours) {
    const before = existing.find((e) => e.type === c.type);
    const lastTransitionTime =
      before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : isoSeconds(now);
    out.push({ type: c.type, status: c.status, lastTransitionTime, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) });
  }
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
  return out.sort((a, b) => rank(a.type) - rank(b.type));
}

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const before = pod.status ?? {};
  const specs = specContainers(pod);
  const inits = specs.filter((s) => s.kind === "init");
  const apps = specs.filter((s) => s.kind === "app");

  const initCounted = inits.map((s) => containerStatus(input, s.container.name, s.container.image ?? "", "init", true));
  const initIncomplete = initCounted.filter((c) => !(c.rec?.state === "exited" && c.rec.exitCode === 0)).map((c) => c.status.name);
  const appStarted = apps.some((s) => (input.view.containers.get(s.container.name) ?? []).length > 0);
  const initialized = initIncomplete.length === 0 || appStarted;
  const appCounted = apps.map((s) => containerStatus(input, s.container.name, s.container.image ?? "", "app", initialized));

  const initStatuses = initCounted.map((c) => c.status);
  const appStatuses = appCounted.map((c) => c.status);
  let phase = phaseOf(input, initStatuses, appStatuses);
  // A pod never leaves a terminal phase.
  if (before.phase === "Succeeded" || before.phase === "Failed") phase = before.phase;

  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const completed = phase === "Succeeded";
  const readyReason = completed ? "PodCompleted" : "ContainersNotReady";
  const readyMessage = completed ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  const ready = unready.length === 0 && !completed && phase === "Running";
  const ours: PodCondition[] = [
    condition("Initialized", initialized, completed ? "PodCompleted" : "ContainersNotInitialized", completed ? undefined : `containers with incomplete status: [${initIncomplete.join(" ")}]`),
    condition("Ready", ready, readyReason, readyMessage),
    condition("ContainersReady", ready, readyReason, readyMessage),
  ];
  if (!(before.conditions ?? []).some((c) => c.type === "PodScheduled")) ours.push(condition("PodScheduled", true));

  const podIP = input.podIP;
  const status: PodStatus = {
    ...before,
    phase,
    conditions: mergeConditions(before.conditions ?? [], ours, input.now),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP,
    podIPs: podIP ? [{ ip: podIP }] : undefined,
    startTime: before.startTime ?? isoSeconds(input.now),
    containerStatuses: appStatuses,
  };
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  // Keep the last known pod IP once the sandbox is gone (kubelet does, for terminated pods).
  if (!podIP && before.podIP) {
    status.podIP = before.podIP;
    status.podIPs = before.podIPs;
  }
  if (!status.podIP) {
    delete status.podIP;
    delete status.podIPs;
  }
  return status;
}
