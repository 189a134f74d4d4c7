/**
 * Reading the state at a revision in (namespace, name) order, a chunk at a time, from a key on.
 * At the newest revision it reads `current` (one row per object); at an older one it reads the
 * log: for each key, its newest row at or below the revision, unless that row is a tombstone.
 * Keyset pagination keeps every chunk's cost proportional to its size.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.js";

export interface StateRow {
  namespace: string;
  name: string;
  revision: number;
  value: string;
}

/** A position in (namespace, name) order; rows strictly after it are read. */
export type Key = [namespace: string, name: string];

const chunkSize = 500;

export interface ScanOptions {
  resource: string;
  /** Undefined: all namespaces. */
  namespace?: string;
  revision: number;
  after?: Key;
  /** Whether `revision` is still the newest, asked before each chunk (a long scan may outlive it). */
  isNewest: () => boolean;
}

export function* scanState(db: Db, options: ScanOptions): Generator<StateRow> {
  let after = options.after;
  for (;;) {
    const rows = options.isNewest() ? newestChunk(db, options, after) : chunkAtRevision(db, options, after);
    yield* rows;
    if (rows.length < chunkSize) return;
    const last = rows[rows.length - 1];
    after = [last.namespace, last.name];
  }
}

function keyAfter(column: (c: string) => ReturnType<typeof sql.raw>, namespace: string | undefined, after: Key | undefined) {
  if (namespace !== undefined) {
    const inNamespace = sql`AND ${column("namespace")} = ${namespace}`;
    return after ? sql`${inNamespace} AND ${column("name")} > ${after[1]}` : inNamespace;
  }
  return after ? sql`AND (${column("namespace")}, ${column("name")}) > (${after[0]}, ${after[1]})` : sql``;
}

function newestChunk(db: Db, o: ScanOptions, after: Key | undefined): StateRow[] {
  const col = (c: string) => sql.raw(c);
  return db.all<StateRow>(sql`
    SELECT namespace, name, revision, value FROM current
    WHERE resource = ${o.resource} ${keyAfter(col, o.namespace, after)}
    ORDER BY namespace, name LIMIT ${chunkSize}`);
}

function chunkAtRevision(db: Db, o: ScanOptions, after: Key | undefined): StateRow[] {
  const col = (c: string) => sql.raw(`l.${c}`);
  return db.all<StateRow>(sql`
    SELECT l.namespace, l.name, l.revision, l.value FROM log l
    WHERE l.resource = ${o.resource} ${keyAfter(col, o.namespace, after)}
      AND l.revision <= ${o.revision} AND l.deleted = 0
      AND NOT EXISTS (
        SELECT 1 FROM log n
        WHERE n.resource = l.resource AND n.namespace = l.namespace AND n.name = l.name
          AND n.revision > l.revision AND n.revision <= ${o.revision})
    ORDER BY l.namespace, l.name LIMIT ${chunkSize}`);
}

/** How many objects follow `after` at the newest revision (cheap: an index range count). */
export function countNewestAfter(db: Db, resource: string, namespace: string | undefined, after: Key): number {
  const col = (c: string) => sql.raw(c);
  const row = db.all<{ n: number }>(sql`
    SELECT COUNT(*) AS n FROM current WHERE resource = ${resource} ${keyAfter(col, namespace, after)}`)[0];
  return row ? Number(row.n) : 0;
}
