/**
 * The scheduler in workerd, end to end: hosted by the ControllerManager beside the controllers,
 * reading nodes and pods written through the registry (as agents and kubectl write them) and
 * binding through `pods/binding`. Driven deterministically with `runOnce` on the fake clock.
 *
 * Three unlike nodes, as a home lab has them:
 *   pi   4 cpu,  8 Gi, arm64, zone a, sd card
 *   nuc  8 cpu, 32 Gi, amd64, zone a, ssd
 *   gpu 16 cpu, 64 Gi, amd64, zone b, ssd, gpu=true, tainted gpu=true:NoSchedule
 * Each test leaves them empty again (its pods and any node it added are deleted), so every test
 * starts from the same cluster and the expected placements are exact.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rfc3339 } from "../../src/lib/json.js";
import type { DaemonSet, Event, Lease, Node, Pod } from "../../src/lib/types.js";
import { daemonSetDef, eventDef, leaseDef, nodeDef, podDef } from "../../src/resources/index.js";
import { advance, bootstrap, clearAlarm, createNamespace, get, list, now, registry, renewLease, runOnce, settle, syncClock } from "./controllers-helpers.js";

type PodSpec = NonNullable<Pod["spec"]>;
type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];

interface NodeShape {
  cpu: string;
  memory: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
}

const BASE_NODES: Record<string, NodeShape> = {
  pi: { cpu: "4", memory: "8Gi", labels: { "kubernetes.io/arch": "arm64", "topology.kubernetes.io/zone": "a", disk: "sd" } },
  nuc: { cpu: "8", memory: "32Gi", labels: { "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": "a", disk: "ssd" } },
  gpu: {
    cpu: "16",
    memory: "64Gi",
    labels: { "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": "b", disk: "ssd", gpu: "true" },
    taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }],
  },
};

/** Registers a node as an agent does: the Node, then its status (capacity, Ready), then its Lease. */
async function joinNode(name: string, shape: NodeShape): Promise<void> {
  const node: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", ...shape.labels } },
    spec: shape.taints ? { taints: shape.taints } : {},
  };
  await registry.create(nodeDef, "", node);
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods ?? "110" };
  const stamp = rfc3339(new Date(now()));
  await registry.patch(
    nodeDef,
    "",
    name,
    "merge",
    {
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: stamp, lastTransitionTime: stamp }],
      },
    },
    { subresource: "status" },
  );
  const lease: Lease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace: "kube-node-lease" },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: stamp },
  };
  await registry.create(leaseDef, "kube-node-lease", lease);
}

async function leaveNode(name: string): Promise<void> {
  await registry.delete(nodeDef, "", name);
  await registry.delete(leaseDef, "kube-node-lease", name);
}

const container = (requests?: Record<string, string>, extra: Partial<PodSpec["containers"][number]> = {}) => ({
  name: "main",
  image: "nginx:1.27",
  ...(requests ? { resources: { requests } } : {}),
  ...extra,
});

function pod(name: string, spec: Partial<PodSpec> = {}, labels?: Record<string, string>): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [container()], ...spec } };
}

const tolerateGpu = { tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }] };
const antiAffinity = (labels: Record<string, string>, topologyKey: string) => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey }] },
});

const getPod = (ns: string, name: string) => get<Pod>(podDef, ns, name);
const nodeOf = async (ns: string, name: string) => (await getPod(ns, name)).spec?.nodeName;
const podScheduled = async (ns: string, name: string) => (await getPod(ns, name)).status?.conditions?.find((c) => c.type === "PodScheduled");
const eventsFor = async (ns: string, name: string, reason: string) =>
  (await list<Event>(eventDef, ns)).filter((e) => e.involvedObject.name === name && e.reason === reason);

async function createPod(ns: string, p: Pod): Promise<void> {
  await registry.create(podDef, ns, p);
}

/** Deletes the namespace's pods and the nodes a test added, so the next test starts clean. */
async function cleanUp(ns: string): Promise<void> {
  for (const ds of await list<DaemonSet>(daemonSetDef, ns)) await registry.delete(daemonSetDef, ns, ds.metadata.name);
  await settle();
  for (const p of await list<Pod>(podDef, ns)) await registry.delete(podDef, ns, p.metadata.name, { gracePeriodSeconds: 0 }).catch(() => undefined);
  for (const n of await list<Node>(nodeDef, "")) if (!(n.metadata.name in BASE_NODES)) await leaveNode(n.metadata.name);
  await settle();
}

