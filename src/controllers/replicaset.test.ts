import { describe, expect, it } from "vitest";
import type { Pod, ReplicaSet, Stored } from "../lib/types.js";
import type { Action } from "./types.js";
import { World } from "./deployment/simulator.js";
import { expect as expectOps, satisfied } from "./expectations.js";
import { BURST_REPLICAS, podsToDelete, reconcileReplicaSet, slowStartBatches, type ReplicaSetInput } from "./replicaset.js";

const T0 = new Date("2025-01-01T00:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const iso = (s: number) => at(s).toISOString().replace(/\.\d{3}Z$/, "Z");

function rs(replicas: number, extra: Partial<ReplicaSet["spec"]> = {}): Stored<ReplicaSet> {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace: "default", uid: "rs-uid", resourceVersion: "1", creationTimestamp: iso(0), generation: 2 },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      ...extra,
    },
  };
}

interface PodOpts {
  name: string;
  labels?: Record<string, string>;
  owner?: string | null;
  node?: string;
  phase?: string;
  readySince?: number;
  restarts?: number;
  created?: number;
  cost?: number;
}

function pod(o: PodOpts): Stored<Pod> {
  const owner = o.owner === undefined ? "rs-uid" : o.owner;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: o.name,
      namespace: "default",
      uid: `uid-${o.name}`,
      resourceVersion: "5",
      creationTimestamp: iso(o.created ?? 0),
      labels: o.labels ?? { app: "web", tier: "fe" },
      ...(o.cost !== undefined ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": String(o.cost) } } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: "c", image: "nginx" }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? "Running",
      conditions: o.readySince !== undefined ? [{ type: "Ready", status: "True", lastTransitionTime: iso(o.readySince) }] : [],
      containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

let n = 0;
function input(over: Partial<ReplicaSetInput>): ReplicaSetInput {
  return { replicaSet: rs(3), pods: [], expectations: {}, now: at(100), randomSuffix: () => `x${n++}`.padEnd(5, "0"), ...over };
}

const ofType = <T extends Action["type"]>(actions: Action[], type: T) =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);

describe("reconcileReplicaSet", () => {
  it("creates the missing pods from the template, owned, named <rs>-<suffix>, with events", () => {
    const plan = reconcileReplicaSet(input({ pods: [pod({ name: "web-aaaaa", readySince: 0 })] }));
    const creates = ofType(plan.actions, "create");
    expect(creates).toHaveLength(2);
    const created = creates[0].object as Pod;
    expect(created.metadata.name).toMatch(/^web-.{5}$/);
    expect(created.metadata.generateName).toBe("web-");
    expect(created.metadata.labels).toEqual({ app: "web", tier: "fe" });
    expect(created.metadata.ownerReferences).toEqual([
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true },
    ]);
    expect(created.spec?.containers[0].image).toBe("nginx");
    const events = ofType(plan.actions, "event");
    expect(events.map((e) => [e.reason, e.message])).toEqual([
      ["SuccessfulCreate", `Created pod: ${creates[0].object.metadata.name}`],
      ["SuccessfulCreate", `Created pod: ${creates[1].object.metadata.name}`],
    ]);
    expect(plan.expectations["replicasets.apps/default/web"]).toMatchObject({ add: 2, del: [] });
    expect(plan.createBatches).toEqual([1, 1]);
  });

  it("never overshoots while its creations are in flight, and acts again once they expire", () => {
    const first = reconcileReplicaSet(input({}));
    expect(ofType(first.actions, "create")).toHaveLength(3);
    // The host applied nothing visible yet: the same view must not create again.
    const second = reconcileReplicaSet(input({ expectations: first.expectations, now: at(130) }));
    expect(ofType(second.actions, "create")).toHaveLength(0);
    expect(second.requeue).toContainEqual({ key: "replicasets.apps/default/web", at: at(100).getTime() + 5 * 60_000 + 1 });
    const late = reconcileReplicaSet(input({ expectations: first.expectations, now: at(100 + 301) }));
    expect(ofType(late.actions, "create")).toHaveLength(3);
  });

  it("deletes the surplus by upstream's preference and expects those deletions by uid", () => {
    const pods = [
      pod({ name: "ready-old", node: "n1", readySince: 10, created: 1 }),
      pod({ name: "unscheduled", phase: "Pending" }),
      pod({ name: "ready-new", node: "n2", readySince: 50, created: 2 }),
      pod({ name: "notready", node: "n3" }),
    ];
    const plan = reconcileReplicaSet(input({ replicaSet: rs(1), pods }));
    const deletes = ofType(plan.actions, "delete");
    expect(deletes.map((d) => d.name)).toEqual(["unscheduled", "notready", "ready-new"]);
    expect(deletes[0].uid).toBe("uid-unscheduled");
    expect(plan.expectations["replicasets.apps/default/web"].del).toEqual(["uid-unscheduled", "uid-notready", "uid-ready-new"]);
    expect(ofType(plan.actions, "event").map((e) => e.message)).toContain("Deleted pod: notready");
  });

  it("adopts matching orphans and releases owned pods whose labels no longer match", () => {
    const pods = [
      pod({ name: "orphan", owner: null, readySince: 0 }),
      pod({ name: "relabelled", labels: { app: "other" }, readySince: 0 }),
      pod({ name: "foreign", owner: "someone-else", readySince: 0 }),
      pod({ name: "mine", readySince: 0 }),
    ];
    const plan = reconcileReplicaSet(input({ replicaSet: rs(2), pods }));
    const updates = ofType(plan.actions, "update");
    expect(updates.map((u) => u.object.metadata.name)).toEqual(["orphan", "relabelled"]);
    expect(updates[0].object.metadata.ownerReferences?.[0]).toMatchObject({ uid: "rs-uid", controller: true });
    expect(updates[1].object.metadata.ownerReferences).toEqual([]);
    expect(ofType(plan.actions, "create")).toHaveLength(0);
    expect(ofType(plan.actions, "delete")).toHaveLength(0);
  });

  it("counts status with minReadySeconds and requeues when the next pod becomes available", () => {
    const pods = [
      pod({ name: "a", readySince: 0 }),
      pod({ name: "b", readySince: 95 }),
      pod({ name: "c", labels: { app: "web" }, readySince: 90 }),
    ];
    const plan = reconcileReplicaSet(input({ replicaSet: rs(3, { minReadySeconds: 10 }), pods }));
    const [update] = ofType(plan.actions, "updateStatus");
    expect(update.object.status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 3, availableReplicas: 2, observedGeneration: 2 });
    expect(plan.requeue).toEqual([{ key: "replicasets.apps/default/web", at: at(105).getTime() }]);
  });

  it("writes no status when nothing changed", () => {
    const replicaSet = rs(1);
    replicaSet.status = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 };
    const plan = reconcileReplicaSet(input({ replicaSet, pods: [pod({ name: "a", readySince: 0 })] }));
    expect(plan.actions).toEqual([]);
  });

  it("reports a failed creation as the ReplicaFailure condition, and clears it after", () => {
    const failing = reconcileReplicaSet(input({ failure: { reason: "FailedCreate", message: "pods \"web-x\" is forbidden" } }));
    const status = ofType(failing.actions, "updateStatus")[0].object.status as ReplicaSet["status"];
    expect(status?.conditions).toEqual([
      { type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "web-x" is forbidden', lastTransitionTime: iso(100) },
    ]);
    const replicaSet = rs(0);
    replicaSet.status = { replicas: 0, observedGeneration: 2, conditions: status!.conditions };
    const healed = reconcileReplicaSet(input({ replicaSet }));
    expect(ofType(healed.actions, "updateStatus")[0].object.status).not.toHaveProperty("conditions");
  });

  it("creates at most the burst per pass", () => {
    const plan = reconcileReplicaSet(input({ replicaSet: rs(800) }));
    expect(ofType(plan.actions, "create")).toHaveLength(BURST_REPLICAS);
    expect(plan.createBatches.reduce((a, b) => a + b, 0)).toBe(BURST_REPLICAS);
  });

  it("manages no pods while being deleted, but keeps status", () => {
    const replicaSet = rs(3);
    replicaSet.metadata.deletionTimestamp = iso(50);
    const plan = reconcileReplicaSet(input({ replicaSet }));
    expect(ofType(plan.actions, "create")).toHaveLength(0);
  });
});

