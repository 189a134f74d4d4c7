/**
 * The node lifecycle controller's pure core, after kube-controller-manager's `nodelifecycle`
 * (health monitoring) and its taint-eviction controller:
 * - a node whose Lease in `kube-node-lease` (or, lacking one, its `Ready` heartbeat) is older than
 *   the grace period (40 s, `--node-monitor-grace-period`) gets `Ready` and the pressure
 *   conditions set to `Unknown`, a `NodeNotReady` event, and its pods' `Ready` condition set False
 *   (upstream `MarkPodsNotReady`);
 * - taints follow `Ready`: Unknown → `node.kubernetes.io/unreachable`, False →
 *   `node.kubernetes.io/not-ready`, each as NoSchedule and NoExecute (the NoExecute one with
 *   `timeAdded`); True → neither. So a node whose Lease is renewed again is untainted as soon as
 *   its agent writes `Ready` True: the agent must post its status again when it reconnects;
 * - pods on a node with NoExecute taints are deleted once the shortest `tolerationSeconds` of
 *   their matching tolerations has run out since the taint's `timeAdded`, at once if some taint is
 *   not tolerated, with a `TaintManagerEviction` event; the pass asks to run again at the next
 *   eviction or heartbeat deadline.
 * Upstream measures staleness by when it observed the Lease change (its own clock); here it is the
 * Lease's `renewTime`. Upstream also adds a `DisruptionTarget` condition before evicting; not here.
 */
import type { Lease, Node, Pod } from "../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import type { Action, Plan, Requeue } from "./types.js";

export const NODE_RESOURCE = "nodes";
export const POD_RESOURCE = "pods";
export const NODE_LEASE_NAMESPACE = "kube-node-lease";
export const NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";

type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];
type Toleration = NonNullable<NonNullable<Pod["spec"]>["tolerations"]>[number];
type NodeCondition = NonNullable<NonNullable<Node["status"]>["conditions"]>[number];

/** The conditions a kubelet posts; all become Unknown when it stops. */
const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

export interface NodeLifecycleInput {
  nodes: readonly Node[];
  /** Leases of `kube-node-lease`, named after their nodes. */
  leases: readonly Lease[];
  pods: readonly Pod[];
  now: Date;
  gracePeriodMs?: number;
}

export function nodeKey(node: Node): string {
  return `${NODE_RESOURCE}//${node.metadata.name ?? ""}`;
}

export function reconcileNodeLifecycle(input: NodeLifecycleInput): Plan {
  const { now } = input;
  const grace = input.gracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS;
  const actions: Action[] = [];
  const requeue: Requeue[] = [];
  for (const node of input.nodes) {
    const name = node.metadata.name ?? "";
    const lease = input.leases.find((l) => l.metadata.name === name && l.metadata.namespace === NODE_LEASE_NAMESPACE);
    const pods = input.pods.filter((p) => p.spec?.nodeName === name);
    const wake: number[] = [];

    const conditions = clone(node.status?.conditions ?? []);
    const readyBefore = node.status?.conditions?.find((c) => c.type === "Ready");
    const heartbeat = lastHeartbeat(node, lease, readyBefore);
    if (now.getTime() - heartbeat > grace) {
      markUnknown(conditions, now);
      if (!deepEqual(conditions, node.status?.conditions ?? [])) {
        actions.push({ type: "updateStatus", resource: NODE_RESOURCE, namespace: "", object: { ...node, status: { ...node.status, conditions } } });
      }
      if (readyBefore?.status === "True") {
        actions.push({ type: "event", involvedObject: node, eventType: "Normal", reason: "NodeNotReady", message: `Node ${name} status is now: NodeNotReady` });
      }
      actions.push(...markPodsNotReady(pods, now));
    } else {
      wake.push(heartbeat + grace + 1);
    }

    const readyStatus = conditions.find((c) => c.type === "Ready")?.status;
    const taints = desiredTaints(node.spec?.taints ?? [], readyStatus, now);
    if (!deepEqual(taints, node.spec?.taints ?? [])) {
      actions.push({ type: "patch", resource: NODE_RESOURCE, namespace: "", name, patch: { spec: { taints: taints.length > 0 ? taints : null } } });
    }
    actions.push(...evictPods(pods, taints, now, wake));
    if (wake.length > 0) requeue.push({ key: nodeKey(node), at: Math.min(...wake) });
  }
  return requeue.length > 0 ? { actions, requeue } : { actions };
}

