// `kubectl get -o json` / `-o yaml`: the objects as stored, with Kubernetes' defaults filled in.
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Deployment, Pod, Service } from "../../src/lib/types.js";
import { create, getJson, kubectlOk, objects, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "output";

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: main
    image: busybox
    resources:
      requests: {cpu: 100m}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web-lb
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - port: 443
`;

beforeAll(async () => {
  await create(cp, undefined, objects.namespace(NS));
  const r = await kubectlOk(cp, ["create", "-n", NS, "-f", "-"], { input: manifests });
  expect(r.stdout.trim().split("\n")).toEqual([
    "deployment.apps/web created",
    "pod/solo created",
    "service/web created",
    "service/web-lb created",
  ]);
});

/** The same Kubernetes pod defaults a Deployment's template gets. */
const podSpecDefaults = {
  restartPolicy: "Always",
  dnsPolicy: "ClusterFirst",
  terminationGracePeriodSeconds: 30,
  schedulerName: "default-scheduler",
  securityContext: {},
};
const containerDefaults = {
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
};

describe("kubectl get -o json", () => {
  it("shows a Deployment with its defaults: 25%/25% rolling update, history 10, deadline 600", async () => {
    const d = await getJson<Deployment>(cp, ["deploy", "web", "-n", NS]);
    expect(d).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: NS, generation: 1 },
      spec: {
        replicas: 1,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        template: {
          spec: {
            ...podSpecDefaults,
            containers: [{ name: "web", image: "nginx:1.27", imagePullPolicy: "IfNotPresent", ...containerDefaults }],
          },
        },
      },
    });
    expect(d.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(d.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(Number.isNaN(Date.parse(d.metadata.creationTimestamp ?? ""))).toBe(false);
    // Tolerations come from admission for pods, not from the workload's template defaults.
    expect(d.spec?.template.spec?.tolerations).toBeUndefined();
  });

  it("shows a Pod with its defaults, the 300 s not-ready/unreachable tolerations and a Pending status", async () => {
    const pod = await getJson<Pod>(cp, ["pod", "solo", "-n", NS]);
    expect(pod).toMatchObject({
      apiVersion: "v1",
      kind: "Pod",
      spec: {
        ...podSpecDefaults,
        enableServiceLinks: true,
        // An image without a tag means :latest, which is always pulled.
        containers: [{ name: "main", image: "busybox", imagePullPolicy: "Always", ...containerDefaults }],
      },
      status: { phase: "Pending", qosClass: "Burstable" },
    });
    expect(pod.spec?.tolerations).toEqual(
      expect.arrayContaining([
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ]),
    );
  });

  it("shows a ClusterIP Service with an IP from 10.96.0.0/12 and TCP ports", async () => {
    const svc = await getJson<Service>(cp, ["svc", "web", "-n", NS]);
    expect(svc).toMatchObject({
      spec: {
        type: "ClusterIP",
        sessionAffinity: "None",
        ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
      },
    });
    const ip = svc.spec?.clusterIP ?? "";
    const m = /^10\.(\d+)\.\d+\.\d+$/.exec(ip);
    expect(m && Number(m[1]) >= 96 && Number(m[1]) <= 111, `clusterIP ${ip}`).toBe(true);
    expect(svc.spec?.clusterIPs).toEqual([ip]);
  });

  it("shows a LoadBalancer Service with a node port, targetPort defaulted to port", async () => {
    const svc = await getJson<Service>(cp, ["svc", "web-lb", "-n", NS]);
    expect(svc.spec).toMatchObject({
      type: "LoadBalancer",
      externalTrafficPolicy: "Cluster",
      ports: [{ port: 443, targetPort: 443, protocol: "TCP" }],
    });
    const nodePort = svc.spec?.ports?.[0].nodePort ?? 0;
    expect(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`).toBe(true);
    const other = await getJson<Service>(cp, ["svc", "web", "-n", NS]);
    expect(other.spec?.clusterIP).not.toBe(svc.spec?.clusterIP);
  });

  it("prints a list as a v1 List of typed items", async () => {
    const list = await getJson<{ kind: string; apiVersion: string; items: Service[] }>(cp, ["svc", "-n", NS]);
    expect(list.kind).toBe("List");
    expect(list.items.map((s) => s.metadata.name).sort()).toEqual(["web", "web-lb"]);
    expect(list.items.every((s) => s.kind === "Service" && s.apiVersion === "v1")).toBe(true);
  });
});

describe("kubectl get -o yaml", () => {
  it("prints the same object as -o json", async () => {
    const json = await getJson<Service>(cp, ["svc", "web", "-n", NS]);
    const { stdout } = await kubectlOk(cp, ["get", "svc", "web", "-n", NS, "-o", "yaml"]);
    expect(stdout).toMatch(/^apiVersion: v1\nkind: Service\n/);
    expect(parseYaml(stdout)).toEqual(json);
  });

  it("-o jsonpath reads single fields", async () => {
    const { stdout } = await kubectlOk(cp, [
      "get", "deploy", "web", "-n", NS, "-o", "jsonpath={.spec.strategy.rollingUpdate.maxSurge} {.spec.template.spec.restartPolicy}",
    ]);
    expect(stdout).toBe("25% Always");
  });
});
