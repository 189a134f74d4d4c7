// Starts and stops a Skiff control plane under `wrangler dev`, for `npm run dev`, the benchmarks
// and the end-to-end tests (test/e2e/harness.ts). Plain ESM JavaScript so that Node 20 runs it
// without a TypeScript loader; its types are in control-plane.d.mts.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WRANGLER = join(REPO_ROOT, "node_modules/.bin/wrangler");
const KUBECTL = process.env.KUBECTL ?? "kubectl";
const LOG_TAIL_LINES = 60;
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;
// wrangler reports a Worker that fails to build or load this way, then waits for a file change.
const WRANGLER_ERROR = /^✘ \[ERROR\]/;

/** A free TCP port on 127.0.0.1 (the kernel picks it; a race with another binder is possible but rare). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A random bearer token (hex, so it needs no quoting in YAML or .dev.vars). */
export function randomToken() {
  return randomBytes(24).toString("hex");
}

/**
 * A self-signed serving certificate for 127.0.0.1 and localhost, made once per directory.
 * kubectl only sends credentials over TLS (clientcmd drops a token for an http:// server), so
 * the control plane always serves HTTPS; clients trust this certificate as their CA.
 */
export function ensureServingCert(dir) {
  const keyPath = join(dir, "tls.key");
  const certPath = join(dir, "tls.crt");
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyPath, "-out", certPath, "-days", "3650", "-subj", "/CN=skiff",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
      ],
      { stdio: "pipe" },
    );
  }
  return { keyPath, certPath, ca: readFileSync(certPath, "utf8") };
}

