/**
 * The controller host in workerd, end to end through the registry: Deployments and the
 * ReplicaSets and Pods they make, with pods bound and made ready by the test (no scheduler, no
 * agent), as issue 4's "Done when" lists.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Deployment, Pod, ReplicaSet } from "../../src/lib/types.js";
import { deploymentDef, podDef, replicaSetDef } from "../../src/resources/index.js";
import { actAsAgents, bootstrap, clearAlarm, converge, createNamespace, createNode, get, list, registry, settle, syncClock } from "./controllers-helpers.js";

const REVISION = "deployment.kubernetes.io/revision";

const deployment = (name: string, replicas: number, image: string): Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image }] } },
  },
});

const activePods = async (ns: string) => (await list<Pod>(podDef, ns)).filter((p) => !p.metadata.deletionTimestamp);
const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** Settled: every replica updated, available, and nothing old left. */
async function rolledOut(ns: string, name: string, replicas: number): Promise<boolean> {
  const d = await get<Deployment>(deploymentDef, ns, name);
  const s = d.status ?? {};
  return (
    s.observedGeneration === d.metadata.generation &&
    s.updatedReplicas === replicas &&
    s.availableReplicas === replicas &&
    (s.replicas ?? 0) === replicas &&
    (await activePods(ns)).length === replicas
  );
}

beforeAll(async () => {
  await bootstrap();
  await createNode("node-a");
});

beforeEach(syncClock);
afterEach(clearAlarm);

describe("Deployment", () => {
  it("reaches Available, replaces a deleted pod, and scales up and down", async () => {
    const ns = "deploy-basic";
    await createNamespace(ns);
    await registry.create(deploymentDef, ns, deployment("web", 3, "nginx:1.27"));
    await settle();

    const sets = await list<ReplicaSet>(replicaSetDef, ns);
    expect(sets).toHaveLength(1);
    expect(sets[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "web", controller: true });
    const pods = await activePods(ns);
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p.metadata.name).toMatch(new RegExp(`^${sets[0].metadata.name}-[a-z0-9]{5}$`));

    await converge(ns, () => rolledOut(ns, "web", 3));
    const d = await get<Deployment>(deploymentDef, ns, "web");
    expect(condition(d, "Available")).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable" });
    expect(condition(d, "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
    expect(d.metadata.annotations?.[REVISION]).toBe("1");

    // A deleted pod is replaced.
    const victim = pods[0].metadata.name;
    await registry.delete(podDef, ns, victim, { gracePeriodSeconds: 0 });
    await settle();
    const after = await activePods(ns);
    expect(after).toHaveLength(3);
    expect(after.map((p) => p.metadata.name)).not.toContain(victim);

    // Scale up, then down.
    await registry.patch(deploymentDef, ns, "web", "merge", { spec: { replicas: 5 } });
    await converge(ns, () => rolledOut(ns, "web", 5));
    await registry.patch(deploymentDef, ns, "web", "merge", { spec: { replicas: 2 } });
    await converge(ns, () => rolledOut(ns, "web", 2));
    expect((await list<ReplicaSet>(replicaSetDef, ns)).map((rs) => rs.spec?.replicas)).toEqual([2]);
  });

  it("rolls out an image change and `rollout undo` restores the old ReplicaSet", async () => {
    const ns = "deploy-rollout";
    await createNamespace(ns);
    await registry.create(deploymentDef, ns, deployment("app", 3, "nginx:1.26"));
    await converge(ns, () => rolledOut(ns, "app", 3));
    const [first] = await list<ReplicaSet>(replicaSetDef, ns);

    await registry.patch(deploymentDef, ns, "app", "strategic", { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } });
    // maxSurge 1, maxUnavailable 0: never more than 4 pods, never fewer than 3 available.
    for (let i = 0; i < 20 && !(await rolledOut(ns, "app", 3)); i++) {
      await settle();
      const live = await activePods(ns);
      expect(live.length).toBeLessThanOrEqual(4);
      const d = await get<Deployment>(deploymentDef, ns, "app");
      expect(d.status?.availableReplicas ?? 0).toBeGreaterThanOrEqual(3);
      await actAsAgents(ns);
    }
    expect(await rolledOut(ns, "app", 3)).toBe(true);
    const sets = await list<ReplicaSet>(replicaSetDef, ns);
    expect(sets).toHaveLength(2);
    const second = sets.find((rs) => rs.metadata.uid !== first.metadata.uid)!;
    expect(second.spec?.replicas).toBe(3);
    expect(sets.find((rs) => rs.metadata.uid === first.metadata.uid)?.spec?.replicas).toBe(0);
    expect((await get<Deployment>(deploymentDef, ns, "app")).metadata.annotations?.[REVISION]).toBe("2");

    // What `kubectl rollout undo` sends: the previous ReplicaSet's template (without the hash
    // label) and the Deployment's annotations, as one JSON patch.
    const old = await get<ReplicaSet>(replicaSetDef, ns, first.metadata.name);
    const template = structuredClone(old.spec!.template!);
    delete template.metadata!.labels!["pod-template-hash"];
    const current = await get<Deployment>(deploymentDef, ns, "app");
    await registry.patch(deploymentDef, ns, "app", "json", [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: current.metadata.annotations ?? {} },
    ]);
    await converge(ns, () => rolledOut(ns, "app", 3));
    const restored = await get<ReplicaSet>(replicaSetDef, ns, first.metadata.name);
    expect(restored.metadata.uid).toBe(first.metadata.uid);
    expect(restored.spec?.replicas).toBe(3);
    expect(restored.metadata.annotations?.[REVISION]).toBe("3");
    expect((await get<ReplicaSet>(replicaSetDef, ns, second.metadata.name)).spec?.replicas).toBe(0);
    expect((await get<Deployment>(deploymentDef, ns, "app")).metadata.annotations?.[REVISION]).toBe("3");
    for (const p of await activePods(ns)) expect(p.spec?.containers[0].image).toBe("nginx:1.26");
  });
});
