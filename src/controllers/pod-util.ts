/**
 * Helpers the workload controllers share: label selectors, pod readiness and availability,
 * controller references (adopt / release, as Kubernetes' ControllerRefManager), and pods built
 * from a template. All pure.
 */
import type { KubeObject, LabelSelector, OwnerReference, Pod, PodTemplateSpec, Stored } from "../lib/types.js";
import { clone } from "../lib/json.js";
import { labelSelectorAsSelector } from "../lib/selectors.js";

// ---- label selectors ------------------------------------------------------------------------

/**
 * A LabelSelector as a predicate, through src/lib/selectors: an empty selector (`{}`) selects
 * everything, a missing one nothing; an invalid one (which validation should have refused)
 * selects nothing, as upstream's controllers give up on it.
 */
export function selectorMatcher(selector: LabelSelector | undefined): (labels: Record<string, string> | undefined) => boolean {
  try {
    const compiled = labelSelectorAsSelector(selector);
    return (labels) => compiled.matches(labels);
  } catch {
    return () => false;
  }
}

/** Whether `labels` satisfy a LabelSelector (see `selectorMatcher`). */
export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return selectorMatcher(selector)(labels);
}

// ---- pod state ------------------------------------------------------------------------------

export function isPodTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

/** As `controller.IsPodActive`: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !isPodTerminating(pod);
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** Epoch ms at which the pod became ready (its Ready condition's transition), if ready. */
export function podReadySince(pod: Pod): number | undefined {
  const cond = readyCondition(pod);
  if (cond?.status !== "True") return undefined;
  const t = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Epoch ms at which a ready pod counts as available (ready for `minReadySeconds`), or
 * undefined when it is not ready. A ready pod with no transition time is available at once.
 */
export function podAvailableAt(pod: Pod, minReadySeconds: number | undefined): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const min = minReadySeconds ?? 0;
  if (min <= 0) return 0;
  const since = podReadySince(pod);
  return since === undefined ? 0 : since + min * 1000;
}

/** As `podutil.IsPodAvailable`: ready, and for at least `minReadySeconds`. */
export function isPodAvailable(pod: Pod, minReadySeconds: number | undefined, now: Date): boolean {
  const at = podAvailableAt(pod, minReadySeconds);
  return at !== undefined && at <= now.getTime();
}

/** The earliest moment, after `now`, at which one of `pods` becomes available; for a requeue. */
export function nextAvailableAt(pods: Pod[], minReadySeconds: number | undefined, now: Date): number | undefined {
  let next: number | undefined;
  for (const pod of pods) {
    const at = podAvailableAt(pod, minReadySeconds);
    if (at !== undefined && at > now.getTime() && (next === undefined || at < next)) next = at;
  }
  return next;
}

export function podRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** Creation time in epoch ms (0 when unknown, so that such objects sort as oldest). */
export function createdAt(obj: KubeObject): number {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Sort oldest first, ties by name, as `controller.ReplicaSetsByCreationTimestamp`. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return createdAt(a) - createdAt(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

// ---- controller references ------------------------------------------------------------------

/** Identifies the owner kind in owner references. */
export interface OwnerKind {
  apiVersion: string;
  kind: string;
}

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller puts on what it creates: `controller` and `blockOwnerDeletion` set. */
export function newControllerRef(owner: KubeObject, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `obj` is controlled by the object with `uid`. */
export function isControlledBy(obj: KubeObject, uid: string | undefined): boolean {
  return uid !== undefined && controllerRefOf(obj)?.uid === uid;
}

export interface Claim<T extends KubeObject> {
  /** Objects the owner controls and whose labels still match: what it manages. */
  owned: T[];
  /** Orphans that match: to adopt (the copies carry the new controller reference). */
  adopt: T[];
  /** Objects it controls that no longer match: to release (copies without the reference). */
  release: T[];
}

/**
 * Kubernetes' ClaimObjects: sort candidates into those the owner keeps, adopts and releases.
 * An owner being deleted adopts nothing (as upstream's `canAdopt` check); adopted objects
 * count as owned at once.
 */
export function claim<T extends Stored>(owner: Stored, kind: OwnerKind, selector: LabelSelector | undefined, candidates: T[]): Claim<T> {
  const result: Claim<T> = { owned: [], adopt: [], release: [] };
  const selects = selectorMatcher(selector);
  for (const obj of candidates) {
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    const ref = controllerRefOf(obj);
    const matches = selects(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) result.owned.push(obj);
      else if (!obj.metadata.deletionTimestamp) {
        const copy = clone(obj);
        copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
        result.release.push(copy);
      }
      continue;
    }
    if (!matches || obj.metadata.deletionTimestamp || owner.metadata.deletionTimestamp) continue;
    const copy = clone(obj);
    copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), newControllerRef(owner, kind)];
    result.adopt.push(copy);
    result.owned.push(copy);
  }
  return result;
}

// ---- pods from templates --------------------------------------------------------------------

/**
 * As `controller.GetPodFromTemplate`: labels, annotations, finalizers and spec from the
 * template, the controller reference from the owner, and either a fixed `name` or a
 * `generateName` prefix for the store to complete.
 */
export function podFromTemplate(
  template: PodTemplateSpec,
  owner: Stored,
  kind: OwnerKind,
  naming: { name: string } | { generateName: string },
): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...naming,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [newControllerRef(owner, kind)],
    },
    spec: clone(template.spec ?? { containers: [] }),
  };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length > 0) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** The `<namespace>/<name>` key Kubernetes uses for controllers and their expectations. */
export function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
}

/**
 * The key under which the host queues a controller and keeps its expectations:
 * `<resource>/<namespace>/<name>`, e.g. `replicasets.apps/default/web-7d4b9c`.
 */
export function controllerKey(resource: string, obj: KubeObject): string {
  return `${resource}/${keyOf(obj)}`;
}

const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** Longest `generateName` prefix, as upstream's `maxGeneratedNameLength` (63 − 5). */
const MAX_GENERATED_PREFIX = 58;

/** The `generateName` prefix for pods of `ownerName`, truncated as upstream does. */
export function generateNamePrefix(ownerName: string): string {
  const base = `${ownerName}-`;
  return base.length > MAX_GENERATED_PREFIX ? base.slice(0, MAX_GENERATED_PREFIX) : base;
}

/**
 * Five random characters from the alphabet the API server uses for `generateName`; for the
 * host to inject into cores that name pods (cores themselves never draw random numbers).
 */
export function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return Array.from(bytes, (b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join("");
}
