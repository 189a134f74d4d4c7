/**
 * Applies drizzle-kit's generated migrations (migrations/migrations.js) to the object's SQLite.
 *
 * Same bookkeeping as `drizzle-orm/durable-sqlite/migrator` (the `__drizzle_migrations` table,
 * a migration runs when its journal `when` is newer than the last one applied), but a failing
 * statement surfaces its own SQL error: drizzle's migrator calls `tx.rollback()`, which throws
 * `DrizzleError: Rollback` and hides the cause.
 */
export interface MigrationBundle {
  journal: { entries: { idx: number; when: number; tag: string }[] };
  migrations: Record<string, string>;
}

export function applyMigrations(storage: DurableObjectStorage, bundle: MigrationBundle): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
    );
    const last = sql
      .exec<{ created_at: number }>(`SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1`)
      .toArray()[0];
    for (const entry of bundle.journal.entries) {
      if (last && Number(last.created_at) >= entry.when) continue;
      const key = `m${entry.idx.toString().padStart(4, "0")}`;
      const text = bundle.migrations[key];
      if (text === undefined) throw new Error(`Missing migration: ${entry.tag}`);
      for (const statement of text.split("--> statement-breakpoint")) {
        if (statement.trim() === "") continue;
        try {
          sql.exec(statement);
        } catch (e) {
          throw new Error(`migration ${entry.tag} failed: ${(e as Error).message}\n${statement.trim()}`);
        }
      }
      sql.exec(`INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('', ?)`, entry.when);
    }
  });
}
