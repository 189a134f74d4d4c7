// `kubectl apply -f` of every seed manifest (test/fixtures/seed, copied from the source material),
// with what Kubernetes answers, then `get`, `describe`, `get all` and `replace -f` on the result.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deployment, Service } from "../../src/lib/types.js";
import type { List } from "./harness.js";
import { SEED, create, getJson, kubectlFails, kubectlOk, objects, parseTable, rowNamed, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const seed = (file: string) => join(SEED, file);
const NS = "seed";

/** True when `ip` is in 10.96.0.0/12, the default service range. */
function inServiceRange(ip: string | undefined): boolean {
  const m = /^10\.(\d+)\.(\d+)\.(\d+)$/.exec(ip ?? "");
  return !!m && Number(m[1]) >= 96 && Number(m[1]) <= 111;
}

beforeAll(async () => {
  const r = await create(cp, undefined, objects.namespace(NS));
  expect(r.stdout.trim()).toBe(`namespace/${NS} created`);
});

describe("kubectl apply -f of the seed manifests", () => {
  it("accepts the extensions/v1beta1 Deployment as an apps/v1 Deployment, with a Warning", async () => {
    const r = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("webapp-deployment.yaml")]);
    expect(r.stdout.trim()).toMatch(/^deployment\.(apps|extensions)\/webapp-deployment created$/);
    expect(r.stderr).toMatch(/^Warning: .*extensions\/v1beta1.*apps\/v1/m);

    const d = await getJson<Deployment>(cp, ["deployment.apps", "webapp-deployment", "-n", NS]);
    expect(d.apiVersion).toBe("apps/v1");
    expect(d.kind).toBe("Deployment");
    expect(d.spec?.selector).toEqual({ matchLabels: { app: "webapp" } });
    expect(d.spec?.template.spec?.containers[0].image).toBe("web-app:1.0");
    expect(d.metadata.annotations).toHaveProperty(["kubectl.kubernetes.io/last-applied-configuration"]);
  });

  it("creates the ClusterIP Service", async () => {
    const r = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("webapp-service.yaml")]);
    expect(r.stdout.trim()).toBe("service/webservice created");
    const row = rowNamed(parseTable((await kubectlOk(cp, ["get", "svc", "-n", NS])).stdout), "webservice");
    expect(row.TYPE).toBe("ClusterIP");
    expect(inServiceRange(row["CLUSTER-IP"]), row["CLUSTER-IP"]).toBe(true);
    expect(row["EXTERNAL-IP"]).toBe("<none>");
    expect(row["PORT(S)"]).toBe("80/TCP");
  });

  it("creates the ExternalName Service, which gets no cluster IP", async () => {
    const r = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("database-external-name.yaml")]);
    expect(r.stdout.trim()).toBe("service/db1 created");
    const row = rowNamed(parseTable((await kubectlOk(cp, ["get", "svc", "-n", NS])).stdout), "db1");
    expect(row).toMatchObject({
      TYPE: "ExternalName",
      "CLUSTER-IP": "<none>",
      "EXTERNAL-IP": "mysql01.database.test.com",
      "PORT(S)": "<none>",
    });
    const svc = await getJson<Service>(cp, ["svc", "db1", "-n", NS]);
    expect(svc.spec?.clusterIP ?? "").toBe("");
  });

  it("creates the frontend Deployment and its Service", async () => {
    const d = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("frontend-deployment.yaml")]);
    expect(d.stdout.trim()).toBe("deployment.apps/frontend-deployment created");
    const s = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("frontend-service.yaml")]);
    expect(s.stdout.trim()).toBe("service/frontendservice created");
  });

  it("rejects external-ip-service.yaml: its name is not a DNS-1035 label (422 Invalid)", async () => {
    const r = await kubectlFails(cp, ["apply", "-n", NS, "-f", seed("external-ip-service.yaml")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The Service "externalIpAssignedService" is invalid: metadata.name: Invalid value: "externalIpAssignedService": ' +
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, " +
        "and end with an alphanumeric character",
    );
    const services = await getJson<List<Service>>(cp, ["svc", "-n", NS]);
    expect(services.items.map((s) => s.metadata.name).sort()).toEqual(["db1", "frontendservice", "webservice"]);
  });

  it("says unchanged when the same manifest is applied again", async () => {
    const r = await kubectlOk(cp, ["apply", "-n", NS, "-f", seed("frontend-deployment.yaml")]);
    expect(r.stdout.trim()).toBe("deployment.apps/frontend-deployment unchanged");
  });

  it("creates the LoadBalancer Service with a node port and a pending external IP", async () => {
    await create(cp, undefined, objects.namespace("seed-lb"));
    const r = await kubectlOk(cp, ["apply", "-n", "seed-lb", "-f", seed("webapp-service-loadbalancer.yaml")]);
    expect(r.stdout.trim()).toBe("service/webservice created");
    const row = rowNamed(parseTable((await kubectlOk(cp, ["get", "svc", "-n", "seed-lb"])).stdout), "webservice");
    expect(row.TYPE).toBe("LoadBalancer");
    expect(row["EXTERNAL-IP"]).toBe("<pending>");
    const svc = await getJson<Service>(cp, ["svc", "webservice", "-n", "seed-lb"]);
    const nodePort = svc.spec?.ports?.[0].nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    expect(row["PORT(S)"]).toBe(`80:${nodePort}/TCP`);
  });

  it.each([
    ["webapp-deployment-v2.yaml", "web-app:2.0"],
    ["webapp-deployment-v3.yaml", "web-app:3.0"],
    ["webapp-deployment-v4.yaml", "web-app:4.0"],
  ])("creates %s (in a namespace of its own) with its probes defaulted", async (file, image) => {
    const ns = `seed-${file.replace(/^webapp-deployment-|\.yaml$/g, "")}`;
    await create(cp, undefined, objects.namespace(ns));
    const r = await kubectlOk(cp, ["apply", "-n", ns, "-f", seed(file)]);
    expect(r.stdout.trim()).toBe("deployment.apps/webapp-deployment created");
    const d = await getJson<Deployment>(cp, ["deploy", "webapp-deployment", "-n", ns]);
    const container = d.spec?.template.spec?.containers[0];
    expect(container?.image).toBe(image);
    const probeDefaults = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    if (file !== "webapp-deployment-v2.yaml") {
      expect(container?.readinessProbe).toMatchObject({
        ...probeDefaults,
        initialDelaySeconds: 40,
        httpGet: { path: "/health", port: 5000, scheme: "HTTP" },
      });
    }
    if (file === "webapp-deployment-v4.yaml") {
      expect(container?.livenessProbe).toMatchObject({ ...probeDefaults, initialDelaySeconds: 120 });
    }
  });
});

