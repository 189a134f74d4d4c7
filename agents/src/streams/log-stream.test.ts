import { describe, expect, it } from "vitest";
import { runtimeLogOptions } from "./log-stream.js";

describe("runtimeLogOptions", () => {
  const base = { follow: true, previous: false, timestamps: true, tailLines: 5 };
  const now = Date.parse("2026-01-01T00:00:10Z");
  it("turns sinceSeconds and sinceTime into one absolute time", () => {
    expect(runtimeLogOptions({ ...base, sinceSeconds: 10 }, now)).toEqual({ follow: true, tailLines: 5, timestamps: true, since: Date.parse("2026-01-01T00:00:00Z") / 1000 });
    expect(runtimeLogOptions({ ...base, sinceTime: "2026-01-01T00:00:05Z" }, now).since).toBe(Date.parse("2026-01-01T00:00:05Z") / 1000);
    expect(runtimeLogOptions(base, now).since).toBeUndefined();
  });
});
