import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet, Deployment, KubeObject, ReplicaSet, StatefulSet } from "../lib/types.js";
import { controllerRevisionDef } from "./controllerrevision.js";
import { daemonSetDef, TEMPLATE_GENERATION_ANNOTATION } from "./daemonset.js";
import { deploymentDef } from "./deployment.js";
import { replicaSetDef } from "./replicaset.js";
import { statefulSetDef } from "./statefulset.js";
import type { ResourceDef } from "./types.js";

const now = new Date("2024-05-01T12:00:00Z");
const ctx = { now };

const template = (labels: Record<string, string> = { app: "web" }) => ({
  metadata: { labels },
  spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
});

function workload<T extends KubeObject>(kind: string, apiVersion: string, spec: object): T {
  return {
    apiVersion,
    kind,
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
    spec: { selector: { matchLabels: { app: "web" } }, template: template(), ...spec },
  } as unknown as T;
}

function admitted<T extends KubeObject>(def: ResourceDef<T>, obj: T): T {
  def.defaults(obj, ctx);
  def.prepareForCreate?.(obj, ctx);
  return obj;
}

const messages = <T extends KubeObject>(def: ResourceDef<T>, obj: T) =>
  def.validate(admitted(def, obj)).map((e) => `${e.field}: ${e.message}`);

describe("workload defaults", () => {
  it("Deployment", () => {
    const d = admitted(deploymentDef, workload<Deployment>("Deployment", "apps/v1", {}));
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const recreate = admitted(deploymentDef, workload<Deployment>("Deployment", "apps/v1", { strategy: { type: "Recreate" } }));
    expect(recreate.spec?.strategy).toEqual({ type: "Recreate" });
  });

  it("ReplicaSet", () => {
    const rs = admitted(replicaSetDef, workload<ReplicaSet>("ReplicaSet", "apps/v1", {}));
    expect(rs.spec?.replicas).toBe(1);
    expect(rs.status).toEqual({ replicas: 0 });
  });

  it("StatefulSet", () => {
    const sts = admitted(statefulSetDef, workload<StatefulSet>("StatefulSet", "apps/v1", { serviceName: "web" }));
    expect(sts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    });
    expect(sts.status).toEqual({ replicas: 0, availableReplicas: 0 });
  });

  it("DaemonSet", () => {
    const ds = admitted(daemonSetDef, workload<DaemonSet>("DaemonSet", "apps/v1", {}));
    expect(ds.spec?.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec?.revisionHistoryLimit).toBe(10);
    expect(ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]).toBe("1");
  });

  it("are idempotent", () => {
    const d = admitted(deploymentDef, workload<Deployment>("Deployment", "apps/v1", {}));
    const again = structuredClone(d);
    deploymentDef.defaults(again, ctx);
    expect(again).toEqual(d);
  });
});

