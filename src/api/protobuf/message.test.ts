import { describe, expect, it } from "vitest";
import { decodeMessage } from "./message.js";
import type { ProtoSchema } from "./schema.js";
import { bytes, int, message, packed } from "./testing.js";
import { WireError } from "./wire.js";

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

/** A made-up message exercising every kind of field the table describes. */
const schema: ProtoSchema = {
  kinds: {},
  messages: {
    T: {
      1: { json: "name", type: "string", omitZero: true },
      2: { json: "required", type: "string" },
      3: { json: "count", type: "int32", omitZero: true },
      4: { json: "replicas", type: "int32" },
      5: { json: "big", type: "int64" },
      6: { json: "flag", type: "bool", omitZero: true },
      7: { json: "pointerFlag", type: "bool" },
      8: { json: "args", type: "string", repeated: true },
      9: { json: "numbers", type: "int32", repeated: true },
      10: { json: "labels", type: "string", mapKey: "string" },
      11: { json: "data", type: "bytes", mapKey: "string" },
      12: { json: "limits", type: "k8s.io.apimachinery.pkg.api.resource.Quantity", mapKey: "string" },
      13: { json: "child", type: "Child" },
      14: { json: "children", type: "Child", repeated: true },
      15: { json: "source", type: "Source", inline: true },
      16: { json: "created", type: `${META}.Time` },
      17: { json: "renewed", type: `${META}.MicroTime` },
      18: { json: "port", type: "k8s.io.apimachinery.pkg.util.intstr.IntOrString" },
      19: { json: "raw", type: "k8s.io.apimachinery.pkg.runtime.RawExtension" },
      20: { json: "blob", type: "bytes" },
    },
    Child: { 1: { json: "id", type: "string" } },
    Source: { 1: { json: "hostPath", type: "Child" }, 2: { json: "emptyDir", type: "Child" } },
  },
};

const decode = (...parts: number[][]) => decodeMessage(schema, "T", message(...parts));

describe("decodeMessage", () => {
  it("leaves unset fields out and drops Go's zero values where JSON would (omitempty)", () => {
    expect(decode()).toEqual({});
    expect(decode(bytes(1, ""), bytes(2, ""), int(3, 0), int(6, false))).toEqual({ required: "" });
    // Pointers in Go: present on the wire only when set, so a zero is meant.
    expect(decode(int(4, 0), int(7, false))).toEqual({ replicas: 0, pointerFlag: false });
  });

  it("reads varints: negative int32 (10 bytes), int64 beyond 32 bits, bool", () => {
    expect(decode(int(4, -1), int(5, 2n ** 40n), int(6, true))).toEqual({ replicas: -1, big: 2 ** 40, flag: true });
    expect(decode(int(5, -3n))).toEqual({ big: -3 });
  });

  it("reads repeated fields, packed or not", () => {
    expect(decode(bytes(8, "a"), bytes(8, "b"), int(9, 7), packed(9, [0, 300, -2]))).toEqual({ args: ["a", "b"], numbers: [7, 0, 300, -2] });
  });

  it("reads maps; bytes values are base64, Quantity values strings", () => {
    const entry = (no: number, ...parts: number[][]) => bytes(no, parts);
    const out = decode(
      entry(10, bytes(1, "app"), bytes(2, "web")),
      entry(10, bytes(1, "empty")),
      entry(11, bytes(1, "password"), bytes(2, new TextEncoder().encode("s3cret"))),
      entry(12, bytes(1, "cpu"), bytes(2, [bytes(1, "500m")])),
      entry(12, bytes(1, "memory"), bytes(2, [])),
    );
    expect(out).toEqual({
      labels: { app: "web", empty: "" },
      data: { password: Buffer.from("s3cret").toString("base64") },
      limits: { cpu: "500m", memory: "0" },
    });
  });

  it("nests messages, keeps empty ones as {}, and merges inline ones into the parent", () => {
    expect(decode(bytes(13, []), bytes(14, [bytes(1, "a")]), bytes(14, [bytes(1, "b")]))).toEqual({
      child: {},
      children: [{ id: "a" }, { id: "b" }],
    });
    expect(decode(bytes(1, "vol"), bytes(15, [bytes(1, [bytes(1, "/data")])]))).toEqual({ name: "vol", hostPath: { id: "/data" } });
  });

  it("writes the well-known types as Go's JSON does", () => {
    const jan2024 = 1704067200;
    expect(decode(bytes(16, []))).toEqual({ created: null });
    expect(decode(bytes(16, [int(1, jan2024), int(2, 5e8)]))).toEqual({ created: "2024-01-01T00:00:00Z" });
    expect(decode(bytes(17, [int(1, jan2024 + 61), int(2, 123456789)]))).toEqual({ renewed: "2024-01-01T00:01:01.123456Z" });
    expect(decode(bytes(18, [int(2, 8080)]))).toEqual({ port: 8080 });
    expect(decode(bytes(18, [int(1, 1), bytes(3, "http")]))).toEqual({ port: "http" });
    expect(decode(bytes(18, []))).toEqual({ port: 0 });
    expect(decode(bytes(19, [bytes(1, '{"a":[1]}')]))).toEqual({ raw: { a: [1] } });
    expect(decode(bytes(19, []))).toEqual({ raw: null });
    expect(decode(bytes(20, new Uint8Array([0, 255])))).toEqual({ blob: "AP8=" });
  });

  it("skips unknown fields, as Go's unmarshalers do", () => {
    expect(decode(bytes(99, "x"), int(98, 1), bytes(1, "kept"))).toEqual({ name: "kept" });
  });

  it("refuses malformed bytes and wrong wire types, naming the field", () => {
    expect(() => decodeMessage(schema, "T", new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(WireError);
    expect(() => decodeMessage(schema, "T", new Uint8Array([0x20]))).toThrow(WireError);
    expect(() => decode(int(1, 3))).toThrow(/T\.name: expected string/);
    expect(() => decode(bytes(19, [bytes(1, "not json")]))).toThrow(/T\.raw: an embedded raw object is not JSON/);
    expect(() => decode(bytes(16, [int(1, 2n ** 40n)]))).toThrow(/T\.created: time .* is outside years 1-9999/);
    expect(() => decode(bytes(17, [int(1, 0), int(2, -1)]))).toThrow(/T\.renewed: nanos -1/);
    expect(() => decodeMessage(schema, "Missing", new Uint8Array())).toThrow(/no protobuf schema for message Missing/);
  });
});
