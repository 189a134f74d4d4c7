import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../api/context.js";
import { parseRequestInfo } from "../api/request-info.js";
import type { Action } from "../controllers/types.js";
import type { Node, Pod } from "../lib/types.js";
import { parsePrometheusText, sampleSum } from "../../test/unit/prometheus-text.js";
import { ApiRequestMetrics, countRequests, reportedVerb, resourceLabels } from "./api-requests.js";
import { CounterVec, HistogramVec } from "./collectors.js";
import { ControllerMetrics, scheduleAttempts } from "./controllers.js";
import { renderExposition } from "./exposition.js";
import { nodeConditionFamilies } from "./nodes.js";
import { storeFamilies } from "./store.js";

describe("exposition writer", () => {
  it("writes counters, gauges and histograms that a strict parser accepts", () => {
    const c = new CounterVec<"path">("t_requests_total", "Requests.\nSecond line with a \\ backslash.", ["path"]);
    c.inc({ path: 'a "quoted"\nvalue\\' });
    c.inc({ path: "/b" }, 2);
    const h = new HistogramVec<"verb">("t_duration_seconds", "Latency.", ["verb"], [0.1, 1]);
    h.observe({ verb: "GET" }, 0.05);
    h.observe({ verb: "GET" }, 0.5);
    h.observe({ verb: "GET" }, 5);
    const text = renderExposition([c.collect(), h.collect(), ...storeFamilies({ revision: 7, compactedRevision: 2, watches: 1, objects: [{ resource: "pods", count: 3 }] })]);
    const parsed = parsePrometheusText(text);
    expect(parsed.get("t_requests_total")?.help).toBe("Requests.\nSecond line with a \\ backslash.");
    expect(sampleSum(parsed, "t_requests_total", { path: 'a "quoted"\nvalue\\' })).toBe(1);
    expect(sampleSum(parsed, "t_requests_total", { path: "/b" })).toBe(2);
    expect(parsed.get("t_duration_seconds")?.type).toBe("histogram");
    expect(sampleSum(parsed, "t_duration_seconds_bucket", { le: "0.1" })).toBe(1);
    expect(sampleSum(parsed, "t_duration_seconds_bucket", { le: "1" })).toBe(2);
    expect(sampleSum(parsed, "t_duration_seconds_bucket", { le: "+Inf" })).toBe(3);
    expect(sampleSum(parsed, "t_duration_seconds_sum")).toBeCloseTo(5.55);
    expect(sampleSum(parsed, "skiff_store_objects", { resource: "pods" })).toBe(3);
    expect(sampleSum(parsed, "skiff_store_revision")).toBe(7);
  });

  it("refuses a family twice", () => {
    const f = new CounterVec("x_total", "x", []).collect();
    expect(() => renderExposition([f, f])).toThrow(/twice/);
  });
});

