import { describe, expect, it } from "vitest";
import { EXPECTATIONS_TIMEOUT_MS, creationObserved, deletionObserved, expect as expectOps, expiresAt, forget, satisfied } from "./expectations.js";

const now = new Date("2025-01-01T00:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("expectations", () => {
  it("are satisfied once every creation and deletion is observed", () => {
    let t = expectOps({}, "k", 2, ["a", "b"], now);
    expect(satisfied(t, "k", now)).toBe(false);
    t = creationObserved(creationObserved(t, "k"), "k");
    t = deletionObserved(t, "k", "a");
    t = deletionObserved(t, "k", "zzz"); // not one we expected: ignored
    expect(satisfied(t, "k", now)).toBe(false);
    t = deletionObserved(t, "k", "b");
    expect(satisfied(t, "k", now)).toBe(true);
  });

  it("expire after five minutes", () => {
    const t = expectOps({}, "k", 1, [], now);
    expect(satisfied(t, "k", later(EXPECTATIONS_TIMEOUT_MS))).toBe(false);
    expect(satisfied(t, "k", later(EXPECTATIONS_TIMEOUT_MS + 1))).toBe(true);
    expect(expiresAt(t, "k", now)).toBe(now.getTime() + EXPECTATIONS_TIMEOUT_MS + 1);
  });

  it("are plain data: serialisable, and updated without mutation", () => {
    const t = expectOps({}, "k", 1, ["u"], now);
    const copy = JSON.parse(JSON.stringify(t));
    expect(creationObserved(copy, "k")).not.toBe(copy);
    expect(copy.k.add).toBe(1);
    expect(forget(t, "k")).toEqual({});
    expect(creationObserved({}, "missing")).toEqual({});
  });
});
