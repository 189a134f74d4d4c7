import { describe, expect, it } from "vitest";
import type { Lease, Node, Pod } from "../lib/types.js";
import { rfc3339 } from "../lib/json.js";
import { evictionTime, reconcileNodeLifecycle, tolerates } from "./node-lifecycle.js";
import type { Action, Plan } from "./types.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);

function node(ready: "True" | "False" | "Unknown" = "True"): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "n1", uid: "node-uid", resourceVersion: "3", creationTimestamp: rfc3339(at(-100)) },
    spec: {},
    status: {
      conditions: [
        { type: "Ready", status: ready, reason: "KubeletReady", lastHeartbeatTime: rfc3339(at(0)), lastTransitionTime: rfc3339(at(-100)) },
        { type: "MemoryPressure", status: "False", lastHeartbeatTime: rfc3339(at(0)), lastTransitionTime: rfc3339(at(-100)) },
      ],
    },
  };
}

const lease = (renewed: number): Lease => ({
  metadata: { name: "n1", namespace: "kube-node-lease" },
  spec: { holderIdentity: "n1", renewTime: new Date(T0 + renewed * 1000).toISOString() },
});

/** Pods as the registry defaults them: the 300 s not-ready/unreachable tolerations, plus extras. */
function pod(name: string, tolerations: NonNullable<Pod["spec"]>["tolerations"] = defaultTolerations(300)): Pod {
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}` },
    spec: { nodeName: "n1", containers: [{ name: "c" }], tolerations },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

function defaultTolerations(seconds: number) {
  return [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds },
  ];
}

/** Applies node status, taint patches and pod writes as the registry would. */
class World {
  constructor(
    public node: Node,
    public lease: Lease,
    public pods: Pod[],
  ) {}
  run(now: Date): Plan {
    const plan = reconcileNodeLifecycle({ nodes: [this.node], leases: [this.lease], pods: this.pods, now });
    for (const a of plan.actions) this.apply(a);
    return plan;
  }
  private apply(a: Action): void {
    if (a.type === "updateStatus" && a.resource === "nodes") this.node = a.object as Node;
    if (a.type === "patch") {
      const taints = (a.patch as { spec: { taints: Node["spec"] extends infer S ? S extends { taints?: infer T } ? T : never : never } }).spec.taints;
      this.node = { ...this.node, spec: { ...this.node.spec, taints: taints ?? undefined } };
    }
    if (a.type === "updateStatus" && a.resource === "pods") this.pods = this.pods.map((p) => (p.metadata.uid === a.object.metadata.uid ? (a.object as Pod) : p));
    if (a.type === "delete") this.pods = this.pods.filter((p) => p.metadata.uid !== a.uid);
  }
}

const taintKeys = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
const events = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "event" ? [`${a.reason}: ${a.message}`] : []));

describe("reconcileNodeLifecycle", () => {
  it("leaves a node with a fresh Lease alone and wakes when it would go stale", () => {
    const plan = reconcileNodeLifecycle({ nodes: [node()], leases: [lease(30)], pods: [pod("a")], now: at(35) });
    expect(plan.actions).toEqual([]);
    expect(plan.requeue).toEqual([{ key: "nodes//n1", at: T0 + 70_001 }]);
  });

  it("a node that stops renewing its Lease is marked unreachable, its pods not ready, then evicted by tolerationSeconds", () => {
    const world = new World(node(), lease(0), [pod("default-300"), pod("fast", defaultTolerations(10)), pod("none", []), pod("forever", [{ operator: "Exists" }])]);
    expect(world.run(at(40)).actions).toEqual([]);

    const down = world.run(at(41));
    const ready = world.node.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: rfc3339(at(41)) });
    expect(world.node.status?.conditions?.find((c) => c.type === "MemoryPressure")?.status).toBe("Unknown");
    expect(world.node.status?.conditions?.find((c) => c.type === "DiskPressure")).toMatchObject({ status: "Unknown", reason: "NodeStatusNeverUpdated" });
    expect(world.node.spec?.taints).toEqual([
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: rfc3339(at(41)) },
    ]);
    expect(events(down)).toEqual(["NodeNotReady: Node n1 status is now: NodeNotReady", "TaintManagerEviction: Marking for deletion Pod default/none"]);
    expect(world.pods.map((p) => p.metadata.name)).toEqual(["default-300", "fast", "forever"]);
    expect(world.pods.every((p) => p.status?.conditions?.[0].status === "False")).toBe(true);
    expect(down.requeue).toEqual([{ key: "nodes//n1", at: T0 + 51_000 }]);

    // Repeated passes change nothing until a toleration runs out.
    expect(world.run(at(45)).actions).toEqual([]);
    const fast = world.run(at(51));
    expect(events(fast)).toEqual(["TaintManagerEviction: Marking for deletion Pod default/fast"]);
    expect(fast.requeue).toEqual([{ key: "nodes//n1", at: T0 + 341_000 }]);
    world.run(at(341));
    expect(world.pods.map((p) => p.metadata.name)).toEqual(["forever"]);
  });

  it("a node that comes back is untainted once its agent reports Ready", () => {
    const world = new World(node(), lease(0), [pod("a")]);
    world.run(at(60));
    expect(taintKeys(world.node)).toEqual(["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
    // The agent renews its Lease and posts Ready again.
    world.lease = lease(100);
    const conditions = world.node.status!.conditions!.map((c) =>
      c.type === "Ready" ? { ...c, status: "True", reason: "KubeletReady", lastHeartbeatTime: rfc3339(at(100)) } : c,
    );
    world.node = { ...world.node, status: { conditions } };
    const back = world.run(at(101));
    expect(back.actions).toEqual([{ type: "patch", resource: "nodes", namespace: "", name: "n1", patch: { spec: { taints: null } } }]);
    expect(taintKeys(world.node)).toEqual([]);
    expect(world.pods).toHaveLength(1);
  });

  it("a node whose agent reports Ready False gets the not-ready taints, keeping other taints", () => {
    const n = node("False");
    n.spec = { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] };
    const plan = reconcileNodeLifecycle({ nodes: [n], leases: [lease(0)], pods: [], now: at(5) });
    expect(plan.actions).toEqual([
      {
        type: "patch",
        resource: "nodes",
        namespace: "",
        name: "n1",
        patch: {
          spec: {
            taints: [
              { key: "dedicated", value: "gpu", effect: "NoSchedule" },
              { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
              { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: rfc3339(at(5)) },
            ],
          },
        },
      },
    ]);
  });

  it("a node that never posted status is Unknown with NodeStatusNeverUpdated", () => {
    const n: Node = { metadata: { name: "n1", creationTimestamp: rfc3339(at(0)) }, spec: {} };
    const plan = reconcileNodeLifecycle({ nodes: [n], leases: [], pods: [], now: at(41) });
    const status = plan.actions.find((a) => a.type === "updateStatus");
    expect((status as { object: Node }).object.status?.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
      message: "Kubelet never posted node status.",
    });
    expect(events(plan)).toEqual([]);
  });

  it.each([
    [{ operator: "Exists" }, { key: "k", effect: "NoExecute" }, true],
    [{ key: "k", operator: "Exists" }, { key: "k", value: "v", effect: "NoExecute" }, true],
    [{ key: "k", operator: "Equal", value: "v" }, { key: "k", value: "v", effect: "NoExecute" }, true],
    [{ key: "k", value: "w" }, { key: "k", value: "v", effect: "NoExecute" }, false],
    [{ key: "k", operator: "Exists", effect: "NoSchedule" }, { key: "k", effect: "NoExecute" }, false],
    [{ key: "other", operator: "Exists" }, { key: "k", effect: "NoExecute" }, false],
  ])("tolerates(%j, %j) = %s", (toleration, taint, want) => {
    expect(tolerates(toleration, taint)).toBe(want);
  });

  it("uses the shortest bounded toleration among those that match", () => {
    const p = pod("a", [
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 100 },
      { operator: "Exists", effect: "NoExecute" },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 20 },
    ]);
    const taints = [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: rfc3339(at(0)) }];
    expect(evictionTime(p, taints, at(1))).toBe(T0 + 20_000);
  });
});
