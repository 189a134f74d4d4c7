/** What exists in every cluster from the start, as kube-apiserver's system namespaces controller makes it. */
import type { ResourceDef } from "../resources/types.js";
import type { Registry } from "./types.js";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/** Create the system namespaces that are missing. Idempotent; safe under concurrent callers. */
export async function ensureSystemNamespaces(registry: Registry, namespaces: ResourceDef): Promise<void> {
  const existing = new Set((await registry.list(namespaces, {})).items.map((ns) => ns.metadata.name));
  await Promise.all(
    SYSTEM_NAMESPACES.filter((name) => !existing.has(name)).map((name) =>
      registry.create(namespaces, "", { apiVersion: "v1", kind: "Namespace", metadata: { name } }).catch((e: unknown) => {
        // Another isolate created it first.
        if (!(e instanceof Error && "code" in e && (e as { code: number }).code === 409)) throw e;
      }),
    ),
  );
}
