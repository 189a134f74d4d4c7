import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors.js";
import type { Deployment, Pod, Secret, Service } from "../../src/lib/types.js";
import { ensureSystemNamespaces } from "../../src/registry/bootstrap.js";
import { createRegistry } from "../../src/registry/registry.js";
import { storeFor } from "../../src/registry/store-client.js";
import { configMapDef, deploymentDef, namespaceDef, podDef, secretDef, serviceDef } from "../../src/resources/index.js";

const registry = createRegistry(storeFor(env), { env });

async function rejected(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

const deployment = (name: string, image = "nginx:1.27"): Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image }] } },
  },
});

beforeAll(async () => {
  await ensureSystemNamespaces(registry, namespaceDef);
});

describe("create", () => {
  it("defaults, sets generation 1 and server fields", async () => {
    const d = (await registry.create(deploymentDef, "default", deployment("web"))) as Deployment;
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.generation).toBe(1);
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: "25%", maxUnavailable: "25%" });
    expect(d.metadata.managedFields?.[0]?.manager).toBe("unknown");
  });

  it("rejects a selector that does not match the template with 422 naming the field", async () => {
    const bad = deployment("bad");
    bad.spec!.selector = { matchLabels: { app: "other" } };
    const e = await rejected(registry.create(deploymentDef, "default", bad));
    expect(e.code).toBe(422);
    expect(e.message).toContain("Deployment.apps \"bad\" is invalid");
    expect(e.details?.causes?.some((c) => c.field === "spec.template.metadata.labels")).toBe(true);
  });

  it("answers 404 for a missing namespace and 409 for a taken name", async () => {
    expect((await rejected(registry.create(deploymentDef, "nowhere", deployment("x")))).code).toBe(404);
    await registry.create(deploymentDef, "default", deployment("twice"));
    const e = await rejected(registry.create(deploymentDef, "default", deployment("twice")));
    expect(e.code).toBe(409);
    expect(e.reason).toBe("AlreadyExists");
  });

  it("folds Secret stringData into data", async () => {
    const s = (await registry.create(secretDef, "default", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds" },
      stringData: { password: "hunter2" },
    })) as Secret;
    expect(s.data).toEqual({ password: btoa("hunter2") });
    expect((s as { stringData?: unknown }).stringData).toBeUndefined();
  });
});

