/**
 * The shape of the generated protobuf table (schema.generated.ts, from scripts/gen-protobuf.mjs):
 * for each message of the kinds we accept, field number → how that field becomes JSON.
 */

/** The scalar proto types Kubernetes' kinds use; anything else in `FieldDef.type` is a message name. */
export type ScalarType = "string" | "bytes" | "bool" | "int32" | "int64";

export interface FieldDef {
  /** The JSON name (Kubernetes' proto field names are the Go JSON names). */
  json: string;
  /** A `ScalarType`, or a message's full name (`k8s.io.api.core.v1.Container`); a map's value type. */
  type: string;
  repeated?: boolean;
  /** Set for `map<key, type>` fields, whose entries are messages {1: key, 2: value}. */
  mapKey?: ScalarType;
  /** A non-pointer Go scalar tagged `omitempty`: Go writes its zero value to protobuf, JSON leaves it out. */
  omitZero?: boolean;
  /** An embedded Go struct tagged `json:",inline"`: its fields belong to the parent's JSON object. */
  inline?: boolean;
}

export interface ProtoSchema {
  /** `apiVersion/kind` (`apps/v1/Deployment`, `v1/Pod`) → the kind's message name. */
  kinds: Record<string, string>;
  /** Messages with a custom JSON form (Time, Quantity, IntOrString, ...) are not here: see well-known.ts. */
  messages: Record<string, Record<number, FieldDef>>;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(["string", "bytes", "bool", "int32", "int64"]);

export function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}
