/**
 * The OpenAPI v3 component schemas of the kinds Skiff serves, generated at build time by
 * scripts/gen-openapi.mjs from @kubernetes/client-node's type metadata and the merge-key table
 * (see schemas.generated.json; never edit it by hand). Used by the `/openapi/v3` documents
 * (kubectl explain, kubectl's client-side strategic merge patches) and by field validation.
 */
import type { SchemaProvider } from "../api/openapi.js";
import { KIND_SCHEMA_TYPES } from "../lib/patch/merge-keys.js";
import generated from "./schemas.generated.json";

/** The subset of OpenAPI v3's Schema Object the generator emits. */
export interface Schema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  allOf?: Schema[];
  $ref?: string;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
}

export const SCHEMAS: Readonly<Record<string, Schema>> = generated as unknown as Record<string, Schema>;

const REF_PREFIX = "#/components/schemas/";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
/** In every group/version document, as upstream: what writes answer with and deletes take. */
const COMMON = [`${META}Status`, `${META}DeleteOptions`, "io.k8s.api.autoscaling.v1.Scale"];

/** The component name of a kind's schema (`io.k8s.api.apps.v1.Deployment`), if generated. */
export function schemaNameOf(apiVersion: string, kind: string): string | undefined {
  const name = KIND_SCHEMA_TYPES[`${apiVersion}/${kind}`];
  return name && SCHEMAS[name] ? name : undefined;
}

/**
 * The schema a field's schema stands for: `$ref`s followed, and the single-element `allOf`
 * that wraps a `$ref` carrying a description.
 */
export function resolveSchema(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    if (s.$ref) s = SCHEMAS[s.$ref.slice(REF_PREFIX.length)] ?? {};
    else if (s.allOf?.length === 1 && !s.properties) s = s.allOf[0];
    else return s;
  }
}

/** Names of `roots` and of every schema they reference, transitively. */
function closure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !SCHEMAS[name]) return;
    seen.add(name);
    walkRefs(SCHEMAS[name], visit);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

function walkRefs(schema: Schema, visit: (name: string) => void): void {
  if (schema.$ref) visit(schema.$ref.slice(REF_PREFIX.length));
  for (const s of [...Object.values(schema.properties ?? {}), ...(schema.allOf ?? [])]) walkRefs(s, visit);
  if (schema.items) walkRefs(schema.items, visit);
  if (schema.additionalProperties) walkRefs(schema.additionalProperties, visit);
}

interface GroupVersion {
  group: string;
  version: string;
}

const apiVersionOf = (gv: GroupVersion) => (gv.group ? `${gv.group}/${gv.version}` : gv.version);

/**
 * The component schemas of one group/version document (its kinds and all they reference), in
 * the shape src/api/openapi.ts's `SchemaProvider` asks for.
 */
export const openApiSchemas = {
  schemaName(gv: GroupVersion, kind: string): string | undefined {
    return schemaNameOf(apiVersionOf(gv), kind);
  },
  schemas(gv: GroupVersion, kinds: string[]): Record<string, Schema> {
    const roots = kinds.flatMap((kind) => schemaNameOf(apiVersionOf(gv), kind) ?? []);
    return Object.fromEntries(closure([...roots, ...COMMON]).map((name) => [name, SCHEMAS[name]]));
  },
} satisfies SchemaProvider;
