/**
 * The ClusterStore's figures, read inside the Durable Object (so cluster-wide): its revision,
 * the compacted revision, open watches, and live objects by resource.
 */
import { count } from "drizzle-orm";
import type { Db } from "../store/db.js";
import * as schema from "../store/schema.js";
import { gauge } from "./collectors.js";
import type { MetricFamily } from "./exposition.js";

export interface StoreFigures {
  revision: number;
  compactedRevision: number;
  watches: number;
  /** Live objects per store resource (`pods`, `deployments.apps`). */
  objects: { resource: string; count: number }[];
}

const CLUSTER_WIDE = "Read from the ClusterStore Durable Object: cluster-wide.";

/** One row per resource; a COUNT over the `current` table (one row per live object). */
export function countObjects(db: Db): StoreFigures["objects"] {
  return db
    .select({ resource: schema.current.resource, count: count() })
    .from(schema.current)
    .groupBy(schema.current.resource)
    .orderBy(schema.current.resource)
    .all();
}

export function storeFamilies(f: StoreFigures): MetricFamily[] {
  return [
    gauge("skiff_store_revision", `The store's newest revision (resourceVersion). ${CLUSTER_WIDE}`, [{ labels: {}, value: f.revision }]),
    gauge("skiff_store_compacted_revision", `History at or below this revision is compacted (watches from it get 410). ${CLUSTER_WIDE}`, [
      { labels: {}, value: f.compactedRevision },
    ]),
    gauge("skiff_store_watches", `Watch streams open on the store (API clients and controllers alike). ${CLUSTER_WIDE}`, [
      { labels: {}, value: f.watches },
    ]),
    gauge(
      "skiff_store_objects",
      `Live objects by resource, as kube-apiserver's apiserver_storage_objects. ${CLUSTER_WIDE}`,
      f.objects.map((o) => ({ labels: { resource: o.resource }, value: o.count })),
    ),
  ];
}
