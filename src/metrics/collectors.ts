/**
 * In-memory counters and histograms keyed by label values, turned into plain `MetricFamily`
 * data on demand. They live wherever they are created: in a Durable Object they are that
 * object's (cluster-wide), in a Worker module they are that isolate's.
 */
import type { HistogramSeries, Labels, MetricFamily, Sample } from "./exposition.js";

/** Seconds, as kube-apiserver's request-duration buckets. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

abstract class Vec<L extends string, V> {
  protected readonly series = new Map<string, { labels: Labels; value: V }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
  ) {}

  protected entry(labels: Record<L, string>, init: () => V): { labels: Labels; value: V } {
    const values = this.labelNames.map((n) => labels[n]);
    const key = JSON.stringify(values);
    let e = this.series.get(key);
    if (!e) {
      const ordered: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (ordered[n] = values[i]));
      e = { labels: ordered, value: init() };
      this.series.set(key, e);
    }
    return e;
  }
}

export class CounterVec<L extends string> extends Vec<L, number> {
  inc(labels: Record<L, string>, by = 1): void {
    this.entry(labels, () => 0).value += by;
  }

  collect(): MetricFamily {
    const samples: Sample[] = [...this.series.values()].map((e) => ({ labels: e.labels, value: e.value }));
    return { name: this.name, help: this.help, type: "counter", samples };
  }
}

export class HistogramVec<L extends string> extends Vec<L, { buckets: number[]; sum: number; count: number }> {
  constructor(name: string, help: string, labelNames: readonly L[], readonly bounds: readonly number[]) {
    super(name, help, labelNames);
  }

  observe(labels: Record<L, string>, value: number): void {
    const h = this.entry(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 })).value;
    this.bounds.forEach((le, i) => {
      if (value <= le) h.buckets[i]++;
    });
    h.sum += value;
    h.count++;
  }

  collect(): MetricFamily {
    const series: HistogramSeries[] = [...this.series.values()].map((e) => ({
      labels: e.labels,
      buckets: [...e.value.buckets],
      sum: e.value.sum,
      count: e.value.count,
    }));
    return { name: this.name, help: this.help, type: "histogram", bounds: this.bounds, series };
  }
}

/** A gauge family from values computed at scrape time. */
export function gauge(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "gauge", samples };
}
