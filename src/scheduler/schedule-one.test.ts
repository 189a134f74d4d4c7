import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../lib/types.js";
import { Snapshot, type NodeInfo } from "./framework/node-info.js";
import { newPodInfo } from "./framework/pod-info.js";
import { Framework } from "./framework/runtime.js";
import { inTreeRegistry } from "./plugins/registry.js";
import { defaultProfile } from "./profile.js";
import { SchedulingAlgorithm, numFeasibleNodesToFind, selectHost } from "./schedule-one.js";
import { makeNode, makePod, seededRandom } from "./testing/builders.js";

function setup(nodes: Node[], pods: Pod[] = [], seed = 1) {
  let snapshot = new Snapshot({ nodes, pods });
  const framework = new Framework(defaultProfile, inTreeRegistry, { snapshot: () => snapshot });
  const algorithm = new SchedulingAlgorithm(framework, seededRandom(seed));
  /** Schedules and assumes each pod in turn; returns the node of each (or its message). */
  const place = (...toPlace: Pod[]) =>
    toPlace.map((p) => {
      const info = newPodInfo(p);
      const out = algorithm.schedule(info, snapshot);
      if (out.kind !== "scheduled") return out.message;
      snapshot.assume(info, out.node);
      return out.node;
    });
  return { place, algorithm, reset: () => (snapshot = new Snapshot({ nodes, pods })) };
}

const tally = (names: string[]) => names.reduce<Record<string, number>>((t, n) => ({ ...t, [n]: (t[n] ?? 0) + 1 }), {});

describe("numFeasibleNodesToFind", () => {
  it.each([
    [50, 50],
    [100, 100],
    [200, 100], // 49% of 200 = 98, at least 100
    [1000, 420], // 50 - 1000/125 = 42%
    [5000, 500], // 10%
    [10000, 500], // at least 5%
  ])("%d nodes → %d", (nodes, want) => expect(numFeasibleNodesToFind(nodes)).toBe(want));

  it("honours a profile percentage, still at least 100", () => {
    expect(numFeasibleNodesToFind(1000, 50)).toBe(500);
    expect(numFeasibleNodesToFind(1000, 1)).toBe(100);
  });
});

describe("selectHost", () => {
  const nodes = ["a", "b", "c"].map((n) => ({ name: n }) as NodeInfo);
  it("takes the highest total", () => {
    expect(selectHost(nodes, [10, 30, 20], seededRandom()).name).toBe("b");
  });
  it("picks evenly among equal totals", () => {
    const rng = seededRandom(7);
    const picks = tally(Array.from({ length: 3000 }, () => selectHost(nodes, [5, 5, 5], rng).name));
    for (const n of ["a", "b", "c"]) expect(picks[n]).toBeGreaterThan(900);
  });
});

describe("scheduling cycle", () => {
  it("spreads identical pods over identical nodes: 6 on 3 land 2/2/2", () => {
    const { place } = setup(["a", "b", "c"].map((n) => makeNode(n)));
    const pods = Array.from({ length: 6 }, (_, i) => makePod(`p${i}`, { cpu: "100m", memory: "128Mi" }));
    expect(tally(place(...pods))).toEqual({ a: 2, b: 2, c: 2 });
  });

  it("spreads pods that request nothing too (upstream's non-zero defaults)", () => {
    const { place } = setup(["a", "b", "c"].map((n) => makeNode(n)));
    expect(tally(place(...Array.from({ length: 9 }, (_, i) => makePod(`p${i}`))))).toEqual({ a: 3, b: 3, c: 3 });
  });

  it("never gives the last slot of a node twice", () => {
    const { place } = setup([makeNode("only", { cpu: "1" })]);
    const [first, second] = place(makePod("p1", { cpu: "600m" }), makePod("p2", { cpu: "600m" }));
    expect(first).toBe("only");
    expect(second).toBe("0/1 nodes are available: 1 Insufficient cpu.");
  });

  it("explains a pod that fits nowhere with upstream's message", () => {
    const cp = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };
    const { place } = setup([makeNode("small", { memory: "1Gi" }), makeNode("cp1", { taints: [cp] }), makeNode("cp2", { taints: [cp] })]);
    expect(place(makePod("big", { memory: "2Gi" }))).toEqual([
      "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
    ]);
  });

  it("places a DaemonSet pod on its node only, and says so when it does not fit", () => {
    const nodes = ["a", "b", "c"].map((n) => makeNode(n, { cpu: "1" }));
    const ds = (name: string, node: string, cpu: string) =>
      makePod(name, {
        cpu,
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
              },
            },
          },
        },
      });
    const { place } = setup(nodes);
    expect(place(ds("ds-b", "b", "100m"), ds("ds-c", "c", "2"))).toEqual([
      "b",
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    ]);
  });

  it("filters only until enough nodes are feasible, resuming where it stopped", () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`));
    const { algorithm } = setup(nodes);
    const snapshot = new Snapshot({ nodes, pods: [] });
    const out = algorithm.schedule(newPodInfo(makePod("p")), snapshot);
    expect(out).toMatchObject({ kind: "scheduled", evaluatedNodes: 420, feasibleNodes: 420 });
    expect(algorithm.nextStartNodeIndex).toBe(420);
  });

  it("keeps off a node with an untolerated PreferNoSchedule taint while others fit", () => {
    const nodes = [
      makeNode("spot", { taints: [{ key: "spot", value: "true", effect: "PreferNoSchedule" }] }),
      makeNode("plain"),
    ];
    const { place } = setup(nodes);
    expect(place(makePod("p1"), makePod("p2"), makePod("p3"))).toEqual(["plain", "plain", "plain"]);
  });
});
