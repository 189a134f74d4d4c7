/**
 * Stable hashes of pod templates (`pod-template-hash`, `controller-revision-hash`) and the
 * ControllerRevisions that StatefulSets and DaemonSets keep as history.
 *
 * Kubernetes hashes the spew-printed template with FNV-32a, adds the collision count, and
 * renders the decimal sum with `rand.SafeEncodeString` (no vowels, no look-alikes), giving 8–10
 * characters. We hash a canonical JSON form instead of Go's printout: the same shape, stable
 * across runs, though the values differ from a real cluster's.
 */
import type { ControllerRevision, KubeObject, PodTemplateSpec, Stored } from "../lib/types.js";
import { clone } from "../lib/json.js";
import { newControllerRef, type OwnerKind } from "./pod-util.js";

export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** The label on a ControllerRevision carrying its hash. */
export const REVISION_HASH_LABEL = "controller.kubernetes.io/hash";

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * JSON with sorted keys, and with null, empty objects and empty arrays left out, so that
 * "semantically equal" templates (nil vs empty map in Go) print the same.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value) ?? null);
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

export function fnv32a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** As `rand.SafeEncodeString`: each character mapped into the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** As `controller.ComputeHash`: FNV-32a of the object, then of the collision count (LE uint32). */
export function computeHash(value: unknown, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJson(value));
  const extra = collisionCount === undefined || collisionCount === null ? 0 : 4;
  const bytes = new Uint8Array(text.length + extra);
  bytes.set(text);
  if (extra) new DataView(bytes.buffer).setUint32(text.length, collisionCount! >>> 0, true);
  return safeEncodeString(String(fnv32a(bytes)));
}

function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = clone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** The pod-template-hash of a Deployment's template. */
export function podTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  return computeHash(withoutHashLabel(template), collisionCount);
}

/** As `EqualIgnoreHash`: templates semantically equal once `pod-template-hash` is ignored. */
export function templatesEqualIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

// ---- ControllerRevisions --------------------------------------------------------------------

/**
 * The data a StatefulSet or DaemonSet revision stores: a strategic-merge patch that replaces
 * the template, as upstream's `getPatch`.
 */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...clone(template ?? {}), $patch: "replace" } } };
}

/** The template a revision's data carries (the inverse of `templatePatch`). */
export function templateOfRevision(revision: ControllerRevision): PodTemplateSpec | undefined {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (!template) return undefined;
  const { $patch: _ignored, ...rest } = template;
  return rest as PodTemplateSpec;
}

/** As `history.NewControllerRevision`: named `<parent>-<hash>`, labelled with the hash. */
export function newControllerRevision(
  parent: Stored,
  kind: OwnerKind,
  labels: Record<string, string> | undefined,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number | undefined,
): ControllerRevision {
  const hash = computeHash(data, collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${parent.metadata.name.slice(0, 223)}-${hash}`,
      namespace: parent.metadata.namespace,
      labels: { ...(labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent, kind)],
    },
    data,
    revision,
  };
}

export function revisionsEqual(a: KubeObject, b: KubeObject): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

/** Sort revisions by `revision`, then creation, then name, as `history.SortControllerRevisions`. */
export function byRevision(a: ControllerRevision, b: ControllerRevision): number {
  return (
    (a.revision ?? 0) - (b.revision ?? 0) ||
    (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") ||
    (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "")
  );
}

export function maxRevision(revisions: ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision ?? 0), 0);
}
