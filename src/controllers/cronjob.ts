/**
 * The CronJob controller's pure core, after kube-controller-manager's `cronjob_controllerv2.go`
 * (v1.32): keep `status.active` true to the Jobs that run, record `lastSuccessfulTime`, create the
 * Job of the latest unmet schedule time (`<cronjob>-<minutes since the epoch>`), honour
 * `concurrencyPolicy`, `startingDeadlineSeconds`, `suspend` and `timeZone`, prune finished Jobs
 * beyond the history limits, and ask to run again at the next schedule time.
 *
 * Schedules are read as Kubernetes reads them (src/lib/cron-schedule.ts). One deliberate difference: upstream clamps the
 * search for missed times to the starting deadline, which makes its `MissSchedule` event
 * unreachable; here the latest missed time is found without the clamp, so a start missed by more
 * than `startingDeadlineSeconds` is reported as upstream's message says. The count for
 * `TooManyMissedTimes` is clamped as upstream.
 */
import type { CronJob, Job } from "../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import { isValidTimeZone, parseCronSchedule, type CronSchedule } from "../lib/cron-schedule.js";
import { finishedCondition } from "./job.js";
import { isControlledBy, newControllerRef } from "./pod-util.js";
import type { Action, Plan } from "./types.js";

export const CRONJOB_RESOURCE = "cronjobs.batch";
export const JOB_RESOURCE = "jobs.batch";
export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** Upstream gives up counting missed start times beyond this. */
const MAX_MISSED_TIMES = 100;

type ObjectReference = NonNullable<NonNullable<CronJob["status"]>["active"]>[number];
type CronJobStatus = NonNullable<CronJob["status"]>;

export interface CronJobInput {
  cronJob: CronJob;
  /** Jobs of the CronJob's namespace; those it controls are picked by controller reference. */
  jobs: readonly Job[];
  now: Date;
}

