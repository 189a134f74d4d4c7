import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "./cron-schedule.js";

const at = (iso: string) => new Date(iso);
const next = (schedule: string, after: string, timeZone?: string) => parseCronSchedule(schedule, timeZone).next(at(after))?.toISOString();
const error = (schedule: string) => {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

describe("parseCronSchedule (robfig/cron ParseStandard)", () => {
  it.each([
    ["*/5 * * * *", undefined],
    ["0 9 * * MON-FRI", undefined],
    ["0 0 ? * SUN", undefined],
    ...["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"].map((d) => [d, undefined]),
    ["@every 1h30m", undefined],
    ["CRON_TZ=Europe/Paris 0 6 * * *", undefined],
    ["", "empty spec string"],
    ["@minutely", "unrecognized descriptor: @minutely"],
    ["@every 5x", 'failed to parse duration @every 5x: time: invalid duration "5x"'],
    ["* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"],
    ["* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
    ["0 0 L * *", "unsupported character in schedule: 0 0 L * *"],
    ["0 0 * * 1#2", "unsupported character in schedule: 0 0 * * 1#2"],
    ["TZ=Mars/Base 0 * * * *", "provided bad location Mars/Base: unknown time zone Mars/Base"],
  ] as Array<[string, string | undefined]>)("%s → %s", (schedule, message) => {
    expect(error(schedule)).toBe(message);
  });

  it("refuses out-of-range fields", () => {
    expect(error("61 * * * *")).toBeTruthy();
  });

  it("steps through five-field schedules and descriptors", () => {
    expect(next("*/5 * * * *", "2025-01-01T00:03:00Z")).toBe("2025-01-01T00:05:00.000Z");
    expect(next("@daily", "2025-01-01T00:00:00Z")).toBe("2025-01-02T00:00:00.000Z");
  });

  it("follows the time zone given, or the schedule's own TZ prefix", () => {
    expect(next("0 9 * * *", "2025-01-01T00:00:00Z", "Europe/Paris")).toBe("2025-01-01T08:00:00.000Z");
    expect(next("CRON_TZ=America/New_York 0 9 * * *", "2025-01-01T00:00:00Z", "Europe/Paris")).toBe("2025-01-01T14:00:00.000Z");
  });

  it("runs @every on whole seconds, at least a second apart", () => {
    expect(next("@every 90s", "2025-01-01T00:00:00.500Z")).toBe("2025-01-01T00:01:30.000Z");
    expect(next("@every 10ms", "2025-01-01T00:00:00Z")).toBe("2025-01-01T00:00:01.000Z");
  });
});
