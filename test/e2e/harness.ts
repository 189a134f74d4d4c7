// The end-to-end harness: one control plane (wrangler dev) per test file, kubectl runs with
// readable failures, background `kubectl get -w`, raw HTTP, table parsing and polling.
import { spawn, type ChildProcess } from "node:child_process";
import type { IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import {
  REPO_ROOT,
  kubectlCommand,
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type KubectlOptions,
  type KubectlResult,
} from "../../scripts/lib/control-plane.mjs";
import type { KubeObject } from "../../src/lib/types.js";

export type { ControlPlane, KubectlResult };
export { startControlPlane };

export const FIXTURES = join(REPO_ROOT, "test/fixtures");
export const SEED = join(FIXTURES, "seed");

/**
 * Starts a control plane before the file's tests and stops it after them, also when they fail.
 * The returned object delegates to it, so it can be used at the top of the file.
 */
export function useControlPlane(options?: ControlPlaneOptions): ControlPlane {
  let cp: ControlPlane | undefined;
  beforeAll(async () => {
    cp = await startControlPlane(options);
  });
  afterEach(() => stopWatches());
  afterAll(async () => {
    stopWatches();
    await cp?.stop();
  });
  return new Proxy({} as ControlPlane, {
    get(_target, key) {
      if (!cp) throw new Error(`control plane not started (reading ${String(key)})`);
      return Reflect.get(cp, key);
    },
  });
}

function describeRun(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(" ")} → exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Runs kubectl and insists on exit 0; the error shows both streams. */
export async function kubectlOk(cp: ControlPlane, args: string[], options?: KubectlOptions): Promise<KubectlResult> {
  const r = await cp.kubectl(args, options);
  if (r.code !== 0) throw new Error(`expected success: ${describeRun(args, r)}`);
  return r;
}

/** Runs kubectl and insists on a failure exit; returns the result for the caller to check stderr. */
export async function kubectlFails(cp: ControlPlane, args: string[], options?: KubectlOptions): Promise<KubectlResult> {
  const r = await cp.kubectl(args, options);
  if (r.code === 0) throw new Error(`expected failure: ${describeRun(args, r)}`);
  return r;
}

/** `kubectl get … -o json`, parsed. */
export async function getJson<T = KubeObject>(cp: ControlPlane, args: string[]): Promise<T> {
  const r = await kubectlOk(cp, ["get", ...args, "-o", "json"]);
  return JSON.parse(r.stdout) as T;
}

/**
 * Objects for a test's setup, created with `kubectl create -f -` (which sends JSON). The
 * generator commands (`kubectl create namespace|deployment|configmap|service`) send protobuf
 * instead; kubectl-create-generators.test.ts holds those, so other tests don't depend on them.
 */
export const objects = {
  namespace: (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
  configMap: (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name },
    data,
  }),
  /** What `kubectl create deployment NAME --image=IMAGE --replicas=N` makes. */
  deployment: (name: string, image: string, replicas = 1): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
    },
  }),
  /** What `kubectl create service TYPE NAME --tcp=PORT:TARGET` makes. */
  service: (name: string, type: "ClusterIP" | "NodePort" | "LoadBalancer", port: number, targetPort: number): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels: { app: name } },
    spec: { type, selector: { app: name }, ports: [{ name: `${port}-${targetPort}`, port, targetPort, protocol: "TCP" }] },
  }),
};

/** `kubectl create -f -` of these objects (in `namespace`, if given); insists on success. */
export function create(cp: ControlPlane, namespace: string | undefined, ...items: KubeObject[]): Promise<KubectlResult> {
  // A stream of JSON documents rather than a v1 List, whose client-side validation needs /openapi/v2.
  const input = items.map((item) => JSON.stringify(item)).join("\n");
  return kubectlOk(cp, ["create", "-f", "-", ...(namespace ? ["-n", namespace] : [])], { input });
}

/** A list as the API returns it. */
export interface List<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface Table {
  headers: string[];
  rows: Record<string, string>[];
}

/**
 * Parses kubectl's column output. Cells are cut at the header's column offsets (kubectl's
 * tabwriter aligns every cell under its header), so empty cells and headers with spaces
 * ("NOMINATED NODE") come out right. Lines before the header (warnings) are skipped.
 */
