import { describe, expect, it } from "vitest";
import { ApiError } from "../lib/errors.js";
import { bodyEncodingOf, includeObjectOf, negotiateResponse, patchTypeOf } from "./negotiate.js";

const KUBECTL_GET = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

describe("negotiateResponse", () => {
  it.each([
    [undefined, true, { as: "object", encoding: "json" }],
    ["", true, { as: "object", encoding: "json" }],
    ["*/*", true, { as: "object", encoding: "json" }],
    [KUBECTL_GET, true, { as: "table", version: "v1" }],
    [KUBECTL_GET, false, { as: "object", encoding: "json" }],
    ["application/json;as=Table;v=v1beta1;g=meta.k8s.io", true, { as: "table", version: "v1beta1" }],
    [DISCOVERY, true, { as: "object", encoding: "json" }],
    ["application/vnd.kubernetes.protobuf,application/json", true, { as: "object", encoding: "json" }],
    ["application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json", true, { as: "object", encoding: "json" }],
    ["application/yaml", true, { as: "object", encoding: "yaml" }],
  ])("Accept %s (tables %s)", (accept, tableAllowed, expected) => {
    expect(negotiateResponse(accept, { tableAllowed })).toEqual(expected);
  });

  it.each(["application/vnd.kubernetes.protobuf", "text/html", "application/json;as=Table;v=v1;g=meta.k8s.io"])("406 for %s alone (no tables)", (accept) => {
    expect(() => negotiateResponse(accept, { tableAllowed: false })).toThrow(expect.objectContaining({ code: 406 }));
  });
});

describe("request bodies", () => {
  it.each([
    ["application/json-patch+json", "json"],
    ["application/merge-patch+json; charset=utf-8", "merge"],
    ["application/strategic-merge-patch+json", "strategic"],
    ["application/apply-patch+yaml", "apply"],
  ])("patch type of %s", (ct, type) => {
    expect(patchTypeOf(ct)).toBe(type);
  });

  it("415 for other patch types and unknown body types", () => {
    for (const ct of ["application/json", "", null]) {
      expect(() => patchTypeOf(ct)).toThrow(ApiError);
    }
    expect(bodyEncodingOf("application/json; charset=utf-8")).toBe("json");
    expect(bodyEncodingOf(undefined)).toBe("json");
    expect(bodyEncodingOf("application/yaml")).toBe("yaml");
    expect(bodyEncodingOf("application/vnd.kubernetes.protobuf")).toBe("protobuf");
    expect(() => bodyEncodingOf("application/cbor")).toThrow(expect.objectContaining({ code: 415 }));
  });

  it("includeObject", () => {
    expect(includeObjectOf(undefined)).toBe("Metadata");
    expect(includeObjectOf("Object")).toBe("Object");
    expect(() => includeObjectOf("All")).toThrow(expect.objectContaining({ code: 400 }));
  });
});
