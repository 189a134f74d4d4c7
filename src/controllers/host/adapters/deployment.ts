/** Wires the Deployment controller's pure core (src/controllers/deployment) into the host. */
import type { Deployment, Pod, ReplicaSet, Stored } from "../../../lib/types.js";
import { DEPLOYMENT_RESOURCE, reconcileDeployment } from "../../deployment/index.js";
import { controllerRefOf } from "../../pod-util.js";
import { REPLICASET_RESOURCE } from "../../replicaset.js";
import type { ObjectCache } from "../cache.js";
import type { Controller } from "../controller.js";
import { keyFor, objectKey, parseKey } from "../keys.js";
import { ownersOf } from "./owned-pods.js";

const wiring = { resource: DEPLOYMENT_RESOURCE, kind: "Deployment" };

/** The Deployment that controls a pod, through its ReplicaSet. */
function deploymentOfPod(pod: Stored, cache: ObjectCache): string | undefined {
  const ns = pod.metadata.namespace ?? "";
  const rsRef = controllerRefOf(pod);
  if (rsRef?.kind !== "ReplicaSet") return undefined;
  const rs = cache.get(REPLICASET_RESOURCE, ns, rsRef.name);
  const dRef = rs && controllerRefOf(rs);
  return dRef?.kind === "Deployment" ? keyFor(DEPLOYMENT_RESOURCE, ns, dRef.name) : undefined;
}

export const deploymentController: Controller = {
  name: "deployment",
  resources: [DEPLOYMENT_RESOURCE, REPLICASET_RESOURCE, "pods"],
  keysFor(resource, obj, previous, cache) {
    if (resource === DEPLOYMENT_RESOURCE) return [objectKey(resource, obj)];
    if (resource === REPLICASET_RESOURCE) return ownersOf(wiring, obj, previous, cache);
    // Pods matter only to Recreate, which waits for the old ones to be gone (upstream's deletePod).
    const key = deploymentOfPod(obj, cache);
    if (!key) return [];
    const { namespace, name } = parseKey(key);
    const d = cache.get<Stored<Deployment>>(DEPLOYMENT_RESOURCE, namespace, name);
    return d?.spec?.strategy?.type === "Recreate" ? [key] : [];
  },
  allKeys: (cache) => cache.list(DEPLOYMENT_RESOURCE).map((d) => objectKey(DEPLOYMENT_RESOURCE, d)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const deployment = ctx.cache.get<Stored<Deployment>>(DEPLOYMENT_RESOURCE, namespace, name);
    if (!deployment) return { actions: [] };
    const recreate = deployment.spec?.strategy?.type === "Recreate";
    return reconcileDeployment({
      deployment,
      replicaSets: ctx.cache.list<Stored<ReplicaSet>>(REPLICASET_RESOURCE, namespace),
      pods: recreate ? ctx.cache.list<Stored<Pod>>("pods", namespace) : [],
      now: ctx.now,
    });
  },
};
