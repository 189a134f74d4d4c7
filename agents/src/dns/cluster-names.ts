/**
 * The names of the cluster as Kubernetes' DNS specification defines them (what CoreDNS's
 * kubernetes plugin answers), the pure core of the agent's DNS server:
 *
 * - `<svc>.<ns>.svc.<zone>`: A/AAAA of the cluster IPs; for a headless Service the ready
 *   endpoint addresses; for an ExternalName Service a CNAME to its `externalName`.
 * - `<host>.<svc>.<ns>.svc.<zone>`: an endpoint of a headless Service, by its `hostname` or its
 *   dashed address (`10-0-1-5`).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: SRV for each named port.
 * - `<reversed ip>.in-addr.arpa`: PTR of cluster IPs and of named headless endpoints.
 *
 * Other names are not ours (`forward`). A name of the zone that does not exist is NXDOMAIN; one
 * that exists without records of the asked type is NOERROR with no answers (NODATA); both carry
 * the zone's SOA so that resolvers cache the answer as briefly as the records.
 */
import { isIP } from "node:net";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { CLASS_IN, RCODE, TYPE, type Question, type ResourceRecord } from "./wire.js";

/** CoreDNS's default TTL for the cluster's records. */
export const TTL = 5;
/** How many in-zone CNAMEs are followed before giving up. */
const MAX_CHAIN = 8;

interface Endpoint {
  ip: string;
  /** `hostname` of the endpoint or its dashed address. */
  host: string;
  named: boolean;
}

interface ServiceEntry {
  service: Service;
  /** Ready (or, with publishNotReadyAddresses, all) endpoint addresses. */
  endpoints: Endpoint[];
  /** Endpoint ports by name, for SRV of headless Services. */
  endpointPorts: Map<string, number>;
}

export interface ClusterIndex {
  domain: string;
  serial: number;
  /** `<svc>.<ns>` → entry. */
  services: Map<string, ServiceEntry>;
  namespaces: Set<string>;
  /** Address → the name its PTR points to. */
  ptr: Map<string, string>;
}

export type Resolution =
  | { kind: "forward" }
  | {
      kind: "answer";
      rcode: number;
      answers: ResourceRecord[];
      authorities: ResourceRecord[];
      additionals: ResourceRecord[];
      /** An ExternalName's target outside the zone: the server asks upstream and appends its answers. */
      chase?: string;
    };

const dashed = (ip: string) => ip.replaceAll(".", "-").replaceAll(":", "-");

function endpointsOf(ep: Endpoints | undefined, all: boolean): Pick<ServiceEntry, "endpoints" | "endpointPorts"> {
  const endpoints: Endpoint[] = [];
  const endpointPorts = new Map<string, number>();
  for (const subset of ep?.subsets ?? []) {
    const addresses = [...(subset.addresses ?? []), ...(all ? (subset.notReadyAddresses ?? []) : [])];
    for (const a of addresses) endpoints.push({ ip: a.ip, host: a.hostname || dashed(a.ip), named: !!a.hostname });
    for (const p of subset.ports ?? []) if (p.name) endpointPorts.set(`${p.name}/${(p.protocol ?? "TCP").toLowerCase()}`, p.port);
  }
  return { endpoints, endpointPorts };
}

function reverseName(ip: string): string | undefined {
  return isIP(ip) === 4 ? `${ip.split(".").reverse().join(".")}.in-addr.arpa` : undefined;
}

/** Indexes the Services and Endpoints the agent follows (rebuilt on each change). */
export function indexCluster(services: readonly Service[], endpoints: readonly Endpoints[], domain: string, serial: number): ClusterIndex {
  const eps = new Map(endpoints.map((e) => [`${e.metadata.name}.${e.metadata.namespace ?? "default"}`, e]));
  const index: ClusterIndex = { domain: domain.toLowerCase(), serial, services: new Map(), namespaces: new Set(), ptr: new Map() };
  for (const s of services) {
    const key = `${s.metadata.name}.${s.metadata.namespace ?? "default"}`.toLowerCase();
    const entry: ServiceEntry = { service: s, ...endpointsOf(eps.get(key), !!s.spec?.publishNotReadyAddresses) };
    index.services.set(key, entry);
    index.namespaces.add((s.metadata.namespace ?? "default").toLowerCase());
    const fqdn = `${key}.svc.${index.domain}`;
    for (const ip of clusterIPs(s)) {
      const r = reverseName(ip);
      if (r) index.ptr.set(r, fqdn);
    }
    if (isHeadless(s)) {
      for (const e of entry.endpoints) {
        const r = reverseName(e.ip);
        if (r && e.named) index.ptr.set(r, `${e.host}.${fqdn}`);
      }
    }
  }
  return index;
}

function clusterIPs(s: Service): string[] {
  const ips = s.spec?.clusterIPs?.length ? s.spec.clusterIPs : s.spec?.clusterIP ? [s.spec.clusterIP] : [];
  return ips.filter((ip) => isIP(ip) !== 0);
}

function isHeadless(s: Service): boolean {
  return s.spec?.clusterIP === "None";
}

function isExternalName(s: Service): boolean {
  return s.spec?.type === "ExternalName";
}

const rr = (name: string, type: number, data: ResourceRecord["data"]): ResourceRecord => ({ name, type, class: CLASS_IN, ttl: TTL, data });

