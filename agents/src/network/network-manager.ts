/**
 * The agent's pod network and service proxy (its kube-proxy), the shell around the pure cores:
 * it watches Services, Endpoints and Nodes (and is fed this node's pods by the pod channel),
 * and on every change — coalesced, one sync at a time — it
 *
 * 1. says on its Node how it is reached (`skiff.io/pod-network`) and, when publishing, which
 *    host port reaches which pod port (`skiff.io/published-ports`);
 * 2. makes the host-gw routes to the other routed nodes' pod CIDRs, and puts the pod bridge's
 *    ports in hairpin mode;
 * 3. loads the proxy's iptables rules if they changed.
 *
 * Rules and routes stay in place when the agent stops or restarts (pods keep their Services, as
 * with kube-proxy); the next agent replaces them at its first sync. `removeNetwork` (the
 * `--cleanup-network` flag) removes them.
 */
import type { Endpoints, Node, Pod, Service } from "../../../src/lib/types.js";
import type { ApiClient } from "../api/client.js";
import { ListWatch, ObjectCache } from "../api/list-watch.js";
import type { Logger } from "../log.js";
import { podGateway } from "../runtime/docker/pod-network.js";
import { enableHairpin } from "./hairpin.js";
import { applyRules, existingChains, removeRules } from "./iptables.js";
import { proxyRules } from "./proxy-rules.js";
import { assignHostPorts, DEFAULT_PUBLISHED_RANGE, podPorts, publications, type PortRange } from "./published-ports.js";
import { applyRoutes, enableForwarding } from "./routes.js";
import {
  desiredRoutes,
  formatPublished,
  nodeNetwork,
  parsePublished,
  POD_NETWORK_ANNOTATION,
  PUBLISHED_PORTS_ANNOTATION,
  shouldPublish,
  type PodNetworkMode,
} from "./topology.js";

export interface NetworkManagerOptions {
  api: ApiClient;
  nodeName: string;
  nodeIP: string;
  mode: PodNetworkMode;
  podCIDR: () => string | undefined;
  log: Logger;
  /** Length of one watch request (seconds). */
  pollSeconds: number;
  publishedRange?: PortRange;
  /** Rules are loaded again this often even without a change (someone may have flushed them). */
  resyncMs?: number;
}

const RETRY_MS = 2000;

export class NetworkManager {
  private readonly services = new ObjectCache<Service>(() => this.changed());
  private readonly endpoints = new ObjectCache<Endpoints>(() => this.changed());
  private readonly nodes = new ObjectCache<Node>(() => this.schedule());
  private readonly listeners: Array<() => void> = [];
  /** This node's pods, fed by the pod channel. */
  readonly pods = new ObjectCache<Pod>(() => this.schedule());
  private readonly watches: Array<ListWatch<Service> | ListWatch<Endpoints> | ListWatch<Node>>;
  private assigned: Map<string, number> | undefined;
  private lastRules = "";
  private pending: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private resync: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Completed syncs, and service ports with rules / rejected at the last one (for /metrics). */
  syncs = 0;
  served = 0;
  rejected = 0;

  constructor(private readonly o: NetworkManagerOptions) {
    const watch = <T extends Service | Endpoints | Node>(path: string, cache: ObjectCache<T>) =>
      new ListWatch<T>({ api: o.api, path, handlers: cache.handlers, log: o.log, pollSeconds: o.pollSeconds });
    this.watches = [watch("/api/v1/services", this.services), watch("/api/v1/endpoints", this.endpoints), watch("/api/v1/nodes", this.nodes)];
  }

  /**
   * The Services and Endpoints this node follows, for other parts of the agent (its DNS server)
   * so that they need no watches of their own; `onChange` is called after every change.
   */
  cluster(): { synced: boolean; services: Service[]; endpoints: Endpoints[] } {
    return { synced: this.services.synced && this.endpoints.synced, services: this.services.list(), endpoints: this.endpoints.list() };
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    this.schedule();
    for (const l of this.listeners) l();
  }

  async start(): Promise<void> {
    await enableForwarding();
    for (const w of this.watches) w.start();
    this.resync = setInterval(() => {
      this.lastRules = "";
      this.schedule();
    }, this.o.resyncMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resync);
    clearTimeout(this.pending);
    await Promise.all(this.watches.map((w) => w.stop()));
    await this.running;
  }

  /** Coalesces bursts of events (a rollout changes Endpoints many times) into one sync. */
  private schedule(delayMs = 20): void {
    if (this.stopped || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.sync()
        .catch((err: unknown) => {
          this.o.log.warn("network sync failed; retrying", { error: String(err) });
          this.lastRules = "";
          this.schedule(RETRY_MS);
        })
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    }, delayMs);
  }

  private async sync(): Promise<void> {
    if (!this.services.synced || !this.endpoints.synced || !this.nodes.synced) return;
    const { nodeName, mode, log } = this.o;
    const nodes = this.nodes.list().map(nodeNetwork);
    const own = this.nodes.list().find((n) => n.metadata.name === nodeName);
    this.assigned ??= parsePublished(own?.metadata.annotations?.[PUBLISHED_PORTS_ANNOTATION]);
    const publish = shouldPublish(nodeName, mode, nodes);
    this.assigned = publish ? assignHostPorts(podPorts(this.pods.list()), this.assigned, this.o.publishedRange ?? DEFAULT_PUBLISHED_RANGE) : new Map();
    if (own) await this.annotate(own);

    await applyRoutes(desiredRoutes(nodeName, mode, nodes));
    const podCIDR = this.o.podCIDR();
    const gateway = podCIDR ? podGateway(podCIDR) : undefined;
    if (gateway) await enableHairpin(gateway);

    const input = {
      self: { name: nodeName, ip: this.o.nodeIP, podCIDR, mode },
      nodes,
      services: this.services.list(),
      endpoints: this.endpoints.list(),
      published: publications(this.assigned),
    };
    // Compared without stale chains; those are only known from iptables-save, read when loading.
    const rules = proxyRules({ ...input, existing: { nat: [], filter: [] } });
    if (rules.restore !== this.lastRules) {
      await applyRules(proxyRules({ ...input, existing: await existingChains() }).restore);
      this.lastRules = rules.restore;
      log.debug("service rules loaded", { served: rules.served, rejected: rules.rejected });
    }
    this.syncs++;
    this.served = rules.served;
    this.rejected = rules.rejected;
  }

  /** Writes the Node's annotations when they differ from what this node is. */
  private async annotate(own: Node): Promise<void> {
    const want: Record<string, string | null> = {
      [POD_NETWORK_ANNOTATION]: this.o.mode,
      [PUBLISHED_PORTS_ANNOTATION]: this.assigned && this.assigned.size > 0 ? formatPublished(this.assigned) : null,
    };
    const have = own.metadata.annotations ?? {};
    if (Object.entries(want).every(([k, v]) => (have[k] ?? null) === v)) return;
    // The Node's watch event brings the patched annotations back, so this patches once per change.
    await this.o.api.mergePatch<Node>(`/api/v1/nodes/${encodeURIComponent(this.o.nodeName)}`, { metadata: { annotations: want } });
  }
}

/** `--cleanup-network`: removes the proxy's rules and the host-gw routes. */
export async function removeNetwork(): Promise<void> {
  await removeRules();
  await applyRoutes([]);
}