/** Writes a kubeconfig for one cluster, one admin user, namespace `default`. */
export function writeKubeconfig(path, { server, token, ca, name = "skiff" }) {
  mkdirSync(dirname(path), { recursive: true });
  // JSON.stringify gives quoted scalars, which are valid YAML.
  const q = JSON.stringify;
  const text = `apiVersion: v1
kind: Config
clusters:
- name: ${q(name)}
  cluster:
    server: ${q(server)}
    certificate-authority-data: ${q(Buffer.from(ca).toString("base64"))}
users:
- name: ${q(`${name}-admin`)}
  user:
    token: ${q(token)}
contexts:
- name: ${q(name)}
  context:
    cluster: ${q(name)}
    user: ${q(`${name}-admin`)}
    namespace: default
current-context: ${q(name)}
`;
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/**
 * One HTTPS request to a control plane (trusting its certificate). Resolves with the response
 * stream once the headers are in; `stream.destroy()` ends it early (watches).
 */
export function openRequest(target, method, path, { headers = {}, body, timeoutMs = 60_000 } = {}) {
  // Node sends a DELETE's body with neither Content-Length nor chunking unless told its length.
  const allHeaders = body === undefined ? headers : { "content-length": String(Buffer.byteLength(body)), ...headers };
  return new Promise((resolveResponse, reject) => {
    const req = httpsRequest(new URL(path, target.url), { method, headers: allHeaders, agent: target.agent }, resolveResponse);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end(body);
  });
}

/** One HTTPS request, read to the end. */
export async function request(target, method, path, options = {}) {
  const res = await openRequest(target, method, path, options);
  const chunks = [];
  for await (const chunk of res) chunks.push(chunk);
  return { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") };
}

/** kubectl's command and environment for a control plane: its kubeconfig and its own cache dir. */
export function kubectlCommand(target) {
  return { command: KUBECTL, env: kubectlEnv(target) };
}

function kubectlEnv(target) {
  return { ...process.env, KUBECONFIG: target.kubeconfig, KUBECACHEDIR: target.cacheDir };
}

/**
 * Runs kubectl to completion. A run longer than `timeoutMs` is killed and rejected with its
 * output, so that a hang becomes a readable failure.
 */
export function runKubectl(target, args, { input, timeoutMs = 60_000, env = {} } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(KUBECTL, args, {
      env: { ...kubectlEnv(target), ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kubectl ${args.join(" ")} timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

// Every process group this module started and has not yet stopped, so that an exiting or
// interrupted parent takes them with it.
const liveGroups = new Set();
let exitHooksInstalled = false;

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    const onSignal = () => {
      // A program that handles the signal itself (npm run dev) stops its control planes gracefully.
      if (process.listenerCount(signal) > 1) return;
      for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
      liveGroups.clear();
      // Then the default action: die of the same signal.
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// A detached watchdog that kills the group when this process dies without running its exit
// hooks (SIGKILL, a crashed test worker), and exits by itself once the group is gone.
const REAPER = `
const [parent, pgid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
setInterval(() => {
  if (!alive(-pgid)) process.exit(0);
  if (!alive(parent)) { try { process.kill(-pgid, "SIGKILL"); } catch {} process.exit(0); }
}, 500);
`;

function startReaper(pgid) {
  spawn(process.execPath, ["-e", REAPER, String(process.pid), String(pgid)], {
    detached: true,
    stdio: "ignore",
  }).unref();
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

// What a snapshot of the repository leaves out: big, generated, or local to one checkout.
const NOT_SNAPSHOTTED = new Set(["node_modules", ".git", ".wrangler", ".skiff", "dist", ".dev.vars", "artifacts"]);

/**
 * Copies the repository (its sources, not node_modules, which is linked) to `dir`. wrangler dev
 * rebuilds and restarts the Worker whenever a watched source changes, failing requests in
 * flight; a run against a snapshot is not disturbed by edits made meanwhile.
 */
function snapshotRepository(dir) {
  cpSync(REPO_ROOT, dir, { recursive: true, filter: (src) => !NOT_SNAPSHOTTED.has(basename(src)) });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Starts `wrangler dev` for one cluster and waits until `/readyz` answers 200.
 *
 * @example
 *   const cp = await startControlPlane({ env: { COMPACT_KEEP_REVISIONS: "1" } });
 *   const { stdout } = await cp.kubectl(["get", "pods"]);
 *   await cp.stop();
 */
export async function startControlPlane(options = {}) {
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), "skiff-cp-"));
  mkdirSync(runDir, { recursive: true });
  const stateDir = resolve(options.stateDir ?? join(runDir, "state"));
  mkdirSync(stateDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const token = options.token ?? randomToken();
  const url = `https://127.0.0.1:${port}`;
  const tls = ensureServingCert(join(runDir, "tls"));
  // Connections kept alive: the benchmarks and tests make many small requests.
  const agent = new Agent({ ca: tls.ca, keepAlive: true, maxSockets: 64 });
  const cacheDir = join(runDir, "kube-cache");
  const kubeconfig = writeKubeconfig(options.kubeconfigPath ?? join(runDir, "kubeconfig"), { server: url, token, ca: tls.ca });
  const logPath = join(runDir, "wrangler.log");
  const workerDir = options.snapshot === false ? REPO_ROOT : snapshotRepository(join(runDir, "worker"));
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  // Without .dev.vars the instance sees only what we pass: an empty env file stops wrangler from
  // reading the repository's .dev.vars (npm run dev's), which would leak into tests.
  const emptyEnvFile = join(runDir, "empty.env");
  if (!options.useDevVars) writeFileSync(emptyEnvFile, "");
  const vars = options.useDevVars ? { ...options.env } : { ADMIN_TOKEN: token, ...options.env };

  let child;
  let logTail = [];
  let exited;
  let inspectorPort;

  async function start() {
    inspectorPort = await freePort();
    const args = [
      "dev",
      "--port", String(port),
      "--ip", "127.0.0.1",
      "--local-protocol", "https",
      "--https-key-path", tls.keyPath,
      "--https-cert-path", tls.certPath,
      "--inspector-port", String(inspectorPort),
      "--persist-to", stateDir,
      "--log-level", options.logLevel ?? "warn",
      "--show-interactive-dev-session=false",
      ...(options.useDevVars ? [] : ["--env-file", emptyEnvFile]),
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ];
    const log = createWriteStream(logPath, { flags: "a" });
    logTail = [];
    child = spawn(WRANGLER, args, {
      cwd: workerDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        // Offline machines: skip fetching the `Request.cf` placeholder (a warning and up to 3 s).
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        CI: "true",
        NO_COLOR: "1",
        FORCE_COLOR: "0",
        WRANGLER_LOG_PATH: join(runDir, "wrangler-debug-logs"),
      },
    });
    const pgid = child.pid;
    liveGroups.add(pgid);
    installExitHooks();
    startReaper(pgid);
    const onOutput = (chunk) => {
      log.write(chunk);
      options.onOutput?.(chunk);
      logTail.push(...chunk.toString("utf8").replace(ANSI_ESCAPE, "").split("\n"));
      if (logTail.length > LOG_TAIL_LINES) logTail = logTail.slice(-LOG_TAIL_LINES);
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    exited.then(() => log.end());

    const deadline = Date.now() + readyTimeoutMs;
    let earlyExit;
    exited.then((e) => (earlyExit = e));
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (earlyExit) {
        await stopProcess();
        throw new Error(
          `wrangler dev exited (code ${earlyExit.code}, signal ${earlyExit.signal}) before /readyz answered\n` +
            `--- log tail (${logPath}) ---\n${logTail.join("\n")}`,
        );
      }
      if (logTail.some((l) => WRANGLER_ERROR.test(l))) {
        await stopProcess();
        throw new Error(`wrangler dev could not start the Worker\n--- log tail (${logPath}) ---\n${logTail.join("\n")}`);
      }
      try {
        const res = await request({ url, agent }, "GET", "/readyz", { timeoutMs: 2_000 });
        if (res.status === 200) return;
        lastProblem = `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
      } catch (err) {
        lastProblem = String(err?.code ?? err?.message ?? err);
      }
      await delay(250);
    }
    await stopProcess();
    throw new Error(
      `control plane at ${url} not ready after ${readyTimeoutMs} ms (last: ${lastProblem})\n` +
        `--- log tail (${logPath}) ---\n${logTail.join("\n")}`,
    );
  }

  async function stopProcess() {
    if (!child) return;
    const pgid = child.pid;
    killGroup(pgid, "SIGTERM");
    const killed = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
    if (!killed) killGroup(pgid, "SIGKILL");
    await exited;
    // workerd may outlive wrangler for a moment; the group is ours to finish.
    for (let i = 0; i < 50 && groupAlive(pgid); i++) {
      if (i === 20) killGroup(pgid, "SIGKILL");
      await delay(100);
    }
    liveGroups.delete(pgid);
    child = undefined;
  }

  await start();

  const target = { kubeconfig, cacheDir, url, agent };
  return {
    url,
    port,
    token,
    ca: tls.ca,
    agent,
    kubeconfig,
    cacheDir,
    stateDir,
    runDir,
    logPath,
    logTail: () => logTail.join("\n"),
    inspectorPort: () => inspectorPort,
    kubectl: (args, runOptions) => runKubectl(target, args, runOptions),
    request: (method, path, requestOptions) => request(target, method, path, requestOptions),
    openRequest: (method, path, requestOptions) => openRequest(target, method, path, requestOptions),
    exited: () => exited,
    async stop() {
      await stopProcess();
      agent.destroy();
      // The snapshot is the bulk of the run dir; the log, kubeconfig and state stay for a look.
      if (workerDir !== REPO_ROOT) rmSync(workerDir, { recursive: true, force: true });
    },
    /** Stop and start again on the same state; `env` changes Worker vars for the new run. */
    async restart(restartOptions = {}) {
      await stopProcess();
      Object.assign(vars, restartOptions.env);
      await start();
    },
  };
}
