/**
 * Per-node aggregates and the snapshot of the cluster the scheduler places pods against
 * (upstream's NodeInfo, cache and Snapshot in one). Built once, then kept up to date change by
 * change: a node set or removed, a pod added or removed, in O(what changed). Assuming a pod is
 * adding it, so the next pod of a batch sees it at once.
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

/** Host ports in use on a node: `protocol/port` → IP → how many pods hold it (upstream HostPortInfo). */
export class HostPortTable {
  readonly #byPort = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    const key = `${p.protocol}/${p.port}`;
    let ips = this.#byPort.get(key);
    if (!ips) this.#byPort.set(key, (ips = new Map()));
    ips.set(p.ip, (ips.get(p.ip) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const key = `${p.protocol}/${p.port}`;
    const ips = this.#byPort.get(key);
    const held = ips?.get(p.ip);
    if (!ips || held === undefined) return;
    if (held > 1) ips.set(p.ip, held - 1);
    else if (ips.delete(p.ip) && ips.size === 0) this.#byPort.delete(key);
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

export class NodeInfo {
  node: Node;
  name: string;
  labels: Labels;
  allocatable: Allocatable;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  readonly requested: Resources = emptyResources();
  /** Requested with upstream's per-container defaults, for scoring. */
  readonly nonZeroRequested: Resources = emptyResources();
  readonly usedPorts = new HostPortTable();
  /** Images on this node, sharing the snapshot's per-image summaries. */
  readonly imageStates = new Map<string, ImageStateSummary>();
  /** Non-terminating pods per controller uid: default spreading counts in O(1). */
  readonly ownerCounts = new Map<string, number>();

  constructor(node: Node) {
    this.node = node;
    this.name = node.metadata.name ?? "";
    this.labels = node.metadata.labels ?? {};
    this.allocatable = nodeAllocatable(node);
  }

  /** A new version of the same node: its pods stay. */
  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.allocatable = nodeAllocatable(node);
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (p.hasAffinity) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(p);
    this.#account(p, 1);
  }

  /** Takes back what addPod(p) added; false if `p` is not on this node. */
  removePod(p: PodInfo): boolean {
    if (!removeFrom(this.pods, p)) return false;
    removeFrom(this.podsWithAffinity, p);
    removeFrom(this.podsWithRequiredAntiAffinity, p);
    this.#account(p, -1);
    return true;
  }

  #account(p: PodInfo, sign: 1 | -1): void {
    addInto(this.requested, p.requests, sign);
    addInto(this.nonZeroRequested, p.nonZeroRequests, sign);
    for (const port of p.hostPorts) {
      if (sign > 0) this.usedPorts.add(port);
      else this.usedPorts.remove(port);
    }
    if (p.controllerUid && !p.terminating) {
      const count = (this.ownerCounts.get(p.controllerUid) ?? 0) + sign;
      if (count > 0) this.ownerCounts.set(p.controllerUid, count);
      else this.ownerCounts.delete(p.controllerUid);
    }
  }
}

function removeFrom<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
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
  /** Every node, in the order they joined (the feasible-node search rotates over it). */
  readonly nodeInfos: NodeInfo[] = [];
  readonly #byName = new Map<string, NodeInfo>();
  /** Pods accounted per node name, also for a node not (or no longer) in the snapshot. */
  readonly #podsOn = new Map<string, Set<PodInfo>>();
  readonly #images = new Map<string, ImageStateSummary>();
  readonly #namespaceLabels = new Map<string, Labels>();
  /** Nodes with at least one pod with (anti-)affinity. */
  readonly havePodsWithAffinity: NodeInfo[] = [];
  readonly havePodsWithRequiredAntiAffinity: NodeInfo[] = [];

  constructor(input: SnapshotInput = { nodes: [], pods: [] }, podInfoOf: (pod: Pod) => PodInfo = newPodInfo) {
    for (const node of input.nodes) this.setNode(node);
    for (const ns of input.namespaces ?? []) this.setNamespace(ns);
    for (const pod of input.pods) {
      const nodeName = pod.spec?.nodeName;
      if (nodeName && !isTerminated(pod)) this.addPod(podInfoOf(pod), nodeName);
    }
  }

