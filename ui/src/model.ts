/**
 * What the views show, computed from API objects: pure functions, unit-tested
 * (test/unit/ui-model.test.ts). Pod status is kubectl's own (src/resources/pod-table.ts).
 */
import type { CronJob, DaemonSet, Deployment, Endpoints, Job, KubeObject, Node, Pod, StatefulSet } from "../../src/lib/types.js";
import { timestampSince } from "../../src/lib/duration.js";
import { nodeAllocatable, podRequests as schedulerPodRequests } from "../../src/scheduler/framework/resources.js";
import { podSummary } from "../../src/resources/pod-table.js";
import type { Tone } from "./dom.js";

export { podSummary };

export const PHASES = ["Running", "Pending", "Succeeded", "Failed", "Unknown"] as const;

export function podsByPhase(pods: readonly Pod[]): Record<(typeof PHASES)[number], number> {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 };
  for (const p of pods) {
    const phase = (p.status?.phase ?? "Pending") as keyof typeof counts;
    counts[phase in counts ? phase : "Unknown"]++;
  }
  return counts;
}

/** The node's Ready condition status: True, False or Unknown (none posted yet). */
export function nodeReady(node: Node): "True" | "False" | "Unknown" {
  const s = node.status?.conditions?.find((c) => c.type === "Ready")?.status;
  return s === "True" || s === "False" ? s : "Unknown";
}

export function nodeRoles(node: Node): string[] {
  const prefix = "node-role.kubernetes.io/";
  return Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length) || "<none>");
}

export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
  pods: number;
}

/**
 * A pod's effective request, counted by the scheduler's own rules (sidecar init containers add
 * up, others count by the largest, plus the overhead), so the dashboard's node figures are the
 * ones placement uses. Stored pods hold valid quantities; a pod that does not reads as zero.
 */
export function podRequests(pod: Pod): Resources {
  try {
    const r = schedulerPodRequests(pod);
    return { cpuMilli: r.milliCpu, memoryBytes: r.memory, pods: 1 };
  } catch {
    return { cpuMilli: 0, memoryBytes: 0, pods: 1 };
  }
}

const terminal = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** What the non-terminated pods bound to `node` request in total. */
export function requestedOn(node: Node, pods: readonly Pod[]): Resources {
  const total = { cpuMilli: 0, memoryBytes: 0, pods: 0 };
  for (const p of pods) {
    if (p.spec?.nodeName !== node.metadata.name || terminal(p)) continue;
    const r = podRequests(p);
    total.cpuMilli += r.cpuMilli;
    total.memoryBytes += r.memoryBytes;
    total.pods += 1;
  }
  return total;
}

/** Allocatable (or capacity) of a node, as the scheduler reads it. */
export function allocatable(node: Node): Resources {
  try {
    const a = nodeAllocatable(node);
    return { cpuMilli: a.milliCpu, memoryBytes: a.memory, pods: a.allowedPodNumber };
  } catch {
    return { cpuMilli: 0, memoryBytes: 0, pods: 0 };
  }
}

/** The colour of a pod status as kubectl prints it. */
export function podTone(status: string): Tone {
  if (status === "Running") return "ok";
  if (status === "Completed" || status === "Succeeded" || status === "Terminating") return "idle";
  if (/^(Pending|ContainerCreating|PodInitializing|Init:\d+\/\d+|SchedulingGated|NotReady)$/.test(status)) return "warn";
  return "bad";
}

export interface Rollout {
  /** One or two words: Complete, Rolling, Failed, Waiting, Suspended, Active. */
  state: string;
  tone: Tone;
  /** What `kubectl rollout status` would say, or a Job's progress. */
  detail: string;
  /** `ready/desired`. */
  ready: string;
  /** Whether a rollout is under way (the overview's "rolling"). */
  rolling: boolean;
}

const observed = (o: KubeObject & { status?: { observedGeneration?: number } }) =>
  (o.status?.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);

/** `kubectl rollout status` for a Deployment (kubectl's DeploymentStatusViewer). */
export function deploymentRollout(d: Deployment): Rollout {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const ready = `${s.readyReplicas ?? 0}/${want}`;
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const progressing = s.conditions?.find((c) => c.type === "Progressing");
  if (!observed(d)) return { state: "Waiting", tone: "warn", detail: "Waiting for the deployment spec update to be observed", ready, rolling: true };
  if (progressing?.reason === "ProgressDeadlineExceeded") return { state: "Failed", tone: "bad", detail: `deployment "${d.metadata.name}" exceeded its progress deadline`, ready, rolling: false };
  if (updated < want) return { state: "Rolling", tone: "warn", detail: `${updated} out of ${want} new replicas have been updated`, ready, rolling: true };
  if ((s.replicas ?? 0) > updated) return { state: "Rolling", tone: "warn", detail: `${(s.replicas ?? 0) - updated} old replicas are pending termination`, ready, rolling: true };
  if (available < updated) return { state: "Rolling", tone: "warn", detail: `${available} of ${updated} updated replicas are available`, ready, rolling: true };
  return { state: want === 0 ? "Scaled to 0" : "Complete", tone: want === 0 ? "idle" : "ok", detail: `successfully rolled out`, ready, rolling: false };
}