describe("workload validation", () => {
  it.each<[string, object, string[]]>([
    ["a valid Deployment", {}, []],
    ["no selector", { selector: undefined }, ["spec.selector: Required value"]],
    ["an empty selector", { selector: {} }, ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]],
    [
      "a selector that misses the template",
      { selector: { matchLabels: { app: "api" } } },
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      "a template that does not restart",
      { template: { ...template(), spec: { ...template().spec, restartPolicy: "Never" } } },
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    ["negative replicas", { replicas: -1 }, ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    [
      "zero surge and unavailability",
      { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
      ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"],
    ],
    [
      "a container without an image",
      { template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web" }] } } },
      ["spec.template.spec.containers[0].image: Required value"],
    ],
    [
      "a deadline not past minReadySeconds",
      { minReadySeconds: 30, progressDeadlineSeconds: 30 },
      ["spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"],
    ],
  ])("Deployment with %s", (_, spec, want) => {
    expect(messages(deploymentDef, workload<Deployment>("Deployment", "apps/v1", spec))).toEqual(want);
  });

  it("words each kind's empty-selector message", () => {
    expect(messages(statefulSetDef, workload<StatefulSet>("StatefulSet", "apps/v1", { selector: {} }))).toContain(
      "spec.selector: Invalid value: {}: empty selector is invalid for statefulset",
    );
    expect(messages(daemonSetDef, workload<DaemonSet>("DaemonSet", "apps/v1", { selector: {} }))).toContain(
      "spec.selector: Invalid value: {}: empty selector is invalid for daemonset",
    );
  });

  it("keeps selectors immutable", () => {
    for (const [def, kind] of [
      [deploymentDef, "Deployment"],
      [replicaSetDef, "ReplicaSet"],
      [daemonSetDef, "DaemonSet"],
    ] as const) {
      const old = admitted(def as ResourceDef, workload(kind, "apps/v1", {}));
      const next = structuredClone(old) as KubeObject & { spec: { selector: object; template: { metadata: object } } };
      next.spec.selector = { matchLabels: { app: "web", tier: "x" } };
      next.spec.template.metadata = { labels: { app: "web", tier: "x" } };
      expect((def as ResourceDef).validateUpdate!(next, old).map((e) => e.field)).toEqual(["spec.selector"]);
    }
  });

  it("lets a StatefulSet change only replicas, template, updateStrategy and a few more", () => {
    const old = admitted(statefulSetDef, workload<StatefulSet>("StatefulSet", "apps/v1", { serviceName: "web" }));
    const scaled = structuredClone(old);
    scaled.spec!.replicas = 3;
    scaled.spec!.template.spec!.containers[0].image = "nginx:1.28";
    expect(statefulSetDef.validateUpdate!(scaled, old)).toEqual([]);
    const renamed = structuredClone(old);
    renamed.spec!.serviceName = "other";
    expect(statefulSetDef.validateUpdate!(renamed, old).map((e) => e.message)).toEqual([
      "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it("checks a DaemonSet's rolling update", () => {
    const ds = workload<DaemonSet>("DaemonSet", "apps/v1", { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } });
    expect(messages(daemonSetDef, ds)).toEqual([
      "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero",
    ]);
  });

  it("counts a DaemonSet's template generations", () => {
    const old = admitted(daemonSetDef, workload<DaemonSet>("DaemonSet", "apps/v1", {}));
    const next = structuredClone(old);
    next.spec!.template.spec!.containers[0].image = "nginx:1.28";
    daemonSetDef.prepareForUpdate!(next, old, ctx);
    expect(next.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]).toBe("2");
    const same = structuredClone(next);
    daemonSetDef.prepareForUpdate!(same, next, ctx);
    expect(same.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]).toBe("2");
  });
});

describe("scale", () => {
  it("maps /scale to spec.replicas, status.replicas and the selector string", () => {
    const d = admitted(deploymentDef, workload<Deployment>("Deployment", "apps/v1", { replicas: 2 }));
    d.status = { replicas: 2 };
    const scale = deploymentDef.scale!;
    expect(scale.specReplicas(d)).toBe(2);
    expect(scale.statusReplicas(d)).toBe(2);
    expect(scale.selector(d)).toBe("app=web");
    scale.setSpecReplicas(d, 5);
    expect(d.spec?.replicas).toBe(5);
    d.spec!.selector = { matchLabels: { tier: "front", app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }] };
    expect(scale.selector(d)).toBe("app=web,env in (dev,prod),tier=front");
    expect(replicaSetDef.scale).toBeDefined();
    expect(statefulSetDef.scale).toBeDefined();
    expect(daemonSetDef.scale).toBeUndefined();
  });
});

describe("workload tables", () => {
  it("Deployment", () => {
    const d = admitted(deploymentDef, workload<Deployment>("Deployment", "apps/v1", { replicas: 3 }));
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    expect(deploymentDef.table.columns.map((c) => c.name)).toEqual(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
    expect(deploymentDef.table.cells(d, now)).toEqual(["web", "2/3", 3, 2, "60m", "web", "nginx:1.27", "app=web"]);
  });

  it("ReplicaSet", () => {
    const rs = admitted(replicaSetDef, workload<ReplicaSet>("ReplicaSet", "apps/v1", { replicas: 3 }));
    rs.status = { replicas: 3, readyReplicas: 1 };
    expect(replicaSetDef.table.columns.map((c) => c.name)).toEqual(["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"]);
    expect(replicaSetDef.table.cells(rs, now)).toEqual(["web", 3, 3, 1, "60m", "web", "nginx:1.27", "app=web"]);
  });

  it("StatefulSet", () => {
    const sts = admitted(statefulSetDef, workload<StatefulSet>("StatefulSet", "apps/v1", { replicas: 2 }));
    expect(statefulSetDef.table.columns.map((c) => c.name)).toEqual(["Name", "Ready", "Age", "Containers", "Images"]);
    expect(statefulSetDef.table.cells(sts, now)).toEqual(["web", "0/2", "60m", "web", "nginx:1.27"]);
  });

  it("DaemonSet", () => {
    const ds = workload<DaemonSet>("DaemonSet", "apps/v1", {});
    ds.spec!.template.spec!.nodeSelector = { "kubernetes.io/os": "linux" };
    ds.status = { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 };
    expect(daemonSetDef.table.columns.map((c) => c.name)).toEqual([
      "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector",
    ]);
    expect(daemonSetDef.table.cells(ds, now)).toEqual(["web", 2, 2, 1, 2, 1, "kubernetes.io/os=linux", "60m", "web", "nginx:1.27", "app=web"]);
  });

  it("ControllerRevision", () => {
    const cr: ControllerRevision = {
      metadata: {
        name: "web-7d4b9c",
        namespace: "default",
        creationTimestamp: "2024-05-01T11:59:30Z",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u", controller: true }],
      },
      revision: 2,
      data: {},
    };
    expect(controllerRevisionDef.validate(cr)).toEqual([]);
    expect(controllerRevisionDef.table.cells(cr, now)).toEqual(["web-7d4b9c", "statefulset.apps/web", 2, "30s"]);
    const changed = { ...cr, data: { spec: { replicas: 1 } } };
    expect(controllerRevisionDef.validateUpdate!(changed, cr).map((e) => e.field)).toEqual(["data"]);
  });
});
