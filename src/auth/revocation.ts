/**
 * Deleting a Node revokes its credential: once `DELETE /api/v1/nodes/<name>` (or a
 * deletecollection) has succeeded, the credential Secrets of the Nodes it deleted are deleted in
 * the same request, so the node's next request is 401. Deleting the Secret
 * `kube-system/node-credential-<node>` is the explicit revoke and keeps the Node.
 *
 * This happens in the API server because every Node deletion in Skiff is a client's request (no
 * controller deletes Nodes); a Node deleted around the API would keep its credential.
 */
import type { ResourceRequestInfo } from "../api/request-info.js";
import { ApiError } from "../lib/errors.js";
import type { Registry } from "../registry/types.js";
import { nodeDef } from "../resources/node.js";
import { secretDef } from "../resources/secret.js";
import { KUBE_SYSTEM } from "./bootstrap-token.js";
import { nodeCredentialSecretName } from "./node-credential.js";

/**
 * The Nodes a request would delete, read before it runs (a deletecollection's selectors are
 * resolved now, as the collection delete itself does); [] for any other request or a dry run.
 */
export async function nodesDeletedBy(info: ResourceRequestInfo, query: URLSearchParams, registry: Registry): Promise<string[]> {
  if (info.group !== "" || info.resource !== "nodes" || info.subresource) return [];
  if (query.getAll("dryRun").includes("All")) return [];
  if (info.verb === "delete") return [info.name];
  if (info.verb !== "deletecollection") return [];
  const nodes = await registry.list(nodeDef, {
    labelSelector: query.get("labelSelector") ?? undefined,
    fieldSelector: query.get("fieldSelector") ?? undefined,
  });
  return nodes.items.map((n) => n.metadata.name);
}

/** Delete the credentials of these nodes; one already gone is fine. */
export async function revokeNodeCredentials(registry: Registry, nodes: readonly string[]): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      registry.delete(secretDef, KUBE_SYSTEM, nodeCredentialSecretName(node)).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }),
    ),
  );
}
