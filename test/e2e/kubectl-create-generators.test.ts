// kubectl's generator commands: `kubectl create namespace|deployment|configmap|secret|service|job|cronjob`.
// Unlike `create -f`, they use client-go's typed clients, which send the object as protobuf
// (`Content-Type: application/vnd.kubernetes.protobuf`) and accept protobuf or JSON back.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigMap, CronJob, Deployment, Job, Namespace, Secret, Service } from "../../src/lib/types.js";
import { getJson, kubectlOk, useControlPlane } from "./harness.js";

// Secrets are refused without a key (src/registry/secret-encryption.ts); a test key, never a real one.
const cp = useControlPlane({ env: { ENCRYPTION_KEY: Buffer.from("generators-test-key-not-a-real-1").toString("base64") } });
const NS = "generated";
const k = (...args: string[]) => kubectlOk(cp, [...args, "-n", NS]);

beforeAll(async () => {
  const r = await kubectlOk(cp, ["create", "namespace", NS]);
  expect(r.stdout.trim()).toBe(`namespace/${NS} created`);
});

describe("kubectl create <generator>", () => {
  it("create namespace", async () => {
    const ns = await getJson<Namespace>(cp, ["namespace", NS]);
    expect(ns.status?.phase).toBe("Active");
    expect(ns.metadata.labels).toMatchObject({ "kubernetes.io/metadata.name": NS });
  });

  it("create deployment --image --replicas", async () => {
    const r = await k("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80");
    expect(r.stdout.trim()).toBe("deployment.apps/web created");
    const d = await getJson<Deployment>(cp, ["deploy", "web", "-n", NS]);
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, protocol: "TCP" }] }] } },
    });
  });

  it("create configmap --from-literal", async () => {
    const r = await k("create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3");
    expect(r.stdout.trim()).toBe("configmap/settings created");
    expect((await getJson<ConfigMap>(cp, ["cm", "settings", "-n", NS])).data).toEqual({ mode: "fast", level: "3" });
  });

  it("create configmap --from-file with binary content (binaryData, base64)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "skiff-cm-")), "blob.bin");
    const blob = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
    writeFileSync(file, blob);
    expect((await k("create", "configmap", "blobs", `--from-file=${file}`)).stdout.trim()).toBe("configmap/blobs created");
    expect((await getJson<ConfigMap>(cp, ["cm", "blobs", "-n", NS])).binaryData).toEqual({ "blob.bin": blob.toString("base64") });
  });

  it("create secret generic --from-literal (stored base64 in data)", async () => {
    const r = await k("create", "secret", "generic", "creds", "--from-literal=password=s3cret");
    expect(r.stdout.trim()).toBe("secret/creds created");
    const secret = await getJson<Secret>(cp, ["secret", "creds", "-n", NS]);
    expect(secret.type).toBe("Opaque");
    expect(secret.data).toEqual({ password: Buffer.from("s3cret").toString("base64") });
  });

  it("create service clusterip and nodeport", async () => {
    expect((await k("create", "service", "clusterip", "web", "--tcp=80:8080")).stdout.trim()).toBe("service/web created");
    expect((await k("create", "service", "nodeport", "edge", "--tcp=443:8443")).stdout.trim()).toBe("service/edge created");
    const web = await getJson<Service>(cp, ["svc", "web", "-n", NS]);
    expect(web.spec).toMatchObject({ type: "ClusterIP", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] });
    const edge = await getJson<Service>(cp, ["svc", "edge", "-n", NS]);
    expect(edge.spec?.ports?.[0].nodePort).toBeGreaterThanOrEqual(30000);
  });

  it("expose deployment makes a Service selecting its pods", async () => {
    const r = await k("expose", "deployment", "web", "--name=web-exposed", "--port=8081", "--target-port=80");
    expect(r.stdout.trim()).toBe("service/web-exposed exposed");
    const svc = await getJson<Service>(cp, ["svc", "web-exposed", "-n", NS]);
    expect(svc.spec).toMatchObject({ selector: { app: "web" }, ports: [{ port: 8081, targetPort: 80 }] });
  });

  it("create job, and create job --from=cronjob", async () => {
    // `k` adds `-n` at the end, which would land after `--` in the container's command.
    const once = await kubectlOk(cp, ["create", "job", "once", "--image=busybox:1.36", "-n", NS, "--", "echo", "hi"]);
    expect(once.stdout.trim()).toBe("job.batch/once created");
    const job = await getJson<Job>(cp, ["job", "once", "-n", NS]);
    expect(job.spec?.template.spec).toMatchObject({
      restartPolicy: "Never",
      containers: [{ name: "once", image: "busybox:1.36", command: ["echo", "hi"] }],
    });
    expect(job.spec?.backoffLimit).toBe(6);

    const r = await kubectlOk(cp, ["create", "cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "-n", NS, "--", "date"]);
    expect(r.stdout.trim()).toBe("cronjob.batch/tick created");
    const cron = await getJson<CronJob>(cp, ["cronjob", "tick", "-n", NS]);
    expect(cron.spec).toMatchObject({
      schedule: "*/5 * * * *",
      concurrencyPolicy: "Allow",
      jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "tick", image: "busybox:1.36", command: ["date"] }] } } } },
    });

    // A Job made from the CronJob's template carries an owner reference (bools, a uid) and an annotation.
    expect((await k("create", "job", "manual", "--from=cronjob/tick")).stdout.trim()).toBe("job.batch/manual created");
    const manual = await getJson<Job>(cp, ["job", "manual", "-n", NS]);
    expect(manual.metadata.annotations).toMatchObject({ "cronjob.kubernetes.io/instantiate": "manual" });
    expect(manual.metadata.ownerReferences).toEqual([
      { apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: cron.metadata.uid, controller: true },
    ]);
    expect(manual.spec?.template.spec?.containers[0].command).toEqual(["date"]);
  });
});
