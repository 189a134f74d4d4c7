import { beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../env.js";
import { createApp } from "./app.js";
import { MAX_BODY_BYTES } from "./decode.js";
import { bytes, envelope, message } from "./protobuf/testing.js";
import { deploymentDef, FakeRegistry, namespaceDef, podDef, testResources } from "./testing.js";

const TOKEN = "s3cret";
const env = { ADMIN_TOKEN: TOKEN } as Env;
const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

let registry: FakeRegistry;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  registry = new FakeRegistry();
  app = createApp({ resources: testResources, registryFor: () => registry, now: () => new Date("2024-01-02T00:00:00Z"), random: () => 0 });
});

function call(path: string, init: RequestInit = {}, token: string | null = TOKEN) {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return app.request(path, { ...init, headers }, env);
}

const json = (method: string, body: unknown, contentType = "application/json"): RequestInit => ({
  method,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "Content-Type": contentType },
});

describe("version and health", () => {
  it("serves /version without credentials, with a semver gitVersion", async () => {
    const res = await call("/version", {}, null);
    expect(res.status).toBe(200);
    const v = (await res.json()) as { gitVersion: string; major: string; minor: string };
    expect(v.gitVersion).toMatch(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect([v.major, v.minor]).toEqual(["1", "32"]);
  });

  it.each(["/healthz", "/livez", "/readyz"])("%s answers ok", async (path) => {
    const res = await call(path, {}, null);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });
});

describe("authentication and authorization", () => {
  it.each([null, "wrong"])("answers 401 Status for token %s", async (token) => {
    const res = await call("/api/v1/pods", {}, token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("answers 403 for a user outside system:masters", async () => {
    const denied = createApp({
      resources: testResources,
      registryFor: () => registry,
      authenticator: { authenticate: async () => ({ name: "bob", groups: ["system:authenticated"] }) },
    });
    const res = await denied.request("/api/v1/namespaces/default/pods/web", {}, env);
    expect(res.status).toBe(403);
    const status = (await res.json()) as { message: string; reason: string };
    expect(status.reason).toBe("Forbidden");
    expect(status.message).toContain('pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"');
    const nonResource = await denied.request("/apis", {}, env);
    expect(((await nonResource.json()) as { message: string }).message).toContain('User "bob" cannot get path "/apis"');
  });
});

describe("discovery", () => {
  it("/api lists v1", async () => {
    expect(await (await call("/api")).json()).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
  });

  it("/apis lists groups with extensions after apps", async () => {
    const body = (await (await call("/apis")).json()) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    const names = body.groups.map((g) => g.name);
    expect(names).toEqual(["apps", "coordination.k8s.io", "extensions"]);
    expect(body.groups[0].preferredVersion.groupVersion).toBe("apps/v1");
  });

  it("/api/v1 lists resources with subresources", async () => {
    const res = await call("/api/v1");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { groupVersion: string; resources: Record<string, unknown>[] };
    expect(body.groupVersion).toBe("v1");
    const byName = Object.fromEntries(body.resources.map((r) => [r.name, r]));
    expect(byName.pods).toMatchObject({ singularName: "pod", namespaced: true, kind: "Pod", shortNames: ["po"], categories: ["all"] });
    expect(byName["pods/status"]).toMatchObject({ singularName: "", kind: "Pod", verbs: ["get", "patch", "update"] });
    expect(byName["pods/binding"]).toMatchObject({ kind: "Binding", verbs: ["create"] });
    expect(byName["pods/log"]).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(byName.namespaces).toMatchObject({ namespaced: false });
    expect(byName.bindings).toMatchObject({ kind: "Binding", namespaced: true, verbs: ["create"] });
    expect(byName.events.verbs).toEqual(["create", "get", "list", "watch"]);
  });

  it("/apis/apps/v1 lists deployments/scale as autoscaling/v1 Scale", async () => {
    const body = (await (await call("/apis/apps/v1")).json()) as { resources: Record<string, unknown>[] };
    expect(body.resources.find((r) => r.name === "deployments/scale")).toMatchObject({ group: "autoscaling", version: "v1", kind: "Scale" });
  });

  it("/apis/extensions/v1beta1 lists deployments without short names or categories", async () => {
    const body = (await (await call("/apis/extensions/v1beta1")).json()) as { resources: Record<string, unknown>[] };
    const d = body.resources.find((r) => r.name === "deployments")!;
    expect(d.kind).toBe("Deployment");
    expect(d.shortNames).toBeUndefined();
    expect(d.categories).toBeUndefined();
  });

  it("/apis/<group> and unknown groups", async () => {
    expect(await (await call("/apis/apps")).json()).toMatchObject({ kind: "APIGroup", name: "apps" });
    expect((await call("/apis/nope")).status).toBe(404);
    expect((await call("/apis/apps/v2")).status).toBe(404);
  });
});

describe("openapi", () => {
  it("indexes every group/version and declares PATCH with fieldValidation", async () => {
    const index = (await (await call("/openapi/v3")).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(["api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/extensions/v1beta1"]);
    const url = index.paths["apis/apps/v1"].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await (await call(url)).json()) as { paths: Record<string, { patch?: { parameters: { name: string; in: string }[]; "x-kubernetes-group-version-kind": unknown } }> };
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch!;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
    const ext = (await (await call(index.paths["apis/extensions/v1beta1"].serverRelativeURL)).json()) as typeof doc;
    expect(ext.paths["/apis/extensions/v1beta1/namespaces/{namespace}/deployments/{name}"].patch!["x-kubernetes-group-version-kind"]).toEqual({
      group: "extensions",
      version: "v1beta1",
      kind: "Deployment",
    });
  });

  it("answers 404 for unknown documents", async () => {
    expect((await call("/openapi/v3/apis/nope/v1")).status).toBe(404);
  });

  it("serves a schema-less v2 document, as protobuf when asked", async () => {
    expect(await (await call("/openapi/v2")).json()).toMatchObject({ swagger: "2.0", paths: {} });
    const pb = await call("/openapi/v2", { headers: { Accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" } });
    expect(pb.headers.get("content-type")).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    const bytes = new Uint8Array(await pb.arrayBuffer());
    // Document.swagger (field 1) = "2.0", then Document.info (field 2) with title and version.
    expect([...bytes.slice(0, 5)]).toEqual([0x0a, 3, ...new TextEncoder().encode("2.0")]);
    expect(bytes[5]).toBe(0x12);
    expect(new TextDecoder().decode(bytes.slice(7))).toContain("Kubernetes");
  });
});

describe("reads", () => {
  beforeEach(() => {
    registry.seed(podDef, { metadata: { name: "web", labels: { app: "web" } }, spec: { nodeName: "n1" }, status: { phase: "Running" } });
    registry.seed(podDef, { metadata: { name: "db" }, spec: {} });
  });

  it("gets an object with apiVersion and kind", async () => {
    const res = await call("/api/v1/namespaces/default/pods/web");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" } });
  });

  it("404 Status for a missing object and an unknown resource", async () => {
    const res = await call("/api/v1/namespaces/default/pods/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "NotFound", details: { name: "nope", kind: "pods" } });
    const unknown = await call("/api/v1/namespaces/default/widgets");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ kind: "Status", reason: "NotFound" });
    expect((await call("/nowhere")).status).toBe(404);
  });

  it("lists as a <Kind>List with list metadata", async () => {
    const res = await call("/api/v1/namespaces/default/pods?limit=1&labelSelector=app%3Dweb");
    const body = (await res.json()) as { kind: string; apiVersion: string; metadata: Record<string, unknown>; items: { kind: string }[] };
    expect(body).toMatchObject({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "102", continue: "next-page" } });
    expect(body.items.every((i) => i.kind === "Pod")).toBe(true);
    expect(registry.lastCall("list")).toEqual(["pods", expect.objectContaining({ namespace: "default", limit: 1, labelSelector: "app=web" })]);
  });

  it("lists across namespaces at /api/v1/pods", async () => {
    await call("/api/v1/pods");
    expect(registry.lastCall("list")).toEqual(["pods", expect.objectContaining({ namespace: undefined })]);
  });

  it("serves Tables with name column, PartialObjectMetadata rows and resourceVersion", async () => {
    const res = await call("/api/v1/namespaces/default/pods", { headers: { Accept: TABLE_ACCEPT } });
    const table = (await res.json()) as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[] };
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.metadata.resourceVersion).toBe("102");
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Status", "Node"]);
    expect(table.rows[0].cells).toEqual(["web", "Running", "n1"]);
    expect(table.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { name: "web" } });
  });

  it("serves a one-row Table for a single GET, honouring includeObject", async () => {
    const res = await call("/api/v1/namespaces/default/pods/web?includeObject=Object", { headers: { Accept: TABLE_ACCEPT } });
    const table = (await res.json()) as { rows: { object: { kind: string } }[]; metadata: { resourceVersion: string } };
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0].object.kind).toBe("Pod");
    expect(table.metadata.resourceVersion).toBe("101");
    const none = (await (await call("/api/v1/namespaces/default/pods/web?includeObject=None", { headers: { Accept: TABLE_ACCEPT } })).json()) as { rows: object[] };
    expect(none.rows[0]).not.toHaveProperty("object");
  });

  it("rejects unsupported field selectors as upstream", async () => {
    const res = await call("/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dbar");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=bar": field label not supported: spec.foo',
    );
    expect((await call("/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dn1,metadata.name%3Dweb")).status).toBe(200);
  });

  it("answers 406 when nothing acceptable is asked for", async () => {
    const res = await call("/api/v1/namespaces/default/pods/web", { headers: { Accept: "application/vnd.kubernetes.protobuf" } });
    expect(res.status).toBe(406);
  });

  it("serves YAML when asked", async () => {
    const res = await call("/api/v1/namespaces/default/pods/web", { headers: { Accept: "application/yaml" } });
    expect(res.headers.get("content-type")).toBe("application/yaml");
    expect(await res.text()).toContain("kind: Pod");
  });
});

