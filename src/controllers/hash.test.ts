import { describe, expect, it } from "vitest";
import { canonicalJson, computeHash, fnv32a, podTemplateHash, safeEncodeString, templatesEqualIgnoringHash } from "./hash.js";

const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };

describe("hash", () => {
  it("FNV-32a matches the reference vectors", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fnv32a(enc(""))).toBe(0x811c9dc5);
    expect(fnv32a(enc("a"))).toBe(0xe40c292c);
    expect(fnv32a(enc("foobar"))).toBe(0xbf9cf968);
  });

  it("SafeEncodeString maps into the vowel-free alphabet", () => {
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  it("pod-template-hash: 8–10 safe characters, stable, ignoring key order and the hash label", () => {
    const h = podTemplateHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    const reordered = { spec: { containers: [{ image: "nginx", name: "c" }] }, metadata: { labels: { app: "web", "pod-template-hash": "x" } } };
    expect(podTemplateHash(reordered)).toBe(h);
    expect(podTemplateHash(template, 1)).not.toBe(h);
    expect(podTemplateHash({ ...template, spec: { containers: [{ name: "c", image: "nginx:2" }] } })).not.toBe(h);
  });

  it("semantic equality: empty maps and lists equal missing ones", () => {
    expect(canonicalJson({ a: {}, b: [], c: null, d: 1 })).toBe('{"d":1}');
    const withEmpties = { metadata: { labels: { app: "web" }, annotations: {} }, spec: { containers: [{ name: "c", image: "nginx", env: [] }] } };
    expect(templatesEqualIgnoringHash(template, withEmpties)).toBe(true);
    expect(templatesEqualIgnoringHash(template, { ...template, metadata: { labels: { app: "api" } } })).toBe(false);
  });

  it("collision count changes the hash", () => {
    expect(computeHash({ a: 1 }, 0)).not.toBe(computeHash({ a: 1 }));
  });
});
