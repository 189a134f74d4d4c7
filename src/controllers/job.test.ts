import { describe, expect, it } from "vitest";
import type { Job, Pod } from "../lib/types.js";
import { rfc3339 } from "../lib/json.js";
import { formatIndexes, podFailureBackoffMs, reconcileJob, JOB_COMPLETION_INDEX } from "./job.js";
import { randomSuffix } from "./pod-util.js";
import type { Action, Plan } from "./types.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function makeJob(spec: Partial<NonNullable<Job["spec"]>> = {}, status?: Job["status"]): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "default", uid: "job-uid", resourceVersion: "1", creationTimestamp: rfc3339(at(0)) },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "job-uid" } },
      template: {
        metadata: { labels: { "batch.kubernetes.io/job-name": "pi" } },
        spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl" }] },
      },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

/** A tiny world: applies a plan's creates, deletes and status writes, as the host would. */
class World {
  pods: Pod[] = [];
  private seq = 0;
  constructor(public job: Job) {}

  run(now: Date, expectationsSatisfied = true): Plan {
    const plan = reconcileJob({ job: this.job, pods: this.pods, now, expectationsSatisfied, randomSuffix });
    for (const action of plan.actions) this.apply(action, now);
    return plan;
  }

  private apply(action: Action, now: Date): void {
    if (action.type === "create") {
      const pod = structuredClone(action.object) as Pod;
      pod.metadata.uid = `pod-${++this.seq}`;
      pod.metadata.creationTimestamp = rfc3339(now);
      pod.status = { phase: "Pending" };
      this.pods.push(pod);
    } else if (action.type === "updateStatus") {
      this.job = structuredClone(action.object) as Job;
    } else if (action.type === "delete" && action.resource === "pods") {
      this.pods = this.pods.filter((p) => p.metadata.uid !== action.uid);
    }
  }

  finish(phase: "Succeeded" | "Failed", when: Date, which = this.pods.find((p) => p.status?.phase === "Pending" || p.status?.phase === "Running")): void {
    which!.status = {
      phase,
      containerStatuses: [
        { name: "pi", image: "perl", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: phase === "Failed" ? 1 : 0, finishedAt: rfc3339(when) } } },
      ],
    };
  }
}

const creates = (plan: Plan) => plan.actions.filter((a) => a.type === "create");
const events = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "event" ? [`${a.reason}: ${a.message}`] : []));
const conditionTypes = (job: Job) => (job.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);

