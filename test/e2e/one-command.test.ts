/**
 * `npm run dev` as a new user runs it: `node scripts/dev.mjs` in its own process group with its
 * own directory, then kubectl: one Ready node within 60 s, the seed Deployment Running and Ready;
 * Ctrl-C (SIGINT to the group) stops wrangler and the agent; a second run resumes the same node
 * and Deployment. Needs a Docker engine (under CI=true its absence fails, elsewhere it skips).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestImages } from "../fixtures/images/build.mjs";
import { freePort, REPO_ROOT } from "../../scripts/lib/control-plane.mjs";
import type { Deployment, Node, Pod } from "../../src/lib/types.js";
import { dockerAvailable } from "./cluster/docker-check.js";
import { SEED, eventually, type List } from "./harness.js";

const NODE = `one-command-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "skiff-one-command-"));
const kubeconfig = join(dir, "kubeconfig");

function kubectl(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("kubectl", args, { encoding: "utf8", timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, "kube-cache") } });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function getJson<T>(args: string[]): T | undefined {
  const r = kubectl(["get", ...args, "-o", "json"]);
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
}

/** Processes whose command line mentions our directory: wrangler, workerd and the agent. */
function ourProcesses(): number[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

interface Dev {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

async function startDev(port: number): Promise<Dev> {
  let out = "";
  const child = spawn(process.execPath, [join(REPO_ROOT, "scripts/dev.mjs"), "--port", String(port), "--dir", dir, "--node-name", NODE, "--metrics-port", "0"], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const dev = { child, output: () => out, exited };
  await eventually("dev.mjs prints what to type next", async () => {
    if (child.exitCode !== null) throw new Error(`dev.mjs exited ${child.exitCode}:\n${out}`);
    return out.includes("export KUBECONFIG=") && existsSync(kubeconfig);
  }, { timeoutMs: 150_000 });
  return dev;
}

async function ctrlC(dev: Dev): Promise<void> {
  process.kill(-dev.child.pid!, "SIGINT");
  const code = await Promise.race([dev.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000))]);
  expect(code, dev.output()).toBe(0);
}

const isReady = (o: { status?: { conditions?: Array<{ type: string; status: string }> } } | undefined) =>
  o?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe.skipIf(!dockerAvailable())("npm run dev: one command, a whole local cluster", () => {
  let dev: Dev | undefined;
  afterAll(async () => {
    if (dev && dev.child.exitCode === null) process.kill(-dev.child.pid!, "SIGKILL");
    for (const pid of ourProcesses()) process.kill(pid, "SIGKILL");
    const ids = spawnSync("docker", ["ps", "-aq", "--filter", `label=io.skiff.node-name=${NODE}`], { encoding: "utf8" }).stdout.trim();
    if (ids) spawnSync("docker", ["rm", "-f", ...ids.split("\n")]);
    spawnSync("docker", ["network", "rm", `skiff-${NODE}`]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("starts a Ready node, runs the seed Deployment, stops on Ctrl-C and resumes", async () => {
    const port = await freePort();
    buildTestImages();
    const started = Date.now();
    dev = await startDev(port);
    expect(dev.output()).toContain("with the docker runtime");
    const node = await eventually("one Ready node", async () => {
      const nodes = getJson<List<Node>>(["nodes"]);
      return nodes?.items.length === 1 && isReady(nodes.items[0]) ? nodes.items[0] : undefined;
    }, { timeoutMs: 60_000 });
    expect(node.metadata.name).toBe(NODE);
    expect(Date.now() - started).toBeLessThan(150_000);

    const apply = kubectl(["apply", "-f", join(SEED, "webapp-deployment.yaml")]);
    expect(apply.code, apply.stderr).toBe(0);
    const pod = await eventually("the seed pod Running and Ready", async () =>
      getJson<List<Pod>>(["pods", "-l", "app=webapp"])?.items.find((p) => p.status?.phase === "Running" && isReady(p)),
      { timeoutMs: 90_000 });
    expect(pod.spec?.nodeName).toBe(NODE);
    const uid = getJson<Deployment>(["deployment", "webapp-deployment"])?.metadata.uid;

    await ctrlC(dev);
    expect(ourProcesses()).toEqual([]);
    expect(dev.output()).toContain("removed");

    dev = await startDev(port);
    expect(dev.output()).toContain("resuming with its stored credential");
    const nodes = getJson<List<Node>>(["nodes"]);
    expect(nodes?.items.map((n) => n.metadata.name)).toEqual([NODE]);
    expect(getJson<Deployment>(["deployment", "webapp-deployment"])?.metadata.uid).toBe(uid);
    await eventually("the seed pod Ready again", async () =>
      getJson<List<Pod>>(["pods", "-l", "app=webapp"])?.items.find((p) => p.status?.phase === "Running" && isReady(p)),
      { timeoutMs: 90_000 });
    await ctrlC(dev);
    expect(ourProcesses()).toEqual([]);
  }, 600_000);
});
