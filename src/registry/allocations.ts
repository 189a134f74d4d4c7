/**
 * Service allocations: a unique `clusterIP` from the service CIDR and a unique `nodePort` per
 * NodePort/LoadBalancer port, held in the store as claims so that two Services never share one,
 * even when created at the same moment (the store checks the claim in the write's transaction).
 */
import { ApiError, errors, fieldErrors, type FieldError } from "../lib/errors.js";
import type { KubeObject, Service } from "../lib/types.js";
import type { Claim } from "../store/types.js";
import { cidrSize, containsAddress, formatIPv4, nthAddress, parseCidr, parseIPv4, type Cidr } from "../lib/cidr.js";

export const CLUSTER_IP_POOL = "clusterIP";
export const NODE_PORT_POOL = "nodePort";

export interface AllocationConfig {
  /** e.g. 10.96.0.0/12 */
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
}

export const DEFAULT_ALLOCATION_CONFIG: AllocationConfig = {
  serviceCIDR: "10.96.0.0/12",
  nodePortRange: { min: 30000, max: 32767 },
};

export function allocationConfig(env: { SERVICE_CLUSTER_IP_RANGE?: string; SERVICE_NODE_PORT_RANGE?: string } | undefined): AllocationConfig {
  const range = env?.SERVICE_NODE_PORT_RANGE?.match(/^(\d+)-(\d+)$/);
  return {
    serviceCIDR: env?.SERVICE_CLUSTER_IP_RANGE ?? DEFAULT_ALLOCATION_CONFIG.serviceCIDR,
    nodePortRange: range ? { min: Number(range[1]), max: Number(range[2]) } : DEFAULT_ALLOCATION_CONFIG.nodePortRange,
  };
}

function serviceRange(config: AllocationConfig): Cidr {
  const cidr = parseCidr(config.serviceCIDR);
  if (!cidr) throw errors.internal(`bad service CIDR ${config.serviceCIDR}`);
  return cidr;
}

function needsNodePorts(svc: Service): boolean {
  return svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
}

function wantsClusterIP(svc: Service): boolean {
  return svc.spec?.type !== "ExternalName" && svc.spec?.clusterIP !== "None";
}

/** Values the Service holds: what must be claimed on create and released on delete. */
export function serviceClaims(svc: Service): Claim[] {
  const claims: Claim[] = [];
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== "None") claims.push({ pool: CLUSTER_IP_POOL, value: ip });
  for (const p of svc.spec?.ports ?? []) {
    if (p.nodePort) claims.push({ pool: NODE_PORT_POOL, value: String(p.nodePort) });
  }
  return claims;
}

/** Claims added and released by an update from `old` to `next`. */
export function claimDiff(old: Claim[], next: Claim[]): { claims: Claim[]; releases: Claim[] } {
  const key = (c: Claim) => `${c.pool}/${c.value}`;
  const oldKeys = new Set(old.map(key));
  const nextKeys = new Set(next.map(key));
  return {
    claims: next.filter((c) => !oldKeys.has(key(c))),
    releases: old.filter((c) => !nextKeys.has(key(c))),
  };
}

/**
 * Validate user-chosen values and fill the missing ones with random candidates. `taken` is what
 * the store already holds; a race with a concurrent create is caught by the store's claim check
 * and retried by the caller.
 */
