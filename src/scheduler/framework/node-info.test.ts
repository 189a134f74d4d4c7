import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../testing/builders.js";
import { HostPortTable, Snapshot, normalizedImageName } from "./node-info.js";
import { newPodInfo } from "./pod-info.js";

describe("HostPortTable", () => {
  const table = new HostPortTable();
  table.add({ ip: "0.0.0.0", protocol: "TCP", port: 80 });
  table.add({ ip: "10.0.0.1", protocol: "TCP", port: 443 });
  it.each([
    { ip: "0.0.0.0", protocol: "TCP", port: 80, conflict: true },
    { ip: "10.0.0.9", protocol: "TCP", port: 80, conflict: true },
    { ip: "0.0.0.0", protocol: "UDP", port: 80, conflict: false },
    { ip: "10.0.0.1", protocol: "TCP", port: 443, conflict: true },
    { ip: "10.0.0.2", protocol: "TCP", port: 443, conflict: false },
    { ip: "0.0.0.0", protocol: "TCP", port: 443, conflict: true },
    { ip: "0.0.0.0", protocol: "TCP", port: 8080, conflict: false },
  ])("$protocol $ip:$port conflicts: $conflict", ({ conflict, ...port }) => {
    expect(table.conflicts(port)).toBe(conflict);
  });
});

describe("normalizedImageName", () => {
  it.each([
    ["nginx", "nginx:latest"],
    ["nginx:1.25", "nginx:1.25"],
    ["registry:5000/app", "registry:5000/app:latest"],
    ["registry:5000/app:v1", "registry:5000/app:v1"],
    ["app@sha256:abc", "app@sha256:abc"],
  ])("%s → %s", (name, want) => expect(normalizedImageName(name)).toBe(want));
});

describe("Snapshot", () => {
  it("aggregates assigned, non-terminated pods per node, and counts image spread", () => {
    const nodes = [
      makeNode("a", { images: [{ names: ["nginx:latest", "docker.io/library/nginx:latest"], sizeBytes: 100 }] }),
      makeNode("b", { images: [{ names: ["nginx"], sizeBytes: 100 }] }),
    ];
    const pods = [
      makePod("p1", { nodeName: "a", cpu: "500m", memory: "1Gi", owner: "rs" }),
      makePod("p2", { nodeName: "a", cpu: "1", phase: "Succeeded" }),
      makePod("p3", { cpu: "1" }), // pending: not on any node
      makePod("p4", { nodeName: "gone", cpu: "1" }),
    ];
    const s = new Snapshot({ nodes, pods });
    const a = s.get("a")!;
    expect(a.pods.map((p) => p.name)).toEqual(["p1"]);
    expect(a.requested.milliCpu).toBe(500);
    expect(a.ownerCounts.get("rs-rs")).toBe(1);
    expect(a.imageStates.get("nginx:latest")?.numNodes).toBe(2);
    expect(s.get("b")!.pods).toHaveLength(0);
  });

  it("assume() accounts a pod at once and tracks nodes with affinity pods", () => {
    const s = new Snapshot({ nodes: [makeNode("a")], pods: [] });
    const pod = makePod("p", {
      cpu: "1",
      hostPort: 8080,
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: {} }],
          },
        },
      },
    });
    s.assume(newPodInfo(pod), "a");
    const a = s.get("a")!;
    expect(a.requested.milliCpu).toBe(1000);
    expect(a.usedPorts.conflicts({ ip: "0.0.0.0", protocol: "TCP", port: 8080 })).toBe(true);
    expect(s.havePodsWithRequiredAntiAffinity).toEqual([a]);
    expect(s.havePodsWithAffinity).toEqual([a]);
  });
});
