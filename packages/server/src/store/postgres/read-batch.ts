/**
 * Coalesces concurrent reads of one kind into one query, as a group commit
 * does writes: a read asked for while IN_FLIGHT_MAX reads of its kind are in
 * flight waits for one of them to come back, and then goes with every other
 * read asked for meanwhile, as one statement over all their keys (`= ANY($1)`,
 * or `unnest` with LATERAL). Otherwise it goes at the end of the current turn
 * of the event loop (setImmediate), with the reads of that turn. A quiet node
 * pays a turn of the loop; a busy one — thousands of clients reconnecting at
 * once after a node died — pays one round trip, one plan and one wake-up of
 * PostgreSQL for dozens of reads instead of one each.
 */

/** Keys one statement carries at most, unless told otherwise: a larger batch is split. */
const KEYS_MAX = 256;
/** Statements of one kind in flight at once. */
const IN_FLIGHT_MAX = 2;

interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

export class ReadBatch<K, V> {
  readonly #load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;
  readonly #missing: V;
  readonly #keysMax: number;
  /** The keys asked for and not sent yet, each with its callers (the same key asked twice is read once). */
  #pending = new Map<K, Array<Waiter<V>>>();
  #scheduled = false;
  #inFlight = 0;

  /**
   * `load` answers the keys it is given with a map; a key it leaves out gets `missing`. Callers
   * of one key share its value: they must not change it. `keysMax`: the keys one load is given
   * at most (fewer where each key may bring many rows).
   */
  constructor(load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, missing: V, keysMax = KEYS_MAX) {
    this.#load = load;
    this.#missing = missing;
    this.#keysMax = keysMax;
  }

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.#pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= IN_FLIGHT_MAX || this.#pending.size === 0) return;
    this.#scheduled = true;
    setImmediate(this.#run);
  }

  /** Sends the oldest keys asked for, at most #keysMax; the rest go next, when a statement may. */
  readonly #run = (): void => {
    this.#scheduled = false;
    const batch = new Map<K, Array<Waiter<V>>>();
    for (const [key, waiters] of this.#pending) {
      if (batch.size === this.#keysMax) break;
      batch.set(key, waiters);
      this.#pending.delete(key);
    }
    void this.#answer(batch);
    this.#schedule();
  };

  async #answer(batch: ReadonlyMap<K, Array<Waiter<V>>>): Promise<void> {
    let values: ReadonlyMap<K, V>;
    this.#inFlight++;
    try {
      values = await this.#load([...batch.keys()]);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      return;
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
    for (const [key, waiters] of batch) {
      const value = values.get(key);
      for (const waiter of waiters) waiter.resolve(value === undefined ? this.#missing : value);
    }
  }
}
