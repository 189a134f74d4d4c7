/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it rejects what
 * Prometheus would reject (bad names, escapes, values, a TYPE after samples, a family split in
 * two, duplicate series) and checks histograms (ascending `le`, cumulative buckets, `+Inf`
 * equal to `_count`, `_sum` and `_count` present).
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, where: string): number {
  if (text === "NaN") return NaN;
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function parseLabels(text: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1); // after "{"
  for (;;) {
    s = s.trimStart();
    if (s.startsWith("}")) return { labels, rest: s.slice(1) };
    const name = LABEL_NAME.exec(s)?.[0];
    if (!name) throw new Error(`${where}: bad label name at ${JSON.stringify(s)}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    s = s.slice(name.length).trimStart();
    if (!s.startsWith('="')) throw new Error(`${where}: expected =" after ${name}`);
    s = s.slice(2);
    let value = "";
    for (;;) {
      const c = s[0];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === "\n") throw new Error(`${where}: raw newline in label value`);
      if (c === "\\") {
        const e = s[1];
        if (e === "\\") value += "\\";
        else if (e === '"') value += '"';
        else if (e === "n") value += "\n";
        else throw new Error(`${where}: bad escape \\${e}`);
        s = s.slice(2);
      } else {
        value += c;
        s = s.slice(1);
      }
    }
    labels[name] = value;
    s = s.slice(1).trimStart();
    if (s.startsWith(",")) s = s.slice(1);
    else if (!s.startsWith("}")) throw new Error(`${where}: expected , or } after label ${name}`);
  }
}

/** The family a sample name belongs to: `x_bucket`/`x_sum`/`x_count` belong to histogram `x`. */
function familyOf(name: string, types: Map<string, ParsedFamily["type"]>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = types.get(base);
    if (t === "histogram" || (t === "summary" && suffix !== "_bucket")) return base;
  }
  return name;
}

function checkHistogram(f: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const h = series.get(key) ?? { buckets: [] };
    series.set(key, h);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      h.buckets.push([parseValue(le, `${f.name} le`), s.value]);
    } else if (s.name === `${f.name}_sum`) h.sum = s.value;
    else if (s.name === `${f.name}_count`) h.count = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name} in a histogram`);
  }
  for (const [key, h] of series) {
    if (h.sum === undefined || h.count === undefined) throw new Error(`${f.name}${key}: _sum or _count missing`);
    const last = h.buckets[h.buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket last`);
    if (last[1] !== h.count) throw new Error(`${f.name}${key}: +Inf bucket ${last[1]} != _count ${h.count}`);
    for (let i = 1; i < h.buckets.length; i++) {
      if (!(h.buckets[i][0] > h.buckets[i - 1][0])) throw new Error(`${f.name}${key}: le not ascending`);
      if (h.buckets[i][1] < h.buckets[i - 1][1]) throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
  }
}

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the document must end with a newline");
  const families = new Map<string, ParsedFamily>();
  const types = new Map<string, ParsedFamily["type"]>();
  const series = new Set<string>();
  let current: string | undefined;
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: types.get(name) ?? "untyped", samples: [] }));
    return f;
  };
  const enter = (name: string, where: string) => {
    if (current !== name && families.get(name)?.samples.length) throw new Error(`${where}: family ${name} is not contiguous`);
    current = name;
  };

  text.split("\n").forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // an ordinary comment
      const [, keyword, name, rest = ""] = m;
      if (METRIC_NAME.exec(name)?.[0] !== name) throw new Error(`${where}: bad metric name ${name}`);
      enter(name, where);
      const f = family(name);
      if (keyword === "TYPE") {
        if (types.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
        if (f.samples.length) throw new Error(`${where}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        types.set(name, rest as ParsedFamily["type"]);
        f.type = rest as ParsedFamily["type"];
      } else {
        if (f.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new Error(`${where}: bad escape in HELP`);
        f.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
      }
      return;
    }
    const name = METRIC_NAME.exec(line)?.[0];
    if (!name) throw new Error(`${where}: bad metric name in ${JSON.stringify(line)}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, where));
    const parts = rest.trim().split(/\s+/);
    if (!/^\s/.test(rest) || parts.length < 1 || parts.length > 2) throw new Error(`${where}: expected value [timestamp] in ${JSON.stringify(line)}`);
    const value = parseValue(parts[0], where);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp ${parts[1]}`);
    const base = familyOf(name, types);
    enter(base, where);
    const f = family(base);
    if (f.type === "counter" && !(value >= 0)) throw new Error(`${where}: counter ${name} is ${value}`);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(id)) throw new Error(`${where}: duplicate series ${id}`);
    series.add(id);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`, summed over the matches. */
export function sampleSum(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
  }
  return sum;
}
