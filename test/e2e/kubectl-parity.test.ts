// kubectl parity (issue 3): what kubectl sends for apply, apply --server-side, patch, edit and
// rollout undo (three-way and two-way strategic merge patches, apply patches, JSON patches) does
// to the live object exactly what it does on Kubernetes; strict field validation; explain.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigMap, Deployment, KubeObject, ReplicaSet } from "../../src/lib/types.js";
import { eventually, getJson, kubectlFails, kubectlOk, objects, useControlPlane, type List } from "./harness.js";

// A throwaway key: Secrets are refused without one (src/registry/secret-encryption.ts).
const cp = useControlPlane({ env: { ENCRYPTION_KEY: "cGFyaXR5LXRlc3Qta2V5LW5vdC1hLXJlYWwtc2VjciE=" } });
const NS = "parity";

type Container = { name: string; image: string; env?: { name: string; value: string }[] };

function deployment(name: string, containers: Container[], labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name, ...labels } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

const apply = (obj: KubeObject, ...flags: string[]) =>
  kubectlOk(cp, ["apply", "-f", "-", "-n", NS, ...flags], { input: JSON.stringify(obj) });
const applyFails = (obj: KubeObject, ...flags: string[]) =>
  kubectlFails(cp, ["apply", "-f", "-", "-n", NS, ...flags], { input: JSON.stringify(obj) });
const getDeploy = (name: string) => getJson<Deployment>(cp, ["deploy", name, "-n", NS]);
// kubectl hides managedFields unless asked.
const getCm = (name: string) => getJson<ConfigMap>(cp, ["cm", name, "-n", NS, "--show-managed-fields"]);
const containersOf = (d: Deployment) => d.spec!.template.spec!.containers;

beforeAll(async () => {
  // One object, not the harness's `create` (a List): kubectl validates a List client-side against
  // /openapi/v2, which is not served.
  await kubectlOk(cp, ["create", "-f", "-"], { input: JSON.stringify(objects.namespace(NS)) });
});

describe("kubectl apply (client-side, three-way strategic merge patch)", () => {
  it("removes an env var dropped from the manifest and keeps the others", async () => {
    const env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      { name: "C", value: "3" },
    ];
    expect((await apply(deployment("env", [{ name: "web", image: "nginx:1.27", env }]))).stdout.trim()).toBe("deployment.apps/env created");
    const r = await apply(deployment("env", [{ name: "web", image: "nginx:1.27", env: [env[0], env[2]] }]));
    expect(r.stdout.trim()).toBe("deployment.apps/env configured");
    expect(r.stderr).toBe("");
    expect(containersOf(await getDeploy("env"))[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "C", value: "3" },
    ]);
  });

  it("reorders containers as the manifest does, then removes one", async () => {
    const a = { name: "a", image: "nginx:1.27" };
    const b = { name: "b", image: "busybox:1.37" };
    await apply(deployment("order", [a, b]));
    await apply(deployment("order", [b, a]));
    expect(containersOf(await getDeploy("order")).map((c) => c.name)).toEqual(["b", "a"]);
    await apply(deployment("order", [a]));
    expect(containersOf(await getDeploy("order")).map((c) => [c.name, c.image])).toEqual([["a", "nginx:1.27"]]);
  });

  it("keeps a label added with kubectl label through a later apply that does not mention it", async () => {
    await apply(deployment("labelled", [{ name: "web", image: "nginx:1.27" }]));
    await kubectlOk(cp, ["label", "deploy", "labelled", "tier=frontend", "-n", NS]);
    await apply(deployment("labelled", [{ name: "web", image: "nginx:1.28" }]));
    const d = await getDeploy("labelled");
    expect(d.metadata.labels).toEqual({ app: "labelled", tier: "frontend" });
    expect(containersOf(d)[0].image).toBe("nginx:1.28");
  });

  it("fails on a misspelt field, naming it", async () => {
    const bad = deployment("typo", [{ name: "web", image: "nginx:1.27" }]);
    (bad.spec as Record<string, unknown>).replica = 2;
    const r = await applyFails(bad);
    expect(r.stderr).toContain('unknown field "spec.replica"');
    expect(r.stderr).toContain("Error from server (BadRequest)");
    await kubectlFails(cp, ["get", "deploy", "typo", "-n", NS]);

    // The same typo in an apply to an existing object (a patch) is refused too.
    await apply(deployment("typo", [{ name: "web", image: "nginx:1.27" }]));
    const again = await applyFails(bad);
    expect(again.stderr).toContain('unknown field "spec.replica"');
  });

  it("with --validate=warn, warns about the misspelt field and drops it", async () => {
    const bad = deployment("warned", [{ name: "web", image: "nginx:1.27" }]);
    (bad.spec as Record<string, unknown>).replica = 2;
    const r = await apply(bad, "--validate=warn");
    expect(r.stdout.trim()).toBe("deployment.apps/warned created");
    expect(r.stderr).toContain('Warning: unknown field "spec.replica"');
    expect((await getDeploy("warned")).spec).not.toHaveProperty("replica");
  });
});

