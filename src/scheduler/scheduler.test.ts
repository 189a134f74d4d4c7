import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../lib/types.js";
import { Scheduler, type ScheduleRun } from "./scheduler.js";
import { makeNode, makePod, seededRandom } from "./testing/builders.js";

/** What the host does with a run: bind (set nodeName, bump resourceVersion) and patch status. */
function apply(pods: Pod[], run: ScheduleRun): Pod[] {
  const bound = new Map(run.bindings.map((b) => [b.uid, b.node]));
  const patched = new Map(run.statusPatches.map((p) => [p.uid, p.status]));
  return pods.map((p) => {
    const uid = p.metadata.uid!;
    const rv = String(Number(p.metadata.resourceVersion ?? "1") + 1);
    if (bound.has(uid)) return { ...p, metadata: { ...p.metadata, resourceVersion: rv }, spec: { ...p.spec!, nodeName: bound.get(uid) } };
    if (patched.has(uid)) return { ...p, metadata: { ...p.metadata, resourceVersion: rv }, status: { ...p.status, ...patched.get(uid) } };
    return p;
  });
}
const placements = (run: ScheduleRun) => Object.fromEntries(run.bindings.map((b) => [b.name, b.node]));
const created = (second: number) => `2024-01-01T00:00:${String(second).padStart(2, "0")}Z`;

describe("Scheduler: a small, mixed cluster", () => {
  const gpuTaint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };
  const nodes: Node[] = [
    makeNode("pi", { cpu: "4", memory: "4Gi", labels: { "kubernetes.io/arch": "arm64" } }),
    makeNode("nuc", { cpu: "8", memory: "16Gi", labels: { "kubernetes.io/arch": "amd64", disk: "ssd" } }),
    makeNode("gpu", {
      cpu: "16",
      memory: "64Gi",
      labels: { "kubernetes.io/arch": "amd64", accelerator: "nvidia" },
      taints: [gpuTaint],
      extended: { "nvidia.com/gpu": "1" },
    }),
  ];
  const web = (name: string, second: number) =>
    makePod(name, {
      created: created(second),
      cpu: "500m",
      memory: "512Mi",
      labels: { app: "web" },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "web" } } },
            ],
          },
        },
      },
    });
  const pods: Pod[] = [
    makePod("trainer", {
      created: created(1),
      spec: {
        containers: [{ name: "c", image: "trainer", resources: { requests: { "nvidia.com/gpu": "1", cpu: "4" } } }],
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      },
    }),
    makePod("arm-agent", { created: created(2), spec: { nodeSelector: { "kubernetes.io/arch": "arm64" } } }),
    makePod("db", { created: created(3), cpu: "2", memory: "8Gi", spec: { nodeSelector: { disk: "ssd" } } }),
    web("web-1", 4),
    web("web-2", 5),
    web("web-3", 6),
    makePod("oversized", { created: created(7), memory: "32Gi" }),
  ];

  it("places each pod where Kubernetes would, and explains the rest", () => {
    const scheduler = new Scheduler({ rng: seededRandom(3) });
    const run = scheduler.run({ nodes, pods }, 0);
    expect(placements(run)).toEqual({ trainer: "gpu", "arm-agent": "pi", db: "nuc", "web-1": "pi", "web-2": "nuc" });

    const web3 = "0/3 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 2 node(s) didn't match pod anti-affinity rules.";
    const oversized = "0/3 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 2 Insufficient memory.";
    expect(run.statusPatches.map((p) => [p.name, p.status.conditions])).toEqual([
      ["web-3", [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: web3, lastTransitionTime: "1970-01-01T00:00:00.000Z" }]],
      ["oversized", [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: oversized, lastTransitionTime: "1970-01-01T00:00:00.000Z" }]],
    ]);
    expect(run.events.map((e) => [e.involvedObject.metadata.name, e.eventType, e.reason, e.message])).toEqual([
      ["trainer", "Normal", "Scheduled", "Successfully assigned default/trainer to gpu"],
      ["arm-agent", "Normal", "Scheduled", "Successfully assigned default/arm-agent to pi"],
      ["db", "Normal", "Scheduled", "Successfully assigned default/db to nuc"],
      ["web-1", "Normal", "Scheduled", "Successfully assigned default/web-1 to pi"],
      ["web-2", "Normal", "Scheduled", "Successfully assigned default/web-2 to nuc"],
      ["web-3", "Warning", "FailedScheduling", web3],
      ["oversized", "Warning", "FailedScheduling", oversized],
    ]);
    // Nothing to do until the cluster changes (or the 5-minute safety net).
    expect(run.nextWakeAt).toBe(300_000);
  });

  it("schedules the oversized pod as soon as a big enough node joins, after its back-off", () => {
    const scheduler = new Scheduler({ rng: seededRandom(3) });
    let current = apply(pods, scheduler.run({ nodes, pods }, 0));

    // Nothing changed: nothing to do, no repeated status patches.
    const idle = scheduler.run({ nodes, pods: current }, 100);
    expect([idle.bindings, idle.statusPatches, idle.events]).toEqual([[], [], []]);

    const big = makeNode("big", { cpu: "32", memory: "128Gi" });
    const joined = scheduler.run({ nodes: [...nodes, big], pods: current }, 500);
    expect(joined.bindings).toEqual([]);
    expect(joined.nextWakeAt).toBe(1_000); // the back-off of the first attempt ends

    const after = scheduler.run({ nodes: [...nodes, big], pods: current }, 1_000);
    expect(placements(after)).toEqual({ "web-3": "big", oversized: "big" });
    current = apply(current, after);
    expect(scheduler.run({ nodes: [...nodes, big], pods: current }, 1_100).nextWakeAt).toBeUndefined();
  });

  it("retries a pod rejected for resources when an assigned pod goes away", () => {
    const scheduler = new Scheduler({ rng: seededRandom(3) });
    const small = [makeNode("n", { cpu: "1" })];
    let current = [makePod("hog", { nodeName: "n", cpu: "800m" }), makePod("want", { cpu: "500m" })];
    const first = scheduler.run({ nodes: small, pods: current }, 0);
    expect(first.events.map((e) => e.message)).toEqual(["0/1 nodes are available: 1 Insufficient cpu."]);
    current = apply(current, first).filter((p) => p.metadata.name !== "hog");
    expect(placements(scheduler.run({ nodes: small, pods: current }, 2_000))).toEqual({ want: "n" });
  });

  it("does not retry on unrelated changes", () => {
    const scheduler = new Scheduler({ rng: seededRandom(3) });
    const cluster = [makeNode("n", { cpu: "1" })];
    const current = apply([makePod("want", { cpu: "2" })], scheduler.run({ nodes: cluster, pods: [makePod("want", { cpu: "2" })] }, 0));
    // A heartbeat (new resourceVersion, same conditions) and a new label elsewhere do not help a cpu shortage.
    const relabelled = [makeNode("n", { cpu: "1", resourceVersion: "2", labels: { team: "x" } })];
    expect(scheduler.run({ nodes: relabelled, pods: current }, 5_000).events).toEqual([]);
  });
});