/** `kubectl rollout status` for a StatefulSet (RollingUpdate strategy). */
export function statefulSetRollout(ss: StatefulSet): Rollout {
  const want = ss.spec?.replicas ?? 1;
  const s = ss.status ?? { replicas: 0 };
  const ready = `${s.readyReplicas ?? 0}/${want}`;
  if (!observed(ss)) return { state: "Waiting", tone: "warn", detail: "Waiting for the statefulset spec update to be observed", ready, rolling: true };
  if ((s.readyReplicas ?? 0) < want) return { state: "Rolling", tone: "warn", detail: `Waiting for ${want - (s.readyReplicas ?? 0)} pods to be ready`, ready, rolling: true };
  if (ss.spec?.updateStrategy?.type !== "OnDelete" && s.updateRevision !== s.currentRevision) {
    return { state: "Rolling", tone: "warn", detail: `${s.updatedReplicas ?? 0} of ${want} pods updated to revision ${s.updateRevision ?? "?"}`, ready, rolling: true };
  }
  return { state: want === 0 ? "Scaled to 0" : "Complete", tone: want === 0 ? "idle" : "ok", detail: `${s.currentReplicas ?? s.readyReplicas ?? 0} pods at revision ${s.currentRevision ?? "?"}`, ready, rolling: false };
}

/** `kubectl rollout status` for a DaemonSet. */
export function daemonSetRollout(ds: DaemonSet): Rollout {
  const s = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const want = s.desiredNumberScheduled ?? 0;
  const ready = `${s.numberReady ?? 0}/${want}`;
  if (!observed(ds)) return { state: "Waiting", tone: "warn", detail: "Waiting for the daemon set spec update to be observed", ready, rolling: true };
  if ((s.updatedNumberScheduled ?? 0) < want) return { state: "Rolling", tone: "warn", detail: `${s.updatedNumberScheduled ?? 0} out of ${want} new pods have been updated`, ready, rolling: true };
  if ((s.numberAvailable ?? 0) < want) return { state: "Rolling", tone: "warn", detail: `${s.numberAvailable ?? 0} of ${want} updated pods are available`, ready, rolling: true };
  return { state: "Complete", tone: want === 0 ? "idle" : "ok", detail: `${want} pods on their nodes`, ready, rolling: false };
}

const conditionTrue = (conds: { type: string; status: string }[] | undefined, type: string) => (conds ?? []).some((c) => c.type === type && c.status === "True");

export function jobRollout(job: Job): Rollout {
  const s = job.status ?? {};
  const completions = job.spec?.completions;
  const ready = `${s.succeeded ?? 0}/${completions ?? 1}`;
  const counts = `${s.active ?? 0} active, ${s.succeeded ?? 0} succeeded, ${s.failed ?? 0} failed`;
  if (conditionTrue(s.conditions, "Complete")) return { state: "Complete", tone: "ok", detail: counts, ready, rolling: false };
  if (conditionTrue(s.conditions, "Failed")) {
    const reason = s.conditions?.find((c) => c.type === "Failed")?.reason;
    return { state: "Failed", tone: "bad", detail: reason ? `${reason}: ${counts}` : counts, ready, rolling: false };
  }
  if (job.spec?.suspend) return { state: "Suspended", tone: "idle", detail: counts, ready, rolling: false };
  return { state: "Running", tone: "warn", detail: counts, ready, rolling: true };
}

export function cronJobRollout(cj: CronJob, now: Date): Rollout {
  const active = cj.status?.active?.length ?? 0;
  const last = cj.status?.lastScheduleTime;
  const detail = `${cj.spec?.schedule ?? ""}${last ? ` · last run ${ago(last, now)} ago` : " · never run"}`;
  if (cj.spec?.suspend) return { state: "Suspended", tone: "idle", detail, ready: String(active), rolling: false };
  return { state: active ? "Active" : "Scheduled", tone: active ? "warn" : "ok", detail, ready: String(active), rolling: false };
}

export interface EndpointAddress {
  ip: string;
  ports: string;
  ready: boolean;
  target?: string;
}

/** Every address of an Endpoints object, ready ones first, with its ports. */
export function endpointAddresses(ep: Endpoints | undefined): EndpointAddress[] {
  const out: EndpointAddress[] = [];
  for (const subset of ep?.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => `${p.port}${p.protocol && p.protocol !== "TCP" ? `/${p.protocol}` : ""}`).join(", ");
    for (const a of subset.addresses ?? []) out.push({ ip: a.ip, ports, ready: true, target: a.targetRef?.name });
    for (const a of subset.notReadyAddresses ?? []) out.push({ ip: a.ip, ports, ready: false, target: a.targetRef?.name });
  }
  return out;
}

/** kubectl's age format (`3m20s`). */
export function ago(timestamp: string | null | undefined, now: Date): string {
  return timestampSince(timestamp, now);
}

/** `1.5 GiB`, `512 MiB`: memory for people. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `250m`, `2`, `1.5` cores. */
export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : milli < 1000 ? `${milli}m` : (milli / 1000).toFixed(2).replace(/0$/, "");
}

/** The time an Event last happened (events.k8s.io and core fields alike). */
export function eventTime(e: { lastTimestamp?: string; eventTime?: string; firstTimestamp?: string; metadata: { creationTimestamp?: string } }): string | undefined {
  return e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata.creationTimestamp;
}
