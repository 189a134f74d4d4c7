import { describe, expect, it } from "vitest";
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { chainName, proxyRules, type ProxyInput } from "./proxy-rules.js";
import type { NodeNetwork } from "./topology.js";

const node = (name: string, ip: string, podCIDR: string, mode: NodeNetwork["mode"] = "routed", published: Record<string, number> = {}): NodeNetwork => ({
  name,
  ip,
  podCIDR,
  mode,
  published: new Map(Object.entries(published)),
});

const A = node("a", "10.250.1.10", "10.244.0.0/24");
const B = node("b", "10.250.1.11", "10.244.1.0/24");

function service(name: string, spec: Service["spec"]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec };
}

function endpoints(name: string, ready: Array<[string, string]>, port = 5000, notReady: Array<[string, string]> = []): Endpoints {
  const addr = ([ip, nodeName]: [string, string]) => ({ ip, nodeName });
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace: "default" },
    subsets: [{ addresses: ready.map(addr), notReadyAddresses: notReady.length ? notReady.map(addr) : undefined, ports: [{ port, protocol: "TCP" }] }],
  };
}

const web = service("web", { type: "ClusterIP", clusterIP: "10.96.0.10", ports: [{ port: 80, targetPort: 5000, protocol: "TCP" }] });

function rules(over: Partial<ProxyInput>): string[] {
  const input: ProxyInput = {
    self: { name: "a", ip: A.ip!, podCIDR: A.podCIDR, mode: "routed" },
    nodes: [A, B],
    services: [web],
    endpoints: [],
    published: [],
    existing: { nat: [], filter: [] },
    ...over,
  };
  return proxyRules(input).restore.split("\n");
}

const svcChain = chainName("SVC", "default/web:/TCP");