export function cronJobKey(cj: CronJob): string {
  return `${CRONJOB_RESOURCE}/${cj.metadata.namespace ?? ""}/${cj.metadata.name ?? ""}`;
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`, as upstream `getJobName`. */
export function jobNameFor(cj: CronJob, scheduled: Date): string {
  return `${cj.metadata.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

export function reconcileCronJob(input: CronJobInput): Plan {
  const { cronJob: cj, now } = input;
  const spec = cj.spec!;
  const children = input.jobs.filter((job) => isControlledBy(job, cj.metadata.uid));
  const status: CronJobStatus = clone(cj.status ?? {});
  const actions: Action[] = [];
  const event = (eventType: "Normal" | "Warning", reason: string, message: string) =>
    actions.push({ type: "event", involvedObject: cj, eventType, reason, message });

  syncActive(children, status, event);
  actions.push(...cleanupFinishedJobs(cj, children, event));

  const finish = (nextRun?: Date): Plan => {
    if (!deepEqual(status, cj.status ?? {})) {
      actions.unshift({ type: "updateStatus", resource: CRONJOB_RESOURCE, namespace: cj.metadata.namespace ?? "", object: { ...cj, status } });
    }
    return nextRun ? { actions, requeue: [{ key: cronJobKey(cj), at: nextRun.getTime() }] } : { actions };
  };

  if (cj.metadata.deletionTimestamp || spec.suspend) return finish();
  const timeZone = spec.timeZone ?? "UTC";
  if (!isValidTimeZone(timeZone)) {
    event("Warning", "UnknownTimeZone", `invalid timeZone: "${timeZone}"`);
    return finish();
  }
  let schedule: CronSchedule;
  try {
    schedule = parseCronSchedule(spec.schedule, timeZone);
  } catch (e) {
    event("Warning", "UnparseableSchedule", `unparseable schedule: "${spec.schedule}" : ${e instanceof Error ? e.message : String(e)}`);
    return finish();
  }
  const nextRun = schedule.next(now);

  const earliest = new Date(Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? rfc3339(now)));
  const deadlineSeconds = spec.startingDeadlineSeconds ?? undefined;
  const clampedEarliest =
    deadlineSeconds === undefined ? earliest : new Date(Math.max(earliest.getTime(), now.getTime() - deadlineSeconds * 1000));
  const missed = missedTimes(schedule, clampedEarliest, now);
  if (missed.count > MAX_MISSED_TIMES) {
    event(
      "Warning",
      "TooManyMissedTimes",
      `too many missed start times: ${missed.count}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    );
  }
  const scheduled = deadlineSeconds === undefined ? missed.mostRecent : missedTimes(schedule, earliest, now).mostRecent;
  if (!scheduled) return finish(nextRun);

  if (deadlineSeconds !== undefined && scheduled.getTime() + deadlineSeconds * 1000 < now.getTime()) {
    event("Warning", "MissSchedule", `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
    return finish(nextRun);
  }

  const name = jobNameFor(cj, scheduled);
  if (status.lastScheduleTime === rfc3339(scheduled)) return finish(nextRun);
  if (children.some((job) => job.metadata.name === name)) {
    // Created on an earlier pass whose status write was lost: record it, do not create it again.
    status.lastScheduleTime = rfc3339(scheduled);
    return finish(nextRun);
  }
  const active = status.active ?? [];

  const policy = spec.concurrencyPolicy ?? "Allow";
  if (policy === "Forbid" && active.length > 0) {
    event("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
    return finish(nextRun);
  }
  if (policy === "Replace") {
    for (const ref of active) {
      actions.push({
        type: "delete",
        resource: JOB_RESOURCE,
        namespace: ref.namespace ?? cj.metadata.namespace ?? "",
        name: ref.name ?? "",
        uid: ref.uid,
        propagationPolicy: "Background",
      });
      event("Normal", "SuccessfulDelete", `Deleted job ${ref.name}`);
    }
    status.active = [];
  }

  const job = jobFromTemplate(cj, name, scheduled, timeZone);
  actions.push({ type: "create", resource: JOB_RESOURCE, namespace: cj.metadata.namespace ?? "", object: job });
  event("Normal", "SuccessfulCreate", `Created job ${name}`);
  // The uid is not known before the Job exists; the next pass fills it in (matching by name).
  status.active = [...(status.active ?? []), { kind: "Job", apiVersion: "batch/v1", namespace: cj.metadata.namespace, name }];
  status.lastScheduleTime = rfc3339(scheduled);
  return finish(nextRun);
}

/** Make `status.active` match the Jobs that exist and run; note completions. */
function syncActive(
  children: readonly Job[],
  status: CronJobStatus,
  event: (type: "Normal" | "Warning", reason: string, message: string) => void,
): void {
  const refers = (ref: ObjectReference, job: Job) => (ref.uid ? ref.uid === job.metadata.uid : ref.name === job.metadata.name);
  const active: ObjectReference[] = [];
  for (const ref of status.active ?? []) {
    const job = children.find((j) => refers(ref, j));
    if (!job) {
      event("Normal", "MissingJob", `Active job went missing: ${ref.name}`);
      continue;
    }
    const finished = finishedCondition(job);
    if (!finished) {
      active.push(referenceTo(job));
      continue;
    }
    event("Normal", "SawCompletedJob", `Saw completed job: ${job.metadata.name}, condition: ${finished.type}`);
    const completed = job.status?.completionTime;
    if (finished.type === "Complete" && completed) {
      if (!status.lastSuccessfulTime || Date.parse(completed) > Date.parse(status.lastSuccessfulTime)) status.lastSuccessfulTime = completed;
    }
  }
  for (const job of children) {
    if (finishedCondition(job) || job.metadata.deletionTimestamp || active.some((ref) => ref.uid === job.metadata.uid)) continue;
    if ((status.active ?? []).some((ref) => refers(ref, job))) continue;
    event("Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
    active.push(referenceTo(job));
  }
  if (active.length > 0) status.active = active;
  else delete status.active;
}

function referenceTo(job: Job): ObjectReference {
  return {
    kind: "Job",
    apiVersion: "batch/v1",
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** Delete the oldest finished Jobs beyond `successfulJobsHistoryLimit` / `failedJobsHistoryLimit`. */
function cleanupFinishedJobs(
  cj: CronJob,
  children: readonly Job[],
  event: (type: "Normal" | "Warning", reason: string, message: string) => void,
): Action[] {
  const actions: Action[] = [];
  const prune = (type: "Complete" | "Failed", limit: number | undefined) => {
    if (limit === undefined || limit === null) return;
    const finished = children
      .filter((job) => !job.metadata.deletionTimestamp && finishedCondition(job)?.type === type)
      .sort(byStartTime);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
      actions.push({
        type: "delete",
        resource: JOB_RESOURCE,
        namespace: job.metadata.namespace ?? "",
        name: job.metadata.name ?? "",
        uid: job.metadata.uid,
        propagationPolicy: "Background",
      });
      event("Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`);
    }
  };
  prune("Complete", cj.spec?.successfulJobsHistoryLimit);
  prune("Failed", cj.spec?.failedJobsHistoryLimit);
  return actions;
}

/** Oldest start first; Jobs that never started last; ties by name (upstream `byJobStartTime`). */
function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  if (sa && !sb) return -1;
  if (!sa && sb) return 1;
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/**
 * Schedule times in (earliest, now]: the latest, and how many. Counting stops past the limit, and
 * then the latest is found by stepping schedule-sized strides, as upstream approximates.
 */
function missedTimes(schedule: CronSchedule, earliest: Date, now: Date): { mostRecent?: Date; count: number } {
  let mostRecent: Date | undefined;
  let count = 0;
  for (let t = schedule.next(earliest); t && t.getTime() <= now.getTime(); t = schedule.next(t)) {
    mostRecent = t;
    if (++count > MAX_MISSED_TIMES) {
      const t1 = schedule.next(earliest)!;
      const period = schedule.next(t1)!.getTime() - t1.getTime();
      const total = Math.floor((now.getTime() - t1.getTime()) / period) + 1;
      // Walk forward from a point near the end so that the latest time is exact.
      let latest: Date | undefined = new Date(t1.getTime() + (total - 2) * period - 1);
      for (let u = schedule.next(latest); u && u.getTime() <= now.getTime(); u = schedule.next(u)) latest = u;
      return { mostRecent: latest, count: total };
    }
  }
  return { mostRecent, count };
}

function jobFromTemplate(cj: CronJob, name: string, scheduled: Date, timeZone: string): Job {
  const template = clone(cj.spec!.jobTemplate);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: cj.metadata.namespace,
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339InZone(scheduled, timeZone) },
      ownerReferences: [newControllerRef(cj, { apiVersion: "batch/v1", kind: "CronJob" })],
    },
    spec: template.spec,
  };
}

/** RFC 3339 in a time zone, as Go's `t.In(loc).Format(time.RFC3339)`: `2025-01-01T09:00:00+01:00`. */
export function rfc3339InZone(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}
