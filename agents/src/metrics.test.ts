import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

describe("Metrics", () => {
  it("renders counters and gauges in the Prometheus text format", () => {
    const m = new Metrics();
    m.inc("skiff_agent_api_requests_total", "Requests made to the control plane.", { method: "GET" });
    m.inc("skiff_agent_api_requests_total", "Requests made to the control plane.", { method: "GET" }, 2);
    m.collect(() => m.setAll("skiff_agent_pods", "Pods by phase.", [{ labels: { phase: "Running" }, value: 3 }]));
    expect(m.render()).toBe(
      [
        "# HELP skiff_agent_api_requests_total Requests made to the control plane.",
        "# TYPE skiff_agent_api_requests_total counter",
        'skiff_agent_api_requests_total{method="GET"} 3',
        "# HELP skiff_agent_pods Pods by phase.",
        "# TYPE skiff_agent_pods gauge",
        'skiff_agent_pods{phase="Running"} 3',
        "",
      ].join("\n"),
    );
  });
});
