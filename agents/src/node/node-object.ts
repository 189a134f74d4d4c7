/**
 * The Node object as kubelet posts it: labels, capacity and allocatable, `nodeInfo`, addresses,
 * the four kubelet conditions, and the images present. Pure; conditions keep their
 * `lastTransitionTime` while their status holds.
 */
import type { Node } from "../../../src/lib/types.js";
import { isoSeconds } from "../clock.js";
import type { ImageRecord, RuntimeInfo } from "../runtime/types.js";

export const KUBELET_VERSION = "v1.32.0-skiff";
export const MAX_PODS = 110;
/** kubelet's default hard eviction threshold `memory.available<100Mi`, held back from allocatable. */
const EVICTION_RESERVE_BYTES = 100 * 1024 * 1024;
/** kubelet's `--node-status-max-images`. */
const MAX_IMAGES = 50;

type NodeStatus = NonNullable<Node["status"]>;
type NodeCondition = NonNullable<NodeStatus["conditions"]>[number];

export interface NodeFacts {
  name: string;
  hostname: string;
  nodeIP: string;
  labels: Record<string, string>;
  runtime: RuntimeInfo;
  images: ImageRecord[];
  machineID: string;
  bootID: string;
}

export function nodeLabels(f: NodeFacts): Record<string, string> {
  return {
    "kubernetes.io/hostname": f.name,
    "kubernetes.io/os": f.runtime.os,
    "kubernetes.io/arch": f.runtime.arch,
    "beta.kubernetes.io/os": f.runtime.os,
    "beta.kubernetes.io/arch": f.runtime.arch,
    ...f.labels,
  };
}

const KUBELET_CONDITIONS: Array<Omit<NodeCondition, "lastHeartbeatTime" | "lastTransitionTime">> = [
  { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" },
  { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" },
  { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" },
  { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
];

export function nodeStatus(f: NodeFacts, previous: NodeStatus | undefined, now: number): NodeStatus {
  const kib = Math.floor(f.runtime.memoryBytes / 1024);
  const allocKib = Math.max(0, Math.floor((f.runtime.memoryBytes - EVICTION_RESERVE_BYTES) / 1024));
  const conditions = KUBELET_CONDITIONS.map((c) => {
    const before = previous?.conditions?.find((p) => p.type === c.type);
    return {
      ...c,
      lastHeartbeatTime: isoSeconds(now),
      lastTransitionTime: before?.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : isoSeconds(now),
    };
  });
  const images = [...f.images]
    .filter((i) => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, MAX_IMAGES)
    .map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
  return {
    capacity: { cpu: String(f.runtime.cpus), memory: `${kib}Ki`, pods: String(MAX_PODS) },
    allocatable: { cpu: String(f.runtime.cpus), memory: `${allocKib}Ki`, pods: String(MAX_PODS) },
    conditions,
    addresses: [
      { type: "InternalIP", address: f.nodeIP },
      { type: "Hostname", address: f.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.machineID,
      bootID: f.bootID,
      kernelVersion: f.runtime.kernelVersion,
      osImage: f.runtime.osImage,
      containerRuntimeVersion: `${f.runtime.name}://${f.runtime.version}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: f.runtime.os,
      architecture: f.runtime.arch,
    },
    images,
  };
}
