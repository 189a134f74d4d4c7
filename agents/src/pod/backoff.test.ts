import { describe, expect, it } from "vitest";
import { ManualClock, goDuration } from "../clock.js";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("lets the first restart through, then waits 10 s doubling to 5 min", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const finished = clock.now();
      if (b.isInBackOffSince("c", finished)) {
        const until = b.releaseAt("c", finished)!;
        waits.push(until - finished);
        clock.advance(until - finished);
      }
      expect(b.isInBackOffSince("c", finished)).toBe(false);
      b.next("c", finished);
      clock.advance(1000); // crashes one second after starting
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it("starts over after 10 minutes of good running", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock);
    b.next("c", clock.now());
    clock.advance(1000);
    b.next("c", clock.now());
    expect(b.get("c")).toBe(20_000);
    clock.advance(10 * 60_000 + 1000); // runs for more than 2 × max
    expect(b.isInBackOffSince("c", clock.now())).toBe(false);
    b.next("c", clock.now());
    expect(b.get("c")).toBe(10_000);
  });

  it("keeps keys apart and forgets them", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock);
    b.next("pod1/a", clock.now());
    b.next("pod1/a", clock.now());
    expect(b.isInBackOffSince("pod1/a", clock.now())).toBe(true);
    expect(b.isInBackOffSince("pod2/a", clock.now())).toBe(false);
    b.forget((k) => k.startsWith("pod1/"));
    expect(b.isInBackOffSince("pod1/a", clock.now())).toBe(false);
  });

  it("prints waits as Go durations", () => {
    expect([10_000, 80_000, 300_000].map(goDuration)).toEqual(["10s", "1m20s", "5m0s"]);
  });
});
