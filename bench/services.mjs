#!/usr/bin/env node
// bench/services: requests/s and p99 latency through a Service against the same backend reached
// directly, on one node (an agent on this machine's Docker, under a fresh `wrangler dev`):
//   - pod → ClusterIP:80 vs pod → backend pod IP:5000 (the load generator runs in a client pod's
//     network namespace, entered with nsenter, so its traffic takes the pod's path: veth, bridge,
//     the node's iptables DNAT);
//   - node address → NodePort vs node → backend pod IP (from the host's network namespace: the
//     NodePort is DNATed in OUTPUT as an outside client's is in PREROUTING).
// Every request opens a new TCP connection (what a Service's DNAT costs is per connection; a
// kept-alive connection is translated once). The backend is one busybox httpd pod (web-app:1.0).
// Load generator (Node.js, one process), proxy (the kernel's netfilter) and backend share the
// machine's cores — all of them, printed below.
//
//   npm run bench -- bench/services.mjs [--seconds 5] [--concurrency 8] [--rounds 3]
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildAgent } from "../agents/build.mjs";
import { REPO_ROOT, freePort, startControlPlane } from "../scripts/lib/control-plane.mjs";
import { buildTestImages, PAUSE_IMAGE } from "../test/fixtures/images/build.mjs";
import { removeAgentNetwork } from "../scripts/lib/agent-network.mjs";
import { sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({ options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "8" }, rounds: { type: "string", default: "3" } } });
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const CONCURRENCY = Number(flags.concurrency);
const NODE = "bench-svc";

// The load generator, run as its own process (in the client pod's netns, or the host's).
const LOADGEN = `
import { request } from "node:http";
const [url, seconds, concurrency] = process.argv.slice(2);
const end = performance.now() + Number(seconds) * 1000;
const lat = []; let errors = 0;
function once() {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = request(url, { agent: false }, (res) => { res.resume(); res.once("end", () => { lat.push(performance.now() - t); resolve(); }); });
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.once("error", () => { errors++; resolve(); });
    req.end();
  });
}
async function worker() { while (performance.now() < end) await once(); }
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const s = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const p = (q) => lat[Math.min(lat.length - 1, Math.ceil(q * lat.length) - 1)] ?? NaN;
console.log(JSON.stringify({ rps: lat.length / s, p50: p(0.5), p99: p(0.99), errors }));
`;

buildTestImages();
await buildAgent();
const cp = await startControlPlane();
const work = mkdtempSync(join(tmpdir(), "skiff-bench-services-"));
const caPath = join(work, "ca.crt");
writeFileSync(caPath, cp.ca);
const loadgen = join(work, "loadgen.mjs");
writeFileSync(loadgen, LOADGEN);
const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };
let agent;

