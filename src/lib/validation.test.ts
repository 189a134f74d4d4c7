import { describe, expect, it } from "vitest";
import {
  deepEqual,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  regexError,
  validateAnnotations,
  validateImmutable,
  validateIntOrPercent,
  validateLabels,
  validateLabelSelector,
  validateNotMoreThan100Percent,
} from "./validation.js";

const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe("regexError", () => {
  it("words examples as apimachinery does", () => {
    expect(regexError("bad", "x+")).toBe("bad (regex used for validation is 'x+')");
    expect(regexError("bad", "x+", "a", "b")).toBe("bad (e.g. 'a',  or 'b', regex used for validation is 'x+')");
  });
});

describe("DNS names", () => {
  it.each([
    ["web", []],
    ["web-1", []],
    ["1web", []],
    ["Web", [DNS1123_LABEL_MESSAGE]],
    ["web-", [DNS1123_LABEL_MESSAGE]],
    ["a.b", ["must not contain dots"]],
    ["a".repeat(64), ["must be no more than 63 characters"]],
  ])("DNS-1123 label %j", (v, want) => {
    expect(isDNS1123Label(v)).toEqual(want);
  });

  it.each([
    ["example.com", []],
    ["web-app", []],
    ["Web", [DNS1123_SUBDOMAIN_MESSAGE]],
    ["a..b", [DNS1123_SUBDOMAIN_MESSAGE]],
    ["a".repeat(254), ["must be no more than 253 characters"]],
  ])("DNS-1123 subdomain %j", (v, want) => {
    expect(isDNS1123Subdomain(v)).toEqual(want);
  });

  it.each([
    ["webservice", []],
    ["externalIpAssignedService", [DNS1035_MESSAGE]],
    ["1web", [DNS1035_MESSAGE]],
    ["web-1", []],
  ])("DNS-1035 label %j", (v, want) => {
    expect(isDNS1035Label(v)).toEqual(want);
  });
});

describe("label keys and values", () => {
  it.each([
    ["app", 0],
    ["app.kubernetes.io/name", 0],
    ["MyName", 0],
    ["/name", 1],
    ["example.com/", 2], // empty, and not matching the regex: upstream reports both
    ["a/b/c", 1],
    ["-bad", 1],
    ["Example.com/x", 1],
  ])("qualified name %j has %i errors", (v, n) => {
    expect(isQualifiedName(v)).toHaveLength(n);
  });

  it("words a bad prefix and name part", () => {
    expect(isQualifiedName("/x")).toEqual(["prefix part must be non-empty"]);
    expect(isQualifiedName("x/")[0]).toBe("name part must be non-empty");
  });

  it.each([
    ["", 0],
    ["web", 0],
    ["my_value.1", 0],
    ["-x", 1],
    ["a".repeat(64), 1],
  ])("label value %j has %i errors", (v, n) => {
    expect(isValidLabelValue(v)).toHaveLength(n);
  });

  it("reports label errors at the map's path", () => {
    const errs = validateLabels({ "bad key!": "ok", good: "bad value!" }, "metadata.labels");
    expect(errs.map((e) => e.field)).toEqual(["metadata.labels", "metadata.labels"]);
    expect(errs[0].message).toMatch(/^Invalid value: "bad key!": name part must consist of alphanumeric characters/);
    expect(errs[1].message).toMatch(/^Invalid value: "bad value!": a valid label must be an empty string/);
  });

  it("limits the total size of annotations", () => {
    expect(validateAnnotations({ a: "x".repeat(1000) }, "metadata.annotations")).toEqual([]);
    const errs = validateAnnotations({ a: "x".repeat(256 * 1024) }, "metadata.annotations");
    expect(errs).toEqual([
      { type: "FieldValueTooLong", field: "metadata.annotations", message: "Too long: may not be more than 262144 bytes" },
    ]);
  });

  it("takes annotation keys case-insensitively", () => {
    expect(validateAnnotations({ "Example.COM/Key": "v" }, "metadata.annotations")).toEqual([]);
  });
});

describe("other names", () => {
  it.each([
    ["http", 0],
    ["http-80", 0],
    ["80", 1],
    ["HTTP", 2], // bad characters, and no lowercase letter
    ["a--b", 1],
    ["-ab", 1],
    ["abcdefghijklmnop", 1],
  ])("port name %j has %i errors", (v, n) => {
    expect(isValidPortName(v)).toHaveLength(n);
  });

  it.each([
    ["key.name", 0],
    ["KEY_NAME", 0],
    [".", 1],
    ["..x", 1],
    ["a/b", 1],
  ])("config key %j has %i errors", (v, n) => {
    expect(isConfigMapKey(v)).toHaveLength(n);
  });

  it("accepts printable env var names but =", () => {
    expect(isEnvVarName("MY_VAR.1-x")).toEqual([]);
    expect(isEnvVarName("A=B")).toHaveLength(1);
  });

  it.each([
    ["10.0.0.1", true],
    ["255.255.255.255", true],
    ["256.0.0.1", false],
    ["01.0.0.1", false],
    ["2001:db8::ffff", true],
    ["::1", true],
    ["::ffff:10.0.0.1", true],
    ["1:2:3:4:5:6:7:8", true],
    ["1:2:3:4:5:6:7:8:9", false],
    ["gg::1", false],
    ["", false],
  ])("IP %j valid=%s", (v, ok) => {
    expect(isValidIP(v)).toBe(ok);
  });

  it.each([
    ["10.244.0.0/16", true],
    ["10.244.0.0/33", false],
    ["fd00::/64", true],
    ["10.0.0.1", false],
  ])("CIDR %j valid=%s", (v, ok) => {
    expect(isValidCIDR(v)).toBe(ok);
  });
});

describe("selectors, int-or-percent, immutability", () => {
  it("checks selector operators and values", () => {
    const errs = validateLabelSelector(
      {
        matchExpressions: [
          { key: "a", operator: "In", values: [] },
          { key: "b", operator: "Exists", values: ["x"] },
          { key: "c", operator: "Near" },
        ],
      },
      "spec.selector",
    );
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ["spec.selector.matchExpressions[0].values", "FieldValueRequired"],
      ["spec.selector.matchExpressions[1].values", "FieldValueForbidden"],
      ["spec.selector.matchExpressions[2].operator", "FieldValueInvalid"],
    ]);
  });

  it.each([
    [1, 0],
    ["25%", 0],
    [-1, 1],
    ["25", 1],
    ["x%", 1],
  ])("int-or-percent %j has %i errors", (v, n) => {
    expect(validateIntOrPercent(v, "p")).toHaveLength(n);
  });

  it("rejects more than 100%", () => {
    expect(validateNotMoreThan100Percent("101%", "p")[0].message).toBe('Invalid value: "101%": must not be greater than 100%');
    expect(validateNotMoreThan100Percent("100%", "p")).toEqual([]);
  });

  it("words immutable fields as upstream", () => {
    expect(validateImmutable({ a: 1 }, { a: 2 }, "spec.selector")).toEqual([
      { type: "FieldValueInvalid", field: "spec.selector", message: 'Invalid value: {"a":1}: field is immutable' },
    ]);
  });

  it("takes empty and absent lists and maps as equal", () => {
    expect(deepEqual({ a: [], b: {} }, {})).toBe(true);
    expect(deepEqual({ a: [1] }, { a: [1] })).toBe(true);
    expect(deepEqual({ a: [1] }, { a: [2] })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });
});
