import { describe, expect, it } from "vitest";
import { KIND_SCHEMA_TYPES, PATCH_META, patchMetaAt } from "./merge-keys.js";

const podSpec = ["spec", "template", "spec"];
const container = [...podSpec, "containers"];

// The fields issue 3 names, with Kubernetes' strategy and keys for each.
const table: [string, string, string[], Record<string, unknown> | undefined][] = [
  ["apps/v1", "Deployment", [...podSpec, "containers"], { patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] }],
  ["apps/v1", "Deployment", [...podSpec, "initContainers"], { patchStrategy: "merge", patchMergeKey: "name" }],
  ["v1", "Pod", ["spec", "ephemeralContainers"], { patchStrategy: "merge", patchMergeKey: "name" }],
  ["apps/v1", "Deployment", [...container, "env"], { patchStrategy: "merge", patchMergeKey: "name", listType: "map" }],
  ["apps/v1", "Deployment", [...container, "envFrom"], { listType: "atomic" }],
  ["apps/v1", "StatefulSet", [...podSpec, "imagePullSecrets"], { patchStrategy: "merge", patchMergeKey: "name" }],
  ["apps/v1", "DaemonSet", [...podSpec, "volumes"], { patchStrategy: "merge,retainKeys", patchMergeKey: "name" }],
  ["apps/v1", "Deployment", [...container, "ports"], { patchMergeKey: "containerPort", listMapKeys: ["containerPort", "protocol"], keyDefaults: { protocol: "TCP" } }],
  ["apps/v1", "ReplicaSet", [...container, "volumeMounts"], { patchMergeKey: "mountPath" }],
  ["batch/v1", "Job", [...container, "volumeDevices"], { patchMergeKey: "devicePath" }],
  ["v1", "Pod", ["spec", "hostAliases"], { patchMergeKey: "ip" }],
  ["v1", "Pod", ["spec", "topologySpreadConstraints"], { patchMergeKey: "topologyKey", listMapKeys: ["topologyKey", "whenUnsatisfiable"] }],
  ["v1", "Pod", ["status", "conditions"], { patchStrategy: "merge", patchMergeKey: "type" }],
  ["v1", "Node", ["status", "conditions"], { patchMergeKey: "type" }],
  ["apps/v1", "Deployment", ["status", "conditions"], { patchMergeKey: "type" }],
  ["v1", "Namespace", ["status", "conditions"], { patchMergeKey: "type" }],
  ["v1", "ConfigMap", ["metadata", "ownerReferences"], { patchStrategy: "merge", patchMergeKey: "uid" }],
  ["coordination.k8s.io/v1", "Lease", ["metadata", "finalizers"], { patchStrategy: "merge", listType: "set" }],
  ["v1", "Service", ["spec", "ports"], { patchMergeKey: "port", listMapKeys: ["port", "protocol"] }],
  ["apps/v1", "Deployment", ["spec", "strategy"], { patchStrategy: "retainKeys" }],
  ["v1", "Pod", ["spec", "tolerations"], { listType: "atomic" }],
  ["apps/v1", "Deployment", [...container, "args"], { listType: "atomic" }],
  ["apps/v1", "Deployment", [...container, "command"], { listType: "atomic" }],
  ["v1", "Node", ["spec", "taints"], { listType: "atomic" }],
  ["v1", "Endpoints", ["subsets"], { listType: "atomic" }],
  ["v1", "Pod", ["spec", "readinessGates"], { listType: "atomic" }],
  ["v1", "Pod", ["spec", "resourceClaims"], { patchStrategy: "merge,retainKeys", patchMergeKey: "name" }],
  ["v1", "Pod", ["spec", "schedulingGates"], { patchStrategy: "merge", patchMergeKey: "name" }],
  ["batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec", "containers"], { patchMergeKey: "name" }],
  ["apps/v1", "Deployment", ["spec", "replicas"], undefined],
  ["apps/v1", "Deployment", ["spec", "nothing", "here"], undefined],
];

describe("merge-key table", () => {
  it.each(table)("%s %s .%s", (apiVersion, kind, path, want) => {
    const meta = patchMetaAt(apiVersion, kind, path);
    if (want === undefined) expect(meta).toBeUndefined();
    else expect(meta).toMatchObject(want);
  });

  it("covers every kind served, and every type it names is in the table", () => {
    expect(Object.keys(KIND_SCHEMA_TYPES).sort()).toEqual(
      [
        "v1/Namespace", "v1/Node", "v1/Pod", "v1/Service", "v1/Endpoints", "v1/ConfigMap", "v1/Secret", "v1/Event",
        "v1/ServiceAccount", "v1/Binding", "apps/v1/ReplicaSet", "apps/v1/Deployment", "apps/v1/StatefulSet",
        "apps/v1/DaemonSet", "apps/v1/ControllerRevision", "batch/v1/Job", "batch/v1/CronJob", "coordination.k8s.io/v1/Lease",
      ].sort(),
    );
    const named = [
      ...Object.values(KIND_SCHEMA_TYPES),
      ...Object.values(PATCH_META).flatMap((t) => Object.values(t.fields ?? {}).flatMap((f) => (f.type ? [f.type] : []))),
    ];
    for (const type of named) expect(PATCH_META, type).toHaveProperty([type]);
  });
});
