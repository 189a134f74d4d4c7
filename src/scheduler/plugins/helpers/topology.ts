/** Counts per topology pair (`key=value` of a node label), shared by filtering and scoring. */
import type { Labels } from "../../internal/label-selector.js";
import type { AffinityTerm } from "../../framework/pod-info.js";
import type { PodInfo } from "../../framework/pod-info.js";

export const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

export class TopologyCounts extends Map<string, number> {
  /** Adds `delta` to the pair of `topologyKey` on a node with `labels`, if it has that label. */
  bump(labels: Labels, topologyKey: string, delta: number): void {
    if (!Object.hasOwn(labels, topologyKey)) return;
    const k = pairKey(topologyKey, labels[topologyKey]);
    const v = (this.get(k) ?? 0) + delta;
    if (v === 0) this.delete(k);
    else this.set(k, v);
  }

  count(key: string, value: string): number {
    return this.get(pairKey(key, value)) ?? 0;
  }
}

/** Upstream podMatchesAllAffinityTerms: false for no terms. */
export function matchesAllTerms(
  terms: readonly AffinityTerm[],
  pod: PodInfo,
  namespaceLabels: Labels | undefined,
  matches: (t: AffinityTerm, p: PodInfo, ns: Labels | undefined) => boolean,
): boolean {
  return terms.length > 0 && terms.every((t) => matches(t, pod, namespaceLabels));
}
