import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../testing/builders.js";
import { HostPortTable, Snapshot, normalizedImageName } from "./node-info.js";
import { newPodInfo } from "./pod-info.js";

describe("HostPortTable", () => {
  const table = new HostPortTable();
  table.add({ ip: "0.0.0.0", protocol: "TCP", port: 80 });
  table.add({ ip: "10.0.0.1", protocol: "TCP", port: 443 });
  it("frees a port when the last pod holding it is removed", () => {
    const t = new HostPortTable();
    const port = { ip: "0.0.0.0", protocol: "TCP", port: 9000 };
    t.add(port);
    t.add(port);
    t.remove(port);
    expect(t.conflicts(port)).toBe(true);
    t.remove(port);
    expect(t.conflicts(port)).toBe(false);
  });

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

describe("Snapshot, updated in place", () => {
  const antiAffinity = {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: {} }] } },
  };

  it("removePod takes back everything addPod counted", () => {
    const s = new Snapshot({ nodes: [makeNode("a")], pods: [] });
    const p = newPodInfo(makePod("p", { cpu: "1", memory: "1Gi", hostPort: 80, owner: "rs", spec: antiAffinity }));
    s.addPod(p, "a");
    s.removePod(p, "a");
    const a = s.get("a")!;
    expect([a.pods, a.requested.milliCpu, a.requested.memory, a.nonZeroRequested.milliCpu, a.ownerCounts.size]).toEqual([[], 0, 0, 0, 0]);
    expect(a.usedPorts.conflicts({ ip: "0.0.0.0", protocol: "TCP", port: 80 })).toBe(false);
    expect([s.havePodsWithAffinity, s.havePodsWithRequiredAntiAffinity]).toEqual([[], []]);
  });

  it("keeps pods across node updates and re-adds them when a removed node returns", () => {
    const node = makeNode("a", { images: [{ names: ["nginx"], sizeBytes: 10 }] });
    const s = new Snapshot({ nodes: [node, makeNode("b", { images: [{ names: ["nginx"], sizeBytes: 10 }] })], pods: [] });
    s.addPod(newPodInfo(makePod("p", { cpu: "1", spec: antiAffinity })), "a");
    s.setNode(makeNode("a", { labels: { disk: "ssd" } }));
    expect(s.get("a")!.labels.disk).toBe("ssd");
    expect(s.get("a")!.requested.milliCpu).toBe(1000);
    expect(s.get("b")!.imageStates.get("nginx:latest")?.numNodes).toBe(1);
    s.removeNode("a");
    expect([s.get("a"), s.nodeInfos.map((n) => n.name), s.havePodsWithRequiredAntiAffinity]).toEqual([undefined, ["b"], []]);
    s.setNode(node);
    expect(s.get("a")!.pods.map((p) => p.name)).toEqual(["p"]);
    expect(s.havePodsWithRequiredAntiAffinity).toEqual([s.get("a")]);
    expect(s.get("b")!.imageStates.get("nginx:latest")?.numNodes).toBe(2);
  });

  it("counts a pod bound to a node that joins later", () => {
    const s = new Snapshot();
    s.addPod(newPodInfo(makePod("early", { cpu: "1" })), "late");
    s.setNode(makeNode("late"));
    expect(s.get("late")!.requested.milliCpu).toBe(1000);
  });
});
