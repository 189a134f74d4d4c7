/**
 * What to do with one pod now, after kubelet's `computePodActions`: create its sandbox, run the
 * next init container, start app containers the restart policy wants running (unless their crash
 * back-off still holds), kill containers that failed a liveness or startup probe or whose spec
 * changed, and notice when the pod is finished. Pure: the worker (pod-worker.ts) carries it out.
 */
import type { Pod } from "../../../src/lib/types.js";
import { goDuration } from "../clock.js";
import type { ContainerRecord } from "../runtime/types.js";
import type { Backoff } from "./backoff.js";
import { latest, type PodView } from "./view.js";

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ContainerKill {
  id: string;
  name: string;
  message: string;
  /** Start it again in the same pass (a changed spec restarts whatever the policy). */
  restart: boolean;
}

export interface PodPlan {
  /** Replace the sandbox: kill everything in the pod, then create a new one. */
  createSandbox: boolean;
  /** The pod is finished (its containers will not run again): stop the sandbox, start nothing. */
  terminal: boolean;
  /** The init container to start next. */
  startInit?: string;
  /** App containers to start. */
  start: string[];
  kill: ContainerKill[];
  /** Containers held back: `CrashLoopBackOff`. */
  waiting: Map<string, WaitingReason>;
  /** Old attempts and sandboxes to remove (kubelet keeps one dead attempt per container). */
  remove: ContainerRecord[];
  /** When a back-off ends and the pod must be synced again (ms). */
  wakeAt?: number;
}

export interface PlanInput {
  pod: Pod;
  view: PodView;
  /** Spec hash per container name. */
  specHashes: ReadonlyMap<string, string>;
  backoff: Backoff;
  /** Container ids whose liveness or startup probe has failed, and which. */
  probeFailed: ReadonlyMap<string, "liveness" | "startup">;
  now: number;
}

export function restartPolicyOf(pod: Pod): RestartPolicy {
  const p = pod.spec?.restartPolicy;
  return p === "OnFailure" || p === "Never" ? p : "Always";
}

/** Back-off key of a pod's container. */
export function backoffKey(pod: Pod, name: string): string {
  return `${pod.metadata.uid ?? ""}/${name}`;
}

const failed = (c: ContainerRecord) => c.state === "created" || (c.state === "exited" && c.exitCode !== 0);

function shouldRestart(policy: RestartPolicy, c: ContainerRecord): boolean {
  return policy === "Always" || (policy === "OnFailure" && failed(c));
}

function podName(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Whether every app container has run and none will run again. */
function podFinished(pod: Pod, view: PodView, policy: RestartPolicy): boolean {
  if (policy === "Always") return false;
  const apps = pod.spec?.containers ?? [];
  return apps.length > 0 && apps.every((c) => {
    const rec = latest(view, c.name);
    return rec !== undefined && rec.state !== "running" && !shouldRestart(policy, rec);
  });
}

function initFailedForGood(pod: Pod, view: PodView, policy: RestartPolicy): boolean {
  return policy === "Never" && (pod.spec?.initContainers ?? []).some((c) => {
    const rec = latest(view, c.name);
    return rec !== undefined && rec.state !== "running" && failed(rec);
  });
}

export function planPod(input: PlanInput): PodPlan {
  const { pod, view } = input;
  const policy = restartPolicyOf(pod);
  const plan: PodPlan = { createSandbox: false, terminal: false, start: [], kill: [], waiting: new Map(), remove: [] };
  plan.remove.push(...collectGarbage(input));

  // A pod that reached Succeeded or Failed never runs again (its containers may be gone after a reboot).
  const terminalPhase = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
  if (terminalPhase || podFinished(pod, view, policy) || initFailedForGood(pod, view, policy)) {
    plan.terminal = true;
    return plan;
  }

  // Held back by its crash back-off? Sets the waiting reason and the wake-up time if so.
  const mayStart = (name: string): boolean => {
    const rec = latest(view, name);
    if (!rec || rec.state === "running") return true;
    const key = backoffKey(pod, name);
    const finishedAt = rec.finishedAt ?? rec.createdAt;
    const at = input.backoff.releaseAt(key, finishedAt);
    if (at === undefined) return true;
    plan.waiting.set(name, {
      reason: "CrashLoopBackOff",
      message: `back-off ${goDuration(at - finishedAt)} restarting failed container=${name} pod=${podName(pod)}`,
    });
    plan.wakeAt = plan.wakeAt === undefined ? at : Math.min(plan.wakeAt, at);
    return false;
  };

  if (!view.sandbox || !view.sandbox.ready) {
    plan.createSandbox = true;
    const first = pod.spec?.initContainers?.[0];
    if (first) {
      if (mayStart(first.name)) plan.startInit = first.name;
    } else {
      for (const c of pod.spec?.containers ?? []) {
        const rec = latest(view, c.name);
        if (rec && rec.state !== "running" && !shouldRestart(policy, rec)) continue;
        if (mayStart(c.name)) plan.start.push(c.name);
      }
    }
    return plan;
  }

  // Init containers, in order: each must succeed before the next starts.
  for (const c of pod.spec?.initContainers ?? []) {
    const rec = latest(view, c.name);
    if (!rec) {
      plan.startInit = c.name;
      return plan;
    }
    if (rec.state === "running") return plan;
    if (!failed(rec)) continue;
    // A failed init container under Never is caught above as terminal.
    if (mayStart(c.name)) plan.startInit = c.name;
    return plan;
  }

  for (const c of pod.spec?.containers ?? []) {
    const rec = latest(view, c.name);
    if (!rec) {
      plan.start.push(c.name);
      continue;
    }
    if (rec.state === "running") {
      const hash = input.specHashes.get(c.name);
      if (hash !== undefined && rec.specHash !== hash) {
        plan.kill.push({ id: rec.id, name: c.name, message: `Container ${c.name} definition changed, will be restarted`, restart: true });
      } else if (input.probeFailed.has(rec.id)) {
        const probe = input.probeFailed.get(rec.id);
        const restart = shouldRestart(policy, { ...rec, state: "exited", exitCode: 137 });
        plan.kill.push({
          id: rec.id,
          name: c.name,
          message: `Container ${c.name} failed ${probe} probe${restart ? ", will be restarted" : ""}`,
          restart: false,
        });
      }
      continue;
    }
    if (shouldRestart(policy, rec) && mayStart(c.name)) plan.start.push(c.name);
  }
  return plan;
}

/** Dead attempts beyond the newest two per container, containers no longer in the spec, old sandboxes. */
function collectGarbage(input: PlanInput): ContainerRecord[] {
  const { pod, view } = input;
  const names = new Set([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name));
  const out: ContainerRecord[] = [];
  for (const [name, attempts] of view.containers) {
    if (!names.has(name)) out.push(...attempts);
    else out.push(...attempts.slice(2).filter((c) => c.state !== "running"));
  }
  return out;
}
