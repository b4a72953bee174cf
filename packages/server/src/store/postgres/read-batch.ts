/**
 * Coalesces concurrent reads of one kind into one query. A read joins the
 * batch of the current turn of the event loop; the batch runs once the turn's
 * I/O callbacks are done (setImmediate), as one statement over every key
 * asked for (`= ANY($1)`, or `unnest` with LATERAL). A quiet node pays a turn
 * of the loop; a busy one — thousands of clients reconnecting at once after a
 * node died — pays one round trip, one plan and one wake-up of PostgreSQL for
 * dozens of reads instead of one each.
 */

/** Keys one statement carries at most: a larger batch is split. */
const BATCH_MAX = 256;

interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

export class ReadBatch<K, V> {
  readonly #load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;
  readonly #missing: () => V;
  /** The keys asked for in this turn, each with its callers (the same key asked twice is read once). */
  #pending = new Map<K, Array<Waiter<V>>>();
  #scheduled = false;

  /**
   * `load` answers the keys it is given with a map; a key it leaves out gets `missing()`
   * (a fresh value per caller: callers may own what they are given).
   */
  constructor(load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, missing: () => V) {
    this.#load = load;
    this.#missing = missing;
  }

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.#pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#run);
      }
    });
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += BATCH_MAX) void this.#answer(keys.slice(i, i + BATCH_MAX), batch);
  };

  async #answer(keys: readonly K[], batch: ReadonlyMap<K, Array<Waiter<V>>>): Promise<void> {
    let values: ReadonlyMap<K, V>;
    try {
      values = await this.#load(keys);
    } catch (error) {
      for (const key of keys) for (const waiter of batch.get(key)!) waiter.reject(error);
      return;
    }
    for (const key of keys) {
      const waiters = batch.get(key)!;
      const value = values.get(key);
      for (const waiter of waiters) waiter.resolve(value === undefined ? this.#missing() : value);
    }
  }
}