/** Runs the host on the fake clock, a second at a time, until `done` or `maxMs` has passed. */
async function runUntil(done: () => Promise<boolean>, maxMs: number): Promise<number> {
  const start = now();
  for (;;) {
    await settle();
    if (await done()) return now() - start;
    if (now() - start >= maxMs) throw new Error(`not done after ${maxMs} ms of the fake clock`);
    await advance(1_000);
  }
}

let namespace = "";
let seq = 0;

beforeAll(async () => {
  await bootstrap();
  for (const [name, shape] of Object.entries(BASE_NODES)) await joinNode(name, shape);
  await settle();
});

beforeEach(async () => {
  await syncClock();
  // The fake clock jumps to real time: renew the Leases, or the lifecycle controller would taint the nodes.
  for (const name of Object.keys(BASE_NODES)) await renewLease(name);
  namespace = `sched-${++seq}`;
  await createNamespace(namespace);
});

afterEach(async () => {
  await cleanUp(namespace);
  await clearAlarm();
});

describe("placement", () => {
  // In order, each scheduled before the next is created: later rows see the earlier pods.
  const table: { pod: Pod; node: string; why: string }[] = [
    { pod: pod("arm", { nodeSelector: { "kubernetes.io/arch": "arm64" } }, { app: "arm" }), node: "pi", why: "nodeSelector" },
    {
      pod: pod("ssd", {
        containers: [container({ cpu: "1", memory: "1Gi" })],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }] } } },
      }, { app: "ssd" }),
      node: "nuc",
      why: "required node affinity In; gpu's taint is not tolerated",
    },
    { pod: pod("trainer", { ...tolerateGpu, nodeSelector: { gpu: "true" } }, { app: "trainer" }), node: "gpu", why: "toleration and nodeSelector" },
    {
      pod: pod("not-arm", {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "NotIn", values: ["arm64"] }] }] } } },
      }),
      node: "nuc",
      why: "NotIn; gpu tainted",
    },
    { pod: pod("cpu-6", { containers: [container({ cpu: "6" })] }), node: "nuc", why: "only nuc has 6 cpu free among untainted nodes" },
    { pod: pod("small", { containers: [container({ cpu: "500m", memory: "512Mi" })] }), node: "pi", why: "least allocated: nuc is at 7/8 cpu" },
    {
      pod: pod("prefers-ssd", {
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } }] } },
      }),
      node: "nuc",
      why: "preferred node affinity (weight 2) outweighs the resource scores",
    },
    {
      pod: pod("away-from-arm", { ...tolerateGpu, affinity: antiAffinity({ app: "arm" }, "topology.kubernetes.io/zone") }),
      node: "gpu",
      why: "anti-affinity by zone: pi and nuc share zone a with the arm pod",
    },
    {
      pod: pod("near-ssd", { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "ssd" } }, topologyKey: "kubernetes.io/hostname" }] } } }),
      node: "nuc",
      why: "pod affinity by hostname",
    },
    {
      pod: pod("port-a", { nodeSelector: { disk: "ssd" }, containers: [container(undefined, { ports: [{ containerPort: 80, hostPort: 8080 }] })] }),
      node: "nuc",
      why: "nodeSelector, host port free",
    },
    {
      pod: pod("port-b", { ...tolerateGpu, nodeSelector: { "kubernetes.io/arch": "amd64" }, containers: [container(undefined, { ports: [{ containerPort: 80, hostPort: 8080 }] })] }),
      node: "gpu",
      why: "host port 8080 is taken on nuc",
    },
  ];

  it("puts each pod where Kubernetes would", async () => {
    for (const row of table) {
      await createPod(namespace, row.pod);
      await settle();
      expect({ pod: row.pod.metadata.name, node: await nodeOf(namespace, row.pod.metadata.name ?? "") }, row.why).toEqual({ pod: row.pod.metadata.name, node: row.node });
    }
    // Bound as the binding REST binds: PodScheduled=True, and one Scheduled event each.
    for (const row of table) {
      const name = row.pod.metadata.name ?? "";
      expect(await podScheduled(namespace, name)).toMatchObject({ status: "True" });
      const scheduled = await eventsFor(namespace, name, "Scheduled");
      expect(scheduled.map((e) => [e.type, e.message, e.count ?? 1])).toEqual([["Normal", `Successfully assigned ${namespace}/${name} to ${row.node}`, 1]]);
    }
  });

  it("spreads pods with required anti-affinity one per node, and explains the one that fits nowhere", async () => {
    const web = (i: number) => pod(`web-${i}`, { ...tolerateGpu, affinity: antiAffinity({ app: "web" }, "kubernetes.io/hostname") }, { app: "web" });
    for (let i = 0; i < 3; i++) await createPod(namespace, web(i));
    await settle();
    const nodes = await Promise.all([0, 1, 2].map((i) => nodeOf(namespace, `web-${i}`)));
    expect(nodes.sort()).toEqual(["gpu", "nuc", "pi"]);

    await createPod(namespace, web(3));
    await settle();
    const message = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.";
    expect(await nodeOf(namespace, "web-3")).toBeUndefined();
    expect(await podScheduled(namespace, "web-3")).toMatchObject({ status: "False", reason: "Unschedulable", message });
  });
});

