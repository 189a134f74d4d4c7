/**
 * Wires the Namespace controller's pure core (src/controllers/namespace.ts) into the host: a
 * Namespace being deleted is reconciled over every namespaced resource the host caches, and
 * again whenever something in it changes (so that it finalizes as soon as it is empty).
 */
import type { Namespace, Stored } from "../../../lib/types.js";
import { NAMESPACE_RESOURCE, reconcileNamespace } from "../../namespace.js";
import type { ObjectCache } from "../cache.js";
import type { Controller } from "../controller.js";
import { keyFor, parseKey } from "../keys.js";

/** Every namespaced resource Skiff serves: what a Namespace must be emptied of. */
export const NAMESPACED_RESOURCES = [
  "pods",
  "services",
  "endpoints",
  "configmaps",
  "secrets",
  "events",
  "serviceaccounts",
  "replicasets.apps",
  "deployments.apps",
  "statefulsets.apps",
  "daemonsets.apps",
  "controllerrevisions.apps",
  "jobs.batch",
  "cronjobs.batch",
  "leases.coordination.k8s.io",
];

function terminating(cache: ObjectCache, name: string): boolean {
  return Boolean(cache.get<Stored<Namespace>>(NAMESPACE_RESOURCE, "", name)?.metadata.deletionTimestamp);
}

export const namespaceController: Controller = {
  name: "namespace",
  resources: [NAMESPACE_RESOURCE, ...NAMESPACED_RESOURCES],
  keysFor(resource, obj, _previous, cache) {
    const name = resource === NAMESPACE_RESOURCE ? obj.metadata.name : (obj.metadata.namespace ?? "");
    return terminating(cache, name) ? [keyFor(NAMESPACE_RESOURCE, "", name)] : [];
  },
  allKeys: (cache) =>
    cache
      .list<Stored<Namespace>>(NAMESPACE_RESOURCE)
      .filter((ns) => ns.metadata.deletionTimestamp)
      .map((ns) => keyFor(NAMESPACE_RESOURCE, "", ns.metadata.name)),
  reconcile(key, ctx) {
    const { name } = parseKey(key);
    const namespace = ctx.cache.get<Stored<Namespace>>(NAMESPACE_RESOURCE, "", name);
    if (!namespace) return { actions: [] };
    const contents = NAMESPACED_RESOURCES.map((resource) => ({ resource, objects: ctx.cache.list(resource, name) }));
    return reconcileNamespace({ namespace, contents, now: ctx.now });
  },
};
