#!/usr/bin/env node
// bench/streams: kubectl logs and exec through the stream relay (wrangler dev ⇄ StreamRelay ⇄ the
// agent's outbound WebSocket) against the same container read with the docker CLI on this machine.
// Prints
//   - time to first byte of `kubectl logs <pod>` vs `docker logs <container>` (median of --runs),
//   - throughput of `kubectl exec <pod> -- cat` of a --mb MB file vs `docker exec <container> cat`,
// each with the ratio relay/docker. Both sides are whole CLI runs (process start included).
//
//   npm run bench -- bench/streams.mjs [--runs 10] [--mb 50]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildAgent } from "../agents/build.mjs";
import { REPO_ROOT, freePort, kubectlCommand, startControlPlane } from "../scripts/lib/control-plane.mjs";
import { buildTestImages, PAUSE_IMAGE } from "../test/fixtures/images/build.mjs";
import { removeAgentNetwork } from "../scripts/lib/agent-network.mjs";
import { sleep } from "./lib/stats.mjs";

const { values: flags } = parseArgs({ options: { runs: { type: "string", default: "10" }, mb: { type: "string", default: "50" } } });
const RUNS = Number(flags.runs);
const BYTES = Number(flags.mb) * 1024 * 1024;
const NODE = "bench-streams";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

buildTestImages();
await buildAgent();
const cp = await startControlPlane();
const work = mkdtempSync(join(tmpdir(), "skiff-bench-streams-"));
writeFileSync(join(work, "ca.crt"), cp.ca);
const headers = { authorization: `Bearer ${cp.token}`, "content-type": "application/json", accept: "application/json" };
const kubectl = kubectlCommand(cp);

async function api(method, path, body) {
  const res = await cp.request(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

/** Runs a command; resolves with ms to its first stdout byte, ms to its end, and bytes read. */
function timed(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let first;
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (d) => {
      first ??= performance.now() - started;
      bytes += d.length;
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.once("exit", (code) => (code === 0 ? resolve({ firstMs: first ?? NaN, totalMs: performance.now() - started, bytes }) : reject(new Error(`${command} ${args.join(" ")} → ${code}: ${stderr}`))));
  });
}

const agent = spawn(
  process.execPath,
  [join(REPO_ROOT, "agents/bin/skiff-agent.mjs"), "--server", cp.url, "--token", cp.token, "--certificate-authority", join(work, "ca.crt"), "--name", NODE, "--pause-image", PAUSE_IMAGE, "--state-dir", join(work, "agent"), "--metrics-port", String(await freePort()), "--log-level", "warn"],
  { stdio: ["ignore", "ignore", "inherit"] },
);

try {
  await api("POST", "/api/v1/namespaces/default/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "streams" },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "main", image: "web-app:1.0", imagePullPolicy: "Never", command: ["sh", "-c", `for i in 1 2 3 4 5; do echo log-line-$i; done; head -c ${BYTES} /dev/urandom > /tmp/big; echo ready; exec sleep 3600`] }],
    },
  });
  let container;
  for (let i = 0; ; i++) {
    const pod = await api("GET", "/api/v1/namespaces/default/pods/streams").catch(() => undefined);
    container = pod?.status?.containerStatuses?.[0]?.state?.running && pod.status.containerStatuses[0].containerID?.replace("docker://", "");
    if (container && execFileSync("docker", ["logs", container], { encoding: "utf8" }).includes("ready")) break;
    if (i > 300) throw new Error("the bench pod did not start");
    await sleep(200);
  }

  const logs = { relay: [], docker: [], get: [] };
  for (let i = 0; i < RUNS; i++) {
    logs.relay.push((await timed(kubectl.command, ["logs", "streams"], kubectl.env)).firstMs);
    logs.docker.push((await timed("docker", ["logs", container])).firstMs);
    // For scale: kubectl's own start and one API call, with no relay.
    logs.get.push((await timed(kubectl.command, ["get", "pod", "streams", "-o", "name"], kubectl.env)).firstMs);
  }
  const execs = { relay: [], docker: [] };
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
    const r = await timed(kubectl.command, ["exec", "streams", "--", "cat", "/tmp/big"], kubectl.env);
    const d = await timed("docker", ["exec", container, "cat", "/tmp/big"]);
    if (r.bytes !== BYTES || d.bytes !== BYTES) throw new Error(`read ${r.bytes} (relay) and ${d.bytes} (docker) bytes, not ${BYTES}`);
    execs.relay.push(BYTES / 1024 / 1024 / (r.totalMs / 1000));
    execs.docker.push(BYTES / 1024 / 1024 / (d.totalMs / 1000));
  }

  const ttfb = { relay: median(logs.relay), docker: median(logs.docker) };
  const mbps = { relay: median(execs.relay), docker: median(execs.docker) };
  console.log(`kubectl logs, time to first byte (median of ${RUNS}): relay ${ttfb.relay.toFixed(0)} ms, docker logs ${ttfb.docker.toFixed(0)} ms → ${(ttfb.relay / ttfb.docker).toFixed(1)}× docker (kubectl get pod, no relay: ${median(logs.get).toFixed(0)} ms)`);
  console.log(`kubectl exec -- cat of ${flags.mb} MB (median of ${execs.relay.length}): relay ${mbps.relay.toFixed(1)} MB/s, docker exec ${mbps.docker.toFixed(1)} MB/s → ${(mbps.relay / mbps.docker).toFixed(2)}× docker's throughput`);
} finally {
  await api("DELETE", "/api/v1/namespaces/default/pods/streams").catch(() => {});
  await sleep(3_000);
  agent.kill("SIGTERM");
  await new Promise((r) => agent.once("exit", r));
  removeAgentNetwork();
  try {
    const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=io.skiff.node-name=${NODE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
    if (ids.length) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
    execFileSync("docker", ["network", "rm", `skiff-${NODE}`], { stdio: "ignore" });
  } catch {
    // nothing left
  }
  await cp.stop();
  rmSync(work, { recursive: true, force: true });
}
