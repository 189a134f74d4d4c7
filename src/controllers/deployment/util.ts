/**
 * Pure arithmetic and annotation rules of Deployments, after Kubernetes'
 * `pkg/controller/deployment/util/deployment_util.go`: fenceposts, the size of the new
 * ReplicaSet, proportions, revisions, and the replica-count annotations.
 */
import type { Deployment, ReplicaSet } from "../../lib/types.js";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
const ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to";
const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
/** Annotations of a Deployment that are not copied to its ReplicaSets. */
const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);
/** Upper bound on the length of the revision-history annotation, as upstream's default. */
const REVISION_HISTORY_LIMIT_CHARS = 2000;
/** `progressDeadlineSeconds: MaxInt32` means "no deadline". */
const NO_DEADLINE = 2147483647;

type IntOrString = number | string | undefined;

export function desiredReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== NO_DEADLINE;
}

/** As `intstr.GetScaledValueFromIntOrPercent`: "25%" of 10 is 3 rounded up, 2 rounded down. */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  if (value === undefined) return 0;
  if (value.endsWith("%")) {
    const exact = (Number.parseInt(value.slice(0, -1), 10) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return Number.parseInt(value, 10) || 0;
}

/**
 * As `ResolveFenceposts`: maxSurge rounds up, maxUnavailable rounds down, and both 0 would
 * deadlock, so maxUnavailable becomes 1. With the API defaults (25%/25%):
 *   desired 10 → surge 3, unavailable 2;  desired 1 → surge 1, unavailable 0.
 */
export function resolveFenceposts(maxSurge: IntOrString, maxUnavailable: IntOrString, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? "25%", desired, true);
  const unavailable = scaledValue(maxUnavailable ?? "25%", desired, false);
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d))[0];
}

export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas)[1], replicas);
}

// ---- replica counts -------------------------------------------------------------------------

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0;

export function sumSpecReplicas(sets: ReplicaSet[]): number {
  return sets.reduce((n, rs) => n + specReplicas(rs), 0);
}

export function sumStatus(sets: ReplicaSet[], field: "replicas" | "readyReplicas" | "availableReplicas"): number {
  return sets.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
}

export function activeSets<T extends ReplicaSet>(sets: (T | undefined)[]): T[] {
  return sets.filter((rs): rs is T => rs !== undefined && specReplicas(rs) > 0);
}

/**
 * As `NewRSNewReplicas` for RollingUpdate: grow the new ReplicaSet as far as the surge
 * allows. 10 desired, maxSurge 3, 11 pods in all RSs, new RS at 4 → min(13 − 11, 10 − 4) → 6.
 */
export function newRSNewReplicas(d: Deployment, allSets: ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const maxTotal = replicas + maxSurge(d);
  const current = sumSpecReplicas(allSets);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, replicas - specReplicas(newRS));
}

/** As `IsSaturated`: the new RS is at full size, for this size, and all of it is available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
  const replicas = desiredReplicas(d);
  return desired === replicas && specReplicas(rs) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/**
 * As `GetProportion`: the share of `toAdd` that falls to `rs`, sized by what it had when the
 * Deployment was last at full size (the max-replicas annotation), never beyond what is left.
 */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (replicas === 0) return -specReplicas(rs);
  const deploymentReplicas = replicas + maxSurge(d);
  const annotated = Number.parseInt(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? "", 10);
  const base = Number.isNaN(annotated) || annotated <= 0 ? (d.status?.replicas ?? 0) : annotated;
  if (base <= 0) return 0;
  // Go's math.Round rounds half away from zero, as Math.round does for positive values.
  return Math.round((specReplicas(rs) * deploymentReplicas) / base) - specReplicas(rs);
}

// ---- revisions and annotations --------------------------------------------------------------

export function revisionOf(rs: ReplicaSet): number {
  const n = Number.parseInt(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? "", 10);
  return Number.isNaN(n) ? 0 : n;
}

export function maxRevision(sets: ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** Sets the desired / max replica annotations; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  const want = { [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
  let changed = false;
  for (const [k, v] of Object.entries(want)) {
    if (annotations[k] !== v) {
      annotations[k] = v;
      changed = true;
    }
  }
  return changed;
}

/**
 * As `SetNewReplicaSetAnnotations`: copy the Deployment's own annotations (e.g.
 * `kubernetes.io/change-cause`, which `rollout history` shows), raise the revision, keep the
 * revisions it had before in revision-history (a rollback), and size annotations on creation.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldText = annotations[REVISION_ANNOTATION];
  const old = revisionOf(rs);
  if (old < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldText) {
      const history = annotations[REVISION_HISTORY_ANNOTATION] ? annotations[REVISION_HISTORY_ANNOTATION].split(",") : [];
      history.push(oldText);
      while (history.length > 1 && history.join(",").length > REVISION_HISTORY_LIMIT_CHARS) history.shift();
      annotations[REVISION_HISTORY_ANNOTATION] = history.join(",");
    }
  }
  if (!exists) {
    const replicas = desiredReplicas(d);
    if (setReplicasAnnotations(rs, replicas, replicas + maxSurge(d))) changed = true;
  }
  return changed;
}

/** Sort by size, larger first; ties newer first (scaling up) or older first (scaling down). */
export function bySize(newerFirst: boolean) {
  return (a: ReplicaSet, b: ReplicaSet): number => {
    const size = specReplicas(b) - specReplicas(a);
    if (size) return size;
    const ta = a.metadata.creationTimestamp ?? "";
    const tb = b.metadata.creationTimestamp ?? "";
    const age = newerFirst ? tb.localeCompare(ta) : ta.localeCompare(tb);
    return age || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
  };
}
