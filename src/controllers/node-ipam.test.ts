import { describe, expect, it } from "vitest";
import type { Node } from "../lib/types.js";
import { reconcileNodeIpam } from "./node-ipam.js";
import type { Action } from "./types.js";

const node = (name: string, podCIDR?: string, created = "2025-01-01T00:00:00Z"): Node => ({
  metadata: { name, creationTimestamp: created },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
});

const allocations = (actions: Action[]) =>
  actions.flatMap((a) => (a.type === "patch" ? [`${a.name}=${(a.patch as { spec: { podCIDR: string } }).spec.podCIDR}`] : []));

describe("reconcileNodeIpam", () => {
  it("gives each new Node a unique /24 of 10.244.0.0/16, oldest first, skipping taken ones", () => {
    const nodes = [node("c", undefined, "2025-01-01T00:00:03Z"), node("a", "10.244.0.0/24"), node("b", undefined, "2025-01-01T00:00:01Z"), node("d", "10.244.2.0/24")];
    const { actions } = reconcileNodeIpam({ nodes });
    expect(allocations(actions)).toEqual(["b=10.244.1.0/24", "c=10.244.3.0/24"]);
    expect(actions[0]).toEqual({ type: "patch", resource: "nodes", namespace: "", name: "b", patch: { spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] } } });
  });

  it("a deleted Node's range is reused", () => {
    expect(allocations(reconcileNodeIpam({ nodes: [node("a", "10.244.0.0/24"), node("new")] }).actions)).toEqual(["new=10.244.1.0/24"]);
    expect(allocations(reconcileNodeIpam({ nodes: [node("new")] }).actions)).toEqual(["new=10.244.0.0/24"]);
  });

  it("honours a configured cluster CIDR and mask size, and reports exhaustion", () => {
    const nodes = [node("a"), node("b", undefined, "2025-01-01T00:00:01Z"), node("c", undefined, "2025-01-01T00:00:02Z")];
    const { actions } = reconcileNodeIpam({ nodes, clusterCidr: "192.168.0.0/23", nodeCidrMaskSize: 24 });
    expect(allocations(actions)).toEqual(["a=192.168.0.0/24", "b=192.168.1.0/24"]);
    expect(actions[2]).toMatchObject({ type: "event", reason: "CIDRNotAvailable", message: "Node c status is now: CIDRNotAvailable" });
  });

  it("assigns unique ranges to many nodes", () => {
    const nodes = Array.from({ length: 256 }, (_, i) => node(`n${String(i).padStart(3, "0")}`));
    const got = allocations(reconcileNodeIpam({ nodes }).actions).map((s) => s.split("=")[1]);
    expect(new Set(got).size).toBe(256);
    expect(got.at(-1)).toBe("10.244.255.0/24");
  });

  it("rejects a cluster CIDR that cannot hold the mask size", () => {
    expect(() => reconcileNodeIpam({ nodes: [], clusterCidr: "10.0.0.0/25", nodeCidrMaskSize: 24 })).toThrow(/cannot hold/);
  });
});
