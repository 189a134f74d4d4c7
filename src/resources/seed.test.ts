/**
 * The project's seed manifests (copied from ../shared/manifests/seed into test/fixtures/seed, so
 * that a checkout alone runs them) through each kind's
 * rules: the valid ones validate clean after defaulting, the one Kubernetes rejects is rejected
 * with Kubernetes' message.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Deployment, KubeObject, Service } from "../lib/types.js";
import { resourceByKind } from "./index.js";
import type { ResourceDef } from "./types.js";

const SEED_DIR = fileURLToPath(new URL("../../test/fixtures/seed/", import.meta.url));
const INVALID = "external-ip-service.yaml";
const now = new Date("2024-05-01T12:00:00Z");

function load(file: string): { def: ResourceDef; obj: KubeObject } {
  const obj = parse(readFileSync(SEED_DIR + file, "utf8")) as KubeObject;
  const apiVersion = obj.apiVersion ?? "";
  // extensions/v1beta1 Deployments are served as apps/v1, as the API server does.
  const group = apiVersion === "extensions/v1beta1" ? "apps" : apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const def = resourceByKind(group, obj.kind ?? "");
  if (!def) throw new Error(`no kind for ${apiVersion} ${obj.kind}`);
  return { def, obj };
}

/** What the registry does before storing: namespace, uid, defaults, create preparation. */
function admit(def: ResourceDef, obj: KubeObject): KubeObject {
  if (def.namespaced) obj.metadata.namespace ??= "default";
  obj.metadata.uid = "0c5e4f3a-1111-4222-8333-944445555666";
  def.defaults(obj, { now });
  def.prepareForCreate?.(obj, { now });
  return obj;
}

const files = readdirSync(SEED_DIR).filter((f) => f.endsWith(".yaml"));

describe("seed manifests", () => {
  it("are all there", () => {
    expect(files).toContain(INVALID);
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files.filter((f) => f !== INVALID))("%s validates clean after defaulting", (file) => {
    const { def, obj } = load(file);
    expect(def.validate(admit(def, obj))).toEqual([]);
  });

  it("rejects externalIpAssignedService with the DNS-1035 message on metadata.name", () => {
    const { def, obj } = load(INVALID);
    expect(def.validate(admit(def, obj))).toEqual([
      {
        type: "FieldValueInvalid",
        field: "metadata.name",
        message:
          "Invalid value: \"externalIpAssignedService\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      },
    ]);
  });

  it("defaults the webapp Deployment as Kubernetes does", () => {
    const { def, obj } = load("webapp-deployment-v4.yaml");
    const d = admit(def, obj) as Deployment;
    expect(d.spec?.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    expect(d.spec?.revisionHistoryLimit).toBe(10);
    expect(d.spec?.progressDeadlineSeconds).toBe(600);
    const pod = d.spec!.template.spec!;
    expect(pod).toMatchObject({
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      securityContext: {},
    });
    // Template defaults stop where admission starts: no tolerations, no service account, no priority.
    expect(pod.tolerations).toBeUndefined();
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.enableServiceLinks).toBeUndefined();
    const c = pod.containers[0];
    expect(c).toMatchObject({
      imagePullPolicy: "Never",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
      ports: [{ containerPort: 5000, protocol: "TCP" }],
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: "/health", port: 5000, scheme: "HTTP" },
      initialDelaySeconds: 40,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(d.status).toEqual({});
  });

  it("defaults the webapp Service's ports and policies", () => {
    const { def, obj } = load("webapp-service-loadbalancer.yaml");
    const svc = admit(def, obj) as Service;
    expect(svc.spec).toMatchObject({
      type: "LoadBalancer",
      sessionAffinity: "None",
      externalTrafficPolicy: "Cluster",
      internalTrafficPolicy: "Cluster",
      allocateLoadBalancerNodePorts: true,
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ protocol: "TCP", port: 80, targetPort: 5000 }],
    });
  });

  it("gives an ExternalName Service no cluster IP fields", () => {
    const { def, obj } = load("database-external-name.yaml");
    const svc = admit(def, obj) as Service;
    expect(svc.spec?.ipFamilies).toBeUndefined();
    expect(svc.spec?.internalTrafficPolicy).toBeUndefined();
    expect(def.table.cells(svc, now).slice(1, 5)).toEqual(["ExternalName", "<none>", "mysql01.database.test.com", "<none>"]);
  });
});
