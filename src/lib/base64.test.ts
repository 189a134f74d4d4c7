import { describe, expect, it } from "vitest";
import { base64ToBytes, base64ToUtf8, bytesToBase64, utf8ToBase64 } from "./base64.js";

describe("base64", () => {
  it("encodes text as UTF-8 and bytes as they are, and back", () => {
    expect(utf8ToBase64("hunter2")).toBe("aHVudGVyMg==");
    expect(base64ToUtf8(utf8ToBase64("héllo ✓"))).toBe("héllo ✓");
    expect(bytesToBase64(new Uint8Array([0, 255, 128]))).toBe("AP+A");
    expect([...base64ToBytes("AP+A")]).toEqual([0, 255, 128]);
  });

  it("takes inputs too large to spread into one call", () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    expect(base64ToBytes(bytesToBase64(big))).toEqual(big);
  });

  it("throws on malformed input", () => {
    expect(() => base64ToBytes("not base64!")).toThrow();
  });
});
