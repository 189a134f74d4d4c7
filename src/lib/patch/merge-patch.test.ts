import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { applyMergePatch } from "./merge-patch.js";

describe("JSON merge patch", () => {
  it.each([
    // RFC 7386 appendix A, a selection.
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%j + %j = %j", (target, patch, want) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });

  it("is what `kubectl label` sends, and leaves the target untouched", () => {
    const live = { metadata: { name: "web", labels: { app: "web" } }, spec: { replicas: 1 } };
    const out = applyMergePatch(live, '{"metadata":{"labels":{"team":"x"}}}');
    expect(out.metadata.labels).toEqual({ app: "web", team: "x" });
    expect(live.metadata.labels).toEqual({ app: "web" });
  });

  it("refuses a patch that is not an object", () => {
    expect(() => applyMergePatch({}, [1])).toThrow(ApiError);
  });
});
