/**
 * Store failures inside the object. They are thrown (so that `transactionSync` rolls back) and
 * caught at the RPC boundary, where they become `StoreResult` errors: an Error's class does not
 * survive RPC (see types.ts).
 */
import type { Claim, StoreError, StoreErrorReason, StoreResult } from "./types.js";

export class StoreFailure extends Error {
  constructor(readonly error: StoreError) {
    super(error.message);
  }
}

export function fail(reason: StoreErrorReason, message: string, claim?: Claim): never {
  throw new StoreFailure(claim ? { reason, message, claim } : { reason, message });
}

/** Run `f`, turning a `StoreFailure` into a failed result; anything else is a bug and propagates. */
export function attempt<T>(f: () => T): StoreResult<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof StoreFailure) return { ok: false, error: e.error };
    throw e;
  }
}