export function allocate(
  svc: Service,
  config: AllocationConfig,
  taken: { clusterIPs: Set<string>; nodePorts: Set<number> },
  random: () => number = Math.random,
): FieldError[] {
  const spec = (svc.spec ??= {});
  const errs: FieldError[] = [];
  const cidr = serviceRange(config);
  if (wantsClusterIP(svc)) {
    if (spec.clusterIP) {
      const ip = spec.clusterIP;
      const n = parseIPv4(ip);
      if (n === undefined) {
        errs.push(fieldErrors.invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      } else {
        if (!containsAddress(cidr, n)) {
          errs.push(fieldErrors.invalid("spec.clusterIPs", ip, `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${config.serviceCIDR}`));
        } else if (taken.clusterIPs.has(ip)) {
          errs.push(fieldErrors.invalid("spec.clusterIPs", ip, `failed to allocate IP ${ip}: provided IP is already allocated`));
        }
      }
    } else {
      // Skip the network address and the first host (kept for the DNS service, as kubeadm does).
      for (let attempt = 0; attempt < 64 && !spec.clusterIP; attempt++) {
        const candidate = formatIPv4(nthAddress(cidr, 2 + Math.floor(random() * (cidrSize(cidr) - 3)))!);
        if (!taken.clusterIPs.has(candidate)) spec.clusterIP = candidate;
      }
      if (!spec.clusterIP) errs.push(fieldErrors.invalid("spec.clusterIPs", "", "failed to allocate a serviceIP: range is full"));
    }
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  }
  if (needsNodePorts(svc)) {
    const { min, max } = config.nodePortRange;
    const used = new Set(taken.nodePorts);
    (spec.ports ?? []).forEach((port, i) => {
      if (port.nodePort) {
        if (port.nodePort < min || port.nodePort > max) {
          errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, port.nodePort, `provided port is not in the valid range. The range of valid ports is ${min}-${max}`));
        } else if (used.has(port.nodePort)) {
          errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, port.nodePort, "provided port is already allocated"));
        }
        used.add(port.nodePort);
        return;
      }
      for (let attempt = 0; attempt < 256 && !port.nodePort; attempt++) {
        const candidate = min + Math.floor(random() * (max - min + 1));
        if (!used.has(candidate)) port.nodePort = candidate;
      }
      if (!port.nodePort) {
        errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, 0, "failed to allocate a nodePort: range is full"));
      } else {
        used.add(port.nodePort);
      }
    });
  } else {
    for (const port of spec.ports ?? []) delete port.nodePort;
  }
  return errs;
}

/**
 * On update, values the client left out are kept (as kube-apiserver's patchAllocatedValues does),
 * so `kubectl replace` of a manifest without `clusterIP` is not a forbidden change.
 */
export function carryOverAllocations(next: Service, old: Service): void {
  const spec = (next.spec ??= {});
  if (!spec.clusterIP && old.spec?.clusterIP && wantsClusterIP(next)) {
    spec.clusterIP = old.spec.clusterIP;
    spec.clusterIPs = old.spec.clusterIPs;
  }
  if (needsNodePorts(next) && needsNodePorts(old)) {
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const same = old.spec?.ports?.find((p) => p.port === port.port && (p.protocol ?? "TCP") === (port.protocol ?? "TCP"));
      if (same?.nodePort) port.nodePort = same.nodePort;
    }
  }
}

/** Whether the client itself asked for the value a claim names (then a clash is its error). */
export function userChose(requested: KubeObject, claim: Claim | undefined): boolean {
  if (!claim) return false;
  const spec = (requested as Service).spec;
  if (claim.pool === CLUSTER_IP_POOL) return spec?.clusterIP === claim.value;
  return (spec?.ports ?? []).some((p) => String(p.nodePort) === claim.value);
}

/** 422 for a value another Service holds, worded as kube-apiserver's allocators word it. */
export function claimTaken(kind: string, obj: KubeObject, claim: Claim | undefined): ApiError {
  const name = obj.metadata.name ?? "";
  if (claim?.pool === NODE_PORT_POOL) {
    const i = ((obj as Service).spec?.ports ?? []).findIndex((p) => String(p.nodePort) === claim.value);
    return errors.invalid(kind, name, [fieldErrors.invalid(`spec.ports[${Math.max(i, 0)}].nodePort`, Number(claim.value), "provided port is already allocated")]);
  }
  return errors.invalid(kind, name, [fieldErrors.invalid("spec.clusterIPs", claim?.value ?? "", `failed to allocate IP ${claim?.value}: provided IP is already allocated`)]);
}
