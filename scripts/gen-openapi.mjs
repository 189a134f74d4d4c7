#!/usr/bin/env node
// Generates src/openapi/schemas.generated.json: OpenAPI v3 component schemas of every kind Skiff
// serves and of everything they reference, from real type metadata rather than by hand:
//   - the runtime type maps of @kubernetes/client-node's models (`attributeTypeMap`: field
//     names, types, formats),
//   - the same package's declaration files (field descriptions and which fields are required),
//   - Skiff's merge-key table, src/lib/patch/merge-keys.ts (patch strategies, merge keys, list
//     and map types), which also names each schema type as Kubernetes' OpenAPI does.
//
//   node scripts/gen-openapi.mjs          write the file
//   node scripts/gen-openapi.mjs --check  exit 1 if the committed file is stale
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUT = join(ROOT, "src/openapi/schemas.generated.json");
const MERGE_KEYS = join(ROOT, "src/lib/patch/merge-keys.ts");
const require = createRequire(import.meta.url);
const CLIENT_ENTRY = require.resolve("@kubernetes/client-node");
const MODELS_DIR = join(dirname(CLIENT_ENTRY), "gen/models");

const CORE = "io.k8s.api.core.v1.";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
const AUTOSCALING = "io.k8s.api.autoscaling.v1.";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** apimachinery's meta/v1 types: referenced from every group, defined in none of them. */
const META_TYPES = [
  "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference",
  "ManagedFieldsEntry", "Status", "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions", "Condition",
];

/** Types served besides the kinds: the Scale subresource, and what every write may answer or take. */
const EXTRA_ROOTS = {
  [`${AUTOSCALING}Scale`]: [{ group: "autoscaling", version: "v1", kind: "Scale" }],
  [`${META}Status`]: [{ group: "", version: "v1", kind: "Status" }],
  [`${META}DeleteOptions`]: [],
};

/** Scalars client-node models as classes without fields. */
const TIME_CLASSES = new Set(["V1MicroTime"]);

