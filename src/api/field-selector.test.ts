import { describe, expect, it } from "vitest";
import { checkFieldSelector, fieldSelectorKeys } from "./field-selector.js";
import { eventDef, podDef } from "./testing.js";

describe("field selectors", () => {
  it.each([
    ["metadata.name=web", ["metadata.name"]],
    ["spec.nodeName!=,status.phase==Running", ["spec.nodeName", "status.phase"]],
    ["metadata.name=a\\,b,metadata.namespace=x", ["metadata.name", "metadata.namespace"]],
    ["", []],
  ])("keys of %s", (selector, keys) => {
    expect(fieldSelectorKeys(selector)).toEqual(keys);
  });

  it("400 for a term without an operator", () => {
    expect(() => fieldSelectorKeys("metadata.name")).toThrow(expect.objectContaining({ code: 400 }));
  });

  it("allows the kind's keys and metadata.name/namespace only", () => {
    expect(() => checkFieldSelector(podDef, "spec.nodeName=n1,metadata.namespace=x", undefined)).not.toThrow();
    expect(() => checkFieldSelector(eventDef, "involvedObject.name=x", undefined)).not.toThrow();
    expect(() => checkFieldSelector(eventDef, "spec.nodeName=x", "a=b")).toThrow(
      'Unable to find "/v1, Resource=events" that match label selector "a=b", field selector "spec.nodeName=x": field label not supported: spec.nodeName',
    );
  });
});
