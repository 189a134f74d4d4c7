/**
 * The controller host in workerd, end to end through the registry: StatefulSets, DaemonSets,
 * Jobs and CronJobs, with pods bound, run and finished by the test and time moved on the
 * manager's fake clock.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CronJob, DaemonSet, Event, Job, Pod, StatefulSet } from "../../src/lib/types.js";
import { cronJobDef, daemonSetDef, eventDef, jobDef, nodeDef, podDef, statefulSetDef } from "../../src/resources/index.js";
import { actAsAgents, advance, bootstrap, clearAlarm, createNamespace, createNode, get, list, now, registry, setClock, setPodPhase, settle, syncClock } from "./controllers-helpers.js";

const livePods = async (ns: string) =>
  (await list<Pod>(podDef, ns)).filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const names = async (ns: string) => (await livePods(ns)).map((p) => p.metadata.name);
const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "main", image: "busybox:1.36" }] },
});

beforeAll(async () => {
  await bootstrap();
  await createNode("node-a");
});

beforeEach(syncClock);
afterEach(clearAlarm);

describe("StatefulSet", () => {
  it("comes up in order, one ready pod at a time", async () => {
    const ns = "sts";
    await createNamespace(ns);
    const set: StatefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: { replicas: 3, serviceName: "db", selector: { matchLabels: { app: "db" } }, template: template("db") },
    };
    await registry.create(statefulSetDef, ns, set);
    const seen: string[][] = [];
    for (let i = 0; i < 6; i++) {
      await settle();
      seen.push(await names(ns));
      await actAsAgents(ns);
    }
    // Each step adds the next ordinal only after the previous one is running and ready.
    expect(seen.slice(0, 3)).toEqual([["db-0"], ["db-0", "db-1"], ["db-0", "db-1", "db-2"]]);
    const pods = await livePods(ns);
    expect(pods.map((p) => p.spec?.hostname)).toEqual(["db-0", "db-1", "db-2"]);
    const status = (await get<StatefulSet>(statefulSetDef, ns, "db")).status;
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(status?.currentRevision).toBe(status?.updateRevision);

    // A deleted member is recreated with the same identity.
    await registry.delete(podDef, ns, "db-1", { gracePeriodSeconds: 0 });
    await settle();
    expect(await names(ns)).toEqual(["db-0", "db-1", "db-2"]);
  });
});

describe("DaemonSet", () => {
  it("runs one pod per matching node, following nodes joining and leaving", async () => {
    const ns = "ds";
    await createNamespace(ns);
    await createNode("ds-1", { pool: "daemons" });
    await createNode("ds-2", { pool: "daemons" });
    const ds: DaemonSet = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: { ...template("agent"), spec: { ...template("agent").spec, nodeSelector: { pool: "daemons" } } },
      },
    };
    await registry.create(daemonSetDef, ns, ds);
    await settle();
    const targets = async () =>
      (await livePods(ns))
        .map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values?.[0])
        .sort();
    expect(await targets()).toEqual(["ds-1", "ds-2"]);

    await createNode("ds-3", { pool: "daemons" });
    await settle();
    expect(await targets()).toEqual(["ds-1", "ds-2", "ds-3"]);

    await registry.delete(nodeDef, "", "ds-1");
    await settle();
    await actAsAgents(ns, (pod) => pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values?.[0]);
    await settle();
    expect(await targets()).toEqual(["ds-2", "ds-3"]);
    expect((await get<DaemonSet>(daemonSetDef, ns, "agent")).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
  });
});

describe("Job", () => {
  it("retries failed pods with exponential back-off and fails after backoffLimit", async () => {
    const ns = "job";
    await createNamespace(ns);
    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "flaky" },
      spec: { backoffLimit: 2, template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] } } },
    };
    await registry.create(jobDef, ns, job);
    await settle();
    expect(await livePods(ns)).toHaveLength(1);

    const failActive = async () => {
      for (const pod of await livePods(ns)) if (pod.status?.phase !== "Failed") await setPodPhase(ns, pod.metadata.name, "Failed");
    };
    const active = async () => (await livePods(ns)).filter((p) => p.status?.phase !== "Failed").length;

    // First failure: the next pod waits 10 s.
    await failActive();
    await settle();
    expect(await active()).toBe(0);
    await advance(9_000);
    await settle();
    expect(await active()).toBe(0);
    await advance(1_500);
    await settle();
    expect(await active()).toBe(1);

    // Second failure: 20 s.
    await failActive();
    await settle();
    await advance(19_000);
    await settle();
    expect(await active()).toBe(0);
    await advance(1_500);
    await settle();
    expect(await active()).toBe(1);

    // Third failure: more than backoffLimit (2).
    await failActive();
    await settle();
    const done = await get<Job>(jobDef, ns, "flaky");
    expect(done.status?.failed).toBe(3);
    expect(done.status?.conditions?.find((c) => c.type === "Failed")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded" });
    expect(await active()).toBe(0);
    const events = await list<Event>(eventDef, ns);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["SuccessfulCreate", "BackoffLimitExceeded"]));
  });
});

describe("CronJob", () => {
  it("creates its Job at the schedule time of the controllable clock", async () => {
    const ns = "cron";
    await createNamespace(ns);
    // The clock starts at the real time the store stamps the CronJob's creation with, so that
    // no schedule time was missed in between; it fires at the next five-minute boundary.
    if (300_000 - (Date.now() % 300_000) < 3_000) await new Promise((r) => setTimeout(r, 3_500));
    await setClock(Date.now());
    const fire = Math.ceil((now() + 1) / 300_000) * 300_000;
    const cj: CronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "tick" },
      spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "main", image: "busybox:1.36" }] } } } } },
    };
    await registry.create(cronJobDef, ns, cj);
    await settle();
    expect(await list<Job>(jobDef, ns)).toHaveLength(0);
    await setClock(fire - 1_000);
    await settle();
    expect(await list<Job>(jobDef, ns)).toHaveLength(0);

    await setClock(fire + 1_000);
    await settle();
    const jobs = await list<Job>(jobDef, ns);
    expect(jobs.map((j) => j.metadata.name)).toEqual([`tick-${fire / 60_000}`]);
    expect(jobs[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "tick", controller: true });
    const status = (await get<CronJob>(cronJobDef, ns, "tick")).status;
    expect(Date.parse(status?.lastScheduleTime ?? "")).toBe(fire);
    expect(status?.active?.map((r) => r.name)).toEqual([`tick-${fire / 60_000}`]);

    // The Job's pod succeeds: the Job completes and the CronJob records it.
    await actAsAgents(ns);
    for (const pod of await livePods(ns)) await setPodPhase(ns, pod.metadata.name, "Succeeded");
    await settle();
    const after = (await get<CronJob>(cronJobDef, ns, "tick")).status;
    expect(after?.active ?? []).toEqual([]);
    expect(after?.lastSuccessfulTime).toBeDefined();
  });
});
