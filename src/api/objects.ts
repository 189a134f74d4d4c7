/** Response envelopes: objects with their type meta, and `<Kind>List`s. */
import type { KubeObject } from "../lib/types.js";
import type { ListResult } from "../store/types.js";

/** `obj` with `apiVersion` and `kind` set (and first, as Kubernetes prints them). */
export function withTypeMeta<T extends KubeObject>(obj: T, apiVersion: string, kind: string): T {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion, kind, ...rest } as T;
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listMetaOf(result: Pick<ListResult, "resourceVersion" | "continue" | "remainingItemCount">): ListMeta {
  const meta: ListMeta = { resourceVersion: result.resourceVersion };
  if (result.continue) meta.continue = result.continue;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  return meta;
}

/** A `<Kind>List` of `items`, each with its own type meta. */
export function listOf(apiVersion: string, kind: string, items: KubeObject[], meta: ListMeta | Record<string, never>) {
  return {
    kind: `${kind}List`,
    apiVersion,
    metadata: meta,
    items: items.map((item) => withTypeMeta(item, apiVersion, kind)),
  };
}
