/**
 * Per-pod, per-cycle scratch space shared by the extension points of one plugin, as upstream's
 * CycleState: PreFilter/PreScore write once, Filter/Score read many times. Keys are typed, so a
 * reader gets back what the writer put.
 */
export interface StateKey<T> {
  readonly name: string;
  /** Phantom field: carries T, never set. */
  readonly __type?: T;
}

export const stateKey = <T>(name: string): StateKey<T> => ({ name });

/** Thrown when a key is read before it was written: a framework bug, not a scheduling outcome. */
export class CycleStateError extends Error {
  override name = "CycleStateError";
}

export class CycleState {
  readonly #data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter does not run this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score does not run this cycle. */
  readonly skipScorePlugins = new Set<string>();

  write<T>(key: StateKey<T>, value: T): void {
    this.#data.set(key.name, value);
  }

  /** The value under `key`; throws when absent, which means the PreFilter/PreScore wasn't invoked. */
  read<T>(key: StateKey<T>): T {
    if (!this.#data.has(key.name)) {
      throw new CycleStateError(`error reading "${key.name}" from cycleState: not found (likely PreFilter/PreScore wasn't invoked)`);
    }
    return this.#data.get(key.name) as T;
  }
}
