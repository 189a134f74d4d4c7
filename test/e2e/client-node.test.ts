// @kubernetes/client-node, unmodified, against the control plane: list, watch, an informer, and
// the generic object API (which resolves kinds through discovery).
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectlOk, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "client-node";
const PATH = `/api/v1/namespaces/${NS}/configmaps`;

let kc: KubeConfig;
let core: CoreV1Api;

const cm = (name: string, data: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

beforeAll(async () => {
  kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
});

describe("client-node", () => {
  it("creates and lists, and the list carries a resourceVersion", async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm("one", { a: "1" }) });
    await core.createNamespacedConfigMap({ namespace: NS, body: cm("two", { b: "2" }) });
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    expect(list.items.map((c) => c.metadata?.name).sort()).toEqual(["one", "two"]);
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    const revisions = list.items.map((c) => Number(c.metadata?.resourceVersion));
    expect(Math.max(...revisions)).toBeLessThanOrEqual(Number(list.metadata?.resourceVersion));
  });

  it("pages a list with limit and continue", async () => {
    const first = await core.listNamespacedConfigMap({ namespace: NS, limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await core.listNamespacedConfigMap({ namespace: NS, limit: 1, _continue: first.metadata?._continue });
    expect(second.items).toHaveLength(1);
    expect(second.items[0].metadata?.name).not.toBe(first.items[0].metadata?.name);
    expect(second.metadata?._continue ?? "").toBe("");
  });

  it("watches from a list's resourceVersion: ADDED, MODIFIED, DELETED in order", async () => {
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    const events: { type: string; name?: string; rv?: string }[] = [];
    let ended: unknown = "open";
    const controller = await new Watch(kc).watch(
      PATH,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj: V1ConfigMap) => events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion }),
      (err) => (ended = err),
    );
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: cm("three") });
      await core.patchNamespacedConfigMap(
        { name: "three", namespace: NS, body: { data: { c: "3" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: "three", namespace: NS });
      await eventually("three watch events", () => events.length >= 3 && events, { timeoutMs: 30_000 });
      expect(ended).toBe("open");
      expect(events.map((e) => `${e.type} ${e.name}`)).toEqual(["ADDED three", "MODIFIED three", "DELETED three"]);
      const rvs = events.map((e) => Number(e.rv));
      expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
      expect(new Set(rvs).size).toBe(3);
    } finally {
      controller.abort();
    }
  });

  it("a watch from resourceVersion 0 starts with ADDED for what exists", async () => {
    const seen: string[] = [];
    const controller = await new Watch(kc).watch(
      PATH,
      { resourceVersion: "0" },
      (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    try {
      await eventually("initial ADDED events", () => seen.length >= 2 && seen);
      expect(seen.slice(0, 2).sort()).toEqual(["ADDED one", "ADDED two"]);
    } finally {
      controller.abort();
    }
  });

  it("an informer's cache follows creates, updates and deletes", async () => {
    const informer = makeInformer(kc, PATH, () => core.listNamespacedConfigMap({ namespace: NS }));
    const errors: unknown[] = [];
    informer.on("error", (err) => errors.push(err));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: cm("four", { d: "4" }) });
      await core.replaceNamespacedConfigMap({ name: "one", namespace: NS, body: cm("one", { a: "changed" }) });
      await core.deleteNamespacedConfigMap({ name: "two", namespace: NS });
      const server = await core.listNamespacedConfigMap({ namespace: NS });
      const expected = server.items.map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
      await eventually("the informer's cache to equal the server's list", () => {
        const cached = informer.list(NS).map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
        return JSON.stringify(cached) === JSON.stringify(expected) || undefined;
      });
      expect(informer.get("one", NS)?.data).toEqual({ a: "changed" });
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it("KubernetesObjectApi reads a Deployment through discovery", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
        },
      },
    });
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const read = await objects.read({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: NS } });
    expect(read.metadata?.uid).toBeTruthy();
    expect(read.kind).toBe("Deployment");
    const { stdout } = await kubectlOk(cp, ["get", "deploy", "web", "-n", NS, "-o", "jsonpath={.metadata.uid}"]);
    expect(read.metadata?.uid).toBe(stdout);
  });
});
