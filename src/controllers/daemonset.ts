/**
 * The DaemonSet controller's pure core, after Kubernetes' `pkg/controller/daemon`: one pod per
 * eligible node (nodeSelector, required node affinity, taints against tolerations), placed
 * through required node affinity on the node's name so that the scheduler binds it; pods
 * removed from nodes that left or no longer qualify; RollingUpdate within maxUnavailable or
 * maxSurge; ControllerRevisions for history; expectations as the ReplicaSet controller's.
 *
 * Each `SuccessfulCreate` / `SuccessfulDelete` event directly follows the write it reports; the
 * host records it only if that write succeeded.
 */
import type { ControllerRevision, DaemonSet, Node, Pod, PodTemplateSpec, Stored } from "../lib/types.js";
import { clone, deepEqual } from "../lib/json.js";
import type { Action, Plan, Requeue } from "./types.js";
import { expect, expiresAt, satisfied, type ExpectationTable } from "./expectations.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  REVISION_HASH_LABEL,
  byRevision,
  maxRevision,
  newControllerRevision,
  revisionsEqual,
  templatePatch,
} from "./hash.js";
import {
  byCreation,
  claim,
  controllerKey,
  controllerRefOf,
  generateNamePrefix,
  isPodAvailable,
  isPodReady,
  isPodTerminating,
  nextAvailableAt,
  podFromTemplate,
  type OwnerKind,
} from "./pod-util.js";
import { BURST_REPLICAS, slowStartBatches } from "./replicaset.js";
import { CONTROLLER_REVISIONS_RESOURCE } from "./statefulset.js";
import { scaledValue } from "./deployment/util.js";

export const DAEMONSET_RESOURCE = "daemonsets.apps";
export const DAEMONSET_KIND: OwnerKind = { apiVersion: "apps/v1", kind: "DaemonSet" };
export const POD_TEMPLATE_GENERATION_LABEL = "pod-template-generation";
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export interface DaemonSetInput {
  daemonSet: Stored<DaemonSet>;
  nodes: Stored<Node>[];
  /** Pods of the namespace: the DaemonSet's own and orphans it may adopt. */
  pods: Stored<Pod>[];
  /** ControllerRevisions of the namespace. */
  revisions: Stored<ControllerRevision>[];
  expectations: ExpectationTable;
  now: Date;
  randomSuffix: () => string;
}

export interface DaemonSetPlan extends Plan {
  /** The expectations to persist before applying `actions`. */
  expectations: ExpectationTable;
  /** Sizes of the consecutive batches in which to apply the pod creations (1, 2, 4, …). */
  createBatches: number[];
}

type Toleration = NonNullable<NonNullable<Pod["spec"]>["tolerations"]>[number];
type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];
type NodeSelectorTerm = NonNullable<NonNullable<NonNullable<NonNullable<Pod["spec"]>["affinity"]>["nodeAffinity"]>["requiredDuringSchedulingIgnoredDuringExecution"]>["nodeSelectorTerms"][number];
type DaemonSetStatus = NonNullable<DaemonSet["status"]>;

// ---- eligibility ----------------------------------------------------------------------------

/** The tolerations every DaemonSet pod gets, as upstream's `AddOrUpdateDaemonPodTolerations`. */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key: `node.kubernetes.io/${key}`, operator: "Exists", effect });
  const list = [
    t("not-ready", "NoExecute"),
    t("unreachable", "NoExecute"),
    t("disk-pressure", "NoSchedule"),
    t("memory-pressure", "NoSchedule"),
    t("pid-pressure", "NoSchedule"),
    t("unschedulable", "NoSchedule"),
  ];
  if (hostNetwork) list.push(t("network-unavailable", "NoSchedule"));
  return list;
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

function untolerated(taints: Taint[], tolerations: Toleration[], effects: string[]): boolean {
  return taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const fieldValues: Record<string, string | undefined> = { "metadata.name": node.metadata.name };
  const ok = (req: { key: string; operator: string; values?: string[] }, value: string | undefined) => {
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        return value !== undefined && values.includes(value);
      case "NotIn":
        return value === undefined || !values.includes(value);
      case "Exists":
        return value !== undefined;
      case "DoesNotExist":
        return value === undefined;
      case "Gt":
      case "Lt": {
        const have = Number.parseInt(value ?? "", 10);
        const want = Number.parseInt(values[0] ?? "", 10);
        if (Number.isNaN(have) || Number.isNaN(want)) return false;
        return req.operator === "Gt" ? have > want : have < want;
      }
      default:
        return false;
    }
  };
  return exprs.every((r) => ok(r, labels[r.key])) && fields.every((r) => ok(r, fieldValues[r.key]));
}

