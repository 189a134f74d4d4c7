/**
 * A small Kubernetes API client for the agent, over Node's `http`/`https` (so that it can trust
 * the control plane's own CA, as a kubeconfig's `certificate-authority` does): JSON requests, errors as
 * `ApiError` carrying the `Status`, and watches read as newline-delimited events. Every request
 * is counted: each one is a billed Worker request, and the idle-node budget is measured from
 * these counters (exposed on /metrics).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import type { KubeObject, Status } from "../../../src/lib/types.js";
import type { Credentials } from "./credentials.js";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: Status,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The control plane could not be reached (connection refused, DNS, timeout). */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnreachableError";
  }
}

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TlsOptions {
  /** PEM of the CA that signed the server's certificate (kubeconfig's certificate-authority). */
  ca?: string;
  /** The name to check the server's certificate against, when the URL's host is not in it. */
  serverName?: string;
}

/**
 * How to trust the control plane: its CA, and the name its certificate is checked against — for
 * every HTTPS connection the agent opens to it (API requests and stream sockets).
 */
export function tlsConnectOptions(tls: TlsOptions): { ca?: string; servername?: string; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } {
  const name = tls.serverName;
  if (!name) return { ca: tls.ca };
  return { ca: tls.ca, servername: isIP(name) ? undefined : name, checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert) };
}

export class ApiClient {
  /** Requests made, by HTTP method. */
  readonly requests = new Map<string, number>();
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly base: URL;

  constructor(
    readonly server: string,
    private readonly credentials: Credentials,
    readonly tls: TlsOptions = {},
    private readonly userAgent = "skiff-agent/v1.32.0-skiff",
  ) {
    this.base = new URL(server);
    this.agent = this.base.protocol === "https:" ? new HttpsAgent({ keepAlive: true, maxSockets: 32, ...tlsConnectOptions(tls) }) : new HttpAgent({ keepAlive: true, maxSockets: 32 });
  }

  /**
   * One request; resolves with the response once its headers are in. A kept-alive socket the
   * server closed meanwhile fails at once ("socket hang up"); that request is sent again, once.
   */
  private async send(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    try {
      return await this.sendOnce(method, path, options);
    } catch (err) {
      if (!(err instanceof UnreachableError) || !(err as { reusedSocket?: boolean }).reusedSocket) throw err;
      return this.sendOnce(method, path, options);
    }
  }

  private sendOnce(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: this.authorization(),
      "user-agent": this.userAgent,
    };
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (payload) {
      headers["content-type"] = options.contentType ?? "application/json";
      headers["content-length"] = String(payload.length);
    }
    this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
    const https = url.protocol === "https:";
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method,
          headers,
          agent: this.agent,
          signal: options.signal,
        },
        resolve,
      );
      if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      req.once("error", (err) => {
        if (options.signal?.aborted) return reject(err);
        const unreachable = new UnreachableError(`${method} ${url.pathname}: ${describe(err)}`, { cause: err });
        const code = (err as NodeJS.ErrnoException).code;
        if (req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE")) Object.assign(unreachable, { reusedSocket: true });
        reject(unreachable);
      });
      req.end(payload);
    });
  }

  /** The `authorization` header value for this node's credential. */
  authorization(): string {
    return this.credentials.authorization();
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, { timeoutMs: 30_000, ...options });
    let text: string;
    try {
      text = await readAll(res);
    } catch (err) {
      throw new UnreachableError(`${method} ${path}: ${describe(err)}`, { cause: err });
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw toApiError(code, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T extends KubeObject>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  create<T extends KubeObject>(path: string, body: T): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  update<T extends KubeObject>(path: string, body: T): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }

  /** JSON merge patch (RFC 7386). */
  mergePatch<T extends KubeObject>(path: string, patch: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body: patch, contentType: "application/merge-patch+json" });
  }

  delete(path: string, body?: unknown): Promise<unknown> {
    return this.request("DELETE", path, { body });
  }

  /**
   * Opens a watch and yields its events until the server ends it. A stream that stays silent
   * longer than `idleTimeoutMs` (a dead connection) is ended as unreachable.
   */
  async *watch<T extends KubeObject>(path: string, query: RequestOptions["query"], signal: AbortSignal, idleTimeoutMs: number): AsyncGenerator<WatchEvent<T>> {
    const res = await this.send("GET", path, { query: { ...query, watch: 1 }, signal });
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw toApiError(code, await readAll(res));
    res.setTimeout(idleTimeoutMs, () => res.destroy(new Error("watch idle")));
    let buffered = "";
    try {
      for await (const chunk of res) {
        buffered += (chunk as Buffer).toString("utf8");
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new UnreachableError(`watch ${path}: ${describe(err)}`, { cause: err });
    } finally {
      res.destroy();
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.once("error", reject);
    stream.once("aborted", () => reject(new Error("response aborted")));
  });
}

function toApiError(code: number, text: string): ApiError {
  try {
    const status = JSON.parse(text) as Status;
    if (status && status.kind === "Status") return new ApiError(code, status.reason ?? "", status.message ?? text, status);
  } catch {
    // not a Status
  }
  return new ApiError(code, "", text.slice(0, 500) || `HTTP ${code}`);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

/** `/api/v1/namespaces/<ns>/pods/<name>` and friends. */
export function podPath(namespace: string, name: string, sub?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}${sub ? `/${sub}` : ""}`;
}
