/**
 * The Job controller's pure core, after kube-controller-manager's `job_controller.go` (v1.32):
 * run pods until `completions` succeed, at most `parallelism` at a time; after failures wait
 * 10 s, 20 s, 40 s… (capped at 6 min) before creating the next pod; fail the Job after more than
 * `backoffLimit` failures or past `activeDeadlineSeconds`; honour `suspend`; and delete the Job
 * `ttlSecondsAfterFinished` after it finished (upstream's separate TTL-after-finished controller).
 *
 * As in 1.32, the outcome is first recorded as `SuccessCriteriaMet` / `FailureTarget`, and the
 * terminal `Complete` / `Failed` condition follows once no pod of the Job is running or terminating.
 *
 * Differences from upstream: terminated pods are counted from the pods that exist (no
 * `batch.kubernetes.io/job-tracking` finalizer and no `status.uncountedTerminatedPods`); the counts
 * never go below what status already recorded, but a pod removed before the controller saw it
 * finish is not counted. Pods are matched by their controller reference (no adoption of orphans),
 * and `podFailurePolicy`, `successPolicy` and `backoffLimitPerIndex` are not implemented.
 */
import type { Job, Pod } from "../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import { isControlledBy, isPodReady, newControllerRef } from "./pod-util.js";
import type { Action, Plan } from "./types.js";

export const JOB_RESOURCE = "jobs.batch";
export const POD_RESOURCE = "pods";
export const JOB_COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
/** upstream `DefaultJobPodFailureBackOff`; the cap is the one the Job documentation gives. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;
/** upstream `MaxPodCreateDeletePerSync`. */
const MAX_POD_CHANGES_PER_PASS = 500;

type JobCondition = NonNullable<NonNullable<Job["status"]>["conditions"]>[number];
type JobStatus = NonNullable<Job["status"]>;

export interface JobInput {
  job: Job;
  /** Pods of the Job's namespace; those the Job controls are picked by controller reference. */
  pods: readonly Pod[];
  now: Date;
  /**
   * False while creations or deletions this controller asked for are not yet observed
   * (ReplicaSet-style expectations): status is still kept, but no pods are created or deleted.
   */
  expectationsSatisfied?: boolean;
  /** Five random characters for each new pod's name (`<job>-<suffix>`), injected by the host. */
  randomSuffix: () => string;
}

export function jobKey(job: Job): string {
  return `${JOB_RESOURCE}/${job.metadata.namespace ?? ""}/${job.metadata.name ?? ""}`;
}

