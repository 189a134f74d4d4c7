import { describe, expect, it } from "vitest";
import type { Endpoints, Pod, Service } from "../lib/types.js";
import { endpointSubsets, reconcileEndpoints, LAST_CHANGE_TRIGGER_TIME } from "./endpoints.js";

const now = new Date("2025-01-01T00:00:00.123Z");

function service(spec: Partial<NonNullable<Service["spec"]>> = {}): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default", uid: "svc-uid", labels: { app: "web" } },
    spec: {
      selector: { app: "web" },
      clusterIP: "10.96.0.10",
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: 9090, protocol: "TCP" },
      ],
      ...spec,
    },
  };
}

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; httpPort?: number; labels?: Record<string, string>; deleting?: boolean; phase?: string } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels: opts.labels ?? { app: "web" },
      ...(opts.deleting ? { deletionTimestamp: "2025-01-01T00:00:30Z" } : {}),
    },
    spec: { nodeName: "n1", containers: [{ name: "c", ports: [{ name: "http", containerPort: opts.httpPort ?? 8080, protocol: "TCP" }] }] },
    status: {
      phase: opts.phase ?? "Running",
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

const ref = (name: string) => ({ kind: "Pod", namespace: "default", name, uid: `uid-${name}` });

describe("endpointSubsets", () => {
  it("groups ready and not-ready addresses by resolved ports, sorted", () => {
    const subsets = endpointSubsets(service(), [
      pod("b", "10.244.1.20"),
      pod("a", "10.244.1.3"),
      pod("c", "10.244.2.5", { ready: false }),
      pod("d", "10.244.2.9", { httpPort: 9000 }),
      pod("no-ip", undefined),
      pod("gone", "10.244.2.7", { deleting: true }),
      pod("done", "10.244.2.8", { phase: "Succeeded" }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: "10.244.1.3", nodeName: "n1", targetRef: ref("a") },
          { ip: "10.244.1.20", nodeName: "n1", targetRef: ref("b") },
        ],
        notReadyAddresses: [{ ip: "10.244.2.5", nodeName: "n1", targetRef: ref("c") }],
        ports: [
          { name: "http", port: 8080, protocol: "TCP" },
          { name: "metrics", port: 9090, protocol: "TCP" },
        ],
      },
      {
        addresses: [{ ip: "10.244.2.9", nodeName: "n1", targetRef: ref("d") }],
        ports: [
          { name: "http", port: 9000, protocol: "TCP" },
          { name: "metrics", port: 9090, protocol: "TCP" },
        ],
      },
    ]);
  });

  it("a pod without the named port serves only the other ports", () => {
    const p = pod("x", "10.244.1.1");
    p.spec!.containers[0].ports = [];
    expect(endpointSubsets(service(), [p])).toEqual([
      { addresses: [{ ip: "10.244.1.1", nodeName: "n1", targetRef: ref("x") }], ports: [{ name: "metrics", port: 9090, protocol: "TCP" }] },
    ]);
  });

  it("publishNotReadyAddresses lists unready and terminating pods as addresses", () => {
    const subsets = endpointSubsets(service({ publishNotReadyAddresses: true }), [
      pod("a", "10.244.1.1", { ready: false }),
      pod("b", "10.244.1.2", { deleting: true }),
    ]);
    expect(subsets[0].addresses?.map((a) => a.ip)).toEqual(["10.244.1.1", "10.244.1.2"]);
    expect(subsets[0].notReadyAddresses).toBeUndefined();
  });

  it("a headless Service without ports lists addresses only", () => {
    expect(endpointSubsets(service({ clusterIP: "None", ports: [] }), [pod("a", "10.244.1.1")])).toEqual([
      { addresses: [{ ip: "10.244.1.1", nodeName: "n1", targetRef: ref("a") }] },
    ]);
  });
});

describe("reconcileEndpoints", () => {
  it("creates Endpoints named after the Service, with its labels and the trigger time", () => {
    const plan = reconcileEndpoints({ services: [service()], pods: [pod("a", "10.244.1.3")], endpoints: [], now });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      type: "create",
      resource: "endpoints",
      namespace: "default",
      object: { metadata: { name: "web", namespace: "default", labels: { app: "web" }, annotations: { [LAST_CHANGE_TRIGGER_TIME]: "2025-01-01T00:00:00.123Z" } } },
    });
  });

  it("writes only when the content changed", () => {
    const pods = [pod("a", "10.244.1.3"), pod("b", "10.244.1.4")];
    const created = reconcileEndpoints({ services: [service()], pods, endpoints: [], now }).actions[0] as { object: Endpoints };
    const stored: Endpoints = { ...created.object, metadata: { ...created.object.metadata, uid: "ep-uid", resourceVersion: "5" } };
    // Same pods in another order: nothing to do.
    expect(reconcileEndpoints({ services: [service()], pods: [...pods].reverse(), endpoints: [stored], now }).actions).toEqual([]);
    // A pod turns unready: an update, compare-and-swap on what was read.
    const changed = reconcileEndpoints({ services: [service()], pods: [pods[0], pod("b", "10.244.1.4", { ready: false })], endpoints: [stored], now });
    expect(changed.actions).toHaveLength(1);
    expect(changed.actions[0]).toMatchObject({ type: "update", object: { metadata: { resourceVersion: "5", uid: "ep-uid" } } });
    expect((changed.actions[0] as { object: Endpoints }).object.subsets?.[0].notReadyAddresses?.map((a) => a.ip)).toEqual(["10.244.1.4"]);
  });

  it("ignores pods of other namespaces or labels, and Services without a selector", () => {
    const other = pod("o", "10.244.9.9", { labels: { app: "db" } });
    const elsewhere = { ...pod("e", "10.244.9.8"), metadata: { ...pod("e", "10.244.9.8").metadata, namespace: "prod" } };
    const plan = reconcileEndpoints({ services: [service()], pods: [other, elsewhere], endpoints: [], now });
    expect((plan.actions[0] as { object: Endpoints }).object.subsets).toEqual([]);
    const manual = service({ selector: undefined });
    const userEndpoints: Endpoints = { metadata: { name: "web", namespace: "default" }, subsets: [{ addresses: [{ ip: "192.168.1.5" }] }] };
    expect(reconcileEndpoints({ services: [manual], pods: [], endpoints: [userEndpoints], now }).actions).toEqual([]);
  });

  it("deletes the Endpoints it wrote once the Service is gone, not a user's", () => {
    const ours: Endpoints = { metadata: { name: "old", namespace: "default", uid: "u1", annotations: { [LAST_CHANGE_TRIGGER_TIME]: "x" } } };
    const theirs: Endpoints = { metadata: { name: "manual", namespace: "default", uid: "u2" } };
    expect(reconcileEndpoints({ services: [], pods: [], endpoints: [ours, theirs], now }).actions).toEqual([
      { type: "delete", resource: "endpoints", namespace: "default", name: "old", uid: "u1" },
    ]);
  });

  it("marks headless Services' Endpoints", () => {
    const plan = reconcileEndpoints({ services: [service({ clusterIP: "None" })], pods: [], endpoints: [], now });
    expect((plan.actions[0] as { object: Endpoints }).object.metadata.labels).toEqual({ app: "web", "service.kubernetes.io/headless": "" });
  });
});