function addressRecords(name: string, type: number, ips: readonly string[]): ResourceRecord[] {
  const family = type === TYPE.A ? 4 : type === TYPE.AAAA ? 6 : 0;
  return ips.filter((ip) => isIP(ip) === family || (type === TYPE.ANY && isIP(ip) !== 0)).map((ip) => rr(name, isIP(ip) === 4 ? TYPE.A : TYPE.AAAA, ip));
}

function soa(index: ClusterIndex): ResourceRecord {
  return rr(index.domain, TYPE.SOA, { mname: `ns.dns.${index.domain}`, rname: `hostmaster.${index.domain}`, serial: index.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: TTL });
}

type Answer = Extract<Resolution, { kind: "answer" }>;

function answer(index: ClusterIndex, answers: ResourceRecord[], additionals: ResourceRecord[] = []): Answer {
  return { kind: "answer", rcode: RCODE.NOERROR, answers, authorities: answers.length ? [] : [soa(index)], additionals };
}

function nxdomain(index: ClusterIndex): Answer {
  return { kind: "answer", rcode: RCODE.NXDOMAIN, answers: [], authorities: [soa(index)], additionals: [] };
}

function serviceAnswer(index: ClusterIndex, q: Question, entry: ServiceEntry, depth: number): Answer {
  const s = entry.service;
  if (isExternalName(s)) {
    const target = (s.spec?.externalName ?? "").replace(/\.$/, "");
    const cname = rr(q.name, TYPE.CNAME, target);
    if (q.type === TYPE.CNAME || !target) return answer(index, target ? [cname] : []);
    const inZone = target.toLowerCase() === index.domain || target.toLowerCase().endsWith(`.${index.domain}`);
    if (!inZone) return { ...answer(index, [cname]), chase: target };
    const next = depth < MAX_CHAIN ? resolveName(index, { ...q, name: target }, depth + 1) : undefined;
    if (!next || next.kind !== "answer") return answer(index, [cname]);
    return { ...next, answers: [cname, ...next.answers], authorities: next.answers.length ? [] : next.authorities };
  }
  const ips = isHeadless(s) ? entry.endpoints.map((e) => e.ip) : clusterIPs(s);
  return answer(index, addressRecords(q.name, q.type, ips));
}

function srvAnswer(index: ClusterIndex, q: Question, entry: ServiceEntry, port: string, proto: string): Answer {
  const s = entry.service;
  const fqdn = `${s.metadata.name}.${s.metadata.namespace ?? "default"}.svc.${index.domain}`;
  const sp = (s.spec?.ports ?? []).find((p) => p.name?.toLowerCase() === port && (p.protocol ?? "TCP").toLowerCase() === proto);
  if (!sp || isExternalName(s)) return nxdomain(index);
  if (q.type !== TYPE.SRV && q.type !== TYPE.ANY) return answer(index, []);
  if (!isHeadless(s)) {
    return answer(index, [rr(q.name, TYPE.SRV, { priority: 0, weight: 100, port: sp.port, target: fqdn })], addressRecords(fqdn, TYPE.ANY, clusterIPs(s)));
  }
  const targetPort = entry.endpointPorts.get(`${sp.name}/${proto}`);
  if (targetPort === undefined) return answer(index, []);
  const weight = Math.max(1, Math.floor(100 / Math.max(1, entry.endpoints.length)));
  const answers = entry.endpoints.map((e) => rr(q.name, TYPE.SRV, { priority: 0, weight, port: targetPort, target: `${e.host}.${fqdn}` }));
  const additionals = entry.endpoints.flatMap((e) => addressRecords(`${e.host}.${fqdn}`, TYPE.ANY, [e.ip]));
  return answer(index, answers, additionals);
}

function resolveName(index: ClusterIndex, q: Question, depth: number): Resolution {
  const name = q.name.toLowerCase().replace(/\.$/, "");
  if (name.endsWith(".in-addr.arpa")) {
    const target = index.ptr.get(name);
    if (!target) return { kind: "forward" };
    return answer(index, q.type === TYPE.PTR || q.type === TYPE.ANY ? [rr(q.name, TYPE.PTR, target)] : []);
  }
  const { domain } = index;
  if (name !== domain && !name.endsWith(`.${domain}`)) return { kind: "forward" };
  const labels = name === domain ? [] : name.slice(0, -domain.length - 1).split(".");
  if (labels.length === 0) return answer(index, q.type === TYPE.SOA ? [soa(index)] : []);
  const n = labels.length;
  if (labels[n - 1] !== "svc") return nxdomain(index);
  if (n === 1) return answer(index, []);
  const ns = labels[n - 2];
  if (n === 2) return index.namespaces.has(ns) ? answer(index, []) : nxdomain(index);
  const entry = index.services.get(`${labels[n - 3]}.${ns}`);
  if (!entry) return nxdomain(index);
  if (n === 3) return serviceAnswer(index, q, entry, depth);
  if (n === 4) {
    const e = isHeadless(entry.service) ? entry.endpoints.find((x) => x.host === labels[0]) : undefined;
    return e ? answer(index, addressRecords(q.name, q.type, [e.ip])) : nxdomain(index);
  }
  if (n === 5 && labels[0].startsWith("_") && labels[1].startsWith("_")) return srvAnswer(index, q, entry, labels[0].slice(1), labels[1].slice(1));
  return nxdomain(index);
}

/** What the cluster says about `q`, or that it is not the cluster's to answer. */
export function resolveQuestion(index: ClusterIndex, q: Question): Resolution {
  if (q.class !== CLASS_IN) return { kind: "forward" };
  return resolveName(index, q, 0);
}
