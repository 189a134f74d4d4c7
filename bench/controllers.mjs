#!/usr/bin/env node
// bench/controllers: the controller host under a fresh `wrangler dev`. Creates a Deployment of
// --replicas (default 1 000) pods and prints the time until that many pods exist, the alarm runs
// it took, store calls per reconcile, and wall time per run (workerd's clock moves only across
// I/O, so a run's time is its CPU plus its store round trips; there is no finer CPU figure).
// The figures come from the ControllerManager's one log line per working run.
//
//   npm run bench -- bench/controllers.mjs [--replicas 1000]
import { parseArgs } from "node:util";
import { startWithControllerRuns } from "./lib/controller-runs.mjs";
import { sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({ options: { replicas: { type: "string", default: "1000" } } });
const REPLICAS = Number(flags.replicas);

const { cp, runs } = await startWithControllerRuns();
const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };

async function request(method, path, body) {
  const res = await cp.request(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

async function podCount(namespace) {
  const list = await request("GET", `/api/v1/namespaces/${namespace}/pods?limit=1`);
  return list.items.length + (list.metadata?.remainingItemCount ?? 0);
}

try {
  const ns = "bench";
  await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  // Let the namespace's own run finish, so the figures below are the Deployment's.
  await sleep(1000);
  const before = runs.length;

  const started = performance.now();
  await request("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "big" },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: "big" } },
      template: { metadata: { labels: { app: "big" } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }] } },
    },
  });
  let count = 0;
  while ((count = await podCount(ns)) < REPLICAS) {
    if (performance.now() - started > 120_000) throw new Error(`only ${count} of ${REPLICAS} pods after 120 s`);
    await sleep(50);
  }
  const podsMs = performance.now() - started;
  // Let the status updates that follow the last creations land.
  await sleep(1500);

  const mine = runs.slice(before);
  const sum = (k) => mine.reduce((a, r) => a + r[k], 0);
  const reconciles = sum("reconciles");
  const storeCalls = sum("storeCalls");
  const durations = mine.map((r) => r.durationMs).sort((a, b) => a - b);
  console.log(`deployment of ${REPLICAS} replicas: ${REPLICAS} pods exist after ${podsMs.toFixed(0)} ms (target < 5000 ms)`);
  console.log(`alarm runs: ${mine.length}; reconciles: ${reconciles}; registry writes: ${sum("writes")}; changes read: ${sum("changes")}`);
  console.log(`store calls: ${storeCalls} in all, ${(storeCalls / Math.max(1, reconciles)).toFixed(1)} per reconcile`);
  console.log(
    `run time (CPU + store round trips): total ${sum("durationMs")} ms, max ${durations.at(-1) ?? 0} ms, median ${durations[Math.floor(durations.length / 2)] ?? 0} ms`,
  );
  for (const r of mine) console.log(`  run: ${JSON.stringify({ ...r, at: undefined })}`);
} finally {
  await cp.stop();
}
