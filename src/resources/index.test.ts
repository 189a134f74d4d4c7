import { describe, expect, it } from "vitest";
import type { KubeObject } from "../lib/types.js";
import { groups, resourceByKey, resourceByKind, resourceByPlural, resources, resourcesInGroup } from "./index.js";

const now = new Date("2024-05-01T12:00:00Z");

describe("discovery facts", () => {
  it.each([
    // group, plural, kind, namespaced, shortNames, categories, subresources
    ["", "namespaces", "Namespace", false, ["ns"], [], ["status", "finalize"]],
    ["", "nodes", "Node", false, ["no"], [], ["status"]],
    ["", "pods", "Pod", true, ["po"], ["all"], ["status", "binding", "log", "exec", "attach", "eviction"]],
    ["", "services", "Service", true, ["svc"], ["all"], ["status"]],
    ["", "endpoints", "Endpoints", true, ["ep"], [], []],
    ["", "configmaps", "ConfigMap", true, ["cm"], [], []],
    ["", "secrets", "Secret", true, [], [], []],
    ["", "events", "Event", true, ["ev"], [], []],
    ["", "serviceaccounts", "ServiceAccount", true, ["sa"], [], []],
    ["apps", "deployments", "Deployment", true, ["deploy"], ["all"], ["status", "scale"]],
    ["apps", "replicasets", "ReplicaSet", true, ["rs"], ["all"], ["status", "scale"]],
    ["apps", "statefulsets", "StatefulSet", true, ["sts"], ["all"], ["status", "scale"]],
    ["apps", "daemonsets", "DaemonSet", true, ["ds"], ["all"], ["status"]],
    ["apps", "controllerrevisions", "ControllerRevision", true, [], [], []],
    ["batch", "jobs", "Job", true, [], ["all"], ["status"]],
    ["batch", "cronjobs", "CronJob", true, ["cj"], ["all"], ["status"]],
    ["coordination.k8s.io", "leases", "Lease", true, [], [], []],
  ])("%s/%s", (group, plural, kind, namespaced, shortNames, categories, subresources) => {
    const def = resourceByPlural(group, plural);
    expect(def).toBeDefined();
    expect(resourceByKind(group, kind)).toBe(def);
    expect(def).toMatchObject({ group, version: "v1", kind, plural, namespaced });
    expect(def!.singular).toBe(kind.toLowerCase());
    expect(def!.shortNames ?? []).toEqual(shortNames);
    expect(def!.categories ?? []).toEqual(categories);
    expect(def!.subresources ?? []).toEqual(subresources);
    expect(def!.hasStatus).toBe(subresources.includes("status"));
    expect(!!def!.scale).toBe(subresources.includes("scale"));
  });

  it("serves every verb but deletecollection on namespaces", () => {
    expect(resourceByPlural("", "namespaces")!.verbs).not.toContain("deletecollection");
    expect(resources.filter((d) => d.verbs).map((d) => d.kind)).toEqual(["Namespace"]);
  });

  it("lists every kind once, grouped", () => {
    expect(resources).toHaveLength(17);
    expect(groups()).toEqual(["", "apps", "batch", "coordination.k8s.io"]);
    expect(resourcesInGroup("batch").map((d) => d.kind)).toEqual(["Job", "CronJob"]);
    expect(resourceByPlural("apps", "pods")).toBeUndefined();
    expect(resourceByKey("deployments.apps").kind).toBe("Deployment");
    expect(resourceByKey("pods").kind).toBe("Pod");
    expect(resourceByKey("leases.coordination.k8s.io").kind).toBe("Lease");
    expect(() => resourceByKey("widgets")).toThrow();
  });

  it("bumps generation on spec (and Deployment annotations) only for kinds that have one", () => {
    const generation = Object.fromEntries(resources.map((d) => [d.kind, d.generationPaths ?? ["spec"]]));
    expect(generation.Deployment).toEqual(["spec", "metadata.annotations"]);
    for (const kind of ["ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"]) expect(generation[kind]).toEqual(["spec"]);
    for (const kind of ["ConfigMap", "Secret", "Pod", "Service", "Namespace", "Node", "Event", "Lease"]) expect(generation[kind]).toEqual([]);
  });
});

describe("every kind", () => {
  const minimal = (namespaced: boolean): KubeObject => ({
    metadata: { name: "x", creationTimestamp: "2024-05-01T11:59:00Z", ...(namespaced ? { namespace: "default" } : {}) },
  });

  it.each(resources.map((d) => [d.kind, d] as const))("%s survives a minimal object and prints a full row", (_, def) => {
    const obj = minimal(def.namespaced);
    def.defaults(obj, { now });
    def.prepareForCreate?.(obj, { now });
    expect(() => def.validate(obj)).not.toThrow();
    const cells = def.table.cells(obj, now);
    expect(cells).toHaveLength(def.table.columns.length);
    const nameColumns = def.table.columns.filter((c) => c.format === "name");
    expect(nameColumns).toHaveLength(1);
    expect(cells[def.table.columns.indexOf(nameColumns[0])]).toBe("x");
    if (def.kind !== "Event") expect(def.table.columns[0]).toMatchObject({ name: "Name", format: "name", priority: 0 });
  });
});
