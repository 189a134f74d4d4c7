import { describe, expect, it } from "vitest";
import type { ConfigMap, Endpoints, Event, Lease, Namespace, Node, Secret, ServiceAccount } from "../lib/types.js";
import { configMapDef } from "./configmap.js";
import { endpointsDef, formatEndpoints } from "./endpoints.js";
import { eventDef } from "./event.js";
import { leaseDef } from "./lease.js";
import { namespaceDef } from "./namespace.js";
import { nodeDef } from "./node.js";
import { secretDef } from "./secret.js";
import { serviceAccountDef } from "./serviceaccount.js";

const now = new Date("2024-05-01T12:00:00Z");
const ctx = { now };
const created = "2024-05-01T11:00:00Z";
const fields = (errs: Array<{ field: string; message: string }>) => errs.map((e) => `${e.field}: ${e.message}`);

describe("Namespace", () => {
  const ns = (name: string): Namespace => ({ metadata: { name, creationTimestamp: created } });
  it("gets its name label, the kubernetes finalizer and phase Active", () => {
    const n = ns("team-a");
    namespaceDef.defaults(n, ctx);
    namespaceDef.prepareForCreate!(n, ctx);
    expect(n.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
    expect(n.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(n.status).toEqual({ phase: "Active" });
    expect(namespaceDef.validate(n)).toEqual([]);
    expect(namespaceDef.table.cells(n, now)).toEqual(["team-a", "Active", "60m"]);
  });

  it("names namespaces as DNS labels", () => {
    expect(fields(namespaceDef.validate(ns("team.a")))).toEqual(['metadata.name: Invalid value: "team.a": must not contain dots']);
  });

  it("is deleted through its finalizers, never for the system namespaces", () => {
    const deletion = namespaceDef.deletion!;
    expect(deletion.forbidden!(ns("default"))).toBe("this namespace may not be deleted");
    expect(deletion.forbidden!(ns("kube-node-lease"))).toBeUndefined();
    const n = ns("team-a");
    namespaceDef.prepareForCreate!(n, ctx);
    expect(deletion.pendingFinalizers!(n)).toEqual(["kubernetes"]);
    deletion.prepareForDelete!(n, ctx);
    expect(n.status?.phase).toBe("Terminating");
  });

  it("keeps spec.finalizers on update and checks the phase on status updates", () => {
    const old = ns("a");
    namespaceDef.prepareForCreate!(old, ctx);
    const next = ns("a");
    next.spec = { finalizers: [] };
    namespaceDef.prepareForUpdate!(next, old, ctx);
    expect(next.spec.finalizers).toEqual(["kubernetes"]);
    next.status = { phase: "Terminating" };
    expect(fields(namespaceDef.validateStatusUpdate!(next, old))).toEqual([
      "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
    ]);
  });
});

describe("Node", () => {
  const node = (): Node => ({
    metadata: { name: "nuc", creationTimestamp: created, labels: { "node-role.kubernetes.io/control-plane": "" } },
    spec: { podCIDR: "10.244.1.0/24" },
    status: {
      capacity: { cpu: "4", memory: "8Gi" },
      conditions: [{ type: "Ready", status: "True" }],
      addresses: [{ type: "InternalIP", address: "192.168.1.10" }],
      nodeInfo: {
        kubeletVersion: "v1.32.0-skiff",
        osImage: "Debian GNU/Linux 12",
        kernelVersion: "6.1.0",
        containerRuntimeVersion: "docker://27.0.0",
        architecture: "amd64",
        bootID: "",
        kubeProxyVersion: "",
        machineID: "",
        operatingSystem: "linux",
        systemUUID: "",
      },
    },
  });

  it("mirrors podCIDR and defaults allocatable", () => {
    const n = node();
    nodeDef.defaults(n, ctx);
    expect(n.spec?.podCIDRs).toEqual(["10.244.1.0/24"]);
    expect(n.status?.allocatable).toEqual({ cpu: "4", memory: "8Gi" });
    expect(nodeDef.validate(n)).toEqual([]);
  });

  it("shows status, roles and wide columns", () => {
    const n = node();
    expect(nodeDef.table.cells(n, now)).toEqual([
      "nuc", "Ready", "control-plane", "60m", "v1.32.0-skiff", "192.168.1.10", "<none>", "Debian GNU/Linux 12", "6.1.0", "docker://27.0.0",
    ]);
    n.spec!.unschedulable = true;
    n.status!.conditions = [{ type: "Ready", status: "Unknown" }];
    expect(nodeDef.table.cells(n, now)[1]).toBe("NotReady,SchedulingDisabled");
    n.status!.conditions = [];
    expect(nodeDef.table.cells(n, now)[1]).toBe("Unknown,SchedulingDisabled");
  });

  it("validates taints and keeps podCIDRs once set", () => {
    const n = node();
    nodeDef.defaults(n, ctx);
    n.spec!.taints = [
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      { key: "dedicated", value: "other", effect: "NoSchedule" },
      { key: "x", effect: "Sometimes" },
    ];
    expect(fields(nodeDef.validate(n)).map((s) => s.split(":")[0])).toEqual(["spec.taints[1]", "spec.taints[2].effect"]);
    const old = node();
    nodeDef.defaults(old, ctx);
    const moved = structuredClone(old);
    moved.spec!.podCIDRs = ["10.244.2.0/24"];
    expect(fields(nodeDef.validateUpdate!(moved, old))).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
  });
});

describe("Secret", () => {
  const secret = (extra: Partial<Secret>): Secret => ({ metadata: { name: "db", namespace: "default", creationTimestamp: created }, ...extra });
  it("defaults the type and folds stringData into data", () => {
    const s = secret({ data: { user: "YWRtaW4=" }, stringData: { password: "s3cr3t", user: "root" } });
    secretDef.defaults(s, ctx);
    expect(s).toMatchObject({ type: "Opaque", data: { user: "cm9vdA==", password: "czNjcjN0" } });
    expect(s.stringData).toBeUndefined();
    expect(secretDef.validate(s)).toEqual([]);
    expect(secretDef.table.cells(s, now)).toEqual(["db", "Opaque", 2, "60m"]);
  });

  it("checks keys, encoding and required keys per type", () => {
    const s = secret({ type: "kubernetes.io/tls", data: { "bad key": "eA==", "tls.crt": "not base64!" } });
    expect(fields(secretDef.validate(s)).map((f) => f.split(": ")[0])).toEqual(["data[bad key]", "data[tls.crt]", "data[tls.key]"]);
  });

  it("keeps type and immutable data", () => {
    const old = secret({ type: "Opaque", immutable: true, data: { a: "YQ==" } });
    const next = secret({ type: "kubernetes.io/basic-auth", immutable: true, data: { a: "Yg==", username: "dQ==" } });
    expect(fields(secretDef.validateUpdate!(next, old))).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
  });
});

describe("ConfigMap", () => {
  const cm = (extra: Partial<ConfigMap>): ConfigMap => ({ metadata: { name: "cfg", namespace: "default", creationTimestamp: created }, ...extra });
  it("validates keys and counts data and binaryData", () => {
    const c = cm({ data: { "app.properties": "x=1" }, binaryData: { "logo.png": "iVBORw0KGgo=" } });
    expect(configMapDef.validate(c)).toEqual([]);
    expect(configMapDef.table.cells(c, now)).toEqual(["cfg", 2, "60m"]);
    expect(fields(configMapDef.validate(cm({ data: { "a/b": "x" } })))[0]).toMatch(/^data\[a\/b\]: Invalid value: "a\/b": a valid config key/);
  });

  it("freezes immutable ConfigMaps", () => {
    const old = cm({ immutable: true, data: { a: "1" } });
    expect(fields(configMapDef.validateUpdate!(cm({ data: { a: "1" } }), old))).toEqual([
      "immutable: Forbidden: field is immutable when `immutable` is set",
    ]);
  });
});

describe("Endpoints", () => {
  const ep = (subsets: Endpoints["subsets"]): Endpoints => ({ metadata: { name: "web", namespace: "default", creationTimestamp: created }, subsets });
  it.each<[Endpoints["subsets"], string]>([
    [undefined, "<none>"],
    [[{ addresses: [{ ip: "10.244.1.5" }], ports: [{ port: 5000 }] }], "10.244.1.5:5000"],
    [[{ addresses: [{ ip: "10.244.1.5" }, { ip: "10.244.2.7" }] }], "10.244.1.5,10.244.2.7"],
    [
      [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "10.0.0.3" }, { ip: "10.0.0.4" }], ports: [{ port: 80 }, { port: 443 }] }],
      "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...",
    ],
    [[{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 80 }] }], "[fd00::1]:80"],
  ])("formats %j as %s", (subsets, want) => {
    expect(formatEndpoints(ep(subsets))).toBe(want);
  });

  it("defaults and validates ports and addresses", () => {
    const e = ep([{ addresses: [{ ip: "10.244.1.5" }], ports: [{ port: 5000 }] }]);
    endpointsDef.defaults(e, ctx);
    expect(e.subsets?.[0].ports?.[0].protocol).toBe("TCP");
    expect(endpointsDef.validate(e)).toEqual([]);
    expect(fields(endpointsDef.validate(ep([{ addresses: [{ ip: "nope" }], ports: [{ port: 5000, protocol: "TCP" }] }])))).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });
});

