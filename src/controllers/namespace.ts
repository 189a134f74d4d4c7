/**
 * The Namespace controller's pure core, after kube-controller-manager's
 * `namespace/deletion/namespaced_resources_deleter.go`: a Namespace with `deletionTimestamp` is
 * kept `Terminating` with the deletion conditions, everything in it is deleted (background
 * propagation, as upstream), and once nothing is left the `kubernetes` finalizer is removed from
 * `spec.finalizers`, after which the registry removes the Namespace.
 *
 * As upstream, the finalizer is removed through the `namespaces/{name}/finalize` subresource: an
 * `update` with `subresource: "finalize"` (compare-and-swap on the observed resourceVersion).
 * Discovery and group-version failures cannot
 * happen here (the host lists every kind it knows), so those two conditions are always False.
 */
import type { KubeObject, Namespace } from "../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import type { Action, Plan, ResourceName } from "./types.js";

export const NAMESPACE_RESOURCE = "namespaces";
export const KUBERNETES_FINALIZER = "kubernetes";
/** How soon to look again while content remains (upstream re-queues with an estimate, too). */
export const CONTENT_RECHECK_MS = 5_000;

type NamespaceCondition = NonNullable<NonNullable<Namespace["status"]>["conditions"]>[number];

export interface NamespaceContent {
  /** The store's key for the kind: `pods`, `deployments.apps`. */
  resource: ResourceName;
  objects: readonly KubeObject[];
}

export interface NamespaceInput {
  namespace: Namespace;
  /** What is left in the namespace, per namespaced kind. */
  contents: readonly NamespaceContent[];
  now: Date;
}

export function reconcileNamespace(input: NamespaceInput): Plan {
  const { namespace: ns, now } = input;
  if (!ns.metadata.deletionTimestamp) return { actions: [] };
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(KUBERNETES_FINALIZER)) return { actions: [] };

  const remaining = input.contents.filter((c) => c.objects.length > 0);
  const actions: Action[] = [];
  for (const { resource, objects } of remaining) {
    for (const obj of objects) {
      if (obj.metadata.deletionTimestamp) continue;
      actions.push({
        type: "delete",
        resource,
        namespace: obj.metadata.namespace ?? ns.metadata.name ?? "",
        name: obj.metadata.name ?? "",
        uid: obj.metadata.uid,
        propagationPolicy: "Background",
      });
    }
  }

  const status = clone(ns.status ?? {});
  status.phase = "Terminating";
  const conditions = deletionConditions(remaining, status.conditions ?? [], now);
  status.conditions = conditions;
  const statusChanged = !deepEqual(status, ns.status ?? {});

  if (remaining.length === 0) {
    // Empty: finalize. The status write would conflict with this update, so it is skipped.
    const next = clone(ns);
    next.spec = { ...next.spec, finalizers: finalizers.filter((f) => f !== KUBERNETES_FINALIZER) };
    return { actions: [{ type: "update", resource: NAMESPACE_RESOURCE, namespace: "", object: next, subresource: "finalize" }] };
  }
  if (statusChanged) {
    actions.unshift({ type: "updateStatus", resource: NAMESPACE_RESOURCE, namespace: "", object: { ...ns, status } });
  }
  return { actions, requeue: [{ key: `${NAMESPACE_RESOURCE}//${ns.metadata.name}`, at: now.getTime() + CONTENT_RECHECK_MS }] };
}

/** upstream's group-resource form: `pods.` for the core group, `deployments.apps` otherwise. */
function groupResource(resource: ResourceName): string {
  return resource.includes(".") ? resource : `${resource}.`;
}

function deletionConditions(
  remaining: readonly NamespaceContent[],
  previous: readonly NamespaceCondition[],
  now: Date,
): NamespaceCondition[] {
  const content = remaining
    .map((c) => `${groupResource(c.resource)} has ${c.objects.length} resource instances`)
    .sort();
  const finalizerCounts = new Map<string, number>();
  for (const { objects } of remaining) {
    for (const obj of objects) {
      for (const f of obj.metadata.finalizers ?? []) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1);
    }
  }
  const finalizerText = [...finalizerCounts].map(([f, n]) => `${f} in ${n} resource instances`).sort();

  const wanted: Array<Omit<NamespaceCondition, "lastTransitionTime">> = [
    { type: "NamespaceDeletionDiscoveryFailure", status: "False", reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
    { type: "NamespaceDeletionGroupVersionParsingFailure", status: "False", reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
    { type: "NamespaceDeletionContentFailure", status: "False", reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
    content.length > 0
      ? { type: "NamespaceContentRemaining", status: "True", reason: "SomeResourcesRemain", message: `Some resources are remaining: ${content.join(", ")}` }
      : { type: "NamespaceContentRemaining", status: "False", reason: "ContentRemoved", message: "All content successfully removed" },
    finalizerText.length > 0
      ? {
          type: "NamespaceFinalizersRemaining",
          status: "True",
          reason: "SomeFinalizersRemain",
          message: `Some content in the namespace has finalizers remaining: ${finalizerText.join(", ")}`,
        }
      : { type: "NamespaceFinalizersRemaining", status: "False", reason: "ContentHasNoFinalizers", message: "All content-preserving finalizers finished" },
  ];
  return wanted.map((cond) => {
    const old = previous.find((c) => c.type === cond.type);
    // A condition keeps its transition time while its status stays (upstream `updateNamespaceStatusFunc`).
    const lastTransitionTime = old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
    return { ...cond, lastTransitionTime };
  });
}
