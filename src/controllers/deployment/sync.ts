/**
 * Scaling passes and paused Deployments, after upstream's `sync`, `scale` and
 * `isScalingEvent`: a change of `replicas` is spread over the ReplicaSets in proportion to
 * their size rather than hastening (or undoing) a rollout in progress.
 */
import { byCreation } from "../pod-util.js";
import type { Pass, WorkingSet } from "./pass.js";
import { syncDeploymentStatus } from "./progress.js";
import { cleanupOldReplicaSets, getReplicaSets } from "./replicasets.js";
import {
  DESIRED_REPLICAS_ANNOTATION,
  activeSets,
  bySize,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  proportion,
  specReplicas,
  sumSpecReplicas,
} from "./util.js";

/** As `isScalingEvent`: an active ReplicaSet was sized for another `replicas`. */
export function isScalingEvent(pass: Pass): boolean {
  const { newRS, oldRSs } = getReplicaSets(pass, false);
  return activeSets([newRS, ...oldRSs]).some((rs) => {
    const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    return desired !== undefined && Number(desired) !== pass.replicas;
  });
}

/** As `sync`: scale, clean up history when paused, and update status. */
export function sync(pass: Pass): void {
  const { newRS, oldRSs } = getReplicaSets(pass, false);
  scale(pass, newRS, oldRSs);
  if (pass.deployment.spec?.paused) cleanupOldReplicaSets(pass, oldRSs);
  syncDeploymentStatus(pass, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
}

/** As `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is active. */
function activeOrLatest(newRS: WorkingSet | undefined, oldRSs: WorkingSet[]): WorkingSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * As `scale`. With 10 → 15 replicas (maxSurge 3) mid-rollout, old RS at 8 and new at 5
 * (max-replicas 13): 5 more to place, old gets round(8·18/13) − 8 = 3, new gets the other 2.
 */
export function scale(pass: Pass, newRS: WorkingSet | undefined, oldRSs: WorkingSet[]): void {
  const d = pass.deployment;
  const single = activeOrLatest(newRS, oldRSs);
  if (single) {
    pass.scaleIfNeeded(single, pass.replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeSets(oldRSs)) pass.scaleIfNeeded(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const all = activeSets([...oldRSs, newRS]);
  const allowed = pass.replicas > 0 ? pass.replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(all);
  // Scaling up, the newer of two equal ReplicaSets grows first; scaling down, the older shrinks first.
  if (toAdd !== 0) all.sort(bySize(toAdd > 0));
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of all) {
    const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs.metadata.name, specReplicas(rs) + share);
    added += share;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs.metadata.name)!;
    // Leftovers of the rounding go to the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    pass.scale(rs, size);
  });
}
