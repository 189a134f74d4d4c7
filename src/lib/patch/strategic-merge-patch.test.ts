import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import type { JsonObject } from "./json-value.js";
import { applyStrategicMergePatch, type KindRef } from "./strategic-merge-patch.js";

const DEPLOYMENT: KindRef = { apiVersion: "apps/v1", kind: "Deployment" };
const POD: KindRef = { apiVersion: "v1", kind: "Pod" };
const SERVICE: KindRef = { apiVersion: "v1", kind: "Service" };

/** A Deployment whose pod template holds `podSpec`. */
function deploy(podSpec: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { replicas: 1, template: { metadata: { labels: { app: "web" } }, spec: podSpec }, ...extra },
  };
}
/** The patch body that reaches a Deployment's pod spec. */
const podSpecPatch = (p: JsonObject) => ({ spec: { template: { spec: p } } });
const c = (name: string, more: JsonObject = {}) => ({ name, image: `${name}:1`, ...more });
const podSpecOf = (d: JsonObject) => ((d.spec as JsonObject).template as JsonObject).spec as JsonObject;

interface Case {
  name: string;
  kind?: KindRef;
  live: JsonObject;
  patch: unknown;
  want: JsonObject;
}

// Worked cases of kubernetes/community strategic-merge-patch.md (one per directive) and of the
// kubectl task "Update API Objects in Place Using kubectl patch", on real kinds.
const directiveCases: Case[] = [
  {
    name: "merge list by key: a new container goes before the server's (as the kubectl patch task shows)",
    live: deploy({ containers: [{ name: "patch-demo-ctr", image: "nginx" }] }),
    patch: podSpecPatch({ containers: [{ name: "patch-demo-ctr-2", image: "redis" }] }),
    want: deploy({
      containers: [
        { name: "patch-demo-ctr-2", image: "redis" },
        { name: "patch-demo-ctr", image: "nginx" },
      ],
    }),
  },
  {
    name: "merge list by key: a named container is merged in place",
    live: deploy({ containers: [c("a"), c("b", { args: ["x"] })] }),
    patch: podSpecPatch({ containers: [{ name: "b", image: "b:2" }] }),
    want: deploy({ containers: [c("a"), { name: "b", image: "b:2", args: ["x"] }] }),
  },
  {
    name: "$patch: replace in a map takes the map literally",
    live: deploy({ containers: [c("a")], dnsPolicy: "ClusterFirst", hostNetwork: true }),
    patch: podSpecPatch({ $patch: "replace", containers: [{ name: "nginx", image: "nginx-1.0" }] }),
    want: deploy({ containers: [{ name: "nginx", image: "nginx-1.0" }] }),
  },
  {
    name: "$patch: replace as a list element replaces the list",
    live: deploy({ containers: [c("a"), c("b")] }),
    patch: podSpecPatch({ containers: [{ name: "nginx", image: "nginx-1.0" }, { $patch: "replace" }] }),
    want: deploy({ containers: [{ name: "nginx", image: "nginx-1.0" }] }),
  },
  {
    name: "$patch: replace alone empties a merging list",
    live: deploy({ containers: [c("a")], volumes: [{ name: "v", emptyDir: {} }] }),
    patch: podSpecPatch({ volumes: [{ $patch: "replace" }] }),
    want: deploy({ containers: [c("a")], volumes: [] }),
  },
  {
    name: "$patch: delete as a list element deletes by merge key",
    live: deploy({ containers: [c("nginx"), c("log-tailer")] }),
    patch: podSpecPatch({ containers: [{ name: "nginx", image: "nginx-1.0" }, { $patch: "delete", name: "log-tailer" }] }),
    want: deploy({ containers: [{ name: "nginx", image: "nginx-1.0" }] }),
  },
  {
    name: "$patch: delete removes every entry with that key",
    live: deploy({ containers: [c("a", { env: [{ name: "X", value: "1" }, { name: "Y" }, { name: "X", value: "2" }] })] }),
    patch: podSpecPatch({ containers: [{ name: "a", env: [{ name: "X", $patch: "delete" }] }] }),
    want: deploy({ containers: [c("a", { env: [{ name: "Y" }] })] }),
  },
  {
    name: "$patch: delete in a map empties it",
    kind: DEPLOYMENT,
    live: deploy({ containers: [c("a")] }, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } }),
    patch: { spec: { strategy: { rollingUpdate: { $patch: "delete" } } } },
    want: deploy({ containers: [c("a")] }, { strategy: { type: "RollingUpdate", rollingUpdate: {} } }),
  },
  {
    name: "null deletes a field",
    live: deploy({ containers: [c("a")] }, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } }),
    patch: { spec: { strategy: { rollingUpdate: null } }, metadata: { labels: null } },
    want: deploy({ containers: [c("a")] }, { strategy: { type: "RollingUpdate" } }),
  },
  {
    name: "$deleteFromPrimitiveList removes values from a set (finalizers)",
    kind: POD,
    live: { metadata: { name: "p", finalizers: ["a", "b", "c"] } },
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["b", "c"] } },
    want: { metadata: { name: "p", finalizers: ["a"] } },
  },
  {
    name: "$deleteFromPrimitiveList works on a list without merge strategy, and ignores absent lists",
    live: deploy({ containers: [c("a", { args: ["1", "2", "3"] })] }),
    patch: podSpecPatch({ containers: [{ name: "a", "$deleteFromPrimitiveList/args": ["2"], "$deleteFromPrimitiveList/command": ["x"] }] }),
    want: deploy({ containers: [c("a", { args: ["1", "3"] })] }),
  },
  {
    name: "a primitive list with merge strategy merges as a set",
    kind: POD,
    live: { metadata: { name: "p", finalizers: ["a", "b"] } },
    patch: { metadata: { finalizers: ["b", "c"] } },
    want: { metadata: { name: "p", finalizers: ["a", "b", "c"] } },
  },
  {
    name: "$setElementOrder orders a primitive list",
    kind: POD,
    live: { metadata: { name: "p", finalizers: ["a", "b", "c"] } },
    patch: { metadata: { "$setElementOrder/finalizers": ["b", "c", "a"] } },
    want: { metadata: { name: "p", finalizers: ["b", "c", "a"] } },
  },
  {
    name: "$setElementOrder orders a list of maps by merge key",
    live: deploy({ containers: [c("a"), c("b"), c("c")] }),
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "b" }, { name: "c" }, { name: "a" }] }),
    want: deploy({ containers: [c("b"), c("c"), c("a")] }),
  },
  {
    name: "$setElementOrder keeps server-only items next to their neighbours",
    live: deploy({ containers: [c("1"), c("2"), c("9"), c("3"), c("4")] }),
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "2" }, { name: "1" }, { name: "4" }, { name: "3" }] }),
    want: deploy({ containers: [c("2"), c("1"), c("9"), c("4"), c("3")] }),
  },
  {
    name: "$setElementOrder places a new item where it says",
    live: deploy({ containers: [c("1"), c("2")] }),
    patch: podSpecPatch({
      "$setElementOrder/containers": [{ name: "3" }, { name: "1" }, { name: "2" }],
      containers: [c("3")],
    }),
    want: deploy({ containers: [c("3"), c("1"), c("2")] }),
  },
  {
    name: "$setElementOrder naming an item the list lacks is harmless",
    live: deploy({ containers: [c("1"), c("3")] }),
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "3" }, { name: "2" }, { name: "1" }] }),
    want: deploy({ containers: [c("3"), c("1")] }),
  },
  {
    name: "without $setElementOrder the patch's order wins for the items it names",
    live: deploy({ containers: [c("a", { env: [{ name: "1" }, { name: "2", value: "b" }, { name: "3" }] })] }),
    patch: podSpecPatch({ containers: [{ name: "a", env: [{ name: "3", value: "c" }, { name: "1", value: "a" }] }] }),
    want: deploy({ containers: [c("a", { env: [{ name: "2", value: "b" }, { name: "3", value: "c" }, { name: "1", value: "a" }] })] }),
  },
  {
    name: "$retainKeys clears the fields it does not list (Deployment strategy to Recreate)",
    live: deploy({ containers: [c("a")] }, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } } }),
    patch: { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: null, type: "Recreate" } } },
    want: deploy({ containers: [c("a")] }, { strategy: { type: "Recreate" } }),
  },
  {
    name: "$retainKeys on a volume switches its source",
    live: deploy({ containers: [c("a")], volumes: [{ name: "v", emptyDir: {} }, { name: "w", emptyDir: {} }] }),
    patch: podSpecPatch({ volumes: [{ name: "v", $retainKeys: ["configMap", "name"], configMap: { name: "cm" } }] }),
    want: deploy({ containers: [c("a")], volumes: [{ name: "v", configMap: { name: "cm" } }, { name: "w", emptyDir: {} }] }),
  },
  {
    name: "lists without strategy are replaced whole (args, command, tolerations)",
    live: deploy({ containers: [c("a", { args: ["1", "2"], command: ["sh"] })], tolerations: [{ key: "k", operator: "Exists" }] }),
    patch: podSpecPatch({ containers: [{ name: "a", args: ["3"] }], tolerations: [{ key: "z", operator: "Exists" }] }),
    want: deploy({ containers: [c("a", { args: ["3"], command: ["sh"] })], tolerations: [{ key: "z", operator: "Exists" }] }),
  },
  {
    name: "container ports merge by containerPort, volumeMounts by mountPath",
    live: deploy({ containers: [c("a", { ports: [{ containerPort: 80, name: "http" }], volumeMounts: [{ name: "v", mountPath: "/a" }] })] }),
    patch: podSpecPatch({ containers: [{ name: "a", ports: [{ containerPort: 80, name: "web" }, { containerPort: 443 }], volumeMounts: [{ mountPath: "/a", readOnly: true }] }] }),
    want: deploy({
      containers: [
        c("a", {
          ports: [{ containerPort: 80, name: "web" }, { containerPort: 443 }],
          volumeMounts: [{ name: "v", mountPath: "/a", readOnly: true }],
        }),
      ],
    }),
  },
  {
    name: "Service ports merge by port",
    kind: SERVICE,
    live: { metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: { metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  {
    name: "ownerReferences merge by uid, status conditions by type",
    kind: POD,
    live: {
      metadata: { name: "p", ownerReferences: [{ uid: "1", name: "rs" }] },
      status: { conditions: [{ type: "Ready", status: "False" }, { type: "PodScheduled", status: "True" }] },
    },
    patch: {
      metadata: { ownerReferences: [{ uid: "2", name: "other" }] },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    },
    want: {
      metadata: { name: "p", ownerReferences: [{ uid: "2", name: "other" }, { uid: "1", name: "rs" }] },
      status: { conditions: [{ type: "Ready", status: "True" }, { type: "PodScheduled", status: "True" }] },
    },
  },
  {
    name: "a value of another kind replaces, a new map drops its nulls and directives",
    live: deploy({ containers: [c("a")] }, { paused: "yes" }),
    patch: { spec: { paused: false, strategy: { type: "Recreate", rollingUpdate: null } } },
    want: deploy({ containers: [c("a")] }, { paused: false, strategy: { type: "Recreate" } }),
  },
];

// Patches as kubectl 1.32 sends them: `apply`'s three-way patches (with the last-applied
// annotation update left out), `patch`'s and `edit`'s two-way patches.
const kubectlCases: Case[] = [
  {
    name: "apply: one env var removed from the manifest",
    live: deploy({ containers: [c("app", { env: [{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "C", value: "3" }] })] }),
    patch: podSpecPatch({
      "$setElementOrder/containers": [{ name: "app" }],
      containers: [{ "$setElementOrder/env": [{ name: "A" }, { name: "C" }], env: [{ $patch: "delete", name: "B" }], name: "app" }],
    }),
    want: deploy({ containers: [c("app", { env: [{ name: "A", value: "1" }, { name: "C", value: "3" }] })] }),
  },
  {
    name: "apply: containers reordered in the manifest",
    live: deploy({ containers: [c("a"), c("b")] }),
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] }),
    want: deploy({ containers: [c("b"), c("a")] }),
  },
  {
    name: "apply: a container removed from the manifest",
    live: deploy({ containers: [c("a"), c("b")] }),
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "a" }], containers: [{ $patch: "delete", name: "b" }] }),
    want: deploy({ containers: [c("a")] }),
  },
  {
    name: "apply: an image change leaves a label that `kubectl label` added",
    live: { ...deploy({ containers: [c("a")] }), metadata: { name: "web", labels: { app: "web", team: "x" } } },
    patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "a" }], containers: [{ image: "a:2", name: "a" }] }),
    want: { ...deploy({ containers: [{ name: "a", image: "a:2" }] }), metadata: { name: "web", labels: { app: "web", team: "x" } } },
  },
  {
    name: "apply: a finalizer removed from the manifest",
    kind: POD,
    live: { metadata: { name: "p", finalizers: ["a", "b", "c"] } },
    patch: { metadata: { "$setElementOrder/finalizers": ["a", "c"], "$deleteFromPrimitiveList/finalizers": ["b"] } },
    want: { metadata: { name: "p", finalizers: ["a", "c"] } },
  },
  {
    name: "patch: one container's image changed by name",
    live: deploy({ containers: [c("a"), c("b")] }),
    patch: podSpecPatch({ containers: [{ name: "b", image: "b:2" }] }),
    want: deploy({ containers: [c("a"), { name: "b", image: "b:2" }] }),
  },
  {
    name: "edit: replicas changed",
    live: deploy({ containers: [c("a")] }),
    patch: { spec: { replicas: 3 } },
    want: { ...deploy({ containers: [c("a")] }), spec: { ...(deploy({ containers: [c("a")] }).spec as JsonObject), replicas: 3 } },
  },
];