describe("the strict parser", () => {
  it.each([
    ["no trailing newline", "a 1"],
    ["bad escape", 'a{l="\\t"} 1\n'],
    ["TYPE after samples", "a 1\n# TYPE a gauge\n"],
    ["split family", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n"],
    ["duplicate series", "a 1\na 2\n"],
    ["negative counter", "# TYPE a counter\na -1\n"],
    ["histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ["bad value", "a one\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

describe("API request metrics", () => {
  it.each([
    ["GET", "/api/v1/namespaces/default/pods", undefined, "LIST"],
    ["GET", "/api/v1/namespaces/default/pods/p", undefined, "GET"],
    ["GET", "/api/v1/pods?watch=1", undefined, "WATCH"],
    ["POST", "/apis/apps/v1/namespaces/default/deployments", undefined, "POST"],
    ["PUT", "/api/v1/namespaces/default/pods/p/status", undefined, "PUT"],
    ["PATCH", "/api/v1/nodes/n", "application/merge-patch+json", "PATCH"],
    ["PATCH", "/api/v1/nodes/n", "application/apply-patch+yaml", "APPLY"],
    ["DELETE", "/api/v1/namespaces/default/pods", undefined, "DELETE"],
    ["GET", "/openapi/v3", undefined, "GET"],
    ["BREW", "/coffee", undefined, "OTHER"],
  ])("%s %s (%s) is %s", (method, path, contentType, verb) => {
    const url = new URL(path, "https://x");
    expect(reportedVerb(parseRequestInfo(method, url.pathname, url.searchParams), method, contentType)).toBe(verb);
  });

  it.each([
    ["/api/v1/namespaces/default/pods/p/log", { group: "", resource: "pods", subresource: "log" }],
    ["/apis/apps/v1/namespaces/default/deployments/d/scale", { group: "apps", resource: "deployments", subresource: "scale" }],
    ["/api/v1/namespaces/default/pods/p/made-up", { group: "", resource: "pods", subresource: "" }],
    ["/api/v1/namespaces/default/made-up-things", { group: "", resource: "", subresource: "" }],
    ["/apis/made.up/v1/widgets", { group: "", resource: "", subresource: "" }],
  ])("labels %s only with what is served", (path, labels) => {
    expect(resourceLabels(parseRequestInfo("GET", path, new URLSearchParams()))).toEqual(labels);
  });

  it("the middleware counts answers and thrown errors with their codes", async () => {
    const metrics = new ApiRequestMetrics("iso1");
    const app = new Hono<AppEnv>();
    app.onError(() => new Response("no", { status: 404 }));
    app.use("*", countRequests(metrics));
    app.get("/api/v1/namespaces/:ns/pods", (c) => c.json({ items: [] }));
    app.get("/api/v1/namespaces/:ns/pods/:name", () => {
      throw new Error("not found");
    });
    await app.request("/api/v1/namespaces/default/pods");
    await app.request("/api/v1/namespaces/default/pods");
    await app.request("/api/v1/namespaces/default/pods/x");
    const parsed = parsePrometheusText(renderExposition(metrics.families()));
    expect(sampleSum(parsed, "skiff_apiserver_request_total", { verb: "LIST", resource: "pods", code: "200", isolate: "iso1" })).toBe(2);
    expect(sampleSum(parsed, "skiff_apiserver_request_total", { verb: "GET", resource: "pods", code: "404" })).toBe(1);
    expect(sampleSum(parsed, "skiff_apiserver_request_duration_seconds_count", { verb: "LIST" })).toBe(2);
    expect(parsed.get("skiff_apiserver_request_total")?.help).toMatch(/per isolate/);
  });
});

const pod = (name: string, reason?: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  status: reason ? { conditions: [{ type: "PodScheduled", status: "False", reason }] } : {},
});
const event = (p: Pod, reason: string): Action => ({ type: "event", involvedObject: p, eventType: reason === "Scheduled" ? "Normal" : "Warning", reason, message: "m" });
const statusPatch = (p: Pod, reason: string): Action => ({
  type: "patch",
  resource: "pods",
  namespace: "default",
  name: p.metadata.name ?? "",
  subresource: "status",
  patch: { status: { conditions: [{ type: "PodScheduled", status: "False", reason }] } },
});

describe("controller metrics", () => {
  it("reads scheduling attempts from the scheduler's actions", () => {
    const a = pod("a");
    const b = pod("b");
    const c = pod("c", "SchedulerError"); // unchanged condition: no patch this time
    const d = pod("d", "Unschedulable");
    const actions: Action[] = [
      { type: "bind", namespace: "default", name: "a", uid: "u", node: "n1" } as Action,
      event(a, "Scheduled"),
      statusPatch(b, "SchedulerError"),
      event(b, "FailedScheduling"),
      event(c, "FailedScheduling"),
      event(d, "FailedScheduling"),
    ];
    expect(scheduleAttempts(actions)).toEqual(["scheduled", "error", "error", "unschedulable"]);
  });

  it("counts reconciles, their actions and their durations by controller", () => {
    const metrics = new ControllerMetrics();
    const actions = [event(pod("a"), "Scheduled"), event(pod("b"), "FailedScheduling")];
    metrics.reconciled("scheduler", actions, 0.004);
    metrics.reconciled("scheduler", actions, 0.002);
    metrics.observeRun(0.02);
    const parsed = parsePrometheusText(renderExposition(metrics.families()));
    expect(sampleSum(parsed, "skiff_controller_reconciles_total", { controller: "scheduler" })).toBe(2);
    expect(sampleSum(parsed, "skiff_controller_actions_total", { controller: "scheduler", action: "event" })).toBe(4);
    expect(sampleSum(parsed, "skiff_scheduler_schedule_attempts_total", { result: "scheduled" })).toBe(2);
    expect(sampleSum(parsed, "skiff_scheduler_schedule_attempts_total", { result: "unschedulable" })).toBe(2);
    expect(sampleSum(parsed, "skiff_controller_run_duration_seconds_count")).toBe(1);
    expect(sampleSum(parsed, "skiff_controller_reconcile_duration_seconds_count", { controller: "scheduler" })).toBe(2);
  });
});

describe("node metrics", () => {
  it("counts nodes per condition and status; no Ready condition is Ready=Unknown", () => {
    const node = (name: string, ready?: string): Node => ({
      metadata: { name },
      status: ready ? { conditions: [{ type: "Ready", status: ready }, { type: "MemoryPressure", status: "False" }] } : {},
    });
    const parsed = parsePrometheusText(renderExposition(nodeConditionFamilies([node("a", "True"), node("b", "True"), node("c", "False"), node("d")])));
    expect(sampleSum(parsed, "skiff_nodes")).toBe(4);
    expect(sampleSum(parsed, "skiff_node_status_condition", { condition: "Ready", status: "True" })).toBe(2);
    expect(sampleSum(parsed, "skiff_node_status_condition", { condition: "Ready", status: "False" })).toBe(1);
    expect(sampleSum(parsed, "skiff_node_status_condition", { condition: "Ready", status: "Unknown" })).toBe(1);
    expect(sampleSum(parsed, "skiff_node_status_condition", { condition: "MemoryPressure", status: "False" })).toBe(3);
  });
});
