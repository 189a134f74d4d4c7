/**
 * A multi-node Skiff cluster on one machine for end-to-end tests, as DESIGN.md describes: a
 * control plane under `wrangler dev` (the e2e harness), and per node a network namespace on a
 * shared bridge, its own dockerd and its own agent, both started through `nsenter --net`. The
 * test images are built once on the host's Docker and moved into each daemon with
 * `docker save | docker load`. `destroy()` removes everything, also after a failure.
 *
 * @example
 *   const cluster = useCluster(cp, { nodes: ["node-a", "node-b"] });
 *   await cluster.node("node-a").stopAgent();
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { buildAgent } from "../../../agents/build.mjs";
import { buildTestImages, copyImages, PAUSE_IMAGE } from "../../fixtures/images/build.mjs";
import type { ControlPlane } from "../harness.js";
import { removeTree, startDockerDaemon, type DockerDaemon } from "./docker-daemon.js";
import { createForwarder, type Forwarder } from "./forwarder.js";
import { addNode, clearStaleNetworks, createBridge, removeBridge, removeNode, sh, type NetworkPlan, type NodeNet } from "./netns.js";
import { startProcess, type Proc } from "./processes.js";
import { REPO_ROOT } from "../../../scripts/lib/control-plane.mjs";
import { dockerAvailable } from "./docker-check.js";

export interface ClusterNode {
  name: string;
  ip: string;
  net: NodeNet;
  daemon: DockerDaemon;
  stateDir: string;
  /** The agent's metrics/health server, reachable from the host. */
  metricsUrl: string;
  agentLog: string;
  agentRunning(): boolean;
  startAgent(): Promise<void>;
  /** SIGTERM: the agent stops, its containers keep running. */
  stopAgent(): Promise<void>;
  /** Runs the docker CLI against this node's daemon. */
  docker(args: string[]): string;
  /** Names of this node's running containers that belong to a pod. */
  podContainers(): Array<{ id: string; name: string; status: string }>;
}

export interface Cluster {
  nodes: ClusterNode[];
  node(name: string): ClusterNode;
  forwarder: Forwarder;
  destroy(): Promise<void>;
  /** Recent log lines of every agent, for failure messages. */
  agentLogs(): string;
}

export interface ClusterOptions {
  nodes: string[];
  /** Extra agent flags. */
  agentArgs?: string[];
}

const METRICS_PORT = 10248;

export async function startCluster(cp: ControlPlane, options: ClusterOptions): Promise<Cluster> {
  clearStaleNetworks();
  await buildAgent();
  const images = buildTestImages();
  const root = mkdtempSync(join(tmpdir(), "skiff-cluster-"));
  const caPath = join(root, "ca.crt");
  writeFileSync(caPath, cp.ca);
  let plan: NetworkPlan | undefined;
  let forwarder: Forwarder | undefined;
  const nodes: ClusterNode[] = [];
  const nets: NodeNet[] = [];
  const agents = new Map<string, Proc>();

  async function destroy(): Promise<void> {
    await Promise.all([...agents.values()].map((a) => a.stop(5_000)));
    await Promise.all(nodes.map((n) => n.daemon.stop()));
    await forwarder?.stop();
    for (const n of nets) removeNode(n);
    if (plan) removeBridge(plan);
    removeTree(root);
  }

  try {
    plan = createBridge();
    forwarder = createForwarder(plan.hostIP, cp.port);
    await forwarder.start();
    const server = `https://${plan.hostIP}:${cp.port}`;
    for (const [i, name] of options.nodes.entries()) {
      const net = addNode(plan, i);
      nets.push(net);
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      const daemon = await startDockerDaemon(net.netns, join(dir, "docker"));
      copyImages(images, undefined, daemon.host);
      const stateDir = join(dir, "agent");
      const agentLog = join(dir, "agent.log");
      const args = [
        `--net=/run/netns/${net.netns}`,
        process.execPath,
        join(REPO_ROOT, "agents/bin/skiff-agent.mjs"),
        "--server", server,
        "--token", cp.token,
        "--certificate-authority", caPath,
        "--tls-server-name", "127.0.0.1",
        "--name", name,
        "--node-ip", net.ip,
        "--docker-host", daemon.socket,
        "--pause-image", PAUSE_IMAGE,
        "--state-dir", stateDir,
        "--metrics-port", String(METRICS_PORT),
        "--metrics-host", "0.0.0.0",
        "--log-level", "debug",
        ...(options.agentArgs ?? []),
      ];
      const node: ClusterNode = {
        name,
        ip: net.ip,
        net,
        daemon,
        stateDir,
        metricsUrl: `http://${net.ip}:${METRICS_PORT}`,
        agentLog,
        agentRunning: () => !!agents.get(name) && !agents.get(name)!.exited(),
        async startAgent() {
          if (node.agentRunning()) return;
          agents.set(name, startProcess("nsenter", args, agentLog));
        },
        async stopAgent() {
          await agents.get(name)?.stop();
          agents.delete(name);
        },
        docker: (a) => daemon.docker(a),
        podContainers() {
          const out = daemon.docker(["ps", "--filter", "label=io.skiff.node-name", "--format", "{{.ID}}\t{{.Names}}\t{{.Status}}"]);
          return out
            .split("\n")
            .filter(Boolean)
            .map((l) => {
              const [id, n, status] = l.split("\t");
              return { id, name: n, status };
            });
        },
      };
      nodes.push(node);
      await node.startAgent();
    }
  } catch (err) {
    await destroy().catch(() => undefined);
    throw err;
  }

  return {
    nodes,
    forwarder,
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    destroy,
    agentLogs: () => nodes.map((n) => `--- ${n.name} agent ---\n${sh("tail", ["-n", "30", n.agentLog], { allowFail: true })}`).join("\n"),
  };
}

/**
 * A cluster for the file's tests, on the control plane `cp` (from `useControlPlane`): started
 * before them, destroyed after them. Returns undefined (and the tests should skip) when Docker
 * is not usable and CI is not set; under CI a missing engine fails.
 */
export function useCluster(cp: ControlPlane, options: ClusterOptions): { get(): Cluster } {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(cp, options);
  }, 300_000);
  afterAll(async () => {
    await cluster?.destroy();
  }, 120_000);
  return {
    get() {
      if (!cluster) throw new Error("cluster not started");
      return cluster;
    },
  };
}

/** A `.catch` handler that rethrows with the agents' recent log lines, which say why a pod stalled. */
export function withAgentLogs(cluster: { get(): Cluster }): (e: Error) => never {
  return (e) => {
    throw new Error(`${e.message}\n--- agents ---\n${cluster.get().agentLogs()}`);
  };
}

export { dockerAvailable };