describe("a pod that fits nowhere", () => {
  it("explains taints and selectors", async () => {
    await createPod(namespace, pod("wants-gpu", { nodeSelector: { gpu: "true" } }));
    await settle();
    expect(await podScheduled(namespace, "wants-gpu")).toMatchObject({
      status: "False",
      reason: "Unschedulable",
      message: "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 node(s) didn't match Pod's node affinity/selector.",
    });
  });

  it("stays Pending with the reason and a FailedScheduling event, and is scheduled soon after a big enough node joins", async () => {
    await createPod(namespace, pod("huge", { containers: [container({ cpu: "20", memory: "100Gi" })] }));
    await settle();
    const message = "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu, 2 Insufficient memory.";
    const p = await getPod(namespace, "huge");
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.phase).toBe("Pending");
    expect(p.status?.conditions?.find((c) => c.type === "PodScheduled")).toMatchObject({ status: "False", reason: "Unschedulable", message });
    const failed = await eventsFor(namespace, "huge", "FailedScheduling");
    expect(failed.map((e) => [e.type, e.message])).toEqual([["Warning", message]]);

    // Nothing changed: no retry in a busy loop, the pod stays where it is.
    const rv = p.metadata.resourceVersion;
    await advance(30_000);
    await settle();
    expect((await getPod(namespace, "huge")).metadata.resourceVersion).toBe(rv);

    await joinNode("big", { cpu: "32", memory: "128Gi", labels: { "topology.kubernetes.io/zone": "b" } });
    const waited = await runUntil(async () => (await nodeOf(namespace, "huge")) === "big", 15_000);
    expect(waited).toBeLessThanOrEqual(2_000);
    expect(await podScheduled(namespace, "huge")).toMatchObject({ status: "True" });
    expect(await eventsFor(namespace, "huge", "Scheduled")).toHaveLength(1);
  });
});