export function reconcileJob(input: JobInput): Plan {
  const { job, now } = input;
  if (job.metadata.deletionTimestamp) return { actions: [] };
  if (finishedCondition(job)) return planTtl(job, now);

  const spec = job.spec!;
  const pods = input.pods.filter((pod) => isControlledBy(pod, job.metadata.uid));
  const suspended = spec.suspend === true;
  const status: JobStatus = clone(job.status ?? {});
  const actions: Action[] = [];
  const event = (eventType: "Normal" | "Warning", reason: string, message: string) =>
    actions.push({ type: "event", involvedObject: job, eventType, reason, message });

  // Suspension, and the start time the active deadline counts from (reset on resume).
  const suspendedCond = status.conditions?.find((c) => c.type === "Suspended");
  if (suspended && suspendedCond?.status !== "True") {
    setCondition(status, condition("Suspended", "JobSuspended", "Job suspended", now));
    event("Normal", "Suspended", "Job suspended");
  } else if (!suspended && suspendedCond?.status === "True") {
    setCondition(status, { ...condition("Suspended", "JobResumed", "Job resumed", now), status: "False" });
    event("Normal", "Resumed", "Job resumed");
    status.startTime = rfc3339(now);
  }
  if (!suspended && !status.startTime) status.startTime = rfc3339(now);

  const counts = countPods(job, pods);
  const active = pods.filter(isActive);
  const indexed = spec.completionMode === "Indexed";
  status.succeeded = indexed ? counts.succeededIndexes.size : Math.max(status.succeeded ?? 0, counts.succeeded);
  status.failed = Math.max(status.failed ?? 0, counts.failed);
  if (indexed) status.completedIndexes = formatIndexes(counts.succeededIndexes);

  // The outcome, once decided, is kept in a FailureTarget / SuccessCriteriaMet condition.
  let target = status.conditions?.find(
    (c) => (c.type === "FailureTarget" || c.type === "SuccessCriteriaMet") && c.status === "True",
  );
  if (!target) {
    target = decideOutcome(job, status, active, counts, now);
    if (target) setCondition(status, target);
  }

  const requeue: number[] = [];
  const manage = input.expectationsSatisfied !== false;
  if (target) {
    // Finishing: stop what still runs; the terminal condition waits for every pod to be gone.
    if (manage) actions.push(...deletePods(job, active, active.length));
    const running = active.length > 0 || pods.some(isTerminating);
    if (!running) {
      const final = target.type === "SuccessCriteriaMet" ? "Complete" : "Failed";
      setCondition(status, { ...target, type: final, lastTransitionTime: rfc3339(now), lastProbeTime: rfc3339(now) });
      if (final === "Complete") {
        status.completionTime = rfc3339(now);
        event("Normal", "Completed", "Job completed");
      } else {
        event("Warning", target.reason ?? "", target.message ?? "");
      }
      if (spec.ttlSecondsAfterFinished !== undefined) requeue.push(now.getTime() + spec.ttlSecondsAfterFinished * 1000);
    }
  } else if (manage) {
    actions.push(...managePods(job, status.succeeded, active, counts, now, requeue, input.randomSuffix));
  }
  const deadline = activeDeadline(job, status);
  if (!target && deadline !== undefined) requeue.push(deadline);

  status.active =
    active.length + actions.filter((a) => a.type === "create").length - actions.filter((a) => a.type === "delete").length;
  status.ready = active.filter(isPodReady).length;
  status.terminating = pods.filter(isTerminating).length;
  if (!deepEqual(status, job.status ?? {})) {
    actions.unshift({ type: "updateStatus", resource: JOB_RESOURCE, namespace: job.metadata.namespace ?? "", object: { ...job, status } });
  }
  return withRequeue(job, actions, requeue);
}

/** `Complete` or `Failed` with status True. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** A finished Job with `ttlSecondsAfterFinished` is deleted (background) at finish + ttl. */
function planTtl(job: Job, now: Date): Plan {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  const finished = Date.parse(finishedCondition(job)?.lastTransitionTime ?? "");
  if (ttl === undefined || Number.isNaN(finished)) return { actions: [] };
  const expireAt = finished + ttl * 1000;
  if (now.getTime() < expireAt) return withRequeue(job, [], [expireAt]);
  return {
    actions: [
      {
        type: "delete",
        resource: JOB_RESOURCE,
        namespace: job.metadata.namespace ?? "",
        name: job.metadata.name ?? "",
        uid: job.metadata.uid,
        propagationPolicy: "Background",
      },
    ],
  };
}

interface PodCounts {
  succeeded: number;
  failed: number;
  succeededIndexes: Set<number>;
  /** Failures since the last success, and when the latest of them finished (back-off). */
  failuresAfterLastSuccess: number;
  lastFailureTime: number;
}

function countPods(job: Job, pods: readonly Pod[]): PodCounts {
  const completions = job.spec?.completions ?? 1;
  const succeededPods = pods.filter((p) => p.status?.phase === "Succeeded");
  const failedPods = pods.filter(isFailed);
  const succeededIndexes = new Set<number>();
  for (const pod of succeededPods) {
    const index = completionIndex(pod);
    if (index !== undefined && index < completions) succeededIndexes.add(index);
  }
  const lastSuccess = Math.max(0, ...succeededPods.map(finishTime));
  const failuresSince = failedPods.map(finishTime).filter((t) => t > lastSuccess);
  return {
    succeeded: succeededPods.length,
    failed: failedPods.length,
    succeededIndexes,
    failuresAfterLastSuccess: failuresSince.length,
    lastFailureTime: Math.max(0, ...failuresSince),
  };
}

