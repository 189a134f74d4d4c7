/**
 * Label and field selectors with Kubernetes' syntax, semantics and error wording
 * (apimachinery `pkg/labels`, `pkg/fields`, `metav1.LabelSelectorAsSelector`). Pure: shared by
 * the store, the registry, controllers, the scheduler and the Node agent.
 */
import { ApiError, errors } from "./errors.js";
import type { LabelSelector } from "./types.js";
import { isQualifiedName, isValidLabelValue } from "./validation.js";

export type SelectorOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted and distinct for `in`/`notin`; one value for `=`, `==`, `!=`, `>`, `<`; none otherwise. */
  values: string[];
}

/** A conjunction of label requirements. */
export class Selector {
  private constructor(
    readonly requirements: readonly Requirement[],
    /** `Nothing()`: what a nil `LabelSelector` means. */
    private readonly selectsNothing = false,
  ) {}

  static everything(): Selector {
    return new Selector([]);
  }

  static nothing(): Selector {
    return new Selector([], true);
  }

  /** Requirements are kept sorted by key, as apimachinery does, so `toString` is deterministic. */
  static of(requirements: Requirement[]): Selector {
    return new Selector([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  /** True when it selects everything. */
  empty(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined | null): boolean {
    if (this.selectsNothing) return false;
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }

  toString(): string {
    return this.requirements.map(formatRequirement).join(",");
  }
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(value as string);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value as string);
    case "exists":
      return has;
    case "!":
      return !has;
    case ">":
    case "<": {
      if (!has || !/^[+-]?\d+$/.test(value as string)) return false;
      const actual = BigInt(value as string);
      const bound = BigInt(r.values[0]);
      return r.operator === ">" ? actual > bound : actual < bound;
    }
  }
}

function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${[...r.values].sort().join(",")})`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** A `field.Invalid` error rendered as `field.Error.Error()` does. */
function invalid(path: string, value: string | string[], detail: string): string {
  const shown =
    typeof value === "string" ? JSON.stringify(value) : `[]string{${value.map((v) => JSON.stringify(v)).join(", ")}}`;
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** `utilerrors.NewAggregate(...).Error()`. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(", ")}]`;
}

/**
 * `labels.NewRequirement`: validate key, operator arity and values. `path` is the field path
 * prefix; the string parser has none (Go prints a nil path as `<nil>`).
 */
function newRequirement(key: string, operator: SelectorOperator, values: string[], path?: string): Requirement {
  const child = (name: string) => (path ? `${path}.${name}` : name);
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalid(child("key"), key, keyErrs.join("; ")));
  const valuesPath = child("values");
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) {
        errs.push(invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) errs.push(invalid(valuesPath, values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0) {
        errs.push(invalid(valuesPath, values, "values set must be empty for exists and does not exist"));
      }
      break;
    case ">":
    case "<":
      if (values.length !== 1) {
        errs.push(invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) {
          errs.push(invalid(`${valuesPath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalid(`${valuesPath}[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  if (errs.length > 0) throw new SelectorSyntaxError(aggregate(errs));
  return { key, operator, values };
}

/** Internal: parse failures before they are wrapped into an `ApiError`. */
class SelectorSyntaxError extends Error {}

// --- label selector string parser (the grammar of `labels.Parse`) --------------------------

type TokenKind =
  | "error"
  | "end"
  | ")"
  | ","
  | "!"
  | "=="
  | "="
  | ">"
  | "<"
  | "!="
  | "("
  | "in"
  | "notin"
  | "identifier";

interface Token {
  kind: TokenKind;
  literal: string;
}

const symbolTokens: Record<string, TokenKind> = {
  ")": ")",
  ",": ",",
  "!": "!",
  "==": "==",
  "=": "=",
  ">": ">",
  "<": "<",
  "!=": "!=",
  "(": "(",
};
const isWhitespace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isSpecial = (c: string) => "=!(),><".includes(c);

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos])) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: "end", literal: "" });
      return tokens;
    }
    if (isSpecial(input[pos])) {
      // Longest run of special characters that still forms a known operator.
      let buffer = "";
      let last: Token | undefined;
      while (pos < input.length && isSpecial(input[pos])) {
        buffer += input[pos];
        const kind = symbolTokens[buffer];
        if (kind) last = { kind, literal: buffer };
        else if (last) break;
        pos++;
      }
      tokens.push(last ?? { kind: "error", literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = "";
    while (pos < input.length && !isSpecial(input[pos]) && !isWhitespace(input[pos])) word += input[pos++];
    tokens.push({ kind: word === "in" || word === "notin" ? word : "identifier", literal: word });
  }
}

class LabelParser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  /** In value context the keywords `in`/`notin` are plain identifiers. */
  private peek(values = true): Token {
    const t = this.tokens[this.position];
    return values && (t.kind === "in" || t.kind === "notin") ? { kind: "identifier", literal: t.literal } : t;
  }

  private next(values = true): Token {
    const t = this.peek(values);
    this.position++;
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "end") return requirements;
      if (t.kind !== "identifier" && t.kind !== "!") {
        throw new SelectorSyntaxError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorSyntaxError) throw new SelectorSyntaxError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const sep = this.next();
      if (sep.kind === "end") return requirements;
      if (sep.kind !== ",") throw new SelectorSyntaxError(`found '${sep.literal}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.kind !== "identifier" && after.kind !== "!") {
        throw new SelectorSyntaxError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let t = this.next();
    let unary: SelectorOperator | undefined;
    if (t.kind === "!") {
      unary = "!";
      t = this.next();
    }
    if (t.kind !== "identifier") throw new SelectorSyntaxError(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new SelectorSyntaxError(invalid("<nil>", key, keyErrs.join("; ")));
    const following = this.peek().kind;
    if (following === "end" || following === ",") return newRequirement(key, unary ?? "exists", []);
    if (unary) return newRequirement(key, unary, []);

    const op = this.next(false);
    const operators: Partial<Record<TokenKind, SelectorOperator>> = {
      in: "in",
      notin: "notin",
      "=": "=",
      "==": "==",
      "!=": "!=",
      ">": ">",
      "<": "<",
    };
    const operator = operators[op.kind];
    if (!operator) {
      throw new SelectorSyntaxError(`found '${op.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const values = operator === "in" || operator === "notin" ? this.valueSet() : this.exactValue();
    return newRequirement(key, operator, [...new Set(values)].sort());
  }

  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== "(") throw new SelectorSyntaxError(`found '${open.literal}' expected: '('`);
    const t = this.peek();
    if (t.kind === ")") {
      this.next();
      return [""];
    }
    if (t.kind !== "identifier" && t.kind !== ",") {
      throw new SelectorSyntaxError(`found '${t.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.identifiers();
    if (this.next().kind !== ")") throw new SelectorSyntaxError(`found '${t.literal}', expected: ')'`);
    return values;
  }

  /** A comma-separated list of possibly empty identifiers, up to (not including) `)`. */
  private identifiers(): string[] {
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === "identifier") {
        values.push(t.literal);
        const after = this.peek();
        if (after.kind === ",") continue;
        if (after.kind === ")") return values;
        throw new SelectorSyntaxError(`found '${after.literal}', expected: ',' or ')'`);
      }
      if (t.kind === ",") {
        if (values.length === 0) values.push("");
        const after = this.peek();
        if (after.kind === ")") {
          values.push("");
          return values;
        }
        if (after.kind === ",") {
          this.next();
          values.push("");
        }
        continue;
      }
      throw new SelectorSyntaxError(`found '${t.literal}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const t = this.peek();
    if (t.kind === "end" || t.kind === ",") return [""];
    const v = this.next();
    if (v.kind === "identifier") return [v.literal];
    throw new SelectorSyntaxError(`found '${v.literal}', expected: identifier`);
  }
}

