import { describe, expect, it } from "vitest";
import { compileLabelSelector } from "./label-selector.js";

const labels = { app: "web", tier: "front" };

describe("compileLabelSelector", () => {
  it.each([
    { name: "null matches nothing", selector: undefined, want: false },
    { name: "empty matches everything", selector: {}, want: true },
    { name: "matchLabels", selector: { matchLabels: { app: "web" } }, want: true },
    { name: "matchLabels mismatch", selector: { matchLabels: { app: "db" } }, want: false },
    { name: "In", selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, want: true },
    { name: "NotIn on a missing key", selector: { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, want: true },
    { name: "NotIn", selector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, want: false },
    { name: "Exists", selector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, want: true },
    { name: "DoesNotExist", selector: { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, want: false },
    { name: "prototype keys are not labels", selector: { matchExpressions: [{ key: "constructor", operator: "Exists" }] }, want: false },
  ])("$name", ({ selector, want }) => {
    expect(compileLabelSelector(selector)(labels)).toBe(want);
  });
});
