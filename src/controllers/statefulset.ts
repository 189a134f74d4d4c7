/**
 * The StatefulSet controller's pure core, after Kubernetes' `stateful_set_control.go`:
 * ordinal pods `<set>-<i>` with stable identity, ControllerRevisions for history, OrderedReady
 * (one pod at a time, in order up, in reverse down) or Parallel management, and rolling updates
 * in reverse ordinal order down to `partition`.
 *
 * Not modelled: `volumeClaimTemplates` (Skiff has no PersistentVolumeClaims yet),
 * `persistentVolumeClaimRetentionPolicy`, and `rollingUpdate.maxUnavailable` (alpha upstream).
 */
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet, Stored } from "../lib/types.js";
import { clone, deepEqual } from "../lib/json.js";
import type { Action, Plan, Requeue } from "./types.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  byRevision,
  maxRevision,
  newControllerRevision,
  revisionsEqual,
  templateOfRevision,
  templatePatch,
} from "./hash.js";
import {
  claim,
  controllerKey,
  controllerRefOf,
  isPodAvailable,
  isPodReady,
  isPodTerminating,
  nextAvailableAt,
  podFromTemplate,
  type OwnerKind,
} from "./pod-util.js";

export const STATEFULSET_RESOURCE = "statefulsets.apps";
export const STATEFULSET_KIND: OwnerKind = { apiVersion: "apps/v1", kind: "StatefulSet" };
export const CONTROLLER_REVISIONS_RESOURCE = "controllerrevisions.apps";
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export interface StatefulSetInput {
  statefulSet: Stored<StatefulSet>;
  /** Pods of the namespace: the set's own and orphans it may adopt. */
  pods: Stored<Pod>[];
  /** ControllerRevisions of the namespace. */
  revisions: Stored<ControllerRevision>[];
  now: Date;
}

type StatefulSetStatus = NonNullable<StatefulSet["status"]>;

/** The ordinal of a pod named `<set>-<n>`, or undefined when it is not a member. */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? "";
  if (!name.startsWith(prefix) || !/^(0|[1-9]\d*)$/.test(name.slice(prefix.length))) return undefined;
  return Number(name.slice(prefix.length));
}

const revisionOfPod = (pod: Pod) => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
const isFinished = (pod: Pod) => pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded";

