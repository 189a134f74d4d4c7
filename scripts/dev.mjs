#!/usr/bin/env node
// `npm run dev`: a whole local Skiff cluster. Starts the control plane under `wrangler dev` with
// its state persisted in .skiff/state (so a second run resumes the same cluster), creates
// .dev.vars with an admin token and an encryption key when they are missing, writes
// .skiff/kubeconfig, then starts a local agent as the first node (Docker when an engine answers,
// else the process runtime). The agent joins with a fresh join token the first time and keeps its
// node credential in .skiff/agent, so later runs resume the same node without a token.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, randomToken, startControlPlane } from "./lib/control-plane.mjs";
import { createJoinToken, readKubeconfig } from "./lib/join-token.mjs";
import { removeAgentNetwork } from "./lib/agent-network.mjs";

const USAGE = `Usage: npm run dev -- [options]

Starts a local Skiff control plane under wrangler dev, writes <dir>/kubeconfig and starts this
machine as the cluster's first node.

  --port N             the control plane's port (default 8787)
  --dir DIR            where the cluster lives: kubeconfig, logs, agent state (default .skiff)
  --state DIR          the control plane's persisted state (default <dir>/state)
  --no-node            the control plane alone, no local node
  --node-name NAME     the node's name (default: the hostname)
  --runtime R          docker or process (default: docker when \`docker version\` answers)
  --pause-image IMAGE  the pod sandbox image (default: the agent's, registry.k8s.io/pause:3.10)
  --metrics-port N     the agent's /healthz and /metrics port (default 10248; 0 disables)
  --keep-pods          on Ctrl-C leave the node's Docker containers running (as kubelet does)`;

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    dir: { type: "string", default: join(REPO_ROOT, ".skiff") },
    state: { type: "string" },
    "no-node": { type: "boolean", default: false },
    "node-name": { type: "string" },
    runtime: { type: "string" },
    "pause-image": { type: "string" },
    "metrics-port": { type: "string", default: "10248" },
    "keep-pods": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
function usageError(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}
const port = Number(flags.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) usageError(`invalid --port ${flags.port}`);
if (flags.runtime !== undefined && flags.runtime !== "docker" && flags.runtime !== "process") {
  usageError(`--runtime must be docker or process, not ${flags.runtime}`);
}

/** A path as the user would type it: relative below the working directory, else absolute. */
function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}
const skiffDir = resolve(flags.dir);
const stateDir = resolve(flags.state ?? join(skiffDir, "state"));

/** Reads .dev.vars and adds the secrets it lacks; returns its values. */
function ensureDevVars(path) {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const vars = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  const wanted = {
    ADMIN_TOKEN: () => randomToken(),
    ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
  };
  const added = Object.keys(wanted).filter((k) => !vars[k]);
  if (added.length > 0) {
    for (const k of added) vars[k] = wanted[k]();
    const lines = added.map((k) => `${k}=${vars[k]}`).join("\n");
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    writeFileSync(path, `${text}${sep}${lines}\n`, { mode: 0o600 });
    console.log(`Wrote ${added.join(" and ")} to ${shown(path)}`);
  }
  return vars;
}

/**
 * Which runtime the node gets, and why: Docker when its engine answers `docker version`, else
 * the process runtime. Exits when Docker was asked for and cannot be used.
 */
