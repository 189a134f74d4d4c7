import { describe, expect, it } from "vitest";
import { CycleState, CycleStateError, stateKey } from "./cycle-state.js";

describe("CycleState", () => {
  it("reads back what was written under a typed key", () => {
    const key = stateKey<{ n: number }>("PreFilterX");
    const state = new CycleState();
    state.write(key, { n: 3 });
    expect(state.read(key).n).toBe(3);
  });

  it("explains a read before the write: PreFilter wasn't invoked", () => {
    const state = new CycleState();
    expect(() => state.read(stateKey<number>("PreFilterX"))).toThrow(CycleStateError);
    expect(() => state.read(stateKey<number>("PreFilterX"))).toThrow(/"PreFilterX".*PreFilter\/PreScore wasn't invoked/);
  });
});
