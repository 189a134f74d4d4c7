/**
 * The RollingUpdate strategy, after upstream's `rolling.go`: one mutating step per pass —
 * grow the new ReplicaSet within maxSurge, else shrink old ones within maxUnavailable
 * (unhealthy replicas first) — counting AVAILABLE pods.
 */
import type { Pass, WorkingSet } from "./pass.js";
import { syncRolloutStatus, deploymentComplete } from "./progress.js";
import { cleanupOldReplicaSets, getReplicaSets } from "./replicasets.js";
import { byCreation } from "../pod-util.js";
import { maxUnavailable, newRSNewReplicas, specReplicas, sumSpecReplicas, sumStatus } from "./util.js";

export function rolloutRolling(pass: Pass): void {
  const { newRS, oldRSs } = getReplicaSets(pass, true);
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  if (newRS && reconcileNewReplicaSet(pass, all, newRS)) return syncRolloutStatus(pass, all, newRS);
  if (reconcileOldReplicaSets(pass, all, oldRSs, newRS)) return syncRolloutStatus(pass, all, newRS);
  if (deploymentComplete(pass.deployment, pass.status)) cleanupOldReplicaSets(pass, oldRSs);
  syncRolloutStatus(pass, all, newRS);
}

function reconcileNewReplicaSet(pass: Pass, all: WorkingSet[], newRS: WorkingSet): boolean {
  const replicas = pass.replicas;
  if (specReplicas(newRS) === replicas) return false;
  if (specReplicas(newRS) > replicas) return pass.scaleIfNeeded(newRS, replicas);
  return pass.scaleIfNeeded(newRS, newRSNewReplicas(pass.deployment, all, newRS));
}

/**
 * How far the old ReplicaSets may shrink: all pods, less the minimum available, less the new
 * ReplicaSet's pods that are not available yet. 10 replicas, maxUnavailable 2, maxSurge 3:
 * 13 pods, 5 of them new and unavailable → 13 − 8 − 5 = 0, nothing yet.
 */
function reconcileOldReplicaSets(pass: Pass, all: WorkingSet[], oldRSs: WorkingSet[], newRS: WorkingSet | undefined): boolean {
  if (sumSpecReplicas(oldRSs) === 0) return false;
  const minAvailable = pass.replicas - maxUnavailable(pass.deployment);
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = sumSpecReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(pass, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSets(pass, all, oldRSs);
  return cleaned + scaledDown > 0;
}

/** Scale down old replicas that are not available, oldest ReplicaSets first, up to `max`. */
function cleanupUnhealthyReplicas(pass: Pass, oldRSs: WorkingSet[], max: number): number {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= max) break;
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
    const count = Math.min(max - total, unhealthy);
    pass.scale(rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}

/** Scale down old ReplicaSets, oldest first, as far as availability above the minimum allows. */
function scaleDownOldReplicaSets(pass: Pass, all: WorkingSet[], oldRSs: WorkingSet[]): number {
  const minAvailable = pass.replicas - maxUnavailable(pass.deployment);
  const available = sumStatus(all, "availableReplicas");
  if (available <= minAvailable) return 0;
  const max = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= max) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), max - total);
    pass.scale(rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}
