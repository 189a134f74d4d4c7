/** Wires the StatefulSet controller's pure core (src/controllers/statefulset.ts) into the host. */
import type { ControllerRevision, Pod, StatefulSet, Stored } from "../../../lib/types.js";
import { CONTROLLER_REVISIONS_RESOURCE, reconcileStatefulSet, STATEFULSET_RESOURCE } from "../../statefulset.js";
import type { Controller } from "../controller.js";
import { objectKey, parseKey } from "../keys.js";
import { ownersOf } from "./owned-pods.js";

const wiring = { resource: STATEFULSET_RESOURCE, kind: "StatefulSet" };

// Pod names are fixed (`<set>-<ordinal>`), so a creation repeated on a stale view fails with
// AlreadyExists instead of overshooting: no expectations needed, as upstream.
export const statefulSetController: Controller = {
  name: "statefulset",
  resources: [STATEFULSET_RESOURCE, "pods", CONTROLLER_REVISIONS_RESOURCE],
  keysFor(resource, obj, previous, cache) {
    if (resource === STATEFULSET_RESOURCE) return [objectKey(resource, obj)];
    return ownersOf(wiring, obj, previous, cache);
  },
  allKeys: (cache) => cache.list(STATEFULSET_RESOURCE).map((s) => objectKey(STATEFULSET_RESOURCE, s)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const statefulSet = ctx.cache.get<Stored<StatefulSet>>(STATEFULSET_RESOURCE, namespace, name);
    if (!statefulSet) return { actions: [] };
    return reconcileStatefulSet({
      statefulSet,
      pods: ctx.cache.list<Stored<Pod>>("pods", namespace),
      revisions: ctx.cache.list<Stored<ControllerRevision>>(CONTROLLER_REVISIONS_RESOURCE, namespace),
      now: ctx.now,
    });
  },
};
