import { describe, expect, it } from "vitest";
import type { ControllerRevision, Pod, StatefulSet, Stored } from "../lib/types.js";
import type { Action } from "./types.js";
import { World } from "./deployment/simulator.js";
import { CONTROLLER_REVISIONS_RESOURCE, STATEFULSET_RESOURCE, reconcileStatefulSet } from "./statefulset.js";

const T0 = new Date("2025-01-01T00:00:00Z");

function statefulSet(replicas: number, spec: Partial<NonNullable<StatefulSet["spec"]>> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "default" },
    spec: {
      replicas,
      serviceName: "db-headless",
      selector: { matchLabels: { app: "db" } },
      template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "c", image: "pg:1" }] } },
      ...spec,
    },
  };
}

class Cluster {
  readonly world = new World(T0);
  /** Every pod write, in order: "+db-0", "-db-2". */
  readonly log: string[] = [];
  constructor(s: StatefulSet) {
    this.world.add(STATEFULSET_RESOURCE, s);
  }
  get set(): Stored<StatefulSet> {
    return this.world.get<StatefulSet>(STATEFULSET_RESOURCE, "default", "db")!;
  }
  live(): Stored<Pod>[] {
    return this.world.pods().filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }
  round(unready?: (p: Stored<Pod>) => boolean): Action[] {
    const plan = reconcileStatefulSet({
      statefulSet: this.set,
      pods: this.world.pods(),
      revisions: this.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE),
      now: this.world.now,
    });
    for (const a of plan.actions) {
      if (a.type === "create" && a.resource === "pods") this.log.push(`+${a.object.metadata.name}`);
      if (a.type === "delete" && a.resource === "pods") this.log.push(`-${a.name}`);
    }
    this.world.apply(plan.actions);
    this.world.step(1, unready);
    return plan.actions;
  }
  settle(rounds = 30): void {
    for (let i = 0; i < rounds; i++) this.round();
  }
  edit(change: (s: Stored<StatefulSet>) => void): void {
    this.world.edit<StatefulSet>(STATEFULSET_RESOURCE, "default", "db", change);
  }
  image(pod: Pod): string | undefined {
    return pod.spec?.containers[0].image;
  }
}