/**
 * As `NodeShouldRunDaemonPod`: whether a daemon pod should be placed on the node, and whether
 * one already there may stay (a NoSchedule taint keeps new pods off but lets running ones be;
 * an untolerated NoExecute taint evicts).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec?.template?.spec;
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec?.nodeName && spec.nodeName !== node.metadata.name) return no;
  const labels = node.metadata.labels ?? {};
  if (!Object.entries(spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return no;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => matchesTerm(t, node))) return no;
  const tolerations = [...(spec?.tolerations ?? []), ...daemonTolerations(Boolean(spec?.hostNetwork))];
  const taints = node.spec?.taints ?? [];
  if (untolerated(taints, tolerations, ["NoSchedule", "NoExecute"])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ["NoExecute"]) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The node a daemon pod is for: bound, or named by its required node affinity. */
export function targetNodeOf(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const field = term.matchFields?.find((f) => f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1);
    if (field) return field.values![0];
  }
  return undefined;
}

/** The template for a node: automatic tolerations, and affinity to that node's name only. */
export function daemonPodTemplate(ds: DaemonSet, nodeName: string, hash: string): PodTemplateSpec {
  const template = clone(ds.spec?.template ?? {});
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash, [POD_TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
  };
  const spec = (template.spec ??= { containers: [] });
  const tolerations = spec.tolerations ?? [];
  for (const t of daemonTolerations(Boolean(spec.hostNetwork))) {
    if (!tolerations.some((have) => have.key === t.key && have.effect === t.effect)) tolerations.push(t);
  }
  spec.tolerations = tolerations;
  const terms = [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }];
  spec.affinity = {
    ...(spec.affinity ?? {}),
    nodeAffinity: {
      ...(spec.affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
    },
  };
  return template;
}

// ---- reconcile ------------------------------------------------------------------------------