/** merge-keys.ts has no imports: transpile it and load it, so the table stays in one place. */
async function loadMergeKeys() {
  const source = readFileSync(MERGE_KEYS, "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString("base64")}`);
}

/** `io.k8s.api.apps.v1.Deployment` → `{ pkg: "io.k8s.api.apps.v1.", name: "Deployment", version: "V1" }`. */
function splitName(full) {
  const at = full.lastIndexOf(".") + 1;
  const pkg = full.slice(0, at);
  const version = /\.(v\d+(?:alpha\d+|beta\d+)?)\.$/.exec(pkg)?.[1] ?? "v1";
  return { pkg, name: full.slice(at), version: version[0].toUpperCase() + version.slice(1) };
}

/** `CoreV1EndpointPort` → `EndpointPort`; `V1ObjectMeta` → `ObjectMeta`. */
function shortName(className) {
  const m = /^(?:[A-Z][a-z]+)*?V\d+(?:alpha\d+|beta\d+)?([A-Z].*)$/.exec(className);
  if (!m) throw new Error(`cannot read the type name in model class ${className}`);
  return m[1];
}

/** The JSDoc of a model's class and fields, and which fields it requires (no `?` in the .d.ts). */
function declarationInfo(className) {
  const file = join(MODELS_DIR, `${className}.d.ts`);
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const docOf = (node) => {
    const ranges = ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [];
    const last = ranges.at(-1);
    if (!last) return undefined;
    const text = sf.text.slice(last.pos, last.end);
    if (!text.startsWith("/**")) return undefined;
    const body = text
      .slice(3, -2)
      .split("\n")
      .map((l) => l.replace(/^\s*\*\s?/, ""))
      .join("\n")
      .replaceAll("\\'", "'")
      .trim();
    return body || undefined;
  };
  const info = { description: undefined, fields: new Map(), required: [] };
  for (const stmt of sf.statements) {
    if (!ts.isClassDeclaration(stmt) || stmt.name?.text !== className) continue;
    info.description = docOf(stmt);
    for (const member of stmt.members) {
      if (!ts.isPropertyDeclaration(member) || member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const name = member.name.text ?? member.name.getText(sf);
      info.fields.set(name, docOf(member));
      if (!member.questionToken) info.required.push(name);
    }
  }
  return info;
}

function withDescription(schema, description) {
  return description ? { description, ...schema } : schema;
}

class Generator {
  constructor(models, mergeKeys) {
    this.models = models;
    this.patchMeta = mergeKeys.PATCH_META;
    /** model class → OpenAPI name, seeded from the names the merge-key table uses. */
    this.names = new Map();
    /** OpenAPI name → GVKs of the kinds it is the schema of. */
    this.gvks = new Map();
    this.schemas = {};
    for (const full of Object.keys(this.patchMeta)) this.name(this.classOf(full), full);
    for (const short of META_TYPES) this.name(this.classOf(META + short), META + short);
    // Keys are `<apiVersion>/<kind>`: `v1/Pod`, `apps/v1/Deployment`.
    for (const [key, full] of Object.entries(mergeKeys.KIND_SCHEMA_TYPES)) {
      const parts = key.split("/");
      const [kind, version] = [parts.at(-1), parts.at(-2)];
      this.gvks.set(full, [{ group: parts.length === 3 ? parts[0] : "", version, kind }]);
    }
    for (const [full, gvks] of Object.entries(EXTRA_ROOTS)) this.gvks.set(full, gvks);
  }

  /** The model class of an OpenAPI name: `V1Pod`, or `CoreV1Event` where the short one is taken. */
  classOf(full) {
    const { pkg, name, version } = splitName(full);
    const group = /^io\.k8s\.api\.([a-z]+)\./.exec(pkg)?.[1];
    const prefixed = group ? `${group[0].toUpperCase()}${group.slice(1)}${version}${name}` : undefined;
    for (const candidate of [prefixed, `${version}${name}`]) {
      if (candidate && this.models[candidate]?.attributeTypeMap) return candidate;
    }
    throw new Error(`no @kubernetes/client-node model for ${full}`);
  }

  name(className, full) {
    const known = this.names.get(className);
    if (known && known !== full) throw new Error(`${className} is named both ${known} and ${full}`);
    this.names.set(className, full);
  }

  /**
   * Emits `full` and, breadth first, everything it references. A referenced model not named yet
   * lives in the package of the type that references it (Kubernetes keeps a kind's helper types
   * in its own group; the exceptions are the meta types and what the merge-key table names).
   */
  emitTree(full) {
    const queue = [full];
    while (queue.length) {
      const next = queue.shift();
      if (this.schemas[next]) continue;
      const { pkg } = splitName(next);
      const className = this.classOf(next);
      const refs = [];
      this.schemas[next] = this.objectSchema(next, className, (refClass) => {
        if (!this.names.has(refClass)) this.name(refClass, pkg + shortName(refClass));
        const refName = this.names.get(refClass);
        refs.push(refName);
        return refName;
      });
      queue.push(...refs);
    }
  }

  objectSchema(full, className, refName) {
    const info = declarationInfo(className);
    const typeMeta = this.patchMeta[full];
    const patchFields = typeMeta?.fields ?? {};
    const properties = {};
    for (const attr of this.models[className].attributeTypeMap) {
      let prop = this.typeSchema(attr.type, attr.format, refName);
      const meta = patchFields[attr.baseName];
      if (meta) {
        this.checkPatchType(full, attr, meta);
        prop = { ...prop, ...patchExtensions(meta) };
      }
      properties[attr.baseName] = withDescription(prop, info.fields.get(attr.name));
    }
    for (const field of Object.keys(patchFields)) {
      if (!properties[field]) throw new Error(`merge-keys.ts: ${full} has no field ${field}`);
    }
    const required = info.required.filter((f) => properties[f]);
    const gvks = this.gvks.get(full);
    return withDescription(
      {
        type: "object",
        ...(required.length ? { required } : {}),
        properties,
        ...(typeMeta?.mapType ? { "x-kubernetes-map-type": typeMeta.mapType } : {}),
        ...(gvks?.length ? { "x-kubernetes-group-version-kind": gvks } : {}),
      },
      info.description,
    );
  }

  /** The merge-key table's `type` of a field must be the type the model gives it. */
  checkPatchType(full, attr, meta) {
    if (!meta.type) return;
    const element = /^Array<(.+)>$/.exec(attr.type)?.[1] ?? /^\{ \[key: string\]: (.+); \}$/.exec(attr.type)?.[1] ?? attr.type;
    const actual = this.names.get(element);
    if (actual && actual !== meta.type) {
      throw new Error(`merge-keys.ts: ${full}.${attr.baseName} is typed ${meta.type}, the model says ${actual}`);
    }
    if (!actual) this.name(element, meta.type);
  }

  /** One field's schema from client-node's type string (`Array<V1Container>`, `{ [key: string]: string; }`…). */
  typeSchema(type, format, refName) {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: "array", items: this.typeSchema(array[1], format, refName) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: "object", additionalProperties: this.typeSchema(map[1], format, refName) };
    switch (type) {
      case "string":
        return format ? { type: "string", format } : { type: "string" };
      case "number":
        return format === "double" || !format ? { type: "number", ...(format ? { format } : {}) } : { type: "integer", format };
      case "boolean":
        return { type: "boolean" };
      case "Date":
        return { type: "string", format: "date-time" };
      case "IntOrString":
        return { allOf: [{ $ref: `#/components/schemas/${INT_OR_STRING}` }] };
      case "any":
        return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    }
    if (TIME_CLASSES.has(type)) return { type: "string", format: "date-time" };
    if (!this.models[type]?.attributeTypeMap) throw new Error(`unknown client-node type ${type}`);
    return { allOf: [{ $ref: `#/components/schemas/${refName(type)}` }] };
  }
}

function patchExtensions(meta) {
  const ext = {};
  if (meta.patchStrategy) ext["x-kubernetes-patch-strategy"] = meta.patchStrategy;
  if (meta.patchMergeKey) ext["x-kubernetes-patch-merge-key"] = meta.patchMergeKey;
  if (meta.listType) ext["x-kubernetes-list-type"] = meta.listType;
  if (meta.listMapKeys) ext["x-kubernetes-list-map-keys"] = meta.listMapKeys;
  if (meta.mapType) ext["x-kubernetes-map-type"] = meta.mapType;
  return ext;
}

function sorted(obj) {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

export async function generate() {
  const models = await import("@kubernetes/client-node");
  const mergeKeys = await loadMergeKeys();
  const gen = new Generator(models, mergeKeys);
  // Core kinds first, so that a core helper type reached from both core and apps is named core.
  const roots = [...Object.values(mergeKeys.KIND_SCHEMA_TYPES), ...Object.keys(EXTRA_ROOTS)];
  roots.sort((a, b) => Number(!a.startsWith(CORE)) - Number(!b.startsWith(CORE)));
  for (const root of roots) gen.emitTree(root);
  // As upstream names it, so that kubectl explain prints <IntOrString>; an int or a string.
  gen.schemas[INT_OR_STRING] = {
    description: "IntOrString is a type that can hold an int32 or a string.",
    type: "string",
    format: "int-or-string",
    "x-kubernetes-int-or-string": true,
  };
  for (const full of Object.keys(mergeKeys.PATCH_META)) {
    if (!gen.schemas[full]) throw new Error(`merge-keys.ts names ${full}, which no served kind references`);
  }
  return `${JSON.stringify(sorted(gen.schemas), null, 1)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generate();
  if (process.argv.includes("--check")) {
    let committed = "";
    try {
      committed = readFileSync(OUTPUT, "utf8");
    } catch {
      // missing counts as stale
    }
    if (committed !== text) {
      console.error(`${OUTPUT} is stale: run node scripts/gen-openapi.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${Object.keys(JSON.parse(text)).length} schemas to ${OUTPUT}`);
  }
}
