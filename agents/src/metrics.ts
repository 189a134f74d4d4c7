/**
 * `/healthz` and `/metrics` (Prometheus text exposition format 0.0.4) on `--metrics-port`:
 * a few counters and gauges written by hand, since no client library is installed.
 */
import { createServer, type Server } from "node:http";

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge";
  values: Map<string, { labels: Labels; value: number }>;
}

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

export class Metrics {
  private readonly families = new Map<string, Family>();
  /** Gauges computed when scraped. */
  private readonly collectors: Array<() => void> = [];

  private family(name: string, type: Family["type"], help: string): Family {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { help, type, values: new Map() }));
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, "counter", help);
    const k = key(labels);
    const cur = f.values.get(k);
    f.values.set(k, { labels, value: (cur?.value ?? 0) + by });
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, "gauge", help).values.set(key(labels), { labels, value });
  }

  /** Replaces all values of a family (a gauge, or a counter kept elsewhere). */
  setAll(name: string, help: string, values: Array<{ labels: Labels; value: number }>, type: Family["type"] = "gauge"): void {
    const f = this.family(name, type, help);
    f.values.clear();
    for (const v of values) f.values.set(key(v.labels), v);
  }

  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  render(): string {
    for (const c of this.collectors) c();
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.values.values()) {
        const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(",");
        lines.push(`${name}${l ? `{${l}}` : ""} ${value}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

export function serveMetrics(metrics: Metrics, port: number, host: string, healthy: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok" : "unhealthy");
    } else if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(metrics.render());
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
