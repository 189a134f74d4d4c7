/**
 * Ages as kubectl prints them: apimachinery's `duration.HumanDuration` (`5s`, `3m20s`, `2d3h`, `3y`),
 * and the printers' `translateTimestampSince` (`<unknown>` for a missing timestamp).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * A human-readable approximation of a duration in milliseconds. Precision shrinks as the
 * duration grows: `119s`, then `2m5s` up to 10 minutes, `45m` up to 3 hours, `5h30m` up to 8
 * hours, `30h` up to 2 days, `3d4h` up to 8 days, `100d` up to 2 years, `2y30d` up to 8 years.
 */
export function humanDuration(ms: number): string {
  // Up to two seconds in the future counts as now, to tolerate clock skew between machines.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The age of an RFC 3339 timestamp at `now`, or `<unknown>` when there is none. */
export function timestampSince(timestamp: string | null | undefined, now: Date): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  return humanDuration(now.getTime() - t);
}

/** The time between two RFC 3339 timestamps (a Job's duration). */
export function durationBetween(start: string, end: string): string {
  return humanDuration(Date.parse(end) - Date.parse(start));
}
