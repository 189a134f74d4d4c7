/**
 * Structured logs, one JSON object per line on stderr, with the context that identifies what
 * they are about (`{ pod: "ns/name", containerId }`), as testcontainers' logger carries them.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  with(fields: Record<string, unknown>): Logger;
}

export function createLogger(level: LogLevel = "info", base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const emit = (l: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[l] < RANK[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...base, ...fields }));
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    with: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}
