/** Small helpers for what the store sets on objects: names, timestamps, revisions. */
import type { KubeObject, Stored } from "../lib/types.js";
import { fail } from "./failure.js";

/** RFC 3339 with seconds precision, as Kubernetes' metav1.Time marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The alphabet of `utilrand.String` (apimachinery): no vowels, no confusable characters. */
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** The 5 random characters `generateName` gets, as `names.SimpleNameGenerator`. */
export function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  let out = "";
  // 27 characters: the modulo bias over a byte is negligible for name generation.
  for (const b of bytes) out += nameAlphabet[b % nameAlphabet.length];
  return out;
}

/** The object with `metadata.resourceVersion` set to `revision`, as stored and served. */
export function atRevision<T extends KubeObject>(object: T, revision: number): T {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}

export function decode(value: string): Stored {
  return JSON.parse(value) as Stored;
}

/** A resourceVersion from a request as a revision; anything but digits is a bad request. */
export function parseRevision(text: string): number {
  if (!/^\d+$/.test(text)) fail("BadRequest", `invalid resource version: ${JSON.stringify(text)}`);
  return Number(text);
}