describe("reconcileJob", () => {
  it("creates a pod from the template with the selector labels and a controller reference", () => {
    const world = new World(makeJob());
    const plan = world.run(at(0));
    expect(creates(plan)).toHaveLength(1);
    const pod = world.pods[0];
    expect(pod.metadata.generateName).toBe("pi-");
    expect(pod.metadata.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.labels).toEqual({ "batch.kubernetes.io/job-name": "pi", "batch.kubernetes.io/controller-uid": "job-uid" });
    expect(pod.metadata.ownerReferences).toEqual([
      { apiVersion: "batch/v1", kind: "Job", name: "pi", uid: "job-uid", controller: true, blockOwnerDeletion: true },
    ]);
    expect(events(plan)).toEqual([`SuccessfulCreate: Created pod: ${pod.metadata.name}`]);
    expect(world.job.status).toMatchObject({ active: 1, ready: 0, succeeded: 0, failed: 0, terminating: 0, startTime: rfc3339(at(0)) });
  });

  it.each([
    { completions: 5, parallelism: 2, succeeded: 0, want: 2 },
    { completions: 5, parallelism: 2, succeeded: 4, want: 1 },
    { completions: 3, parallelism: 10, succeeded: 0, want: 3 },
    { completions: null, parallelism: 3, succeeded: 0, want: 3 },
  ])("runs min(parallelism, remaining): $completions completions, $parallelism parallel, $succeeded done → $want", (c) => {
    const world = new World(makeJob({ completions: c.completions ?? undefined, parallelism: c.parallelism }));
    for (let i = 0; i < c.succeeded; i++) {
      world.run(at(i));
      world.finish("Succeeded", at(i));
    }
    world.run(at(100));
    expect(world.pods.filter((p) => p.status?.phase === "Pending")).toHaveLength(c.want);
  });

  it("completes after `completions` successes: SuccessCriteriaMet, then Complete", () => {
    const world = new World(makeJob({ completions: 2, parallelism: 2 }));
    world.run(at(0));
    world.finish("Succeeded", at(5));
    world.run(at(5));
    expect(conditionTypes(world.job)).toEqual([]);
    world.finish("Succeeded", at(9));
    const plan = world.run(at(9));
    expect(conditionTypes(world.job)).toEqual(["SuccessCriteriaMet", "Complete"]);
    expect(world.job.status?.conditions?.[1]).toMatchObject({ reason: "CompletionsReached", message: "Reached expected number of succeeded pods" });
    expect(world.job.status).toMatchObject({ succeeded: 2, active: 0, completionTime: rfc3339(at(9)) });
    expect(events(plan)).toEqual(["Completed: Job completed"]);
    expect(world.run(at(20)).actions).toEqual([]);
  });

  it("retries with back-off 10 s, 20 s, 40 s and fails after backoffLimit", () => {
    const world = new World(makeJob({ backoffLimit: 3 }));
    world.run(at(0));
    const requeues: number[] = [];
    let failedAt = 0;
    for (const gap of [10, 20, 40]) {
      failedAt += 3;
      world.finish("Failed", at(failedAt));
      const plan = world.run(at(failedAt));
      expect(creates(plan)).toHaveLength(0);
      requeues.push((plan.requeue![0].at - (T0 + failedAt * 1000)) / 1000);
      expect(creates(world.run(at(failedAt + gap - 1)))).toHaveLength(0);
      failedAt += gap;
      expect(creates(world.run(at(failedAt)))).toHaveLength(1);
    }
    expect(requeues).toEqual([10, 20, 40]);
    world.finish("Failed", at(failedAt + 1));
    const plan = world.run(at(failedAt + 1));
    expect(world.job.status?.failed).toBe(4);
    expect(conditionTypes(world.job)).toEqual(["FailureTarget", "Failed"]);
    expect(world.job.status?.conditions?.[1]).toMatchObject({ reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" });
    expect(events(plan)).toEqual(["BackoffLimitExceeded: Job has reached the specified backoff limit"]);
    expect(world.job.status?.completionTime).toBeUndefined();
  });

  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [6, 320_000],
    [7, 360_000],
    [20, 360_000],
  ])("back-off after %i failures is %i ms", (failures, ms) => {
    expect(podFailureBackoffMs(failures)).toBe(ms);
  });

  it("a success resets the back-off", () => {
    const world = new World(makeJob({ completions: 3, parallelism: 1 }));
    world.run(at(0));
    world.finish("Failed", at(1));
    world.run(at(11));
    world.finish("Succeeded", at(12));
    expect(creates(world.run(at(12)))).toHaveLength(1);
  });

  it("fails past activeDeadlineSeconds, deleting running pods first", () => {
    const world = new World(makeJob({ activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    const first = world.run(at(0));
    expect(first.requeue).toEqual([{ key: "jobs.batch/default/pi", at: T0 + 30_000 }]);
    const plan = world.run(at(30));
    expect(plan.actions.filter((a) => a.type === "delete")).toHaveLength(2);
    expect(conditionTypes(world.job)).toEqual(["FailureTarget"]);
    const final = world.run(at(31));
    expect(conditionTypes(world.job)).toEqual(["FailureTarget", "Failed"]);
    expect(world.job.status?.conditions?.[1].reason).toBe("DeadlineExceeded");
    expect(events(final)).toEqual(["DeadlineExceeded: Job was active longer than specified deadline"]);
  });

  it("waits for terminating pods before the terminal condition", () => {
    const world = new World(makeJob({ activeDeadlineSeconds: 10 }));
    world.run(at(0));
    world.pods[0].metadata.deletionTimestamp = rfc3339(at(40));
    world.run(at(10));
    expect(conditionTypes(world.job)).toEqual(["FailureTarget"]);
    expect(world.job.status?.terminating).toBe(1);
  });

  it("suspend deletes active pods; resume restarts the deadline clock", () => {
    const world = new World(makeJob({ activeDeadlineSeconds: 100 }));
    world.run(at(0));
    world.job = { ...world.job, spec: { ...world.job.spec!, suspend: true } };
    const suspended = world.run(at(5));
    expect(world.pods).toHaveLength(0);
    expect(events(suspended)).toContain("Suspended: Job suspended");
    expect(world.run(at(500)).actions).toEqual([]);
    world.job = { ...world.job, spec: { ...world.job.spec!, suspend: false } };
    const resumed = world.run(at(600));
    expect(events(resumed)).toContain("Resumed: Job resumed");
    expect(world.job.status?.startTime).toBe(rfc3339(at(600)));
    expect(world.pods).toHaveLength(1);
    expect(resumed.requeue![0].at).toBe(T0 + 700_000);
  });

  it("deletes a finished Job ttlSecondsAfterFinished later, in the background", () => {
    const world = new World(makeJob({ ttlSecondsAfterFinished: 60 }));
    world.run(at(0));
    world.finish("Succeeded", at(5));
    expect(world.run(at(5)).requeue).toEqual([{ key: "jobs.batch/default/pi", at: T0 + 65_000 }]);
    expect(world.run(at(30)).requeue).toEqual([{ key: "jobs.batch/default/pi", at: T0 + 65_000 }]);
    expect(world.run(at(65)).actions).toEqual([
      { type: "delete", resource: "jobs.batch", namespace: "default", name: "pi", uid: "job-uid", propagationPolicy: "Background" },
    ]);
  });

  it("restartPolicy OnFailure counts container restarts against backoffLimit", () => {
    const job = makeJob({ backoffLimit: 2 });
    job.spec!.template.spec!.restartPolicy = "OnFailure";
    const world = new World(job);
    world.run(at(0));
    world.pods[0].status = { phase: "Running", containerStatuses: [{ name: "pi", image: "perl", imageID: "", ready: false, restartCount: 2 }] };
    world.run(at(1));
    expect(conditionTypes(world.job)).toEqual(["FailureTarget"]);
  });

  it("does not touch pods while expectations are pending", () => {
    const world = new World(makeJob({ parallelism: 3, completions: 3 }));
    const plan = world.run(at(0), false);
    expect(creates(plan)).toHaveLength(0);
  });

  it("Indexed: one pod per index with annotation, label, hostname and env; completedIndexes", () => {
    const world = new World(makeJob({ completionMode: "Indexed", completions: 3, parallelism: 2 }));
    world.run(at(0));
    expect(world.pods.map((p) => p.metadata.annotations?.[JOB_COMPLETION_INDEX])).toEqual(["0", "1"]);
    expect(world.pods[1].metadata.labels?.[JOB_COMPLETION_INDEX]).toBe("1");
    expect(world.pods[1].metadata.generateName).toBe("pi-1-");
    expect(world.pods[1].spec?.hostname).toBe("pi-1");
    expect(world.pods[1].spec?.containers[0].env?.[0].name).toBe("JOB_COMPLETION_INDEX");
    world.finish("Succeeded", at(1), world.pods[1]);
    world.run(at(1));
    expect(world.pods.map((p) => p.metadata.annotations?.[JOB_COMPLETION_INDEX])).toEqual(["0", "1", "2"]);
    expect(world.job.status).toMatchObject({ completedIndexes: "1", succeeded: 1 });
    world.finish("Succeeded", at(2), world.pods[0]);
    world.finish("Succeeded", at(2), world.pods[2]);
    world.run(at(2));
    expect(world.job.status?.completedIndexes).toBe("0-2");
    expect(conditionTypes(world.job)).toEqual(["SuccessCriteriaMet", "Complete"]);
  });

  it.each([
    [[], ""],
    [[0], "0"],
    [[0, 1, 2, 4, 6, 7], "0-2,4,6-7"],
  ])("formatIndexes(%j) = %j", (indexes, text) => {
    expect(formatIndexes(new Set(indexes))).toBe(text);
  });

  it("ignores pods it does not control", () => {
    const world = new World(makeJob());
    world.pods.push({ metadata: { name: "other", namespace: "default", uid: "x" }, status: { phase: "Running" } });
    expect(creates(world.run(at(0)))).toHaveLength(1);
  });
});
