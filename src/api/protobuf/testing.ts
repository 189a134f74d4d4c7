/**
 * A minimal protobuf writer for the decoder's unit tests: enough to build messages by hand
 * (varints, length-delimited fields, the `k8s\0` envelope). Only tests import this module.
 */

function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export type Part = number[];

/** A varint field; negative numbers take 10 bytes, as Go writes int32 and int64. */
export function int(no: number, value: number | bigint | boolean): Part {
  const n = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
  return [...varint(BigInt(no << 3)), ...varint(n)];
}

/** A packed repeated varint field. */
export function packed(no: number, values: number[]): Part {
  return bytes(no, values.map((v) => varint(BigInt(v))));
}

/** A length-delimited field: a string, bytes, or an embedded message built from parts. */
export function bytes(no: number, value: string | Uint8Array | Part[]): Part {
  const payload = typeof value === "string" ? [...new TextEncoder().encode(value)] : value instanceof Uint8Array ? [...value] : value.flat();
  return [...varint(BigInt((no << 3) | 2)), ...varint(BigInt(payload.length)), ...payload];
}

export function message(...parts: Part[]): Uint8Array {
  return new Uint8Array(parts.flat());
}

/** A whole request body: magic, then runtime.Unknown {typeMeta, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  return message([0x6b, 0x38, 0x73, 0x00], bytes(1, [bytes(1, apiVersion), bytes(2, kind)]), bytes(2, raw));
}
