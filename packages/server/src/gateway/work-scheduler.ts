/**
 * Shares the event loop between connections, so that no client's backlog holds
 * up the others. A connection's frames still run in their order (SocketSession
 * keeps it); this decides when each may start.
 *
 * Turns. Once a connection's frames have taken `sliceMs` of the current turn
 * of the event loop, its next frame waits for the next turn: other sockets are
 * read, timers fire and the flush rounds write in between. (Before, pipelined
 * frames ran as one chain of promise continuations, the store's reads being
 * synchronous: 256 history pages held every other client for two seconds.)
 *
 * Units. Expensive requests (frame-costs.ts), and the parts a long one is cut
 * into (`pause`), are units admitted first come first served across
 * connections. A unit's code runs in segments: from its admission, or from the
 * answer of an I/O call it awaited (the store's, presence's: `watchIo`), to its
 * next such call, its next `pause` or its end. One segment runs at a time, and a
 * turn runs at most `sliceMs` of them — the first of a turn is always admitted,
 * whatever it costs: a segment is not cut. While a unit waits for I/O the next
 * is admitted, up to `maxWaitingUnits` in flight: on SQLite, whose reads are
 * synchronous, a unit is one segment; on PostgreSQL a thousand resumes wait for
 * their reads together rather than one after another. Units together take at
 * most half of the loop, beyond a burst of a slice: each segment is followed by
 * a rest as long (with one unit per turn only, a flood put a unit in every turn,
 * and a message crossing four turns to be stored and fanned out waited behind
 * four). Each connection pays for its units from a token
 * bucket of event-loop milliseconds; one in debt waits until the bucket has
 * refilled to zero, and one whose earlier replies still wait unsent waits for
 * its socket to take them. Work is delayed, never refused.
 *
 * Costs are event-loop time (performance.eventLoopUtilization's `active`) over
 * a segment: the time the loop was busy running it, not the time a store spent
 * waiting on the network.
 */
import { performance } from 'node:perf_hooks';

/** What the scheduler needs of a connection. */
export interface Paced {
  readonly closed: boolean;
  /** Bytes written to its socket that the network has not taken yet. */
  readonly backlogBytes: number;
  /** Resolves once the socket has taken its backlog, or closed. */
  drained(): Promise<void>;
}

export interface WorkSchedulerOptions {
  /** Most of one turn a connection's frames, and all units' segments together, take before yielding. */
  sliceMs: number;
  /** The token bucket of each connection's units: a burst of `capacityMs`, refilled by `refillMsPerSecond`. */
  budget: { capacityMs: number; refillMsPerSecond: number };
  /** A connection's unit waits while more than this is unsent on its socket. */
  backlogLimitBytes: number;
  /** Most units admitted and not ended (most of them waiting for I/O); 16 unless set. */
  maxWaitingUnits?: number;
}

interface Account {
  /** The turn `usedMs` counts in. */
  turn: number;
  usedMs: number;
  /** Milliseconds of units it may run now; below zero, its debt. */
  tokens: number;
  refilledAt: number;
  /** Whether one of its units is admitted and not ended. */
  inUnit: boolean;
  /** Its running segment: when it began (performance.now(), -1: none runs) and the loop's active time then. */
  segmentBegan: number;
  segmentActiveBegan: number;
}

/** A unit waiting to be admitted: a new one, or one coming back from `pause`; `order` is its place in line. */
interface Waiting {
  account: Account;
  fresh: boolean;
  order: number;
  admit: () => void;
}

/** A first-in, first-out line. */
class Line<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    const item = this.#items[this.#head];
    if (item === undefined) return undefined;
    this.#items[this.#head++] = undefined as T;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    return item;
  }
}

const activeMs = (): number => performance.eventLoopUtilization().active;

export class WorkScheduler {
  readonly #sliceMs: number;
  readonly #capacityMs: number;
  readonly #refillPerMs: number;
  readonly #backlogLimitBytes: number;
  readonly #maxInFlight: number;
  readonly #accounts = new WeakMap<Paced, Account>();
  #turn = 0;
  #armed = false;
  /** Frames waiting for the next turn (their connection used its slice). */
  #nextTurn: Array<() => void> = [];
  /** Units waiting to be admitted: new ones, and ones back from a pause (apart, so that units in flight can always end). */
  readonly #fresh = new Line<Waiting>();
  readonly #back = new Line<Waiting>();
  #arrivals = 0;
  /** The unit whose segment runs now; one admitted whose code has not started yet. */
  #current: Account | null = null;
  #starting = false;
  /** Units admitted and not ended. */
  #inFlight = 0;
  /** The cost of the segments that ran in this turn. */
  #unitsMs = 0;
  /**
   * performance.now() that units have used the loop up to, counting a rest as long as each
   * segment after it (units take at most half of the loop); a unit is admitted while this is
   * less than a slice ahead of now.
   */
  #restUntil = 0;
  #restTimer: NodeJS.Timeout | null = null;
  #admitQueued = false;