describe("strategic merge patch", () => {
  it.each([...directiveCases, ...kubectlCases])("$name", ({ kind, live, patch, want }) => {
    const before = structuredClone(live);
    expect(applyStrategicMergePatch(live, patch, kind ?? DEPLOYMENT)).toEqual(want);
    expect(live).toEqual(before);
  });

  it("accepts the patch as JSON text", () => {
    const out = applyStrategicMergePatch(deploy({ containers: [c("a")] }), '{"spec":{"replicas":2}}', DEPLOYMENT);
    expect((out.spec as JsonObject).replicas).toBe(2);
  });

  it("merges lists as plain replacements for kinds without metadata", () => {
    const out = applyStrategicMergePatch({ spec: { items: [1, 2] } }, { spec: { items: [3] } }, { apiVersion: "x/v1", kind: "Thing" });
    expect(out).toEqual({ spec: { items: [3] } });
  });

  it("keeps every other container untouched when one is patched", () => {
    const live = deploy({ containers: [c("a", { env: [{ name: "E" }] }), c("b")] });
    const out = applyStrategicMergePatch(live, podSpecPatch({ containers: [{ name: "b", image: "b:2" }] }), DEPLOYMENT);
    expect(podSpecOf(out).containers).toEqual([c("a", { env: [{ name: "E" }] }), { name: "b", image: "b:2" }]);
  });
});

