/**
 * The service proxy's rules, after kube-proxy's iptables mode. Pure: from the Services, their
 * Endpoints, the cluster's nodes and this node's published ports, the `iptables-restore
 * --noflush` input that replaces every chain of ours (`SKIFF-*`) at once, deleting stale ones.
 *
 * nat:
 * - `SKIFF-SERVICES` (from PREROUTING and OUTPUT): clusterIP:port → `SKIFF-SVC-<hash>`;
 *   externalIP:port → `SKIFF-EXT-<hash>`; this node's published host ports → DNAT to the pod;
 *   last, to a local address → `SKIFF-NODEPORTS` (nodePort → `SKIFF-EXT-<hash>`).
 * - `SKIFF-EXT-<hash>`: mark for masquerade (the reply must come back through this node), then
 *   `SKIFF-SVC-<hash>`.
 * - `SKIFF-SVC-<hash>`: one of the ready endpoints at random (`statistic` with probability
 *   1/(n−i) for the i-th, so each gets 1/n), to `SKIFF-SEP-<hash>`: DNAT to the pod, or to
 *   `<node IP>:<host port>` for a pod of an unroutable node (masqueraded).
 * - `SKIFF-POSTROUTING` (from POSTROUTING, first): masquerade what was marked; pod traffic to
 *   directly routed pod CIDRs keeps its source (ACCEPT, so Docker's own MASQUERADE is not
 *   reached); other traffic leaving this node's pod CIDR is masqueraded.
 *
 * filter:
 * - `SKIFF-SERVICES` (FORWARD and OUTPUT, new connections): a Service port with no reachable
 *   ready endpoint is REJECTed (icmp-port-unreachable: the caller's connect fails at once with
 *   "connection refused", as with kube-proxy); `SKIFF-EXTERNAL-SERVICES` (INPUT and FORWARD)
 *   likewise for its nodePorts and external IPs.
 * - `SKIFF-FORWARD` (FORWARD, first): accept traffic from and to the pod CIDRs and what we
 *   marked, which Docker's FORWARD rules would otherwise drop on its way into the bridge.
 *
 * Unready endpoints (`notReadyAddresses`) get no rules; terminating pods are not in Endpoints at
 * all, so they get no new connections while established ones keep their conntrack entry.
 */
import { createHash } from "node:crypto";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { endpointTarget, type NodeNetwork, type PodNetworkMode, type Target } from "./topology.js";
import type { Publication } from "./published-ports.js";

export const MASQ_MARK = "0x4000/0x4000";
export const CHAIN_PREFIX = "SKIFF-";

export interface ProxyInput {
  self: { name: string; ip: string; podCIDR?: string; mode: PodNetworkMode };
  nodes: readonly NodeNetwork[];
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  /** This node's pods' ports published on its address. */
  published: readonly Publication[];
  /** Our chains that exist now, per table: the ones no longer wanted are deleted. */
  existing: { nat: readonly string[]; filter: readonly string[] };
}

/** A jump from a built-in chain into ours, kept in place by the shell (inserted first if missing). */
export interface Jump {
  table: "nat" | "filter";
  chain: string;
  rule: string[];
}

/** Inserted at position 1 in this order reversed, so that they end up in this order. */
export const JUMPS: readonly Jump[] = [
  { table: "nat", chain: "PREROUTING", rule: ["-m", "comment", "--comment", "skiff service portals", "-j", "SKIFF-SERVICES"] },
  { table: "nat", chain: "OUTPUT", rule: ["-m", "comment", "--comment", "skiff service portals", "-j", "SKIFF-SERVICES"] },
  { table: "nat", chain: "POSTROUTING", rule: ["-m", "comment", "--comment", "skiff postrouting", "-j", "SKIFF-POSTROUTING"] },
  { table: "filter", chain: "INPUT", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "skiff external services", "-j", "SKIFF-EXTERNAL-SERVICES"] },
  { table: "filter", chain: "FORWARD", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "skiff services", "-j", "SKIFF-SERVICES"] },
  { table: "filter", chain: "FORWARD", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "skiff external services", "-j", "SKIFF-EXTERNAL-SERVICES"] },
  { table: "filter", chain: "FORWARD", rule: ["-m", "comment", "--comment", "skiff forwarding", "-j", "SKIFF-FORWARD"] },
  { table: "filter", chain: "OUTPUT", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "skiff services", "-j", "SKIFF-SERVICES"] },
];

const NAT_BASE = ["SKIFF-SERVICES", "SKIFF-NODEPORTS", "SKIFF-POSTROUTING", "SKIFF-MARK-MASQ"];
const FILTER_BASE = ["SKIFF-SERVICES", "SKIFF-EXTERNAL-SERVICES", "SKIFF-FORWARD"];

