/**
 * The ReplicaSet controller's pure core, after Kubernetes' `pkg/controller/replicaset`:
 * claim pods (adopt matching orphans, release owned pods that no longer match), create or
 * delete pods to match `spec.replicas` when expectations allow, and compute status.
 *
 * The host records `expectations` before applying the actions, applies pod creations in the
 * slow-start `createBatches` (stopping at the first failed batch and calling
 * `creationObserved` for every creation it skips or that fails), and lowers expectations as it
 * observes pods whose controller is this ReplicaSet appear and go.
 *
 * Each `SuccessfulCreate` / `SuccessfulDelete` event directly follows the write it reports; the
 * host records it only if that write succeeded.
 */
import type { Pod, ReplicaSet, Stored } from "../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import type { Action, Plan, Requeue } from "./types.js";
import { expect, expiresAt, satisfied, type ExpectationTable } from "./expectations.js";
import {
  claim,
  controllerKey,
  createdAt,
  generateNamePrefix,
  isPodActive,
  isPodAvailable,
  isPodReady,
  matchesSelector,
  nextAvailableAt,
  podFromTemplate,
  podReadySince,
  podRestarts,
  type OwnerKind,
} from "./pod-util.js";

export const REPLICASET_RESOURCE = "replicasets.apps";
export const REPLICASET_KIND: OwnerKind = { apiVersion: "apps/v1", kind: "ReplicaSet" };
/** Most pods created or deleted in one pass, as upstream's BurstReplicas. */
export const BURST_REPLICAS = 500;
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

export interface ReplicaSetInput {
  replicaSet: Stored<ReplicaSet>;
  /** Active and inactive pods of the ReplicaSet's namespace: its own and orphans it may adopt. */
  pods: Stored<Pod>[];
  expectations: ExpectationTable;
  now: Date;
  /** Five random characters for each new pod's name (`<rs>-<suffix>`), injected by the host. */
  randomSuffix: () => string;
  /** The host's last failure applying this ReplicaSet's pod writes, reported as ReplicaFailure. */
  failure?: { reason: "FailedCreate" | "FailedDelete"; message: string };
}

export interface ReplicaSetPlan extends Plan {
  /** The expectations to persist before applying `actions`. */
  expectations: ExpectationTable;
  /** Sizes of the consecutive batches in which to apply the pod creations (1, 2, 4, …). */
  createBatches: number[];
}

/** As upstream's `slowStartBatch`: batches of 1, 2, 4, … adding up to `count`. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const batches: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); remaining > 0; size = Math.min(2 * size, remaining)) {
    batches.push(size);
    remaining -= size;
  }
  return batches;
}

export function reconcileReplicaSet(input: ReplicaSetInput): ReplicaSetPlan {
  const { replicaSet: rs, now } = input;
  const key = controllerKey(REPLICASET_RESOURCE, rs);
  const actions: Action[] = [];
  const requeue: Requeue[] = [];
  let expectations = input.expectations;
  let createBatches: number[] = [];

  const claimed = claim(rs, REPLICASET_KIND, rs.spec?.selector, input.pods.filter(isPodActive));
  for (const pod of [...claimed.adopt, ...claimed.release]) {
    actions.push({ type: "update", resource: "pods", namespace: pod.metadata.namespace!, object: pod });
  }
  const pods = claimed.owned;

  if (!rs.metadata.deletionTimestamp && satisfied(expectations, key, now)) {
    const want = rs.spec?.replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      expectations = expect(expectations, key, count, [], now);
      createBatches = slowStartBatches(count);
      const prefix = generateNamePrefix(rs.metadata.name);
      for (let i = 0; i < count; i++) {
        const pod = podFromTemplate(rs.spec!.template ?? {}, rs, REPLICASET_KIND, { name: prefix + input.randomSuffix() });
        pod.metadata.generateName = prefix;
        actions.push({ type: "create", resource: "pods", namespace: rs.metadata.namespace!, object: pod });
        actions.push(event(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`));
      }
    } else if (diff > 0) {
      const victims = podsToDelete(pods, Math.min(diff, BURST_REPLICAS));
      expectations = expect(expectations, key, 0, victims.map((p) => p.metadata.uid), now);
      for (const pod of victims) {
        actions.push({ type: "delete", resource: "pods", namespace: pod.metadata.namespace!, name: pod.metadata.name, uid: pod.metadata.uid });
        actions.push(event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`));
      }
    }
  } else {
    const at = expiresAt(expectations, key, now);
    if (at !== undefined) requeue.push({ key, at });
  }

  // Fields we do not compute are kept, so that an unknown field never makes every pass write.
  const status = { ...(rs.status ?? {}), ...calculateStatus(rs, pods, input.failure, now) };
  if (!status.conditions?.length) delete status.conditions;
  if (!deepEqual(status, rs.status ?? {})) {
    const updated = clone(rs);
    updated.status = status;
    actions.push({ type: "updateStatus", resource: REPLICASET_RESOURCE, namespace: rs.metadata.namespace!, object: updated });
  }

  // With minReadySeconds a ready pod becomes available later without any write: look again then.
  const next = nextAvailableAt(pods, rs.spec?.minReadySeconds, now);
  if (next !== undefined) requeue.push({ key, at: next });

  return { actions, requeue, expectations, createBatches };
}

type ReplicaSetStatus = NonNullable<ReplicaSet["status"]>;

/** As upstream's `calculateStatus`, over the active pods the ReplicaSet owns. */
export function calculateStatus(
  rs: ReplicaSet,
  pods: Pod[],
  failure: ReplicaSetInput["failure"],
  now: Date,
): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const fullyLabeled = pods.filter((p) => matchesSelector({ matchLabels: templateLabels }, p.metadata.labels)).length;
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, rs.spec?.minReadySeconds, now)).length;

  let conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== "ReplicaFailure" || failure);
  if (failure && !conditions.some((c) => c.type === "ReplicaFailure")) {
    conditions = [
      ...conditions,
      { type: "ReplicaFailure", status: "True", reason: failure.reason, message: failure.message, lastTransitionTime: rfc3339(now) },
    ];
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration,
    conditions,
  };
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const n = Number(pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION]);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The `count` pods to delete first, as upstream's `ActivePodsWithRanks`: unscheduled before
 * scheduled; Pending before Unknown before Running; not ready before ready; lower
 * pod-deletion-cost first; pods doubled up on a node first; more recently ready first; more
 * restarts first; newer first.
 */
export function podsToDelete<P extends Pod>(pods: P[], count: number): P[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  const sorted = [...pods].sort((a, b) => {
    const assigned = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
    if (assigned) return assigned;
    const phase = (PHASE_ORDER[a.status?.phase ?? "Pending"] ?? 0) - (PHASE_ORDER[b.status?.phase ?? "Pending"] ?? 0);
    if (phase) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready) return ready;
    const cost = deletionCost(a) - deletionCost(b);
    if (cost) return cost;
    const doubled = rank(b) - rank(a);
    if (doubled) return doubled;
    if (isPodReady(a) && isPodReady(b)) {
      const since = (podReadySince(b) ?? 0) - (podReadySince(a) ?? 0);
      if (since) return since;
    }
    const restarts = podRestarts(b) - podRestarts(a);
    if (restarts) return restarts;
    return createdAt(b) - createdAt(a);
  });
  return sorted.slice(0, count);
}

function event(rs: Stored<ReplicaSet>, eventType: "Normal" | "Warning", reason: string, message: string): Action {
  return { type: "event", involvedObject: rs, eventType, reason, message };
}
