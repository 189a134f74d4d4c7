/**
 * Resource arithmetic of the scheduler: what a pod requests and what a node offers, as plain
 * integers (millicores, bytes, counts) computed once per pod or node, never per filter call.
 */
import type { Container, Node, Pod } from "../../lib/types.js";
import { intValue, milliValue } from "../../lib/quantity.js";

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources (`nvidia.com/gpu`), hugepages and the like, in whole units. */
  scalar: Map<string, number>;
}

/** What a node offers: Resources plus the `pods` count. */
export interface Allocatable extends Resources {
  allowedPodNumber: number;
}

/** Upstream's defaults for a container without a request, used only for scoring (NonZeroRequested). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const NON_SCALAR = new Set(["cpu", "memory", "ephemeral-storage", "pods", "storage"]);

/*
 * Stored objects passed validation, so quantities parse; should one not, it counts as 0 rather
 * than failing the whole batch.
 */
function quantityMilliValue(q: string | undefined): number {
  try {
    return q === undefined ? 0 : milliValue(q);
  } catch {
    return 0;
  }
}

function quantityValue(q: string | undefined): number {
  try {
    return q === undefined ? 0 : intValue(q);
  } catch {
    return 0;
  }
}

export const emptyResources = (): Resources => ({ milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() });

function fromList(list: Record<string, string> | undefined): Resources {
  const r = emptyResources();
  for (const [name, quantity] of Object.entries(list ?? {})) {
    if (name === "cpu") r.milliCpu = quantityMilliValue(quantity);
    else if (name === "memory") r.memory = quantityValue(quantity);
    else if (name === "ephemeral-storage") r.ephemeralStorage = quantityValue(quantity);
    else if (!NON_SCALAR.has(name)) r.scalar.set(name, quantityValue(quantity));
  }
  return r;
}

export function addInto(target: Resources, r: Resources, sign = 1): void {
  target.milliCpu += sign * r.milliCpu;
  target.memory += sign * r.memory;
  target.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [name, v] of r.scalar) target.scalar.set(name, (target.scalar.get(name) ?? 0) + sign * v);
}

function maxInto(target: Resources, r: Resources): void {
  target.milliCpu = Math.max(target.milliCpu, r.milliCpu);
  target.memory = Math.max(target.memory, r.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, r.ephemeralStorage);
  for (const [name, v] of r.scalar) target.scalar.set(name, Math.max(target.scalar.get(name) ?? 0, v));
}

function copy(r: Resources): Resources {
  return { ...r, scalar: new Map(r.scalar) };
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = fromList(c.resources?.requests);
  if (nonZero) {
    const requests = c.resources?.requests ?? {};
    if (!("cpu" in requests)) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!("memory" in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * A pod's effective request, as component-helpers' PodRequests: the sum of app containers plus
 * restartable (sidecar) init containers, or the largest single init container running beside the
 * sidecars started before it, whichever is larger; plus the pod's overhead. `nonZero` fills in
 * upstream's 100m / 200Mi for containers that request nothing, as scoring does.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const total = emptyResources();
  for (const c of pod.spec?.containers ?? []) addInto(total, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === "Always") {
      addInto(total, r);
      addInto(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const running = copy(r);
      addInto(running, sidecars);
      maxInto(initMax, running);
    }
  }
  maxInto(total, initMax);
  if (pod.spec?.overhead) addInto(total, fromList(pod.spec.overhead));
  return total;
}

export function nodeAllocatable(node: Node): Allocatable {
  const list = node.status?.allocatable ?? node.status?.capacity;
  return { ...fromList(list), allowedPodNumber: quantityValue(list?.pods) };
}
