/**
 * The agent's DNS server for its pods, on UDP and TCP port 53 of an address they reach (the pod
 * bridge's gateway): the cluster's names from the Services and Endpoints the agent follows
 * (cluster-names.ts), everything else forwarded to the host's resolvers, over the transport the
 * pod used. Queries for the cluster's names before the first list arrived get SERVFAIL (the
 * resolver retries) rather than an NXDOMAIN it would cache.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, isIP, type Server, type Socket } from "node:net";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import type { Logger } from "../log.js";
import { indexCluster, resolveQuestion, type ClusterIndex } from "./cluster-names.js";
import { framed, queryTcp, queryUdp } from "./upstream.js";
import { CLASS_IN, decode, decodeHeader, encode, RCODE, TYPE, WireError, type Message, type ResourceRecord } from "./wire.js";

export interface ClusterSnapshot {
  synced: boolean;
  services: Service[];
  endpoints: Endpoints[];
}

export interface DnsServerOptions {
  clusterDomain: string;
  cluster: () => ClusterSnapshot;
  /** The host's resolvers, asked in order. */
  upstreams: () => string[];
  log: Logger;
  /** Per upstream (default 2 s): a dead resolver costs a pod this long, then the next is tried. */
  upstreamTimeoutMs?: number;
  upstreamPort?: number;
}

type Transport = "udp" | "tcp";

const UDP_LIMIT = 512;
const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private index: ClusterIndex | undefined;
  private address: string | undefined;
  private moving: Promise<void> = Promise.resolve();
  /** Queries answered, by how (for /metrics). */
  readonly counts = { cluster: 0, forwarded: 0, failed: 0 };

  constructor(private readonly o: DnsServerOptions) {}

  /** The Services or Endpoints changed: the next query sees them. */
  invalidate(): void {
    this.index = undefined;
  }

  get listening(): string | undefined {
    return this.address;
  }

  /** Listens on `address` (UDP and TCP), moving there from an earlier address; calls are serialized. */
  listen(address: string, port = 53): Promise<void> {
    const next = this.moving.then(() => this.move(address, port));
    this.moving = next.catch(() => undefined);
    return next;
  }

  private async move(address: string, port: number): Promise<void> {
    if (this.address === address) return;
    await this.close();
    const udp = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4" });
    udp.on("message", (msg, rinfo) => {
      void this.handle(msg, "udp").then((reply) => reply && udp.send(reply, rinfo.port, rinfo.address));
    });
    udp.on("error", (err) => this.o.log.warn("dns: udp socket error", { error: String(err) }));
    const tcp = createServer((socket) => this.serveTcp(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind(port, address, () => {
          udp.off("error", reject);
          resolve();
        });
      });
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, address, () => {
          tcp.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      tcp.close();
      throw err;
    }
    this.udp = udp;
    this.tcp = tcp;
    this.address = address;
    this.o.log.info("dns: serving the cluster's names", { address, port });
  }

  async close(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = this.tcp = this.address = undefined;
    for (const c of this.connections) c.destroy();
    udp?.close();
    await new Promise<void>((r) => (tcp ? tcp.close(() => r()) : r()));
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on("close", () => this.connections.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on("data", (d) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + msg.length);
        void this.handle(msg, "tcp").then((reply) => reply && !socket.destroyed && socket.write(framed(reply)));
      }
    });
  }

  private currentIndex(): ClusterIndex | undefined {
    if (this.index) return this.index;
    const snap = this.o.cluster();
    if (!snap.synced) return undefined;
    this.index = indexCluster(snap.services, snap.endpoints, this.o.clusterDomain, Math.floor(Date.now() / 1000));
    return this.index;
  }

  /** The reply to one query (undefined: none, the query was not even a DNS header). */
  async handle(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    let header;
    try {
      header = decodeHeader(query);
    } catch {
      return undefined;
    }
    if (header.flags.qr) return undefined;
    let msg: Message;
    try {
      msg = decode(query);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      return reply({ ...header, questions: [] }, RCODE.FORMERR);
    }
    if (msg.flags.opcode !== 0) return reply(msg, RCODE.NOTIMP);
    if (msg.questions.length !== 1) return reply(msg, RCODE.FORMERR);
    const q = msg.questions[0];
    const index = this.currentIndex();
    const inZone = isInZone(q.name, this.o.clusterDomain);
    if (!index && inZone) {
      this.counts.failed++;
      return reply(msg, RCODE.SERVFAIL);
    }
    const r = index ? resolveQuestion(index, q) : ({ kind: "forward" } as const);
    if (r.kind === "forward") {
      const answer = await this.forward(query, transport);
      if (answer) {
        this.counts.forwarded++;
        return answer;
      }
      this.counts.failed++;
      return reply(msg, RCODE.SERVFAIL);
    }
    this.counts.cluster++;
    let answers = r.answers;
    if (r.chase) answers = [...answers, ...(await this.chase(r.chase, q.type, transport))];
    const out: Message = {
      id: msg.id,
      flags: { qr: true, opcode: 0, aa: true, tc: false, rd: msg.flags.rd, ra: true, rcode: r.rcode },
      questions: [q],
      answers,
      authorities: r.authorities,
      additionals: r.additionals,
    };
    const buf = encode(out);
    if (transport === "udp" && buf.length > UDP_LIMIT) return encode({ ...out, flags: { ...out.flags, tc: true }, answers: [], authorities: [], additionals: [] });
    return buf;
  }

  /** The upstream answer to `query`, from the first resolver that gives one. */
  private async forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const timeout = this.o.upstreamTimeoutMs ?? 2000;
    const port = this.o.upstreamPort ?? 53;
    for (const server of this.o.upstreams()) {
      try {
        const reply = transport === "udp" ? await queryUdp(server, port, query, timeout) : await queryTcp(server, port, query, timeout);
        return reply;
      } catch (err) {
        this.o.log.debug("dns: upstream failed", { server, error: String(err) });
      }
    }
    return undefined;
  }

  /** The records upstream has for an ExternalName's target (none when it has none or fails). */
  private async chase(target: string, type: number, transport: Transport): Promise<ResourceRecord[]> {
    const query = encode({
      id: Math.floor(Math.random() * 0x10000),
      flags: { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 },
      questions: [{ name: target, type, class: CLASS_IN }],
      answers: [],
      authorities: [],
      additionals: [],
    });
    const raw = await this.forward(query, transport);
    if (!raw) return [];
    try {
      const m = decode(raw);
      return m.flags.rcode === RCODE.NOERROR ? m.answers.filter((a) => a.type !== TYPE.OPT) : [];
    } catch {
      return [];
    }
  }
}

function isInZone(name: string, domain: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  const d = domain.toLowerCase();
  return n === d || n.endsWith(`.${d}`);
}

function reply(query: Pick<Message, "id" | "flags" | "questions">, rcode: number): Buffer {
  return encode({
    id: query.id,
    flags: { qr: true, opcode: query.flags.opcode, aa: false, tc: false, rd: query.flags.rd, ra: true, rcode },
    questions: query.questions,
    answers: [],
    authorities: [],
    additionals: [],
  });
}