describe("Secrets", () => {
  it("read back exactly as applied (they are encrypted at rest)", async () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2" } };
    await apply(secret);
    const live = await getJson<KubeObject & { data?: Record<string, string> }>(cp, ["secret", "db", "-n", NS]);
    expect(live.data).toEqual({ password: btoa("hunter2") });
    expect(live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]).toContain("hunter2");
    expect(live).not.toHaveProperty(["skiff.io/sealed"]);
  });
});

describe("kubectl patch and kubectl edit (two-way strategic merge patch)", () => {
  it("patch changes one container's image by name and keeps the other", async () => {
    await apply(deployment("patched", [{ name: "a", image: "nginx:1.27" }, { name: "b", image: "busybox:1.37" }]));
    const patch = { spec: { template: { spec: { containers: [{ name: "b", image: "busybox:1.36" }] } } } };
    const r = await kubectlOk(cp, ["patch", "deploy", "patched", "-n", NS, "-p", JSON.stringify(patch)]);
    expect(r.stdout.trim()).toBe("deployment.apps/patched patched");
    expect(containersOf(await getDeploy("patched")).map((c) => [c.name, c.image])).toEqual([
      ["a", "nginx:1.27"],
      ["b", "busybox:1.36"],
    ]);
  });

  it("edit with EDITOR set to a script applies the edit", async () => {
    await apply(deployment("edited", [{ name: "a", image: "nginx:1.27" }, { name: "b", image: "busybox:1.37" }]));
    const dir = mkdtempSync(join(tmpdir(), "skiff-editor-"));
    const editor = join(dir, "editor.sh");
    // kubectl edit runs `$EDITOR <file>` on the object's YAML and sends what changed.
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/image: nginx:1.27/image: nginx:1.28/' "$1"\n`);
    chmodSync(editor, 0o755);
    const r = await kubectlOk(cp, ["edit", "deploy", "edited", "-n", NS], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    expect(r.stdout.trim()).toBe("deployment.apps/edited edited");
    expect(containersOf(await getDeploy("edited")).map((c) => [c.name, c.image])).toEqual([
      ["a", "nginx:1.28"],
      ["b", "busybox:1.37"],
    ]);
  });
});

describe("kubectl rollout undo (JSON patch)", () => {
  /** The ReplicaSets the deployment controller made for `name`, by revision. */
  async function revisions(name: string): Promise<Map<string, ReplicaSet>> {
    const list = await getJson<List<ReplicaSet>>(cp, ["rs", "-n", NS, "-l", `app=${name}`]);
    return new Map(list.items.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "", rs]));
  }

  it("rolls the template back to the previous revision's", async () => {
    await apply(deployment("undo", [{ name: "web", image: "nginx:1.27" }]));
    await eventually("revision 1", async () => (await revisions("undo")).has("1"));
    await apply(deployment("undo", [{ name: "web", image: "nginx:1.28" }]));
    await eventually("revision 2", async () => (await revisions("undo")).has("2"));

    const r = await kubectlOk(cp, ["rollout", "undo", "deploy/undo", "-n", NS]);
    expect(r.stdout.trim()).toBe("deployment.apps/undo rolled back");
    const d = await getDeploy("undo");
    expect(containersOf(d)[0].image).toBe("nginx:1.27");
    // The JSON patch replaced the template wholesale: no pod-template-hash label came along.
    expect(d.spec!.template.metadata?.labels).toEqual({ app: "undo" });
  });
});

describe("kubectl apply --server-side", () => {
  const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa" }, data });

  it("removes a field the manager stops applying and keeps one another manager set", async () => {
    expect((await apply(cm({ a: "1", b: "2" }), "--server-side")).stdout.trim()).toBe("configmap/ssa serverside-applied");
    await kubectlOk(cp, ["patch", "cm", "ssa", "-n", NS, "--type", "merge", "-p", '{"data":{"c":"3"}}']);
    await apply(cm({ a: "1" }), "--server-side");
    const live = await getCm("ssa");
    expect(live.data).toEqual({ a: "1", c: "3" });
    const managers = (live.metadata.managedFields ?? []).map((m) => [m.manager, m.operation]);
    expect(managers).toEqual(expect.arrayContaining([["kubectl", "Apply"], ["kubectl-patch", "Update"]]));
  });

  it("refuses a conflicting apply without --force-conflicts and takes the field with it", async () => {
    const refused = await applyFails(cm({ a: "changed" }), "--server-side", "--field-manager=other");
    expect(refused.stderr).toContain("Apply failed with 1 conflict: conflict with \"kubectl\"");
    expect(refused.stderr).toContain(".data.a");
    expect((await getCm("ssa")).data?.a).toBe("1");

    await apply(cm({ a: "changed" }), "--server-side", "--field-manager=other", "--force-conflicts");
    const live = await getCm("ssa");
    expect(live.data?.a).toBe("changed");
    const other = live.metadata.managedFields?.find((m) => m.manager === "other");
    expect(other?.fieldsV1).toEqual({ "f:data": { "f:a": {} } });
  });
});

describe("kubectl explain", () => {
  it("answers with the field's type from the OpenAPI v3 documents", async () => {
    const r = await kubectlOk(cp, ["explain", "deployment.spec.replicas"]);
    expect(r.stdout).toContain("KIND:       Deployment");
    expect(r.stdout).toMatch(/FIELD:\s+replicas <integer>/);
    expect(r.stdout).toContain("Number of desired pods");
  });
});
