/**
 * Probe bookkeeping, as kubelet's prober worker keeps it: when a probe is due, how results count
 * against `successThreshold` / `failureThreshold`, and the result the pod sees. Pure: the shell
 * (probe-runner.ts) runs the probes at `nextDueAt` and feeds results in.
 *
 * Initial results are upstream's: readiness starts as Failure (not ready until it passes),
 * liveness as Success, startup as Unknown (not started). A failed liveness or startup result
 * puts the probe on hold until the container is replaced, so it is not restarted twice.
 */
import type { Container } from "../../../src/lib/types.js";

export type ProbeKind = "startup" | "liveness" | "readiness";
export type ProbeResult = "success" | "failure" | "unknown";
export type ProbeSpec = NonNullable<Container["livenessProbe"]>;

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The timing of a probe, with Kubernetes' defaults (period 10 s, timeout 1 s, thresholds 1 and 3). */
export function probeTiming(spec: ProbeSpec, kind: ProbeKind): ProbeTiming {
  return {
    initialDelayMs: (spec.initialDelaySeconds ?? 0) * 1000,
    periodMs: (spec.periodSeconds || 10) * 1000,
    timeoutMs: (spec.timeoutSeconds || 1) * 1000,
    // Liveness and startup probes must have successThreshold 1 (validation enforces it upstream).
    successThreshold: kind === "readiness" ? spec.successThreshold || 1 : 1,
    failureThreshold: spec.failureThreshold || 3,
  };
}

export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === "readiness" ? "failure" : kind === "liveness" ? "success" : "unknown";
}

export class ProbeState {
  readonly timing: ProbeTiming;
  /** The result the pod sees (after thresholds). */
  result: ProbeResult;
  /** Consecutive raw results equal to `lastRaw`. */
  private run = 0;
  private lastRaw: ProbeResult = "unknown";
  private lastProbeAt: number | undefined;
  /** After a liveness/startup failure: no more probing of this container. */
  onHold = false;

  constructor(
    readonly kind: ProbeKind,
    spec: ProbeSpec,
    /** The container this state belongs to; a new container gets a new state. */
    readonly containerId: string,
    /** When the container started (ms). */
    readonly startedAt: number,
  ) {
    this.timing = probeTiming(spec, kind);
    this.result = initialResult(kind);
  }

  /** When the next probe should run (ms), or undefined while on hold. */
  nextDueAt(): number | undefined {
    if (this.onHold) return undefined;
    if (this.lastProbeAt === undefined) return this.startedAt + this.timing.initialDelayMs;
    return this.lastProbeAt + this.timing.periodMs;
  }

  /**
   * Count one raw result at `now`. Returns true when the result the pod sees changed.
   * Example: failureThreshold 3 → failure, failure leave a Success liveness alone; the third flips it.
   */
  record(raw: ProbeResult, now: number): boolean {
    this.lastProbeAt = now;
    if (raw === this.lastRaw) this.run++;
    else {
      this.lastRaw = raw;
      this.run = 1;
    }
    if (raw === "unknown") return false;
    const threshold = raw === "failure" ? this.timing.failureThreshold : this.timing.successThreshold;
    if (this.run < threshold) return false;
    const changed = this.result !== raw;
    this.result = raw;
    if (raw === "failure" && this.kind !== "readiness") {
      this.onHold = true;
      this.run = 0;
    }
    return changed;
  }
}
