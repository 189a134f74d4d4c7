import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.js";
import {
  FieldSelector,
  Selector,
  fieldValue,
  formatLabelSelector,
  labelSelectorAsSelector,
  parseFieldSelector,
  parseLabelSelector,
} from "./selectors.js";

function badRequest(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(400);
    expect((e as ApiError).reason).toBe("BadRequest");
    return (e as ApiError).message;
  }
  throw new Error("expected a 400");
}

describe("parseLabelSelector", () => {
  it.each([
    ["", ""],
    ["app=web", "app=web"],
    ["app==web", "app==web"],
    ["app!=web", "app!=web"],
    ["tier in (b,a,a)", "tier in (a,b)"],
    ["tier notin (a)", "tier notin (a)"],
    ["  zeta , !legacy,app=web ", "app=web,!legacy,zeta"],
    ["x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"],
    ["a=", "a="],
    ["example.com/role=db", "example.com/role=db"],
    ["v in (in,notin)", "v in (in,notin)"],
    ["n>5,m<7", "m<7,n>5"],
  ])("parses %j as %j", (input, formatted) => {
    expect(parseLabelSelector(input).toString()).toBe(formatted);
  });

  it.each([
    ["app=web", { app: "web" }, true],
    ["app=web", { app: "db" }, false],
    ["app=web", {}, false],
    ["app!=web", {}, true],
    ["app!=web", { app: "web" }, false],
    ["tier in (a,b)", { tier: "b" }, true],
    ["tier in (a,b)", {}, false],
    ["tier notin (a,b)", {}, true],
    ["tier notin (a,b)", { tier: "a" }, false],
    ["app", { app: "" }, true],
    ["app", {}, false],
    ["!app", {}, true],
    ["!app", { app: "x" }, false],
    ["app=web,tier=fe", { app: "web", tier: "fe" }, true],
    ["app=web,tier=fe", { app: "web", tier: "be" }, false],
    ["n>5", { n: "6" }, true],
    ["n>5", { n: "x" }, false],
    ["", { anything: "x" }, true],
  ] as const)("%j matches %j: %s", (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it.each([
    ["app=web=x", "found '=', expected: ',' or 'end of string'"],
    ["=web", "found '=', expected: !, identifier, or 'end of string'"],
    ["app=web,", "found '', expected: identifier after ','"],
    ["tier in a", "unable to parse requirement: found 'a' expected: '('"],
    ["tier in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ["app web", "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"],
    [
      "-app=x",
      `unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ],
    [
      "app=-x",
      `unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
    ["n>x", `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
  ])("rejects %j", (input, message) => {
    expect(badRequest(() => parseLabelSelector(input))).toBe(message);
  });
});

describe("labelSelectorAsSelector / formatLabelSelector", () => {
  it("converts matchLabels and matchExpressions", () => {
    const sel = labelSelectorAsSelector({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["b", "a"] },
        { key: "env", operator: "NotIn", values: ["prod"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "owner", operator: "Exists" },
      ],
    });
    expect(sel.toString()).toBe("app=web,!canary,env notin (prod),owner,tier in (a,b)");
    expect(sel.matches({ app: "web", tier: "a", owner: "x" })).toBe(true);
    expect(sel.matches({ app: "web", tier: "a", owner: "x", canary: "1" })).toBe(false);
    expect(sel.matches({ app: "web", tier: "c", owner: "x" })).toBe(false);
  });

  it("treats null as nothing and {} as everything", () => {
    expect(labelSelectorAsSelector(undefined).matches({})).toBe(false);
    expect(labelSelectorAsSelector({}).matches({ a: "b" })).toBe(true);
    expect(labelSelectorAsSelector({}).empty()).toBe(true);
    expect(Selector.nothing().empty()).toBe(false);
  });

  it("formats as kubectl prints selectors", () => {
    expect(formatLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] })).toBe(
      "app=web,tier in (a,b)",
    );
    expect(formatLabelSelector({})).toBe("<none>");
    expect(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] })).toBe("<error>");
  });

  it("rejects invalid expressions with Kubernetes' wording", () => {
    expect(badRequest(() => labelSelectorAsSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] }))).toBe(
      '"Bogus" is not a valid label selector operator',
    );
    expect(badRequest(() => labelSelectorAsSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }))).toBe(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
  });
});

describe("field selectors", () => {
  const pod = {
    metadata: { name: "web-1", namespace: "default" },
    spec: { nodeName: "n1", priority: 5, hostNetwork: false },
    involvedObject: { uid: "u-1" },
  };

  it.each([
    ["metadata.name=web-1", true],
    ["metadata.name==web-1", true],
    ["metadata.name!=web-1", false],
    ["spec.nodeName=n1,metadata.namespace=default", true],
    ["spec.nodeName=", false],
    ["spec.missing=", true],
    ["spec.missing!=", false],
    ["spec.priority=5", true],
    ["spec.hostNetwork=false", true],
    ["involvedObject.uid=u-1", true],
    ["", true],
  ])("%j matches: %s", (sel, want) => {
    expect(parseFieldSelector(sel).matches(pod)).toBe(want);
  });

  it("unescapes values and round-trips", () => {
    const sel = parseFieldSelector("metadata.name=a\\,b\\=c");
    expect(sel.requirements).toEqual([{ field: "metadata.name", operator: "=", value: "a,b=c" }]);
    expect(sel.toString()).toBe("metadata.name=a\\,b\\=c");
    expect(FieldSelector.of([]).empty()).toBe(true);
  });

  it.each([
    ["metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ["a=b\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a=b=c", "invalid field selector: unescaped character in value: 61"],
  ])("rejects %j", (input, message) => {
    expect(badRequest(() => parseFieldSelector(input))).toBe(message);
  });

  it("reads dotted paths", () => {
    expect(fieldValue(pod, "spec.nodeName")).toBe("n1");
    expect(fieldValue(pod, "spec.nodeName.x")).toBe("");
    expect(fieldValue(pod, "metadata")).toBe("");
  });
});
