/**
 * The controller host in workerd, end to end through the registry: cascading deletion in the
 * three propagation modes, nodes that stop renewing their Lease, and namespace deletion.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors.js";
import type { ConfigMap, Deployment, Namespace, Node, Pod, ReplicaSet } from "../../src/lib/types.js";
import { configMapDef, deploymentDef, namespaceDef, nodeDef, podDef, replicaSetDef, serviceDef } from "../../src/resources/index.js";
import {
  actAsAgents,
  advance,
  bootstrap,
  clearAlarm,
  converge,
  createNamespace,
  createNode,
  get,
  list,
  registry,
  renewLease,
  settle,
  writeNodeReady,
  syncClock,
} from "./controllers-helpers.js";

const deployment = (name: string, replicas: number, tolerationSeconds?: number): Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: "web", image: "nginx:1.27" }],
        ...(tolerationSeconds === undefined
          ? {}
          : {
              tolerations: [
                { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds },
                { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds },
              ],
            }),
      },
    },
  },
});

const livePods = async (ns: string) => (await list<Pod>(podDef, ns)).filter((p) => !p.metadata.deletionTimestamp);

async function missing(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return true;
    throw e;
  }
}

beforeAll(bootstrap);
beforeEach(syncClock);
afterEach(clearAlarm);

describe("cascading deletion", () => {
  async function withDeployment(ns: string): Promise<void> {
    await createNamespace(ns);
    await registry.create(deploymentDef, ns, deployment("web", 2));
    await settle();
    expect(await list<ReplicaSet>(replicaSetDef, ns)).toHaveLength(1);
    expect(await livePods(ns)).toHaveLength(2);
  }

  it("Background: the Deployment goes at once, its ReplicaSets and Pods after it", async () => {
    const ns = "gc-background";
    await withDeployment(ns);
    await registry.delete(deploymentDef, ns, "web", { propagationPolicy: "Background" });
    expect(await missing(registry.get(deploymentDef, ns, "web"))).toBe(true);
    await settle();
    await actAsAgents(ns, () => undefined);
    await settle();
    expect(await list<ReplicaSet>(replicaSetDef, ns)).toHaveLength(0);
    expect(await list<Pod>(podDef, ns)).toHaveLength(0);
  });

  it("Foreground: the Deployment waits, with foregroundDeletion, until its dependents are gone", async () => {
    const ns = "gc-foreground";
    await withDeployment(ns);
    await registry.delete(deploymentDef, ns, "web", { propagationPolicy: "Foreground" });
    const deleting = await get<Deployment>(deploymentDef, ns, "web");
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toContain("foregroundDeletion");
    for (let i = 0; i < 5; i++) {
      await settle();
      await actAsAgents(ns, () => undefined);
    }
    expect(await list<Pod>(podDef, ns)).toHaveLength(0);
    expect(await list<ReplicaSet>(replicaSetDef, ns)).toHaveLength(0);
    expect(await missing(registry.get(deploymentDef, ns, "web"))).toBe(true);
  });

  it("Orphan: the Deployment goes and its ReplicaSet stays, released, with its Pods", async () => {
    const ns = "gc-orphan";
    await withDeployment(ns);
    await registry.delete(deploymentDef, ns, "web", { propagationPolicy: "Orphan" });
    await settle();
    expect(await missing(registry.get(deploymentDef, ns, "web"))).toBe(true);
    const sets = await list<ReplicaSet>(replicaSetDef, ns);
    expect(sets).toHaveLength(1);
    expect(sets[0].metadata.ownerReferences ?? []).toEqual([]);
    expect(await livePods(ns)).toHaveLength(2);
  });
});

describe("node lifecycle", () => {
  it("marks a node whose Lease is not renewed unreachable, and replaces its pods elsewhere after tolerationSeconds", async () => {
    const ns = "lease";
    await createNamespace(ns);
    await createNode("lost");
    await registry.create(deploymentDef, ns, deployment("web", 2, 30));
    await converge(ns, async () => (await livePods(ns)).every((p) => p.status?.phase === "Running") && (await livePods(ns)).length === 2, () => "lost");
    await createNode("spare");
    await settle();

    // 45 s (> the 40 s grace) without a renewal from "lost"; "spare" keeps renewing.
    await advance(45_000);
    await renewLease("spare");
    await writeNodeReady("spare");
    await settle();
    const node = await get<Node>(nodeDef, "", "lost");
    expect(node.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown" });
    expect(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`).sort()).toEqual([
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/unreachable:NoSchedule",
    ]);
    // Within tolerationSeconds the pods stay, marked not ready.
    const stranded = await livePods(ns);
    expect(stranded.map((p) => p.spec?.nodeName)).toEqual(["lost", "lost"]);
    expect(stranded.every((p) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "False")).toBe(true);

    // After 30 s they are evicted and replaced; the stand-in scheduler places the new ones on "spare".
    await advance(35_000);
    await renewLease("spare");
    await writeNodeReady("spare");
    await converge(
      ns,
      async () => {
        const pods = await list<Pod>(podDef, ns);
        return pods.length === 2 && pods.every((p) => p.spec?.nodeName === "spare" && p.status?.phase === "Running");
      },
      () => "spare",
    );
    expect((await get<Deployment>(deploymentDef, ns, "web")).status?.availableReplicas).toBe(2);

    // The node comes back: renewed Lease and Ready again, so it is untainted.
    await renewLease("lost");
    await writeNodeReady("lost");
    await settle();
    expect((await get<Node>(nodeDef, "", "lost")).spec?.taints ?? []).toEqual([]);
  });
});

describe("namespace deletion", () => {
  it("empties the namespace, then removes it", async () => {
    const ns = "doomed";
    await createNamespace(ns);
    await registry.create(deploymentDef, ns, deployment("web", 2));
    const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "1" } };
    await registry.create(configMapDef, ns, cm);
    await registry.create(serviceDef, ns, { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
    await settle();
    expect(await livePods(ns)).toHaveLength(2);

    await registry.delete(namespaceDef, "", ns);
    expect((await get<Namespace>(namespaceDef, "", ns)).status?.phase).toBe("Terminating");
    for (let i = 0; i < 5; i++) {
      await settle();
      await actAsAgents(ns, () => undefined);
    }
    for (const def of [deploymentDef, replicaSetDef, podDef, configMapDef, serviceDef]) expect(await list(def, ns)).toHaveLength(0);
    expect(await missing(registry.get(namespaceDef, "", ns))).toBe(true);
  });
});