function chooseRuntime(asked) {
  if (asked === "process") return { runtime: "process", why: "--runtime process" };
  const probe = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8", timeout: 10_000 });
  if (probe.status === 0) return { runtime: "docker", why: `Docker Engine ${probe.stdout.trim()} answers` };
  const stderr = `${probe.stderr ?? ""}`;
  const problem = probe.error?.code === "ENOENT"
    ? "no `docker` command"
    : /permission denied/i.test(stderr)
      ? `Docker is there but ${userInfo().username} may not use its socket (permission denied): run as root, or join the docker group`
      : "no Docker engine answers `docker version`";
  if (asked === "docker") {
    console.error(`--runtime docker: ${problem}`);
    process.exit(1);
  }
  return { runtime: "process", why: `${problem} — the process runtime runs pods as plain host processes, without isolation, and needs each container's command` };
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** The node's credential kept by a previous run (agents/src/api/credentials.ts writes it). */
function storedCredential(agentStateDir) {
  try {
    return JSON.parse(readFileSync(join(agentStateDir, "credential.json"), "utf8")).token;
  } catch {
    return undefined;
  }
}

const DEFAULT_PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/**
 * The sandbox image for a Docker node: the agent's default when Docker has it or can pull it;
 * offline, the local stand-in that test/fixtures/images/build.mjs makes from busybox.
 */
async function pauseImageFor(runtime) {
  if (flags["pause-image"] || runtime !== "docker") return flags["pause-image"];
  const docker = (args, timeout) => spawnSync("docker", args, { stdio: "ignore", timeout }).status === 0;
  if (docker(["image", "inspect", DEFAULT_PAUSE_IMAGE], 10_000) || docker(["pull", DEFAULT_PAUSE_IMAGE], 60_000)) return undefined;
  try {
    const { buildTestImages, PAUSE_IMAGE } = await import("../test/fixtures/images/build.mjs");
    buildTestImages();
    console.log(`${DEFAULT_PAUSE_IMAGE} cannot be pulled: using the local stand-in ${PAUSE_IMAGE} (built with the seed's images)`);
    return PAUSE_IMAGE;
  } catch (err) {
    console.warn(`${DEFAULT_PAUSE_IMAGE} cannot be pulled and no stand-in could be built (${err.message}); pods will wait for it`);
    return undefined;
  }
}

/**
 * Starts the local agent, its output appended to `logPath`. In a process group of its own, so
 * that a terminal's Ctrl-C reaches only us and we stop it first, then the control plane.
 */
function startAgent({ cp, name, runtime, pauseImage, caPath, agentStateDir, logPath, token }) {
  const args = [
    join(REPO_ROOT, "agents/bin/skiff-agent.mjs"),
    "--server", cp.url,
    "--certificate-authority", caPath,
    "--name", name,
    "--runtime", runtime,
    "--state-dir", agentStateDir,
    "--metrics-port", flags["metrics-port"],
    ...(pauseImage ? ["--pause-image", pauseImage] : []),
  ];
  const fd = openSync(logPath, "a");
  // The token goes through the environment, not the command line that `ps` shows.
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, SKIFF_TOKEN: token } });
  closeSync(fd);
  // Dying without a graceful stop (an uncaught error, process.exit) takes the agent along.
  process.once("exit", () => child.kill("SIGKILL"));
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  return { child, exited };
}