  constructor(options: WorkSchedulerOptions) {
    this.#sliceMs = options.sliceMs;
    this.#capacityMs = options.budget.capacityMs;
    this.#refillPerMs = options.budget.refillMsPerSecond / 1000;
    this.#backlogLimitBytes = options.backlogLimitBytes;
    this.#maxInFlight = options.maxWaitingUnits ?? 16;
  }

  /**
   * Runs one frame's `work` for `peer` when its turn comes; resolves when it is done.
   * `work` gets `queued` wrapped (a send's work is measured up to its store queueing, after
   * which the next send may start: SocketSession) and may return undefined when it did nothing.
   */
  run(
    peer: Paced,
    expensive: boolean,
    work: (queued?: () => void) => Promise<void> | undefined,
    queued?: () => void,
  ): Promise<void> | undefined {
    let account = this.#accounts.get(peer);
    if (!account) this.#accounts.set(peer, (account = this.#newAccount()));
    const own = account;
    const wait = expensive ? this.#admit(peer, own, true) : this.#hasSlice(own) ? undefined : this.#waitTurn();
    if (wait === undefined) return this.#start(own, expensive, work, queued);
    return wait.then(() => this.#start(own, expensive, work, queued));
  }

  /**
   * Inside an expensive request, between its parts: when the running segment has taken its
   * slice, ends it and waits to be admitted again (behind every unit already waiting).
   */
  pause(peer: Paced): Promise<void> | undefined {
    const account = this.#accounts.get(peer);
    if (!account || account.segmentBegan < 0 || performance.now() - account.segmentBegan < this.#sliceMs) return undefined;
    this.#endSegment(account);
    return this.#admit(peer, account, false);
  }

  /**
   * `io` with each method call made by a running unit watched: when the call returns a
   * promise, the unit's segment ends there (it waits for I/O, and the next unit may be
   * admitted) and its next segment begins when the promise settles. For the store and
   * presence as the chat code sees them; a unit awaiting anything else is charged for the
   * loop's time until the turn ends.
   */
  watchIo<T extends object>(io: T): T {
    const wrapped = new Map<PropertyKey, unknown>();
    return new Proxy(io, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        let method = wrapped.get(key);
        if (method === undefined) {
          const call = value as (...args: unknown[]) => unknown;
          method = (...args: unknown[]): unknown => {
            const unit = this.#current;
            const result = call.apply(target, args);
            if (unit === null || !(result instanceof Promise)) return result;
            const resumed = result.then(
              (answer: unknown) => {
                this.#resume(unit);
                return answer;
              },
              (error: unknown) => {
                this.#resume(unit);
                throw error;
              },
            );
            // After `resumed` is chained: a read that has answered already resumes the unit
            // before the next one is looked at.
            this.#suspend(unit);
            return resumed;
          };
          wrapped.set(key, method);
        }
        return method;
      },
    });
  }

  #newAccount(): Account {
    return { turn: -1, usedMs: 0, tokens: this.#capacityMs, refilledAt: performance.now(), inUnit: false, segmentBegan: -1, segmentActiveBegan: 0 };
  }

