/**
 * Job (batch/v1): defaults, the generated selector and labels (from `metadata.uid`), validation
 * (shared with CronJob's `jobTemplate`), immutable fields, and the table with its STATUS column.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import { durationBetween, timestampSince } from "../lib/duration.js";
import type { Job } from "../lib/types.js";
import { validateImmutable, validateLabelSelector, validateNonnegative } from "../lib/validation.js";
import { formatLabelSelector, selectorMatches, selectorString } from "./label-selector.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { defaultPodTemplate } from "./pod-spec.js";
import { validatePodTemplateSpec } from "./pod-spec-validation.js";
import { age, ageColumn, column, containerCells, containerColumns, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";

export type JobSpec = NonNullable<Job["spec"]>;

export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
export const LEGACY_JOB_NAME_LABEL = "job-name";

/** SetDefaults_Job's spec part. */
function defaultJobSpec(spec: JobSpec): void {
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const c of rule.onPodConditions ?? []) c.status ||= "True";
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  defaultPodTemplate(spec.template);
}

/** A Job without labels takes its pod template's. */
function defaultJobLabels(job: Job): void {
  const templateLabels = job.spec?.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
}

/** `generateSelector`: label the pods with the job's uid and name, and select on the uid. */
function generateSelector(job: Job): void {
  const spec = job.spec;
  if (!spec) return;
  const template = (spec.template ??= {});
  const labels = ((template.metadata ??= {}).labels ??= {});
  const uid = job.metadata.uid ?? "";
  // Labels the user set are kept; a conflict is rejected by validation.
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[key] ??= job.metadata.name ?? "";
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) labels[key] ??= uid;
  const selector = (spec.selector ??= {});
  (selector.matchLabels ??= {})[CONTROLLER_UID_LABEL] ??= uid;
}

/** `validateJobSpec`: what a Job and a CronJob's jobTemplate share. `path` is where the spec sits. */
export function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"] as const)
    errs.push(...validateNonnegative(spec[k], `${path}.${k}`));
  const mode = spec.completionMode;
  if (mode && mode !== "NonIndexed" && mode !== "Indexed")
    errs.push(fieldErrors.notSupported(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"]));
  if (mode === "Indexed" && spec.completions == null)
    errs.push(fieldErrors.required(`${path}.completions`, "when completion mode is Indexed"));
  const replacement = spec.podReplacementPolicy;
  if (replacement && replacement !== "TerminatingOrFailed" && replacement !== "Failed")
    errs.push(fieldErrors.notSupported(`${path}.podReplacementPolicy`, replacement, ["Failed", "TerminatingOrFailed"]));
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const restartPolicy = spec.template?.spec?.restartPolicy;
  if (restartPolicy && restartPolicy !== "OnFailure" && restartPolicy !== "Never")
    errs.push(fieldErrors.notSupported(`${path}.template.spec.restartPolicy`, restartPolicy, ["OnFailure", "Never"]));
  return errs;
}

/** A Job's selector: required, valid, matching its template, and generated unless manual. */
function validateJobSelector(job: Job, spec: JobSpec): FieldError[] {
  const selector = spec.selector;
  if (!selector) return [fieldErrors.required("spec.selector")];
  const errs = validateLabelSelector(selector, "spec.selector");
  const labels = spec.template?.metadata?.labels;
  if (selectorString(selector) !== null && !selectorMatches(selector, labels))
    errs.push(fieldErrors.invalid("spec.template.metadata.labels", labels ?? {}, "`selector` does not match template `labels`"));
  const uid = job.metadata.uid;
  if (spec.manualSelector || !uid || !labels) return errs;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL])
    if (labels[key] !== uid) errs.push(fieldErrors.invalid(`spec.template.metadata.labels[${key}]`, labels[key] ?? "", `must be '${uid}'`));
  if (!selectorMatches(selector, { [CONTROLLER_UID_LABEL]: uid }))
    errs.push(fieldErrors.invalid("spec.selector", selector, "`selector` not auto-generated"));
  return errs;
}

function validateJob(job: Job): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (!job.spec) return [...errs, fieldErrors.required("spec")];
  return [...errs, ...validateJobSelector(job, job.spec), ...validateJobSpec(job.spec, "spec")];
}

function hasCondition(job: Job, type: string): boolean {
  const c = (job.status?.conditions ?? []).find((x) => x.type === type);
  return c?.status === "True";
}

/** The STATUS column (Kubernetes 1.32 printers). */
function jobStatus(job: Job): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions != null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return "";
  const end = job.status?.completionTime;
  return end ? durationBetween(start, end) : timestampSince(start, now);
}

export const jobDef: ResourceDef<Job> = {
  group: "batch",
  version: "v1",
  kind: "Job",
  plural: "jobs",
  singular: "job",
  namespaced: true,
  categories: ["all"],
  subresources: ["status"],
  hasStatus: true,
  fieldSelectors: ["status.successful"],

  defaults(job) {
    if (!job.spec) return;
    defaultJobLabels(job);
    defaultJobSpec(job.spec);
  },
  prepareForCreate(job) {
    job.status = {};
    if (!job.spec?.manualSelector) generateSelector(job);
    // Upstream re-applies defaults when reading back, so the job takes the generated labels too.
    defaultJobLabels(job);
  },
  validate: validateJob,
  validateUpdate(job, old) {
    const errs = validateJob(job);
    const next = job.spec;
    const prev = old.spec;
    errs.push(...validateImmutable(next?.selector, prev?.selector, "spec.selector"));
    errs.push(...validateImmutable(next?.template, prev?.template, "spec.template"));
    errs.push(...validateImmutable(next?.completions, prev?.completions, "spec.completions"));
    errs.push(...validateImmutable(next?.completionMode, prev?.completionMode, "spec.completionMode"));
    errs.push(...validateImmutable(next?.podFailurePolicy, prev?.podFailurePolicy, "spec.podFailurePolicy"));
    errs.push(...validateImmutable(next?.backoffLimitPerIndex, prev?.backoffLimitPerIndex, "spec.backoffLimitPerIndex"));
    return errs;
  },

  table: {
    columns: [
      nameColumn(),
      column("Status", "Status of the job."),
      column("Completions", "The number of pods which reached phase Succeeded."),
      column("Duration", "Time required to complete the job."),
      ageColumn(),
      ...containerColumns(),
      wide("Selector", "A label query over pods that should match the pod count."),
    ],
    cells(job, now) {
      const [names, images] = containerCells(job.spec?.template?.spec?.containers);
      return [
        job.metadata.name,
        jobStatus(job),
        completions(job),
        jobDuration(job, now),
        age(job, now),
        names,
        images,
        formatLabelSelector(job.spec?.selector),
      ];
    },
  },
};
