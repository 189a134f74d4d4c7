/**
 * CronJob (batch/v1): defaults, validation of `schedule` (as robfig/cron's `ParseStandard`
 * reads it: src/lib/cron-schedule.ts) and `timeZone`, and the table.
 */
import { isValidTimeZone, parseCronSchedule } from "../lib/cron-schedule.js";
import { fieldErrors, type FieldError } from "../lib/errors.js";
import { timestampSince } from "../lib/duration.js";
import type { CronJob } from "../lib/types.js";
import { maxLenError, validateNonnegative } from "../lib/validation.js";
import { formatLabelSelector } from "./label-selector.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, containerCells, containerColumns, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";
import { validateJobSpec } from "./job.js";
import { defaultPodTemplate } from "./pod-spec.js";

/** Job names get an 11-character suffix (`-<minutes since epoch>`), so CronJob names stop at 52. */
const MAX_CRONJOB_NAME_LENGTH = 63 - 11;

function validateSchedule(schedule: string | undefined, allowTZ: boolean, timeZone: string | undefined): FieldError[] {
  const path = "spec.schedule";
  if (!schedule) return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  try {
    // The zone is checked on its own; here only whether the schedule itself parses.
    parseCronSchedule(schedule);
  } catch (e) {
    errs.push(fieldErrors.invalid(path, schedule, e instanceof Error ? e.message : String(e)));
  }
  if (allowTZ && schedule.includes("TZ") && timeZone != null)
    errs.push(fieldErrors.invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  else if (!allowTZ && schedule.includes("TZ"))
    errs.push(fieldErrors.invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  return errs;
}

function validateTimeZone(timeZone: string | undefined): FieldError[] {
  const path = "spec.timeZone";
  if (timeZone == null) return [];
  if (timeZone === "") return [fieldErrors.invalid(path, timeZone, "timeZone must be nil or non-empty string")];
  const badPart = timeZone
    .split("/")
    .some((part) => part === "." || part === ".." || part.startsWith("-") || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part));
  if (badPart) return [fieldErrors.invalid(path, timeZone, `unknown time zone ${timeZone}`)];
  if (timeZone.toLowerCase() === "local")
    return [fieldErrors.invalid(path, timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")];
  return isValidTimeZone(timeZone) ? [] : [fieldErrors.invalid(path, timeZone, `unknown time zone ${timeZone}`)];
}

function validateCronJob(cj: CronJob, allowTZInSchedule: boolean): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = cj.spec;
  if (!spec) return [...errs, fieldErrors.required("spec")];
  errs.push(...validateSchedule(spec.schedule, allowTZInSchedule, spec.timeZone));
  errs.push(...validateTimeZone(spec.timeZone));
  const policy = spec.concurrencyPolicy;
  if (!policy) errs.push(fieldErrors.required("spec.concurrencyPolicy"));
  else if (!["Allow", "Forbid", "Replace"].includes(policy))
    errs.push(fieldErrors.notSupported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]));
  for (const k of ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"] as const)
    errs.push(...validateNonnegative(spec[k], `spec.${k}`));
  const jobSpec = spec.jobTemplate?.spec;
  if (!jobSpec) return [...errs, fieldErrors.required("spec.jobTemplate.spec")];
  errs.push(...validateJobSpec(jobSpec, "spec.jobTemplate.spec"));
  if (jobSpec.selector) errs.push(fieldErrors.invalid("spec.jobTemplate.spec.selector", jobSpec.selector, "`selector` will be auto-generated"));
  if (jobSpec.manualSelector) errs.push(fieldErrors.notSupported("spec.jobTemplate.spec.manualSelector", true, ["nil", "false"]));
  return errs;
}

function printBool(value: boolean | undefined): string {
  return value == null ? "<unset>" : value ? "True" : "False";
}

export const cronJobDef: ResourceDef<CronJob> = {
  group: "batch",
  version: "v1",
  kind: "CronJob",
  plural: "cronjobs",
  singular: "cronjob",
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  subresources: ["status"],
  hasStatus: true,

  defaults(cj) {
    const spec = cj.spec;
    if (!spec) return;
    spec.concurrencyPolicy ||= "Allow";
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    // Only the pod template: a jobTemplate does not get a Job's defaults.
    defaultPodTemplate(spec.jobTemplate?.spec?.template);
  },
  prepareForCreate(cj) {
    cj.status = {};
  },
  validate(cj) {
    const errs = validateCronJob(cj, false);
    const name = cj.metadata.name ?? "";
    if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.push(fieldErrors.invalid("metadata.name", name, maxLenError(MAX_CRONJOB_NAME_LENGTH)));
    return errs;
  },
  validateUpdate(cj, old) {
    // A schedule stored with TZ= before that was forbidden stays updatable.
    return validateCronJob(cj, (old.spec?.schedule ?? "").includes("TZ"));
  },

  table: {
    columns: [
      nameColumn(),
      column("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      column("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
      column("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.", { type: "boolean" }),
      column("Active", "A list of pointers to currently running jobs.", { type: "integer" }),
      column("Last Schedule", "Information when was the last time the job was successfully scheduled."),
      ageColumn(),
      ...containerColumns(),
      wide("Selector", "A label query over pods that should match the pod count."),
    ],
    cells(cj, now) {
      const jobSpec = cj.spec?.jobTemplate?.spec;
      const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
      const last = cj.status?.lastScheduleTime;
      return [
        cj.metadata.name,
        cj.spec?.schedule ?? "",
        cj.spec?.timeZone ?? "<none>",
        printBool(cj.spec?.suspend),
        (cj.status?.active ?? []).length,
        last ? timestampSince(last, now) : "<none>",
        age(cj, now),
        names,
        images,
        formatLabelSelector(jobSpec?.selector),
      ];
    },
  },
};
