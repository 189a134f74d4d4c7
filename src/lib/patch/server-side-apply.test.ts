import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { JsonObject } from "./json-value.js";
import { trackUpdate } from "./managed-fields.js";
import { applyMergePatch } from "./merge-patch.js";
import { serverSideApply, type ApplyOptions } from "./server-side-apply.js";

const T0 = new Date("2025-01-01T00:00:00.000Z");
const T1 = new Date("2025-01-01T00:01:00.000Z");
const T2 = new Date("2025-01-01T00:02:00.000Z");

const opts = (over: Partial<ApplyOptions> = {}): ApplyOptions => ({
  fieldManager: "kubectl",
  apiVersion: "apps/v1",
  kind: "Deployment",
  now: T1,
  resetFields: ["status"],
  ...over,
});

/** The manifest a user applies; `env` and `labels` vary between applies. */
function manifest({ replicas = 2, env = [{ name: "A", value: "1" }, { name: "B", value: "2" }], labels = { app: "web" } as JsonObject, containers = undefined as JsonObject[] | undefined } = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: containers ?? [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], env }] },
      },
    },
  };
}

/** What the store would hold after a create: server-set metadata added. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: "u1", resourceVersion: "7", creationTimestamp: "2025-01-01T00:00:00Z" } };
}

const spec = (o: KubeObject) => o.spec as JsonObject;
const podSpec = (o: KubeObject) => ((spec(o).template as JsonObject).spec as JsonObject);
const firstContainer = (o: KubeObject) => (podSpec(o).containers as JsonObject[])[0];
const managers = (o: KubeObject) => (o.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
const fieldsOf = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((m) => m.manager === manager)?.fieldsV1;

function thrown(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("server-side apply", () => {
  it("creates the object and records the applied fields as kube-apiserver does", () => {
    const out = serverSideApply(null, manifest(), opts({ now: T0 }));
    expect(out.spec).toEqual(manifest().spec);
    expect(out.metadata.managedFields).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2025-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"nginx"}': {
                    ".": {},
                    "f:env": {
                      'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} },
                      'k:{"name":"B"}': { ".": {}, "f:name": {}, "f:value": {} },
                    },
                    "f:image": {},
                    "f:name": {},
                    "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it("removes what the manager stops applying and keeps what another manager set", () => {
    const created = stored(serverSideApply(null, manifest({ labels: { app: "web", tier: "fe" } }), opts({ now: T0 })));
    // `kubectl label deploy web team=x`: a merge patch, tracked as an Update.
    const labelled = trackUpdate(created, applyMergePatch(created, { metadata: { labels: { team: "x" } } }), "kubectl-label", "apps/v1", T1);
    const out = serverSideApply(labelled, manifest({ env: [{ name: "A", value: "1" }] }), opts({ now: T2 }));
    expect(out.metadata.labels).toEqual({ app: "web", team: "x" });
    expect(firstContainer(out).env).toEqual([{ name: "A", value: "1" }]);
    expect(out.metadata.uid).toBe("u1");
    expect(managers(out)).toEqual(["kubectl/Apply", "kubectl-label/Update"]);
    expect(fieldsOf(out, "kubectl-label")).toEqual({ "f:metadata": { "f:labels": { "f:team": {} } } });
  });

  it("keeps a field another manager also owns when the applier drops it", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const scale = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 } };
    const shared = serverSideApply(created, scale, opts({ fieldManager: "scaler", now: T1 }));
    const out = serverSideApply(shared, { ...manifest(), spec: { ...manifest().spec, replicas: undefined } }, opts({ now: T2 }));
    expect(spec(out).replicas).toBe(2);
    expect(fieldsOf(out, "scaler")).toEqual({ "f:spec": { "f:replicas": {} } });
  });

  it("refuses to change a field another manager owns, naming it as kube-apiserver does", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const edited = trackUpdate(created, { ...created, spec: { ...spec(created), replicas: 5 } }, "kubectl-edit", "apps/v1", T1);
    const e = thrown(() => serverSideApply(edited, manifest({ replicas: 3 }), opts({ now: T2 })));
    expect(e.code).toBe(409);
    expect(e.reason).toBe("Conflict");
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
    expect(e.toStatus().details).toEqual({
      causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit" using apps/v1', field: ".spec.replicas" }],
    });
  });

  it("takes the field with force, and the other manager loses it", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const edited = trackUpdate(created, { ...created, spec: { ...spec(created), replicas: 5 } }, "kubectl-edit", "apps/v1", T1);
    const out = serverSideApply(edited, manifest({ replicas: 3 }), opts({ now: T2, force: true }));
    expect(spec(out).replicas).toBe(3);
    expect(managers(out)).toEqual(["kubectl/Apply"]);
  });

  it("does not conflict when the applied value is the one already there", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const edited = trackUpdate(created, { ...created, spec: { ...spec(created), replicas: 5 } }, "kubectl-edit", "apps/v1", T1);
    const out = serverSideApply(edited, manifest({ replicas: 5 }), opts({ fieldManager: "other", now: T2 }));
    expect(managers(out)).toEqual(["kubectl/Apply", "other/Apply", "kubectl-edit/Update"]);
  });

  it("lists conflicts with several managers", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const e = thrown(() =>
      serverSideApply(created, manifest({ replicas: 9, containers: [{ name: "nginx", image: "nginx:2" }] }), opts({ fieldManager: "other" })),
    );
    expect(e.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it("treats fields of an object without managedFields as owned by before-first-apply", () => {
    const live = stored({ ...manifest(), metadata: { name: "web" } });
    const e = thrown(() => serverSideApply(live, manifest({ replicas: 4 }), opts()));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });

  it("keeps containers another manager added in place, and follows the applied order for its own", () => {
    const two = [
      { name: "a", image: "a:1" },
      { name: "b", image: "b:1" },
    ];
    const created = stored(serverSideApply(null, manifest({ containers: two }), opts({ now: T0 })));
    const withSidecar = trackUpdate(
      created,
      { ...created, spec: { ...spec(created), template: { ...(spec(created).template as JsonObject), spec: { containers: [...two, { name: "s", image: "s" }] } } } },
      "injector",
      "apps/v1",
      T1,
    );
    const out = serverSideApply(withSidecar, manifest({ containers: [two[1], two[0]] }), opts({ now: T2 }));
    expect((podSpec(out).containers as JsonObject[]).map((c) => c.name)).toEqual(["b", "s", "a"]);
    const removed = serverSideApply(out, manifest({ containers: [two[1]] }), opts({ now: T2 }));
    expect((podSpec(removed).containers as JsonObject[]).map((c) => c.name)).toEqual(["b", "s"]);
  });

  it("keeps a dropped item whose field another manager changed, with its key", () => {
    const two = [
      { name: "a", image: "a:1" },
      { name: "b", image: "b:1" },
    ];
    const created = stored(serverSideApply(null, manifest({ containers: two }), opts({ now: T0 })));
    const bumped = trackUpdate(
      created,
      { ...created, spec: { ...spec(created), template: { spec: { containers: [two[0], { name: "b", image: "b:2" }] } } } },
      "kubectl-set-image",
      "apps/v1",
      T1,
    );
    const out = serverSideApply(bumped, manifest({ containers: [two[0]] }), opts({ now: T2 }));
    expect(podSpec(out).containers).toEqual([two[0], { name: "b", image: "b:2" }]);
  });

  it("merges sets by value and replaces atomic lists", () => {
    const base = { ...manifest(), metadata: { name: "web", finalizers: ["a"] } };
    const created = stored(serverSideApply(null, base, opts({ now: T0 })));
    const other = trackUpdate(created, { ...created, metadata: { ...created.metadata, finalizers: ["a", "x"] } }, "ctrl", "apps/v1", T1);
    const out = serverSideApply(
      other,
      { ...manifest({ containers: [{ name: "nginx", image: "n", args: ["2"] }] }), metadata: { name: "web", finalizers: ["b"] } },
      opts({ now: T2 }),
    );
    expect(out.metadata.finalizers).toEqual(["x", "b"]);
    expect(firstContainer(out).args).toEqual(["2"]);
    expect((fieldsOf(out, "kubectl") as JsonObject)["f:metadata"]).toEqual({ "f:finalizers": { 'v:"b"': {} } });
  });

  it("neither merges nor owns fields the strategy resets", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const live = { ...created, status: { replicas: 1 } };
    const out = serverSideApply(live, { ...manifest(), status: { replicas: 9 } }, opts());
    expect(out.status).toEqual({ replicas: 1 });
    expect(fieldsOf(out, "kubectl")).not.toHaveProperty("f:status");
  });

  it.each([
    [{ fieldManager: undefined }, 422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'],
    [{ fieldManager: "x".repeat(129) }, 422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes'],
    [{ apiVersion: "apps/v1beta1" }, 400, "Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: apps/v1beta1"],
  ])("refuses %j", (over, code, message) => {
    const e = thrown(() => serverSideApply(null, manifest(), opts(over)));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it("refuses duplicate list-map keys and managedFields in the applied object", () => {
    const dup = manifest({ containers: [{ name: "a" }, { name: "a" }] });
    expect(thrown(() => serverSideApply(null, dup, opts())).message).toMatch(/duplicate entries for key \[name="a"\]/);
    const mf = { ...manifest(), metadata: { name: "web", managedFields: [] } };
    expect(thrown(() => serverSideApply(null, mf, opts())).message).toBe("metadata.managedFields must be nil");
  });

  it("does not modify the live object", () => {
    const created = stored(serverSideApply(null, manifest(), opts({ now: T0 })));
    const before = structuredClone(created);
    serverSideApply(created, manifest({ env: [] }), opts({ now: T2 }));
    expect(created).toEqual(before);
  });
});

describe("trackUpdate", () => {
  const create = () => trackUpdate(null, manifest() as KubeObject, "kubectl-create", "apps/v1", T0);

  it("gives the creator every field it set, server-set metadata excepted", () => {
    const out = trackUpdate(null, stored(manifest() as KubeObject), "kubectl-create", "apps/v1", T0);
    expect(out.metadata.managedFields).toHaveLength(1);
    expect(out.metadata.managedFields![0]).toMatchObject({ manager: "kubectl-create", operation: "Update", apiVersion: "apps/v1", time: "2025-01-01T00:00:00Z" });
    expect(out.metadata.managedFields![0].fieldsV1).toMatchObject({ "f:metadata": { "f:labels": { "f:app": {} } }, "f:spec": { "f:replicas": {} } });
    const fields = out.metadata.managedFields![0].fieldsV1 as JsonObject;
    expect(Object.keys(fields)).toEqual(["f:metadata", "f:spec"]);
    expect(Object.keys(fields["f:metadata"] as JsonObject)).toEqual(["f:labels"]);
  });

  it("moves changed fields to the writer and drops removed ones, leaving others' times alone", () => {
    const created = create();
    const next = { ...created, spec: { ...spec(created), replicas: 4 }, metadata: { ...created.metadata, labels: {} } };
    const out = trackUpdate(created, next, "kubectl-edit", "apps/v1", T1);
    expect(fieldsOf(out, "kubectl-edit")).toEqual({ "f:metadata": { "f:labels": {} }, "f:spec": { "f:replicas": {} } });
    const creator = out.metadata.managedFields!.find((m) => m.manager === "kubectl-create")!;
    expect(creator.time).toBe("2025-01-01T00:00:00Z");
    expect(creator.fieldsV1).not.toHaveProperty("f:metadata");
    expect((creator.fieldsV1 as JsonObject)["f:spec"]).not.toHaveProperty("f:replicas");
  });

  it("does not touch the writer's time when nothing changed", () => {
    const created = create();
    expect(trackUpdate(created, created, "kubectl-create", "apps/v1", T1).metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it("clears managedFields on [{}] and then stops tracking until an apply", () => {
    const created = create();
    const cleared = trackUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: [{}] } }, "x", "apps/v1", T1);
    expect(cleared.metadata.managedFields).toBeUndefined();
    expect(trackUpdate(cleared, { ...cleared, spec: { replicas: 1 } }, "x", "apps/v1", T2).metadata.managedFields).toBeUndefined();
  });

  it("takes managedFields a request sets, as kubectl's client-side-apply upgrade sends", () => {
    const created = create();
    const upgraded = (created.metadata.managedFields ?? []).map((m) => ({ ...m, manager: "kubectl", operation: "Apply" as const }));
    const out = trackUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: upgraded } }, "kubectl", "apps/v1", T1);
    expect(managers(out)).toEqual(["kubectl/Apply"]);
  });

  it("records status writes under their subresource", () => {
    const created = create();
    const out = trackUpdate(created, { ...created, status: { replicas: 2 } }, "kube-controller-manager", "apps/v1", T1, { subresource: "status" });
    expect(out.metadata.managedFields!.find((m) => m.manager === "kube-controller-manager")).toMatchObject({
      subresource: "status",
      fieldsV1: { "f:status": { "f:replicas": {} } },
    });
  });
});
