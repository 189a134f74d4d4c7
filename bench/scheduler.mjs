#!/usr/bin/env node
// bench/scheduler: the scheduler under a fresh `wrangler dev` per scenario and mode. Registers N
// Ready nodes, then creates M pods (no owners: only the scheduler acts on them) as fast as the API
// takes them, and follows a watch on the pods until every one is bound. Prints, per scenario:
//   - scheduling throughput: pods bound / (last bind − first pod created), both seen on the watch;
//   - the API's create rate over the same pods (the scheduler cannot go faster than pods arrive);
//   - per-pod latency, creation → bound: from a pod's ADDED event to the event showing its
//     spec.nodeName, on the same watch (p50, p99, max);
//   - the controller host's runs while the pods were scheduled (from its one log line per run).
// The control plane is one workerd thread (behind wrangler's proxy, a second one), so pods
// created at full speed share it with the scheduler and their arrival caps the first figure.
// Mode `backlog` measures the scheduler on its own, as scheduler_perf does when pods arrive faster
// than they are scheduled: the control plane first runs without it (ENABLED_CONTROLLERS=
// "*,-scheduler", kube-controller-manager's --controllers), every pod is created and left
// Pending, then the control plane restarts with every controller and one write wakes them.
// Throughput is pods bound / (that write → last bind), so the cold start (the controller host
// listing 10 000 pods) counts against it; latency is that write → bound.
// Mode `arriving` is the first: pods scheduled as they are created. Both run by default.
// Target: ≥ 500 pods/s on 1 000 nodes (Kubernetes' scheduler_perf floor: 270 pods/s, 5 000 nodes).
//
// `--profile PREFIX` writes a CPU profile of workerd per scenario and prints where its time went.
//
//   npm run bench -- bench/scheduler.mjs [--scenarios 1000x10000,10x1000] [--modes arriving,backlog] [--concurrency 32] [--profile /tmp/sched]
import { parseArgs } from "node:util";
import { startWithControllerRuns } from "./lib/controller-runs.mjs";
import { startCpuProfile } from "./lib/cpu-profile.mjs";
import { lines } from "./lib/lines.mjs";
import { scheduleInProcess } from "./lib/scheduler-core.mjs";
import { percentile, sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({
  options: {
    scenarios: { type: "string", default: "1000x10000,10x1000" },
    concurrency: { type: "string", default: "32" },
    timeout: { type: "string", default: "600" },
    modes: { type: "string", default: "arriving,backlog" },
    profile: { type: "string" },
  },
});
const SCENARIOS = flags.scenarios.split(",").map((s) => {
  const [nodes, pods] = s.split("x").map(Number);
  return { nodes, pods };
});
const CONCURRENCY = Number(flags.concurrency);
const TIMEOUT_MS = Number(flags.timeout) * 1000;
const NAMESPACE = "bench";
const MODES = flags.modes.split(",");
for (const mode of MODES) if (mode !== "arriving" && mode !== "backlog") throw new Error(`unknown mode ${mode}: arriving or backlog`);


/** Runs `op(i)` for i < count with `concurrency` in flight. */
async function parallel(count, concurrency, op) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await op(next++);
    }),
  );
}

function node(i, nodes) {
  const name = `node-${String(i).padStart(5, "0")}`;
  // Room for every pod of the scenario on a tenth of the nodes: capacity is never the limit.
  const resources = { cpu: "32", memory: "128Gi", pods: "110" };
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "bench.skiff.io/cluster": "one", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": `zone-${i % Math.min(3, nodes)}` },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  };
}

/**
 * The node's Lease, renewed an hour ahead: the lifecycle controller then leaves the nodes Ready
 * for the whole run without a thousand agents' heartbeats competing with the pods for the store.
 */
function lease(name) {
  const renew = new Date(Date.now() + 3600_000).toISOString().replace(/Z$/, "000Z");
  return { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace: "kube-node-lease" }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: renew } };
}

