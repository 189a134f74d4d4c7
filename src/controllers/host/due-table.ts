/** Due times and scratch state of the controller host, in its Durable Object's SQLite. */
import { asc, eq, inArray, lte } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { due, state } from "./schema.js";

export class DueTable {
  constructor(private readonly db: DrizzleSqliteDODatabase<Record<string, never>>) {}

  /** Keep the earlier of the existing and the new due time for `key`. */
  schedule(key: string, at: number): void {
    const existing = this.db.select().from(due).where(eq(due.key, key)).get();
    if (existing && existing.at <= at) return;
    this.db.insert(due).values({ key, at }).onConflictDoUpdate({ target: due.key, set: { at } }).run();
  }

  /** Remove and return the keys due at or before `now`. */
  takeDue(now: number): string[] {
    const rows = this.db.select().from(due).where(lte(due.at, now)).all();
    const keys = rows.map((r) => r.key);
    for (let i = 0; i < keys.length; i += 90) this.db.delete(due).where(inArray(due.key, keys.slice(i, i + 90))).run();
    return keys;
  }

  earliest(): number | undefined {
    return this.db.select().from(due).orderBy(asc(due.at)).limit(1).get()?.at;
  }

  get<T>(key: string): T | undefined {
    const row = this.db.select().from(state).where(eq(state.key, key)).get();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    this.db.insert(state).values({ key, value: text }).onConflictDoUpdate({ target: state.key, set: { value: text } }).run();
  }
}
