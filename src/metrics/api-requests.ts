/**
 * API request counts and latencies, counted in the isolate that served the request: a Worker
 * runs in many isolates at once, so these figures are per isolate (each carries an `isolate`
 * label so that series from different isolates never mix). Cluster-wide figures come from the
 * Durable Objects (store.ts, controllers.ts).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../api/context.js";
import { parseRequestInfo, type RequestInfo } from "../api/request-info.js";
import { resourceByPlural } from "../resources/index.js";
import { CounterVec, HistogramVec, LATENCY_BUCKETS } from "./collectors.js";
import type { MetricFamily } from "./exposition.js";

type RequestLabel = "verb" | "group" | "resource" | "subresource";

const PER_ISOLATE = "Counted in the Worker isolate that served the request (per isolate, not cluster-wide; see the isolate label).";

/** HTTP methods reported as themselves; any other is OTHER, as kube-apiserver bounds its labels. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]);

const methodLabel = (method: string) => (METHODS.has(method.toUpperCase()) ? method.toUpperCase() : "OTHER");

/** The verb as kube-apiserver reports it in its metrics: LIST, GET, WATCH, POST, PUT, PATCH, APPLY, DELETE. */
export function reportedVerb(info: RequestInfo, method: string, contentType: string | undefined): string {
  if (!info.isResourceRequest) return methodLabel(method);
  switch (info.verb) {
    case "get":
    case "list":
    case "watch":
      return info.verb.toUpperCase();
    case "create":
      return "POST";
    case "update":
      return "PUT";
    case "patch":
      return contentType?.split(";")[0].trim() === "application/apply-patch+yaml" ? "APPLY" : "PATCH";
    case "delete":
    case "deletecollection":
      return "DELETE";
    default:
      return methodLabel(method);
  }
}

/**
 * group, resource and subresource labels, only for what this server serves: anyone can send a
 * path, and labels from made-up paths would grow the series without bound.
 */
export function resourceLabels(info: RequestInfo): { group: string; resource: string; subresource: string } {
  const none = { group: "", resource: "", subresource: "" };
  if (!info.isResourceRequest) return none;
  const def = resourceByPlural(info.group, info.resource);
  if (!def) return none;
  const subresource = info.subresource && def.subresources?.includes(info.subresource) ? info.subresource : "";
  return { group: info.group, resource: info.resource, subresource };
}

function requestInfoOf(method: string, href: string): RequestInfo {
  const url = new URL(href);
  return parseRequestInfo(method, url.pathname, url.searchParams);
}

export class ApiRequestMetrics {
  private readonly requests = new CounterVec<RequestLabel | "code" | "isolate">(
    "skiff_apiserver_request_total",
    `API requests by verb, group, resource, subresource and HTTP code. ${PER_ISOLATE}`,
    ["verb", "group", "resource", "subresource", "code", "isolate"],
  );
  private readonly duration = new HistogramVec<RequestLabel | "isolate">(
    "skiff_apiserver_request_duration_seconds",
    `API request latency in seconds, until the response headers (for WATCH: until the stream opened). ${PER_ISOLATE}`,
    ["verb", "group", "resource", "subresource", "isolate"],
    LATENCY_BUCKETS,
  );

  /**
   * `isolate` tells this isolate's series apart; random, as isolates have no name. Drawn on first
   * use: workerd allows no random values in global scope, where this object is made.
   */
  constructor(private isolate?: string) {}

  /** `info`: the request as the authorizer parsed it; parsed here for requests stopped before it (401s). */
  record(request: { method: string; url: string; contentType?: string; info?: RequestInfo }, code: number, seconds: number): void {
    const info = request.info ?? requestInfoOf(request.method, request.url);
    const labels = {
      verb: reportedVerb(info, request.method, request.contentType),
      ...resourceLabels(info),
      isolate: (this.isolate ??= crypto.randomUUID().slice(0, 8)),
    };
    this.requests.inc({ ...labels, code: String(code) });
    this.duration.observe(labels, seconds);
  }

  families(): MetricFamily[] {
    return [this.requests.collect(), this.duration.collect()];
  }
}

/** This isolate's request metrics (a module variable on purpose: it is per isolate by nature). */
export const isolateRequestMetrics = new ApiRequestMetrics();

/** Hono middleware: counts every request with the status it was answered with, errors included. */
export function countRequests(metrics: ApiRequestMetrics = isolateRequestMetrics): MiddlewareHandler<AppEnv> {
  return async function countRequests(c, next) {
    const started = Date.now();
    await next();
    const req = c.req.raw;
    metrics.record(
      { method: req.method, url: req.url, contentType: req.headers.get("content-type") ?? undefined, info: c.get("requestInfo") },
      c.res.status,
      (Date.now() - started) / 1000,
    );
  };
}