export function parseTable(text: string, firstHeader = "NAME"): Table {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const start = lines.findIndex((l) => l.startsWith(firstHeader));
  if (start < 0) throw new Error(`no table with a ${firstHeader} column in:\n${text}`);
  const headerLine = lines[start];
  const headers = headerLine.trim().split(/\s{2,}/);
  const offsets: number[] = [];
  let from = 0;
  for (const h of headers) {
    const at = headerLine.indexOf(h, from);
    offsets.push(at);
    from = at + h.length;
  }
  const rows = lines.slice(start + 1).map((line) => {
    const row: Record<string, string> = {};
    headers.forEach((h, i) => {
      row[h] = line.slice(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : undefined).trim();
    });
    return row;
  });
  return { headers, rows };
}

/** The row whose NAME is `name`, or a failure that shows the table. */
export function rowNamed(table: Table, name: string, column = "NAME"): Record<string, string> {
  const row = table.rows.find((r) => r[column] === name);
  if (!row) throw new Error(`no row ${column}=${name} in ${JSON.stringify(table, null, 1)}`);
  return row;
}

/** A kubectl left running in the background (e.g. `get -w`), its output collected. */
export interface KubectlWatch {
  output(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (also one already printed). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /**
   * Resolves once kubectl's watch request has been answered: changes made after this are seen
   * by the watch, changes made before it may be folded into its starting state.
   */
  waitUntilWatching(timeoutMs?: number): Promise<void>;
  stop(): void;
}

const watches = new Set<ChildProcess>();

function stopWatches(): void {
  for (const child of watches) child.kill("SIGKILL");
  watches.clear();
}

/**
 * Starts kubectl in the background. It runs with `-v=6`, whose request log (on stderr) tells
 * when the watch request got its answer; stdout is kubectl's ordinary output.
 */
export function startKubectlWatch(cp: ControlPlane, args: string[]): KubectlWatch {
  const { command, env } = kubectlCommand(cp);
  const child = spawn(command, [...args, "-v=6"], { env, stdio: ["ignore", "pipe", "pipe"] });
  watches.add(child);
  const out = { stdout: "", stderr: "" };
  let exited = false;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out.stdout += d;
    notify();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    out.stderr += d;
    notify();
  });
  child.once("exit", () => {
    exited = true;
    notify();
  });
  const describeState = () =>
    `kubectl ${args.join(" ")}${exited ? ` (exited ${child.exitCode})` : ""}\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`;

  function waitFor(stream: "stdout" | "stderr", match: (line: string) => boolean, what: string, timeoutMs: number) {
    return new Promise<string>((resolveLine, reject) => {
      const check = () => {
        const line = out[stream].split("\n").find(match);
        if (line !== undefined) {
          done();
          resolveLine(line);
        } else if (exited) {
          done();
          reject(new Error(`kubectl ended before ${what}: ${describeState()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms: ${describeState()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  return {
    output: () => out.stdout,
    stderr: () => out.stderr,
    waitForLine: (pattern, timeoutMs = 30_000) =>
      waitFor("stdout", (l) => pattern.test(l), `line matching ${pattern}`, timeoutMs),
    async waitUntilWatching(timeoutMs = 30_000) {
      await waitFor("stderr", (l) => l.includes("watch=true") && l.includes("200 OK"), "answered watch request", timeoutMs);
    },
    stop() {
      child.kill("SIGKILL");
      watches.delete(child);
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = KubeObject>(): T;
}

/** A raw HTTPS request to the API server, with the admin token unless told otherwise. */
export async function api(
  cp: ControlPlane,
  method: string,
  path: string,
  options: { body?: string; contentType?: string; token?: string | null; accept?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: options.accept ?? "application/json" };
  const token = options.token === undefined ? cp.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.contentType) headers["content-type"] = options.contentType;
  const res = await cp.request(method, path, { headers, body: options.body });
  return {
    ...res,
    json<T>() {
      try {
        return JSON.parse(res.text) as T;
      } catch {
        throw new Error(`${method} ${path} → ${res.status}, body is not JSON: ${res.text.slice(0, 500)}`);
      }
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

let counter = 0;
/** A name unique within this run, valid as an RFC 1123 label. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${counter}`;
}
