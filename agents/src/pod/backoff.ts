/**
 * Crash and image-pull back-off, as client-go's `flowcontrol.Backoff` that kubelet uses: the
 * first failure is retried at once, then the wait starts at 10 s and doubles up to 5 min. An
 * entry is forgotten once the event being judged (a container's finish) comes more than twice
 * the maximum (10 min) after the last restart: a container that ran well for 10 minutes starts
 * over at 10 s. Example: crashes at t=0, 1 s, 12 s, 33 s restart at 0 s, 11 s (10 s after the
 * second finish), 32 s (20 s), 73 s (40 s).
 */
import type { Clock } from "../clock.js";

export const CRASH_BACKOFF_INITIAL_MS = 10_000;
export const CRASH_BACKOFF_MAX_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = CRASH_BACKOFF_INITIAL_MS,
    readonly maxMs = CRASH_BACKOFF_MAX_MS,
  ) {}

  /** The current wait for `key`, 0 when it has none. */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Record a retry of `key` after an event at `eventTime` (ms): start at the initial wait or double it. */
  next(key: string, eventTime: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
    } else {
      entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
      entry.lastUpdate = this.clock.now();
    }
  }

  /** Whether a retry of `key` for an event at `eventTime` must still wait. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) return false;
    return this.clock.now() - eventTime < entry.backoffMs;
  }

  /** When the back-off for an event at `eventTime` ends (ms), or undefined if there is none. */
  releaseAt(key: string, eventTime: number): number | undefined {
    return this.isInBackOffSince(key, eventTime) ? eventTime + this.get(key) : undefined;
  }

  /** Forget keys that satisfy `drop` (a deleted pod's containers). */
  forget(drop: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (drop(key)) this.entries.delete(key);
  }

  private hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }
}