describe("Event", () => {
  const event = (): Event => ({
    metadata: { name: "web.17c", namespace: "default", creationTimestamp: created },
    involvedObject: { kind: "Pod", name: "web", namespace: "default", fieldPath: "spec.containers{web}" },
    reason: "Pulled",
    message: "Container image \"nginx\" already present on machine ",
    type: "Normal",
    source: { component: "kubelet", host: "nuc" },
    firstTimestamp: "2024-05-01T11:50:00Z",
    lastTimestamp: "2024-05-01T11:58:00Z",
    count: 3,
  });

  it("validates the namespace agreement", () => {
    expect(eventDef.validate(event())).toEqual([]);
    const e = event();
    e.involvedObject.namespace = "other";
    expect(fields(eventDef.validate(e))).toEqual(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });

  it("prints Last Seen first and the name last, wide", () => {
    const def = eventDef.table;
    expect(def.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Last Seen", 0], ["Type", 0], ["Reason", 0], ["Object", 0], ["Subobject", 1], ["Source", 1], ["Message", 0], ["First Seen", 1], ["Count", 1], ["Name", 1],
    ]);
    expect(def.columns[9].format).toBe("name");
    expect(def.cells(event(), now)).toEqual([
      "2m", "Normal", "Pulled", "pod/web", "spec.containers{web}", "kubelet, nuc", 'Container image "nginx" already present on machine', "10m", 3, "web.17c",
    ]);
  });
});

describe("ServiceAccount and Lease", () => {
  it("ServiceAccount", () => {
    const sa: ServiceAccount = { metadata: { name: "default", namespace: "default", creationTimestamp: created } };
    expect(serviceAccountDef.validate(sa)).toEqual([]);
    expect(serviceAccountDef.table.cells(sa, now)).toEqual(["default", 0, "60m"]);
  });

  it("Lease", () => {
    const lease: Lease = {
      metadata: { name: "nuc", namespace: "kube-node-lease", creationTimestamp: created },
      spec: { holderIdentity: "nuc", leaseDurationSeconds: 40 },
    };
    expect(leaseDef.validate(lease)).toEqual([]);
    expect(leaseDef.table.cells(lease, now)).toEqual(["nuc", "nuc", "60m"]);
    lease.spec!.leaseDurationSeconds = 0;
    expect(fields(leaseDef.validate(lease))).toEqual(["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]);
  });
});
