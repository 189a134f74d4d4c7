/**
 * The revision log (kine's model): every create, update and delete appends a row with the next
 * global revision and keeps `current` (the newest state per object) in step. All writes of one
 * call run in one `transactionSync`, so they commit together or not at all; the object is the
 * single writer, so revisions are gap-free and changes can be broadcast right after commit.
 */
import { and, eq, getTableColumns, sql, type Placeholder } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { KubeObject, Stored } from "../lib/types.js";
import { Change, type ChangeType } from "./change.js";
import { releaseAllClaims, releaseClaims, takeClaims } from "./claims.js";
import type { Db } from "./db.js";
import { StoreFailure, fail } from "./failure.js";
import { atRevision, decode, randomSuffix, rfc3339 } from "./objects.js";
import * as schema from "./schema.js";
import type { Claim, WriteOp } from "./types.js";

/** How often `generateName` is retried on a collision (kube-apiserver also retries). */
const generateNameAttempts = 8;

export interface WriteResult {
  results: Stored[];
  changes: Change[];
}

/**
 * The statements of every write, built and prepared once: building a drizzle query costs more
 * CPU than SQLite takes to run it, and a write runs three or four of them.
 */
function prepareStatements(db: Db) {
  const p = (name: string) => sql.placeholder(name);
  const currentKey = and(
    eq(schema.current.resource, p("resource")),
    eq(schema.current.namespace, p("namespace")),
    eq(schema.current.name, p("name")),
  );
  // One placeholder per column, named as the column's property: `run(row)` fills them.
  const placeholders = <T extends SQLiteTable>(table: T) =>
    Object.fromEntries(Object.keys(getTableColumns(table)).map((k) => [k, p(k)])) as Record<keyof T["$inferInsert"], Placeholder>;
  return {
    currentRow: db.select().from(schema.current).where(currentKey).prepare(),
    insertCurrent: db.insert(schema.current).values(placeholders(schema.current)).prepare(),
    updateCurrent: db.update(schema.current).set({ revision: sql`${p("revision")}`, value: sql`${p("value")}` }).where(currentKey).prepare(),
    deleteCurrent: db.delete(schema.current).where(currentKey).prepare(),
    appendLog: db.insert(schema.log).values(placeholders(schema.log)).prepare(),
  };
}