describe("watch", () => {
  beforeEach(() => {
    registry.watchEvents = [
      { type: "ADDED", object: { metadata: { name: "web", resourceVersion: "5" } } },
      { type: "BOOKMARK", object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: "6" } } },
      { type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, code: 410, reason: "Expired" } },
    ];
  });

  it("streams NDJSON events with type meta and passes options to the registry", async () => {
    const res = await call("/api/v1/namespaces/default/pods?watch=true&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=30");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ type: "ADDED", object: { apiVersion: "v1", kind: "Pod", metadata: { name: "web", resourceVersion: "5" } } });
    expect(lines[1].type).toBe("BOOKMARK");
    expect(lines[2].object.kind).toBe("Status");
    expect(registry.lastCall("watch")).toEqual([
      "pods",
      { namespace: "default", resourceVersion: "4", allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: undefined, fieldSelector: undefined },
    ]);
  });

  it("caps the timeout server-side and watches a single item by name", async () => {
    await call("/api/v1/namespaces/default/pods/web?watch=1");
    expect(registry.lastCall("watch")?.[1]).toMatchObject({ timeoutSeconds: 1800, fieldSelector: "metadata.name=web" });
  });

  it("turns each object into a one-row Table when Tables are asked for", async () => {
    const res = await call("/api/v1/namespaces/default/pods?watch=true", { headers: { Accept: TABLE_ACCEPT } });
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].object).toMatchObject({ kind: "Table", metadata: { resourceVersion: "5" }, rows: [{ cells: ["web", "Pending", "<none>"] }] });
    expect(lines[1].object.kind).toBe("Pod");
    expect(lines[2].object.kind).toBe("Status");
  });
});

