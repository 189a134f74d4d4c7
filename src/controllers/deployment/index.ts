/**
 * The Deployment controller's pure core, after Kubernetes' `syncDeployment`: a dispatcher
 * that branches, in upstream's order, on deletion, an empty selector, pause, a scaling event,
 * and the strategy; each branch makes at most one mutating step and the status that follows.
 */
import type { Plan } from "../types.js";
import { Pass, type DeploymentInput } from "./pass.js";
import { checkPausedConditions, syncDeploymentStatus } from "./progress.js";
import { rolloutRecreate } from "./recreate.js";
import { getReplicaSets } from "./replicasets.js";
import { rolloutRolling } from "./rolling.js";
import { isScalingEvent, sync } from "./sync.js";
import { isRollingUpdate } from "./util.js";

export { DEPLOYMENT_KIND, DEPLOYMENT_RESOURCE, type DeploymentInput } from "./pass.js";

export function reconcileDeployment(input: DeploymentInput): Plan {
  const pass = new Pass(input);
  const d = pass.deployment;
  const selector = d.spec?.selector;
  if (!selector || isEmpty(selector)) {
    pass.event("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
    pass.status.observedGeneration = d.metadata.generation ?? pass.status.observedGeneration;
    return pass.plan();
  }
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = getReplicaSets(pass, false);
    syncDeploymentStatus(pass, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    return pass.plan();
  }
  checkPausedConditions(pass);
  if (d.spec?.paused || isScalingEvent(pass)) sync(pass);
  else if (isRollingUpdate(d)) rolloutRolling(pass);
  else rolloutRecreate(pass);
  return pass.plan();
}

function isEmpty(selector: NonNullable<NonNullable<DeploymentInput["deployment"]["spec"]>["selector"]>): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
