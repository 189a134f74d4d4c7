/**
 * The registry's side of the Store RPC: finds this cluster's ClusterStore and turns the store's
 * result values back into Kubernetes errors.
 */
import type { Env } from "../env.js";
import { ApiError, errors, type ErrorTarget } from "../lib/errors.js";
import type { Store, StoreError, StoreResult } from "../store/types.js";

/** The ClusterStore of this deployment's cluster, typed as the Store contract. */
export function storeFor(env: Env): Store {
  const ns = env.CLUSTER;
  // The RPC stub exposes exactly the Store methods; its generated type is structurally wider.
  return ns.get(ns.idFromName(env.CLUSTER_NAME ?? "default")) as unknown as Store;
}

/** The value of a store result, or the `ApiError` Kubernetes would answer with. */
export function unwrap<T>(result: StoreResult<T>, target: ErrorTarget): T {
  if (result.ok) return result.value;
  throw toApiError(result.error, target);
}

export function toApiError(error: StoreError, target: ErrorTarget): ApiError {
  switch (error.reason) {
    case "NotFound":
      return errors.notFound(target);
    case "AlreadyExists":
      return errors.alreadyExists(target);
    case "Conflict":
      return error.message.includes("uid")
        ? errors.conflict(target, error.message)
        : errors.staleResourceVersion(target);
    case "Expired":
      return errors.expired(error.message);
    case "Claimed":
      return errors.invalid(target.kind ?? "", target.name ?? "", [
        { type: "FieldValueInvalid", field: claimField(error.claim?.pool), message: error.message },
      ]);
    case "BadRequest":
      return /too large resource version/i.test(error.message)
        ? errors.timeout(error.message)
        : errors.badRequest(error.message);
  }
}

function claimField(pool: string | undefined): string {
  if (pool === "nodePort") return "spec.ports.nodePort";
  if (pool === "clusterIP") return "spec.clusterIPs";
  return pool ?? "";
}
