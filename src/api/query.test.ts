import { describe, expect, it } from "vitest";
import { deleteOptionsOf, listOptionsOf, patchOptionsOf, watchOptionsOf, writeOptionsOf } from "./query.js";

describe("query options", () => {
  it("list options", () => {
    expect(listOptionsOf({ limit: "500", continue: "abc", resourceVersion: "0" })).toMatchObject({ limit: 500, continue: "abc" });
    expect(() => listOptionsOf({ limit: "-1" })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => listOptionsOf({ continue: "abc", resourceVersion: "5" })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => listOptionsOf({ resourceVersionMatch: "Exact" })).toThrow(expect.objectContaining({ code: 400 }));
  });

  it("watch timeouts are capped at 30 min plus a random part", () => {
    expect(watchOptionsOf({}, () => 0.5).timeoutSeconds).toBe(2700);
    expect(watchOptionsOf({ timeoutSeconds: "60" }, () => 0).timeoutSeconds).toBe(60);
    expect(watchOptionsOf({ timeoutSeconds: "999999" }, () => 0).timeoutSeconds).toBe(1800);
    expect(watchOptionsOf({ allowWatchBookmarks: "true" }).allowWatchBookmarks).toBe(true);
  });

  it("write and patch options", () => {
    expect(writeOptionsOf({ dryRun: "All", fieldValidation: "Warn" })).toMatchObject({ dryRun: true, fieldValidation: "Warn" });
    expect(() => writeOptionsOf({ dryRun: "Some" })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => writeOptionsOf({ fieldValidation: "Loose" })).toThrow(expect.objectContaining({ code: 400 }));
    expect(patchOptionsOf({ fieldManager: "kubectl", force: "true" }, true)).toMatchObject({ force: true, fieldManager: "kubectl" });
  });

  it("delete options: the body overrides the query", () => {
    expect(deleteOptionsOf({ gracePeriodSeconds: "5", propagationPolicy: "Orphan" }, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground", preconditions: { uid: "u" } })).toEqual({
      gracePeriodSeconds: 5,
      propagationPolicy: "Foreground",
      preconditions: { uid: "u" },
      dryRun: false,
    });
    expect(deleteOptionsOf({}, { dryRun: ["All"] }).dryRun).toBe(true);
    expect(() => deleteOptionsOf({}, { kind: "Pod" })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => deleteOptionsOf({ gracePeriodSeconds: "x" }, undefined)).toThrow(expect.objectContaining({ code: 400 }));
  });
});
