/**
 * The controller host's SQLite schema (drizzle). Migrations: `npm run db:generate` writes them to
 * migrations/controllers/ (drizzle.controllers.config.ts); the ControllerManager applies them.
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** When a controller key must be reconciled again (back-offs, deadlines, cron times), in clock ms. */
export const due = sqliteTable("due", {
  key: text("key").primaryKey(),
  at: integer("at").notNull(),
});

/** Small persistent state: the last revision handled, each controller's expectations. */
export const state = sqliteTable("state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
