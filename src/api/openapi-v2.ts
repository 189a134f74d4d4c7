/**
 * `/openapi/v2`: a Swagger 2.0 document that declares no schemas. kubectl reads it (as
 * protobuf) only where the v3 documents cannot answer, e.g. to validate a `v1 List` client-side;
 * a document without definitions makes that validation skip every kind, leaving it to the server
 * (`fieldValidation`), as the v3 documents already do for each kind.
 */
import { GIT_VERSION } from "./version.js";

/** The media type client-go asks for and decodes as gnostic's `openapi_v2.Document`. */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const TITLE = "Kubernetes";

export function openApiV2Json() {
  return { swagger: "2.0", info: { title: TITLE, version: GIT_VERSION }, paths: {} };
}

/** A length-delimited protobuf field (wire type 2); lengths here are far below 2^28. */
function field(number: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = payload.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return concat([Uint8Array.of((number << 3) | 2, ...len), payload]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

/** gnostic's Document{swagger = 1, info = 2 {title = 1, version = 2}}. */
export function openApiV2Protobuf(): Uint8Array {
  const info = concat([field(1, text(TITLE)), field(2, text(GIT_VERSION))]);
  return concat([field(1, text("2.0")), field(2, info)]);
}

/** Whether the Accept header asks for the protobuf form (client-go spells it two ways). */
export function wantsProtobuf(accept: string | undefined): boolean {
  return /com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept ?? "");
}