describe("createMany", () => {
  const cm = (name: string, data: Record<string, string> = { k: "v" }) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

  it("writes them together and answers each in order: invalid, taken and good ones", async () => {
    await registry.create(configMapDef, "default", cm("many-taken"));
    const answers = await registry.createMany(configMapDef, "default", [cm("many-a"), cm("Bad_Name"), cm("many-taken"), cm("many-b")]);
    expect(answers.map((a) => a.error === undefined)).toEqual([true, false, false, true]);
    expect(answers[1]!.error).toMatch(/Bad_Name/);
    expect(answers[2]!.error).toMatch(/already exists/);
    for (const name of ["many-a", "many-b"]) expect((await registry.get(configMapDef, "default", name)).metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("update", () => {
  it("moves generation only on spec changes and never writes status", async () => {
    const d = (await registry.create(deploymentDef, "default", deployment("gen"))) as Deployment;
    const labelled = await registry.patch(deploymentDef, "default", "gen", "merge", { metadata: { labels: { a: "b" } }, status: { replicas: 7 } });
    expect(labelled.metadata.generation).toBe(1);
    expect((labelled as Deployment).status?.replicas).toBeUndefined();
    const scaled = await registry.patch(deploymentDef, "default", "gen", "merge", { spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    const status = await registry.update(deploymentDef, "default", "gen", { ...scaled, status: { replicas: 3, observedGeneration: 2 } }, { subresource: "status" });
    expect((status as Deployment).status?.replicas).toBe(3);
    expect(status.metadata.generation).toBe(2);
    expect(Number(status.metadata.resourceVersion)).toBeGreaterThan(Number(d.metadata.resourceVersion));
  });

  it("bumps a Deployment's generation on annotation changes, except the controller's status write of its revision", async () => {
    await registry.create(deploymentDef, "default", deployment("annotated"));
    const annotated = await registry.patch(deploymentDef, "default", "annotated", "merge", { metadata: { annotations: { note: "x" } } });
    expect(annotated.metadata.generation).toBe(2);
    const revision = { ...annotated.metadata.annotations, "deployment.kubernetes.io/revision": "1" };
    const status = await registry.update(deploymentDef, "default", "annotated", { ...annotated, metadata: { ...annotated.metadata, annotations: revision }, status: { observedGeneration: 2 } }, { subresource: "status" });
    expect(status.metadata.annotations).toEqual(revision);
    expect(status.metadata.generation).toBe(2);
  });

  it("answers 409 to a stale resourceVersion and loses no update", async () => {
    const d = await registry.create(deploymentDef, "default", deployment("cas"));
    await registry.patch(deploymentDef, "default", "cas", "merge", { metadata: { labels: { first: "1" } } });
    const e = await rejected(registry.update(deploymentDef, "default", "cas", { ...d, metadata: { ...d.metadata, labels: { stale: "1" } } }));
    expect(e.code).toBe(409);
    expect(e.reason).toBe("Conflict");
    // Concurrent label patches all land (the registry retries its own read-modify-write).
    await Promise.all(Array.from({ length: 10 }, (_, i) => registry.patch(deploymentDef, "default", "cas", "merge", { metadata: { labels: { [`l${i}`]: "x" } } })));
    const final = await registry.get(deploymentDef, "default", "cas");
    expect(Object.keys(final.metadata.labels ?? {}).length).toBe(11);
  });

  it("keeps a no-op update from changing resourceVersion", async () => {
    const d = await registry.create(deploymentDef, "default", deployment("noop"));
    const same = await registry.update(deploymentDef, "default", "noop", d);
    expect(same.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
  });
});

describe("services", () => {
  const svc = (name: string, type = "ClusterIP", nodePort?: number): Service => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: { type, selector: { app: name }, ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] },
  });

  it("allocates unique clusterIPs and nodePorts under concurrent creates", async () => {
    const created = (await Promise.all(Array.from({ length: 20 }, (_, i) => registry.create(serviceDef, "default", svc(`s${i}`, "NodePort"))))) as Service[];
    const ips = created.map((s) => s.spec?.clusterIP);
    const ports = created.map((s) => s.spec?.ports?.[0]?.nodePort);
    expect(new Set(ips).size).toBe(20);
    expect(new Set(ports).size).toBe(20);
    for (const ip of ips) expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
  });

  it("refuses a nodePort another Service holds, and frees it on delete", async () => {
    await registry.create(serviceDef, "default", svc("holder", "NodePort", 30555));
    const e = await rejected(registry.create(serviceDef, "default", svc("thief", "NodePort", 30555)));
    expect(e.code).toBe(422);
    expect(e.message).toContain("provided port is already allocated");
    await registry.delete(serviceDef, "default", "holder");
    await expect(registry.create(serviceDef, "default", svc("thief", "NodePort", 30555))).resolves.toBeTruthy();
  });

  it("allocates a nodePort when an update turns a ClusterIP Service into a LoadBalancer, keeping its clusterIP", async () => {
    const before = (await registry.create(serviceDef, "default", svc("grow"))) as Service;
    const after = (await registry.update(serviceDef, "default", "grow", { ...before, spec: { ...before.spec, type: "LoadBalancer" } })) as Service;
    expect(after.spec?.clusterIP).toBe(before.spec?.clusterIP);
    expect(after.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    const again = (await registry.update(serviceDef, "default", "grow", { ...after, metadata: { ...after.metadata, labels: { x: "1" } } })) as Service;
    expect(again.spec?.ports?.[0]?.nodePort).toBe(after.spec?.ports?.[0]?.nodePort);
  });

  it("gives ExternalName services no clusterIP", async () => {
    const s = (await registry.create(serviceDef, "default", { apiVersion: "v1", kind: "Service", metadata: { name: "db1" }, spec: { type: "ExternalName", externalName: "db.example.com" } })) as Service;
    expect(s.spec?.clusterIP).toBeUndefined();
  });
});

describe("deletion", () => {
  it("holds an object with finalizers until the last one goes", async () => {
    const d = deployment("fin");
    d.metadata.finalizers = ["example.com/hold"];
    await registry.create(deploymentDef, "default", d);
    const { gone, object } = await registry.delete(deploymentDef, "default", "fin");
    expect(gone).toBe(false);
    expect(object.metadata.deletionTimestamp).toBeTruthy();
    // Spec changes are still accepted while finalizers hold the object, as in Kubernetes.
    await registry.patch(deploymentDef, "default", "fin", "merge", { spec: { replicas: 5 } });
    await registry.patch(deploymentDef, "default", "fin", "merge", { metadata: { finalizers: null } });
    expect((await rejected(registry.get(deploymentDef, "default", "fin"))).code).toBe(404);
  });

  it("records propagationPolicy as the garbage collector's finalizers", async () => {
    await registry.create(deploymentDef, "default", deployment("fg"));
    const { object } = await registry.delete(deploymentDef, "default", "fg", { propagationPolicy: "Foreground" });
    expect(object.metadata.finalizers).toContain("foregroundDeletion");
  });

  it("deletes an unbound pod at once and a bound one gracefully", async () => {
    const pod = (name: string, nodeName?: string): Pod => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName, containers: [{ name: "c", image: "busybox" }] } });
    await registry.create(podDef, "default", pod("loose"));
    expect((await registry.delete(podDef, "default", "loose")).gone).toBe(true);
    await registry.create(podDef, "default", pod("bound", "n1"));
    const first = await registry.delete(podDef, "default", "bound");
    expect(first.gone).toBe(false);
    expect(first.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await registry.delete(podDef, "default", "bound", { gracePeriodSeconds: 0 })).gone).toBe(true);
  });

  it("refuses to delete the default namespace", async () => {
    expect((await rejected(registry.delete(namespaceDef, "", "default"))).code).toBe(403);
  });
});

describe("binding", () => {
  it("binds once; a second binding conflicts", async () => {
    await registry.create(podDef, "default", { apiVersion: "v1", kind: "Pod", metadata: { name: "b" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    await registry.bind("default", "b", { apiVersion: "v1", kind: "Binding", metadata: { name: "b" }, target: { kind: "Node", name: "n1" } } as never);
    const pod = (await registry.get(podDef, "default", "b")) as Pod;
    expect(pod.spec?.nodeName).toBe("n1");
    expect(pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
    const e = await rejected(registry.bind("default", "b", { apiVersion: "v1", kind: "Binding", metadata: { name: "b" }, target: { kind: "Node", name: "n2" } } as never));
    expect(e.code).toBe(409);
  });
});
