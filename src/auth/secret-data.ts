/** A Secret's `data` as text: values are base64 of UTF-8 on the wire and in the store. */
import { base64ToUtf8, utf8ToBase64 } from "../lib/base64.js";

export function encodeData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, utf8ToBase64(v)]),
  );
}

/** Values that are not base64 read as absent: a malformed Secret vouches for nothing. */
export function decodeData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) {
    try {
      out[k] = base64ToUtf8(v);
    } catch {
      // skipped: see above
    }
  }
  return out;
}