describe("what the applied manifests look like to kubectl", () => {
  it("get deployments prints Kubernetes' columns", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "deployments", "-n", NS])).stdout);
    expect(table.headers).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    const row = rowNamed(table, "webapp-deployment");
    expect(row.READY).toMatch(/^\d+\/1$/);
    expect(row["UP-TO-DATE"]).toMatch(/^\d+$/);
    expect(row.AVAILABLE).toBe("0");
    expect(row.AGE).toMatch(/^\d+(s|m\d*s?)$/);
    rowNamed(table, "frontend-deployment");
  });

  it("get deployments -o wide adds CONTAINERS, IMAGES and SELECTOR", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "deploy", "-o", "wide", "-n", NS])).stdout);
    expect(table.headers).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(rowNamed(table, "webapp-deployment")).toMatchObject({
      CONTAINERS: "webapp",
      IMAGES: "web-app:1.0",
      SELECTOR: "app=webapp",
    });
  });

  it("get services prints Kubernetes' columns", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "services", "-n", NS])).stdout);
    expect(table.headers).toEqual(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    expect(table.rows.map((r) => r.NAME).sort()).toEqual(["db1", "frontendservice", "webservice"]);
  });

  it("describe deployment shows its spec the way Kubernetes does", async () => {
    const { stdout } = await kubectlOk(cp, ["describe", "deployment", "webapp-deployment", "-n", NS]);
    expect(stdout).toMatch(/^Name:\s+webapp-deployment$/m);
    expect(stdout).toMatch(/^Namespace:\s+seed$/m);
    expect(stdout).toMatch(/^Labels:\s+app=webapp$/m);
    expect(stdout).toMatch(/^Selector:\s+app=webapp$/m);
    expect(stdout).toMatch(/^Replicas:\s+1 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m);
    expect(stdout).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(stdout).toMatch(/^MinReadySeconds:\s+0$/m);
    expect(stdout).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(stdout).toMatch(/^\s+Image:\s+web-app:1\.0$/m);
    expect(stdout).toMatch(/^\s+Port:\s+5000\/TCP$/m);
  });

  it("describe service shows type, IP, ports and selector", async () => {
    const svc = await getJson<Service>(cp, ["svc", "webservice", "-n", NS]);
    const { stdout } = await kubectlOk(cp, ["describe", "service", "webservice", "-n", NS]);
    expect(stdout).toMatch(/^Name:\s+webservice$/m);
    expect(stdout).toMatch(/^Namespace:\s+seed$/m);
    expect(stdout).toMatch(/^Selector:\s+app=webapp$/m);
    expect(stdout).toMatch(/^Type:\s+ClusterIP$/m);
    expect(stdout).toMatch(new RegExp(`^IP:\\s+${svc.spec?.clusterIP?.replace(/\./g, "\\.")}$`, "m"));
    expect(stdout).toMatch(/^Port:\s+<unset>\s+80\/TCP$/m);
    expect(stdout).toMatch(/^TargetPort:\s+5000\/TCP$/m);
    expect(stdout).toMatch(/^Session Affinity:\s+None$/m);
  });

  it("get all prints the services and deployments, and nothing from extensions", async () => {
    const { stdout } = await kubectlOk(cp, ["get", "all", "-n", NS]);
    expect(stdout).toMatch(/^service\/webservice\s+ClusterIP\s/m);
    expect(stdout).toMatch(/^service\/db1\s+ExternalName\s/m);
    expect(stdout).toMatch(/^deployment\.apps\/webapp-deployment\s+\d+\/1\s/m);
    expect(stdout).toMatch(/^deployment\.apps\/frontend-deployment\s/m);
    expect(stdout).not.toContain("extensions");
  });

  it("replace -f of webapp-deployment-v2.yaml rolls the Deployment's template forward", async () => {
    const before = await getJson<Deployment>(cp, ["deploy", "webapp-deployment", "-n", NS]);
    const r = await kubectlOk(cp, ["replace", "-n", NS, "-f", seed("webapp-deployment-v2.yaml")]);
    expect(r.stdout.trim()).toBe("deployment.apps/webapp-deployment replaced");
    const after = await getJson<Deployment>(cp, ["deploy", "webapp-deployment", "-n", NS]);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec?.template.spec?.containers[0].image).toBe("web-app:2.0");
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
  });
});
