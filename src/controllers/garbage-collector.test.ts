import { describe, expect, it } from "vitest";
import type { KubeObject } from "../lib/types.js";
import { reconcileGarbage, type GcObject } from "./garbage-collector.js";
import { newControllerRef } from "./pod-util.js";
import type { Action } from "./types.js";

const controllerRef = (owner: KubeObject) => newControllerRef(owner, { apiVersion: owner.apiVersion!, kind: owner.kind! });

function obj(kind: string, name: string, owners: KubeObject[] = [], extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: kind === "Pod" ? "v1" : "apps/v1",
    kind,
    metadata: {
      name,
      namespace: "default",
      uid: `${kind}/${name}`,
      ...(owners.length ? { ownerReferences: owners.map(controllerRef) } : {}),
      ...extra,
    },
  };
}

const resourceOf: Record<string, string> = { Deployment: "deployments.apps", ReplicaSet: "replicasets.apps", Pod: "pods" };

/** Objects with the registry's deletion rules: a policy adds its finalizer, finalizers hold. */
class Cluster {
  objects = new Map<string, KubeObject>();
  constructor(objects: KubeObject[]) {
    for (const o of objects) this.objects.set(o.metadata.uid!, o);
  }
  entries(): GcObject[] {
    return [...this.objects.values()].map((object) => ({ resource: resourceOf[object.kind!], object }));
  }
  delete(uid: string, policy?: "Background" | "Foreground" | "Orphan"): void {
    const o = this.objects.get(uid);
    if (!o) return;
    const finalizers = new Set(o.metadata.finalizers ?? []);
    if (policy === "Foreground") finalizers.add("foregroundDeletion");
    if (policy === "Orphan") finalizers.add("orphan");
    if (finalizers.size === 0) this.objects.delete(uid);
    else this.objects.set(uid, { ...o, metadata: { ...o.metadata, finalizers: [...finalizers], deletionTimestamp: "2025-01-01T00:00:00Z" } });
  }
  apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.type === "delete") this.delete(a.uid!, a.propagationPolicy);
      if (a.type === "update") {
        const o = a.object;
        if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) this.objects.delete(o.metadata.uid!);
        else this.objects.set(o.metadata.uid!, o);
      }
    }
  }
  /** Run the collector until it has nothing left to do; returns the passes' actions. */
  settle(): Action[][] {
    const passes: Action[][] = [];
    for (let i = 0; i < 20; i++) {
      const { actions } = reconcileGarbage({ objects: this.entries() });
      if (actions.length === 0) return passes;
      passes.push(actions);
      this.apply(actions);
    }
    throw new Error("did not settle");
  }
  names(): string[] {
    return [...this.objects.keys()].sort();
  }
}

function deployment(): Cluster {
  const d = obj("Deployment", "web");
  const rs = obj("ReplicaSet", "web-1", [d]);
  const pods = [obj("Pod", "web-1-a", [rs]), obj("Pod", "web-1-b", [rs])];
  return new Cluster([d, rs, ...pods]);
}

describe("reconcileGarbage", () => {
  it("leaves objects whose owners exist alone", () => {
    expect(deployment().settle()).toEqual([]);
  });

  it("background: deleting the owner collects its dependents, level by level", () => {
    const cluster = deployment();
    cluster.delete("Deployment/web", "Background");
    const passes = cluster.settle();
    expect(passes.map((p) => p.map((a) => (a.type === "delete" ? `${a.name}:${a.propagationPolicy}` : a.type)))).toEqual([
      ["web-1:Background"],
      ["web-1-a:Background", "web-1-b:Background"],
    ]);
    expect(cluster.names()).toEqual([]);
  });

  it("foreground: dependents go first, then the owner's finalizer", () => {
    const cluster = deployment();
    cluster.delete("Deployment/web", "Foreground");
    const first = reconcileGarbage({ objects: cluster.entries() }).actions;
    // The ReplicaSet has dependents of its own, so it is deleted in the foreground too.
    expect(first).toEqual([
      { type: "delete", resource: "replicasets.apps", namespace: "default", name: "web-1", uid: "ReplicaSet/web-1", propagationPolicy: "Foreground" },
    ]);
    cluster.apply(first);
    const second = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(second.map((a) => (a.type === "delete" ? a.name : a.type))).toEqual(["web-1-a", "web-1-b"]);
    expect(cluster.objects.has("Deployment/web")).toBe(true);
    cluster.apply(second);
    // Pods gone: the ReplicaSet drops its finalizer; then the Deployment does.
    const third = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(third).toHaveLength(1);
    expect(third[0]).toMatchObject({ type: "update", resource: "replicasets.apps" });
    cluster.apply(third);
    expect(cluster.settle().flat().map((a) => a.type === "update" && a.object.metadata.name)).toEqual(["web"]);
    expect(cluster.names()).toEqual([]);
  });

  it("foreground does not wait for dependents without blockOwnerDeletion, but still deletes them", () => {
    const d = obj("Deployment", "web");
    const loose = obj("Pod", "loose");
    loose.metadata.ownerReferences = [{ ...controllerRef(d), blockOwnerDeletion: false }];
    const cluster = new Cluster([d, loose]);
    cluster.delete("Deployment/web", "Foreground");
    const actions = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(actions.map((a) => a.type)).toEqual(["update", "delete"]);
  });

  it("orphan: references are removed from dependents, then the owner's finalizer", () => {
    const cluster = deployment();
    cluster.delete("Deployment/web", "Orphan");
    const first = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: "update", resource: "replicasets.apps" });
    expect((first[0] as { object: KubeObject }).object.metadata.ownerReferences).toBeUndefined();
    cluster.apply(first);
    const second = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(second).toHaveLength(1);
    expect((second[0] as { object: KubeObject }).object.metadata).toMatchObject({ name: "web" });
    expect((second[0] as { object: KubeObject }).object.metadata.finalizers).toBeUndefined();
    cluster.apply(second);
    expect(cluster.settle()).toEqual([]);
    expect(cluster.names()).toEqual(["Pod/web-1-a", "Pod/web-1-b", "ReplicaSet/web-1"]);
  });

  it("a dependent with another live owner only loses the dangling reference", () => {
    const a = obj("Deployment", "a");
    const b = obj("Deployment", "b");
    const shared = obj("ReplicaSet", "shared", [a]);
    shared.metadata.ownerReferences!.push({ ...controllerRef(b), controller: false });
    const cluster = new Cluster([b, shared]);
    const actions = reconcileGarbage({ objects: cluster.entries() }).actions;
    expect(actions).toHaveLength(1);
    expect((actions[0] as { object: KubeObject }).object.metadata.ownerReferences?.map((r) => r.name)).toEqual(["b"]);
  });

  it("a reference to an owner in another namespace is dangling", () => {
    const owner = { ...obj("Deployment", "web"), metadata: { ...obj("Deployment", "web").metadata, namespace: "other" } };
    const cluster = new Cluster([owner, obj("ReplicaSet", "web-1", [owner])]);
    expect(reconcileGarbage({ objects: cluster.entries() }).actions).toMatchObject([{ type: "delete", name: "web-1" }]);
  });

  it("does not re-delete a dependent already being deleted", () => {
    const rs = obj("ReplicaSet", "gone-owner-rs", [obj("Deployment", "gone")], { deletionTimestamp: "2025-01-01T00:00:00Z", finalizers: ["x"] });
    expect(reconcileGarbage({ objects: [{ resource: "replicasets.apps", object: rs }] }).actions).toEqual([]);
  });
});
