// kubectl's write verbs, each checked on the object it changed: label, annotate, patch --type merge,
// scale, replace -f, delete.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigMap, Deployment } from "../../src/lib/types.js";
import { create, getJson, kubectlFails, kubectlOk, objects, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "verbs";
const deploy = () => getJson<Deployment>(cp, ["deploy", "web", "-n", NS]);
const k = (...args: string[]) => kubectlOk(cp, [...args, "-n", NS]);

beforeAll(async () => {
  await create(cp, undefined, objects.namespace(NS));
  await create(cp, NS, objects.deployment("web", "nginx:1.27"));
});

describe("kubectl label and annotate", () => {
  it("label adds a label without touching spec or generation", async () => {
    const before = await deploy();
    expect((await k("label", "deploy", "web", "tier=frontend")).stdout.trim()).toBe("deployment.apps/web labeled");
    const after = await deploy();
    expect(after.metadata.labels).toMatchObject({ app: "web", tier: "frontend" });
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });

  it("label refuses to overwrite without --overwrite, then overwrites and removes", async () => {
    const refused = await kubectlFails(cp, ["label", "deploy", "web", "tier=backend", "-n", NS]);
    expect(refused.stderr).toContain("'tier' already has a value (frontend), and --overwrite is false");
    await k("label", "deploy", "web", "tier=backend", "--overwrite");
    expect((await deploy()).metadata.labels?.tier).toBe("backend");
    expect((await k("label", "deploy", "web", "tier-")).stdout.trim()).toBe("deployment.apps/web unlabeled");
    expect((await deploy()).metadata.labels).not.toHaveProperty("tier");
  });

  it("annotate adds and removes an annotation", async () => {
    expect((await k("annotate", "deploy", "web", "owner=team-a")).stdout.trim()).toBe("deployment.apps/web annotated");
    expect((await deploy()).metadata.annotations?.owner).toBe("team-a");
    await k("annotate", "deploy", "web", "owner-");
    expect((await deploy()).metadata.annotations ?? {}).not.toHaveProperty("owner");
  });
});

describe("kubectl patch --type merge", () => {
  it("changes spec and moves generation by one", async () => {
    const before = await deploy();
    const r = await k("patch", "deploy", "web", "--type", "merge", "-p", '{"spec":{"minReadySeconds":5}}');
    expect(r.stdout.trim()).toBe("deployment.apps/web patched");
    const after = await deploy();
    expect(after.spec?.minReadySeconds).toBe(5);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
  });

  it("says (no change) when the patch changes nothing, and writes nothing", async () => {
    // A ConfigMap, which no controller writes, so that its resourceVersion can only move by us.
    await create(cp, NS, objects.configMap("patched", { a: "1" }));
    const before = await getJson<ConfigMap>(cp, ["cm", "patched", "-n", NS]);
    const r = await k("patch", "cm", "patched", "--type", "merge", "-p", '{"data":{"a":"1"}}');
    expect(r.stdout.trim()).toBe("configmap/patched patched (no change)");
    expect((await getJson<ConfigMap>(cp, ["cm", "patched", "-n", NS])).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });

  it("rejects a patch that makes the object invalid, leaving it as it was", async () => {
    const before = await deploy();
    const r = await kubectlFails(cp, ["patch", "deploy", "web", "-n", NS, "--type", "merge", "-p", '{"spec":{"replicas":-1}}']);
    expect(r.stderr).toContain('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const after = await deploy();
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it("rejects an invalid label value (the server validates what kubectl label would have)", async () => {
    const before = await getJson<ConfigMap>(cp, ["cm", "patched", "-n", NS]);
    const r = await kubectlFails(cp, [
      "patch", "cm", "patched", "-n", NS, "--type", "merge", "-p", '{"metadata":{"labels":{"bad":"-not-valid-"}}}',
    ]);
    expect(r.stderr).toContain('The ConfigMap "patched" is invalid: metadata.labels: Invalid value: "-not-valid-"');
    expect(await getJson<ConfigMap>(cp, ["cm", "patched", "-n", NS])).toEqual(before);
  });

  it("rejects a change of the immutable selector", async () => {
    const r = await kubectlFails(cp, [
      "patch", "deploy", "web", "-n", NS, "--type", "merge",
      "-p", '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}',
    ]);
    expect(r.stderr).toContain('The Deployment "web" is invalid: spec.selector: Invalid value:');
    expect(r.stderr).toContain("field is immutable");
  });
});

describe("kubectl scale", () => {
  it("sets spec.replicas through the scale subresource", async () => {
    const before = await deploy();
    expect((await k("scale", "deploy", "web", "--replicas=3")).stdout.trim()).toBe("deployment.apps/web scaled");
    const after = await deploy();
    expect(after.spec?.replicas).toBe(3);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
  });

  it("honours --current-replicas as a precondition", async () => {
    const r = await kubectlFails(cp, ["scale", "deploy", "web", "--current-replicas=7", "--replicas=1", "-n", NS]);
    expect(r.stderr).toContain("Expected replicas to be 7, was 3");
    expect((await deploy()).spec?.replicas).toBe(3);
  });
});

describe("kubectl replace -f", () => {
  it("replaces the object with the one given, keeping its identity", async () => {
    const current = await deploy();
    const edited = structuredClone(current);
    edited.spec!.template.spec!.containers[0].image = "nginx:1.28";
    // Without a resourceVersion the update is unconditional (Deployments allow it), so that a
    // controller's status write in between cannot make this a conflict.
    delete edited.metadata.resourceVersion;
    const r = await kubectlOk(cp, ["replace", "-n", NS, "-f", "-"], { input: JSON.stringify(edited) });
    expect(r.stdout.trim()).toBe("deployment.apps/web replaced");
    const after = await deploy();
    expect(after.metadata.uid).toBe(current.metadata.uid);
    expect(after.spec?.template.spec?.containers[0].image).toBe("nginx:1.28");
    expect(after.metadata.generation).toBe((current.metadata.generation ?? 0) + 1);
  });

  it("answers 409 Conflict to a replace carrying a stale resourceVersion", async () => {
    const stale = await deploy();
    await k("label", "deploy", "web", "touched=yes");
    stale.spec!.replicas = 9;
    const r = await kubectlFails(cp, ["replace", "-n", NS, "-f", "-"], { input: JSON.stringify(stale) });
    expect(r.stderr).toContain(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on deployments.apps "web": ' +
        "the object has been modified; please apply your changes to the latest version and try again",
    );
    expect((await deploy()).spec?.replicas).toBe(3);
  });
});

describe("kubectl create -f of a v1 List", () => {
  it("creates each item, as kubectl get -o yaml > file writes them", async () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [objects.configMap("listed-1", { n: "1" }), objects.configMap("listed-2", { n: "2" })],
    };
    const r = await kubectlOk(cp, ["create", "-n", NS, "-f", "-"], { input: JSON.stringify(list) });
    expect(r.stdout.trim().split("\n")).toEqual(["configmap/listed-1 created", "configmap/listed-2 created"]);
  });
});

describe("kubectl delete", () => {
  it("deletes a ConfigMap and then reports it NotFound", async () => {
    await create(cp, NS, objects.configMap("settings", { a: "1" }));
    expect((await getJson<ConfigMap>(cp, ["cm", "settings", "-n", NS])).data).toEqual({ a: "1" });
    expect((await k("delete", "configmap", "settings")).stdout.trim()).toBe('configmap "settings" deleted');
    const gone = await kubectlFails(cp, ["get", "configmap", "settings", "-n", NS]);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): configmaps "settings" not found');
  });

  it("deletes a Deployment", async () => {
    expect((await k("delete", "deployment", "web")).stdout.trim()).toBe('deployment.apps "web" deleted');
    const gone = await kubectlFails(cp, ["get", "deploy", "web", "-n", NS]);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "web" not found');
  });

  it("reports NotFound for something that is not there", async () => {
    const r = await kubectlFails(cp, ["delete", "configmap", "never-was", "-n", NS]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): configmaps "never-was" not found');
  });

  it("--ignore-not-found succeeds quietly", async () => {
    const r = await k("delete", "configmap", "never-was", "--ignore-not-found");
    expect(r.stdout).toBe("");
  });
});
