/**
 * A protobuf message → the JSON object Go's encoding/json would write for the same Go value,
 * driven by the generated field table: JSON names, proto2 presence (unset fields stay absent),
 * Go's `omitempty` on zero scalars, inline embedding, maps, repeated and packed fields,
 * `bytes` as base64, int64 as a number.
 */
import { isScalar, type FieldDef, type ProtoSchema, type ScalarType } from "./schema.js";
import { WELL_KNOWN } from "./well-known.js";
import { bytesToBase64 } from "../../lib/base64.js";
import { LENGTH_DELIMITED, VARINT, WireError, readFields, readPackedVarints, utf8Of, type WireField } from "./wire.js";

type JsonObject = Record<string, unknown>;

export function decodeMessage(schema: ProtoSchema, name: string, bytes: Uint8Array): unknown {
  const special = WELL_KNOWN[name];
  if (special) return special(bytes);
  const fields = schema.messages[name];
  if (!fields) throw new WireError(`no protobuf schema for message ${name}`);
  const out: JsonObject = {};
  for (const f of readFields(bytes)) {
    const def = fields[f.no];
    // Unknown fields are skipped, as Go's generated unmarshalers do.
    if (!def) continue;
    try {
      if (def.mapKey) setMapEntry(schema, def, def.mapKey, f, out);
      else if (def.repeated) appendRepeated(schema, def, f, out);
      else setSingular(schema, def, f, out);
    } catch (e) {
      throw e instanceof WireError ? new WireError(`${shortName(name)}.${def.json}: ${e.message}`) : e;
    }
  }
  return out;
}

function setSingular(schema: ProtoSchema, def: FieldDef, f: WireField, out: JsonObject): void {
  const value = valueOf(schema, def.type, f);
  if (def.inline) {
    Object.assign(out, value);
  } else if (def.omitZero && isZero(value)) {
    delete out[def.json];
  } else {
    out[def.json] = value;
  }
}

function appendRepeated(schema: ProtoSchema, def: FieldDef, f: WireField, out: JsonObject): void {
  const list = (out[def.json] ??= []) as unknown[];
  // A packed field (proto3's default, allowed in proto2) carries many varints in one record.
  if (f.wire === LENGTH_DELIMITED && isScalar(def.type) && def.type !== "string" && def.type !== "bytes") {
    for (const v of readPackedVarints(f.value)) list.push(scalarOf(def.type, { no: f.no, wire: VARINT, value: v }));
  } else {
    list.push(valueOf(schema, def.type, f));
  }
}

/** A map entry is a message {1: key, 2: value}; a missing part is its type's zero value. */
function setMapEntry(schema: ProtoSchema, def: FieldDef, keyType: ScalarType, f: WireField, out: JsonObject): void {
  if (f.wire !== LENGTH_DELIMITED) throw new WireError("a map entry must be length-delimited");
  let key: unknown = zeroOf(keyType);
  let value: unknown;
  for (const part of readFields(f.value)) {
    if (part.no === 1) key = scalarOf(keyType, part);
    else if (part.no === 2) value = valueOf(schema, def.type, part);
  }
  const map = (out[def.json] ??= {}) as JsonObject;
  map[String(key)] = value ?? (isScalar(def.type) ? zeroOf(def.type) : decodeMessage(schema, def.type, new Uint8Array()));
}

function valueOf(schema: ProtoSchema, type: string, f: WireField): unknown {
  if (isScalar(type)) return scalarOf(type, f);
  if (f.wire !== LENGTH_DELIMITED) throw new WireError(`expected an embedded message, got wire type ${f.wire}`);
  return decodeMessage(schema, type, f.value);
}

function scalarOf(type: ScalarType, f: WireField): string | number | boolean {
  if (type === "string" || type === "bytes") {
    if (f.wire !== LENGTH_DELIMITED) throw new WireError(`expected ${type}, got wire type ${f.wire}`);
    return type === "string" ? utf8Of(f.value) : bytesToBase64(f.value);
  }
  if (f.wire !== VARINT) throw new WireError(`expected a ${type} varint, got wire type ${f.wire}`);
  if (type === "bool") return f.value !== 0n;
  return Number(type === "int32" ? BigInt.asIntN(32, f.value) : BigInt.asIntN(64, f.value));
}

function zeroOf(type: ScalarType): string | number | boolean {
  if (type === "string" || type === "bytes") return "";
  return type === "bool" ? false : 0;
}

function isZero(value: unknown): boolean {
  return value === "" || value === 0 || value === false;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}
