/**
 * Wires the Endpoints controller's pure core (src/controllers/endpoints.ts) into the host, one
 * key per Service (`services/<ns>/<name>`): a pod change concerns the Services of its namespace
 * that select it (before or after), an Endpoints change its Service of the same name (to undo
 * edits, or to remove one whose Service is gone).
 */
import type { Endpoints, Pod, Service, Stored } from "../../../lib/types.js";
import { ENDPOINTS_RESOURCE, reconcileEndpoints } from "../../endpoints.js";
import type { Controller } from "../controller.js";
import { keyFor, objectKey, parseKey } from "../keys.js";

const SERVICES = "services";

function selects(service: Stored<Service>, pod: Stored | undefined): boolean {
  const selector = service.spec?.selector;
  if (!pod || !selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

export const endpointsController: Controller = {
  name: "endpoints",
  resources: [SERVICES, "pods", ENDPOINTS_RESOURCE],
  keysFor(resource, obj, previous, cache) {
    const ns = obj.metadata.namespace ?? "";
    if (resource !== "pods") return [keyFor(SERVICES, ns, obj.metadata.name)];
    return cache
      .list<Stored<Service>>(SERVICES, ns)
      .filter((s) => selects(s, obj) || selects(s, previous))
      .map((s) => objectKey(SERVICES, s));
  },
  allKeys: (cache) => cache.list(SERVICES).map((s) => objectKey(SERVICES, s)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const service = ctx.cache.get<Stored<Service>>(SERVICES, namespace, name);
    const endpoints = ctx.cache.get<Stored<Endpoints>>(ENDPOINTS_RESOURCE, namespace, name);
    return reconcileEndpoints({
      services: service ? [service] : [],
      pods: service ? ctx.cache.list<Stored<Pod>>("pods", namespace) : [],
      endpoints: endpoints ? [endpoints] : [],
      now: ctx.now,
    });
  },
};