async function api(method, path, body) {
  const res = await cp.request(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

async function until(what, probe, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

function run(netnsPid, url) {
  const args = [process.execPath, loadgen, url, String(SECONDS), String(CONCURRENCY)];
  const out = netnsPid ? execFileSync("nsenter", [`--net=/proc/${netnsPid}/ns/net`, ...args], { encoding: "utf8" }) : execFileSync(args[0], args.slice(1), { encoding: "utf8" });
  return JSON.parse(out);
}

const fmt = (r) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ""}`;

try {
  const port = await freePort();
  agent = spawn(
    process.execPath,
    [join(REPO_ROOT, "agents/bin/skiff-agent.mjs"), "--server", cp.url, "--token", cp.token, "--certificate-authority", caPath, "--name", NODE, "--pause-image", PAUSE_IMAGE, "--state-dir", join(work, NODE), "--metrics-port", String(port), "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const pod = (name, labels) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: "web", image: "web-app:1.0", imagePullPolicy: "Never", ports: [{ containerPort: 5000 }] }] },
  });
  await until("the node", () => api("GET", `/api/v1/nodes/${NODE}`).then((n) => n.spec?.podCIDR && n));
  await api("POST", "/api/v1/namespaces/default/pods", pod("backend", { app: "bench-backend" }));
  await api("POST", "/api/v1/namespaces/default/pods", pod("client", { app: "bench-client" }));
  const svc = await api("POST", "/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "bench" },
    spec: { type: "NodePort", selector: { app: "bench-backend" }, ports: [{ port: 80, targetPort: 5000 }] },
  });
  const running = (name) => until(`${name} running`, () => api("GET", `/api/v1/namespaces/default/pods/${name}`).then((p) => p.status?.phase === "Running" && p.status.podIP && p));
  const backend = await running("backend");
  const client = await running("client");
  const node = await api("GET", `/api/v1/nodes/${NODE}`);
  const nodeIP = node.status.addresses.find((a) => a.type === "InternalIP").address;
  const clientPid = execFileSync("docker", ["inspect", "-f", "{{.State.Pid}}", client.status.containerStatuses[0].containerID.slice(9)], { encoding: "utf8" }).trim();
  const clusterIP = svc.spec.clusterIP;
  const nodePort = svc.spec.ports[0].nodePort;
  const direct = `http://${backend.status.podIP}:5000/`;
  // The proxy's rules follow the Endpoints; wait until the Service answers.
  await until("the Service answering", async () => run(clientPid, `http://${clusterIP}/`).rps > 0);
  await until("the NodePort answering", async () => run(undefined, `http://${nodeIP}:${nodePort}/`).rps > 0);

  // Alternating rounds, each figure the median round: the machine is shared and warms up.
  const rounds = { podDirect: [], podService: [], hostDirect: [], hostNodePort: [] };
  for (let i = 0; i < ROUNDS; i++) {
    rounds.podDirect.push(run(clientPid, direct));
    rounds.podService.push(run(clientPid, `http://${clusterIP}/`));
    rounds.hostDirect.push(run(undefined, direct));
    rounds.hostNodePort.push(run(undefined, `http://${nodeIP}:${nodePort}/`));
  }
  const median = (rs) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)];
  const podDirect = median(rounds.podDirect);
  const podService = median(rounds.podService);
  const hostDirect = median(rounds.hostDirect);
  const hostNodePort = median(rounds.hostNodePort);
  console.log(`cores: ${cpus().length}, shared by the load generator (1 Node.js process, ${CONCURRENCY} concurrent requests, a new connection each), the proxy (netfilter) and the backend (busybox httpd); median of ${ROUNDS} alternating rounds of ${SECONDS} s`);
  console.log(`pod → backend pod directly:    ${fmt(podDirect)}`);
  console.log(`pod → ClusterIP Service:       ${fmt(podService)}  → ${((100 * podService.rps) / podDirect.rps).toFixed(0)} % of direct (target ≥ 70 %)`);
  console.log(`node → backend pod directly:   ${fmt(hostDirect)}`);
  console.log(`node address → NodePort:       ${fmt(hostNodePort)}  → ${((100 * hostNodePort.rps) / hostDirect.rps).toFixed(0)} % of direct (target ≥ 70 %)`);
  await api("DELETE", "/api/v1/namespaces/default/services/bench");
  for (const name of ["backend", "client"]) await api("DELETE", `/api/v1/namespaces/default/pods/${name}`);
  await sleep(2000);
} finally {
  if (agent && agent.exitCode === null) {
    agent.kill("SIGTERM");
    await new Promise((r) => agent.once("exit", r));
  }
  removeAgentNetwork();
  const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=io.skiff.node-name=${NODE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (ids.length) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
  try {
    execFileSync("docker", ["network", "rm", `skiff-${NODE}`], { stdio: "ignore" });
  } catch {
    // no network left
  }
  // wrangler's shutdown resets (or breaks) a kept-alive socket whose request has settled; that
  // late "socket hang up" is not a result of the run, so it is ignored from here on.
  process.on("uncaughtException", (err) => {
    if (err?.code !== "ECONNRESET" && err?.code !== "EPIPE") throw err;
  });
  await cp.stop();
  rmSync(work, { recursive: true, force: true });
}
