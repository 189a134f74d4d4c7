import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../testing/builders.js";
import { CycleState } from "./cycle-state.js";
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "./interface.js";
import type { NodeInfo } from "./node-info.js";
import { Snapshot } from "./node-info.js";
import { newPodInfo } from "./pod-info.js";
import { Framework, type Registry } from "./runtime.js";
import { SKIP, SUCCESS, unresolvable, unschedulable } from "./status.js";

const snapshot = new Snapshot({ nodes: ["a", "b", "c"].map((n) => makeNode(n)), pods: [] });
const handle = { snapshot: () => snapshot };
const pod = newPodInfo(makePod("p"));
const calls: string[] = [];

const registry: Registry = {
  RejectB: (): FilterPlugin => ({
    name: "RejectB",
    events: ["NodeAdd"],
    filter: (_s, _p, n: NodeInfo) => (n.name === "b" ? unschedulable("no b") : SUCCESS),
  }),
  RejectAll: (): FilterPlugin => ({
    name: "RejectAll",
    filter: (_s, _p, n: NodeInfo) => {
      calls.push(n.name);
      return unresolvable("nothing");
    },
  }),
  SkipMe: (): PreFilterPlugin & FilterPlugin => ({
    name: "SkipMe",
    preFilter: () => ({ status: SKIP }),
    filter: () => unresolvable("should not run"),
  }),
  OnlyA: (): PreFilterPlugin => ({ name: "OnlyA", preFilter: () => ({ status: SUCCESS, result: { nodeNames: new Set(["a", "b"]) } }) }),
  OnlyC: (): PreFilterPlugin => ({ name: "OnlyC", preFilter: () => ({ status: SUCCESS, result: { nodeNames: new Set(["c"]) } }) }),
  Throws: (): FilterPlugin => ({
    name: "Throws",
    filter: () => {
      throw new Error("boom");
    },
  }),
  // Raw scores a=1 b=2 c=3, normalised to percent of the maximum.
  Rank: (): ScorePlugin => ({
    name: "Rank",
    score: (_s, _p, n: NodeInfo) => ({ a: 1, b: 2, c: 3 })[n.name as "a" | "b" | "c"],
    normalizeScore: (_s, _p, scores) => scores.forEach((s) => (s.score = Math.trunc((s.score * 100) / 3))),
  }),
  Flat: (): ScorePlugin => ({ name: "Flat", score: () => 10 }),
  Invalid: (): ScorePlugin => ({ name: "Invalid", score: () => 101 }),
  Skipped: (): PreScorePlugin & ScorePlugin => ({ name: "Skipped", preScore: () => SKIP, score: () => 100 }),
};

const framework = (...plugins: [string, number?][]) =>
  new Framework({ schedulerName: "test", plugins: plugins.map(([name, weight]) => ({ name, weight })) }, registry, handle);

describe("Framework", () => {
  it("rejects an unknown plugin name", () => {
    expect(() => framework(["Nope"])).toThrow(/plugin "Nope" is not registered/);
  });

  it("runs filters in order, stops at the first rejection and names the plugin", () => {
    calls.length = 0;
    const f = framework(["RejectB"], ["RejectAll"]);
    const state = new CycleState();
    const b = f.runFilter(state, pod, snapshot.get("b")!);
    expect(b).toMatchObject({ code: "Unschedulable", reasons: ["no b"], plugin: "RejectB" });
    expect(calls).toEqual([]);
    expect(f.runFilter(state, pod, snapshot.get("a")!)).toMatchObject({ code: "UnschedulableAndUnresolvable", plugin: "RejectAll" });
  });

  it("skips a plugin's Filter when its PreFilter returned Skip", () => {
    const f = framework(["SkipMe"]);
    const state = new CycleState();
    expect(f.runPreFilter(state, pod, snapshot.nodeInfos).status.code).toBe("Success");
    expect(f.runFilter(state, pod, snapshot.get("a")!).code).toBe("Success");
  });

  it("intersects PreFilter node sets and explains an empty intersection", () => {
    expect([...framework(["OnlyA"]).runPreFilter(new CycleState(), pod, []).result!.nodeNames!]).toEqual(["a", "b"]);
    const out = framework(["OnlyA"], ["OnlyC"]).runPreFilter(new CycleState(), pod, []);
    expect(out.status).toMatchObject({
      code: "Unschedulable",
      reasons: ["node(s) didn't satisfy plugin(s) [OnlyA OnlyC] simultaneously"],
    });
  });

  it("turns a plugin's exception into an Error status naming it", () => {
    const s = framework(["Throws"]).runFilter(new CycleState(), pod, snapshot.get("a")!);
    expect(s).toMatchObject({ code: "Error", plugin: "Throws" });
    expect(s.reasons[0]).toMatch(/boom/);
  });

  it("normalises each plugin's scores, weights them and sums", () => {
    const f = framework(["Rank", 2], ["Flat", 3]);
    const state = new CycleState();
    f.runPreScore(state, pod, snapshot.nodeInfos);
    const { totals, status } = f.runScore(state, pod, snapshot.nodeInfos);
    expect(status.code).toBe("Success");
    // Rank normalised: 33, 66, 100 (×2); Flat: 10 (×3).
    expect(totals).toEqual([33 * 2 + 30, 66 * 2 + 30, 100 * 2 + 30]);
  });

  it("skips the Score of a plugin whose PreScore returned Skip", () => {
    const f = framework(["Skipped"], ["Flat"]);
    const state = new CycleState();
    f.runPreScore(state, pod, snapshot.nodeInfos);
    expect(f.runScore(state, pod, snapshot.nodeInfos).totals).toEqual([10, 10, 10]);
  });

  it("rejects scores outside [0, 100] after normalisation", () => {
    const { status } = framework(["Invalid"]).runScore(new CycleState(), pod, snapshot.nodeInfos);
    expect(status).toMatchObject({ code: "Error", plugin: "Invalid" });
    expect(status.reasons[0]).toMatch(/invalid score 101/);
  });

  it("knows which events could help a pod rejected by which plugins", () => {
    const f = framework(["RejectB"], ["RejectAll"]);
    expect(f.isInterested("NodeAdd", new Set(["RejectB"]))).toBe(true);
    expect(f.isInterested("AssignedPodDelete", new Set(["RejectB"]))).toBe(false);
    expect(f.isInterested("NodeAdd", new Set(["RejectAll"]))).toBe(false);
    expect(f.isInterested("AssignedPodDelete", new Set())).toBe(true);
  });
});
