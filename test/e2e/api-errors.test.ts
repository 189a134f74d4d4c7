// Errors as Kubernetes answers them: a Status with the right code and reason for bad tokens,
// malformed bodies, oversized bodies, stale resourceVersions, invalid objects, unknown paths —
// and no rejected request leaves anything written.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigMap, Status } from "../../src/lib/types.js";
import type { List } from "./harness.js";
import { api, create, kubectlFails, objects, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "errors";
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;

function configMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data };
}

/** The namespace's ConfigMaps as name → resourceVersion, to show nothing else changed. */
async function snapshot(): Promise<Record<string, string>> {
  const res = await api(cp, "GET", CONFIGMAPS);
  expect(res.status, res.text).toBe(200);
  const list = res.json<List<ConfigMap>>();
  return Object.fromEntries(list.items.map((c) => [c.metadata.name ?? "", c.metadata.resourceVersion ?? ""]));
}

/** Asserts a Kubernetes Status error body with this code and reason; returns it. */
function expectStatus(res: { status: number; text: string; json<T>(): T }, code: number, reason: string): Status {
  expect(res.status, res.text).toBe(code);
  const status = res.json<Status>();
  expect(status).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason });
  expect(status.message, "a Status message").toBeTruthy();
  return status;
}

beforeAll(async () => {
  await create(cp, undefined, objects.namespace(NS));
  const res = await api(cp, "POST", CONFIGMAPS, {
    body: JSON.stringify(configMap("existing", { a: "1" })),
    contentType: "application/json",
  });
  expect(res.status, res.text).toBe(201);
});

