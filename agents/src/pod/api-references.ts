/**
 * ConfigMaps and Secrets read from the API, with the state dir's copy as the fallback while the
 * control plane is unreachable (a 404 is an answer: the object does not exist).
 */
import type { ConfigMap, Secret } from "../../../src/lib/types.js";
import { isNotFound, UnreachableError, type ApiClient } from "../api/client.js";
import type { StateDir } from "../state/state-dir.js";
import type { ReferenceSource } from "./references.js";

export function apiReferences(api: ApiClient, state: StateDir): ReferenceSource {
  async function read<T extends ConfigMap | Secret>(kind: "configmaps" | "secrets", namespace: string, name: string): Promise<T | undefined> {
    try {
      const obj = await api.get<T>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(name)}`);
      await state.saveRef(kind, obj);
      return obj;
    } catch (err) {
      if (isNotFound(err)) {
        await state.removeRef(kind, namespace, name);
        return undefined;
      }
      if (err instanceof UnreachableError) {
        const kept = await state.loadRef<T>(kind, namespace, name);
        if (kept) return kept;
      }
      throw err;
    }
  }
  return {
    configMap: (ns, name) => read<ConfigMap>("configmaps", ns, name),
    secret: (ns, name) => read<Secret>("secrets", ns, name),
  };
}
