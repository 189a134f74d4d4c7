// `/metrics` on a real control plane (wrangler dev): admin only, strict Prometheus text format,
// and its figures move with what the cluster does.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/lib/types.js";
import { parsePrometheusText, sampleSum, type ParsedFamily } from "../unit/prometheus-text.js";
import { api, create, eventually, objects, uniqueName, useControlPlane } from "./harness.js";

const cp = useControlPlane();

async function scrape(): Promise<Map<string, ParsedFamily>> {
  const r = await api(cp, "GET", "/metrics", { accept: "text/plain" });
  expect(r.status, r.text).toBe(200);
  expect(r.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(r.text);
}

const requests = (m: Map<string, ParsedFamily>, labels: Record<string, string>) => sampleSum(m, "skiff_apiserver_request_total", labels);

function readyNode(name: string): KubeObject {
  const now = new Date().toISOString();
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    status: {
      capacity: { cpu: "2", memory: "4Gi", pods: "110" },
      allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  };
}

describe("/metrics", () => {
  it("is for the administrator only", async () => {
    expect((await api(cp, "GET", "/metrics", { token: null })).status).toBe(401);
    const wrong = await api(cp, "GET", "/metrics", { token: "not-the-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("parses as Prometheus text, with every family this control plane promises", async () => {
    const m = await scrape();
    for (const [name, type] of [
      ["skiff_apiserver_request_total", "counter"],
      ["skiff_apiserver_request_duration_seconds", "histogram"],
      ["skiff_store_revision", "gauge"],
      ["skiff_store_objects", "gauge"],
      ["skiff_store_watches", "gauge"],
      ["skiff_controller_reconciles_total", "counter"],
      ["skiff_controller_run_duration_seconds", "histogram"],
      ["skiff_controller_reconcile_duration_seconds", "histogram"],
      ["skiff_scheduler_schedule_attempts_total", "counter"],
      ["skiff_node_status_condition", "gauge"],
    ]) {
      expect(m.get(name)?.type, name).toBe(type);
    }
    expect(m.get("skiff_apiserver_request_total")?.help).toMatch(/per isolate/);
    expect(m.get("skiff_store_revision")?.help).toMatch(/cluster-wide/);
  });

  it("counts API requests by verb, resource and code, with their latencies", async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await api(cp, "GET", "/api/v1/namespaces/default/configmaps")).status).toBe(200);
    expect((await api(cp, "GET", "/api/v1/namespaces/default/configmaps/nope")).status).toBe(404);
    const after = await scrape();
    const list = { verb: "LIST", resource: "configmaps", code: "200" };
    expect(requests(after, list) - requests(before, list)).toBe(3);
    const missing = { verb: "GET", resource: "configmaps", code: "404" };
    expect(requests(after, missing) - requests(before, missing)).toBe(1);
    const count = (m: Map<string, ParsedFamily>) => sampleSum(m, "skiff_apiserver_request_duration_seconds_count", { verb: "LIST", resource: "configmaps" });
    expect(count(after) - count(before)).toBe(3);
  });

  it("follows the store: revision, objects by resource, open watches", async () => {
    const before = await scrape();
    await create(cp, "default", objects.configMap(uniqueName("cm"), { a: "1" }));
    const after = await scrape();
    expect(sampleSum(after, "skiff_store_revision")).toBeGreaterThan(sampleSum(before, "skiff_store_revision"));
    expect(sampleSum(after, "skiff_store_objects", { resource: "configmaps" }) - sampleSum(before, "skiff_store_objects", { resource: "configmaps" })).toBe(1);

    const watches = sampleSum(after, "skiff_store_watches");
    const stream = await cp.openRequest("GET", "/api/v1/namespaces/default/configmaps?watch=1", {
      headers: { authorization: `Bearer ${cp.token}`, accept: "application/json" },
    });
    try {
      expect(stream.statusCode).toBe(200);
      await eventually("the watch to be counted", async () => sampleSum(await scrape(), "skiff_store_watches") === watches + 1);
    } finally {
      stream.destroy();
    }
    // The store notices a departed client when its next write to the stream fails: make changes.
    await eventually("the closed watch to be gone", async () => {
      await create(cp, "default", objects.configMap(uniqueName("poke"), {}));
      return sampleSum(await scrape(), "skiff_store_watches") === watches;
    });
  });

  it("counts nodes by condition, controller reconciles and scheduling attempts by result", async () => {
    await create(cp, undefined, readyNode("metrics-node"));
    const ns = uniqueName("metrics");
    await create(cp, undefined, objects.namespace(ns));
    const m0 = await scrape();
    expect(sampleSum(m0, "skiff_node_status_condition", { condition: "Ready", status: "True" })).toBe(1);
    expect(sampleSum(m0, "skiff_nodes")).toBe(1);

    await create(cp, ns, objects.deployment("fits", "busybox:1.36", 2));
    const nowhere: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "fits-nowhere" },
      spec: { nodeSelector: { "example.com/none": "x" }, containers: [{ name: "c", image: "busybox:1.36" }] },
    };
    await create(cp, ns, nowhere);

    const attempts = (m: Map<string, ParsedFamily>, result: string) => sampleSum(m, "skiff_scheduler_schedule_attempts_total", { result });
    const m1 = await eventually("two pods scheduled and one found unschedulable", async () => {
      const m = await scrape();
      return attempts(m, "scheduled") - attempts(m0, "scheduled") >= 2 && attempts(m, "unschedulable") - attempts(m0, "unschedulable") >= 1 && m;
    });
    const reconciles = (m: Map<string, ParsedFamily>, controller: string) => sampleSum(m, "skiff_controller_reconciles_total", { controller });
    expect(reconciles(m1, "deployment")).toBeGreaterThan(reconciles(m0, "deployment"));
    expect(reconciles(m1, "replicaset")).toBeGreaterThan(reconciles(m0, "replicaset"));
    expect(sampleSum(m1, "skiff_controller_run_duration_seconds_count")).toBeGreaterThan(sampleSum(m0, "skiff_controller_run_duration_seconds_count"));
    const reconcileTimes = (m: Map<string, ParsedFamily>) => sampleSum(m, "skiff_controller_reconcile_duration_seconds_count", { controller: "deployment" });
    expect(reconcileTimes(m1)).toBeGreaterThan(reconcileTimes(m0));
    expect(attempts(m1, "error")).toBe(0);
  });
});