describe("slowStartBatches", () => {
  it.each([
    [0, []],
    [1, [1]],
    [3, [1, 2]],
    [10, [1, 2, 4, 3]],
    [16, [1, 2, 4, 8, 1]],
  ])("%i → %j", (count, batches) => {
    expect(slowStartBatches(count)).toEqual(batches);
  });
});

describe("podsToDelete ranking", () => {
  it.each<[string, PodOpts, PodOpts]>([
    ["unscheduled before scheduled", { name: "x" }, { name: "y", node: "n" }],
    ["pending before running", { name: "x", node: "n", phase: "Pending" }, { name: "y", node: "n2" }],
    ["not ready before ready", { name: "x", node: "n" }, { name: "y", node: "n2", readySince: 0 }],
    ["lower deletion cost first", { name: "x", node: "n", readySince: 0, cost: -5 }, { name: "y", node: "n2", readySince: 0 }],
    ["more recently ready first", { name: "x", node: "n", readySince: 50 }, { name: "y", node: "n2", readySince: 10 }],
    ["more restarts first", { name: "x", node: "n", readySince: 0, restarts: 4 }, { name: "y", node: "n2", readySince: 0 }],
    ["newer first", { name: "x", node: "n", readySince: 0, created: 9 }, { name: "y", node: "n2", readySince: 0, created: 1 }],
  ])("%s", (_name, first, second) => {
    expect(podsToDelete([pod(second), pod(first)], 1)[0].metadata.name).toBe("x");
    expect(podsToDelete([pod(first), pod(second)], 1)[0].metadata.name).toBe("x");
  });

  it("prefers pods doubled up on a node", () => {
    const pods = [pod({ name: "alone", node: "a", readySince: 0 }), pod({ name: "pair1", node: "b", readySince: 0 }), pod({ name: "pair2", node: "b", readySince: 0 })];
    expect(podsToDelete(pods, 1)[0].metadata.name).toMatch(/^pair/);
  });
});