describe("authentication", () => {
  it("answers 401 Unauthorized without a token", async () => {
    expectStatus(await api(cp, "GET", CONFIGMAPS, { token: null }), 401, "Unauthorized");
  });

  it("answers 401 Unauthorized to a wrong token", async () => {
    expectStatus(await api(cp, "GET", CONFIGMAPS, { token: "not-the-token" }), 401, "Unauthorized");
  });

  it("kubectl with a wrong token says it must be logged in", async () => {
    const r = await kubectlFails(cp, ["--token=not-the-token", "get", "configmaps", "-n", NS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });

  it("writes nothing for an unauthenticated create", async () => {
    const before = await snapshot();
    const res = await api(cp, "POST", CONFIGMAPS, {
      token: null,
      body: JSON.stringify(configMap("sneaky")),
      contentType: "application/json",
    });
    expectStatus(res, 401, "Unauthorized");
    expect(await snapshot()).toEqual(before);
  });
});

describe("malformed and oversized bodies", () => {
  it("answers 400 BadRequest to malformed JSON", async () => {
    const before = await snapshot();
    const res = await api(cp, "POST", CONFIGMAPS, { body: '{"apiVersion": "v1", "kind": ', contentType: "application/json" });
    expectStatus(res, 400, "BadRequest");
    expect(await snapshot()).toEqual(before);
  });

  it("answers 400 BadRequest to malformed YAML", async () => {
    const before = await snapshot();
    const res = await api(cp, "POST", CONFIGMAPS, {
      body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n",
      contentType: "application/yaml",
    });
    expectStatus(res, 400, "BadRequest");
    expect(await snapshot()).toEqual(before);
  });

  it("creates from well-formed YAML", async () => {
    const res = await api(cp, "POST", CONFIGMAPS, {
      body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n",
      contentType: "application/yaml",
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json<ConfigMap>().data).toEqual({ k: "v" });
  });

  it("answers 413 to a body over 3 MiB and writes nothing", async () => {
    const before = await snapshot();
    const big = configMap("too-big", { blob: "x".repeat(3 * 1024 * 1024 + 1024) });
    const res = await api(cp, "POST", CONFIGMAPS, { body: JSON.stringify(big), contentType: "application/json" });
    expect(res.status, res.text.slice(0, 300)).toBe(413);
    expect(res.json<Status>()).toMatchObject({ kind: "Status", code: 413 });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 415 UnsupportedMediaType to a body it cannot decode", async () => {
    const res = await api(cp, "POST", CONFIGMAPS, { body: "name=x", contentType: "application/x-www-form-urlencoded" });
    expectStatus(res, 415, "UnsupportedMediaType");
  });
});

describe("conflicts", () => {
  it("answers 409 Conflict to an update with a stale resourceVersion, and loses no update", async () => {
    const created = await api(cp, "POST", CONFIGMAPS, {
      body: JSON.stringify(configMap("cas", { v: "1" })),
      contentType: "application/json",
    });
    expect(created.status, created.text).toBe(201);
    const v1 = created.json<ConfigMap>();

    const v2 = { ...v1, data: { v: "2" } };
    const first = await api(cp, "PUT", `${CONFIGMAPS}/cas`, { body: JSON.stringify(v2), contentType: "application/json" });
    expect(first.status, first.text).toBe(200);
    const stored = first.json<ConfigMap>();
    expect(Number(stored.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));

    const stale = { ...v1, data: { v: "stale" } };
    const second = await api(cp, "PUT", `${CONFIGMAPS}/cas`, { body: JSON.stringify(stale), contentType: "application/json" });
    const status = expectStatus(second, 409, "Conflict");
    expect(status.message).toBe(
      'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again',
    );

    const now = await api(cp, "GET", `${CONFIGMAPS}/cas`);
    expect(now.json<ConfigMap>().data).toEqual({ v: "2" });
    expect(now.json<ConfigMap>().metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
  });

  it("answers 409 AlreadyExists to a second create of the same name", async () => {
    const res = await api(cp, "POST", CONFIGMAPS, {
      body: JSON.stringify(configMap("existing", { a: "other" })),
      contentType: "application/json",
    });
    const status = expectStatus(res, 409, "AlreadyExists");
    expect(status.message).toBe('configmaps "existing" already exists');
    const now = await api(cp, "GET", `${CONFIGMAPS}/existing`);
    expect(now.json<ConfigMap>().data).toEqual({ a: "1" });
  });

  it("answers 409 Conflict to a delete whose resourceVersion precondition fails", async () => {
    const res = await api(cp, "DELETE", `${CONFIGMAPS}/existing`, {
      body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", preconditions: { resourceVersion: "1" } }),
      contentType: "application/json",
    });
    expectStatus(res, 409, "Conflict");
    expect((await api(cp, "GET", `${CONFIGMAPS}/existing`)).status).toBe(200);
  });
});

describe("invalid objects and unknown things", () => {
  it("answers 422 Invalid with a cause naming the field, and writes nothing", async () => {
    const before = await snapshot();
    const res = await api(cp, "POST", CONFIGMAPS, {
      body: JSON.stringify(configMap("Not_A_Name")),
      contentType: "application/json",
    });
    const status = expectStatus(res, 422, "Invalid");
    expect(status.details).toMatchObject({ name: "Not_A_Name", kind: "ConfigMap" });
    expect(status.details?.causes).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "metadata.name", reason: "FieldValueInvalid" })]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it("answers 400 BadRequest when the body's namespace differs from the path's", async () => {
    const body = { ...configMap("elsewhere"), metadata: { name: "elsewhere", namespace: "default" } };
    const res = await api(cp, "POST", CONFIGMAPS, { body: JSON.stringify(body), contentType: "application/json" });
    expectStatus(res, 400, "BadRequest");
  });

  it("answers 404 NotFound with Kubernetes' message and details", async () => {
    const status = expectStatus(await api(cp, "GET", `${CONFIGMAPS}/nope`), 404, "NotFound");
    expect(status.message).toBe('configmaps "nope" not found');
    expect(status.details).toMatchObject({ name: "nope", kind: "configmaps" });
  });

  it("answers 404 to an unknown resource and an unknown group", async () => {
    expect((await api(cp, "GET", `/api/v1/namespaces/${NS}/widgets`)).status).toBe(404);
    expect((await api(cp, "GET", "/apis/widgets.example.com/v1/widgets")).status).toBe(404);
  });

  it("answers 404 NotFound to a create in a namespace that does not exist", async () => {
    const res = await api(cp, "POST", "/api/v1/namespaces/no-such-ns/configmaps", {
      body: JSON.stringify(configMap("orphan")),
      contentType: "application/json",
    });
    const status = expectStatus(res, 404, "NotFound");
    expect(status.message).toBe('namespaces "no-such-ns" not found');
  });

  it("answers 405 MethodNotAllowed to a POST on a named object", async () => {
    const res = await api(cp, "POST", `${CONFIGMAPS}/existing`, {
      body: JSON.stringify(configMap("existing")),
      contentType: "application/json",
    });
    expectStatus(res, 405, "MethodNotAllowed");
  });
});
