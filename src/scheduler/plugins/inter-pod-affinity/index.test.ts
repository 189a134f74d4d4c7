import { describe, expect, it } from "vitest";
import type { PodSpec } from "../../../lib/types.js";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter, runScore } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

const HOST = "kubernetes.io/hostname";
const ZONE = "topology.kubernetes.io/zone";
const AFFINITY = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

type Term = { topologyKey: string; labelSelector?: { matchLabels: Record<string, string> }; namespaces?: string[] };
const term = (app: string, topologyKey: string, namespaces?: string[]): Term => ({
  topologyKey,
  labelSelector: { matchLabels: { app } },
  namespaces,
});
const required = (kind: "podAffinity" | "podAntiAffinity", ...terms: Term[]): Partial<PodSpec> => ({
  affinity: { [kind]: { requiredDuringSchedulingIgnoredDuringExecution: terms } },
});
const preferred = (kind: "podAffinity" | "podAntiAffinity", ...terms: [number, Term][]): Partial<PodSpec> => ({
  affinity: { [kind]: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } },
});

const nodes = [
  makeNode("a", { labels: { [ZONE]: "z1" } }),
  makeNode("b", { labels: { [ZONE]: "z1" } }),
  makeNode("c", { labels: { [ZONE]: "z2" } }),
  makeNode("d"), // no zone label
];
const existing = [
  makePod("db", { nodeName: "a", labels: { app: "db" } }),
  makePod("guard", { nodeName: "c", labels: { app: "guard" }, spec: required("podAntiAffinity", term("cache", HOST)) }),
];

describe("InterPodAffinity filter", () => {
  it.each([
    {
      name: "required affinity to a zone with a db pod",
      pod: makePod("p", { spec: required("podAffinity", term("db", ZONE)) }),
      want: { a: "Success", b: "Success", c: AFFINITY, d: AFFINITY },
    },
    {
      name: "required anti-affinity to db per hostname",
      pod: makePod("p", { spec: required("podAntiAffinity", term("db", HOST)) }),
      want: { a: ANTI, b: "Success", c: "Success", d: "Success" },
    },
    {
      name: "required anti-affinity to db per zone",
      pod: makePod("p", { spec: required("podAntiAffinity", term("db", ZONE)) }),
      want: { a: ANTI, b: ANTI, c: "Success", d: "Success" },
    },
    {
      name: "an existing pod's anti-affinity keeps matching pods away",
      pod: makePod("p", { labels: { app: "cache" } }),
      want: { a: "Success", b: "Success", c: EXISTING, d: "Success" },
    },
    {
      name: "the first pod of a self-affine group may start anywhere with the topology key",
      pod: makePod("p", { labels: { app: "new" }, spec: required("podAffinity", term("new", ZONE)) }),
      want: { a: "Success", b: "Success", c: "Success", d: AFFINITY },
    },
    {
      name: "terms look in the pod's own namespace unless told otherwise",
      pod: makePod("p", { namespace: "other", spec: required("podAffinity", term("db", ZONE)) }),
      want: { a: AFFINITY, b: AFFINITY, c: AFFINITY, d: AFFINITY },
    },
    {
      name: "terms can name other namespaces",
      pod: makePod("p", { namespace: "other", spec: required("podAffinity", term("db", ZONE, ["default"])) }),
      want: { a: "Success", b: "Success", c: AFFINITY, d: AFFINITY },
    },
  ])("$name", ({ pod, want }) => {
    expect(runFilter(New, pod, nodes, existing).byNode).toEqual(want);
  });

  it("is skipped when no affinity is involved", () => {
    expect(runFilter(New, makePod("p"), nodes, [existing[0]]).preFilter?.code).toBe("Skip");
  });
});

describe("InterPodAffinity score", () => {
  it.each([
    {
      name: "preferred affinity to the db's zone",
      pod: makePod("p", { spec: preferred("podAffinity", [10, term("db", ZONE)]) }),
      want: { a: 100, b: 100, c: 0, d: 0 },
    },
    {
      name: "preferred anti-affinity to the db's host",
      pod: makePod("p", { spec: preferred("podAntiAffinity", [5, term("db", HOST)]) }),
      want: { a: 0, b: 100, c: 100, d: 100 },
    },
    {
      name: "an existing pod's required affinity attracts the pods it selects (hard weight 1)",
      pod: makePod("p", { labels: { app: "follower" } }),
      pods: [makePod("leader", { nodeName: "c", spec: required("podAffinity", term("follower", ZONE)) })],
      want: { a: 0, b: 0, c: 100, d: 0 },
    },
  ])("$name", ({ pod, pods, want }) => {
    expect(runScore(New, pod, nodes, pods ?? existing)).toEqual(want);
  });

  it("is skipped when nothing prefers anything", () => {
    expect(runScore(New, makePod("p"), nodes, [existing[0]])).toBe("skipped");
  });
});
