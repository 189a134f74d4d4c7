/**
 * Node IPAM's pure core, after kube-controller-manager's range allocator: every Node without
 * `spec.podCIDR` gets the lowest free /24 (configurable) of the cluster CIDR (default
 * 10.244.0.0/16) in `spec.podCIDR` and `spec.podCIDRs`. What is taken is derived from the Nodes
 * that exist, so a deleted Node's range is free again on the next pass. When none is left the Node
 * gets a `CIDRNotAvailable` event, as upstream records it.
 */
import type { Node } from "../lib/types.js";
import { formatCidr, parseCidr, subnetAt, subnetCount, subnetIndex, type Cidr } from "../lib/cidr.js";
import type { Action, Plan } from "./types.js";

export const NODE_RESOURCE = "nodes";
export const DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;

export interface NodeIpamInput {
  nodes: readonly Node[];
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
}

export function reconcileNodeIpam(input: NodeIpamInput): Plan {
  const cluster = parseCidr(input.clusterCidr ?? DEFAULT_CLUSTER_CIDR);
  const maskSize = input.nodeCidrMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE;
  if (!cluster || subnetCount(cluster, maskSize) === 0) {
    throw new Error(`node IPAM: cluster CIDR ${input.clusterCidr} cannot hold /${maskSize} subnets`);
  }

  const taken = new Set<number>();
  for (const node of input.nodes) {
    for (const text of podCidrsOf(node)) {
      const cidr = parseCidr(text);
      const index = cidr && cidr.prefix === maskSize ? subnetIndex(cluster, cidr) : undefined;
      if (index !== undefined) taken.add(index);
    }
  }

  const actions: Action[] = [];
  const total = subnetCount(cluster, maskSize);
  let candidate = 0;
  // Oldest first, so that allocation order is stable when several Nodes join at once.
  const waiting = input.nodes.filter((n) => !n.spec?.podCIDR && !n.metadata.deletionTimestamp).sort(byAge);
  for (const node of waiting) {
    while (candidate < total && taken.has(candidate)) candidate++;
    const name = node.metadata.name ?? "";
    if (candidate >= total) {
      actions.push({ type: "event", involvedObject: node, eventType: "Normal", reason: "CIDRNotAvailable", message: `Node ${name} status is now: CIDRNotAvailable` });
      continue;
    }
    taken.add(candidate);
    const podCIDR = formatCidr(subnetAt(cluster, maskSize, candidate) as Cidr);
    actions.push({ type: "patch", resource: NODE_RESOURCE, namespace: "", name, patch: { spec: { podCIDR, podCIDRs: [podCIDR] } } });
  }
  return { actions };
}

function podCidrsOf(node: Node): string[] {
  const list = [...(node.spec?.podCIDRs ?? [])];
  if (node.spec?.podCIDR && !list.includes(node.spec.podCIDR)) list.push(node.spec.podCIDR);
  return list;
}

function byAge(a: Node, b: Node): number {
  return (
    (Date.parse(a.metadata.creationTimestamp ?? "") || 0) - (Date.parse(b.metadata.creationTimestamp ?? "") || 0) ||
    (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "")
  );
}
