/**
 * The store's SQLite schema (drizzle). Migrations are generated from it with
 * `npx drizzle-kit generate` into migrations/ and applied by the ClusterStore's constructor.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The revision log, in the manner of kine: every create, update and delete appends a row whose
 * `revision` is the next global revision (the object's `resourceVersion`). `value` is the
 * object's JSON with that resourceVersion already set; a tombstone (`deleted`) holds the last
 * state with the deletion's revision, which is what a watch's DELETED event carries.
 */
export const log = sqliteTable(
  "log",
  {
    revision: integer("revision").primaryKey({ autoIncrement: true }),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    created: integer("created", { mode: "boolean" }).notNull(),
    deleted: integer("deleted", { mode: "boolean" }).notNull(),
    /** The revision this row supersedes (0 for a create); compaction deletes superseded rows. */
    prevRevision: integer("prev_revision").notNull(),
    value: text("value").notNull(),
    /** Epoch milliseconds, for the compaction window's time bound. */
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("log_key_revision").on(t.resource, t.namespace, t.name, t.revision),
    index("log_resource_revision").on(t.resource, t.revision),
  ],
);

/** The newest state of every live object, so that lists at the newest revision read one row per object. */
export const current = sqliteTable(
  "current",
  {
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    revision: integer("revision").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.resource, t.namespace, t.name] })],
);

/** Unique values held by objects (clusterIPs, nodePorts): one owner per (pool, value). */
export const claims = sqliteTable(
  "claims",
  {
    pool: text("pool").notNull(),
    value: text("value").notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    uid: text("uid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pool, t.value] }), index("claims_uid").on(t.uid)],
);

/** Small persistent counters, e.g. the compacted revision. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: integer("value").notNull(),
});