const pod = (i) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: `pod-${String(i).padStart(5, "0")}`, labels: { app: "bench" } },
  spec: {
    containers: [{ name: "main", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "100m", memory: "128Mi" } } }],
  },
});
const release = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "release" } };

async function scenario({ nodes, pods }, mode) {
  const backlog = mode === "backlog";
  const { cp, runs } = await startWithControllerRuns(backlog ? { env: { ENABLED_CONTROLLERS: "*,-scheduler" } } : {});
  const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };
  async function request(method, path, body, contentType = "application/json") {
    for (let attempt = 0; ; attempt++) {
      const res = await cp.request(method, path, { headers: { ...headers, "content-type": contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status < 300) return JSON.parse(res.text);
      // The store can shed load under a burst (429/503): retry as client-go does.
      if ((res.status === 429 || res.status >= 500) && attempt < 5) {
        await sleep(100 * 2 ** attempt);
        continue;
      }
      throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
    }
  }


  try {
    await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    let started = performance.now();
    await parallel(nodes, CONCURRENCY, async (i) => {
      const n = node(i, nodes);
      await request("POST", "/api/v1/nodes", n);
      await request("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease(n.metadata.name));
    });
    const nodesMs = performance.now() - started;
    // Let the controllers' reaction to the nodes (pod CIDRs) finish before the pods come.
    await sleep(2000);
    const runsBefore = runs.length;

    const addedAt = new Map();
    const boundAt = new Map();
    let revision = (await request("GET", `/api/v1/namespaces/${NAMESPACE}/pods?limit=1`)).metadata.resourceVersion;
    let reconnects = 0;
    /**
     * Follows the pods from `revision` on, like an informer: the server closes a watch that falls
     * behind, and it resumes from the last revision seen. `stop()` ends it (before a restart).
     */
    function follow() {
      let watching = true;
      let watch;
      let error;
      const reading = (async () => {
        while (watching) {
          watch = await cp.openRequest("GET", `/api/v1/namespaces/${NAMESPACE}/pods?watch=true&resourceVersion=${revision}`, { headers, timeoutMs: TIMEOUT_MS });
          try {
            for await (const line of lines(watch)) {
              const t = performance.now();
              const { type, object } = JSON.parse(line);
              // 410 Gone and the like: the figures would have holes; stop rather than guess.
              if (type === "ERROR") {
                error = new Error(`watch: ${object?.message}`);
                return;
              }
              const name = object?.metadata?.name;
              revision = object?.metadata?.resourceVersion ?? revision;
              if (type === "ADDED" && !addedAt.has(name)) addedAt.set(name, t);
              if (object?.spec?.nodeName && !boundAt.has(name)) boundAt.set(name, t);
            }
          } catch {
            // Aborted by the server (reconnect) or by us.
          }
          if (watching) reconnects++;
        }
      })();
      return {
        error: () => error,
        async stop() {
          watching = false;
          watch?.destroy();
          await reading;
        },
      };
    }
    async function until(done, what, since) {
      while (!done()) {
        if (watch.error()) throw watch.error();
        if (performance.now() - since > TIMEOUT_MS) throw new Error(`${what} after ${TIMEOUT_MS / 1000} s`);
        await sleep(50);
      }
    }

    let watch = follow();
    let profiler = flags.profile && !backlog ? await startCpuProfile(cp.inspectorPort()) : undefined;
    started = performance.now();
    let createdMs = 0;
    const creating = parallel(pods, CONCURRENCY, (i) => request("POST", `/api/v1/namespaces/${NAMESPACE}/pods`, pod(i))).then(() => {
      createdMs = performance.now() - started;
    });
    let releasedAt;
    let restartMs;
    if (backlog) {
      await creating;
      await until(() => addedAt.size >= pods, `only ${addedAt.size} of ${pods} pods seen`, started);
      if (boundAt.size > 0) throw new Error(`${boundAt.size} pods were bound without a scheduler`);
      await watch.stop();
      const restarting = performance.now();
      await cp.restart({ env: { ENABLED_CONTROLLERS: "*" } });
      restartMs = performance.now() - restarting;
      watch = follow();
      profiler = flags.profile ? await startCpuProfile(cp.inspectorPort()) : undefined;
      releasedAt = performance.now();
      await request("POST", `/api/v1/namespaces/${NAMESPACE}/configmaps`, release);
    }
    await until(() => boundAt.size >= pods, `only ${boundAt.size} of ${pods} pods bound`, started);
    await creating;
    await profiler?.stop(`${flags.profile}-${mode}-${nodes}x${pods}.cpuprofile`);
    await watch.stop();
    // A run logs its line after its last write: give the last ones a moment to arrive.
    await sleep(1000);

    const firstAdded = releasedAt ?? Math.min(...addedAt.values());
    const lastBound = Math.max(...boundAt.values());
    // In backlog mode a pod waits from the release, not from its creation.
    const latencies = [...boundAt].map(([name, t]) => t - (releasedAt ?? addedAt.get(name) ?? t)).sort((a, b) => a - b);
    const mine = runs.filter((r, i) => i >= runsBefore && (releasedAt === undefined || r.at >= releasedAt));
    const sum = (k) => mine.reduce((a, r) => a + r[k], 0);
    const durations = mine.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      mode,
      nodes,
      pods,
      nodesPerSec: nodes / (nodesMs / 1000),
      createPerSec: pods / (createdMs / 1000),
      podsPerSec: pods / ((lastBound - firstAdded) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
      runs: mine.length,
      runMsMax: durations.at(-1) ?? 0,
      runMsMedian: durations[Math.floor(durations.length / 2)] ?? 0,
      storeCalls: sum("storeCalls"),
      watchReconnects: reconnects,
      restartMs,
      writes: sum("writes"),
    };
  } finally {
    await cp.stop();
  }
}

const results = [];
for (const s of SCENARIOS) {
  const nodeSpecs = Array.from({ length: s.nodes }, (_, i) => ({ ...node(i, s.nodes), spec: {} }));
  const podSpecs = Array.from({ length: s.pods }, (_, i) => pod(i));
  const corePodsPerSec = (await scheduleInProcess(nodeSpecs, podSpecs)).podsPerSec;
  for (const mode of MODES) {
    console.log(`scenario: ${s.pods} pods on ${s.nodes} nodes, ${mode} …`);
    const r = { ...(await scenario(s, mode)), corePodsPerSec };
    results.push(r);
    console.log(`  ${JSON.stringify(r, (_k, v) => (typeof v === "number" ? Math.round(v * 10) / 10 : v))}`);
  }
}

const fmt = (n, digits = 0) => n.toFixed(digits);
console.log("");
console.log("arriving: pods scheduled as the API creates them at full speed on the same workerd; latency is creation → bound");
console.log("backlog: pods created with the scheduler off, then the control plane restarted with it on and woken by one write; throughput and latency from that write (cold start included)");
console.log("| mode | nodes | pods | scheduled pods/s | create pods/s | p50 ms | p99 ms | max ms | host runs | run ms median/max | algorithm alone, pods/s | end to end / alone | target |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of results) {
  const target = r.nodes >= 1000 ? `≥ 500 pods/s: ${r.podsPerSec >= 500 ? "met" : "missed"}` : "";
  console.log(
    `| ${r.mode} | ${r.nodes} | ${r.pods} | ${fmt(r.podsPerSec)} | ${fmt(r.createPerSec)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.runs} | ${fmt(r.runMsMedian)}/${fmt(r.runMsMax)} | ${fmt(r.corePodsPerSec)} | ${fmt(r.podsPerSec / r.corePodsPerSec, 2)} | ${target} |`,
  );
}
console.log("(Kubernetes' scheduler_perf floor for SchedulingBasic: 270 pods/s on 5 000 nodes. \"Algorithm alone\": src/scheduler in this Node process on the same nodes and pods, without API, store or controller host.)");
