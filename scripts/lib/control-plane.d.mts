// Types of control-plane.mjs, for the TypeScript that imports it (test/e2e, bench).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Agent } from "node:https";

export declare const REPO_ROOT: string;

export interface KubectlResult {
  /** Exit code (-1 when kubectl was killed by a signal). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Kill and reject after this long (default 60 s). */
  timeoutMs?: number;
  /** Extra environment variables for this run. */
  env?: Record<string, string>;
}

export interface KubectlTarget {
  kubeconfig: string;
  /** kubectl's discovery and HTTP cache (KUBECACHEDIR), one per control plane. */
  cacheDir: string;
}

/** Where and how to reach a control plane over HTTPS. */
export interface HttpsTarget {
  url: string;
  /** Trusts the control plane's certificate; keeps connections alive. */
  agent: Agent;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Give up when the socket is idle this long (default 60 s). */
  timeoutMs?: number;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface ControlPlaneOptions {
  /** wrangler's `--persist-to`; a fresh directory when absent. Reuse it to resume a cluster. */
  stateDir?: string;
  /** Where the kubeconfig, kubectl cache and wrangler log go; a fresh temp dir when absent. */
  runDir?: string;
  /** Port to listen on (127.0.0.1); a free one when absent. */
  port?: number;
  /** Admin bearer token; random when absent. */
  token?: string;
  /** Extra Worker vars, passed as `--var KEY:VALUE` (e.g. COMPACT_KEEP_REVISIONS). */
  env?: Record<string, string>;
  /**
   * Run a copy of the repository taken at start (default), so that source edits made during the
   * run don't make wrangler restart the Worker; false runs the checkout itself, live-reloading.
   */
  snapshot?: boolean;
  /** Let wrangler read the repository's .dev.vars (npm run dev) instead of isolating the instance. */
  useDevVars?: boolean;
  /** Where to write the kubeconfig (default `<runDir>/kubeconfig`). */
  kubeconfigPath?: string;
  /** wrangler's `--log-level` (default warn). */
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  /** Also receives wrangler's output as it comes. */
  onOutput?: (chunk: Buffer) => void;
  /** How long to wait for `/readyz` (default 120 s). */
  readyTimeoutMs?: number;
}

export interface ControlPlane extends KubectlTarget, HttpsTarget {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  port: number;
  token: string;
  /** PEM of the self-signed serving certificate (in the kubeconfig as its CA). */
  ca: string;
  stateDir: string;
  runDir: string;
  logPath: string;
  /** The last lines wrangler printed, for failure messages. */
  logTail(): string;
  /** The port of workerd's DevTools inspector (wrangler's `--inspector-port`), for CPU profiles. */
  inspectorPort(): number;
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** An HTTPS request, read to the end (no token added: pass `authorization` yourself). */
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** An HTTPS request whose response is streamed (watches); destroy it to stop. */
  openRequest(method: string, path: string, options?: RequestOptions): Promise<IncomingMessage>;
  /** Resolves when the current wrangler process exits (by itself or by stop()). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process group (SIGTERM, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
  /** Stop and start again on the same state; `env` changes Worker vars for the new run. */
  restart(options?: { env?: Record<string, string> }): Promise<void>;
}

export declare function freePort(): Promise<number>;
export declare function randomToken(): string;
export declare function ensureServingCert(dir: string): { keyPath: string; certPath: string; ca: string };
export declare function writeKubeconfig(
  path: string,
  cluster: { server: string; token: string; ca: string; name?: string },
): string;
export declare function request(target: HttpsTarget, method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
export declare function openRequest(
  target: HttpsTarget,
  method: string,
  path: string,
  options?: RequestOptions,
): Promise<IncomingMessage>;
export declare function kubectlCommand(target: KubectlTarget): {
  command: string;
  env: Record<string, string | undefined>;
};
export declare function runKubectl(
  target: KubectlTarget,
  args: string[],
  options?: KubectlOptions,
): Promise<KubectlResult>;
export declare function startControlPlane(options?: ControlPlaneOptions): Promise<ControlPlane>;
