import { describe, expect, it } from "vitest";
import { CLASS_IN, decode, encode, RCODE, TYPE, WireError, type Message } from "./wire.js";

const flags = { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 };
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

// `dig example.com A` without EDNS: id 0x1234, RD, one question.
const QUERY = hex("1234 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001");

describe("decode", () => {
  it("reads a query", () => {
    expect(decode(QUERY)).toEqual({ id: 0x1234, flags, questions: [{ name: "example.com", type: TYPE.A, class: CLASS_IN }], answers: [], authorities: [], additionals: [] });
  });

  it("follows compression pointers in owner names and rdata", () => {
    // A response: the answer's owner is a pointer to the question name (offset 12); a CNAME whose
    // target is "www" + pointer to it (offset 41); then an A record whose owner points there.
    const msg = hex(
      "abcd 8180 0001 0002 0000 0000 076578616d706c6503636f6d00 0001 0001" +
        "c00c 0005 0001 0000003c 0006 03777777 c00c" +
        "c029 0001 0001 0000003c 0004 5db8d822",
    );
    const m = decode(msg);
    expect(m.flags).toMatchObject({ qr: true, rd: true, ra: true, rcode: 0 });
    expect(m.answers).toEqual([
      { name: "example.com", type: TYPE.CNAME, class: CLASS_IN, ttl: 60, data: "www.example.com" },
      { name: "www.example.com", type: TYPE.A, class: CLASS_IN, ttl: 60, data: "93.184.216.34" },
    ]);
  });

  it.each([
    ["a pointer loop", hex("0000 0000 0001 0000 0000 0000 c00c 0001 0001"), "compression pointer loop"],
    ["a truncated header", hex("0000 0000"), "message shorter than its header"],
    ["a name past the end", hex("0000 0000 0001 0000 0000 0000 0561"), "name runs past the message"],
    ["a missing question type", hex("0000 0000 0001 0000 0000 0000 00"), "message truncated"],
  ])("rejects %s", (_, buf, message) => {
    expect(() => decode(buf)).toThrow(new WireError(message));
  });

  it("keeps unknown records (EDNS OPT) as raw rdata", () => {
    const withOpt = Buffer.concat([hex("1234 0100 0001 0000 0000 0001"), QUERY.subarray(12), hex("00 0029 1000 00000000 0000")]);
    expect(decode(withOpt).additionals).toEqual([{ name: "", type: TYPE.OPT, class: 4096, ttl: 0, data: Buffer.alloc(0) }]);
  });
});

describe("encode", () => {
  it("writes the query dig writes", () => {
    expect(encode(decode(QUERY))).toEqual(QUERY);
  });

  it("round-trips every record type it knows, compressing repeated names", () => {
    const m: Message = {
      id: 7,
      flags: { ...flags, qr: true, aa: true, rcode: RCODE.NXDOMAIN },
      questions: [{ name: "_http._tcp.web.default.svc.cluster.local", type: TYPE.SRV, class: CLASS_IN }],
      answers: [
        { name: "_http._tcp.web.default.svc.cluster.local", type: TYPE.SRV, class: CLASS_IN, ttl: 5, data: { priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" } },
        { name: "web.default.svc.cluster.local", type: TYPE.A, class: CLASS_IN, ttl: 5, data: "10.96.0.20" },
        { name: "web.default.svc.cluster.local", type: TYPE.AAAA, class: CLASS_IN, ttl: 5, data: "fd00::1:0:0:20" },
        { name: "db1.default.svc.cluster.local", type: TYPE.CNAME, class: CLASS_IN, ttl: 5, data: "mysql01.database.test.com" },
        { name: "20.0.96.10.in-addr.arpa", type: TYPE.PTR, class: CLASS_IN, ttl: 5, data: "web.default.svc.cluster.local" },
      ],
      authorities: [
        { name: "cluster.local", type: TYPE.SOA, class: CLASS_IN, ttl: 5, data: { mname: "ns.dns.cluster.local", rname: "hostmaster.cluster.local", serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } },
      ],
      additionals: [],
    };
    const buf = encode(m);
    expect(decode(buf)).toEqual(m);
    // "svc.cluster.local" and the rest are written once, then pointed to.
    expect(buf.toString("latin1").split("cluster").length - 1).toBe(1);
    expect(buf.length).toBeLessThan(260);
  });

  it.each([
    ["::", "::"],
    ["fd00::1", "fd00::1"],
    ["1:0:0:1:0:0:0:1", "1:0:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
  ])("writes AAAA %s and reads it back as %s", (written, read) => {
    const m: Message = { id: 1, flags, questions: [], answers: [{ name: "x", type: TYPE.AAAA, class: CLASS_IN, ttl: 1, data: written }], authorities: [], additionals: [] };
    expect(decode(encode(m)).answers[0].data).toBe(read);
  });

  it("refuses an address of the wrong family", () => {
    const m: Message = { id: 1, flags, questions: [], answers: [{ name: "x", type: TYPE.A, class: CLASS_IN, ttl: 1, data: "fd00::1" }], authorities: [], additionals: [] };
    expect(() => encode(m)).toThrow(WireError);
  });
});
