import { describe, expect, it } from "vitest";
import type { PodSpec } from "../../../lib/types.js";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter, runScore } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

const HOST = "kubernetes.io/hostname";
const ZONE = "topology.kubernetes.io/zone";
const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const LABEL = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

const spread = (topologyKey: string, maxSkew: number, whenUnsatisfiable: string, extra: object = {}): Partial<PodSpec> => ({
  topologySpreadConstraints: [{ topologyKey, maxSkew, whenUnsatisfiable, labelSelector: { matchLabels: { app: "web" } }, ...extra }],
});

const nodes = [
  makeNode("a", { labels: { [ZONE]: "z1" } }),
  makeNode("b", { labels: { [ZONE]: "z1" } }),
  makeNode("c", { labels: { [ZONE]: "z2" } }),
  makeNode("d"),
];
// z1 holds 3 web pods (2 on a, 1 on b), z2 none.
const existing = [
  makePod("w1", { nodeName: "a", labels: { app: "web" } }),
  makePod("w2", { nodeName: "a", labels: { app: "web" } }),
  makePod("w3", { nodeName: "b", labels: { app: "web" } }),
  makePod("other", { nodeName: "c", labels: { app: "db" } }),
];

describe("PodTopologySpread filter", () => {
  const web = (spec: Partial<PodSpec>) => makePod("p", { labels: { app: "web" }, spec });
  it.each([
    { name: "zones, maxSkew 1", pod: web(spread(ZONE, 1, "DoNotSchedule")), want: { a: SKEW, b: SKEW, c: "Success", d: LABEL } },
    { name: "zones, maxSkew 4", pod: web(spread(ZONE, 4, "DoNotSchedule")), want: { a: "Success", b: "Success", c: "Success", d: LABEL } },
    { name: "hosts, maxSkew 1", pod: web(spread(HOST, 1, "DoNotSchedule")), want: { a: SKEW, b: SKEW, c: "Success", d: "Success" } },
    {
      name: "a pod that does not match its own selector adds nothing",
      pod: makePod("p", { labels: { app: "other" }, spec: spread(HOST, 1, "DoNotSchedule") }),
      want: { a: SKEW, b: "Success", c: "Success", d: "Success" },
    },
    {
      name: "nodeAffinityPolicy Honor: only nodes the pod may use make domains",
      pod: web({ nodeSelector: { [ZONE]: "z1" }, ...spread(ZONE, 1, "DoNotSchedule") }),
      want: { a: "Success", b: "Success", c: "Success", d: LABEL },
    },
    {
      name: "minDomains above the domain count makes the global minimum 0",
      pod: web({ nodeSelector: { [ZONE]: "z1" }, ...spread(ZONE, 1, "DoNotSchedule", { minDomains: 2 }) }),
      want: { a: SKEW, b: SKEW, c: "Success", d: LABEL },
    },
    { name: "ScheduleAnyway does not filter", pod: web(spread(ZONE, 1, "ScheduleAnyway")), want: { a: "Success", b: "Success", c: "Success", d: "Success" } },
  ])("$name", ({ pod, want }) => {
    expect(runFilter(New, pod, nodes, existing).byNode).toEqual(want);
  });
});

describe("PodTopologySpread score", () => {
  it("spreads pods of the same owner across hosts by default", () => {
    const hosts = [makeNode("a"), makeNode("b"), makeNode("c")];
    const owned = [
      makePod("r1", { nodeName: "a", owner: "web" }),
      makePod("r2", { nodeName: "a", owner: "web" }),
      makePod("r3", { nodeName: "b", owner: "web" }),
      makePod("x", { nodeName: "c", owner: "other" }),
    ];
    // hostname: count × ln(3 + 2) + (3 - 1): a 5.2→5, b 3.6→4, c 2; reversed min-max: 40, 60, 100.
    expect(runScore(New, makePod("p", { owner: "web" }), hosts, owned)).toEqual({ a: 40, b: 60, c: 100 });
  });

  it("spreads by zone too when nodes have zones", () => {
    // hostname (weight ln 6, +2): a 2, b 1, c 0, d 0. zone (weight ln 4, +4): z1 3, z2 0; d has no
    // zone, which the system defaults tolerate. Raw: a 13.7→14, b 12, c 6, d 2; reversed min-max.
    const owned = existing.map((p, i) => makePod(`o${i}`, { nodeName: p.spec!.nodeName, owner: p.metadata.labels?.app }));
    expect(runScore(New, makePod("p", { owner: "web" }), nodes, owned)).toEqual({ a: 14, b: 28, c: 71, d: 100 });
  });

  it("is skipped for a pod without owner or constraints", () => {
    expect(runScore(New, makePod("p"), nodes, existing)).toBe("skipped");
  });

  it("ScheduleAnyway constraints prefer emptier domains and ignore nodes without the key", () => {
    const pod = makePod("p", { labels: { app: "web" }, spec: spread(ZONE, 1, "ScheduleAnyway") });
    // z1: 3 × ln(4) + 0 = 4.2 → 4; z2: 0. Reversed: z1 → 100 × (4 + 0 - 4) / 4 = 0; z2 → 100.
    expect(runScore(New, pod, nodes, existing)).toEqual({ a: 0, b: 0, c: 100, d: 0 });
  });
});
