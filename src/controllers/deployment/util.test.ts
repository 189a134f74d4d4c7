import { describe, expect, it } from "vitest";
import type { Deployment, ReplicaSet } from "../../lib/types.js";
import { maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts, scaledValue } from "./util.js";

function d(replicas: number, surge: number | string, unavailable: number | string, status = 0): Deployment {
  return {
    metadata: { name: "web" },
    spec: { replicas, selector: {}, template: {}, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
    status: { replicas: status },
  };
}
const rs = (replicas: number, max?: number): ReplicaSet => ({
  metadata: { name: "rs", annotations: max !== undefined ? { "deployment.kubernetes.io/max-replicas": String(max) } : {} },
  spec: { replicas, selector: {} },
});

describe("deployment arithmetic", () => {
  it.each<[number | string, number, boolean, number]>([
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["50%", 3, true, 2],
    ["50%", 3, false, 1],
    [4, 10, true, 4],
    ["7", 10, false, 7],
  ])("scaledValue(%j of %i, roundUp %s) = %i", (v, total, up, want) => {
    expect(scaledValue(v, total, up)).toBe(want);
  });

  it.each<[number | string, number | string, number, [number, number]]>([
    ["25%", "25%", 10, [3, 2]],
    ["25%", "25%", 1, [1, 0]],
    [0, 0, 5, [0, 1]],
    ["0%", "0%", 5, [0, 1]],
    [1, 0, 10, [1, 0]],
  ])("resolveFenceposts(%j, %j, %i) = %j", (s, u, n, want) => {
    expect(resolveFenceposts(s, u, n)).toEqual(want);
  });

  it("maxUnavailable never exceeds replicas, and Recreate has neither", () => {
    expect(maxUnavailable(d(2, 0, 5))).toBe(2);
    expect(maxSurge(d(2, 3, 0))).toBe(3);
    const recreate = { ...d(2, 3, 1), spec: { ...d(2, 3, 1).spec!, strategy: { type: "Recreate" } } };
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
  });

  it.each<[string, number, number[], number, number]>([
    ["fresh rollout, surge 3", 10, [10, 0], 0, 3],
    ["surge used up", 10, [10, 3], 3, 3],
    ["room after old scaled down", 10, [6, 3], 3, 7],
    ["never beyond replicas", 10, [0, 9], 9, 10],
  ])("newRSNewReplicas: %s", (_name, replicas, sizes, newSize, want) => {
    const sets = sizes.map((n) => rs(n));
    const newRS = sets[1];
    newRS.spec!.replicas = newSize;
    expect(newRSNewReplicas(d(replicas, 3, 2), sets, newRS)).toBe(want);
  });

  it("proportion follows the max-replicas annotation, capped by what is left", () => {
    // 10 → 20 with surge 3: 23 allowed; an RS of 8 sized for 13 gets round(8·23/13) − 8 = 6.
    expect(proportion(rs(8, 13), d(20, 3, 2), 10, 0)).toBe(6);
    expect(proportion(rs(8, 13), d(20, 3, 2), 10, 7)).toBe(3);
    // Scaling down to 0 empties it.
    expect(proportion(rs(5, 13), d(0, 3, 2), -5, 0)).toBe(-5);
  });
});
