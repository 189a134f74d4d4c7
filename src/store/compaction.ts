/**
 * Compaction, as kine (after the apiserver's etcd3 compactor): delete, in batches of revisions,
 * every row superseded by a row at or below the compact revision, and every tombstone at or
 * below it. What remains answers any list or watch from the compact revision on; older
 * revisions answer 410 Expired.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import * as schema from "./schema.js";

export interface CompactionWindow {
  /** Keep at least this many newest revisions. */
  keepRevisions: number;
  /** Keep at least this much history, in seconds. */
  keepSeconds: number;
}

const batchRevisions = 1000;
const compactKey = "compact_revision";

export function loadCompactedRevision(db: Db): number {
  const row = db.select().from(schema.meta).where(eq(schema.meta.key, compactKey)).get();
  return row ? row.value : 0;
}

/**
 * The revision compaction may go up to: whichever of the two bounds keeps more history.
 * Rows are appended in time order, so a binary search over revisions finds the time bound.
 */
export function compactionTarget(db: Db, current: number, compacted: number, window: CompactionWindow, now: number): number {
  const byCount = current - window.keepRevisions;
  const cutoff = now - window.keepSeconds * 1000;
  let lo = compacted;
  let hi = Math.min(byCount, current);
  if (hi <= lo) return compacted;
  // Largest r in [lo, hi] such that the first row at or after r was written before the cutoff.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const row = db.all<{ created_at: number }>(
      sql`SELECT created_at FROM log WHERE revision >= ${mid} ORDER BY revision LIMIT 1`,
    )[0];
    if (row && Number(row.created_at) < cutoff) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Compact from `compacted` up to `target`, one transaction per batch; returns rows deleted. */
export function compactUpTo(db: Db, compacted: number, target: number): number {
  let deleted = 0;
  for (let from = compacted; from < target; from += batchRevisions) {
    const to = Math.min(from + batchRevisions, target);
    db.transaction((tx) => {
      tx.run(sql`
        DELETE FROM log WHERE revision IN (
          SELECT prev_revision FROM log WHERE revision > ${from} AND revision <= ${to} AND prev_revision != 0
          UNION SELECT revision FROM log WHERE revision > ${from} AND revision <= ${to} AND deleted = 1)`);
      deleted += Number(tx.all<{ n: number }>(sql`SELECT changes() AS n`)[0]?.n ?? 0);
      tx.insert(schema.meta)
        .values({ key: compactKey, value: to })
        .onConflictDoUpdate({ target: schema.meta.key, set: { value: to } })
        .run();
    });
  }
  return deleted;
}