function logTail(path, lines = 20) {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Waits until the Node reports Ready=True; undefined when it does, else why not. */
async function waitNodeReady(cp, name, agent, timeoutMs) {
  let agentExit;
  agent.exited.then((e) => (agentExit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (agentExit) return `the agent exited (code ${agentExit.code}, signal ${agentExit.signal})`;
    try {
      const res = await cp.request("GET", `/api/v1/nodes/${name}`, { timeoutMs: 5_000, headers: { authorization: `Bearer ${cp.token}` } });
      if (res.status === 200) {
        const ready = JSON.parse(res.text).status?.conditions?.find((c) => c.type === "Ready");
        if (ready?.status === "True") return undefined;
      }
    } catch {
      // the control plane busy or restarting: ask again
    }
    await delay(500);
  }
  return `node ${name} not Ready within ${timeoutMs / 1000} s`;
}

/** Removes the node's pod containers, found by the label the agent puts on them. */
function removePodContainers(name) {
  const ids = spawnSync("docker", ["ps", "-aq", "--filter", `label=io.skiff.node-name=${name}`], { encoding: "utf8" }).stdout?.trim();
  if (!ids) return 0;
  const list = ids.split("\n");
  spawnSync("docker", ["rm", "-f", ...list], { stdio: "ignore" });
  return list.length;
}

const devVars = ensureDevVars(join(REPO_ROOT, ".dev.vars"));

console.log(`Starting the control plane on port ${port} (state in ${shown(stateDir)}) …`);
let cp;
try {
  cp = await startControlPlane({
    port,
    stateDir,
    runDir: skiffDir,
    kubeconfigPath: join(skiffDir, "kubeconfig"),
    token: devVars.ADMIN_TOKEN,
    useDevVars: true,
    // A developer's cluster follows their edits: wrangler rebuilds the Worker as files change.
    snapshot: false,
    logLevel: "info",
    onOutput: (chunk) => process.stdout.write(chunk),
  });
} catch (err) {
  console.error(String(err?.message ?? err));
  process.exit(1);
}

let node;
let agent;
let stopping = false;
if (!flags["no-node"]) {
  const name = (flags["node-name"] ?? hostname()).toLowerCase();
  const { runtime, why } = chooseRuntime(flags.runtime);
  const agentStateDir = join(skiffDir, "agent");
  const logPath = join(skiffDir, "agent.log");
  const caPath = join(skiffDir, "ca.crt");
  writeFileSync(caPath, cp.ca);
  let token = storedCredential(agentStateDir);
  const resumed = token !== undefined;
  if (!resumed) {
    try {
      ({ token } = await createJoinToken(readKubeconfig(cp.kubeconfig), { ttlMs: 3600_000, description: `npm run dev: the local node ${name}` }));
    } catch (err) {
      console.error(`cannot make a join token for the local node: ${err.message}`);
      await cp.stop();
      process.exit(1);
    }
  }
  console.log(`\nStarting node ${name} with the ${runtime} runtime (${why}) as ${userInfo().username}; ` +
    `${resumed ? "resuming with its stored credential" : "joining with a fresh join token"}; state in ${shown(agentStateDir)}, log in ${shown(logPath)} …`);
  mkdirSync(agentStateDir, { recursive: true, mode: 0o700 });
  const pauseImage = await pauseImageFor(runtime);
  agent = startAgent({ cp, name, runtime, pauseImage, caPath, agentStateDir, logPath, token });
  const problem = await waitNodeReady(cp, name, agent, 60_000);
  if (problem) {
    console.error(`${problem}\n--- ${shown(logPath)} ---\n${logTail(logPath)}`);
    agent.child.kill("SIGTERM");
    await agent.exited;
    await cp.stop();
    process.exit(1);
  }
  node = { name, runtime, logPath };
  // An agent that dies later is reported; the control plane keeps running.
  agent.exited.then(({ code, signal }) => {
    if (!stopping) console.error(`the agent exited (code ${code}, signal ${signal}); log: ${shown(logPath)}`);
  });
}

const onCtrlC = !node
  ? "Ctrl-C stops the control plane"
  : node.runtime === "docker" && !flags["keep-pods"]
    ? "Ctrl-C stops the agent, removes this node's pod containers and Service rules, and stops the control plane"
    : node.runtime === "docker"
      ? "Ctrl-C stops the agent (its pod containers keep running: --keep-pods) and the control plane"
      : "Ctrl-C stops the agent and the control plane; the process runtime's pods keep running";
console.log(`
Skiff is running at ${cp.url}${node ? `, with this machine as node ${node.name} (${node.runtime} runtime; agent log: ${shown(node.logPath)})` : " (no node: --no-node)"}.

  export KUBECONFIG=${cp.kubeconfig}
  kubectl get nodes
  node test/fixtures/images/build.mjs                      # the seed's images (web-app:1.0 …) into Docker
  kubectl apply -f test/fixtures/seed/webapp-deployment.yaml
  kubectl get deploy,pods -o wide

Another host joins with the command that \`npm run token\` prints.
${onCtrlC}; \`npm run dev\` again resumes the same cluster${node ? ", node and pods" : ""}.
`);

async function stopAgent() {
  if (!agent || agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill("SIGTERM");
  const gone = await Promise.race([agent.exited.then(() => true), delay(15_000).then(() => false)]);
  if (!gone) agent.child.kill("SIGKILL");
  await agent.exited;
}

async function shutdown(signal) {
  if (stopping) {
    // A second Ctrl-C: don't wait for a graceful stop.
    process.exit(130);
  }
  stopping = true;
  if (node) {
    console.log(`\n${signal}: stopping node ${node.name} …`);
    await stopAgent();
    if (node.runtime === "docker" && !flags["keep-pods"]) {
      const removed = removePodContainers(node.name);
      if (removed > 0) console.log(`removed ${removed} pod container(s); the next run starts them again`);
      if (!removeAgentNetwork()) console.error("could not remove the node's Service rules and pod routes: run `npx skiff-agent --cleanup-network`");
    }
  }
  console.log(`${node ? "" : "\n"}${signal}: stopping the control plane …`);
  await cp.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const { code, signal } = await cp.exited();
if (!stopping) {
  console.error(`wrangler dev exited unexpectedly (code ${code}, signal ${signal}); log: ${cp.logPath}`);
  stopping = true;
  await stopAgent();
  await cp.stop();
  process.exit(1);
}