export class RevisionLog {
  /** The newest committed revision. */
  revision: number;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly db: Db,
  ) {
    this.statements = prepareStatements(db);
    // sqlite_sequence keeps the highest revision ever issued, even after compaction has removed
    // that row, so a revision is never handed out twice.
    const seq = db.all<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'log'`)[0];
    this.revision = seq ? Number(seq.seq) : 0;
  }

  get(resource: string, namespace: string, name: string): Stored | null {
    const row = this.currentRow(resource, namespace, name);
    return row ? decode(row.value) : null;
  }

  /**
   * Apply `ops` atomically. Throws `StoreFailure` (nothing written); with `indexed`, the error
   * names the failing op.
   */
  write(ops: WriteOp[], indexed = false): WriteResult {
    let next = this.revision;
    const allocate = () => ++next;
    const now = Date.now();
    const out: WriteResult = { results: [], changes: [] };
    this.storage.transactionSync(() => {
      ops.forEach((op, i) => {
        try {
          const { stored, change } = this.apply(op, allocate, now);
          out.results.push(stored);
          if (change) out.changes.push(change);
        } catch (e) {
          if (indexed && e instanceof StoreFailure) e.error.opIndex = i;
          throw e;
        }
      });
    });
    this.revision = next;
    return out;
  }

  /**
   * Changes to `resource` in (after, upto], oldest first, at most `limit`, each with the value it
   * replaced (for selector enter/leave). Rows above the compacted revision are intact, and so
   * are the rows they supersede.
   */
  changesAfter(resource: string, namespace: string | undefined, after: number, upto: number, limit: number): Change[] {
    const rows = this.db.all<{
      revision: number;
      namespace: string;
      name: string;
      created: number;
      deleted: number;
      value: string;
      prev: string | null;
    }>(sql`
      SELECT l.revision, l.namespace, l.name, l.created, l.deleted, l.value, p.value AS prev
      FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
      WHERE l.resource = ${resource} AND l.revision > ${after} AND l.revision <= ${upto}
        ${namespace === undefined ? sql`` : sql`AND l.namespace = ${namespace}`}
      ORDER BY l.revision LIMIT ${limit}`);
    return rows.map(
      (r) =>
        new Change(
          r.revision,
          changeType(r),
          resource,
          r.namespace,
          r.name,
          r.value,
          r.prev,
        ),
    );
  }

  /**
   * Changes of any of `resources` (all when undefined) after `after`, oldest first, at most
   * `limit`. The names travel as one JSON parameter, clear of SQLite's 100-parameter cap.
   */
  changesOf(after: number, resources: string[] | undefined, limit: number): Change[] {
    const rows = this.db.all<{
      revision: number;
      resource: string;
      namespace: string;
      name: string;
      created: number;
      deleted: number;
      value: string;
    }>(sql`
      SELECT revision, resource, namespace, name, created, deleted, value FROM log
      WHERE revision > ${after}
        ${resources === undefined ? sql`` : sql`AND resource IN (SELECT value FROM json_each(${JSON.stringify(resources)}))`}
      ORDER BY revision LIMIT ${limit}`);
    return rows.map(
      (r) =>
        new Change(r.revision, changeType(r), r.resource, r.namespace, r.name, r.value, null),
    );
  }

  private apply(op: WriteOp, allocate: () => number, now: number): { stored: Stored; change: Change | null } {
    switch (op.op) {
      case "create":
        return this.create(op.resource, op.object, op.claims ?? [], allocate, now);
      case "update":
        return this.update(op.resource, op.object, op.claims ?? [], op.releases ?? [], allocate, now);
      case "delete":
        // `op.releases` needs no handling: a deleted object gives up every claim it holds.
        return this.delete(op.resource, op.namespace, op.name, op.preconditions ?? {}, allocate, now);
    }
  }

  private create(resource: string, object: KubeObject, claims: Claim[], allocate: () => number, now: number) {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace ?? "";
    const name = meta.name || this.generateName(resource, namespace, meta.generateName);
    if (this.currentRow(resource, namespace, name)) fail("AlreadyExists", `${resource} "${name}" already exists`);
    const uid = meta.uid || crypto.randomUUID();
    const revision = allocate();
    const stored = {
      ...object,
      metadata: { ...meta, name, uid, creationTimestamp: rfc3339(now), resourceVersion: String(revision) },
    } as Stored;
    takeClaims(this.db, { resource, namespace, name, uid }, claims);
    const value = JSON.stringify(stored);
    this.append({
      revision,
      resource,
      namespace,
      name,
      created: true,
      deleted: false,
      prevRevision: 0,
      value,
      createdAt: now,
    });
    this.statements.insertCurrent.run({ resource, namespace, name, revision, value });
    return { stored, change: new Change(revision, "ADDED", resource, namespace, name, value, null) };
  }

  private generateName(resource: string, namespace: string, prefix: string | undefined): string {
    if (!prefix) fail("BadRequest", "name or generateName is required");
    for (let i = 0; i < generateNameAttempts; i++) {
      const candidate = prefix + randomSuffix();
      if (!this.currentRow(resource, namespace, candidate)) return candidate;
    }
    fail("AlreadyExists", `${resource} "${prefix}" already exists: no unused name with this generateName`);
  }

  private update(
    resource: string,
    object: KubeObject,
    claims: Claim[],
    releases: Claim[],
    allocate: () => number,
    now: number,
  ) {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace ?? "";
    const name = meta.name ?? "";
    if (!meta.resourceVersion) fail("BadRequest", "metadata.resourceVersion must be set for an update");
    const row = this.currentRow(resource, namespace, name);
    if (!row) fail("NotFound", `${resource} "${name}" not found`);
    const old = decode(row.value);
    const uid = old.metadata.uid;
    if (meta.uid && meta.uid !== uid) {
      fail("Conflict", `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${uid}`);
    }
    if (meta.resourceVersion !== String(row.revision)) {
      fail("Conflict", "the object has been modified; please apply your changes to the latest version and try again");
    }
    releaseClaims(this.db, uid, releases);
    takeClaims(this.db, { resource, namespace, name, uid }, claims);
    const candidate = {
      ...object,
      metadata: { ...meta, uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: meta.resourceVersion },
    };
    // As kube-apiserver's etcd3 store: an update that changes nothing writes nothing, so it
    // neither moves resourceVersion nor wakes watchers.
    if (JSON.stringify(candidate) === row.value) return { stored: old, change: null };
    const revision = allocate();
    const stored = atRevision(candidate, revision) as Stored;
    const value = JSON.stringify(stored);
    this.append({
      revision,
      resource,
      namespace,
      name,
      created: false,
      deleted: false,
      prevRevision: row.revision,
      value,
      createdAt: now,
    });
    this.statements.updateCurrent.run({ resource, namespace, name, revision, value });
    return { stored, change: new Change(revision, "MODIFIED", resource, namespace, name, value, row.value) };
  }

  private delete(
    resource: string,
    namespace: string,
    name: string,
    preconditions: { uid?: string; resourceVersion?: string },
    allocate: () => number,
    now: number,
  ) {
    const row = this.currentRow(resource, namespace, name);
    if (!row) fail("NotFound", `${resource} "${name}" not found`);
    const old = decode(row.value);
    const uid = old.metadata.uid;
    if (preconditions.uid && preconditions.uid !== uid) {
      fail("Conflict", `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`);
    }
    if (preconditions.resourceVersion && preconditions.resourceVersion !== String(row.revision)) {
      fail(
        "Conflict",
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ` +
          `ResourceVersion in object meta: ${row.revision}`,
      );
    }
    releaseAllClaims(this.db, uid);
    const revision = allocate();
    const stored = atRevision(old, revision);
    const value = JSON.stringify(stored);
    this.append({
      revision,
      resource,
      namespace,
      name,
      created: false,
      deleted: true,
      prevRevision: row.revision,
      value,
      createdAt: now,
    });
    this.statements.deleteCurrent.run({ resource, namespace, name });
    return { stored, change: new Change(revision, "DELETED", resource, namespace, name, value, row.value) };
  }

  private append(row: Required<typeof schema.log.$inferInsert>): void {
    this.statements.appendLog.run(row);
  }

  private currentRow(resource: string, namespace: string, name: string) {
    return this.statements.currentRow.get({ resource, namespace, name });
  }
}

function changeType(row: { created: number; deleted: number }): ChangeType {
  return row.deleted ? "DELETED" : row.created ? "ADDED" : "MODIFIED";
}