describe("writes", () => {
  it("creates with 201, filling namespace, and passes write options", async () => {
    const res = await call("/api/v1/namespaces/default/pods?fieldManager=kubectl&fieldValidation=Strict&dryRun=All", json("POST", { apiVersion: "v1", kind: "Pod", metadata: { name: "web" } }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: "Pod", metadata: { name: "web", namespace: "default" } });
    const [, ns, body, options] = registry.lastCall("create")!;
    expect(ns).toBe("default");
    expect(body).toMatchObject({ metadata: { namespace: "default" } });
    expect(options).toMatchObject({ dryRun: true, fieldManager: "kubectl", fieldValidation: "Strict" });
  });

  it("reads protobuf bodies (kubectl's generator commands) and answers in JSON, as their Accept allows", async () => {
    const pod = message(bytes(1, [bytes(1, "web")]), bytes(2, [bytes(2, [bytes(1, "c"), bytes(2, "nginx")])]));
    const res = await call("/api/v1/namespaces/default/pods", {
      method: "POST",
      body: envelope("v1", "Pod", pod),
      headers: { "Content-Type": "application/vnd.kubernetes.protobuf", Accept: "application/vnd.kubernetes.protobuf,application/json" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(registry.lastCall("create")?.[2]).toMatchObject({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "default" },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
  });

  it("reads YAML bodies", async () => {
    const res = await call("/api/v1/namespaces", json("POST", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n", "application/yaml"));
    expect(res.status).toBe(201);
    expect(registry.lastCall("create")?.[1]).toBe("");
  });

  it.each([
    ["malformed JSON", json("POST", "{nope"), 400, /^couldn't get version\/kind; json parse error: /],
    ["malformed YAML", json("POST", "a: [b", "application/yaml"), 400, /^error converting YAML to JSON/],
    ["wrong apiVersion", json("POST", { apiVersion: "apps/v1", kind: "Pod", metadata: { name: "x" } }), 400, /the API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/],
    ["wrong kind", json("POST", { apiVersion: "v1", kind: "Service", metadata: { name: "x" } }), 400, /kind in the data \(Service\)/],
    ["wrong namespace", json("POST", { metadata: { name: "x", namespace: "other" } }), 400, /^the namespace of the provided object does not match the namespace sent on the request$/],
    ["an array", json("POST", []), 400, /must be a Pod object/],
    ["a protobuf body without the k8s magic", json("POST", "x", "application/vnd.kubernetes.protobuf"), 400, /does not appear to be a protobuf message/],
    ["an unknown media type", json("POST", "x", "application/cbor"), 415, /unknown format/],
  ])("rejects %s", async (_what, init, code, message) => {
    const res = await call("/api/v1/namespaces/default/pods", init);
    expect(res.status).toBe(code);
    const status = (await res.json()) as { kind: string; message: string; code: number };
    expect(status).toMatchObject({ kind: "Status", code });
    expect(status.message).toMatch(message);
    expect(registry.lastCall("create")).toBeUndefined();
  });

  it("rejects bodies over 3 MiB with 413", async () => {
    const big = JSON.stringify({ metadata: { name: "x" }, data: { a: "x".repeat(MAX_BODY_BYTES) } });
    const res = await call("/api/v1/namespaces/default/pods", json("POST", big));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ reason: "RequestEntityTooLarge" });
  });

  it("rejects a name mismatch on PUT and passes the update on", async () => {
    registry.seed(podDef, { metadata: { name: "web" } });
    const bad = await call("/api/v1/namespaces/default/pods/web", json("PUT", { metadata: { name: "other" } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe("the name of the object (other) does not match the name on the URL (web)");
    const ok = await call("/api/v1/namespaces/default/pods/web/status", json("PUT", { metadata: { name: "web" }, status: { phase: "Running" } }));
    expect(ok.status).toBe(200);
    expect(registry.lastCall("update")?.[4]).toMatchObject({ subresource: "status" });
  });

  it.each([
    ["application/json-patch+json", "json", []],
    ["application/merge-patch+json", "merge", {}],
    ["application/strategic-merge-patch+json", "strategic", {}],
    ["application/apply-patch+yaml", "apply", {}],
  ])("maps %s to a %s patch", async (contentType, type, body) => {
    registry.seed(podDef, { metadata: { name: "web" } });
    const res = await call("/api/v1/namespaces/default/pods/web?fieldManager=kubectl", json("PATCH", body, contentType));
    expect(res.status).toBe(200);
    expect(registry.lastCall("patch")?.[3]).toBe(type);
  });

  it("rejects other patch types with 415 and force on non-apply patches with 422", async () => {
    registry.seed(podDef, { metadata: { name: "web" } });
    expect((await call("/api/v1/namespaces/default/pods/web", json("PATCH", {}, "application/json"))).status).toBe(415);
    expect((await call("/api/v1/namespaces/default/pods/web?force=true", json("PATCH", {}, "application/merge-patch+json"))).status).toBe(422);
    expect((await call("/api/v1/namespaces/default/pods/web", json("PATCH", {}, "application/apply-patch+yaml"))).status).toBe(422);
  });

  it("answers 405 for a verb the kind does not serve, and POST to all namespaces", async () => {
    expect((await call("/api/v1/namespaces/default/events/e1", { method: "DELETE" })).status).toBe(405);
    const res = await call("/api/v1/pods", json("POST", { metadata: { name: "x" } }));
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ reason: "MethodNotAllowed" });
  });
});

describe("delete", () => {
  it("answers a Success Status when the object is gone", async () => {
    registry.seed(deploymentDef, { metadata: { name: "web" }, spec: {} });
    const res = await call("/apis/apps/v1/namespaces/default/deployments/web", json("DELETE", { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "Status", status: "Success", details: { name: "web", group: "apps", kind: "deployments", uid: "uid-web" } });
    expect(registry.lastCall("delete")?.[3]).toEqual({ propagationPolicy: "Background", dryRun: false });
  });

  it("answers the object while finalizers hold it, and reads options from the query", async () => {
    registry.seed(namespaceDef, { metadata: { name: "team", finalizers: ["kubernetes"] } });
    const res = await call("/api/v1/namespaces/team?gracePeriodSeconds=0&dryRun=All", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "Namespace", metadata: { name: "team" } });
    expect(registry.lastCall("delete")).toEqual(["namespaces", "", "team", { gracePeriodSeconds: 0, dryRun: true }]);
  });

  it("deletes a collection and returns the list", async () => {
    registry.seed(podDef, { metadata: { name: "a" } });
    const res = await call("/api/v1/namespaces/default/pods?labelSelector=x%3Dy", { method: "DELETE" });
    expect(await res.json()).toMatchObject({ kind: "PodList", items: [{ kind: "Pod", metadata: { name: "a" } }] });
    expect(registry.lastCall("deleteCollection")?.[1]).toMatchObject({ namespace: "default", labelSelector: "x=y" });
  });

  it("rejects a bad propagationPolicy", async () => {
    registry.seed(podDef, { metadata: { name: "a" } });
    expect((await call("/api/v1/namespaces/default/pods/a?propagationPolicy=Sideways", { method: "DELETE" })).status).toBe(422);
  });
});

describe("subresources", () => {
  beforeEach(() => {
    registry.seed(deploymentDef, { metadata: { name: "web" }, spec: { replicas: 2 } });
    registry.seed(podDef, { metadata: { name: "p" } });
  });

  it("serves scale as autoscaling/v1 Scale", async () => {
    const got = await call("/apis/apps/v1/namespaces/default/deployments/web/scale");
    expect(await got.json()).toMatchObject({ apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 2 } });
    const patched = await call("/apis/apps/v1/namespaces/default/deployments/web/scale", json("PATCH", { spec: { replicas: 3 } }, "application/merge-patch+json"));
    expect(await patched.json()).toMatchObject({ kind: "Scale", spec: { replicas: 3 } });
    const put = await call("/apis/apps/v1/namespaces/default/deployments/web/scale", json("PUT", { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" }, spec: { replicas: 1 } }));
    expect(put.status).toBe(200);
    expect(registry.lastCall("updateScale")?.[3]).toMatchObject({ spec: { replicas: 1 } });
  });

  it("binds pods through pods/<name>/binding and namespaces/<ns>/bindings", async () => {
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: "p" }, target: { kind: "Node", name: "n1" } };
    const res = await call("/api/v1/namespaces/default/pods/p/binding", json("POST", binding));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: "Status", status: "Success" });
    expect(registry.lastCall("bind")?.slice(0, 2)).toEqual(["default", "p"]);
    const collection = await call("/api/v1/namespaces/default/bindings", json("POST", { ...binding, metadata: { name: "q" } }));
    expect(collection.status).toBe(201);
    expect(registry.lastCall("bind")?.slice(0, 2)).toEqual(["default", "q"]);
  });

  it("answers 404 for subresources the kind does not serve and 405 for wrong verbs", async () => {
    expect((await call("/api/v1/namespaces/default/pods/p/scale")).status).toBe(404);
    expect((await call("/api/v1/namespaces/default/pods/p/status", { method: "DELETE" })).status).toBe(405);
  });
});

describe("extensions/v1beta1 Deployments", () => {
  it("are created as apps/v1 with a Warning, the selector defaulted from the template", async () => {
    const manifest = {
      apiVersion: "extensions/v1beta1",
      kind: "Deployment",
      metadata: { name: "webapp" },
      spec: { template: { metadata: { labels: { app: "webapp" } } } },
    };
    const res = await call("/apis/extensions/v1beta1/namespaces/default/deployments", json("POST", manifest));
    expect(res.status).toBe(201);
    expect(res.headers.get("warning")).toMatch(/^299 - "extensions\/v1beta1 Deployment is deprecated.*served as apps\/v1 Deployment"$/);
    expect(await res.json()).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
    const [plural, , body] = registry.lastCall("create")!;
    expect(plural).toBe("deployments");
    expect(body).toMatchObject({ apiVersion: "apps/v1", spec: { selector: { matchLabels: { app: "webapp" } } } });
  });

  it("are read back from the old path as apps/v1", async () => {
    registry.seed(deploymentDef, { metadata: { name: "webapp" }, spec: {} });
    const res = await call("/apis/extensions/v1beta1/namespaces/default/deployments/webapp");
    expect(await res.json()).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
  });
});