export function reconcileDaemonSet(input: DaemonSetInput): DaemonSetPlan {
  const { daemonSet: ds, now } = input;
  const ns = ds.metadata.namespace!;
  const key = controllerKey(DAEMONSET_RESOURCE, ds);
  const actions: Action[] = [];
  const requeue: Requeue[] = [];
  let expectations = input.expectations;
  let createBatches: number[] = [];
  const status: DaemonSetStatus = clone(ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });

  const claimed = claim(ds, DAEMONSET_KIND, ds.spec?.selector, input.pods);
  for (const pod of [...claimed.adopt, ...claimed.release]) actions.push({ type: "update", resource: "pods", namespace: ns, object: pod });

  // ---- history ----
  const revisions = input.revisions.filter((r) => controllerRefOf(r)?.uid === ds.metadata.uid).sort(byRevision);
  const candidate = newControllerRevision(ds, DAEMONSET_KIND, ds.spec?.template?.metadata?.labels, templatePatch(ds.spec?.template), maxRevision(revisions) + 1, status.collisionCount);
  const equal = revisions.filter((r) => revisionsEqual(r, candidate)).at(-1);
  let current: ControllerRevision;
  if (equal) {
    current = equal;
    if (equal !== revisions.at(-1)) {
      current = { ...clone(equal), revision: candidate.revision };
      actions.push({ type: "update", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: ns, object: current });
    }
  } else if (input.revisions.some((r) => r.metadata.name === candidate.metadata.name)) {
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    return finish(ds, status, actions, requeue, expectations, createBatches);
  } else {
    current = candidate;
    current.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] = current.metadata.labels![REVISION_HASH_LABEL];
    actions.push({ type: "create", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: ns, object: current });
  }
  const hash = current.metadata.labels?.[REVISION_HASH_LABEL] ?? current.metadata.name!.slice(ds.metadata.name.length + 1);

  // ---- pods by node ----
  const nodes = [...input.nodes].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const nodeNames = new Set(nodes.map((n) => n.metadata.name));
  const byNode = new Map<string, Stored<Pod>[]>();
  const toDelete: Stored<Pod>[] = [];
  for (const pod of claimed.owned) {
    const node = targetNodeOf(pod);
    if (!node || !nodeNames.has(node)) {
      // Its node left (or it names none): nothing will ever run it.
      if (!isPodTerminating(pod)) toDelete.push(pod);
      continue;
    }
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const eligibility = new Map(nodes.map((n) => [n.metadata.name, nodeShouldRunDaemonPod(n, ds)]));
  const isUpdated = (pod: Pod) => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
  const minReady = ds.spec?.minReadySeconds;
  const available = (pod: Pod) => isPodAvailable(pod, minReady, now);
  const rolling = (ds.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
  const desired = nodes.filter((n) => eligibility.get(n.metadata.name)!.shouldRun).length;
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  let maxSurge = rolling ? scaledValue(ru?.maxSurge ?? 0, desired, true) : 0;
  let maxUnavailable = rolling ? scaledValue(ru?.maxUnavailable ?? 1, desired, true) : 0;
  if (rolling && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (!rolling) maxSurge = 0;

  const toCreate: string[] = [];
  if (!ds.metadata.deletionTimestamp && satisfied(expectations, key, now)) {
    // As `podsShouldBeOnNode`.
    for (const node of nodes) {
      const name = node.metadata.name;
      const { shouldRun, shouldContinueRunning } = eligibility.get(name)!;
      const pods = byNode.get(name) ?? [];
      const live = pods.filter((p) => !isPodTerminating(p));
      if (shouldRun && pods.length === 0) toCreate.push(name);
      if (!shouldContinueRunning) {
        toDelete.push(...live);
        continue;
      }
      const running: Stored<Pod>[] = [];
      for (const pod of live) {
        if (pod.status?.phase === "Failed") toDelete.push(pod);
        else running.push(pod);
      }
      running.sort(byCreation);
      // Duplicates: keep the oldest; while surging, the oldest updated one as well.
      const keep = new Set<Stored<Pod>>(running.slice(0, 1));
      if (maxSurge > 0) {
        const updated = running.find(isUpdated);
        const old = running.find((p) => !isUpdated(p));
        keep.clear();
        if (updated) keep.add(updated);
        if (old) keep.add(old);
      }
      for (const pod of running) if (!keep.has(pod)) toDelete.push(pod);
    }

    if (toCreate.length === 0 && toDelete.length === 0 && rolling) {
      const update = rollingUpdate(nodes, byNode, eligibility, isUpdated, available, maxSurge, maxUnavailable);
      toCreate.push(...update.create);
      toDelete.push(...update.remove);
    }
    const creates = toCreate.slice(0, BURST_REPLICAS);
    const deletes = toDelete.slice(0, BURST_REPLICAS);
    expectations = expect(expectations, key, creates.length, deletes.map((p) => p.metadata.uid), now);
    createBatches = slowStartBatches(creates.length);
    for (const nodeName of creates) {
      const prefix = generateNamePrefix(ds.metadata.name);
      const pod = podFromTemplate(daemonPodTemplate(ds, nodeName, hash), ds, DAEMONSET_KIND, { name: prefix + input.randomSuffix() });
      pod.metadata.generateName = prefix;
      actions.push({ type: "create", resource: "pods", namespace: ns, object: pod });
      actions.push({ type: "event", involvedObject: ds, eventType: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${pod.metadata.name}` });
    }
    for (const pod of deletes) {
      actions.push({ type: "delete", resource: "pods", namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid });
      actions.push({ type: "event", involvedObject: ds, eventType: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${pod.metadata.name}` });
    }
  } else {
    const at = expiresAt(expectations, key, now);
    if (at !== undefined) requeue.push({ key, at });
  }

  truncateHistory(ds, revisions, claimed.owned, current, actions);
  Object.assign(status, countStatus(ds, nodes, byNode, eligibility, isUpdated, available));
  const next = nextAvailableAt(claimed.owned, minReady, now);
  if (next !== undefined) requeue.push({ key, at: next });
  return finish(ds, status, actions, requeue, expectations, createBatches);
}

/**
 * As upstream's `rollingUpdate`. Without surge: delete old pods that are unavailable, and
 * available ones while fewer than maxUnavailable nodes lack an available daemon pod. With
 * surge: start an updated pod next to an old one on up to maxSurge nodes, and delete the old
 * pod once the new one is available.
 */
function rollingUpdate(
  nodes: Stored<Node>[],
  byNode: Map<string, Stored<Pod>[]>,
  eligibility: Map<string, { shouldRun: boolean }>,
  isUpdated: (p: Pod) => boolean,
  available: (p: Pod) => boolean,
  maxSurge: number,
  maxUnavailable: number,
): { create: string[]; remove: Stored<Pod>[] } {
  const create: string[] = [];
  const remove: Stored<Pod>[] = [];
  const candidates: Stored<Pod>[] = [];
  let count = 0; // unavailable nodes (no surge) or surging nodes (surge)
  for (const node of nodes) {
    const name = node.metadata.name;
    const pods = (byNode.get(name) ?? []).filter((p) => !isPodTerminating(p));
    if (!eligibility.get(name)!.shouldRun && pods.length === 0) continue;
    const fresh = pods.filter(isUpdated);
    const old = pods.filter((p) => !isUpdated(p));
    if (fresh.length > 1 || old.length > 1) {
      count++;
      continue;
    }
    const [newPod, oldPod] = [fresh[0], old[0]];
    if (maxSurge === 0) {
      if (!oldPod || newPod) {
        if (!newPod || oldPod || !available(newPod)) count++;
      } else if (!available(oldPod)) {
        remove.push(oldPod);
      } else if (count < maxUnavailable) {
        candidates.push(oldPod);
      }
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) create.push(name);
      else if (count < maxSurge) {
        count++;
        create.push(name);
      }
    } else if (!available(newPod)) {
      count++;
    } else {
      remove.push(oldPod);
    }
  }
  if (maxSurge === 0) remove.push(...candidates.slice(0, Math.max(0, Math.min(maxUnavailable - count, candidates.length))));
  return { create, remove };
}

/** As `updateDaemonSetStatus`, counting the oldest live daemon pod of each node. */
function countStatus(
  ds: DaemonSet,
  nodes: Stored<Node>[],
  byNode: Map<string, Stored<Pod>[]>,
  eligibility: Map<string, { shouldRun: boolean }>,
  isUpdated: (p: Pod) => boolean,
  available: (p: Pod) => boolean,
): DaemonSetStatus {
  let desired = 0, current = 0, misscheduled = 0, ready = 0, avail = 0, updated = 0;
  for (const node of nodes) {
    const pods = (byNode.get(node.metadata.name) ?? [])
      .filter((p) => !isPodTerminating(p) && p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded")
      .sort(byCreation);
    if (eligibility.get(node.metadata.name)!.shouldRun) {
      desired++;
      if (pods.length === 0) continue;
      current++;
      if (isPodReady(pods[0])) ready++;
      if (available(pods[0])) avail++;
      if (isUpdated(pods[0])) updated++;
    } else if (pods.length > 0) {
      misscheduled++;
    }
  }
  return {
    observedGeneration: ds.metadata.generation,
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: avail,
    updatedNumberScheduled: updated,
    numberUnavailable: desired - avail,
  };
}

function truncateHistory(ds: DaemonSet, revisions: Stored<ControllerRevision>[], pods: Pod[], current: ControllerRevision, actions: Action[]): void {
  const inUse = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
  const history = revisions.filter((r) => r.metadata.name !== current.metadata.name && !inUse.has(r.metadata.labels?.[REVISION_HASH_LABEL]));
  const excess = history.length - (ds.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT);
  for (const r of history.slice(0, Math.max(0, excess))) {
    actions.push({ type: "delete", resource: CONTROLLER_REVISIONS_RESOURCE, namespace: r.metadata.namespace!, name: r.metadata.name, uid: r.metadata.uid });
  }
}

function finish(ds: Stored<DaemonSet>, status: DaemonSetStatus, actions: Action[], requeue: Requeue[], expectations: ExpectationTable, createBatches: number[]): DaemonSetPlan {
  if (!deepEqual(status, ds.status ?? {})) {
    actions.push({ type: "updateStatus", resource: DAEMONSET_RESOURCE, namespace: ds.metadata.namespace!, object: { ...ds, status } });
  }
  return { actions, requeue, expectations, createBatches };
}
