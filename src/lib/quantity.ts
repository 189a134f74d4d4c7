/**
 * Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1G`, `2e3`), as apimachinery's
 * `resource.Quantity`: parsed exactly (to nano-units, in a bigint), compared, and formatted in the
 * canonical form Kubernetes prints (`0.5` → `500m`, `1024Mi` → `1Gi`, `1000` → `1k`).
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** The value in units of 10^-9, rounded up (away from zero) below that precision, as upstream. */
  nanos: bigint;
  /** The notation it was written in, which its canonical form keeps. */
  format: QuantityFormat;
}

/** apimachinery's `ErrFormatWrong` text. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const QUANTITY_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;

export class QuantityError extends Error {
  constructor(message: string = QUANTITY_FORMAT_ERROR) {
    super(message);
    this.name = "QuantityError";
  }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Multiply by 10^exp, rounding a fraction up (away from zero), as `inf.Dec` rounding does upstream. */
function scaleBy10(value: bigint, exp: number): bigint {
  if (exp >= 0) return value * pow10(exp);
  const d = pow10(-exp);
  const q = value / d;
  if (q * d === value) return q;
  return value > 0n ? q + 1n : q - 1n;
}

/** Parse a quantity string; throws `QuantityError` with upstream's message when it is not one. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new QuantityError();
    return parseQuantity(String(input).replace(/e\+?/i, "e"));
  }
  const s = input.trim();
  const m = QUANTITY_RE.exec(s);
  if (!s || !m) throw new QuantityError();
  const [, sign, whole, frac = "", suffix] = m;
  if (!whole && !frac) throw new QuantityError();
  let digits = BigInt((whole || "0") + frac);
  if (sign === "-") digits = -digits;
  let exp10 = -frac.length;
  let exp1024 = 0;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIXES) {
    exp10 += DECIMAL_SUFFIXES[suffix];
    format = "DecimalSI";
  } else if (suffix in BINARY_SUFFIXES) {
    exp1024 = BINARY_SUFFIXES[suffix];
    format = "BinarySI";
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    exp10 += Number.parseInt(suffix.slice(1), 10);
    format = "DecimalExponent";
  } else {
    throw new QuantityError("unable to parse quantity's suffix");
  }
  const nanos = scaleBy10(digits * 1024n ** BigInt(exp1024), exp10 + 9);
  return { nanos, format };
}

export function isQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/** Three-way comparison of two quantities' values. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** The value in base units as a float (`500m` → 0.5, `1Ki` → 1024). */
export function quantityValue(q: Quantity | string): number {
  const { nanos } = typeof q === "string" ? parseQuantity(q) : q;
  return Number(nanos) / 1e9;
}

/** Millicores of a CPU quantity, rounded up as upstream's `MilliValue` (`500m` → 500, `1.5` → 1500). */
export function milliValue(q: Quantity | string): number {
  const { nanos } = typeof q === "string" ? parseQuantity(q) : q;
  return Number(scaleBy10(nanos, -6));
}

/** Bytes of a memory quantity, rounded up as upstream's `Value` (`128Mi` → 134217728). */
export function intValue(q: Quantity | string): number {
  const { nanos } = typeof q === "string" ? parseQuantity(q) : q;
  return Number(scaleBy10(nanos, -9));
}

/** A quantity from a number of base units, e.g. bytes (`BinarySI`) or cores (`DecimalSI`). */
export function quantityFromNumber(value: number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { nanos: BigInt(Math.round(value * 1e9)), format };
}

/** The canonical string Kubernetes prints for a quantity. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return "0";
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? "-" : "";
  const oneUnit = pow10(9);
  // Small or fractional binary quantities are shown as decimal, so as not to lose precision.
  if (q.format === "BinarySI" && abs >= 1024n * oneUnit && abs % oneUnit === 0n) {
    let value = abs / oneUnit;
    let exp = 0;
    while (exp < 6 && value % 1024n === 0n) {
      value /= 1024n;
      exp++;
    }
    return `${sign}${value}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp]}`;
  }
  // Decimal: the largest power of 1000 (from 10^-9 to 10^18) that leaves an integer mantissa.
  let mantissa = abs;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (q.format === "DecimalExponent") return `${sign}${mantissa}${exp === 0 ? "" : `e${exp}`}`;
  const suffix = Object.keys(DECIMAL_SUFFIXES).find((k) => DECIMAL_SUFFIXES[k] === exp) ?? "";
  return `${sign}${mantissa}${suffix}`;
}

/** Parse and re-format: the canonical form of a quantity string (`0.5` → `500m`). */
export function canonicalQuantity(s: string): string {
  return formatQuantity(parseQuantity(s));
}