type ServicePort = NonNullable<NonNullable<Service["spec"]>["ports"]>[number];

/** kube-proxy's chain names: a hash of the service port's identity, short enough for iptables' 28 characters. */
export function chainName(prefix: "SVC" | "EXT" | "SEP", id: string): string {
  return `${CHAIN_PREFIX}${prefix}-${createHash("sha256").update(id).digest("hex").slice(0, 16).toUpperCase()}`;
}

const proto = (p: string) => p.toLowerCase();
const match = (protocol: string, port: number) => ["-p", proto(protocol), "-m", proto(protocol), "--dport", String(port)];
const comment = (text: string) => ["-m", "comment", "--comment", JSON.stringify(text)];

/** The ready endpoints of one service port, as targets reachable from this node. */
function targetsFor(input: ProxyInput, nodes: ReadonlyMap<string, NodeNetwork>, endpoints: Endpoints | undefined, port: ServicePort): Target[] {
  const protocol = port.protocol ?? "TCP";
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const subset of endpoints?.subsets ?? []) {
    // The endpoint port for this service port: by name, or the only one when the service has one port.
    const ep = (subset.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === protocol);
    if (!ep) continue;
    for (const address of subset.addresses ?? []) {
      const target = endpointTarget(input.self, nodes, address, ep.port, protocol);
      const key = target && `${target.ip}:${target.port}`;
      if (!target || seen.has(key!)) continue;
      seen.add(key!);
      out.push(target);
    }
  }
  return out.sort((a, b) => `${a.ip}:${a.port}`.localeCompare(`${b.ip}:${b.port}`));
}

export interface ProxyRules {
  /** The `iptables-restore --noflush` input. */
  restore: string;
  /** Service ports with rules / rejected for want of endpoints (for logs and metrics). */
  served: number;
  rejected: number;
}

