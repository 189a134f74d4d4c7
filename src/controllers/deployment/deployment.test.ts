import { describe, expect, it } from "vitest";
import type { Deployment, Pod, ReplicaSet, Stored } from "../../lib/types.js";
import type { Action, Plan } from "../types.js";
import { reconcileReplicaSet } from "../replicaset.js";
import { controllerRefOf } from "../pod-util.js";
import { reconcileDeployment } from "./index.js";
import { World } from "./simulator.js";

const T0 = new Date("2025-01-01T00:00:00Z");
const RS = "replicasets.apps";
const DEP = "deployments.apps";

function deployment(replicas: number, image: string, spec: Partial<NonNullable<Deployment["spec"]>> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      ...spec,
    },
  };
}

/** A cluster with the Deployment and ReplicaSet controllers, run once per step. */
class Cluster {
  readonly world = new World(T0);
  readonly plans: Plan[] = [];
  constructor(d: Deployment) {
    this.world.add(DEP, d);
  }

  get d(): Stored<Deployment> {
    return this.world.get<Deployment>(DEP, "default", "web")!;
  }

  sets(): Stored<ReplicaSet>[] {
    return this.world.list<ReplicaSet>(RS);
  }

  /** Pods whose ReplicaSet belongs to the Deployment, not terminating. */
  pods(): Stored<Pod>[] {
    const uids = new Set(this.sets().map((r) => r.metadata.uid));
    return this.world.pods().filter((p) => uids.has(controllerRefOf(p)?.uid ?? "") && !p.metadata.deletionTimestamp);
  }

  available(): number {
    return this.pods().filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
  }

  reconcileDeployment(): Plan {
    const plan = reconcileDeployment({ deployment: this.d, replicaSets: this.sets(), pods: this.world.pods(), now: this.world.now });
    this.plans.push(plan);
    this.world.apply(plan.actions);
    return plan;
  }

  /** One round: Deployment controller, ReplicaSet controller, then time passes; `check` after each. */
  round(check: () => void = () => {}, unready?: (p: Stored<Pod>) => boolean): void {
    this.reconcileDeployment();
    check();
    for (const set of this.sets()) {
      const plan = reconcileReplicaSet({ replicaSet: set, pods: this.world.pods(), expectations: this.world.expectations, now: this.world.now, randomSuffix: this.world.suffix });
      this.world.expectations = plan.expectations;
      this.world.apply(plan.actions);
      check();
    }
    this.world.step(1, unready);
    check();
  }

  /** `kubectl rollout status`'s rule for done. */
  rolledOut(): boolean {
    const d = this.d;
    const s = d.status ?? {};
    const replicas = d.spec?.replicas ?? 1;
    return (
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      (s.updatedReplicas ?? 0) >= replicas &&
      (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) &&
      (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0) &&
      this.pods().length === replicas
    );
  }

  settle(check: () => void = () => {}): number {
    for (let i = 1; i <= 200; i++) {
      this.round(check);
      if (this.rolledOut()) {
        // One more round so that the final status and conditions are written.
        this.round(check);
        return i;
      }
    }
    throw new Error("rollout did not complete in 200 rounds");
  }

  setImage(image: string): void {
    this.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.template!.spec!.containers[0].image = image));
  }

  revisionOf(rs: ReplicaSet): string | undefined {
    return rs.metadata.annotations?.["deployment.kubernetes.io/revision"];
  }
}

const events = (actions: Action[]) => actions.filter((a): a is Extract<Action, { type: "event" }> => a.type === "event");

