/**
 * The agent: wires the runtime, the pod manager, the channel, the heartbeat and the metrics
 * server, in the order that lets pods run without the control plane: assignments kept on disk
 * are started first, then the agent registers and follows the channel when it can.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import type { Node, Pod } from "../../src/lib/types.js";
import { ApiClient, UnreachableError } from "./api/client.js";
import { NODE_CREDENTIALS_PATH, NodeCredentials } from "./api/credentials.js";
import { POLL_SECONDS, PodChannel } from "./channel/pod-channel.js";
import { systemClock, type Clock } from "./clock.js";
import type { AgentConfig } from "./config.js";
import { DnsServer } from "./dns/dns-server.js";
import { podNaming } from "./dns/pod-naming.js";
import type { NodeDNS } from "./dns/resolv-conf.js";
import { HostResolvConf } from "./dns/upstream.js";
import { createLogger, type Logger } from "./log.js";
import { Metrics, serveMetrics } from "./metrics.js";
import { NetworkManager } from "./network/network-manager.js";
import { LEASE_RENEW_MS, NODE_STATUS_EVERY_MS, NodeHeartbeat } from "./node/heartbeat.js";
import type { NodeFacts } from "./node/node-object.js";
import { apiReferences } from "./pod/api-references.js";
import { Backoff } from "./pod/backoff.js";
import { PodManager } from "./pod/pod-manager.js";
import { StatusWriter } from "./pod/status-writer.js";
import { DockerEngine } from "./runtime/docker/engine.js";
import { DockerRuntime } from "./runtime/docker/docker-runtime.js";
import { DEFAULT_NETWORK, ensurePodNetwork, podGateway } from "./runtime/docker/pod-network.js";
import { ProcessRuntime } from "./runtime/process/process-runtime.js";
import type { Runtime } from "./runtime/types.js";
import { StateDir } from "./state/state-dir.js";
import { STREAM_POLL_SECONDS } from "../../src/streams/protocol.js";
import { StreamChannel } from "./streams/stream-channel.js";

/** The first non-loopback IPv4 address of the host. */
export function detectNodeIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

async function readTrimmed(path: string): Promise<string> {
  return (await readFile(path, "utf8").catch(() => "")).trim();
}

export class Agent {
  readonly metrics = new Metrics();
  readonly log: Logger;
  readonly api: ApiClient;
  private readonly state: StateDir;
  private readonly clock: Clock;
  private runtime!: Runtime;
  private engine: DockerEngine | undefined;
  private manager!: PodManager;
  private channel!: PodChannel;
  private heartbeat!: NodeHeartbeat;
  private streams: StreamChannel | undefined;
  private podNetwork: NetworkManager | undefined;
  /** The cluster's DNS for this node's pods, on the pod network's gateway (Docker runtime). */
  private dns: DnsServer | undefined;
  private readonly hostResolv: HostResolvConf;
  private metricsServer: Server | undefined;
  private network = DEFAULT_NETWORK;
  private podCIDR: string | undefined;
  private readonly nodeIP: string;
  private registered = false;
  private stopping = false;
  private readonly credentials: NodeCredentials;

  constructor(
    readonly config: AgentConfig,
    options: { clock?: Clock; log?: Logger } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? createLogger(config.logLevel, { node: config.name });
    const ca = config.certificateAuthority ? readFileSync(config.certificateAuthority, "utf8") : undefined;
    this.credentials = new NodeCredentials(config.token, join(config.stateDir, "credential.json"));
    this.api = new ApiClient(config.server, this.credentials, { ca, serverName: config.tlsServerName });
    this.state = new StateDir(config.stateDir);
    this.nodeIP = config.nodeIP ?? detectNodeIP();
    this.hostResolv = new HostResolvConf(config.resolvConf);
  }