describe("reconcileStatefulSet", () => {
  it("gives pods their identity: name, labels, hostname, subdomain, owner", () => {
    const c = new Cluster(statefulSet(1));
    const actions = c.round();
    const create = actions.find((a) => a.type === "create" && a.resource === "pods") as Extract<Action, { type: "create" }>;
    const pod = create.object as Pod;
    const revision = c.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE)[0];
    expect(pod.metadata.name).toBe("db-0");
    expect(pod.metadata.labels).toEqual({
      app: "db",
      "statefulset.kubernetes.io/pod-name": "db-0",
      "apps.kubernetes.io/pod-index": "0",
      "controller-revision-hash": revision.metadata.name,
    });
    expect(pod.spec).toMatchObject({ hostname: "db-0", subdomain: "db-headless" });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: "StatefulSet", name: "db", controller: true });
    expect(revision.metadata.name).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    expect(revision.revision).toBe(1);
    expect((revision.data as { spec: { template: { $patch: string } } }).spec.template.$patch).toBe("replace");
    expect(actions.find((a) => a.type === "event")).toMatchObject({ reason: "SuccessfulCreate", message: "create Pod db-0 in StatefulSet db successful" });
  });

  it("OrderedReady: comes up in order, each after the previous is Running and Ready", () => {
    const c = new Cluster(statefulSet(3));
    // db-1 is held not ready for a while: db-2 must wait for it.
    for (let i = 0; i < 6; i++) c.round((p) => p.metadata.name === "db-1");
    expect(c.live().map((p) => p.metadata.name)).toEqual(["db-0", "db-1"]);
    c.settle();
    expect(c.log).toEqual(["+db-0", "+db-1", "+db-2"]);
    expect(c.set.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
  });

  it("OrderedReady scales down in reverse, one at a time", () => {
    const c = new Cluster(statefulSet(4));
    c.settle();
    c.log.length = 0;
    c.edit((s) => (s.spec!.replicas = 1));
    const first = c.round();
    expect(first.filter((a) => a.type === "delete" && a.resource === "pods")).toHaveLength(1);
    c.settle();
    expect(c.log).toEqual(["-db-3", "-db-2", "-db-1"]);
    expect(c.live().map((p) => p.metadata.name)).toEqual(["db-0"]);
  });

  it("Parallel creates and deletes all at once", () => {
    const c = new Cluster(statefulSet(3, { podManagementPolicy: "Parallel" }));
    c.round();
    expect(c.log).toEqual(["+db-0", "+db-1", "+db-2"]);
    c.edit((s) => (s.spec!.replicas = 0));
    c.round();
    expect(c.log.slice(3).sort()).toEqual(["-db-0", "-db-1", "-db-2"]);
  });

  it("rolling update in reverse ordinal order honouring partition, then the rest", () => {
    const c = new Cluster(statefulSet(4, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } }));
    c.settle();
    const oldRevision = c.set.status?.currentRevision;
    c.log.length = 0;
    c.edit((s) => (s.spec!.template!.spec!.containers[0].image = "pg:2"));
    c.settle();
    expect(c.log).toEqual(["-db-3", "+db-3", "-db-2", "+db-2"]);
    expect(c.live().map((p) => c.image(p))).toEqual(["pg:1", "pg:1", "pg:2", "pg:2"]);
    expect(c.set.status).toMatchObject({ currentRevision: oldRevision, currentReplicas: 2, updatedReplicas: 2 });
    expect(c.set.status?.updateRevision).not.toBe(oldRevision);

    c.edit((s) => (s.spec!.updateStrategy!.rollingUpdate!.partition = 0));
    c.settle();
    expect(c.log.slice(4)).toEqual(["-db-1", "+db-1", "-db-0", "+db-0"]);
    expect(c.set.status).toMatchObject({ currentRevision: c.set.status?.updateRevision, currentReplicas: 4, updatedReplicas: 4 });
  });

  it("below the partition, a replaced pod keeps the current revision", () => {
    const c = new Cluster(statefulSet(2, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }));
    c.settle();
    c.edit((s) => (s.spec!.template!.spec!.containers[0].image = "pg:2"));
    c.settle();
    c.world.remove("pods", "default", "db-0");
    c.settle();
    expect(c.live().map((p) => [p.metadata.name, c.image(p)])).toEqual([["db-0", "pg:1"], ["db-1", "pg:2"]]);
  });

  it("a deleted or failed pod comes back with the same name", () => {
    const c = new Cluster(statefulSet(2));
    c.settle();
    const oldUid = c.live()[1].metadata.uid;
    c.world.get<Pod>("pods", "default", "db-1")!.status = { phase: "Failed" };
    c.settle();
    expect(c.live().map((p) => p.metadata.name)).toEqual(["db-0", "db-1"]);
    expect(c.live()[1].metadata.uid).not.toBe(oldUid);
  });

  it("a rollback reuses the older revision, and history is truncated", () => {
    const c = new Cluster(statefulSet(1, { revisionHistoryLimit: 1 }));
    c.settle();
    const first = c.set.status?.updateRevision;
    for (const image of ["pg:2", "pg:3", "pg:1"]) {
      c.edit((s) => (s.spec!.template!.spec!.containers[0].image = image));
      c.settle();
    }
    expect(c.set.status?.updateRevision).toBe(first);
    const revisions = c.world.list<ControllerRevision>(CONTROLLER_REVISIONS_RESOURCE);
    expect(revisions.find((r) => r.metadata.name === first)?.revision).toBe(4);
    expect(revisions).toHaveLength(2);
  });

  it("writes nothing once settled", () => {
    const c = new Cluster(statefulSet(2));
    c.settle();
    expect(c.round()).toEqual([]);
  });
});
