import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { createLogger } from "../log.js";
import { DnsServer, type ClusterSnapshot } from "./dns-server.js";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream.js";
import { queryTcp, queryUdp } from "./upstream.js";
import { CLASS_IN, decode, encode, RCODE, TYPE } from "./wire.js";

const web = { apiVersion: "v1", kind: "Service", metadata: { name: "webservice", namespace: "default" }, spec: { clusterIP: "10.96.0.20", ports: [{ port: 80 }] } } as Service;
const db1 = { apiVersion: "v1", kind: "Service", metadata: { name: "db1", namespace: "default" }, spec: { type: "ExternalName", externalName: "mysql01.database.test.com" } } as Service;

function query(name: string, type: number = TYPE.A, id = 4321): Buffer {
  return encode({ id, flags: { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 }, questions: [{ name, type, class: CLASS_IN }], answers: [], authorities: [], additionals: [] });
}

describe("DnsServer", () => {
  let upstream: FakeUpstream;
  let server: DnsServer;
  let port: number;
  let snapshot: ClusterSnapshot = { synced: false, services: [], endpoints: [] };
  let upstreams = ["127.0.0.1"];

  beforeAll(async () => {
    upstream = await startFakeUpstream({ "mysql01.database.test.com": "192.0.2.7" });
    server = new DnsServer({
      clusterDomain: "cluster.local",
      cluster: () => snapshot,
      upstreams: () => upstreams,
      upstreamPort: upstream.port,
      upstreamTimeoutMs: 300,
      log: createLogger("error"),
    });
    // An unprivileged port: the test does not need root.
    port = 20000 + Math.floor(Math.random() * 20000);
    await server.listen("127.0.0.1", port);
  });
  afterAll(async () => {
    await server.close();
    upstream.socket.close();
  });

  const ask = async (name: string, type: number = TYPE.A, transport: "udp" | "tcp" = "udp") =>
    decode(await (transport === "udp" ? queryUdp : queryTcp)("127.0.0.1", port, query(name, type), 3000));

  it("answers SERVFAIL for the cluster's names until the Services are known, and forwards the rest", async () => {
    expect((await ask("webservice.default.svc.cluster.local")).flags.rcode).toBe(RCODE.SERVFAIL);
    expect((await ask("mysql01.database.test.com")).answers).toMatchObject([{ data: "192.0.2.7" }]);
  });

  it("answers the cluster's names over UDP and TCP once synced, and follows changes", async () => {
    snapshot = { synced: true, services: [web], endpoints: [] as Endpoints[] };
    server.invalidate();
    for (const transport of ["udp", "tcp"] as const) {
      const m = await ask("webservice.default.svc.cluster.local", TYPE.A, transport);
      expect(m).toMatchObject({ id: 4321, flags: { qr: true, aa: true, rd: true, rcode: RCODE.NOERROR }, answers: [{ type: TYPE.A, data: "10.96.0.20" }] });
    }
    expect((await ask("db1.default.svc.cluster.local")).flags.rcode).toBe(RCODE.NXDOMAIN);
    snapshot = { ...snapshot, services: [web, db1] };
    server.invalidate();
    const m = await ask("db1.default.svc.cluster.local");
    expect(m.flags.rcode).toBe(RCODE.NOERROR);
    // The CNAME, then what the upstream knows of its target.
    expect(m.answers.map((a) => [a.type, a.data])).toEqual([
      [TYPE.CNAME, "mysql01.database.test.com"],
      [TYPE.A, "192.0.2.7"],
    ]);
  });

  it("relays the upstream's NXDOMAIN", async () => {
    expect((await ask("nosuch.example.test")).flags.rcode).toBe(RCODE.NXDOMAIN);
    expect(upstream.asked).toContain("nosuch.example.test");
  });

  it("answers SERVFAIL when no upstream answers, and tries the next one first", async () => {
    upstreams = ["127.0.0.2", "127.0.0.3"];
    expect((await ask("example.test")).flags.rcode).toBe(RCODE.SERVFAIL);
    upstreams = ["127.0.0.2", "127.0.0.1"];
    expect((await ask("mysql01.database.test.com")).answers).toMatchObject([{ data: "192.0.2.7" }]);
    upstreams = ["127.0.0.1"];
  });

  it("answers FORMERR to a malformed query and NOTIMP to other opcodes", async () => {
    const bad = Buffer.concat([query("x").subarray(0, 12), Buffer.from([5, 0x61])]);
    expect(decode((await server.handle(bad, "udp"))!).flags).toMatchObject({ qr: true, rcode: RCODE.FORMERR });
    const notify = query("cluster.local", TYPE.SOA);
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
    expect(decode((await server.handle(notify, "udp"))!).flags.rcode).toBe(RCODE.NOTIMP);
    expect(await server.handle(Buffer.from([1, 2, 3]), "udp")).toBeUndefined();
  });

  it("truncates a UDP answer over 512 bytes, and gives it whole over TCP", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.1.${i + 2}` }));
    snapshot = {
      synced: true,
      services: [{ ...web, metadata: { name: "big", namespace: "default" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } } as Service],
      endpoints: [{ apiVersion: "v1", kind: "Endpoints", metadata: { name: "big", namespace: "default" }, subsets: [{ addresses: many, ports: [{ port: 80 }] }] } as Endpoints],
    };
    server.invalidate();
    const udp = await ask("big.default.svc.cluster.local");
    expect(udp.flags.tc).toBe(true);
    expect(udp.answers).toEqual([]);
    expect((await ask("big.default.svc.cluster.local", TYPE.A, "tcp")).answers).toHaveLength(60);
  });

  it("moves to another address (the pod CIDR changed), concurrent moves in order", async () => {
    await Promise.all([server.listen("127.0.0.3", port), server.listen("127.0.0.2", port)]);
    expect(server.listening).toBe("127.0.0.2");
    const m = decode(await queryUdp("127.0.0.2", port, query("big.default.svc.cluster.local"), 3000));
    expect(m.flags.rcode).toBe(RCODE.NOERROR);
    await expect(queryTcp("127.0.0.1", port, query("x"), 1000)).rejects.toThrow();
  });
});