describe("concurrency", () => {
  it("never gives the last slot of a node to two pods", async () => {
    await joinNode("tiny", { cpu: "1", memory: "1Gi", labels: { pool: "tiny" } });
    await settle();
    const names = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    // Created all at once while the host's alarm runs on the store's pokes.
    await Promise.all(names.map((n) => createPod(namespace, pod(n, { nodeSelector: { pool: "tiny" }, containers: [container({ cpu: "600m" })] }))));
    await Promise.all([runOnce(), runOnce()]);
    await settle();
    const pods = await list<Pod>(podDef, namespace);
    const bound = pods.filter((p) => p.spec?.nodeName);
    expect(bound.map((p) => p.spec?.nodeName)).toEqual(["tiny"]);
    const waiting = pods.filter((p) => !p.spec?.nodeName);
    expect(waiting).toHaveLength(19);
    for (const p of waiting) {
      expect(p.status?.conditions?.find((c) => c.type === "PodScheduled")).toMatchObject({
        status: "False",
        reason: "Unschedulable",
        message: "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {gpu: true}, 2 node(s) didn't match Pod's node affinity/selector.",
      });
    }
  });

  it("binds a pod once, even when someone else binds it at the same moment", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `once-${i}`);
    let manualWins = 0;
    for (const [i, name] of names.entries()) {
      await createPod(namespace, pod(name, { nodeSelector: { disk: "sd" } }));
      // Another scheduler binds it to the same node while ours runs, a little later each time:
      // exactly one binding succeeds.
      const run = runOnce();
      await new Promise((r) => setTimeout(r, 4 * i));
      const manual = registry
        .bind(namespace, name, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: "pi" } })
        .then(
          () => true,
          (e: unknown) => {
            expect(e).toMatchObject({ code: 409 });
            return false;
          },
        );
      const [won] = await Promise.all([manual, run]);
      if (won) manualWins++;
    }
    await settle();
    let schedulerWins = 0;
    for (const name of names) {
      expect(await nodeOf(namespace, name)).toBe("pi");
      schedulerWins += (await eventsFor(namespace, name, "Scheduled")).length;
    }
    expect(manualWins + schedulerWins).toBe(names.length);
    // And a bound pod cannot be bound again.
    await expect(
      registry.bind(namespace, "once-0", { apiVersion: "v1", kind: "Binding", metadata: { name: "once-0" }, target: { kind: "Node", name: "nuc" } }),
    ).rejects.toMatchObject({ code: 409 });
  });

  it("reports Scheduled only for the pods its batch really bound", async () => {
    const names = Array.from({ length: 30 }, (_, i) => `batch-${i}`);
    for (const name of names) await createPod(namespace, pod(name, { nodeSelector: { pool: "late" } }));
    await settle();
    await joinNode("late", { cpu: "8", memory: "8Gi", labels: { pool: "late" } });
    await settle();
    // Their back-off is over: the next run binds them all in one batch, while another scheduler
    // binds every third of them.
    await advance(1_000);
    const run = runOnce();
    const manual = await Promise.all(
      names.map(async (name, i) => {
        if (i % 3) return false;
        await new Promise((r) => setTimeout(r, i / 3));
        return registry.bind(namespace, name, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: "late" } }).then(
          () => true,
          () => false,
        );
      }),
    );
    await run;
    await settle();
    for (const [i, name] of names.entries()) {
      expect(await nodeOf(namespace, name)).toBe("late");
      expect({ name, events: (await eventsFor(namespace, name, "Scheduled")).length }).toEqual({ name, events: manual[i] ? 0 : 1 });
    }
  });
});

describe("priority", () => {
  it("orders the queue: the highest priority gets the one free slot, then the next", async () => {
    const contender = (name: string, priorityClassName?: string) =>
      pod(name, { priorityClassName, nodeSelector: { pool: "prio" }, containers: [container({ cpu: "600m" })] });
    // Created lowest first, so that creation order alone would pick the wrong one.
    await createPod(namespace, contender("low"));
    await createPod(namespace, contender("cluster", "system-cluster-critical"));
    await createPod(namespace, contender("node", "system-node-critical"));
    await settle();
    for (const name of ["low", "cluster", "node"]) expect(await podScheduled(namespace, name)).toMatchObject({ status: "False", reason: "Unschedulable" });

    await joinNode("prio", { cpu: "1", memory: "4Gi", labels: { pool: "prio" } });
    await runUntil(async () => Boolean(await nodeOf(namespace, "node")), 15_000);
    expect(await nodeOf(namespace, "cluster")).toBeUndefined();
    expect(await nodeOf(namespace, "low")).toBeUndefined();

    // The slot frees: the next in priority takes it, not the oldest.
    await registry.delete(podDef, namespace, "node", { gracePeriodSeconds: 0 });
    await runUntil(async () => Boolean(await nodeOf(namespace, "cluster")), 15_000);
    expect(await nodeOf(namespace, "low")).toBeUndefined();
  });
});

describe("DaemonSet pods", () => {
  it("land on the node their affinity names", async () => {
    const ds: DaemonSet = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "node-exporter" },
      spec: {
        selector: { matchLabels: { app: "node-exporter" } },
        template: {
          metadata: { labels: { app: "node-exporter" } },
          spec: { ...tolerateGpu, containers: [container({ cpu: "100m", memory: "64Mi" })] },
        },
      },
    };
    await registry.create(daemonSetDef, namespace, ds);
    await settle();
    const pods = await list<Pod>(podDef, namespace);
    const placed = pods.map((p) => ({
      target: p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0],
      node: p.spec?.nodeName,
    }));
    expect(placed.map((p) => p.node).sort()).toEqual(["gpu", "nuc", "pi"]);
    for (const p of placed) expect(p.node).toBe(p.target);
    expect((await get<DaemonSet>(daemonSetDef, namespace, "node-exporter")).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3 });
  });
});
