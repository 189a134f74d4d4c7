/**
 * The Service environment variables kubelet gives a container (pkg/kubelet/envvars): for each
 * Service of the pod's namespace with a cluster IP (`enableServiceLinks`, default true), plus the
 * `kubernetes` Service of `default` always, `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`,
 * `<NAME>_SERVICE_PORT_<PORTNAME>` and Docker's link variables (`<NAME>_PORT`, `<NAME>_PORT_<p>_<PROTO>`
 * with `_PROTO`, `_PORT`, `_ADDR`). Only Services existing when the container is created count.
 */
import type { Pod, Service } from "../../../src/lib/types.js";

const MASTER_NAMESPACE = "default";
const MASTER_SERVICES = new Set(["kubernetes"]);

/** `my-svc` → `MY_SVC`. */
function envName(name: string): string {
  return name.replaceAll("-", "_").toUpperCase();
}

/** kubelet's IsServiceIPSet: not headless, not ExternalName (no cluster IP). */
function hasClusterIP(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return !!ip && ip !== "None";
}

function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The variables of one Service, in kubelet's order. */
export function serviceVariables(s: Service): Array<[string, string]> {
  const ports = s.spec?.ports ?? [];
  const ip = s.spec?.clusterIP ?? "";
  if (!hasClusterIP(s) || ports.length === 0) return [];
  const prefix = envName(s.metadata.name ?? "");
  const out: Array<[string, string]> = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0].port)],
  ];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? "TCP").toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, proto], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service variables of `pod` given the Services known when its container is created. A
 * Service of the pod's namespace shadows a master Service of the same name.
 */
export function serviceEnv(pod: Pod, services: readonly Service[]): Record<string, string> {
  const ns = pod.metadata.namespace ?? "default";
  const links = pod.spec?.enableServiceLinks ?? true;
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata.name ?? "";
    const sns = s.metadata.namespace ?? "default";
    if (sns === ns && links) chosen.set(name, s);
    else if (sns === MASTER_NAMESPACE && MASTER_SERVICES.has(name) && !chosen.has(name)) chosen.set(name, s);
  }
  const env: Record<string, string> = {};
  for (const s of chosen.values()) for (const [k, v] of serviceVariables(s)) env[k] = v;
  return env;
}
