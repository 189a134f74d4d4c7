/**
 * Deployment status and progress, after upstream's `calculateStatus`, `syncRolloutStatus`,
 * `checkPausedConditions` and `requeueStuckDeployment`.
 */
import type { Deployment, ReplicaSet } from "../../lib/types.js";
import { clone } from "../../lib/json.js";
import {
  AVAILABLE,
  PROGRESSING,
  REPLICA_FAILURE,
  Reasons,
  getCondition,
  newCondition,
  putCondition,
  removeCondition,
  setCondition,
} from "./conditions.js";
import type { DeploymentStatus, Pass, WorkingSet } from "./pass.js";
import { desiredReplicas, hasProgressDeadline, maxUnavailable, sumSpecReplicas, sumStatus } from "./util.js";

/** Sets a count as the API does (`omitempty`: zero is left out). */
function setCount(status: DeploymentStatus, field: "replicas" | "updatedReplicas" | "readyReplicas" | "availableReplicas" | "unavailableReplicas", n: number): void {
  if (n === 0) delete status[field];
  else status[field] = n;
}

/** As `calculateStatus`: counts from the ReplicaSets, and the Available condition. */
export function calculateStatus(pass: Pass, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const d = pass.deployment;
  const status = clone(pass.status);
  const available = sumStatus(allRSs, "availableReplicas");
  status.observedGeneration = d.metadata.generation ?? status.observedGeneration;
  setCount(status, "replicas", sumStatus(allRSs, "replicas"));
  setCount(status, "updatedReplicas", newRS ? sumStatus([newRS], "replicas") : 0);
  setCount(status, "readyReplicas", sumStatus(allRSs, "readyReplicas"));
  setCount(status, "availableReplicas", available);
  // Negative while scaling down (more available than desired): then nothing is unavailable.
  setCount(status, "unavailableReplicas", Math.max(0, sumSpecReplicas(allRSs) - available));
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    putCondition(status, newCondition(AVAILABLE, "True", Reasons.MinimumReplicasAvailable, "Deployment has minimum availability.", pass.now));
  } else {
    putCondition(status, newCondition(AVAILABLE, "False", Reasons.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", pass.now));
  }
  return status;
}

/** As `syncDeploymentStatus` (scaling and paused passes): counts only, no progress check. */
export function syncDeploymentStatus(pass: Pass, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): void {
  pass.status = calculateStatus(pass, allRSs, newRS);
}

/** As `DeploymentComplete`: every replica updated and available, and the spec observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** As `DeploymentProgressing`: more updated, ready or available pods, or fewer old ones. */
function deploymentProgressing(old: DeploymentStatus, next: DeploymentStatus): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** When the Progressing condition runs out (epoch ms), or undefined. */
function deadlineOf(d: Deployment, status: DeploymentStatus): number | undefined {
  const cond = getCondition(status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond?.lastUpdateTime) return undefined;
  if (cond.reason === Reasons.NewReplicaSetAvailable || cond.reason === Reasons.ProgressDeadlineExceeded) return undefined;
  return Date.parse(cond.lastUpdateTime) + (d.spec?.progressDeadlineSeconds ?? 0) * 1000;
}

/**
 * As `syncRolloutStatus`: counts, then the Progressing condition — complete, progressing
 * (refreshing lastUpdateTime), or past its deadline — and the new ReplicaSet's ReplicaFailure;
 * and a requeue just after the deadline, so that a stuck rollout is reported without a poke.
 */
export function syncRolloutStatus(pass: Pass, allRSs: WorkingSet[], newRS: WorkingSet | undefined): void {
  const d = pass.deployment;
  const next = calculateStatus(pass, allRSs, newRS);
  if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
  const current = getCondition(pass.status, PROGRESSING);
  const complete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reasons.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const rsName = newRS?.metadata.name;
    if (deploymentComplete(d, next)) {
      putCondition(next, newCondition(PROGRESSING, "True", Reasons.NewReplicaSetAvailable, `ReplicaSet "${rsName}" has successfully progressed.`, pass.now));
    } else if (deploymentProgressing(pass.status, next)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition(PROGRESSING, "True", Reasons.ReplicaSetUpdated, msg, pass.now);
      // Progress refreshes lastUpdateTime even with an unchanged reason; that is what moves the deadline.
      if (current?.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(next, PROGRESSING);
      putCondition(next, cond);
    } else {
      const deadline = deadlineOf(d, next);
      if (deadline !== undefined && deadline < pass.now.getTime()) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        putCondition(next, newCondition(PROGRESSING, "False", Reasons.ProgressDeadlineExceeded, msg, pass.now));
      }
    }
  }
  const failure = newRS?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (failure) {
    putCondition(next, newCondition(REPLICA_FAILURE, failure.status as "True", failure.reason ?? "", failure.message ?? "", pass.now));
  } else {
    removeCondition(next, REPLICA_FAILURE);
  }
  pass.status = next;

  const deadline = deploymentComplete(d, next) ? undefined : deadlineOf(d, next);
  // One second past the deadline, as upstream, since "timed out" means strictly after it.
  if (deadline !== undefined) pass.requeue.push({ key: pass.key, at: Math.max(pass.now.getTime(), deadline + 1000) });
}

/** As `checkPausedConditions`: Progressing becomes DeploymentPaused / DeploymentResumed. */
export function checkPausedConditions(pass: Pass): void {
  const d = pass.deployment;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(pass.status, PROGRESSING);
  if (cond?.reason === Reasons.ProgressDeadlineExceeded) return;
  const pausedCond = cond?.reason === Reasons.DeploymentPaused;
  if (d.spec?.paused && !pausedCond) {
    setCondition(pass, PROGRESSING, "Unknown", Reasons.DeploymentPaused, "Deployment is paused");
  } else if (!d.spec?.paused && pausedCond) {
    setCondition(pass, PROGRESSING, "Unknown", Reasons.DeploymentResumed, "Deployment is resumed");
  }
}
