/**
 * NodeResourcesFit: the pod's effective request plus what the node's pods already request must
 * fit the node's allocatable cpu, memory, ephemeral storage, extended resources and pod count;
 * scoring prefers the least allocated nodes (the default LeastAllocated strategy).
 */
import type { FilterPlugin, PluginFactory, ScorePlugin } from "../../framework/interface.js";
import type { NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { SUCCESS, status } from "../../framework/status.js";
import { names } from "../names.js";
import { DEFAULT_RESOURCES, leastAllocatedScorer, scoreResourceAllocation } from "./resource-allocation.js";

export const Name = names.NodeResourcesFit;

export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  /** The request exceeds the node's whole allocatable: no eviction could make room. */
  readonly unresolvable: boolean;
}

function check(out: InsufficientResource[], resourceName: string, requested: number, used: number, capacity: number): void {
  if (requested > 0 && requested > capacity - used) {
    out.push({ resourceName, reason: `Insufficient ${resourceName}`, requested, used, capacity, unresolvable: requested > capacity });
  }
}

/** What does not fit, in upstream's order: pods, cpu, memory, ephemeral-storage, extended (by name). */
export function fitsRequest(pod: PodInfo, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  if (node.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({
      resourceName: "pods",
      reason: "Too many pods",
      requested: 1,
      used: node.pods.length,
      capacity: alloc.allowedPodNumber,
      unresolvable: false,
    });
  }
  const req = pod.requests;
  check(out, "cpu", req.milliCpu, node.requested.milliCpu, alloc.milliCpu);
  check(out, "memory", req.memory, node.requested.memory, alloc.memory);
  check(out, "ephemeral-storage", req.ephemeralStorage, node.requested.ephemeralStorage, alloc.ephemeralStorage);
  if (req.scalar.size > 0) {
    for (const name of [...req.scalar.keys()].sort()) {
      check(out, name, req.scalar.get(name)!, node.requested.scalar.get(name) ?? 0, alloc.scalar.get(name) ?? 0);
    }
  }
  return out;
}

export const New: PluginFactory = (): FilterPlugin & ScorePlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeAllocatableUpdate", "AssignedPodDelete"],
  filter(_state, pod, node) {
    const insufficient = fitsRequest(pod, node);
    if (insufficient.length === 0) return SUCCESS;
    const code = insufficient.some((r) => r.unresolvable) ? "UnschedulableAndUnresolvable" : "Unschedulable";
    return status(code, ...insufficient.map((r) => r.reason));
  },
  score(_state, pod, node) {
    return scoreResourceAllocation(pod, node, DEFAULT_RESOURCES, false, leastAllocatedScorer);
  },
});
