/** Taints and tolerations, as component-helpers' corev1 helpers. */
import type * as k8s from "@kubernetes/client-node";
import type { Wire } from "../../../lib/types.js";

export type Taint = Wire<k8s.V1Taint>;
export type Toleration = Wire<k8s.V1Toleration>;

/** Upstream Toleration.ToleratesTaint: empty key with Exists tolerates every taint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "Equal") {
    case "Equal":
    case "":
      return (t.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

export const tolerated = (tolerations: readonly Toleration[], taint: Taint): boolean =>
  tolerations.some((t) => toleratesTaint(t, taint));

/** The first taint with one of `effects` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: ReadonlySet<string>,
): Taint | undefined {
  return taints.find((taint) => effects.has(taint.effect) && !tolerated(tolerations, taint));
}
