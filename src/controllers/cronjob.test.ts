import { describe, expect, it } from "vitest";
import type { CronJob, Job } from "../lib/types.js";
import { rfc3339 } from "../lib/json.js";
import { jobNameFor, reconcileCronJob, rfc3339InZone, SCHEDULED_TIMESTAMP_ANNOTATION } from "./cronjob.js";
import type { Action, Plan } from "./types.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const min = (m: number) => new Date(T0 + m * 60_000);

function makeCronJob(spec: Partial<NonNullable<CronJob["spec"]>> = {}): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "tick", namespace: "default", uid: "cj-uid", resourceVersion: "1", creationTimestamp: rfc3339(min(0)) },
    spec: {
      schedule: "*/5 * * * *",
      concurrencyPolicy: "Allow",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { app: "tick" } },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
      },
      ...spec,
    },
  };
}

/** The CronJob and its Jobs, with a host's application of plans and a clock the test moves. */
class World {
  jobs: Job[] = [];
  private seq = 0;
  constructor(public cj: CronJob) {}

  run(now: Date): Plan {
    const plan = reconcileCronJob({ cronJob: this.cj, jobs: this.jobs, now });
    for (const action of plan.actions) this.apply(action, now);
    return plan;
  }

  private apply(action: Action, now: Date): void {
    if (action.type === "create") {
      const job = structuredClone(action.object) as Job;
      job.metadata.uid = `job-${++this.seq}`;
      job.metadata.creationTimestamp = rfc3339(now);
      job.status = { startTime: rfc3339(now) };
      this.jobs.push(job);
    } else if (action.type === "updateStatus") {
      this.cj = structuredClone(action.object) as CronJob;
    } else if (action.type === "delete") {
      this.jobs = this.jobs.filter((j) => j.metadata.uid !== action.uid);
    }
  }

  finish(name: string, type: "Complete" | "Failed", when: Date): void {
    const job = this.jobs.find((j) => j.metadata.name === name)!;
    job.status = {
      ...job.status,
      ...(type === "Complete" ? { completionTime: rfc3339(when) } : {}),
      conditions: [{ type, status: "True", lastTransitionTime: rfc3339(when) }],
    };
  }
}

const created = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "create" ? [a.object.metadata.name] : []));
const deleted = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "delete" ? [a.name] : []));
const reasons = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "event" ? [a.reason] : []));
const nameAt = (m: number) => jobNameFor(makeCronJob(), min(m));

describe("rfc3339InZone", () => {
  it("formats the scheduled timestamp in the CronJob's zone", () => {
    expect(rfc3339InZone(new Date("2025-01-01T08:00:00Z"), "Europe/Paris")).toBe("2025-01-01T09:00:00+01:00");
    expect(rfc3339InZone(new Date("2025-07-01T08:00:00Z"), "America/New_York")).toBe("2025-07-01T04:00:00-04:00");
    expect(rfc3339InZone(new Date("2025-01-01T08:00:00Z"), "UTC")).toBe("2025-01-01T08:00:00Z");
  });
});