/** A single-pass plan for one StatefulSet. */
export function reconcileStatefulSet(input: StatefulSetInput): Plan {
  const { statefulSet: set, now } = input;
  const ns = set.metadata.namespace!;
  const key = controllerKey(STATEFULSET_RESOURCE, set);
  const actions: Action[] = [];
  const requeue: Requeue[] = [];
  const status: StatefulSetStatus = clone(set.status ?? { replicas: 0 });
  const event = (reason: string, message: string) => actions.push({ type: "event", involvedObject: set, eventType: "Normal", reason, message });

  const claimed = claim(set, STATEFULSET_KIND, set.spec?.selector, input.pods.filter((p) => ordinalOf(set, p) !== undefined));
  for (const pod of [...claimed.adopt, ...claimed.release]) actions.push({ type: "update", resource: "pods", namespace: ns, object: pod });
  const revisions = input.revisions.filter((r) => controllerRefOf(r)?.uid === set.metadata.uid).sort(byRevision);

  // ---- revisions: the update revision is the current template; reuse an equal one ----------
  const collisionCount = status.collisionCount ?? 0;
  const candidate = newControllerRevision(set, STATEFULSET_KIND, set.spec?.template?.metadata?.labels, templatePatch(set.spec?.template), maxRevision(revisions) + 1, collisionCount);
  const equal = revisions.filter((r) => revisionsEqual(r, candidate));
  let updateRevision: ControllerRevision;
  if (equal.length > 0 && equal.at(-1) === revisions.at(-1)) {
    updateRevision = equal.at(-1)!;
  } else if (equal.length > 0) {
    // Back to an older template (a rollback): that revision becomes the newest again.
    updateRevision = { ...clone(equal.at(-1)!), revision: candidate.revision };
    actions.push({ type: "update", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: ns, object: updateRevision });
  } else if (revisions.some((r) => r.metadata.name === candidate.metadata.name) || input.revisions.some((r) => r.metadata.name === candidate.metadata.name)) {
    status.collisionCount = collisionCount + 1;
    return finish(set, status, actions, requeue);
  } else {
    updateRevision = candidate;
    actions.push({ type: "create", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: ns, object: candidate });
  }
  const currentRevision = revisions.find((r) => r.metadata.name === status.currentRevision) ?? updateRevision;
  const currentTemplate = templateOfRevision(currentRevision) ?? set.spec?.template;

  // ---- pods: slots for the wanted ordinals, the rest condemned ----------------------------
  const replicas = set.spec?.replicas ?? 1;
  const start = set.spec?.ordinals?.start ?? 0;
  const slots: (Stored<Pod> | undefined)[] = new Array(replicas).fill(undefined);
  const condemned: Stored<Pod>[] = [];
  for (const pod of claimed.owned) {
    const ord = ordinalOf(set, pod)!;
    if (ord >= start && ord < start + replicas) slots[ord - start] = pod;
    else condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!);

  Object.assign(status, countStatus(set, claimed.owned, currentRevision.metadata.name!, updateRevision.metadata.name!, now));

  const minReady = set.spec?.minReadySeconds;
  const healthy = (pod: Pod) => pod.status?.phase === "Running" && isPodAvailable(pod, minReady, now) && !isPodTerminating(pod);
  const monotonic = set.spec?.podManagementPolicy !== "Parallel";
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const rolling = (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";

  const newPod = (index: number): Pod => {
    const fromCurrent = rolling && index < partition;
    const template = (fromCurrent ? currentTemplate : set.spec?.template) ?? {};
    const revision = fromCurrent ? currentRevision : updateRevision;
    return statefulPod(set, template, start + index, revision.metadata.name!);
  };
  const deletePod = (pod: Stored<Pod>) => {
    actions.push({ type: "delete", resource: "pods", namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid });
    event("SuccessfulDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  };

  const manage = (): void => {
    if (set.metadata.deletionTimestamp) return;
    for (let i = 0; i < replicas; i++) {
      const pod = slots[i];
      if (pod && isFinished(pod)) {
        // Replaced on a later pass, once the old one is gone: the name is its identity.
        if (!isPodTerminating(pod)) deletePod(pod);
        if (monotonic) return;
        continue;
      }
      if (!pod) {
        const created = newPod(i);
        actions.push({ type: "create", resource: "pods", namespace: ns, object: created });
        event("SuccessfulCreate", `create Pod ${created.metadata.name} in StatefulSet ${set.metadata.name} successful`);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod)) return;
    }
    const firstUnhealthy = [...slots, ...condemned].find((p) => p && !healthy(p));
    for (const pod of condemned) {
      if (isPodTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && firstUnhealthy && pod !== firstUnhealthy) return;
      deletePod(pod);
      if (monotonic) return;
    }
    if (!rolling) return;
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = slots[i];
      if (!pod) return;
      if (revisionOfPod(pod) !== updateRevision.metadata.name && !isPodTerminating(pod)) {
        deletePod(pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  };
  manage();

  truncateHistory(set, revisions, claimed.owned, [currentRevision, updateRevision], actions);
  const next = nextAvailableAt(claimed.owned, minReady, now);
  if (next !== undefined) requeue.push({ key, at: next });
  return finish(set, status, actions, requeue);
}

/** The pod for ordinal `ord`: identity labels, hostname and subdomain, from `template`. */
export function statefulPod(set: Stored<StatefulSet>, template: PodTemplateSpec, ord: number, revisionName: string): Pod {
  const name = `${set.metadata.name}-${ord}`;
  const pod = podFromTemplate(template, set, STATEFULSET_KIND, { name });
  pod.metadata.labels = {
    ...pod.metadata.labels,
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ord),
    [CONTROLLER_REVISION_HASH_LABEL]: revisionName,
  };
  pod.spec = { ...pod.spec!, hostname: name };
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  return pod;
}

function countStatus(set: StatefulSet, pods: Pod[], current: string, update: string, now: Date): StatefulSetStatus {
  const created = pods.filter((p) => Boolean(p.status?.phase));
  const runningReady = created.filter((p) => p.status?.phase === "Running" && isPodReady(p));
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas: created.length,
    readyReplicas: runningReady.length,
    availableReplicas: runningReady.filter((p) => isPodAvailable(p, set.spec?.minReadySeconds, now)).length,
    currentReplicas: created.filter((p) => revisionOfPod(p) === current).length,
    updatedReplicas: created.filter((p) => revisionOfPod(p) === update).length,
    currentRevision: current,
    updateRevision: update,
  };
  // As `completeRollingUpdate`: once every pod is updated and ready, the update is current.
  const rolling = (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = update;
  }
  return status;
}

/** Delete the oldest revisions no pod uses beyond `revisionHistoryLimit`. */
function truncateHistory(set: StatefulSet, revisions: Stored<ControllerRevision>[], pods: Pod[], live: ControllerRevision[], actions: Action[]): void {
  const inUse = new Set([...pods.map(revisionOfPod), ...live.map((r) => r.metadata.name)]);
  const history = revisions.filter((r) => !inUse.has(r.metadata.name));
  const excess = history.length - (set.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT);
  for (const r of history.slice(0, Math.max(0, excess))) {
    actions.push({ type: "delete", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: r.metadata.namespace!, name: r.metadata.name, uid: r.metadata.uid });
  }
}

function finish(set: Stored<StatefulSet>, status: StatefulSetStatus, actions: Action[], requeue: Requeue[]): Plan {
  if (!deepEqual(status, set.status ?? { replicas: 0 })) {
    actions.push({ type: "updateStatus", resource: STATEFULSET_RESOURCE, namespace: set.metadata.namespace!, object: { ...set, status } });
  }
  return requeue.length > 0 ? { actions, requeue } : { actions };
}
