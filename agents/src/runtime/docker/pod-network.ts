/**
 * The pod network on Docker: pods take their IPs from the node's `spec.podCIDR`, so they are
 * unique in the cluster. When the daemon's default bridge already has that subnet (dockerd
 * started with `--bip`), sandboxes use it; otherwise the agent creates a bridge network of its
 * own, `skiff-<node>`, with that subnet. Without a pod CIDR (no node IPAM) the default bridge.
 */
import { formatIPv4, nthAddress, parseCidr, formatCidr } from "../../../../src/lib/cidr.js";
import { LABEL_NODE } from "../labels.js";
import type { DockerEngine } from "./engine.js";

export const DEFAULT_NETWORK = "bridge";

function sameSubnet(a: string | undefined, b: string): boolean {
  const x = a ? parseCidr(a) : undefined;
  const y = parseCidr(b);
  return !!x && !!y && formatCidr(x) === formatCidr(y);
}

/**
 * The pod network's gateway: the bridge's address on the node, `.1` of the pod CIDR, which every
 * pod of the node reaches (the agent can serve pods there, e.g. DNS).
 */
export function podGateway(podCIDR: string): string | undefined {
  const cidr = parseCidr(podCIDR);
  const gateway = cidr ? nthAddress(cidr, 1) : undefined;
  return gateway === undefined ? undefined : formatIPv4(gateway);
}

/** The network sandboxes should join for `podCIDR`, created if needed. */
export async function ensurePodNetwork(engine: DockerEngine, nodeName: string, podCIDR: string | undefined): Promise<string> {
  if (!podCIDR) return DEFAULT_NETWORK;
  const bridge = await engine.inspectNetwork(DEFAULT_NETWORK);
  if ((bridge?.IPAM.Config ?? []).some((c) => sameSubnet(c.Subnet, podCIDR))) return DEFAULT_NETWORK;
  const name = `skiff-${nodeName}`.slice(0, 60);
  const existing = await engine.inspectNetwork(name);
  if (existing) {
    if ((existing.IPAM.Config ?? []).some((c) => sameSubnet(c.Subnet, podCIDR))) return name;
    throw new Error(`docker network ${name} exists with another subnet than the node's pod CIDR ${podCIDR}; remove it`);
  }
  const cidr = parseCidr(podCIDR);
  const gateway = podGateway(podCIDR);
  if (!cidr || gateway === undefined) throw new Error(`bad pod CIDR ${podCIDR}`);
  await engine.createNetwork(name, formatCidr(cidr), gateway, { [LABEL_NODE]: nodeName });
  return name;
}
