/**
 * Several hosts on one machine (DESIGN.md, Conventions): a Linux bridge on the host with an
 * address per cluster (`10.250.<n>.1/24`), and per node a network namespace joined to it by a
 * veth pair, with its own address and a default route through the host. Needs root. Names carry
 * the test process's pid, so a later run can clear what a killed run left behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export function sh(cmd: string, args: string[], options: { input?: string | Buffer; allowFail?: boolean } = {}): string {
  try {
    return execFileSync(cmd, args, { input: options.input, stdio: ["pipe", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
  } catch (err) {
    if (options.allowFail) return "";
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${e.stderr || e.message}`);
  }
}

const ip = (...args: string[]) => sh("ip", args);

export interface NetworkPlan {
  /** Bridge on the host, e.g. `skbr1234`. */
  bridge: string;
  /** `10.250.<n>` */
  prefix: string;
  /** The host's address on the bridge, which agents reach the control plane through. */
  hostIP: string;
}

export interface NodeNet {
  netns: string;
  ip: string;
  hostVeth: string;
}

const PID_TAG = /^sk(?:br|v|n)(\d+)x|^skiff-(\d+)-/;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes namespaces, bridges and veths left by test processes that are gone. */
export function clearStaleNetworks(): void {
  for (const line of sh("ip", ["netns", "list"], { allowFail: true }).split("\n")) {
    const name = line.split(" ")[0];
    const m = PID_TAG.exec(name);
    const pid = Number(m?.[1] ?? m?.[2]);
    if (m && !pidAlive(pid)) sh("ip", ["netns", "del", name], { allowFail: true });
  }
  for (const line of sh("ip", ["-o", "link", "show"], { allowFail: true }).split("\n")) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    const m = name ? PID_TAG.exec(name) : null;
    if (name && m && !pidAlive(Number(m[1] ?? m[2]))) sh("ip", ["link", "del", name], { allowFail: true });
  }
}

let clusters = 0;

/** A bridge for one cluster, on a /24 no other interface uses. */
export function createBridge(): NetworkPlan {
  const tag = `${process.pid}x${clusters++}`;
  const bridge = `skbr${tag}`;
  const used = sh("ip", ["-o", "-4", "addr", "show"]);
  let n = 1 + (process.pid % 200);
  while (used.includes(`10.250.${n}.`)) n = (n % 250) + 1;
  const prefix = `10.250.${n}`;
  ip("link", "add", bridge, "type", "bridge");
  ip("addr", "add", `${prefix}.1/24`, "dev", bridge);
  ip("link", "set", bridge, "up");
  // dockerd sets the host's FORWARD policy to DROP and bridged frames go through iptables
  // (br_netfilter): let the nodes talk to each other.
  sh("iptables", ["-I", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"], { allowFail: true });
  return { bridge, prefix, hostIP: `${prefix}.1` };
}

export function addNode(plan: NetworkPlan, index: number): NodeNet {
  const tag = plan.bridge.slice(4);
  const netns = `skiff-${process.pid}-${tag.split("x")[1]}-${index}`;
  const hostVeth = `skv${tag}${index}`.slice(0, 15);
  const nodeVeth = `skn${tag}${index}`.slice(0, 15);
  const address = `${plan.prefix}.${10 + index}`;
  ip("netns", "add", netns);
  ip("link", "add", hostVeth, "type", "veth", "peer", "name", nodeVeth);
  ip("link", "set", nodeVeth, "netns", netns);
  ip("link", "set", hostVeth, "master", plan.bridge, "up");
  const inNs = (...args: string[]) => ip("-n", netns, ...args);
  inNs("link", "set", "lo", "up");
  inNs("link", "set", nodeVeth, "name", "eth0");
  inNs("addr", "add", `${address}/24`, "dev", "eth0");
  inNs("link", "set", "eth0", "up");
  inNs("route", "add", "default", "via", plan.hostIP);
  return { netns, ip: address, hostVeth };
}

export function removeNode(node: NodeNet): void {
  if (existsSync(`/run/netns/${node.netns}`)) sh("ip", ["netns", "del", node.netns], { allowFail: true });
  sh("ip", ["link", "del", node.hostVeth], { allowFail: true });
}

export function removeBridge(plan: NetworkPlan): void {
  sh("iptables", ["-D", "FORWARD", "-i", plan.bridge, "-o", plan.bridge, "-j", "ACCEPT"], { allowFail: true });
  sh("ip", ["link", "del", plan.bridge], { allowFail: true });
}
