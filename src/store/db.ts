/** The store's database handle: drizzle over the Durable Object's SQLite. */
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type * as schema from "./schema.js";

export type Db = DrizzleSqliteDODatabase<typeof schema>;