  #start(account: Account, expensive: boolean, work: (queued?: () => void) => Promise<void> | undefined, queued?: () => void): Promise<void> | undefined {
    const began = performance.now();
    if (expensive) this.#beginSegment(account);
    let counted = false;
    const count = (): void => {
      if (counted) return;
      counted = true;
      this.#used(account, performance.now() - began);
    };
    const finish = (): void => {
      count();
      if (expensive) this.#endUnit(account);
    };
    const result = work(
      queued &&
        (() => {
          count();
          queued();
        }),
    );
    if (result === undefined) {
      finish();
      return undefined;
    }
    return result.then(finish, (error: unknown) => {
      finish();
      throw error;
    });
  }

  // ---- turns ----

  #hasSlice(account: Account): boolean {
    if (account.turn !== this.#turn) {
      account.turn = this.#turn;
      account.usedMs = 0;
    }
    return account.usedMs < this.#sliceMs;
  }

  #used(account: Account, ms: number): void {
    this.#hasSlice(account);
    account.usedMs += ms;
    // The turn must end for the slices to renew: a setImmediate marks its end.
    this.#arm();
  }

  #waitTurn(): Promise<void> {
    this.#arm();
    return new Promise((resolve) => this.#nextTurn.push(resolve));
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#onTurn);
  }

  readonly #onTurn = (): void => {
    this.#armed = false;
    this.#turn++;
    // A segment still running at the end of a turn awaited something `watchIo` does not see.
    if (this.#current !== null && !this.#starting) this.#endSegment(this.#current);
    this.#unitsMs = 0;
    const waiting = this.#nextTurn;
    this.#nextTurn = [];
    for (const resume of waiting) resume();
    this.#admitNext();
  };

  // ---- units ----

  /** Undefined: admitted now. Else resolves when admitted (its bucket refilled, its backlog taken, its place in line reached). */
  #admit(peer: Paced, account: Account, fresh: boolean): Promise<void> | undefined {
    const debtMs = -this.#refill(account);
    if (debtMs > 0 && !peer.closed) {
      return new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(debtMs / this.#refillPerMs))).then(() => this.#admit(peer, account, fresh));
    }
    if (peer.backlogBytes > this.#backlogLimitBytes && !peer.closed) return peer.drained().then(() => this.#admit(peer, account, fresh));
    if (this.#fresh.size + this.#back.size === 0 && this.#mayAdmit(fresh)) {
      this.#take(account, fresh);
      return undefined;
    }
    const line = fresh ? this.#fresh : this.#back;
    const admitted = new Promise<void>((admit) => line.push({ account, fresh, order: this.#arrivals++, admit }));
    this.#armAdmission();
    return admitted;
  }

  /** Whether a unit may start now: no segment runs, this turn's have not taken the slice, units have rested, and a new unit finds room. */
  #mayAdmit(fresh: boolean): boolean {
    return this.#current === null && this.#unitsMs < this.#sliceMs && this.#restUntil - performance.now() < this.#sliceMs && (!fresh || this.#inFlight < this.#maxInFlight);
  }

  /** Admits `account`'s unit: its segment begins when its code starts (#start, or at once back from a pause). */
  #take(account: Account, fresh: boolean): void {
    if (fresh) {
      this.#inFlight++;
      account.inUnit = true;
      this.#current = account;
      this.#starting = true;
    } else {
      this.#beginSegment(account);
    }
  }

  /** Makes sure the units in line are looked at again: at the next turn, or when units have rested. */
  #armAdmission(): void {
    const rest = this.#restUntil - this.#sliceMs - performance.now();
    if (rest < 1) {
      this.#arm();
    } else if (this.#restTimer === null) {
      this.#restTimer = setTimeout(() => {
        this.#restTimer = null;
        this.#arm();
      }, Math.ceil(rest));
    }
  }

  /**
   * Admits the next unit in line if it may start (it then runs: the next is looked at when it
   * waits or ends); arms the next look while any wait. A unit back from a pause goes before a
   * new one that finds no room, since only the units in flight can make room.
   */
  #admitNext(): void {
    const fresh = this.#fresh.peek();
    const back = this.#back.peek();
    const line = back !== undefined && (fresh === undefined || back.order < fresh.order || this.#inFlight >= this.#maxInFlight) ? this.#back : this.#fresh;
    const next = line.peek();
    if (next === undefined) return;
    if (this.#mayAdmit(next.fresh)) {
      line.shift();
      this.#take(next.account, next.fresh);
      next.admit();
      if (this.#fresh.size + this.#back.size > 0) this.#armAdmission();
    } else if (!next.fresh || this.#inFlight < this.#maxInFlight) {
      this.#armAdmission();
    }
    // Else every room is taken: the next unit to end looks again.
  }

  /** Looks at the line again once the running code has gone on (a microtask later). */
  #admitSoon(): void {
    if (this.#admitQueued) return;
    this.#admitQueued = true;
    queueMicrotask(() => {
      this.#admitQueued = false;
      this.#admitNext();
    });
  }

  /** The bucket after refilling; negative: the debt. */
  #refill(account: Account): number {
    const now = performance.now();
    account.tokens = Math.min(this.#capacityMs, account.tokens + (now - account.refilledAt) * this.#refillPerMs);
    account.refilledAt = now;
    return account.tokens;
  }

  #beginSegment(account: Account): void {
    // Another unit's segment still marked as running awaited something `watchIo` does not see.
    if (this.#current !== null && this.#current !== account && !this.#starting) this.#endSegment(this.#current);
    this.#current = account;
    this.#starting = false;
    account.segmentBegan = performance.now();
    account.segmentActiveBegan = activeMs();
  }

  /** Charges the segment that ran to its connection, the turn and the units' rest. */
  #endSegment(account: Account): void {
    if (this.#current === account) {
      this.#current = null;
      this.#starting = false;
    }
    if (account.segmentBegan < 0) return;
    const cost = Math.max(0, activeMs() - account.segmentActiveBegan);
    this.#restUntil = Math.max(this.#restUntil, account.segmentBegan) + 2 * cost;
    account.segmentBegan = -1;
    this.#refill(account);
    account.tokens -= cost;
    this.#unitsMs += cost;
  }

  /** The unit awaits I/O: its segment ends, and the line moves once its code has gone on. */
  #suspend(account: Account): void {
    if (this.#current !== account) return;
    this.#endSegment(account);
    this.#admitSoon();
  }

  /** The I/O a unit awaited has answered: its next segment begins. */
  #resume(account: Account): void {
    if (account.inUnit) this.#beginSegment(account);
  }

  #endUnit(account: Account): void {
    if (this.#current === account) this.#endSegment(account);
    if (account.inUnit) {
      account.inUnit = false;
      this.#inFlight--;
    }
    this.#admitNext();
  }
}
