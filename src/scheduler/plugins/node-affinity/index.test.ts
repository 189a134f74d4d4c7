import { describe, expect, it } from "vitest";
import type { PodSpec } from "../../../lib/types.js";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter, runScore } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
const nodes = [
  makeNode("a", { labels: { zone: "z1", gpus: "2", disk: "ssd" } }),
  makeNode("b", { labels: { zone: "z2", gpus: "0" } }),
  makeNode("c", { labels: { zone: "z3" } }),
];
type Expr = { key: string; operator: string; values?: string[] };
const required = (...terms: { matchExpressions?: Expr[]; matchFields?: Expr[] }[]): Partial<PodSpec> => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
});

describe("NodeAffinity filter", () => {
  it.each([
    { name: "nothing asked: all", spec: {}, want: { a: "Success", b: "Success", c: "Success" } },
    { name: "nodeSelector", spec: { nodeSelector: { zone: "z1" } }, want: { a: "Success", b: NO, c: NO } },
    {
      name: "In",
      spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["z1", "z2"] }] }),
      want: { a: "Success", b: "Success", c: NO },
    },
    {
      name: "NotIn (a missing label matches)",
      spec: required({ matchExpressions: [{ key: "disk", operator: "NotIn", values: ["ssd"] }] }),
      want: { a: NO, b: "Success", c: "Success" },
    },
    {
      name: "Exists",
      spec: required({ matchExpressions: [{ key: "gpus", operator: "Exists" }] }),
      want: { a: "Success", b: "Success", c: NO },
    },
    {
      name: "DoesNotExist",
      spec: required({ matchExpressions: [{ key: "gpus", operator: "DoesNotExist" }] }),
      want: { a: NO, b: NO, c: "Success" },
    },
    {
      name: "Gt",
      spec: required({ matchExpressions: [{ key: "gpus", operator: "Gt", values: ["1"] }] }),
      want: { a: "Success", b: NO, c: NO },
    },
    {
      name: "Lt",
      spec: required({ matchExpressions: [{ key: "gpus", operator: "Lt", values: ["1"] }] }),
      want: { a: NO, b: "Success", c: NO },
    },
    {
      name: "Gt with a non-integer never matches",
      spec: required({ matchExpressions: [{ key: "zone", operator: "Gt", values: ["1"] }] }),
      want: { a: NO, b: NO, c: NO },
    },
    {
      name: "terms are ORed, expressions ANDed",
      spec: required(
        { matchExpressions: [{ key: "zone", operator: "In", values: ["z1"] }, { key: "disk", operator: "DoesNotExist" }] },
        { matchExpressions: [{ key: "zone", operator: "In", values: ["z3"] }] },
      ),
      want: { a: NO, b: NO, c: "Success" },
    },
    {
      name: "nodeSelector and affinity must both hold",
      spec: { nodeSelector: { zone: "z2" }, ...required({ matchExpressions: [{ key: "gpus", operator: "Exists" }] }) },
      want: { a: NO, b: "Success", c: NO },
    },
    {
      name: "an empty term matches nothing",
      spec: required({}),
      want: { a: NO, b: NO, c: NO },
    },
  ])("$name", ({ spec, want }) => {
    expect(runFilter(New, makePod("p", { spec }), nodes).byNode).toEqual(want);
  });

  it("pins a DaemonSet pod to its node through matchFields metadata.name", () => {
    const run = runFilter(New, makePod("ds", { spec: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["b"] }] }) }), nodes);
    expect([...run.result!.nodeNames!]).toEqual(["b"]);
    expect(run.byNode).toEqual({ a: NO, b: "Success", c: NO });
  });

  it("does not narrow when some term is not pinned to names", () => {
    const run = runFilter(
      New,
      makePod("p", {
        spec: required(
          { matchFields: [{ key: "metadata.name", operator: "In", values: ["b"] }] },
          { matchExpressions: [{ key: "zone", operator: "In", values: ["z3"] }] },
        ),
      }),
      nodes,
    );
    expect(run.result?.nodeNames).toBeUndefined();
    expect(run.byNode).toEqual({ a: NO, b: "Success", c: "Success" });
  });

  it("rejects conflicting name pins in PreFilter", () => {
    const run = runFilter(
      New,
      makePod("p", {
        spec: required({
          matchFields: [
            { key: "metadata.name", operator: "In", values: ["a"] },
            { key: "metadata.name", operator: "In", values: ["b"] },
          ],
        }),
      }),
      nodes,
    );
    expect(run.preFilter).toMatchObject({ code: "UnschedulableAndUnresolvable", reasons: ["pod affinity terms conflict"] });
  });
});

describe("NodeAffinity score", () => {
  const preferred = (...terms: [number, Expr][]): Partial<PodSpec> => ({
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, e]) => ({ weight, preference: { matchExpressions: [e] } })),
      },
    },
  });
  it.each([
    {
      name: "sums the weights of matching terms, normalised to the best",
      spec: preferred([3, { key: "zone", operator: "In", values: ["z1"] }], [1, { key: "zone", operator: "In", values: ["z2"] }]),
      want: { a: 100, b: 33, c: 0 },
    },
    {
      name: "several terms on one node add up",
      spec: preferred([2, { key: "gpus", operator: "Exists" }], [8, { key: "disk", operator: "In", values: ["ssd"] }]),
      want: { a: 100, b: 20, c: 0 },
    },
  ])("$name", ({ spec, want }) => {
    expect(runScore(New, makePod("p", { spec }), nodes)).toEqual(want);
  });

  it("is skipped without preferred terms", () => {
    expect(runScore(New, makePod("p"), nodes)).toBe("skipped");
  });
});
