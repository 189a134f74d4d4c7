/**
 * host-gw routes in the kernel: `ip route replace <pod CIDR> via <node IP>` for each desired
 * route, tagged with our own routing protocol number so that ours (and only ours) are found and
 * removed when a node leaves or becomes unroutable. Also turns forwarding on.
 */
import { writeFile } from "node:fs/promises";
import { run } from "./iptables.js";
import type { Route } from "./topology.js";

/** `proto` of our routes (any number unused by the system's /etc/iproute2/rt_protos). */
export const ROUTE_PROTO = "201";

export async function installedRoutes(): Promise<Route[]> {
  const out = await run("ip", ["-4", "-j", "route", "show", "proto", ROUTE_PROTO]);
  const rows = JSON.parse(out || "[]") as Array<{ dst?: string; gateway?: string }>;
  return rows.filter((r) => r.dst && r.gateway).map((r) => ({ cidr: r.dst!, via: r.gateway! }));
}

/** Makes our routes exactly `desired`. */
export async function applyRoutes(desired: readonly Route[]): Promise<void> {
  const current = await installedRoutes();
  const want = new Set(desired.map((r) => `${r.cidr} ${r.via}`));
  for (const r of current) if (!want.has(`${r.cidr} ${r.via}`)) await run("ip", ["route", "del", r.cidr, "via", r.via, "proto", ROUTE_PROTO]);
  const have = new Set(current.map((r) => `${r.cidr} ${r.via}`));
  for (const r of desired) if (!have.has(`${r.cidr} ${r.via}`)) await run("ip", ["route", "replace", r.cidr, "via", r.via, "proto", ROUTE_PROTO]);
}

/** Routing between interfaces, and iptables on bridged traffic (pod to pod through a Service on one bridge). */
export async function enableForwarding(): Promise<void> {
  await writeFile("/proc/sys/net/ipv4/ip_forward", "1");
  await writeFile("/proc/sys/net/bridge/bridge-nf-call-iptables", "1").catch(() => undefined);
}
