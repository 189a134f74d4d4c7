import { describe, expect, it } from "vitest";
import type { Deployment, Endpoints, Job, KubeObject, Node, Pod, StatefulSet } from "../../src/lib/types.js";
import { applyWatchEvent, type WatchEvent } from "../../ui/src/informer.js";
import { collectionPath, kinds } from "../../ui/src/kinds.js";
import {
  deploymentRollout,
  endpointAddresses,
  formatBytes,
  formatCpu,
  jobRollout,
  nodeReady,
  podRequests,
  podsByPhase,
  podTone,
  requestedOn,
  statefulSetRollout,
} from "../../ui/src/model.js";
import { splitLines } from "../../ui/src/ndjson.js";

const meta = (name: string, extra: Partial<KubeObject["metadata"]> = {}) => ({ name, namespace: "default", ...extra });

describe("watch plumbing", () => {
  it("splits NDJSON and keeps the unfinished line", () => {
    expect(splitLines('{"a":1}\n\n{"b":2}\n{"c"')).toEqual({ lines: ['{"a":1}', '{"b":2}'], rest: '{"c"' });
  });

  it("folds events into the cache and asks for a relist on 410", () => {
    const items = new Map<string, KubeObject>();
    const ev = (type: WatchEvent["type"], name: string, rv: string): WatchEvent => ({ type, object: { metadata: meta(name, { resourceVersion: rv }) } });
    expect(applyWatchEvent(items, ev("ADDED", "a", "5"))).toBe("5");
    expect(applyWatchEvent(items, ev("MODIFIED", "a", "6"))).toBe("6");
    expect(items.get("default/a")?.metadata.resourceVersion).toBe("6");
    expect(applyWatchEvent(items, { type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } })).toBe("9");
    expect(applyWatchEvent(items, ev("DELETED", "a", "10"))).toBe("10");
    expect(items.size).toBe(0);
    expect(applyWatchEvent(items, { type: "ERROR", object: { metadata: {}, kind: "Status", code: 410, reason: "Expired" } })).toBe("relist");
    expect(() => applyWatchEvent(items, { type: "ERROR", object: { metadata: {}, kind: "Status", code: 500, message: "boom" } })).toThrow("boom");
  });

  it.each([
    [kinds.pods, "default", "/api/v1/namespaces/default/pods"],
    [kinds.pods, "", "/api/v1/pods"],
    [kinds.nodes, "default", "/api/v1/nodes"],
    [kinds.deployments, "a b", "/apis/apps/v1/namespaces/a%20b/deployments"],
    [kinds.leases, "kube-node-lease", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"],
  ])("collection path of %o in %j", (type, ns, path) => {
    expect(collectionPath(type, ns)).toBe(path);
  });
});

describe("figures", () => {
  const pod = (name: string, phase: string, node?: string, requests?: Record<string, string>): Pod => ({
    metadata: meta(name),
    spec: { nodeName: node, containers: [{ name: "c", image: "i", resources: { requests } }] },
    status: { phase },
  });

  it("counts pods by phase", () => {
    expect(podsByPhase([pod("a", "Running"), pod("b", "Running"), pod("c", "Pending"), pod("d", "Weird")])).toEqual({ Running: 2, Pending: 1, Succeeded: 0, Failed: 0, Unknown: 1 });
  });

  it("sums what non-terminated pods on a node request; init containers count by their maximum", () => {
    const node: Node = { metadata: { name: "n1" } };
    const withInit: Pod = { ...pod("i", "Running", "n1", { cpu: "100m" }), spec: { nodeName: "n1", containers: [{ name: "c", resources: { requests: { cpu: "100m" } } }], initContainers: [{ name: "init", resources: { requests: { cpu: "1", memory: "64Mi" } } }] } };
    expect(podRequests(withInit)).toEqual({ cpuMilli: 1000, memoryBytes: 64 * 1024 * 1024, pods: 1 });
    const r = requestedOn(node, [pod("a", "Running", "n1", { cpu: "250m", memory: "128Mi" }), pod("b", "Succeeded", "n1", { cpu: "1" }), pod("c", "Running", "n2", { cpu: "1" }), withInit]);
    expect(r).toEqual({ cpuMilli: 1250, memoryBytes: 192 * 1024 * 1024, pods: 2 });
  });

  it("counts sidecar init containers (restartPolicy: Always) on top of the app containers, as the scheduler does", () => {
    const withSidecar: Pod = {
      ...pod("s", "Running", "n1"),
      spec: {
        nodeName: "n1",
        containers: [{ name: "app", resources: { requests: { cpu: "500m", memory: "128Mi" } } }],
        initContainers: [
          { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "100m", memory: "64Mi" } } },
          { name: "migrate", resources: { requests: { cpu: "200m" } } },
        ],
      },
    };
    expect(podRequests(withSidecar)).toEqual({ cpuMilli: 600, memoryBytes: 192 * 1024 * 1024, pods: 1 });
  });

  it("reads node readiness", () => {
    expect(nodeReady({ metadata: { name: "n" }, status: { conditions: [{ type: "Ready", status: "True" }] } })).toBe("True");
    expect(nodeReady({ metadata: { name: "n" } })).toBe("Unknown");
  });

  it.each([
    ["Running", "ok"],
    ["Completed", "idle"],
    ["ContainerCreating", "warn"],
    ["Init:0/1", "warn"],
    ["CrashLoopBackOff", "bad"],
    ["ErrImagePull", "bad"],
  ])("pod status %s is %s", (status, tone) => {
    expect(podTone(status)).toBe(tone);
  });

  it("formats CPU and memory for people", () => {
    expect([formatCpu(250), formatCpu(2000), formatCpu(1500)]).toEqual(["250m", "2", "1.5"]);
    expect([formatBytes(512), formatBytes(128 * 1024 * 1024), formatBytes(1.5 * 1024 ** 3)]).toEqual(["512 B", "128 MiB", "1.5 GiB"]);
  });
});

