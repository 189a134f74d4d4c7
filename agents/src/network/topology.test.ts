import { describe, expect, it } from "vitest";
import type { Node } from "../../../src/lib/types.js";
import { assignHostPorts, podPorts } from "./published-ports.js";
import { desiredRoutes, endpointTarget, formatPublished, nodeNetwork, parsePublished, shouldPublish, type NodeNetwork } from "./topology.js";

function nodeObject(name: string, ip: string, podCIDR: string, annotations?: Record<string, string>): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name, annotations }, spec: { podCIDR }, status: { addresses: [{ type: "InternalIP", address: ip }] } };
}

const routed = (name: string, ip: string, cidr: string) => nodeNetwork(nodeObject(name, ip, cidr));
const published = (name: string, ip: string, cidr: string, ports: Record<string, number> = {}) =>
  nodeNetwork(nodeObject(name, ip, cidr, { "skiff.io/pod-network": "published", "skiff.io/published-ports": JSON.stringify(ports) }));

describe("desiredRoutes (host-gw)", () => {
  const nodes = [routed("a", "10.0.0.1", "10.244.0.0/24"), routed("b", "10.0.0.2", "10.244.1.0/24"), published("c", "203.0.113.5", "10.244.2.0/24")];
  it.each([
    { self: "a", mode: "routed" as const, want: [{ cidr: "10.244.1.0/24", via: "10.0.0.2" }] },
    { self: "c", mode: "published" as const, want: [] },
  ])("$self ($mode)", ({ self, mode, want }) => {
    expect(desiredRoutes(self, mode, nodes)).toEqual(want);
  });
});

describe("endpointTarget: which node pairs take which path", () => {
  const nodes = new Map<string, NodeNetwork>(
    [routed("a", "10.0.0.1", "10.244.0.0/24"), routed("b", "10.0.0.2", "10.244.1.0/24"), published("c", "203.0.113.5", "10.244.2.0/24", { "10.244.2.7:80/TCP": 20003 })].map((n) => [n.name, n]),
  );
  nodes.set("b2", { ...nodes.get("b")!, name: "b2", published: new Map([["10.244.1.9:80/TCP", 20000]]) });
  it.each([
    { from: "a", mode: "routed" as const, to: { ip: "10.244.0.4", nodeName: "a" }, want: { ip: "10.244.0.4", port: 80, viaNode: false } },
    { from: "a", mode: "routed" as const, to: { ip: "10.244.1.9", nodeName: "b" }, want: { ip: "10.244.1.9", port: 80, viaNode: false } },
    { from: "a", mode: "routed" as const, to: { ip: "10.244.2.7", nodeName: "c" }, want: { ip: "203.0.113.5", port: 20003, viaNode: true } },
    { from: "c", mode: "published" as const, to: { ip: "10.244.1.9", nodeName: "b2" }, want: { ip: "10.0.0.2", port: 20000, viaNode: true } },
    { from: "c", mode: "published" as const, to: { ip: "10.244.1.8", nodeName: "b" }, want: undefined },
    { from: "a", mode: "routed" as const, to: { ip: "192.168.1.50" }, want: { ip: "192.168.1.50", port: 80, viaNode: false } },
  ])("$from → $to.ip", ({ from, mode, to, want }) => {
    expect(endpointTarget({ name: from, mode }, nodes, to, 80, "TCP")).toEqual(want);
  });

  it("publishes when unroutable, or when an unroutable node exists", () => {
    const list = [...nodes.values()];
    expect(shouldPublish("a", "routed", list)).toBe(true);
    expect(shouldPublish("a", "routed", list.filter((n) => n.name !== "c"))).toBe(false);
    expect(shouldPublish("c", "published", [])).toBe(true);
  });
});

describe("published ports", () => {
  const pod = (ip: string, ports: number[], phase = "Running") => ({
    metadata: { name: ip },
    spec: { containers: [{ name: "c", ports: ports.map((containerPort) => ({ containerPort })) }] },
    status: { podIP: ip, phase },
  });

  it("lists declared container ports of running pods with an IP", () => {
    expect(podPorts([pod("10.244.0.5", [80, 443]), pod("10.244.0.6", [80], "Succeeded"), { metadata: {}, spec: { containers: [] } }])).toEqual(["10.244.0.5:443/TCP", "10.244.0.5:80/TCP"]);
  });

  it("keeps assigned host ports and gives new keys the lowest free ones", () => {
    const previous = new Map([["10.244.0.5:80/TCP", 20001]]);
    expect(assignHostPorts(["10.244.0.5:80/TCP", "10.244.0.7:80/TCP", "10.244.0.8:80/TCP"], previous, { first: 20000, last: 20002 })).toEqual(
      new Map([["10.244.0.5:80/TCP", 20001], ["10.244.0.7:80/TCP", 20000], ["10.244.0.8:80/TCP", 20002]]),
    );
    expect(assignHostPorts(["x:1/TCP", "y:1/TCP"], new Map(), { first: 20000, last: 20000 }).size).toBe(1);
  });

  it("round-trips the annotation and ignores a bad one", () => {
    const m = new Map([["10.244.0.5:80/TCP", 20001]]);
    expect(parsePublished(formatPublished(m))).toEqual(m);
    expect(parsePublished("{not json")).toEqual(new Map());
  });
});