/** Whether the Job has failed or succeeded, as of this pass. */
function decideOutcome(job: Job, status: JobStatus, active: readonly Pod[], counts: PodCounts, now: Date): JobCondition | undefined {
  const spec = job.spec!;
  const backoffLimit = spec.backoffLimit ?? 6;
  if ((status.failed ?? 0) > backoffLimit || pastBackoffLimitOnFailure(job, active)) {
    return condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
  }
  const deadline = activeDeadline(job, status);
  if (deadline !== undefined && now.getTime() >= deadline) {
    return condition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", now);
  }
  const complete =
    spec.completions === undefined || spec.completions === null
      ? (status.succeeded ?? 0) > 0 && active.length === 0
      : spec.completionMode === "Indexed"
        ? counts.succeededIndexes.size >= spec.completions
        : (status.succeeded ?? 0) >= spec.completions;
  if (complete) return condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now);
  return undefined;
}

/** With `restartPolicy: OnFailure` the retries are container restarts in the active pods. */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  const limit = job.spec?.backoffLimit ?? 6;
  let restarts = 0;
  for (const pod of active) {
    for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      restarts += cs.restartCount ?? 0;
    }
  }
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function activeDeadline(job: Job, status: JobStatus): number | undefined {
  const seconds = job.spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || job.spec?.suspend || !status.startTime) return undefined;
  return Date.parse(status.startTime) + seconds * 1000;
}

/** upstream `getRemainingTime`: 10 s after the first failure, doubling per further one, capped. */
export function podFailureBackoffMs(failuresAfterLastSuccess: number): number {
  if (failuresAfterLastSuccess <= 0) return 0;
  return Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failuresAfterLastSuccess - 1), MAX_POD_FAILURE_BACKOFF_MS);
}

/** Create or delete pods so that `min(parallelism, remaining)` run (upstream `manageJob`). */
function managePods(
  job: Job,
  succeeded: number,
  active: readonly Pod[],
  counts: PodCounts,
  now: Date,
  requeue: number[],
  randomSuffix: () => string,
): Action[] {
  const spec = job.spec!;
  const parallelism = spec.parallelism ?? 1;
  let wantActive: number;
  if (spec.suspend) wantActive = 0;
  else if (spec.completions === undefined || spec.completions === null) wantActive = succeeded > 0 ? active.length : parallelism;
  else wantActive = Math.max(0, Math.min(parallelism, spec.completions - succeeded));

  if (spec.completionMode === "Indexed") {
    const duplicates = duplicateIndexPods(active);
    if (duplicates.length > 0) return deletePods(job, duplicates, duplicates.length);
  }
  if (active.length > wantActive) return deletePods(job, active, active.length - wantActive);
  if (active.length === wantActive) return [];

  const backoffUntil = counts.lastFailureTime + podFailureBackoffMs(counts.failuresAfterLastSuccess);
  if (counts.failuresAfterLastSuccess > 0 && now.getTime() < backoffUntil) {
    requeue.push(backoffUntil);
    return [];
  }
  const toCreate = Math.min(wantActive - active.length, MAX_POD_CHANGES_PER_PASS);
  const indexes =
    spec.completionMode === "Indexed" ? missingIndexes(spec.completions ?? 0, counts.succeededIndexes, active, toCreate) : [];
  const actions: Action[] = [];
  for (let i = 0; i < toCreate; i++) {
    if (spec.completionMode === "Indexed" && indexes[i] === undefined) break;
    const pod = podFromTemplate(job, indexes[i], randomSuffix());
    actions.push({ type: "create", resource: POD_RESOURCE, namespace: job.metadata.namespace ?? "", object: pod });
    actions.push({
      type: "event",
      involvedObject: job,
      eventType: "Normal",
      reason: "SuccessfulCreate",
      message: `Created pod: ${pod.metadata.name}`,
    });
  }
  return actions;
}

