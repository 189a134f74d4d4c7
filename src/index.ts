/** The Worker: the Kubernetes API (src/api) over the registry, and the Durable Objects behind it. */
import { createApp } from "./api/app.js";
import type { Env } from "./env.js";
import { ensureSystemNamespaces } from "./registry/bootstrap.js";
import { METRICS_PATH, serveMetrics } from "./metrics/handler.js";
import { openApiSchemas } from "./openapi/index.js";
import { createRegistry } from "./registry/registry.js";
import { storeFor } from "./registry/store-client.js";
import { namespaceDef, resources } from "./resources/index.js";
export { ClusterStore } from "./store/cluster-store.js";
export { ControllerManager } from "./controllers/manager.js";
export { StreamRelay } from "./streams/relay.js";

const registryFor = (env: Env) => createRegistry(storeFor(env), { env });
const app = createApp({ resources, registryFor, schemas: openApiSchemas });

/** Once per isolate: the system namespaces exist before the first request is served. */
let bootstrapped: Promise<void> | undefined;

export default {
  async fetch(request, env, ctx) {
    bootstrapped ??= ensureSystemNamespaces(registryFor(env), namespaceDef).catch((e: unknown) => {
      bootstrapped = undefined; // try again on the next request
      throw e;
    });
    await bootstrapped;
    if (new URL(request.url).pathname === METRICS_PATH) return serveMetrics(request, env);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
