/**
 * What the agent knows of the cluster's pod network, read from the Nodes: each node's InternalIP,
 * its `spec.podCIDR`, how it is reached (`skiff.io/pod-network`: `routed` or `published`) and the
 * container ports it publishes on its host (`skiff.io/published-ports`). From that, pure:
 *
 * - the host-gw routes a node installs: to each other *routed* node's pod CIDR via its address,
 *   only when this node is routed too (both claim to share a LAN);
 * - how a proxy reaches an endpoint: directly at the pod IP when it is local or both nodes are
 *   routed, otherwise at `<node IP>:<host port>` from the owning node's published ports.
 *
 * The published ports ride on the Node rather than on each pod because a node may read every Node
 * but only its own pods (the Node authorizer).
 */
import type { Node } from "../../../src/lib/types.js";

export const POD_NETWORK_ANNOTATION = "skiff.io/pod-network";
export const PUBLISHED_PORTS_ANNOTATION = "skiff.io/published-ports";

export type PodNetworkMode = "routed" | "published";
export type Protocol = "TCP" | "UDP" | "SCTP";

export interface NodeNetwork {
  name: string;
  ip: string | undefined;
  podCIDR: string | undefined;
  mode: PodNetworkMode;
  /** `<pod IP>:<port>/<protocol>` → host port on `ip`. */
  published: Map<string, number>;
}

export const publishedKey = (ip: string, port: number, protocol: string) => `${ip}:${port}/${protocol}`;

/** The annotation's text for a publication map (sorted, so that equal maps compare equal). */
export function formatPublished(published: ReadonlyMap<string, number>): string {
  return JSON.stringify(Object.fromEntries([...published].sort(([a], [b]) => a.localeCompare(b))));
}

export function parsePublished(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!text) return out;
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object") return out;
    for (const [k, v] of Object.entries(value)) if (typeof v === "number" && Number.isInteger(v)) out.set(k, v);
  } catch {
    // an annotation someone else wrote badly publishes nothing
  }
  return out;
}

export function nodeNetwork(node: Node): NodeNetwork {
  const annotations = node.metadata.annotations ?? {};
  return {
    name: node.metadata.name ?? "",
    ip: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    podCIDR: node.spec?.podCIDR,
    // Nodes whose agent predates the annotation are on the LAN, as every node was then.
    mode: annotations[POD_NETWORK_ANNOTATION] === "published" ? "published" : "routed",
    published: parsePublished(annotations[PUBLISHED_PORTS_ANNOTATION]),
  };
}

export interface Route {
  cidr: string;
  via: string;
}

/** host-gw: the routes `self` needs to the other nodes' pod CIDRs. */
export function desiredRoutes(self: string, selfMode: PodNetworkMode, nodes: readonly NodeNetwork[]): Route[] {
  if (selfMode !== "routed") return [];
  return nodes
    .filter((n) => n.name !== self && n.mode === "routed" && n.ip && n.podCIDR)
    .map((n) => ({ cidr: n.podCIDR!, via: n.ip! }))
    .sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/** Should this node publish its pods' ports? When it is unroutable, or when an unroutable node needs to reach it. */
export function shouldPublish(self: string, selfMode: PodNetworkMode, nodes: readonly NodeNetwork[]): boolean {
  return selfMode === "published" || nodes.some((n) => n.name !== self && n.mode === "published");
}

export interface Target {
  ip: string;
  port: number;
  /** Reached through another node's host port: the source must be this node's address. */
  viaNode: boolean;
}

/**
 * Where a proxy on `self` sends a connection for endpoint `ip:port/protocol` on `nodeName`;
 * undefined when that pod cannot be reached from here (its node publishes nothing for it yet).
 */
export function endpointTarget(
  self: { name: string; mode: PodNetworkMode },
  nodes: ReadonlyMap<string, NodeNetwork>,
  endpoint: { ip: string; nodeName?: string },
  port: number,
  protocol: string,
): Target | undefined {
  const direct: Target = { ip: endpoint.ip, port, viaNode: false };
  const owner = endpoint.nodeName ? nodes.get(endpoint.nodeName) : undefined;
  // Local pods, and pods of nodes we know nothing of (selectorless Endpoints, outside addresses).
  if (!owner || owner.name === self.name) return direct;
  if (self.mode === "routed" && owner.mode === "routed") return direct;
  const hostPort = owner.published.get(publishedKey(endpoint.ip, port, protocol));
  if (hostPort === undefined || !owner.ip) return undefined;
  return { ip: owner.ip, port: hostPort, viaNode: true };
}
