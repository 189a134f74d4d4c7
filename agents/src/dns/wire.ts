/**
 * The DNS wire format (RFC 1035) for the subset the agent's DNS server needs: header, questions,
 * and A, AAAA, CNAME, PTR, NS, SRV (RFC 2782) and SOA records; other records (EDNS OPT...) are
 * kept as raw rdata. Decoding follows compression pointers (with a loop guard); encoding
 * compresses owner and target names against the names already written.
 */
import { isIP } from "node:net";

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question {
  /** Without the trailing dot; "" is the root. */
  name: string;
  type: number;
  class: number;
}

export interface Srv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface Soa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** A/AAAA: the address; CNAME/PTR/NS: the name; SRV, SOA; anything else: raw rdata. */
export type RData = string | Srv | Soa | Buffer;

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface Flags {
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
}

export interface Message {
  id: number;
  flags: Flags;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

export class WireError extends Error {}

const NAME_TYPES = new Set<number>([TYPE.CNAME, TYPE.PTR, TYPE.NS]);
const MAX_POINTERS = 64;

// ---- decoding ----

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError("message truncated");
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    for (let hops = 0; ; ) {
      if (pos >= this.buf.length) throw new WireError("name runs past the message");
      const len = this.buf[pos];
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new WireError("name runs past the message");
        if (++hops > MAX_POINTERS) throw new WireError("compression pointer loop");
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        pos = ((len & 0x3f) << 8) | this.buf[pos + 1];
        continue;
      }
      if (len & 0xc0) throw new WireError("unsupported label type");
      if (len === 0) {
        if (!jumped) this.pos = pos + 1;
        break;
      }
      if (pos + 1 + len > this.buf.length) throw new WireError("name runs past the message");
      labels.push(this.buf.toString("latin1", pos + 1, pos + 1 + len).replace(/[.\\]/g, (c) => `\\${c}`));
      pos += 1 + len;
    }
    const name = labels.join(".");
    if (name.length > 253) throw new WireError("name too long");
    return name;
  }
}

function formatIPv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

function readData(r: Reader, type: number, length: number): RData {
  const end = r.pos + length;
  r.need(length);
  let data: RData;
  if (type === TYPE.A && length === 4) data = [...r.bytes(4)].join(".");
  else if (type === TYPE.AAAA && length === 16) data = formatIPv6(r.bytes(16));
  else if (NAME_TYPES.has(type)) data = r.name();
  else if (type === TYPE.SRV) data = { priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
  else if (type === TYPE.SOA) data = { mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
  else data = Buffer.from(r.bytes(length));
  if (r.pos !== end) throw new WireError(`bad rdata length for type ${type}`);
  return data;
}

function readRecords(r: Reader, count: number): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.name();
    const type = r.u16();
    const klass = r.u16();
    const ttl = r.u32();
    out.push({ name, type, class: klass, ttl, data: readData(r, type, r.u16()) });
  }
  return out;
}

/** The header's id and flags, readable even when the rest of the message is not. */
export function decodeHeader(buf: Buffer): { id: number; flags: Flags } {
  if (buf.length < 12) throw new WireError("message shorter than its header");
  const f = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    flags: { qr: !!(f & 0x8000), opcode: (f >> 11) & 0xf, aa: !!(f & 0x400), tc: !!(f & 0x200), rd: !!(f & 0x100), ra: !!(f & 0x80), rcode: f & 0xf },
  };
}

export function decode(buf: Buffer): Message {
  const { id, flags } = decodeHeader(buf);
  const r = new Reader(buf, 4);
  const [qd, an, ns, ar] = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  return { id, flags, questions, answers: readRecords(r, an), authorities: readRecords(r, ns), additionals: readRecords(r, ar) };
}

// ---- encoding ----

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  /** Lower-cased name suffix → offset where it was written. */
  private readonly names = new Map<string, number>();

  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u8(v: number): void {
    this.push(Buffer.from([v]));
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.push(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.push(b);
  }

  name(name: string): void {
    const labels = splitName(name);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      const at = this.names.get(suffix);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.length < 0x4000) this.names.set(suffix, this.length);
      const label = Buffer.from(labels[i], "latin1");
      if (label.length === 0 || label.length > 63) throw new WireError(`bad label in ${JSON.stringify(name)}`);
      this.u8(label.length);
      this.push(label);
    }
    this.u8(0);
  }

  result(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** Labels of a presentation name; `\.` is a dot inside a label. */
function splitName(name: string): string[] {
  if (name === "" || name === ".") return [];
  const labels: string[] = [];
  let cur = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "\\" && i + 1 < name.length) cur += name[++i];
    else if (c === ".") {
      labels.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur !== "" || !name.endsWith(".")) labels.push(cur);
  return labels;
}

function addressBytes(type: number, address: string): Buffer {
  if (type === TYPE.A && isIP(address) === 4) return Buffer.from(address.split(".").map(Number));
  if (type === TYPE.AAAA && isIP(address) === 6) {
    const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  }
  throw new WireError(`bad address ${address} for type ${type}`);
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  // The length is only known once the (compressed) rdata is written: patch it in after.
  const lengthAt = w.length;
  const lengthBuf = Buffer.alloc(2);
  w.push(lengthBuf);
  const d = rr.data;
  if (Buffer.isBuffer(d)) w.push(d);
  else if (typeof d === "string") {
    if (rr.type === TYPE.A || rr.type === TYPE.AAAA) w.push(addressBytes(rr.type, d));
    else if (NAME_TYPES.has(rr.type)) w.name(d);
    else throw new WireError(`no string rdata for type ${rr.type}`);
  } else if ("target" in d) {
    w.u16(d.priority);
    w.u16(d.weight);
    w.u16(d.port);
    w.name(d.target);
  } else {
    w.name(d.mname);
    w.name(d.rname);
    for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
  }
  lengthBuf.writeUInt16BE(w.length - lengthAt - 2);
}

export function encode(m: Message): Buffer {
  const w = new Writer();
  const f = m.flags;
  w.u16(m.id);
  w.u16((f.qr ? 0x8000 : 0) | ((f.opcode & 0xf) << 11) | (f.aa ? 0x400 : 0) | (f.tc ? 0x200 : 0) | (f.rd ? 0x100 : 0) | (f.ra ? 0x80 : 0) | (f.rcode & 0xf));
  for (const n of [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]) w.u16(n);
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, rr);
  return w.result();
}
