/**
 * Name and value rules of apimachinery's `util/validation` and `apis/meta/v1/validation`, with
 * their messages word for word. The `is*` checks return a list of messages (empty when valid);
 * the `validate*` helpers turn them into `FieldError`s at a path.
 */
import { fieldErrors, type FieldError } from "./errors.js";
import type { LabelSelector } from "./types.js";

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
const QUALIFIED_NAME_MAX_LENGTH = 63;
/** The total size of an object's annotations (keys and values), 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
const PERCENT_FMT = "[0-9]+%";

const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const DNS1123_LABEL_RE = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN_RE = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL_RE = anchored(DNS1035_LABEL_FMT);
const QUALIFIED_NAME_RE = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE_RE = anchored(LABEL_VALUE_FMT);
const CONFIG_MAP_KEY_RE = anchored(CONFIG_MAP_KEY_FMT);
const PERCENT_RE = anchored(PERCENT_FMT);

/** apimachinery's `RegexError`: the message, examples and the regex (note its double space). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number) => `must be no more than ${n} characters`;
export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
export const EMPTY_ERROR = "must be non-empty";
export const IMMUTABLE_ERROR = "field is immutable";
export const NONNEGATIVE_ERROR = "must be greater than or equal to 0";

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL_RE.test(value)) {
    // A label that would be a valid subdomain but for its dots gets a hint, as upstream.
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push("must not contain dots");
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT,
          "my-name",
          "123-abc",
        ),
      );
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        "example.com",
      ),
    );
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!DNS1035_LABEL_RE.test(value))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        "my-name",
        "abc-123",
      ),
    );
  return errs;
}

const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A label key or annotation key: `name` or `prefix/name`, the prefix a DNS subdomain. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME_RE.test(name))
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  return errs;
}

/** A ConfigMap or Secret data key. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!CONFIG_MAP_KEY_RE.test(value))
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        "key.name",
        "KEY_NAME",
        "key-name",
      ),
    );
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** An IANA_SVC_NAME: a named port. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.startsWith("-") || port.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

/**
 * An environment variable name. Kubernetes 1.32 has RelaxedEnvironmentVariableValidation (beta, on):
 * any printable ASCII character but `=`.
 */
export function isEnvVarName(value: string): string[] {
  return /^[ -<>-~]+$/.test(value)
    ? []
    : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

export function isValidIPv4(value: string): boolean {
  const parts = value.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isValidIPv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || value.split("::").length > 2) return false;
  const hasV4Tail = value.includes(".");
  const [head, tail] = value.includes("::") ? value.split("::") : [value, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const all = [...groups(head), ...groups(tail)];
  if (hasV4Tail && !isValidIPv4(all.pop() ?? "")) return false;
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = all.length + (hasV4Tail ? 2 : 0);
  return tail === undefined ? width === 8 : width < 8;
}

export function isValidIP(value: string): boolean {
  return isValidIPv4(value) || isValidIPv6(value);
}

/** `10.244.1.0/24` or an IPv6 CIDR. */
export function isValidCIDR(value: string): boolean {
  const [ip, bits, ...rest] = value.split("/");
  if (rest.length > 0 || bits === undefined || !/^[0-9]{1,3}$/.test(bits)) return false;
  if (isValidIPv4(ip)) return Number(bits) <= 32;
  return isValidIPv6(ip) && Number(bits) <= 128;
}

export const IP_ADDRESS_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
export const CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

// ---- FieldError helpers over the checks above ----

/** Each message as an `Invalid` error at `path` for `value`. */
export function invalidEach(path: string, value: unknown, messages: string[]): FieldError[] {
  return messages.map((m) => fieldErrors.invalid(path, value, m));
}

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return invalidEach(path, value, isDNS1123Label(value));
}

export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return invalidEach(path, value, isDNS1123Subdomain(value));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return invalidEach(path, value, isQualifiedName(value));
}

/** Label keys and values; errors are reported at the map's path, as upstream. */
export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isValidLabelValue(String(v))));
  }
  return errs;
}

/** Annotation keys (qualified names, case-insensitive) and their total size. */
export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += encoder.encode(k).length + encoder.encode(String(v)).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldErrors.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateNonnegative(value: number | undefined | null, path: string): FieldError[] {
  return value != null && value < 0 ? [fieldErrors.invalid(path, value, NONNEGATIVE_ERROR)] : [];
}

/** `apivalidation.ValidateImmutableField`: deep equality, or `field is immutable`. */
export function validateImmutable(next: unknown, old: unknown, path: string): FieldError[] {
  return deepEqual(next, old) ? [] : [fieldErrors.invalid(path, next, IMMUTABLE_ERROR)];
}

/** A label selector's keys, operators and values (`metav1validation.ValidateLabelSelector`). */
export function validateLabelSelector(selector: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0)
          errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldErrors.invalid(`${p}.operator`, req.operator, "not a valid selector operator"));
    }
    errs.push(...invalidEach(`${p}.key`, req.key, isQualifiedName(req.key)));
    values.forEach((v, j) => errs.push(...invalidEach(`${p}.values[${j}]`, v, isValidLabelValue(v))));
  });
  errs.push(...validateLabels(selector.matchLabels, `${path}.matchLabels`));
  return errs;
}

/**
 * An int-or-percent (`maxSurge`, `maxUnavailable`): a non-negative integer or `N%`
 * (`ValidatePositiveIntOrPercent`).
 */
export function validateIntOrPercent(value: number | string | undefined | null, path: string): FieldError[] {
  if (value == null) return [];
  if (typeof value === "string") {
    return PERCENT_RE.test(value)
      ? []
      : [
          fieldErrors.invalid(
            path,
            value,
            regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, "1%", "93%"),
          ),
        ];
  }
  return validateNonnegative(value, path);
}

/** `IsNotMoreThan100Percent`. */
export function validateNotMoreThan100Percent(value: number | string | undefined | null, path: string): FieldError[] {
  if (typeof value !== "string" || !PERCENT_RE.test(value)) return [];
  return Number.parseInt(value, 10) > 100 ? [fieldErrors.invalid(path, value, "must not be greater than 100%")] : [];
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v).length === 0);

/**
 * Structural equality of JSON values, as `apiequality.Semantic.DeepEqual`, which also takes an
 * empty list or map to equal an absent one.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}