/** Delete `count` of `pods`, the least useful first: unready, then the youngest. */
function deletePods(job: Job, pods: readonly Pod[], count: number): Action[] {
  const ordered = [...pods].sort(
    (a, b) =>
      Number(isPodReady(a)) - Number(isPodReady(b)) ||
      Date.parse(b.metadata.creationTimestamp ?? "") - Date.parse(a.metadata.creationTimestamp ?? ""),
  );
  return ordered.slice(0, Math.min(count, MAX_POD_CHANGES_PER_PASS)).flatMap((pod): Action[] => [
    {
      type: "delete",
      resource: POD_RESOURCE,
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name ?? "",
      uid: pod.metadata.uid,
    },
    { type: "event", involvedObject: job, eventType: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${pod.metadata.name}` },
  ]);
}

/** A new pod from the template: the Job's selector labels, controller reference, and for Indexed Jobs its index. */
function podFromTemplate(job: Job, index: number | undefined, suffix: string): Pod {
  const template = clone(job.spec!.template);
  const jobName = job.metadata.name ?? "";
  const labels = { ...(template.metadata?.labels ?? {}), ...(job.spec!.selector?.matchLabels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  const spec = template.spec!;
  const prefix = index === undefined ? `${jobName}-` : `${jobName}-${index}-`;
  if (index !== undefined) {
    labels[JOB_COMPLETION_INDEX] = String(index);
    annotations[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${jobName}-${index}`;
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      container.env = [
        ...(container.env ?? []),
        { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } },
      ];
    }
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      // The name is chosen here (what generateName would give) so the SuccessfulCreate event can name it.
      name: prefix + suffix,
      generateName: prefix,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [newControllerRef(job, { apiVersion: "batch/v1", kind: "Job" })],
    },
    spec,
  };
}

/** The lowest indexes neither succeeded nor running. */
function missingIndexes(completions: number, succeeded: Set<number>, active: readonly Pod[], count: number): number[] {
  const taken = new Set([...succeeded, ...active.map(completionIndex).filter((i): i is number => i !== undefined)]);
  const result: number[] = [];
  for (let i = 0; i < completions && result.length < count; i++) if (!taken.has(i)) result.push(i);
  return result;
}

/** Active pods beyond the first (ready preferred) for the same index, or without a valid index. */
function duplicateIndexPods(active: readonly Pod[]): Pod[] {
  const seen = new Set<number>();
  const extra: Pod[] = [];
  for (const pod of [...active].sort((a, b) => Number(isPodReady(b)) - Number(isPodReady(a)))) {
    const index = completionIndex(pod);
    if (index === undefined || seen.has(index)) extra.push(pod);
    else seen.add(index);
  }
  return extra;
}

function completionIndex(pod: Pod): number | undefined {
  const text = pod.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata.labels?.[JOB_COMPLETION_INDEX];
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  return Number(text);
}

/** `status.completedIndexes`: sorted indexes with runs compressed, `"0-2,4,6-7"`. */
export function formatIndexes(indexes: Set<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(",");
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function isActive(pod: Pod): boolean {
  return !isTerminal(pod) && !pod.metadata.deletionTimestamp;
}

function isTerminating(pod: Pod): boolean {
  return !isTerminal(pod) && pod.metadata.deletionTimestamp !== undefined;
}

/** Failed, or deleted before it could succeed (upstream counts those as failures too). */
function isFailed(pod: Pod): boolean {
  return pod.status?.phase === "Failed" || isTerminating(pod);
}


/** When a pod finished: its containers' last `finishedAt`, else its deletion, else its creation. */
function finishTime(pod: Pod): number {
  let latest = 0;
  for (const cs of pod.status?.containerStatuses ?? []) {
    const at = Date.parse(cs.state?.terminated?.finishedAt ?? "");
    if (!Number.isNaN(at)) latest = Math.max(latest, at);
  }
  if (latest > 0) return latest;
  return Date.parse(pod.metadata.deletionTimestamp ?? pod.metadata.creationTimestamp ?? "") || 0;
}

function condition(type: string, reason: string, message: string, now: Date): JobCondition {
  const stamp = rfc3339(now);
  return { type, status: "True", reason, message, lastProbeTime: stamp, lastTransitionTime: stamp };
}

function setCondition(status: JobStatus, cond: JobCondition): void {
  const conditions = status.conditions ?? [];
  const index = conditions.findIndex((c) => c.type === cond.type);
  if (index >= 0) conditions[index] = cond;
  else conditions.push(cond);
  status.conditions = conditions;
}

function withRequeue(job: Job, actions: Action[], times: number[]): Plan {
  if (times.length === 0) return { actions };
  return { actions, requeue: [{ key: jobKey(job), at: Math.min(...times) }] };
}