describe("rollout state, as kubectl rollout status says it", () => {
  const deployment = (status: Deployment["status"], generation = 2): Deployment => ({ metadata: meta("web", { generation }), spec: { replicas: 3, selector: {}, template: {} }, status });

  it.each([
    [{ observedGeneration: 1 }, "Waiting", "Waiting for the deployment spec update to be observed"],
    [{ observedGeneration: 2, replicas: 3, updatedReplicas: 1 }, "Rolling", "1 out of 3 new replicas have been updated"],
    [{ observedGeneration: 2, replicas: 4, updatedReplicas: 3 }, "Rolling", "1 old replicas are pending termination"],
    [{ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }, "Rolling", "2 of 3 updated replicas are available"],
    [{ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3 }, "Complete", "successfully rolled out"],
    [{ observedGeneration: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] }, "Failed", 'deployment "web" exceeded its progress deadline'],
  ])("Deployment %j → %s", (status, state, detail) => {
    const r = deploymentRollout(deployment(status as Deployment["status"]));
    expect([r.state, r.detail]).toEqual([state, detail]);
  });

  it("StatefulSet waits for ready pods, then for the update revision", () => {
    const ss = (status: StatefulSet["status"]): StatefulSet => ({ metadata: meta("db", { generation: 1 }), spec: { replicas: 2, selector: {}, serviceName: "db", template: {} }, status });
    expect(statefulSetRollout(ss({ observedGeneration: 1, replicas: 2, readyReplicas: 1 })).detail).toBe("Waiting for 1 pods to be ready");
    expect(statefulSetRollout(ss({ observedGeneration: 1, replicas: 2, readyReplicas: 2, currentRevision: "a", updateRevision: "b", updatedReplicas: 1 })).state).toBe("Rolling");
    expect(statefulSetRollout(ss({ observedGeneration: 1, replicas: 2, readyReplicas: 2, currentRevision: "b", updateRevision: "b" })).state).toBe("Complete");
  });

  it("Job: Complete, Failed with its reason, or running", () => {
    const job = (status: Job["status"]): Job => ({ metadata: meta("j"), spec: { template: {} }, status });
    expect(jobRollout(job({ succeeded: 1, conditions: [{ type: "Complete", status: "True" }] })).state).toBe("Complete");
    expect(jobRollout(job({ failed: 6, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] })).detail).toMatch(/^BackoffLimitExceeded/);
    expect(jobRollout(job({ active: 1 })).state).toBe("Running");
  });
});

it("lists endpoints, ready addresses first", () => {
  const ep: Endpoints = {
    metadata: meta("web"),
    subsets: [{ addresses: [{ ip: "10.244.0.5", targetRef: { name: "web-1" } }], notReadyAddresses: [{ ip: "10.244.0.6" }], ports: [{ port: 80, protocol: "TCP" }] }],
  };
  expect(endpointAddresses(ep)).toEqual([
    { ip: "10.244.0.5", ports: "80", ready: true, target: "web-1" },
    { ip: "10.244.0.6", ports: "80", ready: false, target: undefined },
  ]);
});
