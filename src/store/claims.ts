/**
 * Claims: unique values held by objects (clusterIPs, nodePorts). The (pool, value) primary key
 * makes a value impossible to hold twice; these run inside the write's transaction, so a claim
 * and the object that holds it commit or roll back together.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "./db.js";
import { fail } from "./failure.js";
import * as schema from "./schema.js";
import type { Claim } from "./types.js";

export interface ClaimOwner {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
}

/** Take each value for `owner`; one it already holds is fine, one held by another fails `Claimed`. */
export function takeClaims(db: Db, owner: ClaimOwner, wanted: Claim[]): void {
  for (const c of wanted) {
    const holder = db
      .select()
      .from(schema.claims)
      .where(and(eq(schema.claims.pool, c.pool), eq(schema.claims.value, c.value)))
      .get();
    if (holder) {
      if (holder.uid === owner.uid) continue;
      const who = holder.namespace ? `${holder.namespace}/${holder.name}` : holder.name;
      fail("Claimed", `${c.pool} ${c.value} is already allocated to ${holder.resource} ${who}`, c);
    }
    db.insert(schema.claims).values({ pool: c.pool, value: c.value, ...owner }).run();
  }
}

/** Give back values held by `uid`; values it does not hold are left alone. */
export function releaseClaims(db: Db, uid: string, released: Claim[]): void {
  for (const c of released) {
    db.delete(schema.claims)
      .where(and(eq(schema.claims.pool, c.pool), eq(schema.claims.value, c.value), eq(schema.claims.uid, uid)))
      .run();
  }
}

/** A deleted object holds nothing: whatever it still held would otherwise leak. */
export function releaseAllClaims(db: Db, uid: string): void {
  db.delete(schema.claims).where(eq(schema.claims.uid, uid)).run();
}

export function claimedValues(db: Db, pool: string): string[] {
  return db
    .select({ value: schema.claims.value })
    .from(schema.claims)
    .where(eq(schema.claims.pool, pool))
    .orderBy(asc(schema.claims.value))
    .all()
    .map((r) => r.value);
}
