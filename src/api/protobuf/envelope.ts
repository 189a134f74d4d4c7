/**
 * A `application/vnd.kubernetes.protobuf` body → the object as its JSON form would have been.
 * The body is the magic `k8s\0`, then a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind},
 * 2 raw (the object's own message), 3 contentEncoding, 4 contentType}.
 */
import { errors } from "../../lib/errors.js";
import { decodeMessage } from "./message.js";
import type { ProtoSchema } from "./schema.js";
import { SCHEMA } from "./schema.generated.js";
import { LENGTH_DELIMITED, WireError, readFields, utf8Of } from "./wire.js";

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readUnknown(bytes: Uint8Array): Unknown {
  const out: Unknown = { apiVersion: "", kind: "", raw: new Uint8Array(), contentEncoding: "" };
  for (const f of readFields(bytes)) {
    if (f.wire !== LENGTH_DELIMITED) continue;
    if (f.no === 1) {
      for (const t of readFields(f.value)) {
        if (t.wire !== LENGTH_DELIMITED) continue;
        if (t.no === 1) out.apiVersion = utf8Of(t.value);
        if (t.no === 2) out.kind = utf8Of(t.value);
      }
    } else if (f.no === 2) {
      out.raw = f.value;
    } else if (f.no === 3) {
      out.contentEncoding = utf8Of(f.value);
    }
  }
  return out;
}

/** Decodes a Kubernetes protobuf body; malformed or unknown input is a 400 Status. */
export function decodeKubernetesProtobuf(bytes: Uint8Array, schema: ProtoSchema = SCHEMA): Record<string, unknown> {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw errors.badRequest(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(" ")}]`);
  }
  try {
    const unknown = readUnknown(bytes.subarray(MAGIC.length));
    if (unknown.contentEncoding) throw errors.badRequest(`unsupported protobuf content encoding "${unknown.contentEncoding}"`);
    if (!unknown.kind) throw errors.badRequest("Object 'Kind' is missing in the protobuf body");
    const message = schema.kinds[`${unknown.apiVersion}/${unknown.kind}`];
    if (!message) throw errors.badRequest(`no kind "${unknown.kind}" is registered for version "${unknown.apiVersion}" in protobuf`);
    const object = decodeMessage(schema, message, unknown.raw) as Record<string, unknown>;
    return { apiVersion: unknown.apiVersion, kind: unknown.kind, ...object };
  } catch (e) {
    if (e instanceof WireError) throw errors.badRequest(`unable to decode the protobuf body: ${e.message}`);
    throw e;
  }
}
