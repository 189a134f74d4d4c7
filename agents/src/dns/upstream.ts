/**
 * The host's resolvers, which the agent's DNS server forwards other names to, and whose
 * resolv.conf `dnsPolicy: Default` pods get. The file is read again when it changes (DHCP, a VPN)
 * at most once a second. When it names only systemd-resolved's stub (127.0.0.53, which pods
 * cannot reach in their own network namespace) and the real one exists, the real one is used,
 * as kubeadm configures kubelet's `--resolv-conf`.
 */
import { readFileSync, statSync } from "node:fs";
import { isIP, Socket, createConnection } from "node:net";
import { createSocket } from "node:dgram";
import { parseResolvConf, type ResolvConf } from "./resolv-conf.js";

export const HOST_RESOLV_CONF = "/etc/resolv.conf";
const SYSTEMD_RESOLV_CONF = "/run/systemd/resolve/resolv.conf";
const EMPTY: ResolvConf = { nameservers: [], searches: [], options: [] };

const isLoopback = (ip: string) => ip.startsWith("127.") || ip === "::1";

export class HostResolvConf {
  private cached: { at: number; mtimeMs: number; path: string; conf: ResolvConf } | undefined;

  constructor(
    private readonly path = HOST_RESOLV_CONF,
    private readonly now: () => number = Date.now,
  ) {}

  get(): ResolvConf {
    const t = this.now();
    if (this.cached && t - this.cached.at < 1000) return this.cached.conf;
    const path = this.effectivePath();
    const mtimeMs = mtime(path);
    if (this.cached && this.cached.path === path && this.cached.mtimeMs === mtimeMs) {
      this.cached.at = t;
      return this.cached.conf;
    }
    let conf = EMPTY;
    try {
      conf = parseResolvConf(readFileSync(path, "utf8"));
    } catch {
      // No resolv.conf: no host resolvers, as for kubelet.
    }
    this.cached = { at: t, mtimeMs, path, conf };
    return conf;
  }

  private effectivePath(): string {
    if (this.path !== HOST_RESOLV_CONF || mtime(SYSTEMD_RESOLV_CONF) < 0) return this.path;
    try {
      const own = parseResolvConf(readFileSync(this.path, "utf8"));
      return own.nameservers.length > 0 && own.nameservers.every(isLoopback) ? SYSTEMD_RESOLV_CONF : this.path;
    } catch {
      return this.path;
    }
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Sends one query to `server` over UDP; the reply must carry the query's id. */
export function queryUdp(server: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(server) === 6 ? "udp6" : "udp4");
    const timer = setTimeout(() => finish(new Error(`no answer from ${server} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on("error", (err) => finish(err));
    socket.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) finish(undefined, msg);
    });
    socket.send(query, port, server, (err) => err && finish(err));
  });
}

/** Sends one query to `server` over TCP (RFC 1035 4.2.2: each message after its 2-byte length). */
export function queryTcp(server: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host: server, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(new Error(`no answer from ${server} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on("error", (err) => finish(err));
    socket.on("connect", () => socket.write(framed(query)));
    socket.on("data", (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) finish(undefined, all.subarray(2, 2 + all.readUInt16BE(0)));
    });
    socket.on("end", () => finish(new Error(`${server} closed the connection`)));
  });
}

export function framed(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}