  /**
   * Trade a join token for this node's credential (once; it is kept in the state dir). A
   * control plane out of reach is waited for; a refused token is fatal.
   */
  private async join(): Promise<void> {
    const trade = (body: unknown) => this.api.request<{ status?: { token?: string } }>("POST", NODE_CREDENTIALS_PATH, { body });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.credentials.ensure(this.config.name, trade);
        return;
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw new Error(`cannot join the cluster as ${this.config.name}: ${String(err)}`);
        this.log.warn("control plane unreachable; will try to join again", { error: String(err) });
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * attempt)));
      }
    }
  }

  async start(): Promise<void> {
    const { config, log } = this;
    await this.state.init();
    await this.join();
    this.podCIDR = (await this.state.loadNode()).podCIDR;
    if (config.runtime === "docker") {
      this.engine = new DockerEngine(config.dockerHost);
      this.runtime = new DockerRuntime({ engine: this.engine, nodeName: config.name, pauseImage: config.pauseImage, network: () => this.network });
      this.dns = new DnsServer({
        clusterDomain: config.clusterDomain,
        cluster: () => this.podNetwork?.cluster() ?? { synced: false, services: [], endpoints: [] },
        upstreams: () => this.hostResolv.get().nameservers,
        log: log.with({ component: "dns" }),
      });
      await this.setUpNetwork();
    } else {
      this.runtime = new ProcessRuntime({ nodeName: config.name, stateDir: config.stateDir, hostIP: () => this.nodeIP, log });
    }
    const info = await this.runtime.info();
    log.info("runtime ready", { runtime: info.name, version: info.version, nodeIP: this.nodeIP });

    const statusWriter = new StatusWriter(this.api, log.with({ component: "status" }));
    this.manager = new PodManager({
      runtime: this.runtime,
      clock: this.clock,
      log,
      nodeName: config.name,
      hostIP: () => this.nodeIP,
      stateDir: config.stateDir,
      refs: apiReferences(this.api, this.state),
      naming: this.dns && podNaming({ stateDir: config.stateDir, services: () => this.podNetwork?.cluster() ?? { synced: false, services: [] }, node: () => this.nodeDNS() }),
      crashBackoff: new Backoff(this.clock),
      imageBackoff: new Backoff(this.clock),
      state: this.state,
      statusWriter,
      onRestart: () => this.metrics.inc("skiff_agent_container_restarts_total", "Containers the agent restarted."),
      onProbe: (kind, result) => this.metrics.inc("skiff_agent_probe_results_total", "Probe runs by probe type and result.", { probe: kind, result }),
    });
    await this.manager.loadAssignments();
    this.manager.startRelist();

    this.heartbeat = new NodeHeartbeat({
      api: this.api,
      clock: this.clock,
      log: log.with({ component: "heartbeat" }),
      name: config.name,
      facts: () => this.facts(),
      onNode: (node) => void this.onNode(node).catch((err: unknown) => log.warn("cannot apply the node's pod CIDR", { error: String(err) })),
      onReconnect: () => this.manager.reconnected(),
      leaseRenewMs: LEASE_RENEW_MS / config.timeScale,
      statusEveryMs: NODE_STATUS_EVERY_MS / config.timeScale,
    });
    if (config.runtime === "docker") {
      this.podNetwork = new NetworkManager({
        api: this.api,
        nodeName: config.name,
        nodeIP: this.nodeIP,
        mode: config.podNetwork,
        podCIDR: () => this.podCIDR,
        log: log.with({ component: "network" }),
        pollSeconds: Math.round(POLL_SECONDS / config.timeScale),
      });
      this.podNetwork.onChange(() => this.dns?.invalidate());
    }
    const podsHere = this.podNetwork?.pods.handlers;
    this.channel = new PodChannel({
      api: this.api,
      nodeName: config.name,
      log: log.with({ component: "channel" }),
      pollSeconds: Math.round(POLL_SECONDS / config.timeScale),
      handlers: {
        onSync: (pods: Pod[]) => {
          this.manager.sync(pods);
          podsHere?.onSync(pods);
        },
        onEvent: (type, pod) => {
          this.manager.event(type, pod);
          podsHere?.onEvent(type, pod);
        },
        onConnected: (up) => {
          if (up) this.manager.reconnected();
        },
      },
    });
    this.registerMetrics(statusWriter);
    if (config.metricsPort > 0) {
      this.metricsServer = await serveMetrics(this.metrics, config.metricsPort, config.metricsHost, () => !this.stopping);
    }
    void this.registerLoop();
  }

  /** Registers the Node (retrying while the control plane is away), then starts the channel and heartbeat. */
  private async registerLoop(): Promise<void> {
    let delay = 1000;
    while (!this.stopping && !this.registered) {
      try {
        const node = await this.heartbeat.register();
        this.registered = true;
        await this.waitForPodCIDR(node);
      } catch (err) {
        this.log.warn("cannot register the node yet; pods kept on disk keep running", { error: String(err) });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 15_000);
      }
    }
    if (this.stopping) return;
    this.channel.start();
    await this.podNetwork?.start().catch((err: unknown) => this.log.error("cannot start the pod network and service proxy", { error: String(err) }));
    this.streams = new StreamChannel({ api: this.api, nodeName: this.config.name, runtime: this.runtime, log: this.log.with({ component: "streams" }), pollSeconds: Math.round(STREAM_POLL_SECONDS / this.config.timeScale) });
    this.streams.start();
    this.heartbeat.start();
  }

  /** The node IPAM controller assigns `spec.podCIDR` right after registration; wait a little for it. */
  private async waitForPodCIDR(node: Node): Promise<void> {
    let n = node;
    for (let i = 0; i < 20 && !n.spec?.podCIDR && !this.stopping; i++) {
      await new Promise((r) => setTimeout(r, 250));
      n = await this.api.get<Node>(`/api/v1/nodes/${encodeURIComponent(this.config.name)}`);
    }
    await this.onNode(n);
  }

  private async onNode(node: Node): Promise<void> {
    const cidr = node.spec?.podCIDR;
    if (!cidr || cidr === this.podCIDR) return;
    this.podCIDR = cidr;
    await this.state.saveNode({ podCIDR: cidr });
    await this.setUpNetwork();
  }

  private async setUpNetwork(): Promise<void> {
    if (!this.engine) return;
    try {
      this.network = await ensurePodNetwork(this.engine, this.config.name, this.podCIDR);
      this.log.info("pod network", { network: this.network, podCIDR: this.podCIDR });
    } catch (err) {
      this.log.error("cannot set up the pod network; using the default bridge", { error: String(err) });
      this.network = DEFAULT_NETWORK;
    }
    void this.serveDNS();
  }

  /** The cluster DNS address of this node's pods: the pod network's gateway. */
  private clusterDNS(): string | undefined {
    return this.dns && this.podCIDR ? podGateway(this.podCIDR) : undefined;
  }

  private nodeDNS(): NodeDNS {
    const dns = this.clusterDNS();
    return { clusterDNS: dns ? [dns] : [], clusterDomain: this.config.clusterDomain, host: this.hostResolv.get() };
  }

  /** Listens on the gateway, retrying while Docker brings the bridge (and its address) up. */
  private async serveDNS(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      const address = this.clusterDNS();
      if (!this.dns || !address) return;
      try {
        await this.dns.listen(address);
        return;
      } catch (err) {
        if (attempt % 15 === 1) this.log.warn("cannot serve DNS to the pods yet; retrying", { address, error: String(err) });
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  private async facts(): Promise<NodeFacts> {
    return {
      name: this.config.name,
      hostname: hostname(),
      nodeIP: this.nodeIP,
      labels: this.config.labels,
      runtime: await this.runtime.info(),
      images: await this.runtime.listImages(),
      machineID: await readTrimmed("/etc/machine-id"),
      bootID: await readTrimmed("/proc/sys/kernel/random/boot_id"),
    };
  }

  private registerMetrics(statusWriter: StatusWriter): void {
    const m = this.metrics;
    m.collect(() => {
      m.setAll(
        "skiff_agent_pods",
        "Pods on this node by phase.",
        [...this.manager.phaseCounts()].map(([phase, value]) => ({ labels: { phase }, value })),
      );
      m.setAll("skiff_agent_api_requests_total", "Requests made to the control plane (each is a billed Worker request), by method.", [...this.api.requests].map(([method, value]) => ({ labels: { method }, value })), "counter");
      m.setAll("skiff_agent_channel_reconnects_total", "Times the pod channel was re-established after a failure.", [{ labels: {}, value: this.channel.reconnects }], "counter");
      m.setAll("skiff_agent_pod_status_writes_total", "Pod status writes.", [{ labels: {}, value: statusWriter.writes }], "counter");
      if (this.podNetwork) {
        m.setAll("skiff_agent_network_syncs_total", "Times the service rules and pod routes were synced.", [{ labels: {}, value: this.podNetwork.syncs }], "counter");
        m.setAll("skiff_agent_service_ports", "Service ports in the proxy's rules, by state (served: has reachable ready endpoints; rejected: none).", [
          { labels: { state: "served" }, value: this.podNetwork.served },
          { labels: { state: "rejected" }, value: this.podNetwork.rejected },
        ]);
      }
      if (this.dns) {
        const c = this.dns.counts;
        m.setAll("skiff_agent_dns_queries_total", "DNS queries of the pods, by how they were answered.", [
          { labels: { answer: "cluster" }, value: c.cluster },
          { labels: { answer: "forwarded" }, value: c.forwarded },
          { labels: { answer: "failed" }, value: c.failed },
        ], "counter");
      }
      m.setAll("skiff_agent_resident_memory_bytes", "Resident set size of the agent.", [{ labels: {}, value: process.memoryUsage.rss() }]);
    });
  }

  /** Stops following the control plane; pods keep running (as when kubelet stops). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.heartbeat?.stop();
    await this.channel?.stop();
    await this.streams?.stop();
    await this.podNetwork?.stop();
    await this.dns?.close();
    this.manager?.stop();
    await new Promise<void>((r) => (this.metricsServer ? this.metricsServer.close(() => r()) : r()));
    this.engine?.close();
    this.api.close();
  }
}
