#!/usr/bin/env node
// Generates src/api/protobuf/schema.generated.ts: the protobuf field table of every kind Skiff
// accepts as `application/vnd.kubernetes.protobuf`, and of every message those kinds reach.
// It reads, at one tag of Kubernetes' staging repositories (bare git mirrors):
//   - the `generated.proto` files (message names, field numbers, types, repeated, maps),
//   - the Go types beside them, whose struct tags say what the .proto cannot: a field's JSON
//     name, `omitempty`, whether it is a pointer (set vs zero), and `json:",inline"` embedding.
// CI has no mirrors, so the output is committed; a unit test decodes real kubectl bytes with it.
//
//   node scripts/gen-protobuf.mjs          write the file
//   node scripts/gen-protobuf.mjs --check  exit 1 if the committed file is stale
// Options: --api DIR, --apimachinery DIR (git dirs; default /work/.mirror/...), --ref TAG.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUT = join(ROOT, "src/api/protobuf/schema.generated.ts");

const { values: flags } = parseArgs({
  options: {
    api: { type: "string", default: process.env.K8S_API_GIT ?? "/work/.mirror/kubernetes+api/repo" },
    apimachinery: { type: "string", default: process.env.K8S_APIMACHINERY_GIT ?? "/work/.mirror/kubernetes+apimachinery/repo" },
    ref: { type: "string", default: "v0.32.9" },
    check: { type: "boolean", default: false },
  },
});

/** Proto packages read: [git dir, directory in it]. The proto package is `k8s.io/<repo>/<dir>`. */
const SOURCES = [
  [flags.api, "api", "core/v1"],
  [flags.api, "api", "apps/v1"],
  [flags.api, "api", "batch/v1"],
  [flags.api, "api", "coordination/v1"],
  [flags.api, "api", "autoscaling/v1"],
  [flags.apimachinery, "apimachinery", "pkg/apis/meta/v1"],
  [flags.apimachinery, "apimachinery", "pkg/runtime"],
  [flags.apimachinery, "apimachinery", "pkg/api/resource"],
  [flags.apimachinery, "apimachinery", "pkg/util/intstr"],
];