describe("Scheduler: assumptions and the host", () => {
  it("keeps counting bound pods until the host's binding shows up, so slots are never given twice", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const nodes = [makeNode("n", { cpu: "1" })];
    const first = [makePod("a", { cpu: "600m" })];
    expect(placements(scheduler.run({ nodes, pods: first }, 0))).toEqual({ a: "n" });
    // The host has not bound `a` yet; a second pod must not take the same cpu.
    const second = scheduler.run({ nodes, pods: [...first, makePod("b", { cpu: "600m" })] }, 10);
    expect(second.bindings).toEqual([]);
    expect(second.events.map((e) => e.message)).toEqual(["0/1 nodes are available: 1 Insufficient cpu."]);
  });

  it("retries a pod whose binding failed, after back-off", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const nodes = [makeNode("n")];
    const pods = [makePod("a")];
    expect(scheduler.run({ nodes, pods }, 0).bindings).toHaveLength(1);
    scheduler.forget("uid-default-a");
    const again = scheduler.run({ nodes, pods }, 10);
    expect(again.bindings).toEqual([]);
    expect(again.nextWakeAt).toBe(1_000);
    expect(placements(scheduler.run({ nodes, pods }, 1_000))).toEqual({ a: "n" });
  });

  it("attempts at most a batch per run and asks to be woken at once for the rest", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1), batchSize: 2 });
    const nodes = [makeNode("n")];
    const pods = ["a", "b", "c"].map((n, i) => makePod(n, { created: created(i) }));
    const run = scheduler.run({ nodes, pods }, 0);
    expect(Object.keys(placements(run))).toEqual(["a", "b"]);
    expect(run.nextWakeAt).toBe(0);
    expect(Object.keys(placements(scheduler.run({ nodes, pods: apply(pods, run) }, 0)))).toEqual(["c"]);
  });

  it("leaves alone pods that are not its own to schedule", () => {
    const scheduler = new Scheduler();
    const pods = [
      makePod("other", { spec: { schedulerName: "my-scheduler" } }),
      makePod("gated", { spec: { schedulingGates: [{ name: "wait" }] } }),
      makePod("done", { phase: "Succeeded" }),
      { ...makePod("leaving"), metadata: { ...makePod("leaving").metadata, deletionTimestamp: "2024-01-01T00:00:00Z" } },
    ];
    const run = scheduler.run({ nodes: [makeNode("n")], pods }, 0);
    expect([run.bindings, run.events, run.nextWakeAt]).toEqual([[], [], undefined]);
  });

  it("schedules 1 000 pods on 1 000 nodes in one run", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`, { labels: { "topology.kubernetes.io/zone": `z${i % 3}` } }));
    const pods = Array.from({ length: 1000 }, (_, i) => makePod(`p${i}`, { owner: `rs${i % 10}`, cpu: "100m", memory: "64Mi" }));
    const run = scheduler.run({ nodes, pods }, 0);
    expect(run.bindings).toHaveLength(1000);
    expect(new Set(run.bindings.map((b) => b.uid)).size).toBe(1000);
  }, 60_000);
});

describe("Scheduler: change by change, as the host feeds it", () => {
  it("frees a node's capacity when a bound pod is deleted or finishes, and wakes the pod waiting for it", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const small = makeNode("n", { cpu: "1" });
    const holder = makePod("holder", { nodeName: "n", cpu: "800m" });
    const waiting = makePod("waiting", { cpu: "800m" });
    scheduler.setNode(small);
    scheduler.setPod(holder);
    scheduler.setPod(waiting);
    expect(scheduler.schedule(0).events.map((e) => e.message)).toEqual(["0/1 nodes are available: 1 Insufficient cpu."]);

    scheduler.deletePod(holder);
    expect(placements(scheduler.schedule(2_000))).toEqual({ waiting: "n" });
  });

  it("counts a finished pod no more", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    scheduler.setNode(makeNode("n", { cpu: "1" }));
    const job = makePod("job", { nodeName: "n", cpu: "800m" });
    scheduler.setPod(job);
    scheduler.setPod(makePod("next", { cpu: "800m" }));
    expect(scheduler.schedule(0).bindings).toEqual([]);
    scheduler.setPod({ ...job, status: { phase: "Succeeded" } });
    expect(placements(scheduler.schedule(2_000))).toEqual({ next: "n" });
  });

  it("keeps a node's pods when the node changes, and finds them again when a deleted node returns", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const node = makeNode("n", { cpu: "1" });
    scheduler.setNode(node);
    scheduler.setPod(makePod("bound", { nodeName: "n", cpu: "800m" }));
    scheduler.schedule(0);
    scheduler.setNode({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, disk: "ssd" } } });
    scheduler.deleteNode("n");
    scheduler.setNode(node);
    scheduler.setPod(makePod("more", { cpu: "800m" }));
    expect(scheduler.schedule(10).events.map((e) => e.message)).toEqual(["0/1 nodes are available: 1 Insufficient cpu."]);
  });

  it("stops counting an assumed pod whose binding failed, so its slot is free for the next", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    scheduler.setNode(makeNode("n", { cpu: "1" }));
    scheduler.setPod(makePod("a", { cpu: "800m", created: created(1) }));
    expect(placements(scheduler.schedule(0))).toEqual({ a: "n" });
    scheduler.forget("uid-default-a");
    scheduler.deletePod(makePod("a"));
    scheduler.setPod(makePod("b", { cpu: "800m", created: created(2) }));
    expect(placements(scheduler.schedule(10))).toEqual({ b: "n" });
  });

  it("replaces an assumption with the binding when it shows up, counting the pod once", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    scheduler.setNode(makeNode("n", { cpu: "1" }));
    const a = makePod("a", { cpu: "400m" });
    expect(placements(scheduler.schedule(0))).toEqual({});
    scheduler.setPod(a);
    expect(placements(scheduler.schedule(0))).toEqual({ a: "n" });
    scheduler.setPod({ ...a, metadata: { ...a.metadata, resourceVersion: "2" }, spec: { ...a.spec!, nodeName: "n" } });
    scheduler.setPod(makePod("b", { cpu: "400m" }));
    expect(placements(scheduler.schedule(10))).toEqual({ b: "n" });
    scheduler.setPod(makePod("c", { cpu: "400m" }));
    expect(scheduler.schedule(20).bindings).toEqual([]);
  });

  it("sync() with the same objects changes nothing; without one, deletes it", () => {
    const scheduler = new Scheduler({ rng: seededRandom(1) });
    const nodes = [makeNode("n", { cpu: "1" })];
    const holder = makePod("holder", { nodeName: "n", cpu: "800m" });
    const waiting = makePod("waiting", { cpu: "800m" });
    scheduler.run({ nodes, pods: [holder, waiting] }, 0);
    expect(scheduler.run({ nodes, pods: [holder, waiting] }, 100).events).toEqual([]);
    expect(placements(scheduler.run({ nodes, pods: [waiting] }, 2_000))).toEqual({ waiting: "n" });
  });
});
