/**
 * Registration and heartbeat: the agent creates or updates its Node, posts the Node's status,
 * and renews its Lease in `kube-node-lease`, which is what the node lifecycle controller reads
 * (a Lease older than its 40 s duration makes the node unreachable).
 *
 * Cost of an idle node, in billed requests per hour (see bench/agent.mjs, which measures it):
 * the Lease is renewed every 24 s (150/h), the Node's status is posted every 5 min (12/h, so a
 * condition the lifecycle controller flipped while the agent was away is put right), the pod
 * channel polls every 5 min (12/h): about 174/h, under the budget of 200. Kubelet renews every
 * 10 s (360/h); 24 s still leaves 16 s, eight retries two seconds apart, before the Lease is
 * older than its duration.
 */
import type { Lease, Node } from "../../../src/lib/types.js";
import { isConflict, isNotFound, UnreachableError, type ApiClient } from "../api/client.js";
import { microTime, type Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { nodeLabels, nodeStatus, type NodeFacts } from "./node-object.js";

export const LEASE_NAMESPACE = "kube-node-lease";
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 24_000;
export const NODE_STATUS_EVERY_MS = 5 * 60_000;
const RETRY_MS = 2_000;

export interface HeartbeatOptions {
  api: ApiClient;
  clock: Clock;
  log: Logger;
  name: string;
  facts(): Promise<NodeFacts>;
  /** The Node as the server returned it (its `spec.podCIDR` matters). */
  onNode(node: Node): void;
  /** The control plane answers again after failures. */
  onReconnect(): void;
  leaseRenewMs?: number;
  statusEveryMs?: number;
}

const nodePath = (name: string) => `/api/v1/nodes/${encodeURIComponent(name)}`;
const leasePath = (name: string) => `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases/${encodeURIComponent(name)}`;

export class NodeHeartbeat {
  private node: Node | undefined;
  private lease: Lease | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private failing = false;
  private stopped = false;

  constructor(private readonly o: HeartbeatOptions) {}

  /** Creates or updates the Node and posts its status; throws when the control plane cannot be reached. */
  async register(): Promise<Node> {
    const { api, name } = this.o;
    const facts = await this.o.facts();
    const labels = nodeLabels(facts);
    let node: Node;
    try {
      node = await api.get<Node>(nodePath(name));
      const missing = Object.entries(labels).some(([k, v]) => node.metadata.labels?.[k] !== v);
      if (missing) node = await api.mergePatch<Node>(nodePath(name), { metadata: { labels } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      node = await api.create<Node>("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: {} });
      this.o.log.info("node registered", { node: name });
    }
    this.node = node;
    await this.postStatus(facts);
    return this.node;
  }

  private async postStatus(facts?: NodeFacts): Promise<void> {
    const f = facts ?? (await this.o.facts());
    const status = nodeStatus(f, this.node?.status, this.o.clock.now());
    this.node = await this.o.api.mergePatch<Node>(`${nodePath(this.o.name)}/status`, { status });
    this.o.onNode(this.node);
  }

  start(): void {
    this.stopped = false;
    void this.renewLoop();
    this.scheduleStatus(this.o.statusEveryMs ?? NODE_STATUS_EVERY_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.leaseTimer);
    clearTimeout(this.statusTimer);
  }

  private scheduleStatus(ms: number): void {
    clearTimeout(this.statusTimer);
    if (this.stopped) return;
    this.statusTimer = setTimeout(async () => {
      try {
        await this.postStatus();
        this.scheduleStatus(this.o.statusEveryMs ?? NODE_STATUS_EVERY_MS);
      } catch (err) {
        this.o.log.warn("node status post failed", { error: String(err) });
        this.scheduleStatus(RETRY_MS * 5);
      }
    }, ms);
  }

  private async renewLoop(): Promise<void> {
    if (this.stopped) return;
    let next = this.o.leaseRenewMs ?? LEASE_RENEW_MS;
    try {
      await this.renewLease();
      if (this.failing) {
        this.failing = false;
        this.o.log.info("control plane reachable again");
        // The lifecycle controller may have marked the node Unknown meanwhile: post Ready again.
        await this.postStatus().catch((err: unknown) => this.o.log.warn("node status post failed", { error: String(err) }));
        this.o.onReconnect();
      }
    } catch (err) {
      if (!this.failing) this.o.log.warn("lease renewal failed", { error: String(err) });
      this.failing = true;
      next = RETRY_MS;
      if (!(err instanceof UnreachableError)) this.lease = undefined;
    }
    if (!this.stopped) this.leaseTimer = setTimeout(() => void this.renewLoop(), next);
  }

  private async renewLease(): Promise<void> {
    const { api, name, clock } = this.o;
    const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(clock.now()) };
    if (this.lease) {
      try {
        this.lease = await api.update<Lease>(leasePath(name), { ...this.lease, spec: { ...this.lease.spec, ...spec } });
        return;
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
    try {
      const current = await api.get<Lease>(leasePath(name));
      this.lease = await api.update<Lease>(leasePath(name), { ...current, spec: { ...current.spec, ...spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const owner = this.node?.metadata.uid ? [{ apiVersion: "v1", kind: "Node", name, uid: this.node.metadata.uid }] : undefined;
      this.lease = await api.create<Lease>(`/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases`, {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace: LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
        spec,
      });
    }
  }
}
