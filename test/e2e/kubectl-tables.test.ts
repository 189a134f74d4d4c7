// Server-side Tables as kubectl prints them: pods (and -o wide), nodes, and `api-resources`.
import { beforeAll, describe, expect, it } from "vitest";
import { create, kubectlOk, objects, parseTable, rowNamed, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "tables";

beforeAll(async () => {
  await create(cp, undefined, objects.namespace(NS));
});

describe("kubectl get pods", () => {
  beforeAll(async () => {
    const r = await kubectlOk(cp, ["run", "web", "--image=nginx:1.27", "-n", NS]);
    expect(r.stdout.trim()).toBe("pod/web created");
  });

  it("prints NAME READY STATUS RESTARTS AGE for an unscheduled pod", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "pods", "-n", NS])).stdout);
    expect(table.headers).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(rowNamed(table, "web")).toMatchObject({ READY: "0/1", STATUS: "Pending", RESTARTS: "0" });
  });

  it("-o wide adds IP NODE NOMINATED NODE READINESS GATES", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "pods", "-o", "wide", "-n", NS])).stdout);
    expect(table.headers).toEqual([
      "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES",
    ]);
    expect(rowNamed(table, "web")).toMatchObject({
      IP: "<none>",
      NODE: "<none>",
      "NOMINATED NODE": "<none>",
      "READINESS GATES": "<none>",
    });
  });

  it("--show-labels and -L read the labels from the Table rows' object metadata", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "pods", "--show-labels", "-L", "run", "-n", NS])).stdout);
    expect(table.headers).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "RUN", "LABELS"]);
    expect(rowNamed(table, "web")).toMatchObject({ RUN: "web", LABELS: "run=web" });
  });

  it("-A adds the NAMESPACE column", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "pods", "-A"])).stdout, "NAMESPACE");
    expect(table.headers).toEqual(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(rowNamed(table, "web")).toMatchObject({ NAMESPACE: NS });
  });

  it("says so when there is nothing to list", async () => {
    await create(cp, undefined, objects.namespace("empty"));
    const r = await kubectlOk(cp, ["get", "pods", "-n", "empty"]);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("No resources found in empty namespace.");
  });
});

describe("kubectl get nodes", () => {
  // Nodes register with their status (the kubelet does so); both are unschedulable so that no
  // scheduler places anything on these make-believe hosts.
  const nodes = `
apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    node-role.kubernetes.io/control-plane: ""
    kubernetes.io/hostname: node-a
spec:
  unschedulable: true
status:
  addresses:
  - type: InternalIP
    address: 192.168.1.10
  conditions:
  - type: Ready
    status: "True"
    reason: KubeletReady
    message: kubelet is posting ready status
  nodeInfo:
    kubeletVersion: v1.32.0
    osImage: Debian GNU/Linux 12 (bookworm)
    kernelVersion: 6.1.0
    containerRuntimeVersion: docker://27.0.0
    architecture: amd64
    operatingSystem: linux
    bootID: ""
    machineID: ""
    systemUUID: ""
    kubeProxyVersion: ""
---
apiVersion: v1
kind: Node
metadata:
  name: node-b
spec:
  unschedulable: true
`;

  beforeAll(async () => {
    const r = await kubectlOk(cp, ["create", "-f", "-"], { input: nodes });
    expect(r.stdout.trim().split("\n")).toEqual(["node/node-a created", "node/node-b created"]);
  });

  it("prints NAME STATUS ROLES AGE VERSION from conditions, role labels and nodeInfo", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "nodes"])).stdout);
    expect(table.headers).toEqual(["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    expect(rowNamed(table, "node-a")).toMatchObject({
      STATUS: "Ready,SchedulingDisabled",
      ROLES: "control-plane",
      VERSION: "v1.32.0",
    });
    expect(rowNamed(table, "node-b")).toMatchObject({ STATUS: "Unknown,SchedulingDisabled", ROLES: "<none>", VERSION: "" });
  });

  it("-o wide adds addresses, OS image, kernel and container runtime", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "nodes", "-o", "wide"])).stdout);
    expect(table.headers).toEqual([
      "NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME",
    ]);
    expect(rowNamed(table, "node-a")).toMatchObject({
      "INTERNAL-IP": "192.168.1.10",
      "EXTERNAL-IP": "<none>",
      "OS-IMAGE": "Debian GNU/Linux 12 (bookworm)",
      "KERNEL-VERSION": "6.1.0",
      "CONTAINER-RUNTIME": "docker://27.0.0",
    });
  });

  it("nodes are cluster-scoped: -n is ignored", async () => {
    const table = parseTable((await kubectlOk(cp, ["get", "no", "-n", NS])).stdout);
    expect(table.rows.map((r) => r.NAME)).toEqual(expect.arrayContaining(["node-a", "node-b"]));
  });
});

describe("kubectl api-resources", () => {
  it("lists the kinds with short names, API versions, scope and kind", async () => {
    const table = parseTable((await kubectlOk(cp, ["api-resources"])).stdout);
    expect(table.headers).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    const row = (name: string, apiVersion: string) => {
      const found = table.rows.find((r) => r.NAME === name && r.APIVERSION === apiVersion);
      if (!found) throw new Error(`no ${name} ${apiVersion} in api-resources:\n${JSON.stringify(table.rows, null, 1)}`);
      return found;
    };
    const expected: [string, string, string, string, string][] = [
      ["pods", "po", "v1", "true", "Pod"],
      ["services", "svc", "v1", "true", "Service"],
      ["configmaps", "cm", "v1", "true", "ConfigMap"],
      ["namespaces", "ns", "v1", "false", "Namespace"],
      ["nodes", "no", "v1", "false", "Node"],
      ["endpoints", "ep", "v1", "true", "Endpoints"],
      ["events", "ev", "v1", "true", "Event"],
      ["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
      ["secrets", "", "v1", "true", "Secret"],
      ["deployments", "deploy", "apps/v1", "true", "Deployment"],
      ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
      ["statefulsets", "sts", "apps/v1", "true", "StatefulSet"],
      ["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
      ["controllerrevisions", "", "apps/v1", "true", "ControllerRevision"],
      ["jobs", "", "batch/v1", "true", "Job"],
      ["cronjobs", "cj", "batch/v1", "true", "CronJob"],
      ["leases", "", "coordination.k8s.io/v1", "true", "Lease"],
    ];
    for (const [name, shortNames, apiVersion, namespaced, kind] of expected) {
      expect(row(name, apiVersion), `${name} ${apiVersion}`).toEqual({
        NAME: name,
        SHORTNAMES: shortNames,
        APIVERSION: apiVersion,
        NAMESPACED: namespaced,
        KIND: kind,
      });
    }
    // Subresources are not resources of their own.
    expect(table.rows.filter((r) => r.NAME.includes("/"))).toEqual([]);
  });

  it("resolves short names and the `all` category", async () => {
    for (const shortName of ["po", "svc", "deploy", "rs", "cm", "ns", "no", "sts", "ds", "cj", "ev", "sa", "ep"]) {
      await kubectlOk(cp, ["get", shortName, "-n", NS]);
    }
    const { stdout } = await kubectlOk(cp, ["get", "all", "-n", NS]);
    expect(stdout).toMatch(/^pod\/web\s+0\/1\s+Pending\s/m);
  });
});
