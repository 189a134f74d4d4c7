import { describe, expect, it } from "vitest";
import type { KubeObject, Namespace } from "../lib/types.js";
import { reconcileNamespace, type NamespaceContent } from "./namespace.js";

const now = new Date("2025-01-01T00:00:00Z");

function ns(deleting = true): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team", uid: "ns-uid", resourceVersion: "7", ...(deleting ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}) },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: deleting ? "Terminating" : "Active" },
  };
}

const item = (name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  metadata: { name, namespace: "team", uid: `uid-${name}`, ...extra },
});

describe("reconcileNamespace", () => {
  it("does nothing to a namespace that is not being deleted", () => {
    expect(reconcileNamespace({ namespace: ns(false), contents: [{ resource: "pods", objects: [item("a")] }], now }).actions).toEqual([]);
  });

  it("deletes everything in it and reports what remains", () => {
    const contents: NamespaceContent[] = [
      { resource: "pods", objects: [item("a"), item("b", { deletionTimestamp: "2025-01-01T00:00:30Z", finalizers: ["example.com/hold"] })] },
      { resource: "deployments.apps", objects: [item("web")] },
      { resource: "configmaps", objects: [] },
    ];
    const plan = reconcileNamespace({ namespace: ns(), contents, now });
    const deletes = plan.actions.filter((a) => a.type === "delete");
    expect(deletes).toEqual([
      { type: "delete", resource: "pods", namespace: "team", name: "a", uid: "uid-a", propagationPolicy: "Background" },
      { type: "delete", resource: "deployments.apps", namespace: "team", name: "web", uid: "uid-web", propagationPolicy: "Background" },
    ]);
    const status = plan.actions[0];
    expect(status.type).toBe("updateStatus");
    const conditions = (status as { object: Namespace }).object.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({
      status: "True",
      reason: "SomeResourcesRemain",
      message: "Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances",
    });
    expect(conditions.find((c) => c.type === "NamespaceFinalizersRemaining")).toMatchObject({
      status: "True",
      reason: "SomeFinalizersRemain",
      message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
    });
    expect(plan.requeue?.[0].at).toBe(now.getTime() + 5000);
  });

  it("empties then finalizes: removes the kubernetes finalizer once nothing is left", () => {
    let namespace = ns();
    let contents: NamespaceContent[] = [{ resource: "pods", objects: [item("a")] }];
    const first = reconcileNamespace({ namespace, contents, now });
    namespace = (first.actions[0] as { object: Namespace }).object;
    contents = [{ resource: "pods", objects: [] }];
    const second = reconcileNamespace({ namespace, contents, now: new Date(now.getTime() + 1000) });
    expect(second.actions).toHaveLength(1);
    expect(second.actions[0]).toMatchObject({ type: "update", resource: "namespaces", namespace: "", subresource: "finalize" });
    const finalized = (second.actions[0] as { object: Namespace }).object;
    expect(finalized.spec?.finalizers).toEqual([]);
    expect(finalized.metadata.resourceVersion).toBe("7");
    expect(second.requeue).toBeUndefined();
  });

  it("once finalized there is nothing left to do", () => {
    const done = ns();
    done.spec = { finalizers: [] };
    expect(reconcileNamespace({ namespace: done, contents: [], now }).actions).toEqual([]);
  });

  it("keeps condition transition times while nothing changes", () => {
    const contents: NamespaceContent[] = [{ resource: "pods", objects: [item("a", { deletionTimestamp: "2025-01-01T00:00:30Z" })] }];
    const first = reconcileNamespace({ namespace: ns(), contents, now });
    const namespace = (first.actions[0] as { object: Namespace }).object;
    const again = reconcileNamespace({ namespace, contents, now: new Date(now.getTime() + 60_000) });
    expect(again.actions).toEqual([]);
  });
});
