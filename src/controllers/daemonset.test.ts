import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet, Node, Pod, Stored } from "../lib/types.js";
import type { Action } from "./types.js";
import { World } from "./deployment/simulator.js";
import { CONTROLLER_REVISIONS_RESOURCE } from "./statefulset.js";
import { DAEMONSET_RESOURCE, nodeShouldRunDaemonPod, reconcileDaemonSet, targetNodeOf } from "./daemonset.js";

const T0 = new Date("2025-01-01T00:00:00Z");

function daemonSet(spec: Partial<NonNullable<DaemonSet["spec"]>> = {}, podSpec: Partial<NonNullable<Pod["spec"]>> = {}): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c", image: "agent:1" }], ...podSpec } },
      ...spec,
    },
  };
}

function node(name: string, labels: Record<string, string> = {}, taints: NonNullable<Node["spec"]>["taints"] = []): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: { taints } };
}

describe("nodeShouldRunDaemonPod", () => {
  it.each<[string, DaemonSet, Node, boolean, boolean]>([
    ["a plain node", daemonSet(), node("n"), true, true],
    ["nodeSelector matches", daemonSet({}, { nodeSelector: { disk: "ssd" } }), node("n", { disk: "ssd" }), true, true],
    ["nodeSelector does not match", daemonSet({}, { nodeSelector: { disk: "ssd" } }), node("n", { disk: "hdd" }), false, false],
    [
      "required affinity NotIn",
      daemonSet({}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "role", operator: "NotIn", values: ["edge"] }] }] } } } }),
      node("n", { role: "edge" }),
      false,
      false,
    ],
    [
      "required affinity Gt",
      daemonSet({}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "cores", operator: "Gt", values: ["2"] }] }] } } } }),
      node("n", { cores: "4" }),
      true,
      true,
    ],
    ["untolerated NoSchedule: no new pod, the old may stay", daemonSet(), node("n", {}, [{ key: "gpu", effect: "NoSchedule" }]), false, true],
    ["untolerated NoExecute: evicted", daemonSet(), node("n", {}, [{ key: "gpu", effect: "NoExecute" }]), false, false],
    ["tolerated taint", daemonSet({}, { tolerations: [{ key: "gpu", operator: "Exists" }] }), node("n", {}, [{ key: "gpu", effect: "NoExecute" }]), true, true],
    ["unschedulable is tolerated automatically", daemonSet(), node("n", {}, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }]), true, true],
    ["not-ready is tolerated automatically", daemonSet(), node("n", {}, [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }]), true, true],
    ["PreferNoSchedule is ignored", daemonSet(), node("n", {}, [{ key: "x", effect: "PreferNoSchedule" }]), true, true],
  ])("%s", (_name, ds, n, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(n, ds)).toEqual({ shouldRun, shouldContinueRunning });
  });
});

class Cluster {
  readonly world = new World(T0);
  readonly plans: Action[][] = [];
  constructor(ds: DaemonSet, nodes: string[]) {
    this.world.add(DAEMONSET_RESOURCE, ds);
    for (const n of nodes) this.world.add("nodes", node(n));
  }
  get ds(): Stored<DaemonSet> {
    return this.world.get<DaemonSet>(DAEMONSET_RESOURCE, "default", "agent")!;
  }
  live(): Stored<Pod>[] {
    return this.world.pods().filter((p) => !p.metadata.deletionTimestamp);
  }
  nodesWithPods(): string[] {
    return this.live().map((p) => targetNodeOf(p)!).sort();
  }
  available(): number {
    return this.live().filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
  }
  round(check: () => void = () => {}): void {
    const plan = reconcileDaemonSet({
      daemonSet: this.ds,
      nodes: this.world.list<Node>("nodes"),
      pods: this.world.pods(),
      revisions: this.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE),
      expectations: this.world.expectations,
      now: this.world.now,
      randomSuffix: this.world.suffix,
    });
    this.plans.push(plan.actions);
    this.world.expectations = plan.expectations;
    this.world.apply(plan.actions);
    check();
    this.world.step();
    check();
  }
  settle(check?: () => void): void {
    for (let i = 0; i < 30; i++) this.round(check);
  }
}

