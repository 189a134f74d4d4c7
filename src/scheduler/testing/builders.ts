/** Small builders for scheduler tests: nodes and pods with just the fields that matter. */
import type { Node, Pod, PodSpec } from "../../lib/types.js";
import { Snapshot } from "../framework/node-info.js";
import { newPodInfo, type PodInfo } from "../framework/pod-info.js";

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  /** Ready condition status; "True" by default, `null` for no condition at all. */
  ready?: "True" | "False" | "Unknown" | null;
  images?: { names: string[]; sizeBytes: number }[];
  resourceVersion?: string;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: o.pods ?? "110", ...o.extended };
  const ready = o.ready === undefined ? "True" : o.ready;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: `node-${name}`,
      resourceVersion: o.resourceVersion ?? "1",
      labels: { "kubernetes.io/hostname": name, ...o.labels },
    },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      allocatable,
      capacity: allocatable,
      conditions: ready === null ? [] : [{ type: "Ready", status: ready }],
      images: o.images,
    },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  nodeName?: string;
  labels?: Record<string, string>;
  owner?: string;
  priority?: number;
  created?: string;
  phase?: string;
  image?: string;
  hostPort?: number;
  spec?: Partial<PodSpec>;
  resourceVersion?: string;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const namespace = o.namespace ?? "default";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: o.resourceVersion ?? "1",
      creationTimestamp: o.created ?? "2024-01-01T00:00:00Z",
      labels: o.labels,
      ownerReferences: o.owner
        ? [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.owner, uid: `rs-${o.owner}`, controller: true }]
        : undefined,
    },
    spec: {
      containers: [
        {
          name: "c",
          image: o.image ?? "nginx",
          resources: { requests },
          ports: o.hostPort ? [{ containerPort: 80, hostPort: o.hostPort }] : undefined,
        },
      ],
      nodeName: o.nodeName,
      priority: o.priority,
      ...o.spec,
    },
    status: { phase: o.phase ?? (o.nodeName ? "Running" : "Pending") },
  };
}

/** A snapshot of `nodes` with the assigned ones among `pods`, and the PodInfo of `pod`. */
export function snapshotWith(nodes: Node[], pods: Pod[] = []): Snapshot {
  return new Snapshot({ nodes, pods });
}

export const info = (pod: Pod): PodInfo => newPodInfo(pod);

/** A deterministic RNG (mulberry32), for tie-breaking in tests. */
export function seededRandom(seed = 1): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
