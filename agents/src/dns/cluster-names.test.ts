import { describe, expect, it } from "vitest";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { indexCluster, resolveQuestion, type Resolution } from "./cluster-names.js";
import { CLASS_IN, RCODE, TYPE } from "./wire.js";

const svc = (name: string, spec: NonNullable<Service["spec"]>, ns = "default"): Service => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec }) as Service;
const eps = (name: string, subsets: NonNullable<Endpoints["subsets"]>, ns = "default"): Endpoints => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace: ns }, subsets }) as Endpoints;

const services = [
  svc("webservice", { clusterIP: "10.96.0.20", clusterIPs: ["10.96.0.20"], ports: [{ port: 80, targetPort: 5000, protocol: "TCP" }] }),
  svc("api", { clusterIP: "10.96.0.30", ports: [{ name: "http", port: 8080, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }] }, "prod"),
  svc("dual", { clusterIP: "10.96.0.40", clusterIPs: ["10.96.0.40", "fd00::40"], ports: [{ port: 80 }] }),
  svc("db1", { type: "ExternalName", externalName: "mysql01.database.test.com" }),
  svc("alias", { type: "ExternalName", externalName: "webservice.default.svc.cluster.local" }),
  svc("peers", { clusterIP: "None", ports: [{ name: "gossip", port: 7000, protocol: "TCP" }] }),
  svc("lonely", { clusterIP: "None", ports: [{ port: 80 }] }),
  svc("eager", { clusterIP: "None", publishNotReadyAddresses: true, ports: [{ port: 80 }] }),
];
const endpoints = [
  eps("webservice", [{ addresses: [{ ip: "10.244.1.5" }], ports: [{ port: 5000 }] }]),
  eps("peers", [
    {
      addresses: [{ ip: "10.244.1.7", hostname: "peer-0" }, { ip: "10.244.2.8" }],
      notReadyAddresses: [{ ip: "10.244.2.9" }],
      ports: [{ name: "gossip", port: 7001, protocol: "TCP" }],
    },
  ]),
  eps("eager", [{ notReadyAddresses: [{ ip: "10.244.2.10" }], ports: [{ port: 80 }] }]),
];
const index = indexCluster(services, endpoints, "cluster.local", 42);
const q = (name: string, type: number = TYPE.A) => resolveQuestion(index, { name, type, class: CLASS_IN });

/** An answer as [rcode, "type data" of each answer], for compact tables. */
function brief(r: Resolution): [string, string[]] | "forward" {
  if (r.kind === "forward") return "forward";
  const rcode = Object.entries(RCODE).find(([, v]) => v === r.rcode)?.[0] ?? String(r.rcode);
  const typeName = (t: number) => Object.entries(TYPE).find(([, v]) => v === t)?.[0] ?? String(t);
  return [rcode, r.answers.map((a) => `${typeName(a.type)} ${typeof a.data === "string" ? a.data : JSON.stringify(a.data)}`)];
}

