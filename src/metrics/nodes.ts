/** Nodes by the status of each of their conditions, read from the store at scrape time (cluster-wide). */
import type { Node } from "../lib/types.js";
import { gauge } from "./collectors.js";
import type { MetricFamily } from "./exposition.js";

/**
 * Number of nodes per (condition, status). A node that reports no Ready condition counts as
 * Ready=Unknown, as the node lifecycle controller treats a node that never posted status.
 */
export function nodeConditionFamilies(nodes: readonly Node[]): MetricFamily[] {
  const counts = new Map<string, { condition: string; status: string; n: number }>();
  const add = (condition: string, status: string) => {
    const key = `${condition}\0${status}`;
    const c = counts.get(key) ?? { condition, status, n: 0 };
    c.n++;
    counts.set(key, c);
  };
  for (const node of nodes) {
    const conditions = node.status?.conditions ?? [];
    for (const c of conditions) add(c.type, c.status);
    if (!conditions.some((c) => c.type === "Ready")) add("Ready", "Unknown");
  }
  const samples = [...counts.values()]
    .sort((a, b) => a.condition.localeCompare(b.condition) || a.status.localeCompare(b.status))
    .map((c) => ({ labels: { condition: c.condition, status: c.status }, value: c.n }));
  return [
    gauge("skiff_nodes", "Registered nodes. Read from the store: cluster-wide.", [{ labels: {}, value: nodes.length }]),
    gauge("skiff_node_status_condition", "Nodes by condition type and status (True, False, Unknown). Read from the store: cluster-wide.", samples),
  ];
}
