// Join tokens and node credentials through the Worker's fetch: the trade, the Node authorizer and
// NodeRestriction, and revocation. Fixtures are written through the registry; requests with a
// join token or a node credential go through `exports.default.fetch`. The test env has no
// ADMIN_TOKEN, so the one admin request (deleting a Node, whose revocation the API server does)
// calls the Worker's handler with an env that has one.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bootstrapTokenSecret, type BootstrapToken } from "../../src/auth/bootstrap-token.js";
import worker from "../../src/index.js";
import type { Pod, Secret, Status } from "../../src/lib/types.js";
import { ensureSystemNamespaces } from "../../src/registry/bootstrap.js";
import { createRegistry } from "../../src/registry/registry.js";
import { storeFor } from "../../src/registry/store-client.js";
import { namespaceDef, podDef, secretDef } from "../../src/resources/index.js";

const registry = createRegistry(storeFor(env), { env });
const ADMIN_TOKEN = "test-admin-token-for-auth-tests";
const HOUR = 3600_000;

const JOIN: BootstrapToken = { id: "abc123", secret: "0123456789abcdef" };
const EXPIRED: BootstrapToken = { id: "old123", secret: "fedcba9876543210" };
const joinToken = (t: BootstrapToken) => `${t.id}.${t.secret}`;

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function request(token: string, method: string, path: string, body?: unknown, contentType = "application/json"): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = contentType;
  return new Request(`https://skiff.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function reply(res: Response): Promise<Reply> {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const fetcher = (exports as unknown as { default: Fetcher }).default;

/** A request as `token`, through the Worker's own fetch. */
async function call(token: string, method: string, path: string, body?: unknown, contentType?: string): Promise<Reply> {
  return reply(await fetcher.fetch(request(token, method, path, body, contentType)));
}

async function asAdmin(method: string, path: string): Promise<Reply> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request(ADMIN_TOKEN, method, path) as Request<unknown, IncomingRequestCfProperties>, { ...env, ADMIN_TOKEN }, ctx);
  await waitOnExecutionContext(ctx);
  return reply(res);
}

/** Trade the join token for `node`'s credential. */
async function trade(node: string, token = joinToken(JOIN)): Promise<Reply> {
  return call(token, "POST", "/apis/skiff.io/v1/nodecredentials", { apiVersion: "skiff.io/v1", kind: "NodeCredential", metadata: { name: node } });
}

async function credentialFor(node: string): Promise<string> {
  const r = await trade(node);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return (r.body.status as { token: string }).token;
}

const pod = (name: string, nodeName: string, secret?: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: {
    nodeName,
    containers: [{ name: "app", image: "busybox", ...(secret ? { env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } }] } : {}) }],
  },
});

const opaque = (name: string): Secret => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "default" }, stringData: { password: "hunter2" } });

const node = (name: string) => ({ apiVersion: "v1", kind: "Node", metadata: { name } });

function message(r: Reply): string {
  return String((r.body as Status).message);
}

beforeAll(async () => {
  await ensureSystemNamespaces(registry, namespaceDef);
  await registry.create(secretDef, "kube-system", bootstrapTokenSecret(JOIN, { expiration: new Date(Date.now() + HOUR), description: "tests" }));
  await registry.create(secretDef, "kube-system", bootstrapTokenSecret(EXPIRED, { expiration: new Date(Date.now() - HOUR) }));
});

describe("join tokens", () => {
  it("an expired one can do nothing at all: 401", async () => {
    expect((await trade("x-expired", joinToken(EXPIRED))).status).toBe(401);
    expect((await call(joinToken(EXPIRED), "GET", "/api")).status).toBe(401);
  });

  it("a wrong secret is 401", async () => {
    expect((await trade("x-wrong", `${JOIN.id}.aaaaaaaaaaaaaaaa`)).status).toBe(401);
  });

  it("trades once for a node credential; the same name again is 403", async () => {
    const first = await trade("j1");
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      apiVersion: "skiff.io/v1",
      kind: "NodeCredential",
      metadata: { name: "j1" },
      status: { user: { username: "system:node:j1", groups: ["system:nodes", "system:authenticated"] } },
    });
    expect((first.body.status as { token: string }).token).toMatch(/^skiff-node\.j1\.[A-Za-z0-9_-]{43}$/);

    const again = await trade("j1");
    expect(again.status).toBe(403);
    expect(message(again)).toContain('nodecredentials.skiff.io "j1" is forbidden: node "j1" already has a live credential');
  });

  it("serves several hosts, each under its own name", async () => {
    expect((await trade("j2")).status).toBe(201);
    expect((await trade("j3")).status).toBe(201);
  });

  it("can do nothing else: 403", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/pods"],
      ["GET", "/api/v1/namespaces/kube-system/secrets"],
      ["GET", "/api"],
      ["POST", "/api/v1/nodes"],
    ]) {
      const r = await call(joinToken(JOIN), method, path, method === "POST" ? node("j4") : undefined);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
  });

  it("refuses a name that is not a DNS subdomain: 422", async () => {
    const r = await trade("Not_A_Name");
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: "Invalid" });
  });
});

describe("a node credential", () => {
  let n1: string;
  beforeAll(async () => {
    n1 = await credentialFor("n1");
    await registry.create(secretDef, "default", opaque("db-password"));
    await registry.create(secretDef, "default", opaque("unreferenced"));
    await registry.create(podDef, "default", pod("web-n1", "n1", "db-password"));
    await registry.create(podDef, "default", pod("web-n2", "n2"));
  });

  it("registers its own Node and Lease", async () => {
    expect((await call(n1, "POST", "/api/v1/nodes", node("n1"))).status).toBe(201);
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "n1" }, spec: { holderIdentity: "n1", leaseDurationSeconds: 40 } };
    expect((await call(n1, "POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease)).status).toBe(201);
    const status = { status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "ok" }] } };
    expect((await call(n1, "PATCH", "/api/v1/nodes/n1/status", status, "application/merge-patch+json")).status).toBe(200);
  });

  it("may not register or write another node", async () => {
    const create = await call(n1, "POST", "/api/v1/nodes", node("n2"));
    expect(create.status).toBe(403);
    expect(message(create)).toBe('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
    const status = await call(n1, "PATCH", "/api/v1/nodes/n2/status", { status: {} }, "application/merge-patch+json");
    expect(status.status).toBe(403);
  });

  it("reads its own pod and the Secret it references", async () => {
    expect((await call(n1, "GET", "/api/v1/namespaces/default/pods/web-n1")).status).toBe(200);
    const secret = await call(n1, "GET", "/api/v1/namespaces/default/secrets/db-password");
    expect(secret.status).toBe(200);
    expect(secret.body).toMatchObject({ data: { password: btoa("hunter2") } });
    const list = await call(n1, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1");
    expect(list.status).toBe(200);
    expect((list.body.items as Pod[]).map((p) => p.metadata.name)).toEqual(["web-n1"]);
  });

  it("may not read another node's pods or an unreferenced Secret", async () => {
    const other = await call(n1, "GET", "/api/v1/namespaces/default/pods/web-n2");
    expect(other.status).toBe(403);
    expect(message(other)).toBe(
      `pods "web-n2" is forbidden: User "system:node:n1" cannot get resource "pods" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`,
    );
    expect((await call(n1, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn2")).status).toBe(403);
    const all = await call(n1, "GET", "/api/v1/pods");
    expect(all.status).toBe(403);
    expect(message(all)).toContain("can only list/watch pods with spec.nodeName field selector");
    const secret = await call(n1, "GET", "/api/v1/namespaces/default/secrets/unreferenced");
    expect(secret.status).toBe(403);
    expect(message(secret)).toContain("no relationship found between node 'n1' and this object");
    expect((await call(n1, "GET", "/api/v1/namespaces/kube-system/secrets/node-credential-n1")).status).toBe(403);
  });

  it("writes the status of its pods only", async () => {
    const patch = { status: { phase: "Running" } };
    expect((await call(n1, "PATCH", "/api/v1/namespaces/default/pods/web-n1/status", patch, "application/merge-patch+json")).status).toBe(200);
    const other = await call(n1, "PATCH", "/api/v1/namespaces/default/pods/web-n2/status", patch, "application/merge-patch+json");
    expect(other.status).toBe(403);
    expect(message(other)).toBe('pods "web-n2" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself');
  });

  it("deletes its pod only once it is stopped", async () => {
    const running = await call(n1, "DELETE", "/api/v1/namespaces/default/pods/web-n1");
    expect(running.status).toBe(403);
    await registry.patch(podDef, "default", "web-n1", "merge", { status: { phase: "Succeeded" } }, { subresource: "status" });
    expect((await call(n1, "DELETE", "/api/v1/namespaces/default/pods/web-n1?gracePeriodSeconds=0")).status).toBe(200);
  });

  it("may read services and nodes and create events, and nothing else", async () => {
    expect((await call(n1, "GET", "/api/v1/services")).status).toBe(200);
    expect((await call(n1, "GET", "/api/v1/nodes")).status).toBe(200);
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web-n1.1" },
      involvedObject: { kind: "Pod", namespace: "default", name: "web-n1" },
      reason: "Started",
      message: "Started container app",
      type: "Normal",
      source: { component: "kubelet", host: "n1" },
    };
    expect((await call(n1, "POST", "/api/v1/namespaces/default/events", event)).status).toBe(201);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "sneaky" },
      spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: "x" }] } } },
    };
    const created = await call(n1, "POST", "/apis/apps/v1/namespaces/default/deployments", deployment);
    expect(created.status).toBe(403);
    expect(message(created)).toBe('deployments.apps is forbidden: User "system:node:n1" cannot create resource "deployments" in API group "apps" in the namespace "default"');
    expect((await trade("n9", n1)).status).toBe(403);
  });

  it("takes only its own node's stream requests, and opens no pod streams itself", async () => {
    const own = await call(n1, "GET", "/apis/skiff.io/v1/nodes/n1/streams");
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ items: [] });
    expect((await call(n1, "GET", "/apis/skiff.io/v1/nodes/n2/streams")).status).toBe(403);
    expect((await call(n1, "GET", "/apis/skiff.io/v1/nodes/n2/streams/some-id")).status).toBe(403);
    expect((await call(joinToken(JOIN), "GET", "/apis/skiff.io/v1/nodes/n1/streams")).status).toBe(403);
    // As kube-apiserver's Node authorizer: no pods/log, exec or attach for a node, even its own pod.
    for (const sub of ["log", "exec?command=sh&stdout=true", "attach?stdout=true"]) {
      const r = await call(n1, "GET", `/api/v1/namespaces/default/pods/web-n1/${sub}`);
      expect(r.status, sub).toBe(403);
      expect((await call(joinToken(JOIN), "GET", `/api/v1/namespaces/default/pods/web-n1/${sub}`)).status, sub).toBe(403);
    }
  });
});

describe("revocation", () => {
  it("deleting the Node makes its credential 401 at once, and the name can join again", async () => {
    const token = await credentialFor("r1");
    expect((await call(token, "POST", "/api/v1/nodes", node("r1"))).status).toBe(201);
    expect((await asAdmin("DELETE", "/api/v1/nodes/r1")).status).toBe(200);
    expect((await call(token, "GET", "/api/v1/nodes/r1")).status).toBe(401);
    expect((await trade("r1")).status).toBe(201);
  });

  it("deleting the credential Secret is the explicit revoke", async () => {
    const token = await credentialFor("r2");
    expect((await call(token, "GET", "/api/v1/nodes")).status).toBe(200);
    await registry.delete(secretDef, "kube-system", "node-credential-r2");
    expect((await call(token, "GET", "/api/v1/nodes")).status).toBe(401);
  });

  it("a dry-run delete of the Node revokes nothing", async () => {
    const token = await credentialFor("r3");
    expect((await call(token, "POST", "/api/v1/nodes", node("r3"))).status).toBe(201);
    expect((await asAdmin("DELETE", "/api/v1/nodes/r3?dryRun=All")).status).toBe(200);
    expect((await call(token, "GET", "/api/v1/nodes/r3")).status).toBe(200);
  });
});