describe("reconcileDeployment: the first pass", () => {
  it("creates <name>-<pod-template-hash> with hash label, selector, revision and size annotations", () => {
    const c = new Cluster(deployment(3, "nginx:1", { progressDeadlineSeconds: 600 }));
    const plan = c.reconcileDeployment();
    const create = plan.actions.find((a) => a.type === "create")!;
    const rs = (create as Extract<Action, { type: "create" }>).object as ReplicaSet;
    const hash = rs.metadata.labels!["pod-template-hash"];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: "web", "pod-template-hash": hash } });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.metadata.annotations).toEqual({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "web", controller: true, blockOwnerDeletion: true });
    expect(events(plan.actions).map((e) => e.message)).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
    expect(c.d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(c.d.status?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetCreated",
      message: `Created new replica set "web-${hash}"`,
    });
  });

  it("reaches Available and NewReplicaSetAvailable, then stops writing", () => {
    const c = new Cluster(deployment(3, "nginx:1"));
    c.settle();
    expect(c.d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(c.d.status?.unavailableReplicas).toBeUndefined();
    const conds = Object.fromEntries((c.d.status?.conditions ?? []).map((x) => [x.type, [x.status, x.reason]]));
    expect(conds).toEqual({ Available: ["True", "MinimumReplicasAvailable"], Progressing: ["True", "NewReplicaSetAvailable"] });
    expect(c.reconcileDeployment().actions).toEqual([]);
  });

  it("warns and does nothing with an empty selector", () => {
    const c = new Cluster(deployment(1, "nginx:1", { selector: {} }));
    const plan = c.reconcileDeployment();
    expect(events(plan.actions).map((e) => e.reason)).toEqual(["SelectingAll"]);
    expect(plan.actions.some((a) => a.type === "create")).toBe(false);
  });
});

describe("RollingUpdate invariants, simulated", () => {
  it.each([
    { maxSurge: 1, maxUnavailable: 0, maxPods: 11, minAvailable: 10 },
    { maxSurge: 0, maxUnavailable: 2, maxPods: 10, minAvailable: 8 },
    { maxSurge: 3, maxUnavailable: 2, maxPods: 13, minAvailable: 8 },
    { maxSurge: "25%", maxUnavailable: "25%", maxPods: 13, minAvailable: 8 },
  ])("10 replicas with maxSurge $maxSurge, maxUnavailable $maxUnavailable", ({ maxSurge, maxUnavailable, maxPods, minAvailable }) => {
    const c = new Cluster(deployment(10, "nginx:1", { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } } }));
    c.settle();
    c.setImage("nginx:2");
    let peak = 0;
    let trough = Infinity;
    c.settle(() => {
      peak = Math.max(peak, c.pods().length);
      trough = Math.min(trough, c.available());
    });
    expect(peak).toBeLessThanOrEqual(maxPods);
    expect(trough).toBeGreaterThanOrEqual(minAvailable);
    expect(peak).toBeGreaterThan(9); // it did run pods throughout
    expect(c.pods().every((p) => p.spec?.containers[0].image === "nginx:2")).toBe(true);
    const sets = c.sets();
    expect(sets.map((r) => r.spec?.replicas).sort()).toEqual([0, 10]);
    expect(c.d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(c.world.events.filter((e) => e.reason === "ScalingReplicaSet").every((e) => /^Scaled (up|down) replica set web-\S+ from \d+ to \d+$/.test(e.message))).toBe(true);
  });
});

describe("Recreate, simulated", () => {
  it("never runs old and new pods together", () => {
    const c = new Cluster(deployment(4, "nginx:1", { strategy: { type: "Recreate" } }));
    c.settle();
    c.setImage("nginx:2");
    c.settle(() => {
      const images = new Set(c.world.pods().map((p) => p.spec?.containers[0].image));
      expect(images.size).toBeLessThanOrEqual(1);
    });
    expect(c.pods()).toHaveLength(4);
    expect(c.pods().every((p) => p.spec?.containers[0].image === "nginx:2")).toBe(true);
  });
});