function asBadRequest<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw errors.badRequest(e.message);
    throw e;
  }
}

/** `labels.Parse`: e.g. `app=web,tier in (a,b),!legacy`. Throws a 400 `ApiError`. */
export function parseLabelSelector(selector: string): Selector {
  return asBadRequest(() => Selector.of(new LabelParser(lex(selector)).parse()));
}

/**
 * `metav1.LabelSelectorAsSelector`: `null`/`undefined` selects nothing, `{}` everything.
 * Throws a 400 `ApiError` for an invalid selector.
 */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): Selector {
  if (!selector) return Selector.nothing();
  return asBadRequest(() => {
    const reqs: Requirement[] = [];
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push(newRequirement(k, "=", [v]));
    for (const expr of selector.matchExpressions ?? []) {
      const ops: Record<string, SelectorOperator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };
      const op = ops[expr.operator];
      if (!op) throw new SelectorSyntaxError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
    }
    return Selector.of(reqs);
  });
}

/** `metav1.FormatLabelSelector`: `app=web,tier in (a,b)`; `<none>` when empty, `<error>` if invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  try {
    const s = labelSelectorAsSelector(selector).toString();
    return s.length === 0 ? "<none>" : s;
  } catch (e) {
    if (e instanceof ApiError) return "<error>";
    throw e;
  }
}

// --- field selectors (`fields.ParseSelector`) -----------------------------------------------

export interface FieldRequirement {
  /** Dotted path into the object, e.g. `spec.nodeName`. */
  field: string;
  operator: "=" | "==" | "!=";
  value: string;
}

export class FieldSelector {
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  static of(requirements: FieldRequirement[]): FieldSelector {
    return new FieldSelector(requirements);
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  /** A missing field compares as "". */
  matches(object: unknown): boolean {
    return this.requirements.every((r) => {
      const equal = fieldValue(object, r.field) === r.value;
      return r.operator === "!=" ? !equal : equal;
    });
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
  }
}

/** The value at a dotted path as a field selector sees it: scalars as strings, anything else "". */
export function fieldValue(object: unknown, path: string): string {
  let cur: unknown = object;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === "string") return cur;
  if (typeof cur === "number" || typeof cur === "boolean") return String(cur);
  return "";
}

function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Split on commas not escaped by a backslash, keeping escapes for `unescapeFieldValue`. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function unescapeFieldValue(s: string): string {
  let out = "";
  let slash = false;
  for (const c of s) {
    if (slash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new SelectorSyntaxError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      slash = false;
    } else if (c === "\\") slash = true;
    else if (c === "," || c === "=") {
      throw new SelectorSyntaxError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (slash) throw new SelectorSyntaxError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** `fields.ParseSelector`: `metadata.name=x,spec.nodeName!=`. Throws a 400 `ApiError`. */
export function parseFieldSelector(selector: string): FieldSelector {
  return asBadRequest(() => {
    const reqs: FieldRequirement[] = [];
    for (const term of splitTerms(selector).sort()) {
      if (term === "") continue;
      // The first operator occurrence splits the term; "!=" and "==" before "=".
      const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
      if (!m) throw new SelectorSyntaxError(`invalid selector: '${selector}'; can't understand '${term}'`);
      reqs.push({ field: m[1], operator: m[2] as FieldRequirement["operator"], value: unescapeFieldValue(m[3]) });
    }
    return FieldSelector.of(reqs);
  });
}
