/**
 * A Store that counts the calls made through it, for the controller host's statistics (how many
 * store round trips a reconcile costs). Transparent otherwise.
 */
import type { Store } from "../../store/types.js";

export interface StoreCounter {
  calls: number;
}

export function countingStore(store: Store, counter: StoreCounter): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      // Not `value.apply(...)`: on an RPC stub, `apply` would name a remote method.
      return (...args: unknown[]) => {
        counter.calls++;
        return Reflect.apply(value, target, args);
      };
    },
  });
}