  get(name: string): NodeInfo | undefined {
    return this.#byName.get(name);
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.#namespaceLabels.get(namespace);
  }

  setNamespace(ns: Namespace): void {
    if (ns.metadata.name) this.#namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
  }

  removeNamespace(name: string): void {
    this.#namespaceLabels.delete(name);
  }

  /** Add a node, or replace its object; its pods (even those that came first) count on it. */
  setNode(node: Node): void {
    const name = node.metadata.name ?? "";
    let info = this.#byName.get(name);
    if (info) {
      this.#dropImages(info);
      info.setNode(node);
    } else {
      info = new NodeInfo(node);
      this.#byName.set(name, info);
      this.nodeInfos.push(info);
      for (const pod of this.#podsOn.get(name) ?? []) this.#place(info, pod);
    }
    for (const image of node.status?.images ?? []) {
      for (const raw of image.names ?? []) {
        const imageName = normalizedImageName(raw);
        if (info.imageStates.has(imageName)) continue;
        let summary = this.#images.get(imageName);
        if (!summary) this.#images.set(imageName, (summary = { size: image.sizeBytes ?? 0, numNodes: 0 }));
        summary.numNodes++;
        info.imageStates.set(imageName, summary);
      }
    }
  }

  /** The node is gone; its pods stay accounted under its name, should it come back. */
  removeNode(name: string): void {
    const info = this.#byName.get(name);
    if (!info) return;
    this.#byName.delete(name);
    removeFrom(this.nodeInfos, info);
    removeFrom(this.havePodsWithAffinity, info);
    removeFrom(this.havePodsWithRequiredAntiAffinity, info);
    this.#dropImages(info);
  }

  /** Account `pod` on `nodeName` (upstream's cache.AddPod; cache.AssumePod when not yet bound). */
  addPod(pod: PodInfo, nodeName: string): void {
    let pods = this.#podsOn.get(nodeName);
    if (!pods) this.#podsOn.set(nodeName, (pods = new Set()));
    pods.add(pod);
    const info = this.#byName.get(nodeName);
    if (info) this.#place(info, pod);
  }

  /** Stop accounting `pod` on `nodeName` (the pod is gone, finished, or its assumption ended). */
  removePod(pod: PodInfo, nodeName: string): void {
    const pods = this.#podsOn.get(nodeName);
    if (!pods?.delete(pod)) return;
    if (pods.size === 0) this.#podsOn.delete(nodeName);
    const info = this.#byName.get(nodeName);
    if (!info?.removePod(pod)) return;
    if (pod.hasAffinity && info.podsWithAffinity.length === 0) removeFrom(this.havePodsWithAffinity, info);
    if (pod.requiredAntiAffinityTerms.length > 0 && info.podsWithRequiredAntiAffinity.length === 0) {
      removeFrom(this.havePodsWithRequiredAntiAffinity, info);
    }
  }

  /** Account `pod` on a node of the snapshot now, before it is bound. */
  assume(pod: PodInfo, nodeName: string): void {
    if (!this.#byName.has(nodeName)) throw new Error(`assume: node ${nodeName} is not in the snapshot`);
    this.addPod(pod, nodeName);
  }

  #place(info: NodeInfo, pod: PodInfo): void {
    if (pod.hasAffinity && info.podsWithAffinity.length === 0) this.havePodsWithAffinity.push(info);
    if (pod.requiredAntiAffinityTerms.length > 0 && info.podsWithRequiredAntiAffinity.length === 0) {
      this.havePodsWithRequiredAntiAffinity.push(info);
    }
    info.addPod(pod);
  }

  #dropImages(info: NodeInfo): void {
    for (const [name, summary] of info.imageStates) {
      if (--summary.numNodes === 0) this.#images.delete(name);
    }
    info.imageStates.clear();
  }
}
