// Join tokens and node credentials end to end: `npm run token` (scripts/token.mjs) makes a join
// token against a real control plane, it is traded for node credentials, and kubectl, run with a
// kubeconfig holding a node's token, shows what a node may and may not do — Kubernetes' own
// `Error from server (Forbidden)` lines — and that deleting the Node logs it out.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, writeKubeconfig } from "../../scripts/lib/control-plane.mjs";
import { api, create, kubectlFails, kubectlOk, useControlPlane } from "./harness.js";
import type { KubeObject } from "../../src/lib/types.js";

// Join tokens and credentials are Secrets, which are refused without an encryption key.
const cp = useControlPlane({ env: { ENCRYPTION_KEY: Buffer.from("node-credentials-test-key-32byte").toString("base64") } });
const run = promisify(execFile);

/** `npm run token -- <args>` against this control plane; its stdout. */
async function npmRunToken(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(REPO_ROOT, "scripts/token.mjs"), ...args], {
    env: { ...process.env, KUBECONFIG: cp.kubeconfig },
  });
  return stdout;
}

function tokenIn(output: string): string {
  const m = /^([a-z0-9]{6}\.[a-z0-9]{16})$/m.exec(output);
  if (!m) throw new Error(`no join token in:\n${output}`);
  return m[1];
}

async function trade(joinToken: string, node: string) {
  return api(cp, "POST", "/apis/skiff.io/v1/nodecredentials", {
    token: joinToken,
    contentType: "application/json",
    body: JSON.stringify({ apiVersion: "skiff.io/v1", kind: "NodeCredential", metadata: { name: node } }),
  });
}

/** A kubeconfig for `node`, holding its credential. */
async function nodeKubeconfig(joinToken: string, node: string): Promise<string> {
  const res = await trade(joinToken, node);
  expect(res.status, res.text).toBe(201);
  const token = res.json<{ status: { token: string } }>().status.token;
  return writeKubeconfig(join(cp.runDir, `${node}.kubeconfig`), { server: cp.url, token, ca: cp.ca, name: node });
}

const asNode = (kubeconfig: string) => ({ env: { KUBECONFIG: kubeconfig } });
const json = (...objects: KubeObject[]) => objects.map((o) => JSON.stringify(o)).join("\n");

const pod = (name: string, nodeName: string, secret?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: {
    nodeName,
    containers: [{ name: "app", image: "busybox", ...(secret ? { envFrom: [{ secretRef: { name: secret } }] } : {}) }],
  },
});
const secret = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { password: "hunter2" } });
const node = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Node", metadata: { name } });

let output: string;
let joinToken: string;
let e1: string;

beforeAll(async () => {
  output = await npmRunToken("--ttl", "1h", "--description", "e2e");
  joinToken = tokenIn(output);
  e1 = await nodeKubeconfig(joinToken, "e1");
  const e2 = await nodeKubeconfig(joinToken, "e2");
  await kubectlOk(cp, ["create", "-f", "-"], { input: json(node("e1")), ...asNode(e1) });
  await kubectlOk(cp, ["create", "-f", "-"], { input: json(node("e2")), ...asNode(e2) });
  await create(cp, "default", secret("db"), secret("unreferenced"), pod("web-e1", "e1", "db"), pod("web-e2", "e2"));
});

describe("npm run token", () => {
  it("prints the join token and the command to paste on the new host", () => {
    expect(output).toContain(`sudo npx skiff-agent --server ${cp.url} --token ${joinToken} --certificate-authority skiff-ca.crt`);
    expect(output).toContain("cat > skiff-ca.crt <<'EOF'\n-----BEGIN CERTIFICATE-----");
  });

  it("makes a kube-system bootstrap token Secret", async () => {
    const r = await kubectlOk(cp, ["get", "secret", "-n", "kube-system", `bootstrap-token-${joinToken.slice(0, 6)}`, "-o", "jsonpath={.type} {.data.description}"]);
    expect(r.stdout).toBe(`bootstrap.kubernetes.io/token ${Buffer.from("e2e").toString("base64")}`);
  });

  it("an expired token can do nothing", async () => {
    const expired = tokenIn(await npmRunToken("--ttl", "1s"));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await trade(expired, "e9")).status).toBe(401);
  });

  it("a node name with a live credential cannot be traded for again", async () => {
    const res = await trade(joinToken, "e1");
    expect(res.status).toBe(403);
  });
});

describe("kubectl as system:node:e1", () => {
  it("reads its own pod and the Secret it references", async () => {
    expect((await kubectlOk(cp, ["get", "pod", "web-e1", "-o", "name"], asNode(e1))).stdout.trim()).toBe("pod/web-e1");
    expect((await kubectlOk(cp, ["get", "pods", "--field-selector", "spec.nodeName=e1", "-o", "name"], asNode(e1))).stdout.trim()).toBe("pod/web-e1");
    const password = await kubectlOk(cp, ["get", "secret", "db", "-o", "jsonpath={.data.password}"], asNode(e1));
    expect(Buffer.from(password.stdout, "base64").toString()).toBe("hunter2");
  });

  it("is Forbidden to read another node's pod", async () => {
    const r = await kubectlFails(cp, ["get", "pod", "web-e2"], asNode(e1));
    expect(r.stderr).toContain(
      `Error from server (Forbidden): pods "web-e2" is forbidden: User "system:node:e1" cannot get resource "pods" in API group "" in the namespace "default": no relationship found between node 'e1' and this object`,
    );
  });

  it("is Forbidden to list every pod", async () => {
    const r = await kubectlFails(cp, ["get", "pods"], asNode(e1));
    expect(r.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "system:node:e1" cannot list resource "pods" in API group "" in the namespace "default": can only list/watch pods with spec.nodeName field selector`,
    );
  });

  it("is Forbidden to read an unreferenced Secret", async () => {
    const r = await kubectlFails(cp, ["get", "secret", "unreferenced"], asNode(e1));
    expect(r.stderr).toContain(`Error from server (Forbidden): secrets "unreferenced" is forbidden: User "system:node:e1" cannot get resource "secrets"`);
  });

  it("is Forbidden to write another node's status", async () => {
    const r = await kubectlFails(cp, ["patch", "node", "e2", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}'], asNode(e1));
    expect(r.stderr).toContain(`Error from server (Forbidden): nodes "e2" is forbidden: node "e1" is not allowed to modify node "e2"`);
  });

  it("is Forbidden to create a Deployment", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "sneaky" },
      spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: "x" }] } } },
    };
    const r = await kubectlFails(cp, ["create", "-f", "-"], { input: json(deployment), ...asNode(e1) });
    expect(r.stderr).toContain(
      `Error from server (Forbidden): error when creating "STDIN": deployments.apps is forbidden: User "system:node:e1" cannot create resource "deployments" in API group "apps" in the namespace "default"`,
    );
  });

  it("is logged out once its Node is deleted", async () => {
    await kubectlOk(cp, ["get", "node", "e1"], asNode(e1));
    await kubectlOk(cp, ["delete", "node", "e1"]);
    const r = await kubectlFails(cp, ["get", "nodes"], asNode(e1));
    expect(r.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });
});
