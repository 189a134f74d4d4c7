import { describe, expect, it } from "vitest";
import { ProbeState, probeTiming } from "./probe-state.js";

const T0 = 1_000_000;

describe("probeTiming", () => {
  it("applies Kubernetes' defaults", () => {
    expect(probeTiming({ httpGet: { port: 80 } }, "readiness")).toEqual({
      initialDelayMs: 0,
      periodMs: 10_000,
      timeoutMs: 1000,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(probeTiming({ initialDelaySeconds: 40, periodSeconds: 2, successThreshold: 3 }, "liveness").successThreshold).toBe(1);
  });
});

describe("ProbeState", () => {
  it("starts readiness as failure, liveness as success, startup as unknown", () => {
    expect(new ProbeState("readiness", {}, "c1", T0).result).toBe("failure");
    expect(new ProbeState("liveness", {}, "c1", T0).result).toBe("success");
    expect(new ProbeState("startup", {}, "c1", T0).result).toBe("unknown");
  });

  it("is first due after the initial delay, then every period", () => {
    const p = new ProbeState("readiness", { initialDelaySeconds: 40, periodSeconds: 5 }, "c1", T0);
    expect(p.nextDueAt()).toBe(T0 + 40_000);
    p.record("failure", T0 + 40_000);
    expect(p.nextDueAt()).toBe(T0 + 45_000);
  });

  it.each([
    { kind: "readiness" as const, spec: { successThreshold: 2 }, raws: ["success", "success"], results: ["failure", "success"] },
    { kind: "readiness" as const, spec: {}, raws: ["success", "failure", "failure", "failure"], results: ["success", "success", "success", "failure"] },
    { kind: "liveness" as const, spec: { failureThreshold: 2 }, raws: ["failure", "success", "failure", "failure"], results: ["success", "success", "success", "failure"] },
    { kind: "startup" as const, spec: {}, raws: ["failure", "success"], results: ["unknown", "success"] },
  ])("$kind counts $raws against its thresholds", ({ kind, spec, raws, results }) => {
    const p = new ProbeState(kind, spec, "c1", T0);
    const seen = raws.map((r, i) => {
      p.record(r as "success" | "failure", T0 + i * 10_000);
      return p.result;
    });
    expect(seen).toEqual(results);
  });

  it("holds a failed liveness probe until the container is replaced", () => {
    const p = new ProbeState("liveness", { failureThreshold: 1 }, "c1", T0);
    expect(p.record("failure", T0)).toBe(true);
    expect(p.onHold).toBe(true);
    expect(p.nextDueAt()).toBeUndefined();
  });

  it("does not count unknown results", () => {
    const p = new ProbeState("readiness", {}, "c1", T0);
    expect(p.record("unknown", T0)).toBe(false);
    expect(p.result).toBe("failure");
  });
});
