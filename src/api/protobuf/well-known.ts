/**
 * apimachinery types whose JSON is not their protobuf fields (they have their own MarshalJSON in
 * Go): times, quantities, int-or-string, embedded raw JSON. Each takes the message's bytes and
 * returns what Go's JSON encoding writes for the value that protobuf decodes to.
 */
import { VARINT, LENGTH_DELIMITED, WireError, readFields, utf8Of, type WireField } from "./wire.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Field number → value, last one winning, as proto2 does for singular fields. */
function byNumber(bytes: Uint8Array): Map<number, WireField> {
  return new Map(readFields(bytes).map((f) => [f.no, f]));
}

function varintField(fields: Map<number, WireField>, no: number): bigint {
  const f = fields.get(no);
  if (!f) return 0n;
  if (f.wire !== VARINT) throw new WireError(`field ${no}: expected a varint`);
  return f.value;
}

function bytesField(fields: Map<number, WireField>, no: number): Uint8Array | undefined {
  const f = fields.get(no);
  if (!f) return undefined;
  if (f.wire !== LENGTH_DELIMITED) throw new WireError(`field ${no}: expected length-delimited bytes`);
  return f.value;
}

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range Go's RFC 3339 encoding accepts. */
const MIN_SECONDS = -62135596800n;
const MAX_SECONDS = 253402300799n;

/** UTC seconds as RFC 3339; `fraction` is the digits after the point, if any. */
function rfc3339(seconds: bigint, fraction = ""): string {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new WireError(`time ${seconds}s is outside years 1-9999`);
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ""}Z`;
}

/**
 * metav1.Time: {seconds, nanos}. Go keeps only the seconds (its JSON has no fraction), and an
 * empty message is the zero time, which JSON writes as null.
 */
function time(bytes: Uint8Array): Json {
  if (bytes.length === 0) return null;
  return rfc3339(BigInt.asIntN(64, varintField(byNumber(bytes), 1)));
}

/** metav1.MicroTime: as Time, with microseconds (`2006-01-02T15:04:05.000000Z`). */
function microTime(bytes: Uint8Array): Json {
  if (bytes.length === 0) return null;
  const fields = byNumber(bytes);
  const nanos = Number(BigInt.asIntN(32, varintField(fields, 2)));
  if (nanos < 0 || nanos > 999_999_999) throw new WireError(`nanos ${nanos} is outside 0-999999999`);
  return rfc3339(BigInt.asIntN(64, varintField(fields, 1)), String(Math.floor(nanos / 1000)).padStart(6, "0"));
}

/** resource.Quantity: {string}; the zero Quantity is "0". */
function quantity(bytes: Uint8Array): Json {
  const s = bytesField(byNumber(bytes), 1);
  return s && s.length > 0 ? utf8Of(s) : "0";
}

/** intstr.IntOrString: {type (0 int, 1 string), intVal, strVal} → a JSON number or string. */
function intOrString(bytes: Uint8Array): Json {
  const fields = byNumber(bytes);
  if (varintField(fields, 1) === 1n) return utf8Of(bytesField(fields, 3) ?? new Uint8Array());
  return Number(BigInt.asIntN(32, varintField(fields, 2)));
}

/** runtime.RawExtension and metav1.FieldsV1: {raw} holding JSON, written out as it is; nil is null. */
function rawJson(bytes: Uint8Array): Json {
  const raw = bytesField(byNumber(bytes), 1);
  if (raw === undefined) return null;
  try {
    return JSON.parse(utf8Of(raw)) as Json;
  } catch {
    throw new WireError("an embedded raw object is not JSON");
  }
}

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

export const WELL_KNOWN: Readonly<Record<string, (bytes: Uint8Array) => Json>> = {
  [`${META}.Time`]: time,
  [`${META}.MicroTime`]: microTime,
  [`${META}.FieldsV1`]: rawJson,
  "k8s.io.apimachinery.pkg.api.resource.Quantity": quantity,
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": intOrString,
  "k8s.io.apimachinery.pkg.runtime.RawExtension": rawJson,
};