describe("resolveQuestion", () => {
  it.each<[string, number, ReturnType<typeof brief>]>([
    ["webservice.default.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.96.0.20"]]],
    ["WebService.Default.svc.Cluster.Local.", TYPE.A, ["NOERROR", ["A 10.96.0.20"]]],
    ["webservice.default.svc.cluster.local", TYPE.AAAA, ["NOERROR", []]],
    ["webservice.default.svc.cluster.local", TYPE.SRV, ["NOERROR", []]],
    ["dual.default.svc.cluster.local", TYPE.AAAA, ["NOERROR", ["AAAA fd00::40"]]],
    ["dual.default.svc.cluster.local", TYPE.ANY, ["NOERROR", ["A 10.96.0.40", "AAAA fd00::40"]]],
    ["api.prod.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.96.0.30"]]],
    ["api.default.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    // What a pod's search list makes of names with fewer than 5 dots.
    ["webservice.default.svc.cluster.local.default.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["mysql01.database.test.com.default.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["webservice.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["webservice.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    // Names above the services exist but have no records.
    ["default.svc.cluster.local", TYPE.A, ["NOERROR", []]],
    ["nosuchns.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["svc.cluster.local", TYPE.A, ["NOERROR", []]],
    ["cluster.local", TYPE.SOA, ["NOERROR", [`SOA ${JSON.stringify({ mname: "ns.dns.cluster.local", rname: "hostmaster.cluster.local", serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })}`]]],
    // ExternalName: a CNAME; in the zone it is followed, outside it the server chases it upstream.
    ["db1.default.svc.cluster.local", TYPE.A, ["NOERROR", ["CNAME mysql01.database.test.com"]]],
    ["db1.default.svc.cluster.local", TYPE.CNAME, ["NOERROR", ["CNAME mysql01.database.test.com"]]],
    ["alias.default.svc.cluster.local", TYPE.A, ["NOERROR", ["CNAME webservice.default.svc.cluster.local", "A 10.96.0.20"]]],
    // Headless: the ready addresses, each endpoint by hostname or dashed address.
    ["peers.default.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.244.1.7", "A 10.244.2.8"]]],
    ["peer-0.peers.default.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.244.1.7"]]],
    ["10-244-2-8.peers.default.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.244.2.8"]]],
    ["10-244-2-9.peers.default.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["peer-0.webservice.default.svc.cluster.local", TYPE.A, ["NXDOMAIN", []]],
    ["lonely.default.svc.cluster.local", TYPE.A, ["NOERROR", []]],
    ["eager.default.svc.cluster.local", TYPE.A, ["NOERROR", ["A 10.244.2.10"]]],
    // SRV for named ports.
    ["_http._tcp.api.prod.svc.cluster.local", TYPE.SRV, ["NOERROR", [`SRV ${JSON.stringify({ priority: 0, weight: 100, port: 8080, target: "api.prod.svc.cluster.local" })}`]]],
    ["_dns._udp.api.prod.svc.cluster.local", TYPE.SRV, ["NOERROR", [`SRV ${JSON.stringify({ priority: 0, weight: 100, port: 53, target: "api.prod.svc.cluster.local" })}`]]],
    ["_dns._tcp.api.prod.svc.cluster.local", TYPE.SRV, ["NXDOMAIN", []]],
    ["_http._tcp.api.prod.svc.cluster.local", TYPE.A, ["NOERROR", []]],
    [
      "_gossip._tcp.peers.default.svc.cluster.local",
      TYPE.SRV,
      [
        "NOERROR",
        [
          `SRV ${JSON.stringify({ priority: 0, weight: 50, port: 7001, target: "peer-0.peers.default.svc.cluster.local" })}`,
          `SRV ${JSON.stringify({ priority: 0, weight: 50, port: 7001, target: "10-244-2-8.peers.default.svc.cluster.local" })}`,
        ],
      ],
    ],
    // Reverse: cluster IPs and named endpoints are ours, other addresses are not.
    ["20.0.96.10.in-addr.arpa", TYPE.PTR, ["NOERROR", ["PTR webservice.default.svc.cluster.local"]]],
    ["7.1.244.10.in-addr.arpa", TYPE.PTR, ["NOERROR", ["PTR peer-0.peers.default.svc.cluster.local"]]],
    ["8.2.244.10.in-addr.arpa", TYPE.PTR, "forward"],
    ["1.0.0.127.in-addr.arpa", TYPE.PTR, "forward"],
    // Everything else goes to the host's resolvers.
    ["example.com", TYPE.A, "forward"],
    ["mysql01.database.test.com", TYPE.A, "forward"],
    ["cluster.local.example.com", TYPE.A, "forward"],
  ])("%s (type %i)", (name, type, want) => {
    expect(brief(q(name, type))).toEqual(want);
  });

  it("echoes the name as asked and answers with the cluster's TTL", () => {
    const r = q("WebService.default.svc.cluster.local");
    expect(r).toMatchObject({ answers: [{ name: "WebService.default.svc.cluster.local", ttl: 5, class: CLASS_IN }], authorities: [] });
  });

  it("puts the zone's SOA in negative answers", () => {
    for (const r of [q("nope.default.svc.cluster.local"), q("webservice.default.svc.cluster.local", TYPE.AAAA)]) {
      expect(r).toMatchObject({ authorities: [{ name: "cluster.local", type: TYPE.SOA }] });
    }
  });

  it("asks the server to chase an ExternalName target outside the zone", () => {
    expect(q("db1.default.svc.cluster.local")).toMatchObject({ chase: "mysql01.database.test.com" });
    expect(q("db1.default.svc.cluster.local", TYPE.CNAME)).not.toHaveProperty("chase");
  });

  it("gives the addresses of SRV targets as additional records", () => {
    expect(q("_http._tcp.api.prod.svc.cluster.local", TYPE.SRV)).toMatchObject({ additionals: [{ name: "api.prod.svc.cluster.local", type: TYPE.A, data: "10.96.0.30" }] });
  });

  it("serves another cluster domain", () => {
    const other = indexCluster(services, endpoints, "corp.internal", 1);
    expect(brief(resolveQuestion(other, { name: "webservice.default.svc.corp.internal", type: TYPE.A, class: CLASS_IN }))).toEqual(["NOERROR", ["A 10.96.0.20"]]);
    expect(resolveQuestion(other, { name: "webservice.default.svc.cluster.local", type: TYPE.A, class: CLASS_IN })).toEqual({ kind: "forward" });
  });

  it("forwards other classes", () => {
    expect(resolveQuestion(index, { name: "version.bind", type: 16, class: 3 })).toEqual({ kind: "forward" });
  });
});
