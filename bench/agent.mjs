#!/usr/bin/env node
// bench/agent: the node agent on this machine's Docker, under a fresh `wrangler dev`. Prints
//   - apply→running latency p50/p99 for pods created one a second on one node (image present),
//   - the time for a burst of pods to all run,
//   - the agent's RSS idle and with the burst's pods,
//   - an idle node's billed requests per hour, counted by the agent itself
//     (skiff_agent_api_requests_total on /metrics), over a window run --time-scale times faster.
// Pods are bound to the node directly (spec.nodeName), so the figures are the agent's, not the
// scheduler's.
//
//   npm run bench -- bench/agent.mjs [--paced 20] [--burst 30] [--idle-seconds 60] [--time-scale 10]
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildAgent } from "../agents/build.mjs";
import { REPO_ROOT, freePort, startControlPlane } from "../scripts/lib/control-plane.mjs";
import { buildTestImages, PAUSE_IMAGE } from "../test/fixtures/images/build.mjs";
import { removeAgentNetwork } from "../scripts/lib/agent-network.mjs";
import { lines } from "./lib/lines.mjs";
import { percentile, sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({
  options: {
    paced: { type: "string", default: "20" },
    burst: { type: "string", default: "30" },
    "idle-seconds": { type: "string", default: "60" },
    "time-scale": { type: "string", default: "10" },
  },
});
const PACED = Number(flags.paced);
const BURST = Number(flags.burst);
const IDLE_SECONDS = Number(flags["idle-seconds"]);
const TIME_SCALE = Number(flags["time-scale"]);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

buildTestImages();
await buildAgent();
const cp = await startControlPlane();
const work = mkdtempSync(join(tmpdir(), "skiff-bench-agent-"));
const caPath = join(work, "ca.crt");
writeFileSync(caPath, cp.ca);
const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };
const agents = [];

async function api(method, path, body) {
  const res = await cp.request(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

async function startAgent(name, extra = []) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "agents/bin/skiff-agent.mjs"),
      "--server", cp.url,
      "--token", cp.token,
      "--certificate-authority", caPath,
      "--name", name,
      "--pause-image", PAUSE_IMAGE,
      "--state-dir", join(work, name),
      "--metrics-port", String(port),
      "--log-level", "warn",
      ...extra,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const agent = { name, child, port };
  agents.push(agent);
  for (let i = 0; ; i++) {
    const node = await api("GET", `/api/v1/nodes/${name}`).catch(() => undefined);
    if (node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) break;
    if (i > 150) throw new Error(`agent ${name} did not register`);
    await sleep(200);
  }
  return agent;
}

async function metric(agent, name) {
  const text = await (await fetch(`http://127.0.0.1:${agent.port}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

const rss = (agent) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${agent.child.pid}/status`, "utf8"))[1]) * 1024;

async function stopAgent(agent) {
  agent.child.kill("SIGTERM");
  await new Promise((r) => agent.child.once("exit", r));
}

/** Removes what an agent left in the host's Docker: its containers and its pod network. */
function removeDockerLeftovers(node) {
  const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=io.skiff.node-name=${node}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (ids.length) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
  execFileSync("docker", ["network", "rm", `skiff-${node}`], { stdio: "ignore" });
}

/** Follows pod watch events and resolves, per pod name, when it is first seen Running. */
async function watchRunning() {
  const list = await api("GET", "/api/v1/namespaces/default/pods");
  const res = await cp.openRequest("GET", `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`, { headers, timeoutMs: 3_600_000 });
  const runningAt = new Map();
  const waiters = new Map();
  void (async () => {
    try {
      for await (const line of lines(res)) {
        if (!line.trim()) continue;
        const { object } = JSON.parse(line);
        const name = object?.metadata?.name;
        if (object?.status?.phase === "Running" && !runningAt.has(name)) {
          runningAt.set(name, performance.now());
          waiters.get(name)?.();
        }
      }
    } catch {
      // closed at the end
    }
  })();
  return {
    running: (name) => (runningAt.has(name) ? Promise.resolve() : new Promise((r) => waiters.set(name, r))),
    at: (name) => runningAt.get(name),
    close: () => res.destroy(),
  };
}

const pod = (name, node) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  spec: { nodeName: node, terminationGracePeriodSeconds: 2, containers: [{ name: "web", image: "web-app:1.0", imagePullPolicy: "Never" }] },
});

try {
  // 1. An idle node's cost, compressed: --time-scale 10 runs 60 s as 10 minutes of heartbeats and polls.
  const idle = await startAgent("bench-idle", ["--time-scale", String(TIME_SCALE)]);
  await sleep(3_000);
  const before = await metric(idle, "skiff_agent_api_requests_total");
  await sleep(IDLE_SECONDS * 1000);
  const made = (await metric(idle, "skiff_agent_api_requests_total")) - before;
  const perHour = (made / (IDLE_SECONDS * TIME_SCALE)) * 3600;
  await stopAgent(idle);

  // 2. Latency and memory on a node running pods.
  const agent = await startAgent("bench-node");
  await sleep(2_000);
  const rssIdle = rss(agent);
  const watch = await watchRunning();

  const latencies = [];
  for (let i = 0; i < PACED; i++) {
    const name = `paced-${i}`;
    const started = performance.now();
    await api("POST", "/api/v1/namespaces/default/pods", pod(name, "bench-node"));
    void watch.running(name).then(() => latencies.push(watch.at(name) - started));
    await sleep(1000);
  }
  await Promise.all(Array.from({ length: PACED }, (_, i) => watch.running(`paced-${i}`)));
  await api("DELETE", "/api/v1/namespaces/default/pods?labelSelector=app%3Dbench");
  for (let i = 0; i < 300; i++) {
    const left = (await api("GET", "/api/v1/namespaces/default/pods")).items.length;
    if (left === 0) break;
    await sleep(200);
  }

  const burstStart = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => api("POST", "/api/v1/namespaces/default/pods", pod(`burst-${i}`, "bench-node"))));
  await Promise.all(Array.from({ length: BURST }, (_, i) => watch.running(`burst-${i}`)));
  const burstMs = performance.now() - burstStart;
  await sleep(5_000);
  const rssBusy = rss(agent);
  watch.close();

  const sorted = latencies.sort((a, b) => a - b);
  console.log(`apply→running (${PACED} pods, one a second): p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms (target p99 < 2000 ms)`);
  console.log(`burst of ${BURST} pods to all running: ${(burstMs / 1000).toFixed(1)} s`);
  console.log(`agent RSS: idle ${mb(rssIdle)}, with ${BURST} pods ${mb(rssBusy)} (target < 80 MB)`);
  console.log(`idle node: ${made} requests in ${IDLE_SECONDS} s at --time-scale ${TIME_SCALE} → ${perHour.toFixed(0)} billed requests per hour (target < 200)`);
  await api("DELETE", "/api/v1/namespaces/default/pods?labelSelector=app%3Dbench");
  await sleep(3_000);
} finally {
  for (const a of agents) if (a.child.exitCode === null) await stopAgent(a);
  removeAgentNetwork();
  for (const node of ["bench-idle", "bench-node"]) {
    try {
      removeDockerLeftovers(node);
    } catch {
      // nothing left
    }
  }
  await cp.stop();
  rmSync(work, { recursive: true, force: true });
}
