import { describe, expect, it } from "vitest";
import type { Attributes } from "../api/authz.js";
import { nodeRule, type NodeRule } from "./node-authorizer.js";

const user = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };

/** A resource request's attributes: `verb group/resource[/sub] ns/name ?fieldSelector`. */
function req(verb: string, resource: string, namespace = "", name = "", fieldSelector = ""): Attributes {
  const [groupResource, subresource = ""] = resource.split("/");
  const [apiGroup, res] = groupResource.includes(".") ? [groupResource.slice(groupResource.indexOf(".") + 1), groupResource.slice(0, groupResource.indexOf("."))] : ["", groupResource];
  return { user, verb, resourceRequest: true, apiGroup, resource: res, subresource, namespace, name, path: "", fieldSelector };
}

const nonResource = (verb: string, path: string): Attributes => ({
  user, verb, resourceRequest: false, path, apiGroup: "", resource: "", subresource: "", namespace: "", name: "",
});

const allow: NodeRule = { check: "allow" };
const deny = (reason = ""): NodeRule => ({ check: "deny", reason });

describe("nodeRule for node n1", () => {
  it.each<[string, Attributes, NodeRule]>([
    // pods
    ["get a pod: look it up", req("get", "pods", "default", "web"), { check: "podOnNode", namespace: "default", name: "web" }],
    ["list pods on itself", req("list", "pods", "", "", "spec.nodeName=n1"), allow],
    ["watch pods on itself in a namespace", req("watch", "pods", "default", "", "spec.nodeName=n1"), allow],
    ["list pods on n2", req("list", "pods", "", "", "spec.nodeName=n2"), deny("can only list/watch pods with spec.nodeName field selector")],
    ["list pods not on n1", req("list", "pods", "", "", "spec.nodeName!=n1"), deny("can only list/watch pods with spec.nodeName field selector")],
    ["list all pods", req("list", "pods"), deny("can only list/watch pods with spec.nodeName field selector")],
    ["watch one pod by name", req("watch", "pods", "default", "", "metadata.name=web"), { check: "podOnNode", namespace: "default", name: "web" }],
    ["update pod status", req("update", "pods/status", "default", "web"), allow],
    ["patch pod status", req("patch", "pods/status", "default", "web"), allow],
    ["delete a pod (NodeRestriction checks it)", req("delete", "pods", "default", "web"), allow],
    ["create a pod", req("create", "pods", "default"), deny()],
    ["patch a pod's spec", req("patch", "pods", "default", "web"), deny()],
    ["delete all pods", req("deletecollection", "pods", "default"), deny()],
    ["bind a pod", req("create", "pods/binding", "default", "web"), deny()],
    ["evict a pod", req("create", "pods/eviction", "default", "web"), deny()],
    // secrets and configmaps
    ["get a secret: is it referenced?", req("get", "secrets", "default", "db"), { check: "referenced", resource: "secrets", namespace: "default", name: "db" }],
    ["watch one configmap", req("watch", "configmaps", "default", "", "metadata.name=cfg"), { check: "referenced", resource: "configmaps", namespace: "default", name: "cfg" }],
    ["list secrets", req("list", "secrets", "default"), deny("No Object name found")],
    ["list secrets everywhere", req("list", "secrets"), deny("can only read namespaced object of this type")],
    ["update a secret", req("update", "secrets", "default", "db"), deny("can only read resources of this type")],
    ["create a configmap", req("create", "configmaps", "default"), deny("can only read resources of this type")],
    // services, endpoints, nodes
    ["list services everywhere", req("list", "services"), allow],
    ["watch endpoints", req("watch", "endpoints", "default"), allow],
    ["get a service", req("get", "services", "default", "web"), allow],
    ["create a service", req("create", "services", "default"), deny()],
    ["list nodes", req("list", "nodes"), allow],
    ["get another node", req("get", "nodes", "", "n2"), allow],
    ["create a node (NodeRestriction checks the name)", req("create", "nodes"), allow],
    ["patch node status", req("patch", "nodes/status", "", "n1"), allow],
    ["update a node", req("update", "nodes", "", "n1"), allow],
    ["delete a node", req("delete", "nodes", "", "n1"), deny()],
    ["proxy to a node", req("get", "nodes/proxy", "", "n1"), deny()],
    // leases
    ["create its lease", req("create", "leases.coordination.k8s.io", "kube-node-lease"), allow],
    ["update its lease", req("update", "leases.coordination.k8s.io", "kube-node-lease", "n1"), allow],
    ["get its lease", req("get", "leases.coordination.k8s.io", "kube-node-lease", "n1"), allow],
    ["update another's lease", req("update", "leases.coordination.k8s.io", "kube-node-lease", "n2"), deny("can only access node lease with the same name as the requesting node")],
    ["a lease elsewhere", req("get", "leases.coordination.k8s.io", "default", "n1"), deny('can only access leases in the "kube-node-lease" system namespace')],
    ["delete its lease", req("delete", "leases.coordination.k8s.io", "kube-node-lease", "n1"), deny("can only get, create, update, or patch a node lease")],
    // events
    ["create an event", req("create", "events", "default"), allow],
    ["patch an event", req("patch", "events", "default", "web.1"), allow],
    ["list events", req("list", "events", "default"), deny()],
    // everything else
    ["create a deployment", req("create", "deployments.apps", "default"), deny()],
    ["list namespaces", req("list", "namespaces"), deny()],
    ["trade a join token", req("create", "nodecredentials.skiff.io"), deny()],
    ["read discovery", nonResource("get", "/apis/apps/v1"), allow],
    ["read openapi", nonResource("get", "/openapi/v3/api/v1"), allow],
    ["read metrics", nonResource("get", "/metrics"), deny()],
  ])("%s", (_what, attributes, expected) => {
    expect(nodeRule("n1", attributes)).toEqual(expected);
  });
});
