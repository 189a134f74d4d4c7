import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

describe("NodeName", () => {
  const nodes = [makeNode("a"), makeNode("b")];
  it.each([
    { name: "no nodeName fits anywhere", nodeName: undefined, want: { a: "Success", b: "Success" } },
    {
      name: "a nodeName fits only there",
      nodeName: "a",
      want: { a: "Success", b: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    },
  ])("$name", ({ nodeName, want }) => {
    expect(runFilter(New, makePod("p", { spec: { nodeName } }), nodes).byNode).toEqual(want);
  });
});