describe("ReplicaSet in a simulated cluster", () => {
  function settle(world: World, steps = 20): void {
    for (let i = 0; i < steps; i++) {
      for (const set of world.list<ReplicaSet>("replicasets.apps")) {
        const plan = reconcileReplicaSet({
          replicaSet: set,
          pods: world.pods(),
          expectations: world.expectations,
          now: world.now,
          randomSuffix: world.suffix,
        });
        world.expectations = plan.expectations;
        world.apply(plan.actions);
      }
      world.step();
    }
  }
  const live = (world: World) => world.pods().filter((p) => !p.metadata.deletionTimestamp);

  it("scales up and down, and replaces a deleted pod", () => {
    const world = new World(T0);
    const { metadata: _m, ...shape } = rs(3);
    world.add("replicasets.apps", { ...shape, metadata: { name: "web", namespace: "default" } });
    settle(world);
    expect(live(world)).toHaveLength(3);
    expect(world.get<ReplicaSet>("replicasets.apps", "default", "web")?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });

    world.edit<ReplicaSet>("replicasets.apps", "default", "web", (r) => (r.spec!.replicas = 5));
    settle(world);
    expect(live(world)).toHaveLength(5);

    world.remove("pods", "default", live(world)[0].metadata.name);
    settle(world);
    expect(live(world)).toHaveLength(5);

    world.edit<ReplicaSet>("replicasets.apps", "default", "web", (r) => (r.spec!.replicas = 1));
    settle(world);
    expect(live(world)).toHaveLength(1);
    expect(world.get<ReplicaSet>("replicasets.apps", "default", "web")?.status).toMatchObject({ replicas: 1, observedGeneration: 3 });
    expect(satisfied(world.expectations, "replicasets.apps/default/web", world.now)).toBe(true);
  });
});

it("expectations helpers keep other keys", () => {
  const table = expectOps({ other: { add: 1, del: [], at: 0 } }, "k", 2, ["u"], T0);
  expect(Object.keys(table).sort()).toEqual(["k", "other"]);
});
