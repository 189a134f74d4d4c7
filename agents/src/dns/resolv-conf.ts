/**
 * A pod's /etc/resolv.conf as kubelet makes it (pkg/kubelet/network/dns): by `dnsPolicy`
 *
 * - `ClusterFirst` (the default): the cluster DNS, the search path `<ns>.svc.<zone>
 *   svc.<zone> <zone>` then the host's search domains, and `options ndots:5`. A hostNetwork pod
 *   gets `Default` instead unless the policy is `ClusterFirstWithHostNet`; so does every pod
 *   when the node has no cluster DNS.
 * - `Default`: the host's resolv.conf (nameservers, search, options).
 * - `None`: nothing but `spec.dnsConfig`.
 *
 * `spec.dnsConfig` is then appended (nameservers and searches without duplicates, options
 * merged by name, the pod's value winning), and the result held to the resolver's limits.
 */
import type { Pod } from "../../../src/lib/types.js";

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** What the node knows: its cluster DNS address (if it serves one) and its own resolv.conf. */
export interface NodeDNS {
  clusterDNS: string[];
  clusterDomain: string;
  host: ResolvConf;
}

// glibc's limits, as kubelet enforces them.
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;

/** Parses resolv.conf as kubelet does: the last `search` line wins, `domain` is ignored. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === "nameserver" && fields[0]) out.nameservers.push(fields[0]);
    else if (key === "search") out.searches = fields.filter((s) => s !== ".").map((s) => s.replace(/\.$/, ""));
    else if (key === "options") out.options = mergeOptions(out.options, fields.map(parseOption));
  }
  return out;
}

function parseOption(o: string): { name: string; value?: string } {
  const i = o.indexOf(":");
  return i < 0 ? { name: o } : { name: o.slice(0, i), value: o.slice(i + 1) };
}

function mergeOptions(existing: readonly string[], extra: ReadonlyArray<{ name: string; value?: string | null }>): string[] {
  const merged = new Map(existing.map((o) => [parseOption(o).name, parseOption(o).value]));
  for (const o of extra) merged.set(o.name, o.value ?? undefined);
  return [...merged].map(([name, value]) => (value ? `${name}:${value}` : name));
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

type Policy = "ClusterFirst" | "Default" | "None";

function effectivePolicy(pod: Pod, node: NodeDNS): Policy {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  if (policy === "None" || policy === "Default") return policy;
  if (policy === "ClusterFirst" && pod.spec?.hostNetwork) return "Default";
  return node.clusterDNS.length > 0 ? "ClusterFirst" : "Default";
}

/** Drops search domains past the resolver's limits (kubelet reports this as an event). */
function fitSearches(searches: readonly string[]): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const s of searches.slice(0, MAX_SEARCHES)) {
    chars += s.length + (out.length ? 1 : 0);
    if (chars > MAX_SEARCH_CHARS) break;
    out.push(s);
  }
  return out;
}

export function podResolvConf(pod: Pod, node: NodeDNS): ResolvConf {
  const ns = pod.metadata.namespace ?? "default";
  const zone = node.clusterDomain;
  let base: ResolvConf;
  switch (effectivePolicy(pod, node)) {
    case "None":
      base = { nameservers: [], searches: [], options: [] };
      break;
    case "Default":
      base = node.host;
      break;
    case "ClusterFirst":
      base = {
        nameservers: node.clusterDNS,
        searches: [...(zone ? [`${ns}.svc.${zone}`, `svc.${zone}`, zone] : []), ...node.host.searches],
        options: ["ndots:5"],
      };
  }
  const extra = pod.spec?.dnsConfig;
  return {
    nameservers: unique([...base.nameservers, ...(extra?.nameservers ?? [])]).slice(0, MAX_NAMESERVERS),
    searches: fitSearches(unique([...base.searches, ...(extra?.searches ?? [])])),
    options: mergeOptions(base.options, extra?.options?.filter((o) => o.name).map((o) => ({ name: o.name!, value: o.value })) ?? []),
  };
}

/** The file's text, in the order containerd writes it. */
export function formatResolvConf(c: ResolvConf): string {
  const lines = [
    ...(c.searches.length ? [`search ${c.searches.join(" ")}`] : []),
    ...c.nameservers.map((n) => `nameserver ${n}`),
    ...(c.options.length ? [`options ${c.options.join(" ")}`] : []),
  ];
  return lines.map((l) => `${l}\n`).join("");
}
