/**
 * The protobuf wire format, read without a schema: a message is a sequence of (field number,
 * wire type, value). Values stay raw (varints as bigint, the rest as byte views); what they mean
 * is the schema's business (message.ts).
 */

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

export type WireField =
  | { no: number; wire: typeof VARINT; value: bigint }
  | { no: number; wire: typeof FIXED64 | typeof LENGTH_DELIMITED | typeof FIXED32; value: Uint8Array };

/** Malformed or unexpected bytes; the API turns it into a 400. */
export class WireError extends Error {}

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** An unsigned 64-bit varint; callers reinterpret it (int32 and int64 negatives are 10 bytes). */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) throw new WireError("unexpected end of data in a varint");
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new WireError("varint longer than 10 bytes");
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new WireError("unexpected end of data: a length runs past the message");
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  field(): WireField {
    const key = this.varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no < 1 || no > 0x1fffffff) throw new WireError(`invalid field number ${no}`);
    switch (wire) {
      case VARINT:
        return { no, wire, value: this.varint() };
      case FIXED64:
        return { no, wire, value: this.take(8) };
      case FIXED32:
        return { no, wire, value: this.take(4) };
      case LENGTH_DELIMITED:
        return { no, wire, value: this.take(Number(this.varint())) };
      default:
        // Groups (3, 4) are proto1-era; Kubernetes never writes them.
        throw new WireError(`unsupported wire type ${wire} in field ${no}`);
    }
  }
}

/** All fields of a message, in wire order. */
export function readFields(bytes: Uint8Array): WireField[] {
  const reader = new Reader(bytes);
  const fields: WireField[] = [];
  while (!reader.done) fields.push(reader.field());
  return fields;
}

/** The values of a packed repeated varint field. */
export function readPackedVarints(bytes: Uint8Array): bigint[] {
  const reader = new Reader(bytes);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

const utf8 = new TextDecoder();

export function utf8Of(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
