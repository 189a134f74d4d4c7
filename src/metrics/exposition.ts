/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: the Worker must not
 * carry prom-client. Metric families are plain data, so Durable Objects can return theirs over
 * RPC and the Worker renders everything in one document.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSeries {
  labels: Labels;
  /** Cumulative counts, one per bound of the family (`le`), without `+Inf`. */
  buckets: number[];
  sum: number;
  count: number;
}

export type MetricFamily =
  | { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] }
  | { name: string; help: string; type: "histogram"; bounds: readonly number[]; series: HistogramSeries[] };

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabelValue = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** One family: HELP, TYPE, then its samples (a histogram's as `_bucket`, `_sum`, `_count`). */
export function renderFamily(family: MetricFamily): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  if (family.type === "histogram") {
    for (const s of family.series) {
      family.bounds.forEach((le, i) => {
        lines.push(`${family.name}_bucket${labelText(s.labels, ["le", formatValue(le)])} ${s.buckets[i] ?? 0}`);
      });
      lines.push(`${family.name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.count}`);
      lines.push(`${family.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${family.name}_count${labelText(s.labels)} ${s.count}`);
    }
  } else {
    for (const s of family.samples) lines.push(`${family.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.join("\n") + "\n";
}

/** The whole document. A family name must appear once: later duplicates are a programming error. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  for (const f of families) {
    if (seen.has(f.name)) throw new Error(`metric family ${f.name} appears twice`);
    seen.add(f.name);
  }
  return families.map(renderFamily).join("");
}