/** The kinds whose bodies are decoded: apiVersion → proto package → kinds. */
const ROOTS = {
  v1: ["k8s.io.api.core.v1", ["Namespace", "Node", "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "Event", "ServiceAccount", "Binding"]],
  "apps/v1": ["k8s.io.api.apps.v1", ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"]],
  "batch/v1": ["k8s.io.api.batch.v1", ["Job", "CronJob"]],
  "coordination.k8s.io/v1": ["k8s.io.api.coordination.v1", ["Lease"]],
  "autoscaling/v1": ["k8s.io.api.autoscaling.v1", ["Scale"]],
};

/**
 * Messages whose JSON form is not their fields (custom MarshalJSON in Go): the decoder has its
 * own code for each (well-known.ts), so the table leaves them out.
 */
const WELL_KNOWN = new Set([
  "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
  "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
  "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "k8s.io.apimachinery.pkg.api.resource.Quantity",
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
  "k8s.io.apimachinery.pkg.runtime.RawExtension",
]);

/** Scalar types the decoder reads; any other scalar in a reachable message fails the build. */
const SCALARS = new Set(["string", "bytes", "bool", "int32", "int64"]);

function git(dir, ...args) {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** Top-level messages of a .proto file: name → [{ number, name, type, repeated, mapKey }]. */
function parseProto(text, pkg) {
  const messages = new Map();
  const lines = text.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim());
  let current;
  for (const line of lines) {
    if (!line) continue;
    const open = /^message (\w+) \{$/.exec(line);
    if (open) {
      current = [];
      messages.set(`${pkg}.${open[1]}`, current);
      continue;
    }
    if (line === "}") {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const map = /^map<(\w+), ([\w.]+)> (\w+) = (\d+);$/.exec(line);
    const plain = /^(optional|repeated|required) ([\w.]+) (\w+) = (\d+);$/.exec(line);
    if (map) current.push({ number: Number(map[4]), name: map[3], type: qualify(map[2], pkg), repeated: false, mapKey: map[1] });
    else if (plain) current.push({ number: Number(plain[4]), name: plain[3], type: qualify(plain[2], pkg), repeated: plain[1] === "repeated" });
    else throw new Error(`${pkg}: unparsed line in message: ${line}`);
  }
  return messages;
}

function qualify(type, pkg) {
  if (SCALARS.has(type) || /^[a-z0-9]+$/.test(type)) return type;
  return type.startsWith(".") ? type.slice(1) : `${pkg}.${type}`;
}

/**
 * Struct tags of the Go types in a package: `Struct` → field number → { json, omitempty,
 * pointer, inline }. Only fields with a `protobuf:"…"` tag are recorded.
 */
function parseGoStructs(goFiles) {
  const structs = new Map();
  for (const text of goFiles) {
    let current;
    for (const line of text.split("\n")) {
      const open = /^type (\w+) struct \{/.exec(line);
      if (open) {
        current = new Map();
        structs.set(open[1], current);
        continue;
      }
      if (/^\}/.test(line)) current = undefined;
      if (!current) continue;
      const field = /^\s*(?:(\w+)\s+)?([\w.*[\]]+)\s+`([^`]*)`/.exec(line);
      if (!field) continue;
      const tags = field[3];
      const proto = /protobuf:"[a-z0-9]+,(\d+),/.exec(tags);
      const json = /json:"([^"]*)"/.exec(tags);
      if (!proto || !json) continue;
      const [name, ...opts] = json[1].split(",");
      current.set(Number(proto[1]), {
        json: name,
        omitempty: opts.includes("omitempty"),
        inline: opts.includes("inline"),
        pointer: field[2].startsWith("*"),
      });
    }
  }
  return structs;
}

function load() {
  const messages = new Map();
  const goStructs = new Map();
  for (const [dir, repo, path] of SOURCES) {
    const pkg = `k8s.io.${repo}.${path.replaceAll("/", ".")}`;
    for (const [name, fields] of parseProto(git(dir, "show", `${flags.ref}:${path}/generated.proto`), pkg)) messages.set(name, fields);
    const goNames = git(dir, "ls-tree", "--name-only", `${flags.ref}:${path}`)
      .split("\n")
      .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go") && !f.startsWith("zz_") && !f.startsWith("generated") && !f.includes("swagger_doc"));
    goStructs.set(pkg, parseGoStructs(goNames.map((f) => git(dir, "show", `${flags.ref}:${path}/${f}`))));
  }
  return { messages, goStructs };
}

/** Every message reachable from the roots, in a stable order. */
function reachable(messages) {
  const seen = new Set();
  const stack = Object.values(ROOTS).flatMap(([pkg, kinds]) => kinds.map((k) => `${pkg}.${k}`));
  while (stack.length) {
    const name = stack.pop();
    if (seen.has(name)) continue;
    const fields = messages.get(name);
    if (!fields) throw new Error(`message ${name} is referenced but not defined in the sources read`);
    seen.add(name);
    for (const f of fields) if (!SCALARS.has(f.type)) stack.push(f.type);
  }
  return [...seen].sort();
}

/** One field's entry: the proto's shape plus what Go's JSON encoding does with it. */
function fieldEntry(message, field, goStructs) {
  for (const t of [field.type, field.mapKey].filter(Boolean)) {
    if (/^[a-z0-9]+$/.test(t) && !SCALARS.has(t)) throw new Error(`${message}.${field.name}: unsupported scalar ${t}`);
  }
  const at = message.lastIndexOf(".");
  const go = goStructs.get(message.slice(0, at))?.get(message.slice(at + 1))?.get(field.number);
  if (!go) throw new Error(`${message}.${field.name} (${field.number}): no Go struct tag found`);
  if (go.json === "-") return undefined;
  if (!go.inline && go.json !== field.name) {
    throw new Error(`${message}.${field.number}: proto name ${field.name} differs from JSON name ${go.json}`);
  }
  const entry = { json: field.name, type: field.type };
  if (field.repeated) entry.repeated = true;
  if (field.mapKey) entry.mapKey = field.mapKey;
  // Go writes a non-pointer scalar to protobuf even when zero; JSON drops it if omitempty.
  if (go.omitempty && !go.pointer && !field.repeated && !field.mapKey && SCALARS.has(field.type)) entry.omitZero = true;
  if (go.inline) entry.inline = true;
  return entry;
}

function render(messages, goStructs) {
  const names = reachable(messages);
  const out = [
    `// Generated by scripts/gen-protobuf.mjs from k8s.io/api and k8s.io/apimachinery ${flags.ref}. Do not edit.`,
    `import type { ProtoSchema } from "./schema.js";`,
    ``,
    `export const SCHEMA: ProtoSchema = {`,
    `  kinds: {`,
  ];
  for (const [apiVersion, [pkg, kinds]] of Object.entries(ROOTS)) {
    for (const kind of kinds) out.push(`    ${JSON.stringify(`${apiVersion}/${kind}`)}: ${JSON.stringify(`${pkg}.${kind}`)},`);
  }
  out.push(`  },`, `  messages: {`);
  for (const name of names.filter((n) => !WELL_KNOWN.has(n))) {
    out.push(`    ${JSON.stringify(name)}: {`);
    for (const field of messages.get(name)) {
      const entry = fieldEntry(name, field, goStructs);
      if (!entry) continue;
      const props = Object.entries(entry).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
      out.push(`      ${field.number}: { ${props.join(", ")} },`);
    }
    out.push(`    },`);
  }
  out.push(`  },`, `};`, ``);
  return out.join("\n");
}

const { messages, goStructs } = load();
const text = render(messages, goStructs);
if (flags.check) {
  let committed = "";
  try {
    committed = readFileSync(OUTPUT, "utf8");
  } catch {
    // missing counts as stale
  }
  if (committed !== text) {
    console.error(`${OUTPUT} is stale: run node scripts/gen-protobuf.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT}`);
}