describe("rollout undo, restart, pause, scale", () => {
  it("undo (the template of an old ReplicaSet again) reuses that ReplicaSet and raises its revision", () => {
    const c = new Cluster(deployment(3, "nginx:1"));
    c.settle();
    const first = c.sets()[0];
    c.setImage("nginx:2");
    c.settle();
    // kubectl rollout undo: the old ReplicaSet's template without pod-template-hash.
    c.setImage("nginx:1");
    c.settle();
    expect(c.sets()).toHaveLength(2);
    const reused = c.world.get<ReplicaSet>(RS, "default", first.metadata.name)!;
    expect(reused.metadata.uid).toBe(first.metadata.uid);
    expect(reused.spec?.replicas).toBe(3);
    expect(c.revisionOf(reused)).toBe("3");
    expect(reused.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(c.d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
  });

  it("restart (a template annotation) rolls out a new ReplicaSet; change-cause is copied for history", () => {
    const c = new Cluster(deployment(2, "nginx:1"));
    c.settle();
    c.world.edit<Deployment>(DEP, "default", "web", (d) => {
      d.spec!.template!.metadata!.annotations = { "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:05:00Z" };
      d.metadata.annotations = { ...d.metadata.annotations, "kubernetes.io/change-cause": "restart" };
    });
    c.settle();
    const newest = c.sets().find((r) => c.revisionOf(r) === "2")!;
    expect(newest.spec?.replicas).toBe(2);
    expect(newest.metadata.annotations?.["kubernetes.io/change-cause"]).toBe("restart");
  });

  it("paused: no rollout, Progressing DeploymentPaused, scaling still applies; resume rolls", () => {
    const c = new Cluster(deployment(2, "nginx:1"));
    c.settle();
    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.paused = true));
    c.setImage("nginx:2");
    for (let i = 0; i < 5; i++) c.round();
    expect(c.sets()).toHaveLength(1);
    expect(c.d.status?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({ status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" });
    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.replicas = 4));
    for (let i = 0; i < 5; i++) c.round();
    expect(c.pods()).toHaveLength(4);
    expect(c.pods().every((p) => p.spec?.containers[0].image === "nginx:1")).toBe(true);

    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.paused = false));
    c.reconcileDeployment();
    // Resumed, and in the same pass the new ReplicaSet is created.
    expect(c.d.status?.conditions?.find((x) => x.type === "Progressing")?.reason).toBe("NewReplicaSetCreated");
    c.settle();
    expect(c.pods().every((p) => p.spec?.containers[0].image === "nginx:2")).toBe(true);
  });

  it("scales proportionally mid-rollout", () => {
    const c = new Cluster(deployment(10, "nginx:1", { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    c.settle();
    c.setImage("nginx:2");
    c.reconcileDeployment(); // new RS at 3, old at 10 (13 = 10 + surge)
    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.replicas = 20));
    c.reconcileDeployment();
    const sizes = c.sets().map((r) => [c.revisionOf(r), r.spec?.replicas]).sort();
    // 23 allowed: old 10 → round(10·23/13) = 18, new takes the 2 left of the 10 added.
    expect(sizes).toEqual([["1", 18], ["2", 5]]);
    expect(c.sets().every((r) => r.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"] === "20")).toBe(true);
  });

  it("scales down and up with no rollout", () => {
    const c = new Cluster(deployment(5, "nginx:1"));
    c.settle();
    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.replicas = 2));
    c.settle();
    expect(c.pods()).toHaveLength(2);
    c.world.edit<Deployment>(DEP, "default", "web", (d) => (d.spec!.replicas = 6));
    c.settle();
    expect(c.pods()).toHaveLength(6);
    expect(c.sets()).toHaveLength(1);
  });

  it("a deleted pod is replaced", () => {
    const c = new Cluster(deployment(3, "nginx:1"));
    c.settle();
    const victim = c.pods()[0].metadata.name;
    c.world.remove("pods", "default", victim);
    c.settle();
    expect(c.pods()).toHaveLength(3);
    expect(c.pods().map((p) => p.metadata.name)).not.toContain(victim);
  });

  it("keeps revisionHistoryLimit old ReplicaSets", () => {
    const c = new Cluster(deployment(1, "v0", { revisionHistoryLimit: 2 }));
    c.settle();
    for (const v of ["v1", "v2", "v3", "v4"]) {
      c.setImage(v);
      c.settle();
    }
    for (let i = 0; i < 3; i++) c.round();
    expect(c.sets().map((r) => c.revisionOf(r)).sort()).toEqual(["3", "4", "5"]);
  });
});

describe("progress deadline", () => {
  it("reports ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds", () => {
    const c = new Cluster(deployment(2, "nginx:1", { progressDeadlineSeconds: 30 }));
    c.settle();
    c.setImage("broken");
    const neverReady = (p: Stored<Pod>) => p.spec?.containers[0].image === "broken";
    c.round(undefined, neverReady);
    const requeue = c.plans.at(-1)!.requeue?.[0];
    const cond = c.d.status?.conditions?.find((x) => x.type === "Progressing")!;
    expect(requeue?.at).toBe(Date.parse(cond.lastUpdateTime!) + 31_000);
    for (let i = 0; i < 40; i++) c.round(undefined, neverReady);
    expect(c.d.status?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
    });
    expect(c.d.status?.conditions?.find((x) => x.type === "Progressing")?.message).toMatch(/^ReplicaSet "web-\w+" has timed out progressing\.$/);
    // Availability was kept: the old pods still serve.
    expect(c.available()).toBeGreaterThanOrEqual(2);
  });
});
