import { describe, expect, it } from "vitest";
import type { ResourceRequestInfo } from "../api/request-info.js";
import type { Event, KubeObject, Pod } from "../lib/types.js";
import { admissionTarget, nodeRestrictionDenial } from "./node-restriction.js";

function info(verb: string, group: string, resource: string, namespace = "", name = "", subresource = ""): ResourceRequestInfo {
  return { isResourceRequest: true, verb, group, version: "v1", namespace, resource, name, subresource, extraParts: false };
}

const named = (name: string): KubeObject => ({ metadata: { name } });
const pod = (nodeName: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: { name: "web", namespace: "default", ...extra.metadata },
  spec: { nodeName, containers: [] },
  status: extra.status,
});
const event = (host: string): Event => ({ metadata: { name: "web.1" }, involvedObject: {}, source: { host } });

describe("admissionTarget", () => {
  it.each<[ResourceRequestInfo, string | undefined]>([
    [info("create", "", "nodes"), "body"],
    [info("patch", "", "nodes", "", "n1", "status"), "url"],
    [info("get", "", "nodes", "", "n1"), undefined],
    [info("create", "coordination.k8s.io", "leases", "kube-node-lease"), "body"],
    [info("update", "", "pods", "default", "web", "status"), "stored"],
    [info("delete", "", "pods", "default", "web"), "stored"],
    [info("patch", "", "events", "default", "web.1"), "stored"],
    [info("create", "", "events", "default"), undefined],
    [info("list", "", "pods"), undefined],
  ])("%j → %s", (i, expected) => expect(admissionTarget(i)).toBe(expected));
});

describe("nodeRestrictionDenial for n1", () => {
  it.each<[string, ResourceRequestInfo, KubeObject | undefined, string | undefined]>([
    ["creates itself", info("create", "", "nodes"), named("n1"), undefined],
    ["creates n2", info("create", "", "nodes"), named("n2"), 'node "n1" is not allowed to modify node "n2"'],
    ["patches its status", info("patch", "", "nodes", "", "n1", "status"), undefined, undefined],
    ["patches n2's status", info("patch", "", "nodes", "", "n2", "status"), undefined, 'node "n1" is not allowed to modify node "n2"'],
    ["updates n2", info("update", "", "nodes", "", "n2"), undefined, 'node "n1" is not allowed to modify node "n2"'],
    ["creates its lease", info("create", "coordination.k8s.io", "leases", "kube-node-lease"), named("n1"), undefined],
    ["creates n2's lease", info("create", "coordination.k8s.io", "leases", "kube-node-lease"), named("n2"), "can only access node lease with the same name as the requesting node"],
    ["writes status of its pod", info("patch", "", "pods", "default", "web", "status"), pod("n1"), undefined],
    ["writes status of n2's pod", info("patch", "", "pods", "default", "web", "status"), pod("n2"), 'node "n1" can only update pod status for pods with spec.nodeName set to itself'],
    ["writes status of an unbound pod", info("update", "", "pods", "default", "web", "status"), pod(""), 'node "n1" can only update pod status for pods with spec.nodeName set to itself'],
    ["writes status of a pod that is gone", info("patch", "", "pods", "default", "web", "status"), undefined, undefined],
    ["confirms the deletion of its pod", info("delete", "", "pods", "default", "web"), pod("n1", { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), undefined],
    ["deletes its failed pod", info("delete", "", "pods", "default", "web"), pod("n1", { status: { phase: "Failed" } }), undefined],
    ["deletes its running pod", info("delete", "", "pods", "default", "web"), pod("n1", { status: { phase: "Running" } }), 'node "n1" can only delete pods that are terminating or have terminated'],
    ["deletes n2's pod", info("delete", "", "pods", "default", "web"), pod("n2", { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), 'node "n1" can only delete pods with spec.nodeName set to itself'],
    ["patches its event", info("patch", "", "events", "default", "web.1"), event("n1"), undefined],
    ["patches n2's event", info("patch", "", "events", "default", "web.1"), event("n2"), 'node "n1" can only modify events it reported'],
  ])("%s", (_what, i, target, expected) => expect(nodeRestrictionDenial("n1", i, target)).toBe(expected));
});
