/**
 * The Recreate strategy, after upstream's `recreate.go`: scale every old ReplicaSet to zero,
 * wait until none of their pods is left (so old and new never run together), then create or
 * scale up the new ReplicaSet.
 */
import type { Pass, WorkingSet } from "./pass.js";
import { deploymentComplete, syncRolloutStatus } from "./progress.js";
import { cleanupOldReplicaSets, getReplicaSets } from "./replicasets.js";
import { activeSets, sumStatus } from "./util.js";

export function rolloutRecreate(pass: Pass): void {
  const first = getReplicaSets(pass, false);
  const all = (rs: WorkingSet | undefined, old: WorkingSet[]) => (rs ? [...old, rs] : old);
  let scaledDown = false;
  for (const rs of activeSets(first.oldRSs)) scaledDown = pass.scaleIfNeeded(rs, 0) || scaledDown;
  if (scaledDown || oldPodsRunning(pass, first.oldRSs)) return syncRolloutStatus(pass, all(first.newRS, first.oldRSs), first.newRS);

  const { newRS, oldRSs } = first.newRS ? first : getReplicaSets(pass, true);
  if (newRS) pass.scaleIfNeeded(newRS, pass.replicas);
  if (deploymentComplete(pass.deployment, pass.status)) cleanupOldReplicaSets(pass, oldRSs);
  syncRolloutStatus(pass, all(newRS, oldRSs), newRS);
}

/** As `oldPodsRunning`: old ReplicaSets still count pods, or own pods not yet finished. */
function oldPodsRunning(pass: Pass, oldRSs: WorkingSet[]): boolean {
  if (sumStatus(oldRSs, "replicas") > 0) return true;
  return oldRSs.some((rs) =>
    pass.podsOf(rs).some((pod) => pod.status?.phase !== "Failed" && pod.status?.phase !== "Succeeded"),
  );
}
