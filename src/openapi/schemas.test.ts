import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openApiSchemas, resolveSchema, SCHEMAS, type Schema } from "./index.js";

const run = promisify(execFile);
const D = "io.k8s.api.apps.v1.";
const CORE = "io.k8s.api.core.v1.";

/** The schema at a dotted path under a component, through refs and list items. */
function at(root: string, path: string): Schema {
  let s: Schema = SCHEMAS[root];
  for (const field of path.split(".")) {
    s = resolveSchema(s);
    if (s.type === "array" && s.items) s = resolveSchema(s.items);
    s = s.properties![field];
    if (!s) throw new Error(`no ${field} in ${root}.${path}`);
  }
  // Patch extensions sit beside the reference; the type behind it.
  return { ...resolveSchema(s), ...s };
}

describe("generated schemas", () => {
  it("are what scripts/gen-openapi.mjs generates now (run it after changing merge-keys.ts)", async () => {
    await run(process.execPath, ["scripts/gen-openapi.mjs", "--check"]);
  }, 60_000);

  it("give kinds their group/version/kind and required fields", () => {
    expect(SCHEMAS[`${D}Deployment`]["x-kubernetes-group-version-kind"]).toEqual([{ group: "apps", version: "v1", kind: "Deployment" }]);
    expect(SCHEMAS[`${CORE}Pod`]["x-kubernetes-group-version-kind"]).toEqual([{ group: "", version: "v1", kind: "Pod" }]);
    expect(SCHEMAS[`${D}DeploymentSpec`].required).toEqual(["selector", "template"]);
    expect(SCHEMAS[`${CORE}Container`].required).toEqual(["name"]);
  });

  it.each([
    [`${D}Deployment`, "spec.replicas", { type: "integer", format: "int32" }],
    [`${D}Deployment`, "metadata.creationTimestamp", { type: "string", format: "date-time" }],
    [`${D}Deployment`, "spec.strategy.rollingUpdate.maxSurge", { "x-kubernetes-int-or-string": true, format: "int-or-string" }],
    [`${CORE}Secret`, "data", { type: "object", additionalProperties: { type: "string", format: "byte" } }],
    [`${CORE}Pod`, "spec.containers.resources.limits", { type: "object", additionalProperties: { type: "string" } }],
    [
      `${D}Deployment`,
      "spec.template.spec.containers",
      { type: "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] },
    ],
    [`${CORE}Pod`, "spec.containers.ports", { "x-kubernetes-patch-merge-key": "containerPort", "x-kubernetes-list-map-keys": ["containerPort", "protocol"] }],
    [`${CORE}Service`, "spec.ports", { "x-kubernetes-patch-merge-key": "port" }],
    [`${CORE}Pod`, "metadata.ownerReferences", { "x-kubernetes-patch-merge-key": "uid" }],
  ])("%s %s", (root, path, expected) => {
    expect(at(root, path)).toMatchObject(expected);
  });

  it("carry the package's descriptions", () => {
    expect(at(`${D}Deployment`, "spec.replicas").description).toMatch(/^Number of desired pods/);
    expect(SCHEMAS[`${D}Deployment`].description).toMatch(/^Deployment enables declarative updates/);
  });

  it("reference only schemas that exist", () => {
    const refs = JSON.stringify(SCHEMAS).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    const missing = refs.map((r) => r.slice('"#/components/schemas/'.length, -1)).filter((n) => !SCHEMAS[n]);
    expect(missing).toEqual([]);
  });
});

describe("openApiSchemas (the /openapi/v3 provider)", () => {
  it("puts a group/version's kinds and everything they reference in its document", () => {
    const apps = openApiSchemas.schemas({ group: "apps", version: "v1" }, ["Deployment"]);
    expect(Object.keys(apps)).toEqual(expect.arrayContaining([`${D}Deployment`, `${CORE}PodSpec`, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]));
    expect(Object.keys(apps)).not.toContain(`${CORE}Node`);
    expect(openApiSchemas.schemaName({ group: "apps", version: "v1" }, "Deployment")).toBe(`${D}Deployment`);
    expect(openApiSchemas.schemaName({ group: "extensions", version: "v1beta1" }, "Deployment")).toBeUndefined();
  });
});
