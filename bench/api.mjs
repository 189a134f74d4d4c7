#!/usr/bin/env node
// bench/api: the control plane's API under a fresh `wrangler dev`. Prints creates/s, gets/s,
// p50/p99 latency of create and get (paced at 100 writes/s, and at full speed), the time to list
// 1 000 and 10 000 pods as kubectl does (limit=500 pages following `continue`, with and without
// the Table Accept header), and the time from a write to its watch event.
//
//   npm run bench -- bench/api.mjs [--pods 10000] [--paced 1000]
import { parseArgs } from "node:util";
import { startControlPlane } from "../scripts/lib/control-plane.mjs";
import { lines } from "./lib/lines.mjs";
import { percentile, sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({
  options: {
    pods: { type: "string", default: "10000" },
    paced: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
  },
});
const LARGE = Number(flags.pods);
const PACED = Number(flags.paced);
const CONCURRENCY = Number(flags.concurrency);
const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

function summary(latencies, seconds) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, perSecond: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const cp = await startControlPlane();
const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };

async function request(method, path, body, accept) {
  const started = performance.now();
  const res = await cp.request(method, path, {
    headers: accept ? { ...headers, accept } : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const ms = performance.now() - started;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
  return { ms, text: res.text };
}

const configMap = (name) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { key: "value" } });
const pod = (name) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  spec: { containers: [{ name: "main", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
});

/** Runs `count` operations with `concurrency` in flight; returns their latencies and the wall time. */
async function atFullSpeed(count, concurrency, op) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        latencies.push((await op(i)).ms);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
}

/** Starts one operation every 1000/rate ms whatever the previous ones are doing (open loop). */
async function paced(count, rate, op) {
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(op(i).then((r) => r.ms));
  }
  const latencies = await Promise.all(pending);
  return summary(latencies, (performance.now() - started) / 1000);
}

/** Lists like kubectl: limit=500 pages following `continue`; returns ms and the item count. */
async function listAll(path, accept) {
  const started = performance.now();
  let items = 0;
  let cont = "";
  do {
    const query = `?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
    const { text } = await request("GET", path + query, undefined, accept);
    const page = JSON.parse(text);
    items += (page.rows ?? page.items).length;
    cont = page.metadata?.continue ?? "";
  } while (cont);
  return { ms: performance.now() - started, items };
}

async function createNamespace(name) {
  await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

const results = [];
/** One line of the report; `met` says whether a target (if any) was reached. */
const row = (metric, value, target = "", met) =>
  results.push({ metric, value, target: target && `${target} ${met ? "(met)" : "(missed)"}` });
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const log = (msg) => console.error(`[bench] ${msg}`);

// Writes and reads.
await createNamespace("bench");
const CM = "/api/v1/namespaces/bench/configmaps";
log("warming up");
await atFullSpeed(100, 4, (i) => request("POST", CM, configMap(`warm-${i}`)));

log(`${PACED} creates paced at 100/s`);
const pacedCreates = await paced(PACED, 100, (i) => request("POST", CM, configMap(`paced-${i}`)));
row("create latency at 100 writes/s, p50", fmt(pacedCreates.p50));
row("create latency at 100 writes/s, p99", fmt(pacedCreates.p99), "< 50 ms", pacedCreates.p99 < 50);

log(`${PACED * 2} creates at full speed (${CONCURRENCY} in flight)`);
const fastCreates = await atFullSpeed(PACED * 2, CONCURRENCY, (i) => request("POST", CM, configMap(`fast-${i}`)));
row("creates/s (full speed)", fastCreates.perSecond.toFixed(0));
row("create latency at full speed, p50 / p99", `${fmt(fastCreates.p50)} / ${fmt(fastCreates.p99)}`);

log(`${PACED} gets paced at 100/s, then ${PACED * 5} at full speed`);
const pacedGets = await paced(PACED, 100, (i) => request("GET", `${CM}/paced-${i}`));
row("get latency at 100/s, p50 / p99", `${fmt(pacedGets.p50)} / ${fmt(pacedGets.p99)}`);
const fastGets = await atFullSpeed(PACED * 5, CONCURRENCY, (i) => request("GET", `${CM}/fast-${i % (PACED * 2)}`));
row("gets/s (full speed)", fastGets.perSecond.toFixed(0));
row("get latency at full speed, p50 / p99", `${fmt(fastGets.p50)} / ${fmt(fastGets.p99)}`);

// Write → watch event.
log("write → watch event, 300 writes at 20/s");
{
  const listed = JSON.parse((await request("GET", CM + "?limit=1")).text);
  const res = await cp.openRequest("GET", `${CM}?watch=true&resourceVersion=${listed.metadata.resourceVersion}`, {
    headers,
    timeoutMs: 120_000,
  });
  const sentAt = new Map();
  const delays = [];
  const reading = (async () => {
    try {
      for await (const line of lines(res)) {
        const name = JSON.parse(line).object?.metadata?.name;
        if (sentAt.has(name)) delays.push(performance.now() - sentAt.get(name));
      }
    } catch {
      // aborted at the end
    }
  })();
  await paced(300, 20, (i) => {
    sentAt.set(`watched-${i}`, performance.now());
    return request("POST", CM, configMap(`watched-${i}`));
  });
  const deadline = Date.now() + 10_000;
  while (delays.length < 300 && Date.now() < deadline) await sleep(50);
  res.destroy();
  await reading;
  const w = summary(delays, 1);
  row(`write → watch event, p50 / p99 (${w.n}/300 events seen)`, `${fmt(w.p50)} / ${fmt(w.p99)}`);
}

// Lists of pods.
for (const count of [1000, LARGE]) {
  const ns = `list-${count}`;
  await createNamespace(ns);
  log(`creating ${count} pods in ${ns}`);
  const creates = await atFullSpeed(count, CONCURRENCY, (i) => request("POST", `/api/v1/namespaces/${ns}/pods`, pod(`p-${i}`)));
  log(`  ${creates.perSecond.toFixed(0)} pod creates/s`);
  for (const [label, accept] of [["JSON", "application/json"], ["Table", TABLE_ACCEPT]]) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const r = await listAll(`/api/v1/namespaces/${ns}/pods`, accept);
      if (r.items !== count) throw new Error(`listed ${r.items} of ${count} pods`);
      runs.push(r.ms);
    }
    runs.sort((a, b) => a - b);
    const target = count >= 10000 ? "< 2000 ms" : "";
    row(`list ${count} pods, limit=500 pages, ${label} (median of 3)`, fmt(runs[1]), target, runs[1] < 2000);
  }
}

await cp.stop();

const width = (key) => Math.max(key.length, ...results.map((r) => String(r[key]).length));
const [wm, wv, wt] = [width("metric"), width("value"), width("target")];
const line = (m, v, t) => `${m.padEnd(wm)}  ${v.padStart(wv)}  ${t.padEnd(wt)}`;
console.log(`\nbench/api — wrangler dev on ${cp.url}, ${new Date().toISOString()}\n`);
console.log(line("metric", "value", "target"));
console.log(line("-".repeat(wm), "-".repeat(wv), "-".repeat(wt)));
for (const r of results) console.log(line(r.metric, r.value, r.target));
