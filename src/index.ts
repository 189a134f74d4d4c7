import type { Env } from "./env.js";
export { ClusterStore } from "./store/cluster-store.js";

export default {
  async fetch(_req: Request, env: Env): Promise<Response> {
    const stub = env.CLUSTER.get(env.CLUSTER.idFromName(env.CLUSTER_NAME ?? "default"));
    return Response.json({ rev: await stub.currentRevision() });
  },
} satisfies ExportedHandler<Env>;