interface ErrorCase {
  name: string;
  patch: unknown;
  code: number;
  message: string | RegExp;
}

const errorCases: ErrorCase[] = [
  { name: "a patch that is not an object", patch: [1], code: 400, message: "json: cannot unmarshal []interface {} into Go value of type map[string]interface {}" },
  { name: "JSON text that does not parse", patch: "{", code: 400, message: /^error decoding patch/ },
  { name: "a merging-list element without its merge key", patch: podSpecPatch({ containers: [{ image: "x" }] }), code: 400, message: /does not contain declared merge key: name/ },
  { name: "$setElementOrder out of step with the patch list", patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "a" }, { name: "b" }], containers: [c("b"), c("a")] }), code: 400, message: /doesn't match \$setElementOrder list/ },
  { name: "$setElementOrder that is not a list", patch: podSpecPatch({ "$setElementOrder/containers": { name: "a" } }), code: 400, message: "invalid patch format of setElementOrder list" },
  { name: "$retainKeys that is not a list", patch: { spec: { strategy: { $retainKeys: "type" } } }, code: 400, message: "invalid patch format of retainKeys" },
  { name: "a field $retainKeys does not retain", patch: { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } }, code: 400, message: "invalid patch format of retainKeys" },
  { name: "$deleteFromPrimitiveList that is not a list", patch: { metadata: { "$deleteFromPrimitiveList/finalizers": "a" } }, code: 400, message: "invalid patch format of primitive list" },
  { name: "an unknown $patch in a map", patch: { spec: { strategy: { $patch: "bogus" } } }, code: 400, message: /^unknown patch type: bogus in map/ },
  { name: "$patch: merge as a list element", patch: podSpecPatch({ containers: [{ $patch: "merge" }] }), code: 400, message: "merging lists cannot yet be specified in the patch" },
  { name: "a list of lists", patch: { metadata: { finalizers: [["a"]] } }, code: 422, message: "the server rejected our request due to an error in our request" },
];

describe("strategic merge patch errors", () => {
  it.each(errorCases)("$name → $code", ({ patch, code, message }) => {
    const live = deploy({ containers: [c("a"), c("b")] }, { strategy: { type: "RollingUpdate" } });
    (live.metadata as JsonObject).finalizers = ["x"];
    let thrown: unknown;
    try {
      applyStrategicMergePatch(live, patch, DEPLOYMENT);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).code).toBe(code);
    if (typeof message === "string") expect((thrown as ApiError).message).toBe(message);
    else expect((thrown as ApiError).message).toMatch(message);
  });
});