describe("proxyRules", () => {
  it.each([
    {
      name: "spreads a clusterIP over the ready endpoints with probabilities 1/n, 1/(n-1), …",
      endpoints: [endpoints("web", [["10.244.0.5", "a"], ["10.244.1.5", "b"], ["10.244.1.6", "b"]])],
      want: [
        `-A SKIFF-SERVICES -m comment --comment "default/web" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j ${svcChain}`,
        `-A ${svcChain} -m statistic --mode random --probability 0.3333333333 -j ${chainName("SEP", "default/web:/TCP:10.244.0.5:5000")}`,
        `-A ${svcChain} -m statistic --mode random --probability 0.5000000000 -j ${chainName("SEP", "default/web:/TCP:10.244.1.5:5000")}`,
        `-A ${svcChain} -j ${chainName("SEP", "default/web:/TCP:10.244.1.6:5000")}`,
        `-A ${chainName("SEP", "default/web:/TCP:10.244.1.5:5000")} -p tcp -m tcp -j DNAT --to-destination 10.244.1.5:5000`,
        `-A ${chainName("SEP", "default/web:/TCP:10.244.1.5:5000")} -s 10.244.1.5/32 -j SKIFF-MARK-MASQ`,
      ],
      absent: ["REJECT"],
    },
    {
      name: "leaves unready endpoints out",
      endpoints: [endpoints("web", [["10.244.1.5", "b"]], 5000, [["10.244.1.6", "b"]])],
      want: [`-A ${svcChain} -j ${chainName("SEP", "default/web:/TCP:10.244.1.5:5000")}`],
      absent: ["10.244.1.6"],
    },
    {
      name: "rejects a Service without ready endpoints at once (connection refused)",
      endpoints: [endpoints("web", [], 5000, [["10.244.1.6", "b"]])],
      want: [`-A SKIFF-SERVICES -m comment --comment "default/web" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`],
      absent: [svcChain],
    },
  ])("$name", ({ endpoints: eps, want, absent }) => {
    const out = rules({ endpoints: eps });
    for (const line of want) expect(out).toContain(line);
    for (const text of absent) expect(out.join("\n")).not.toContain(text);
  });

  it("answers nodePorts on local addresses and external IPs, marked for masquerade; LoadBalancer as NodePort", () => {
    const lb = service("web", { type: "LoadBalancer", clusterIP: "10.96.0.10", externalIPs: ["70.34.1.23"], ports: [{ port: 80, targetPort: 5000, nodePort: 30080, protocol: "TCP" }] });
    const out = rules({ services: [lb], endpoints: [endpoints("web", [["10.244.1.5", "b"]])] });
    const ext = chainName("EXT", "default/web:/TCP");
    expect(out).toContain(`-A SKIFF-SERVICES -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`);
    expect(out).toContain(`-A SKIFF-NODEPORTS -m comment --comment "default/web" -p tcp -m tcp --dport 30080 -j ${ext}`);
    expect(out).toContain(`-A SKIFF-SERVICES -m comment --comment "default/web" -d 70.34.1.23/32 -p tcp -m tcp --dport 80 -j ${ext}`);
    expect(out).toContain(`-A ${ext} -j SKIFF-MARK-MASQ`);
    expect(out).toContain(`-A ${ext} -j ${svcChain}`);
  });

  it("rejects a nodePort without endpoints in the filter table", () => {
    const np = service("web", { type: "NodePort", clusterIP: "10.96.0.10", ports: [{ port: 80, nodePort: 30080, protocol: "UDP" }] });
    const out = rules({ services: [np] });
    expect(out).toContain(`-A SKIFF-EXTERNAL-SERVICES -m comment --comment "default/web" -m addrtype --dst-type LOCAL -p udp -m udp --dport 30080 -j REJECT --reject-with icmp-port-unreachable`);
  });

  it("sends UDP to UDP endpoints", () => {
    const dns = service("dns", { clusterIP: "10.96.0.53", ports: [{ name: "dns", port: 53, protocol: "UDP" }] });
    const ep: Endpoints = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "dns", namespace: "default" }, subsets: [{ addresses: [{ ip: "10.244.0.9", nodeName: "a" }], ports: [{ name: "dns", port: 5353, protocol: "UDP" }] }] };
    const out = rules({ services: [dns], endpoints: [ep] });
    expect(out).toContain(`-A ${chainName("SEP", "default/dns:dns/UDP:10.244.0.9:5353")} -p udp -m udp -j DNAT --to-destination 10.244.0.9:5353`);
  });

  it("skips ExternalName and headless Services", () => {
    const out = rules({
      services: [service("db1", { type: "ExternalName", externalName: "mysql.example.com" }), service("hl", { clusterIP: "None", ports: [{ port: 80 }] })],
    }).join("\n");
    expect(out).not.toContain("db1");
    expect(out).not.toContain("default/hl");
  });

  it("reaches pods of an unroutable node through its published host port, masqueraded", () => {
    const b = node("b", "10.250.1.11", "10.244.1.0/24", "published", { "10.244.1.5:5000/TCP": 20001 });
    const out = rules({ nodes: [A, b], endpoints: [endpoints("web", [["10.244.1.5", "b"], ["10.244.1.6", "b"]])] });
    const sep = chainName("SEP", "default/web:/TCP:10.250.1.11:20001");
    expect(out).toContain(`-A ${svcChain} -j ${sep}`);
    expect(out).toContain(`-A ${sep} -j SKIFF-MARK-MASQ`);
    expect(out).toContain(`-A ${sep} -p tcp -m tcp -j DNAT --to-destination 10.250.1.11:20001`);
    // 10.244.1.6 has no published port yet: not a target.
    expect(out.join("\n")).not.toContain("10.244.1.6");
  });

  it("publishes this node's pod ports on its address", () => {
    const out = rules({ self: { name: "a", ip: A.ip!, podCIDR: A.podCIDR, mode: "published" }, published: [{ podIP: "10.244.0.5", port: 5000, protocol: "TCP", hostPort: 20000 }] });
    expect(out).toContain(`-A SKIFF-SERVICES -m comment --comment "published 10.244.0.5:5000" -d 10.250.1.10/32 -p tcp -m tcp --dport 20000 -j DNAT --to-destination 10.244.0.5:5000`);
  });

  it.each([
    { mode: "routed" as const, accept: ["10.244.0.0/24", "10.244.1.0/24"] },
    { mode: "published" as const, accept: ["10.244.0.0/24"] },
  ])("masquerades pod traffic except to directly reached pod CIDRs ($mode)", ({ mode, accept }) => {
    const out = rules({ self: { name: "a", ip: A.ip!, podCIDR: A.podCIDR, mode } });
    const post = out.filter((l) => l.startsWith("-A SKIFF-POSTROUTING"));
    expect(post).toEqual([
      "-A SKIFF-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE",
      ...accept.map((c) => `-A SKIFF-POSTROUTING -s 10.244.0.0/24 -d ${c} -j ACCEPT`),
      "-A SKIFF-POSTROUTING -s 10.244.0.0/24 -j MASQUERADE",
    ]);
  });

  it("deletes stale chains of ours and leaves others alone", () => {
    const out = rules({ existing: { nat: ["SKIFF-SVC-OLD", "DOCKER"], filter: [] } });
    expect(out).toContain(":SKIFF-SVC-OLD - [0:0]");
    expect(out).toContain("-X SKIFF-SVC-OLD");
    expect(out.join("\n")).not.toContain("DOCKER");
  });

  it("is deterministic", () => {
    const eps = [endpoints("web", [["10.244.1.6", "b"], ["10.244.1.5", "b"]])];
    expect(rules({ endpoints: eps })).toEqual(rules({ endpoints: [...eps].reverse() }));
  });
});
