/**
 * Per-node aggregates and the snapshot of the cluster a batch schedules against (upstream's
 * NodeInfo and Snapshot). Built once per batch in O(nodes + pods); assuming a pod updates its
 * node incrementally, so the next pod of the batch sees it at once.
 */
import type { Namespace, Node, Pod } from "../../lib/types.js";
import type { Labels } from "../internal/label-selector.js";
import type { HostPort, PodInfo } from "./pod-info.js";
import { newPodInfo } from "./pod-info.js";
import { addInto, emptyResources, nodeAllocatable, type Allocatable, type Resources } from "./resources.js";

export interface ImageStateSummary {
  readonly size: number;
  /** How many nodes of the snapshot have the image. */
  numNodes: number;
}

const WILDCARD_IP = "0.0.0.0";

/** Host ports in use on a node: `protocol/port` → IPs (upstream HostPortInfo). */
export class HostPortTable {
  readonly #byPort = new Map<string, Set<string>>();

  add(p: HostPort): void {
    const key = `${p.protocol}/${p.port}`;
    let ips = this.#byPort.get(key);
    if (!ips) this.#byPort.set(key, (ips = new Set()));
    ips.add(p.ip);
  }

  /** 0.0.0.0 conflicts with any IP on the same protocol/port, and any IP with 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    const ips = this.#byPort.get(`${p.protocol}/${p.port}`);
    if (!ips || ips.size === 0) return false;
    return p.ip === WILDCARD_IP || ips.has(WILDCARD_IP) || ips.has(p.ip);
  }
}

/** `busybox` → `busybox:latest`; names with a tag or digest are kept (upstream normalizedImageName). */
export function normalizedImageName(name: string): string {
  if (name.includes("@")) return name;
  const lastSlash = name.lastIndexOf("/");
  return name.indexOf(":", lastSlash + 1) === -1 ? `${name}:latest` : name;
}

/**
 * Parsed allocatable per Node object: the host hands the scheduler the same object every run
 * until the node changes, so a snapshot rebuild parses only nodes that changed. Read-only.
 */
const allocatableCache = new WeakMap<Node, Allocatable>();

function allocatableOf(node: Node): Allocatable {
  let a = allocatableCache.get(node);
  if (!a) allocatableCache.set(node, (a = nodeAllocatable(node)));
  return a;
}

export class NodeInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly allocatable: Allocatable;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  readonly requested: Resources = emptyResources();
  /** Requested with upstream's per-container defaults, for scoring. */
  readonly nonZeroRequested: Resources = emptyResources();
  readonly usedPorts = new HostPortTable();
  readonly imageStates = new Map<string, ImageStateSummary>();
  /** Non-terminating pods per controller uid: default spreading counts in O(1). */
  readonly ownerCounts = new Map<string, number>();

  constructor(readonly node: Node) {
    this.name = node.metadata.name ?? "";
    this.labels = node.metadata.labels ?? {};
    this.allocatable = allocatableOf(node);
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (p.hasAffinity) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(p);
    addInto(this.requested, p.requests);
    addInto(this.nonZeroRequested, p.nonZeroRequests);
    for (const port of p.hostPorts) this.usedPorts.add(port);
    if (p.controllerUid && !p.terminating) {
      this.ownerCounts.set(p.controllerUid, (this.ownerCounts.get(p.controllerUid) ?? 0) + 1);
    }
  }
}

export interface SnapshotInput {
  nodes: readonly Node[];
  /** Pods assigned to nodes (`spec.nodeName` set); others are ignored here. */
  pods: readonly Pod[];
  namespaces?: readonly Namespace[];
}

/** Phase Succeeded/Failed: the scheduler's informer leaves such pods out entirely. */
export const isTerminated = (pod: Pod): boolean =>
  pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export class Snapshot {
  readonly nodeInfos: NodeInfo[];
  readonly #byName = new Map<string, NodeInfo>();
  readonly #namespaceLabels = new Map<string, Labels>();
  /** Nodes with at least one pod with (anti-)affinity, kept up to date by assume(). */
  readonly havePodsWithAffinity: NodeInfo[] = [];
  readonly havePodsWithRequiredAntiAffinity: NodeInfo[] = [];

  constructor(input: SnapshotInput, podInfoOf: (pod: Pod) => PodInfo = newPodInfo) {
    this.nodeInfos = input.nodes.map((n) => new NodeInfo(n));
    const images = new Map<string, ImageStateSummary>();
    for (const info of this.nodeInfos) {
      this.#byName.set(info.name, info);
      for (const image of info.node.status?.images ?? []) {
        for (const raw of image.names ?? []) {
          const name = normalizedImageName(raw);
          if (info.imageStates.has(name)) continue;
          let summary = images.get(name);
          if (!summary) images.set(name, (summary = { size: image.sizeBytes ?? 0, numNodes: 0 }));
          summary.numNodes++;
          info.imageStates.set(name, summary);
        }
      }
    }
    for (const ns of input.namespaces ?? []) {
      if (ns.metadata.name) this.#namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    }
    for (const pod of input.pods) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || isTerminated(pod)) continue;
      const info = this.#byName.get(nodeName);
      if (info) this.#add(info, podInfoOf(pod));
    }
  }

  get(name: string): NodeInfo | undefined {
    return this.#byName.get(name);
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.#namespaceLabels.get(namespace);
  }

  /** Account `pod` on `nodeName` now, before it is bound, as upstream's cache.AssumePod. */
  assume(pod: PodInfo, nodeName: string): void {
    const info = this.#byName.get(nodeName);
    if (!info) throw new Error(`assume: node ${nodeName} is not in the snapshot`);
    this.#add(info, pod);
  }

  #add(info: NodeInfo, pod: PodInfo): void {
    if (pod.hasAffinity && info.podsWithAffinity.length === 0) this.havePodsWithAffinity.push(info);
    if (pod.requiredAntiAffinityTerms.length > 0 && info.podsWithRequiredAntiAffinity.length === 0) {
      this.havePodsWithRequiredAntiAffinity.push(info);
    }
    info.addPod(pod);
  }
}
