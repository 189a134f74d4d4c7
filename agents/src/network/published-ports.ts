/**
 * The container ports a node publishes on its host address for nodes that cannot route to its
 * pod CIDR. Pure: from this node's pods (their IPs and declared `containerPort`s) and the
 * previous assignment, a host port for each, stable while the pod keeps its IP, taken from a
 * range below Linux's ephemeral ports (32768–60999) and outside the NodePort range.
 */
import type { Pod } from "../../../src/lib/types.js";
import { publishedKey } from "./topology.js";

export interface PortRange {
  first: number;
  last: number;
}

export const DEFAULT_PUBLISHED_RANGE: PortRange = { first: 20000, last: 29999 };

export interface Publication {
  podIP: string;
  port: number;
  protocol: string;
  hostPort: number;
}

/** `ip:port/protocol` of every declared container port of the running pods that have an IP. */
export function podPorts(pods: readonly Pod[]): string[] {
  const keys = new Set<string>();
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || pod.spec?.hostNetwork || phase === "Succeeded" || phase === "Failed") continue;
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) keys.add(publishedKey(ip, p.containerPort, p.protocol ?? "TCP"));
    }
  }
  return [...keys].sort();
}

/**
 * Host ports for `keys`: kept from `previous` where they were assigned, new ones the lowest free
 * in `range`. Keys beyond the range's capacity are left out.
 */
export function assignHostPorts(keys: readonly string[], previous: ReadonlyMap<string, number>, range: PortRange = DEFAULT_PUBLISHED_RANGE): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const k of keys) {
    const p = previous.get(k);
    if (p !== undefined && p >= range.first && p <= range.last && !used.has(p)) {
      out.set(k, p);
      used.add(p);
    }
  }
  let next = range.first;
  for (const k of keys) {
    if (out.has(k)) continue;
    while (used.has(next) && next <= range.last) next++;
    if (next > range.last) break;
    out.set(k, next);
    used.add(next);
  }
  return out;
}

export function publications(assigned: ReadonlyMap<string, number>): Publication[] {
  return [...assigned].map(([key, hostPort]) => {
    const m = /^(.*):(\d+)\/(\w+)$/.exec(key)!;
    return { podIP: m[1], port: Number(m[2]), protocol: m[3], hostPort };
  });
}