describe("reconcileCronJob", () => {
  it("fires on schedule under a controllable clock and requeues at the next time", () => {
    const world = new World(makeCronJob());
    const before = world.run(min(3));
    expect(created(before)).toEqual([]);
    expect(before.requeue).toEqual([{ key: "cronjobs.batch/default/tick", at: min(5).getTime() }]);

    const fire = world.run(min(5));
    expect(created(fire)).toEqual([nameAt(5)]);
    expect(nameAt(5)).toBe(`tick-${T0 / 60_000 + 5}`);
    const job = world.jobs[0];
    expect(job.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]).toBe("2025-01-01T00:05:00Z");
    expect(job.metadata.labels).toEqual({ app: "tick" });
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "tick", uid: "cj-uid", controller: true });
    expect(reasons(fire)).toEqual(["SuccessfulCreate"]);
    expect(world.cj.status?.lastScheduleTime).toBe(rfc3339(min(5)));
    expect(fire.requeue?.[0].at).toBe(min(10).getTime());

    // Same time again (an at-least-once alarm): nothing new; the active ref gets its uid.
    expect(created(world.run(min(5)))).toEqual([]);
    expect(world.cj.status?.active).toEqual([
      { kind: "Job", apiVersion: "batch/v1", namespace: "default", name: nameAt(5), uid: "job-1", resourceVersion: undefined },
    ]);
    expect(created(world.run(min(10)))).toEqual([nameAt(10)]);
  });

  it("notes completed jobs and lastSuccessfulTime", () => {
    const world = new World(makeCronJob());
    world.run(min(5));
    world.finish(nameAt(5), "Complete", min(6));
    const plan = world.run(min(7));
    expect(reasons(plan)).toEqual(["SawCompletedJob"]);
    expect(plan.actions.find((a) => a.type === "event")).toMatchObject({ message: `Saw completed job: ${nameAt(5)}, condition: Complete` });
    expect(world.cj.status?.active).toBeUndefined();
    expect(world.cj.status?.lastSuccessfulTime).toBe(rfc3339(min(6)));
  });

  it("Forbid skips a run while one is active", () => {
    const world = new World(makeCronJob({ concurrencyPolicy: "Forbid" }));
    world.run(min(5));
    const plan = world.run(min(10));
    expect(created(plan)).toEqual([]);
    expect(reasons(plan)).toEqual(["JobAlreadyActive"]);
    world.finish(nameAt(5), "Complete", min(11));
    // The missed 10-minute run still counts as unmet and starts once the first finished.
    expect(created(world.run(min(11)))).toEqual([nameAt(10)]);
  });

  it("Replace deletes the active job and starts the new one", () => {
    const world = new World(makeCronJob({ concurrencyPolicy: "Replace" }));
    world.run(min(5));
    const plan = world.run(min(10));
    expect(deleted(plan)).toEqual([nameAt(5)]);
    expect(plan.actions.find((a) => a.type === "delete")).toMatchObject({ propagationPolicy: "Background", uid: "job-1" });
    expect(created(plan)).toEqual([nameAt(10)]);
    expect(reasons(plan)).toEqual(["SuccessfulDelete", "SuccessfulCreate"]);
  });

  it("Allow runs concurrently", () => {
    const world = new World(makeCronJob());
    world.run(min(5));
    world.run(min(10));
    expect(world.jobs).toHaveLength(2);
    expect(world.cj.status?.active).toHaveLength(2);
  });

  it.each([
    { deadline: undefined, wake: 7, want: [nameAt(5)], reason: [] as string[] },
    { deadline: 180, wake: 7, want: [nameAt(5)], reason: [] },
    { deadline: 60, wake: 7, want: [], reason: ["MissSchedule"] },
  ])("a start missed by 2 min with startingDeadlineSeconds $deadline", ({ deadline, wake, want, reason }) => {
    const world = new World(makeCronJob({ startingDeadlineSeconds: deadline }));
    const plan = world.run(min(wake));
    expect(created(plan)).toEqual(want);
    expect(reasons(plan).filter((r) => r !== "SuccessfulCreate")).toEqual(reason);
    expect(plan.requeue?.[0].at).toBe(min(10).getTime());
  });

  it("MissSchedule names the missed time", () => {
    const world = new World(makeCronJob({ startingDeadlineSeconds: 10 }));
    const plan = world.run(min(6));
    expect(plan.actions.find((a) => a.type === "event")).toMatchObject({
      eventType: "Warning",
      message: "Missed scheduled time to start a job: Wed, 01 Jan 2025 00:05:00 +0000",
    });
  });

  it("only the latest of many missed times runs; more than 100 warns", () => {
    const world = new World(makeCronJob({ schedule: "* * * * *" }));
    const plan = world.run(min(500));
    expect(created(plan)).toEqual([nameAt(500)]);
    expect(reasons(plan)).toEqual(["TooManyMissedTimes", "SuccessfulCreate"]);
    expect(plan.actions.find((a) => a.type === "event")).toMatchObject({ message: expect.stringMatching(/^too many missed start times: 500\./) });

    const bounded = new World(makeCronJob({ schedule: "* * * * *", startingDeadlineSeconds: 600 }));
    expect(reasons(bounded.run(min(500)))).toEqual(["SuccessfulCreate"]);
  });

  it("suspend stops scheduling", () => {
    const world = new World(makeCronJob({ suspend: true }));
    const plan = world.run(min(5));
    expect(created(plan)).toEqual([]);
    expect(plan.requeue).toBeUndefined();
  });

  it("prunes finished jobs beyond the history limits, oldest first", () => {
    const world = new World(makeCronJob({ successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }));
    const pruned: string[] = [];
    for (const m of [5, 10, 15, 20, 25]) {
      pruned.push(...deleted(world.run(min(m))));
      world.finish(nameAt(m), m === 10 || m === 20 ? "Failed" : "Complete", min(m + 1));
    }
    pruned.push(...deleted(world.run(min(26))));
    expect(pruned).toEqual([nameAt(10), nameAt(5)]);
    expect(world.jobs.map((j) => j.metadata.name)).toEqual([nameAt(15), nameAt(20), nameAt(25)]);
  });

  it("reports a missing active job and an unparseable schedule", () => {
    const world = new World(makeCronJob());
    world.run(min(5));
    world.jobs = [];
    expect(reasons(world.run(min(6)))).toEqual(["MissingJob"]);
    const bad = new World(makeCronJob({ schedule: "not a schedule" }));
    expect(reasons(bad.run(min(6)))).toEqual(["UnparseableSchedule"]);
  });

  it("does not re-create a job whose status write was lost", () => {
    const world = new World(makeCronJob());
    world.run(min(5));
    world.cj = makeCronJob();
    const plan = world.run(min(6));
    expect(created(plan)).toEqual([]);
    expect(world.cj.status?.lastScheduleTime).toBe(rfc3339(min(5)));
  });
});
