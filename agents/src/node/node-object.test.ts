import { describe, expect, it } from "vitest";
import { nodeLabels, nodeStatus, type NodeFacts } from "./node-object.js";

const facts: NodeFacts = {
  name: "node-a",
  hostname: "host-a",
  nodeIP: "10.250.0.2",
  labels: { zone: "attic" },
  runtime: { name: "docker", version: "20.10.24", cpus: 2, memoryBytes: 4 * 1024 ** 3, os: "linux", arch: "amd64", kernelVersion: "6.1.0", osImage: "Debian GNU/Linux 12" },
  images: [
    { id: "sha256:1", names: ["web-app:1.0"], sizeBytes: 2_000_000 },
    { id: "sha256:2", names: [], sizeBytes: 5 },
  ],
  machineID: "m1",
  bootID: "b1",
};
const T = Date.parse("2025-01-01T00:00:00Z");

describe("node object", () => {
  it("labels the node as kubelet does, plus --labels", () => {
    expect(nodeLabels(facts)).toMatchObject({ "kubernetes.io/hostname": "node-a", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", zone: "attic" });
  });

  it("reports capacity, allocatable, nodeInfo, addresses and the kubelet conditions", () => {
    const s = nodeStatus(facts, undefined, T);
    expect(s.capacity).toEqual({ cpu: "2", memory: "4194304Ki", pods: "110" });
    expect(s.allocatable).toEqual({ cpu: "2", memory: "4091904Ki", pods: "110" });
    expect(s.nodeInfo).toMatchObject({ containerRuntimeVersion: "docker://20.10.24", kubeletVersion: "v1.32.0-skiff", operatingSystem: "linux", architecture: "amd64" });
    expect(s.addresses).toEqual([{ type: "InternalIP", address: "10.250.0.2" }, { type: "Hostname", address: "host-a" }]);
    expect(s.conditions?.find((c) => c.type === "Ready")).toEqual({
      type: "Ready",
      status: "True",
      reason: "KubeletReady",
      message: "kubelet is posting ready status",
      lastHeartbeatTime: "2025-01-01T00:00:00Z",
      lastTransitionTime: "2025-01-01T00:00:00Z",
    });
    expect(s.images).toEqual([{ names: ["web-app:1.0"], sizeBytes: 2_000_000 }]);
  });

  it("keeps transition times across heartbeats", () => {
    const first = nodeStatus(facts, undefined, T);
    const second = nodeStatus(facts, first, T + 60_000);
    expect(second.conditions?.[3].lastTransitionTime).toBe("2025-01-01T00:00:00Z");
    expect(second.conditions?.[3].lastHeartbeatTime).toBe("2025-01-01T00:01:00Z");
  });
});
