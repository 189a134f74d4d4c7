/**
 * The hash of a container's spec, kept in a label on the container: a restarted agent keeps a
 * running container whose hash matches and replaces one whose spec changed (an image update),
 * as kubelet's `HashContainer` does.
 */
import { createHash } from "node:crypto";
import type { Container } from "../../../src/lib/types.js";

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function containerSpecHash(container: Container): string {
  return createHash("sha256").update(canonicalJson(container)).digest("hex").slice(0, 16);
}