export function proxyRules(input: ProxyInput): ProxyRules {
  const nodes = new Map(input.nodes.map((n) => [n.name, n]));
  const endpointsByKey = new Map(input.endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  const nat = new Rules(NAT_BASE);
  const filter = new Rules(FILTER_BASE);
  const nodePorts: string[][] = [];
  let served = 0;
  let rejected = 0;

  nat.add("SKIFF-MARK-MASQ", ["-j", "MARK", "--set-xmark", MASQ_MARK]);

  const services = [...input.services].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  for (const svc of services) {
    const spec = svc.spec ?? {};
    if (spec.type === "ExternalName") continue;
    const clusterIP = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : undefined;
    const name = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const port of spec.ports ?? []) {
      const protocol = port.protocol ?? "TCP";
      if (protocol === "SCTP") continue;
      const id = `${name}:${port.name ?? ""}/${protocol}`;
      const targets = targetsFor(input, nodes, endpointsByKey.get(name), port);
      const label = comment(`${name}${port.name ? `:${port.name}` : ""}`);
      const externals = (spec.externalIPs ?? []).map((ip) => ["-d", `${ip}/32`, ...match(protocol, port.port)]);
      const nodePort = port.nodePort && (spec.type === "NodePort" || spec.type === "LoadBalancer") ? port.nodePort : undefined;
      if (!clusterIP && externals.length === 0 && nodePort === undefined) continue;

      if (targets.length === 0) {
        rejected++;
        const reject = ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"];
        if (clusterIP) filter.add("SKIFF-SERVICES", [...label, "-d", `${clusterIP}/32`, ...match(protocol, port.port), ...reject]);
        for (const e of externals) filter.add("SKIFF-EXTERNAL-SERVICES", [...label, ...e, ...reject]);
        if (nodePort !== undefined) filter.add("SKIFF-EXTERNAL-SERVICES", [...label, "-m", "addrtype", "--dst-type", "LOCAL", ...match(protocol, nodePort), ...reject]);
        continue;
      }
      served++;
      const svcChain = nat.chain(chainName("SVC", id));
      if (clusterIP) nat.add("SKIFF-SERVICES", [...label, "-d", `${clusterIP}/32`, ...match(protocol, port.port), "-j", svcChain]);
      if (externals.length > 0 || nodePort !== undefined) {
        const extChain = nat.chain(chainName("EXT", id));
        nat.add(extChain, ["-j", "SKIFF-MARK-MASQ"]);
        nat.add(extChain, ["-j", svcChain]);
        for (const e of externals) nat.add("SKIFF-SERVICES", [...label, ...e, "-j", extChain]);
        if (nodePort !== undefined) nodePorts.push([...label, ...match(protocol, nodePort), "-j", extChain]);
      }
      // From outside the pod network (the node itself): the reply must come back through here.
      nat.add(svcChain, input.self.podCIDR ? ["!", "-s", input.self.podCIDR, "-j", "SKIFF-MARK-MASQ"] : ["-j", "SKIFF-MARK-MASQ"]);
      targets.forEach((t, i) => {
        const sep = nat.chain(chainName("SEP", `${id}:${t.ip}:${t.port}`));
        const left = targets.length - i;
        nat.add(svcChain, left > 1 ? ["-m", "statistic", "--mode", "random", "--probability", (1 / left).toFixed(10), "-j", sep] : ["-j", sep]);
        // Hairpin: a pod reaching itself through the Service must see another source.
        nat.add(sep, t.viaNode ? ["-j", "SKIFF-MARK-MASQ"] : ["-s", `${t.ip}/32`, "-j", "SKIFF-MARK-MASQ"]);
        nat.add(sep, ["-p", proto(protocol), "-m", proto(protocol), "-j", "DNAT", "--to-destination", `${t.ip}:${t.port}`]);
      });
    }
  }

  for (const p of [...input.published].sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol))) {
    nat.add("SKIFF-SERVICES", [...comment(`published ${p.podIP}:${p.port}`), "-d", `${input.self.ip}/32`, ...match(p.protocol, p.hostPort), "-j", "DNAT", "--to-destination", `${p.podIP}:${p.port}`]);
  }
  nat.add("SKIFF-SERVICES", ["-m", "addrtype", "--dst-type", "LOCAL", "-j", "SKIFF-NODEPORTS"]);
  for (const r of nodePorts) nat.add("SKIFF-NODEPORTS", r);

  // Pod CIDRs this node reaches without translation: its own and, when routed, the routed nodes'.
  const direct = new Set<string>();
  if (input.self.podCIDR) direct.add(input.self.podCIDR);
  if (input.self.mode === "routed") for (const n of input.nodes) if (n.mode === "routed" && n.podCIDR) direct.add(n.podCIDR);
  const directCIDRs = [...direct].sort();

  nat.add("SKIFF-POSTROUTING", ["-m", "mark", "--mark", MASQ_MARK, "-j", "MASQUERADE"]);
  if (input.self.podCIDR) {
    for (const cidr of directCIDRs) nat.add("SKIFF-POSTROUTING", ["-s", input.self.podCIDR, "-d", cidr, "-j", "ACCEPT"]);
    nat.add("SKIFF-POSTROUTING", ["-s", input.self.podCIDR, "-j", "MASQUERADE"]);
  }

  filter.add("SKIFF-FORWARD", ["-m", "mark", "--mark", MASQ_MARK, "-j", "ACCEPT"]);
  const allCIDRs = [...new Set([...directCIDRs, ...input.nodes.flatMap((n) => (n.podCIDR ? [n.podCIDR] : []))])].sort();
  for (const cidr of allCIDRs) {
    filter.add("SKIFF-FORWARD", ["-s", cidr, "-j", "ACCEPT"]);
    filter.add("SKIFF-FORWARD", ["-d", cidr, "-j", "ACCEPT"]);
  }
  filter.add("SKIFF-FORWARD", ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"]);

  return {
    restore: `${nat.render("nat", input.existing.nat)}${filter.render("filter", input.existing.filter)}`,
    served,
    rejected,
  };
}

/** One table's chains and rules, rendered as an iptables-restore section. */
class Rules {
  private readonly chains = new Map<string, string[][]>();

  constructor(base: readonly string[]) {
    for (const c of base) this.chains.set(c, []);
  }

  chain(name: string): string {
    if (!this.chains.has(name)) this.chains.set(name, []);
    return name;
  }

  add(chain: string, rule: string[]): void {
    this.chain(chain);
    this.chains.get(chain)!.push(rule);
  }

  /** Declaring a chain flushes it; chains of ours that exist but are no longer wanted are deleted. */
  render(table: string, existing: readonly string[]): string {
    const stale = existing.filter((c) => c.startsWith(CHAIN_PREFIX) && !this.chains.has(c)).sort();
    const lines = [`*${table}`];
    for (const c of [...this.chains.keys(), ...stale]) lines.push(`:${c} - [0:0]`);
    for (const [c, rules] of this.chains) for (const r of rules) lines.push(`-A ${c} ${r.join(" ")}`);
    for (const c of stale) lines.push(`-X ${c}`);
    lines.push("COMMIT", "");
    return lines.join("\n");
  }
}
