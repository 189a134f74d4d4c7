import { describe, expect, it } from "vitest";
import type { CronJob, Job } from "../lib/types.js";
import { cronJobDef } from "./cronjob.js";
import { jobDef } from "./job.js";

const now = new Date("2024-05-01T12:00:00Z");
const ctx = { now };
const UID = "6f3c1a52-0b7e-4c1d-9a44-2f6e8d0c1b23";

const podTemplate = (restartPolicy?: string) => ({
  spec: { containers: [{ name: "pi", image: "perl:5.34" }], ...(restartPolicy ? { restartPolicy } : {}) },
});

function job(spec: Partial<NonNullable<Job["spec"]>> = {}): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "default", uid: UID, creationTimestamp: "2024-05-01T11:50:00Z" },
    spec: { template: podTemplate("Never"), ...spec },
  };
}

function admitted(j: Job): Job {
  jobDef.defaults(j, ctx);
  jobDef.prepareForCreate?.(j, ctx);
  return j;
}

describe("job defaults", () => {
  it("defaults counts, mode and policies", () => {
    const j = admitted(job());
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
    });
    expect(admitted(job({ parallelism: 3 })).spec?.completions).toBeUndefined();
  });

  it("generates the selector and pod labels from the uid", () => {
    const j = admitted(job());
    const labels = {
      "batch.kubernetes.io/controller-uid": UID,
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": UID,
      "job-name": "pi",
    };
    expect(j.spec?.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": UID } });
    expect(j.spec?.template.metadata?.labels).toEqual(labels);
    expect(j.metadata.labels).toEqual(labels);
    expect(jobDef.validate(j)).toEqual([]);
  });

  it("keeps a manual selector", () => {
    const j = admitted(
      job({ manualSelector: true, selector: { matchLabels: { app: "pi" } }, template: { metadata: { labels: { app: "pi" } }, ...podTemplate("Never") } }),
    );
    expect(j.spec?.selector).toEqual({ matchLabels: { app: "pi" } });
    expect(jobDef.validate(j)).toEqual([]);
  });
});

describe("job validation", () => {
  const messages = (j: Job) => jobDef.validate(admitted(j)).map((e) => `${e.field}: ${e.message}`);

  it("requires a restart policy of Never or OnFailure (the template default Always is not one)", () => {
    expect(messages(job({ template: podTemplate() }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it("rejects a selector it did not generate", () => {
    const j = admitted(job());
    j.spec!.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": "other" } };
    expect(jobDef.validate(j).map((e) => `${e.field}: ${e.message.replace(/^Invalid value: .*?}: /, "")}`)).toEqual([
      "spec.template.metadata.labels: `selector` does not match template `labels`",
      "spec.selector: `selector` not auto-generated",
    ]);
  });

  it("requires completions for Indexed jobs", () => {
    expect(messages(job({ completionMode: "Indexed", parallelism: 2 }))).toEqual([
      "spec.completions: Required value: when completion mode is Indexed",
    ]);
  });

  it("keeps the template and selector immutable", () => {
    const old = admitted(job());
    const next = structuredClone(old);
    next.spec!.template.spec!.containers[0].image = "perl:5.36";
    next.spec!.parallelism = 2;
    expect(jobDef.validateUpdate!(next, old).map((e) => `${e.field}: ${e.message.split(":").pop()}`)).toEqual([
      "spec.template:  field is immutable",
    ]);
  });
});

describe("jobs table", () => {
  it("shows status, completions and duration", () => {
    const j = admitted(job());
    expect(jobDef.table.columns.map((c) => c.name)).toEqual(["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"]);
    expect(jobDef.table.cells(j, now).slice(0, 5)).toEqual(["pi", "Running", "0/1", "", "10m"]);
    j.status = {
      succeeded: 1,
      startTime: "2024-05-01T11:50:00Z",
      completionTime: "2024-05-01T11:50:12Z",
      conditions: [{ type: "Complete", status: "True" }],
    };
    expect(jobDef.table.cells(j, now).slice(0, 5)).toEqual(["pi", "Complete", "1/1", "12s", "10m"]);
    expect(jobDef.table.cells(j, now)[7]).toBe(`batch.kubernetes.io/controller-uid=${UID}`);
  });

  it("shows parallel jobs without completions", () => {
    const j = admitted(job({ parallelism: 3 }));
    expect(jobDef.table.cells(j, now)[2]).toBe("0/1 of 3");
  });
});

function cronJob(spec: Partial<NonNullable<CronJob["spec"]>> = {}, name = "hello"): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
    spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: podTemplate("OnFailure") } }, ...spec },
  };
}

describe("cronjobs", () => {
  const admittedCron = (cj: CronJob) => {
    cronJobDef.defaults(cj, ctx);
    cronJobDef.prepareForCreate?.(cj, ctx);
    return cj;
  };
  const messages = (cj: CronJob) => cronJobDef.validate(admittedCron(cj)).map((e) => `${e.field}: ${e.message}`);

  it("defaults", () => {
    const cj = admittedCron(cronJob());
    expect(cj.spec).toMatchObject({ concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec?.jobTemplate.spec?.template.spec).toMatchObject({ dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler" });
    expect(cj.spec?.jobTemplate.spec?.backoffLimit).toBeUndefined();
  });

  it.each([
    ["*/5 * * * *", []],
    ["@hourly", []],
    ["@midnight", []],
    ["@every 1h30m", []],
    ["0 9 * * 1-5", []],
    ["* * * *", ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']],
    ["0 0 * * * *", ['spec.schedule: Invalid value: "0 0 * * * *": expected exactly 5 fields, found 6: [0 0 * * * *]']],
    ["@sometimes", ['spec.schedule: Invalid value: "@sometimes": unrecognized descriptor: @sometimes']],
    ["TZ=UTC 0 * * * *", ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
  ])("schedule %j", (schedule, want) => {
    expect(messages(cronJob({ schedule }))).toEqual(want);
  });

  it("rejects values out of range", () => {
    expect(messages(cronJob({ schedule: "61 * * * *" }))).toHaveLength(1);
  });

  it.each([
    ["Europe/Paris", []],
    ["Etc/UTC", []],
    ["Local", ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
    ["Mars/Olympus", ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
  ])("timeZone %j", (timeZone, want) => {
    expect(messages(cronJob({ timeZone }))).toEqual(want);
  });

  it("limits names to 52 characters on create", () => {
    expect(messages(cronJob({}, "a".repeat(53)))).toEqual([`metadata.name: Invalid value: "${"a".repeat(53)}": must be no more than 52 characters`]);
  });

  it("validates the job template", () => {
    expect(messages(cronJob({ jobTemplate: { spec: { template: podTemplate() } } }))).toEqual([
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it("table", () => {
    const cj = admittedCron(cronJob({ timeZone: "Europe/Paris" }));
    cj.status = { lastScheduleTime: "2024-05-01T11:55:00Z", active: [{ name: "hello-1" }] };
    expect(cronJobDef.table.columns.map((c) => c.name)).toEqual([
      "Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector",
    ]);
    expect(cronJobDef.table.cells(cj, now)).toEqual(["hello", "*/5 * * * *", "Europe/Paris", "False", 1, "5m", "60m", "pi", "perl:5.34", "<none>"]);
  });
});
