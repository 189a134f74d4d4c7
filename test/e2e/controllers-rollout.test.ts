// `kubectl rollout status` against wrangler dev: it returns once the Deployment controller (in the
// ControllerManager Durable Object, woken by the store's pokes) reports the rollout complete. The
// test stands in for the scheduler and the agents: it binds the pods (pods/binding) and writes
// their status (Running, Ready, podIP) over the API.
import { describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../../src/lib/types.js";
import { api, eventually, objects, useControlPlane, type ControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "rollout";
const NODE = "worker-1";

async function call(c: ControlPlane, method: string, path: string, body?: unknown, contentType = "application/json"): Promise<number> {
  const res = await api(c, method, path, { body: body === undefined ? undefined : JSON.stringify(body), contentType });
  // 404 / 409: a pod that went or was bound in the meantime; the next pass sees the news.
  if (res.status >= 300 && res.status !== 404 && res.status !== 409) throw new Error(`${method} ${path} → ${res.status}: ${res.text}`);
  return res.status;
}

let ip = 10;
/** One pass of what the scheduler and the node's agent would do. */
async function actAsAgent(): Promise<void> {
  const pods = (await api(cp, "GET", `/api/v1/namespaces/${NS}/pods`)).json<{ items: Pod[] }>().items;
  for (const pod of pods) {
    const name = pod.metadata.name!;
    const path = `/api/v1/namespaces/${NS}/pods/${name}`;
    if (pod.metadata.deletionTimestamp) {
      await call(cp, "DELETE", `${path}?gracePeriodSeconds=0`);
      continue;
    }
    if (!pod.spec?.nodeName) {
      await call(cp, "POST", `${path}/binding`, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: NODE } });
    }
    if (pod.status?.phase !== "Running") {
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      await call(cp, "PATCH", `${path}/status`, {
        status: {
          phase: "Running",
          podIP: `10.244.0.${ip++ % 250}`,
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }],
        },
      }, "application/merge-patch+json");
    }
  }
}

/** Runs `kubectl rollout status` while acting as the agent, until kubectl exits. */
async function rolloutStatus(name: string): Promise<string> {
  let done = false;
  const status = cp.kubectl(["rollout", "status", `deploy/${name}`, "-n", NS, "--timeout=90s"], { timeoutMs: 120_000 }).finally(() => {
    done = true;
  });
  while (!done) {
    await actAsAgent();
    await new Promise((r) => setTimeout(r, 300));
  }
  const r = await status;
  if (r.code !== 0) throw new Error(`kubectl rollout status → exit ${r.code}\n${r.stdout}\n${r.stderr}\n${cp.logTail()}`);
  return r.stdout;
}

describe("kubectl rollout status", () => {
  it("returns when the rollout completes, for a new Deployment and for an image change", async () => {
    const node: KubeObject = { apiVersion: "v1", kind: "Node", metadata: { name: NODE, labels: { "kubernetes.io/hostname": NODE } } };
    // Set up over the API; kubectl is what is under test only for `rollout status`.
    await call(cp, "POST", "/api/v1/namespaces", objects.namespace(NS));
    await call(cp, "POST", "/api/v1/nodes", node);
    await call(cp, "POST", `/apis/apps/v1/namespaces/${NS}/deployments`, objects.deployment("web", "nginx:1.27", 3));

    expect(await rolloutStatus("web")).toContain('deployment "web" successfully rolled out');
    const d = await eventually("the Deployment's status", async () => {
      const res = (await api(cp, "GET", `/apis/apps/v1/namespaces/${NS}/deployments/web`)).json<{ status?: { availableReplicas?: number } }>();
      return res.status?.availableReplicas === 3 ? res : undefined;
    });
    expect(d.status?.availableReplicas).toBe(3);

    // What `kubectl set image deploy/web web=nginx:1.28` sends.
    await call(cp, "PATCH", `/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } },
    }, "application/strategic-merge-patch+json");
    expect(await rolloutStatus("web")).toContain('deployment "web" successfully rolled out');
    const pods = (await api(cp, "GET", `/api/v1/namespaces/${NS}/pods`)).json<{ items: Pod[] }>().items.filter((p) => !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p.spec?.containers[0].image).toBe("nginx:1.28");
  });
});
