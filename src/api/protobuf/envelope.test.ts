// The decoder on bytes the real kubectl (v1.32.4) sent for its generator commands, each checked
// against the JSON the same command writes with `--dry-run=client -o json`: the protobuf path
// must hand the registry exactly what the JSON path would.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeKubernetesProtobuf } from "./envelope.js";
import { bytes, envelope, message } from "./testing.js";

const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/protobuf");
const captured = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".hex"))
  .map((f) => f.slice(0, -".hex".length));

function fixtureBytes(name: string): Uint8Array {
  const hex = readFileSync(join(FIXTURES, `${name}.hex`), "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .join("");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

describe("decodeKubernetesProtobuf on kubectl's bytes", () => {
  it("has the captures", () => {
    expect(captured).toEqual(expect.arrayContaining(["configmap", "cronjob", "deployment", "job", "namespace", "secret", "service-clusterip"]));
  });

  it.each(captured)("%s decodes to what kubectl writes as JSON", (name) => {
    const json: unknown = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8"));
    expect(decodeKubernetesProtobuf(fixtureBytes(name))).toEqual(json);
  });
});

describe("decodeKubernetesProtobuf errors", () => {
  const status = (code: number, message: RegExp) => expect.objectContaining({ code, message: expect.stringMatching(message) });

  it("400 without the k8s magic", () => {
    expect(() => decodeKubernetesProtobuf(new TextEncoder().encode('{"kind":"Pod"}'))).toThrow(status(400, /expected prefix \[107 56 115 0\]/));
  });

  it("400 for a kind we have no message for", () => {
    expect(() => decodeKubernetesProtobuf(envelope("v1", "Widget", message()))).toThrow(status(400, /no kind "Widget" is registered for version "v1"/));
    expect(() => decodeKubernetesProtobuf(envelope("", "", message()))).toThrow(status(400, /Kind' is missing/));
  });

  it("400 for truncated or mistyped bytes, naming the field", () => {
    const full = fixtureBytes("configmap");
    expect(() => decodeKubernetesProtobuf(full.subarray(0, full.length - 3))).toThrow(status(400, /unable to decode the protobuf body/));
    const badName = envelope("v1", "ConfigMap", message(bytes(1, [[0x08, 0x01]])));
    expect(() => decodeKubernetesProtobuf(badName)).toThrow(status(400, /ObjectMeta\.name: expected string/));
  });

  it("400 for a content encoding (upstream writes none)", () => {
    const body = message([0x6b, 0x38, 0x73, 0x00], bytes(1, [bytes(1, "v1"), bytes(2, "ConfigMap")]), bytes(3, "gzip"));
    expect(() => decodeKubernetesProtobuf(body)).toThrow(status(400, /content encoding "gzip"/));
  });
});
