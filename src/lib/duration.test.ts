import { describe, expect, it } from "vitest";
import { durationBetween, humanDuration, timestampSince } from "./duration.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration", () => {
  it.each([
    [-3 * s, "<invalid>"],
    [-1500, "0s"],
    [0, "0s"],
    [5 * s, "5s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [3 * m + 20 * s, "3m20s"],
    [9 * m + 59 * s, "9m59s"],
    [10 * m + 30 * s, "10m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [5 * h + 30 * m, "5h30m"],
    [8 * h + 30 * m, "8h"],
    [47 * h, "47h"],
    [2 * d + 3 * h, "2d3h"],
    [3 * d, "3d"],
    [8 * d, "8d"],
    [729 * d, "729d"],
    [730 * d, "2y"],
    [(365 * 2 + 30) * d, "2y30d"],
    [365 * 9 * d, "9y"],
  ])("%i ms → %s", (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe("timestampSince", () => {
  const now = new Date("2024-05-01T12:00:00Z");
  it("ages an RFC 3339 timestamp", () => {
    expect(timestampSince("2024-05-01T11:55:00Z", now)).toBe("5m");
  });
  it("shows <unknown> without a timestamp", () => {
    expect(timestampSince(undefined, now)).toBe("<unknown>");
    expect(timestampSince("not a date", now)).toBe("<unknown>");
  });
  it("measures between two timestamps", () => {
    expect(durationBetween("2024-05-01T11:00:00Z", "2024-05-01T11:00:42Z")).toBe("42s");
  });
});