describe("reconcileDaemonSet", () => {
  it("places pods by required node affinity on the node name, with the daemon tolerations", () => {
    const c = new Cluster(daemonSet(), ["n1"]);
    c.round();
    const create = c.plans[0].find((a) => a.type === "create" && a.resource === "pods") as Extract<Action, { type: "create" }>;
    const pod = create.object as Pod;
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.metadata.generateName).toBe("agent-");
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] },
    ]);
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
    expect(pod.spec?.tolerations?.every((t) => t.tolerationSeconds === undefined && t.operator === "Exists")).toBe(true);
    const revision = c.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE)[0];
    expect(pod.metadata.labels).toEqual({ app: "agent", "controller-revision-hash": revision.metadata.labels?.["controller-revision-hash"], "pod-template-generation": "1" });
    expect(revision.metadata.name).toBe(`agent-${pod.metadata.labels?.["controller-revision-hash"]}`);
  });

  it("follows nodes joining, leaving and changing", () => {
    const c = new Cluster(daemonSet({}, { nodeSelector: { role: "worker" } }), []);
    for (const n of ["n1", "n2"]) c.world.add("nodes", node(n, { role: "worker" }));
    c.world.add("nodes", node("n3", { role: "db" }));
    c.settle();
    expect(c.nodesWithPods()).toEqual(["n1", "n2"]);
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0, observedGeneration: 1 });

    c.world.add("nodes", node("n4", { role: "worker" }));
    c.settle();
    expect(c.nodesWithPods()).toEqual(["n1", "n2", "n4"]);

    c.world.remove("nodes", undefined, "n1");
    c.settle();
    expect(c.nodesWithPods()).toEqual(["n2", "n4"]);

    c.world.get<Node>("nodes", "", "n2")!.metadata.labels = { role: "db" };
    c.settle();
    expect(c.nodesWithPods()).toEqual(["n4"]);

    c.world.get<Node>("nodes", "", "n4")!.spec!.taints = [{ key: "maintenance", effect: "NoExecute" }];
    c.settle();
    expect(c.nodesWithPods()).toEqual([]);
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
  });

  it("replaces a deleted daemon pod", () => {
    const c = new Cluster(daemonSet(), ["n1", "n2"]);
    c.settle();
    c.world.remove("pods", "default", c.live()[0].metadata.name);
    c.settle();
    expect(c.nodesWithPods()).toEqual(["n1", "n2"]);
  });

  it.each([
    { maxUnavailable: 1, maxSurge: 0, minAvailable: 4, maxPods: 5 },
    { maxUnavailable: 2, maxSurge: 0, minAvailable: 3, maxPods: 5 },
    { maxUnavailable: 0, maxSurge: 1, minAvailable: 5, maxPods: 6 },
  ])("rolling update with maxUnavailable $maxUnavailable, maxSurge $maxSurge", ({ maxUnavailable, maxSurge, minAvailable, maxPods }) => {
    const c = new Cluster(daemonSet({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable, maxSurge } } }), ["n1", "n2", "n3", "n4", "n5"]);
    c.settle();
    c.world.edit<DaemonSet>(DAEMONSET_RESOURCE, "default", "agent", (d) => (d.spec!.template!.spec!.containers[0].image = "agent:2"));
    let trough = Infinity;
    let peak = 0;
    c.settle(() => {
      trough = Math.min(trough, c.available());
      peak = Math.max(peak, c.live().length);
    });
    expect(c.live().map((p) => p.spec?.containers[0].image)).toEqual(Array(5).fill("agent:2"));
    expect(trough).toBeGreaterThanOrEqual(minAvailable);
    expect(peak).toBeLessThanOrEqual(maxPods);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 5, numberAvailable: 5, observedGeneration: 2 });
    expect(c.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE)).toHaveLength(2);
  });

  it("OnDelete does not replace pods until they are deleted", () => {
    const c = new Cluster(daemonSet({ updateStrategy: { type: "OnDelete" } }), ["n1", "n2"]);
    c.settle();
    c.world.edit<DaemonSet>(DAEMONSET_RESOURCE, "default", "agent", (d) => (d.spec!.template!.spec!.containers[0].image = "agent:2"));
    c.settle();
    expect(c.live().map((p) => p.spec?.containers[0].image)).toEqual(["agent:1", "agent:1"]);
    c.world.remove("pods", "default", c.live()[0].metadata.name);
    c.settle();
    expect(c.live().map((p) => p.spec?.containers[0].image).sort()).toEqual(["agent:1", "agent:2"]);
  });

  it("writes nothing once settled", () => {
    const c = new Cluster(daemonSet(), ["n1"]);
    c.settle();
    c.round();
    expect(c.plans.at(-1)).toEqual([]);
  });
});
