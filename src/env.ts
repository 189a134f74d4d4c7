/** Bindings and variables the Worker and its Durable Objects receive (wrangler.toml, secrets). */
export interface Env {
  CLUSTER: DurableObjectNamespace<import("./store/cluster-store.js").ClusterStore>;
  /** The controller manager (controllers and scheduler), one per cluster; the store pokes it. */
  CONTROLLERS: DurableObjectNamespace<import("./controllers/manager.js").ControllerManager>;
  /** Stream relays (logs, exec, attach), one per node, `idFromName(node)` (src/streams/relay.ts). */
  STREAMS: DurableObjectNamespace<import("./streams/relay.js").StreamRelay>;
  /** Which ClusterStore this deployment serves; one Worker, one cluster. */
  CLUSTER_NAME?: string;
  /** Bearer token of the cluster administrator (a Worker secret). */
  ADMIN_TOKEN?: string;
  /**
   * Keys that encrypt Secrets at rest: comma-separated base64 32-byte keys, the first used for
   * writes, all for reads (a Worker secret; `.dev.vars` locally).
   */
  ENCRYPTION_KEY?: string;
  /** Compaction window: keep at least this many newest revisions (default 10000). */
  COMPACT_KEEP_REVISIONS?: string;
  /** Compaction window: keep at least this many seconds of history (default 3600). */
  COMPACT_KEEP_SECONDS?: string;
  /** How often the compaction alarm runs, in seconds (default 300). */
  COMPACT_INTERVAL_SECONDS?: string;
  /**
   * Controllers to run, as kube-controller-manager's `--controllers`: `*` (default) all,
   * `name` one, `-name` all but one; e.g. `*,-scheduler` to bring your own scheduler.
   */
  ENABLED_CONTROLLERS?: string;
  /** Service cluster IP range (default 10.96.0.0/12). */
  SERVICE_CLUSTER_IP_RANGE?: string;
  /** NodePort range (default 30000-32767). */
  SERVICE_NODE_PORT_RANGE?: string;
}
