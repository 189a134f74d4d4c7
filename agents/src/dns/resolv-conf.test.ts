import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/lib/types.js";
import { formatResolvConf, parseResolvConf, podResolvConf, type NodeDNS } from "./resolv-conf.js";

const HOST = `# written by the host
nameserver 192.168.1.1
nameserver 192.168.1.2 ; second
domain ignored.example
search first.example
search lan.example corp.example. .
options edns0 ndots:2
`;
const node: NodeDNS = { clusterDNS: ["10.244.1.1"], clusterDomain: "cluster.local", host: parseResolvConf(HOST) };

function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}, ns = "shop"): Pod {
  return { metadata: { name: "p", namespace: ns }, spec: { containers: [], ...spec } } as Pod;
}

describe("parseResolvConf", () => {
  it("reads nameservers, the last search line and options", () => {
    expect(node.host).toEqual({ nameservers: ["192.168.1.1", "192.168.1.2"], searches: ["lan.example", "corp.example"], options: ["edns0", "ndots:2"] });
  });
});

describe("podResolvConf", () => {
  const clusterFirst = {
    nameservers: ["10.244.1.1"],
    searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan.example", "corp.example"],
    options: ["ndots:5"],
  };

  it.each<[string, Partial<NonNullable<Pod["spec"]>>, NodeDNS, ReturnType<typeof podResolvConf>]>([
    ["ClusterFirst by default", {}, node, clusterFirst],
    ["ClusterFirst", { dnsPolicy: "ClusterFirst" }, node, clusterFirst],
    ["ClusterFirstWithHostNet on the host network", { dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true }, node, clusterFirst],
    ["ClusterFirstWithHostNet off the host network", { dnsPolicy: "ClusterFirstWithHostNet" }, node, clusterFirst],
    ["the host's for ClusterFirst on the host network", { hostNetwork: true }, node, node.host],
    ["the host's for Default", { dnsPolicy: "Default" }, node, node.host],
    ["the host's for ClusterFirst without a cluster DNS", {}, { ...node, clusterDNS: [] }, node.host],
    ["nothing for None", { dnsPolicy: "None" }, node, { nameservers: [], searches: [], options: [] }],
    [
      "dnsConfig alone for None",
      { dnsPolicy: "None", dnsConfig: { nameservers: ["1.2.3.4"], searches: ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } },
      node,
      { nameservers: ["1.2.3.4"], searches: ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"], options: ["ndots:2", "edns0"] },
    ],
    [
      "dnsConfig appended to ClusterFirst, duplicates dropped and options overridden",
      { dnsConfig: { nameservers: ["10.244.1.1", "9.9.9.9"], searches: ["cluster.local", "extra.example"], options: [{ name: "ndots", value: "1" }, { name: "single-request-reopen" }] } },
      node,
      { nameservers: ["10.244.1.1", "9.9.9.9"], searches: [...clusterFirst.searches, "extra.example"], options: ["ndots:1", "single-request-reopen"] },
    ],
    [
      "at most three nameservers",
      { dnsPolicy: "Default", dnsConfig: { nameservers: ["3.3.3.3", "4.4.4.4"] } },
      node,
      { ...node.host, nameservers: ["192.168.1.1", "192.168.1.2", "3.3.3.3"] },
    ],
  ])("gives %s", (_, spec, n, want) => {
    expect(podResolvConf(pod(spec), n)).toEqual(want);
  });

  it("uses the pod's namespace and the node's cluster domain", () => {
    expect(podResolvConf(pod({}, "default"), { ...node, clusterDomain: "corp.internal" }).searches.slice(0, 3)).toEqual(["default.svc.corp.internal", "svc.corp.internal", "corp.internal"]);
  });

  it("keeps the search path within 32 domains and 2048 characters", () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    expect(podResolvConf(pod({ dnsPolicy: "None", dnsConfig: { searches: many } }), node).searches).toHaveLength(32);
    const long = Array.from({ length: 10 }, (_, i) => `${String(i).repeat(250)}.example`);
    const fitted = podResolvConf(pod({ dnsPolicy: "None", dnsConfig: { searches: long } }), node).searches;
    expect(fitted.join(" ").length).toBeLessThanOrEqual(2048);
    expect(fitted).toHaveLength(7);
  });
});

describe("formatResolvConf", () => {
  it("writes what a Kubernetes pod's /etc/resolv.conf says", () => {
    expect(formatResolvConf(podResolvConf(pod({}, "default"), { ...node, host: { nameservers: [], searches: [], options: [] } }))).toBe(
      "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.244.1.1\noptions ndots:5\n",
    );
  });

  it("writes an empty file for an empty config", () => {
    expect(formatResolvConf({ nameservers: [], searches: [], options: [] })).toBe("");
  });
});
