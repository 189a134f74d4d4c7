/**
 * `GET /metrics`: the Prometheus text document, for the cluster administrator only. Cluster-wide
 * figures come from the Durable Objects (store, controller manager) and from the nodes in the
 * store; API request figures are this isolate's own.
 */
import { adminTokenAuthenticator, type Authenticator } from "../api/authn.js";
import { mastersAuthorizer, type Authorizer } from "../api/authz.js";
import { statusResponse } from "../api/status.js";
import type { Env } from "../env.js";
import { ApiError, errors } from "../lib/errors.js";
import type { Node } from "../lib/types.js";
import { storeFor, unwrap } from "../registry/store-client.js";
import { isolateRequestMetrics, type ApiRequestMetrics } from "./api-requests.js";
import { CONTENT_TYPE, renderExposition, type MetricFamily } from "./exposition.js";
import { nodeConditionFamilies } from "./nodes.js";

export const METRICS_PATH = "/metrics";

export interface MetricsOptions {
  authenticator?: Authenticator;
  authorizer?: Authorizer;
  requests?: ApiRequestMetrics;
}

function clusterName(env: Env): string {
  return env.CLUSTER_NAME ?? "default";
}

async function clusterFamilies(env: Env): Promise<MetricFamily[]> {
  const store = env.CLUSTER.get(env.CLUSTER.idFromName(clusterName(env)));
  const manager = env.CONTROLLERS.get(env.CONTROLLERS.idFromName(clusterName(env)));
  const [storeFigures, controllerFigures, nodes] = await Promise.all([
    store.metrics(),
    manager.metrics(),
    storeFor(env).list("nodes", {}),
  ]);
  const nodeItems = unwrap(nodes, { kind: "nodes" }).items as Node[];
  return [...storeFigures, ...controllerFigures, ...nodeConditionFamilies(nodeItems)] as MetricFamily[];
}

export async function serveMetrics(request: Request, env: Env, options: MetricsOptions = {}): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return statusResponse(errors.methodNotAllowed("the server does not allow this method on the requested resource"));
  }
  const user = await (options.authenticator ?? adminTokenAuthenticator).authenticate(request, env);
  if (!user) return statusResponse(errors.unauthorized());
  const decision = await (options.authorizer ?? mastersAuthorizer).authorize({
    user,
    verb: "get",
    resourceRequest: false,
    path: METRICS_PATH,
    apiGroup: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
  });
  if (!decision.allowed) {
    const reason = decision.reason ? `: ${decision.reason}` : "";
    return statusResponse(new ApiError(403, "Forbidden", `forbidden: User "${user.name}" cannot get path "${METRICS_PATH}"${reason}`));
  }
  const families = [...(options.requests ?? isolateRequestMetrics).families(), ...(await clusterFamilies(env))];
  return new Response(request.method === "HEAD" ? null : renderExposition(families), {
    headers: { "Content-Type": CONTENT_TYPE, "Cache-Control": "no-store" },
  });
}