/** The latest sign of life: Lease renewal, `Ready` heartbeat, or registration. */
function lastHeartbeat(node: Node, lease: Lease | undefined, ready: NodeCondition | undefined): number {
  return Math.max(
    Date.parse(lease?.spec?.renewTime ?? "") || 0,
    Date.parse(ready?.lastHeartbeatTime ?? "") || 0,
    Date.parse(node.metadata.creationTimestamp ?? "") || 0,
  );
}

function markUnknown(conditions: NodeCondition[], now: Date): void {
  for (const type of KUBELET_CONDITIONS) {
    const existing = conditions.find((c) => c.type === type);
    if (!existing) {
      conditions.push({
        type,
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        lastTransitionTime: rfc3339(now),
        lastHeartbeatTime: rfc3339(now),
      });
    } else if (existing.status !== "Unknown") {
      existing.status = "Unknown";
      existing.reason = "NodeStatusUnknown";
      existing.message = "Kubelet stopped posting node status.";
      existing.lastTransitionTime = rfc3339(now);
    }
  }
}

/** Pods on an unreachable node are not ready, whatever they last reported. */
function markPodsNotReady(pods: readonly Pod[], now: Date): Action[] {
  const actions: Action[] = [];
  for (const pod of pods) {
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    if (!ready || ready.status === "False") continue;
    const status = clone(pod.status!);
    const cond = status.conditions!.find((c) => c.type === "Ready")!;
    cond.status = "False";
    cond.lastTransitionTime = rfc3339(now);
    actions.push({ type: "updateStatus", resource: POD_RESOURCE, namespace: pod.metadata.namespace ?? "", object: { ...pod, status } });
  }
  return actions;
}

/** The node's taints with ours made to follow `Ready`; taints that stay keep their `timeAdded`. */
function desiredTaints(current: readonly Taint[], ready: string | undefined, now: Date): Taint[] {
  const ours = ready === "Unknown" ? TAINT_UNREACHABLE : ready === "False" ? TAINT_NOT_READY : undefined;
  const kept = current.filter((t) => (t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY) || t.key === ours);
  if (!ours) return kept;
  const result = [...kept];
  for (const effect of ["NoSchedule", "NoExecute"]) {
    if (result.some((t) => t.key === ours && t.effect === effect)) continue;
    result.push(effect === "NoExecute" ? { key: ours, effect, timeAdded: rfc3339(now) } : { key: ours, effect });
  }
  return result;
}

/** upstream `Toleration.ToleratesTaint`. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  if (!toleration.key) return false;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** When a pod must leave a node with these taints: now, a time, or never (undefined). */
export function evictionTime(pod: Pod, taints: readonly Taint[], now: Date): number | undefined {
  let earliest: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== "NoExecute") continue;
    const used = (pod.spec?.tolerations ?? []).filter((t) => tolerates(t, taint));
    if (used.length === 0) return now.getTime();
    const bounded = used.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined && s !== null);
    if (bounded.length === 0) continue;
    const since = Date.parse(taint.timeAdded ?? "") || now.getTime();
    const at = since + Math.max(0, Math.min(...bounded)) * 1000;
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest;
}

function evictPods(pods: readonly Pod[], taints: readonly Taint[], now: Date, wake: number[]): Action[] {
  const actions: Action[] = [];
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp || phase === "Succeeded" || phase === "Failed") continue;
    const at = evictionTime(pod, taints, now);
    if (at === undefined) continue;
    if (at > now.getTime()) {
      wake.push(at);
      continue;
    }
    const ns = pod.metadata.namespace ?? "";
    actions.push(
      { type: "delete", resource: POD_RESOURCE, namespace: ns, name: pod.metadata.name ?? "", uid: pod.metadata.uid },
      { type: "event", involvedObject: pod, eventType: "Normal", reason: "TaintManagerEviction", message: `Marking for deletion Pod ${ns}/${pod.metadata.name}` },
    );
  }
  return actions;
}
