/**
 * CronJob schedules as Kubernetes reads them: robfig/cron's `ParseStandard`, which both the
 * CronJob validation and the controller use upstream. An optional `TZ=`/`CRON_TZ=` prefix, then
 * `@every <Go duration>`, a descriptor (`@hourly` … `@yearly`), or exactly five fields with
 * month and weekday names but none of cron-parser's extensions (`L`, `W`, `#`, `H`). The fields
 * are checked and stepped through by `cron-parser`. Errors are worded as robfig's.
 */
import { CronExpressionParser } from "cron-parser";

/** A parsed schedule: the first activation strictly after a time, if there is one. */
export interface CronSchedule {
  next(after: Date): Date | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const NAMES = /\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;
const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const GO_DURATION_RE = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;

/** Whether the runtime knows an IANA zone name (Go's `time.LoadLocation`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A Go duration (`1h30m`, `90s`) in milliseconds, or undefined when it is not one. */
function goDurationMs(text: string): number | undefined {
  if (!GO_DURATION_RE.test(text)) return undefined;
  return [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)].reduce((ms, [, n, unit]) => ms + Number(n) * GO_DURATION_UNITS[unit!]!, 0);
}

/** robfig's `ConstantDelaySchedule`: at least a second, activations on whole seconds. */
function everySchedule(spec: string, text: string): CronSchedule {
  const ms = goDurationMs(text);
  if (ms === undefined) throw new Error(`failed to parse duration ${spec}: time: invalid duration "${text}"`);
  const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
  return { next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + delay) };
}

function cronSchedule(spec: string, expression: string, timeZone: string): CronSchedule {
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  if (!/^[\d*?,/\- ]*$/.test(fields.join(" ").replace(NAMES, "0"))) throw new Error(`unsupported character in schedule: ${spec}`);
  CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(0) }).next();
  return {
    next(after) {
      try {
        return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after }).next().toDate();
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Parses `schedule`, run in `timeZone` unless it carries a `TZ=` prefix of its own.
 * Throws an Error with robfig/cron's message when Kubernetes would refuse it.
 */
export function parseCronSchedule(schedule: string, timeZone = "UTC"): CronSchedule {
  let spec = schedule.trim();
  if (!spec) throw new Error("empty spec string");
  const tz = /^(?:CRON_)?TZ=(\S*)\s*/.exec(spec);
  if (tz) {
    timeZone = tz[1]!;
    if (!isValidTimeZone(timeZone)) throw new Error(`provided bad location ${timeZone}: unknown time zone ${timeZone}`);
    spec = spec.slice(tz[0].length);
  } else if (!isValidTimeZone(timeZone)) {
    throw new Error(`unknown time zone ${timeZone}`);
  }
  if (spec.startsWith("@every ")) return everySchedule(spec, spec.slice("@every ".length).trim());
  if (spec.startsWith("@")) {
    const expression = DESCRIPTORS[spec];
    if (!expression) throw new Error(`unrecognized descriptor: ${spec}`);
    return cronSchedule(spec, expression, timeZone);
  }
  return cronSchedule(spec, spec, timeZone);
}
