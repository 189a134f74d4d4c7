import { describe, expect, it } from "vitest";
import { parseRequestInfo } from "./request-info.js";

const q = (s = "") => new URLSearchParams(s);

describe("parseRequestInfo", () => {
  it.each([
    ["GET", "/api/v1/pods", "", { verb: "list", group: "", version: "v1", namespace: "", resource: "pods", name: "" }],
    ["GET", "/api/v1/namespaces/default/pods", "watch=true", { verb: "watch", namespace: "default", resource: "pods" }],
    ["GET", "/api/v1/namespaces/default/pods/web", "watch=1", { verb: "watch", name: "web" }],
    ["GET", "/api/v1/namespaces/default/pods/web", "watch=false", { verb: "get", name: "web" }],
    ["POST", "/api/v1/namespaces/default/pods/web/binding", "", { verb: "create", name: "web", subresource: "binding" }],
    ["PATCH", "/apis/apps/v1/namespaces/ns/deployments/web/scale", "", { verb: "patch", group: "apps", subresource: "scale" }],
    ["DELETE", "/apis/apps/v1/namespaces/ns/deployments", "", { verb: "deletecollection", name: "" }],
    ["DELETE", "/apis/apps/v1/namespaces/ns/deployments/x", "", { verb: "delete", name: "x" }],
    ["PUT", "/api/v1/namespaces/team", "", { verb: "update", resource: "namespaces", name: "team", namespace: "team" }],
    ["PUT", "/api/v1/namespaces/team/status", "", { resource: "namespaces", name: "team", subresource: "status" }],
    ["PUT", "/api/v1/namespaces/team/finalize", "", { resource: "namespaces", name: "team", subresource: "finalize" }],
    ["GET", "/api/v1/nodes/n1", "", { verb: "get", resource: "nodes", name: "n1", namespace: "" }],
    ["GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", "", { group: "coordination.k8s.io", resource: "leases" }],
    ["GET", "/api/v1/namespaces/a/pods/b/log/extra", "", { extraParts: true }],
  ])("%s %s?%s", (method, path, query, expected) => {
    expect(parseRequestInfo(method, path, q(query))).toMatchObject({ isResourceRequest: true, ...expected });
  });

  it.each(["/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/openapi/v3"])("%s is not a resource request", (path) => {
    expect(parseRequestInfo("GET", path, q())).toEqual({ isResourceRequest: false, verb: "get", path });
  });
});
