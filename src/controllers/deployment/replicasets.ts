/**
 * Finding, creating and cleaning up a Deployment's ReplicaSets, after upstream's
 * `getAllReplicaSetsAndSyncRevision`, `getNewReplicaSet` and `cleanupDeployment`.
 */
import { clone } from "../../lib/json.js";
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, templatesEqualIgnoringHash } from "../hash.js";
import { newControllerRef } from "../pod-util.js";
import { setCondition, PROGRESSING, Reasons } from "./conditions.js";
import { DEPLOYMENT_KIND, type Pass, type WorkingSet } from "./pass.js";
import { hasProgressDeadline, maxRevision, newRSNewReplicas, revisionOf, setNewReplicaSetAnnotations, specReplicas } from "./util.js";

/** Kept when `revisionHistoryLimit` is unset (the apps/v1 default). */
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export interface ReplicaSets {
  /** The ReplicaSet whose template is the Deployment's, if any. */
  newRS?: WorkingSet;
  oldRSs: WorkingSet[];
}

/** As `FindNewReplicaSet`: the oldest owned ReplicaSet whose template equals the Deployment's. */
function findNewReplicaSet(pass: Pass): WorkingSet | undefined {
  const template = pass.deployment.spec?.template;
  return pass.owned().find((rs) => templatesEqualIgnoringHash(rs.spec?.template, template));
}

/**
 * The new and old ReplicaSets. The new one's revision is raised above all old ones (which is
 * how a rollback — the template of an old ReplicaSet again — reuses that ReplicaSet), and the
 * Deployment's revision annotation follows it. With `create`, a missing new ReplicaSet is
 * created, sized by the strategy.
 */
export function getReplicaSets(pass: Pass, create: boolean): ReplicaSets {
  const d = pass.deployment;
  const existing = findNewReplicaSet(pass);
  const oldRSs = pass.owned().filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    const annotationsChanged = setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const minReadySeconds = d.spec?.minReadySeconds ?? 0;
    if (annotationsChanged || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
      existing.spec = { ...existing.spec!, minReadySeconds };
      pass.touch(existing);
    }
    pass.setRevision(String(revisionOf(existing)));
    const progressing = pass.status.conditions?.find((c) => c.type === PROGRESSING);
    if (hasProgressDeadline(d) && !progressing) {
      setCondition(pass, PROGRESSING, "True", Reasons.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`);
    }
    return { newRS: existing, oldRSs };
  }
  if (!create) return { oldRSs };

  const hash = podTemplateHash(d.spec?.template, d.status?.collisionCount);
  const name = `${d.metadata.name}-${hash}`;
  if (pass.anyNamed(name)) {
    // A ReplicaSet of that name with another template: a hash collision. Count it, so the
    // next pass hashes differently (upstream's collisionCount).
    pass.status.collisionCount = (pass.status.collisionCount ?? 0) + 1;
    return { oldRSs };
  }
  const template = clone(d.spec?.template ?? {});
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const newRS: WorkingSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec!.replicas = count;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  pass.create(newRS);
  if (count > 0) pass.event("Normal", "ScalingReplicaSet", `Scaled up replica set ${name} from 0 to ${count}`);
  pass.setRevision(String(newRevision));
  if (hasProgressDeadline(d)) {
    setCondition(pass, PROGRESSING, "True", Reasons.NewReplicaSetCreated, `Created new replica set "${name}"`);
  }
  return { newRS, oldRSs };
}

/**
 * As `cleanupDeployment`: delete the oldest old ReplicaSets beyond `revisionHistoryLimit`,
 * but only those fully scaled down and observed so by their controller.
 */
export function cleanupOldReplicaSets(pass: Pass, oldRSs: WorkingSet[]): void {
  const limit = pass.deployment.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const oldestFirst = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of oldestFirst.slice(0, diff)) {
    const observed = (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || !observed || !rs.metadata.uid) continue;
    pass.deleteReplicaSet(rs);
  }
}
