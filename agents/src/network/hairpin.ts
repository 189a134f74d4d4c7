/**
 * Hairpin mode on the pod bridge's ports (kubelet's `--hairpin-mode=hairpin-veth`): a pod that
 * reaches itself through a Service has its packet DNATed back to its own address while it is
 * still being bridged (bridge-nf-call-iptables), and the bridge only sends a frame out of the
 * port it came in on when that port is in hairpin mode.
 */
import { run } from "./iptables.js";

interface Link {
  ifname: string;
  addr_info?: Array<{ local?: string }>;
  linkinfo?: { info_slave_data?: { hairpin?: boolean } };
}

/** Turns hairpin mode on for every port of the bridge that holds `gateway` (the pod network's address). */
export async function enableHairpin(gateway: string): Promise<void> {
  const addrs = JSON.parse((await run("ip", ["-j", "-4", "addr", "show"])) || "[]") as Link[];
  const bridge = addrs.find((l) => l.addr_info?.some((a) => a.local === gateway))?.ifname;
  if (!bridge) return;
  const ports = JSON.parse((await run("ip", ["-d", "-j", "link", "show", "master", bridge])) || "[]") as Link[];
  for (const port of ports) {
    if (port.linkinfo?.info_slave_data?.hairpin === false) await run("ip", ["link", "set", "dev", port.ifname, "type", "bridge_slave", "hairpin", "on"]);
  }
}
