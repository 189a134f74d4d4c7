import { describe, expect, it } from "vitest";
import type { Controller } from "./controller.js";
import { selectControllers } from "./selection.js";

const named = (name: string): Controller => ({ name, resources: [], keysFor: () => [], allKeys: () => [], reconcile: () => ({ actions: [] }) });
const all = ["deployment", "replicaset", "scheduler"].map(named);
const names = (spec: string | undefined) => selectControllers(all, spec).controllers.map((c) => c.name);

describe("selectControllers (kube-controller-manager --controllers)", () => {
  it.each([
    [undefined, ["deployment", "replicaset", "scheduler"]],
    ["", ["deployment", "replicaset", "scheduler"]],
    ["*", ["deployment", "replicaset", "scheduler"]],
    ["*,-scheduler", ["deployment", "replicaset"]],
    ["scheduler", ["scheduler"]],
    ["deployment, replicaset", ["deployment", "replicaset"]],
    ["-scheduler", []],
  ])("%j → %j", (spec, want) => expect(names(spec)).toEqual(want));

  it("reports names no controller has", () => {
    expect(selectControllers(all, "*,-schedular,jobs").unknown).toEqual(["jobs", "schedular"]);
  });
});
