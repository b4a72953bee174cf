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
 * into (`pause`), are units admitted one at a time, first come first served
 * across connections, and at most `sliceMs` of them per turn — the first of a
 * turn is always admitted, whatever it costs: a unit is not cut. After a unit
 * the next waits as long as it took, so that units take at most half of the
 * loop whoever sends them (with one per turn only, a flood put a unit in every
 * turn, and a message crossing four turns to be stored and fanned out waited
 * behind four). Each connection pays for its units from a token bucket of
 * event-loop milliseconds; one in debt waits until the bucket has refilled to
 * zero, and one whose earlier replies still wait unsent waits for its socket
 * to take them. Work is delayed, never refused.
 *
 * Costs are event-loop time (performance.eventLoopUtilization's `active`):
 * the time the loop was busy while the unit ran, not the time a store spent
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
  /** Most of one turn a connection's frames, and all connections' units together, take before yielding. */
  sliceMs: number;
  /** The token bucket of each connection's units: a burst of `capacityMs`, refilled by `refillMsPerSecond`. */
  budget: { capacityMs: number; refillMsPerSecond: number };
  /** A connection's unit waits while more than this is unsent on its socket. */
  backlogLimitBytes: number;
}

interface Account {
  /** The turn `usedMs` counts in. */
  turn: number;
  usedMs: number;
  /** Milliseconds of units it may run now; below zero, its debt. */
  tokens: number;
  refilledAt: number;
  /** Its running unit: when it began (performance.now()), the loop's active time then, the turn it was admitted in. */
  unitBegan: number;
  unitActiveBegan: number;
  unitTurn: number;
}

const activeMs = (): number => performance.eventLoopUtilization().active;

export class WorkScheduler {
  readonly #sliceMs: number;
  readonly #capacityMs: number;
  readonly #refillPerMs: number;
  readonly #backlogLimitBytes: number;
  readonly #accounts = new WeakMap<Paced, Account>();
  #turn = 0;
  #armed = false;
  /** Frames waiting for the next turn (their connection used its slice). */
  #nextTurn: Array<() => void> = [];
  /** Units waiting to be admitted, in arrival order. */
  readonly #units: Array<() => void> = [];
  #unitsHead = 0;
  /** Units admitted in this turn and not yet ended, and the cost of those that ended. */
  #unitsRunning = 0;
  #unitsMs = 0;
  /** performance.now() before which no unit starts: after a unit, as long a rest (units take at most half the loop). */
  #restUntil = 0;
  #restTimer: NodeJS.Timeout | null = null;

  constructor(options: WorkSchedulerOptions) {
    this.#sliceMs = options.sliceMs;
    this.#capacityMs = options.budget.capacityMs;
    this.#refillPerMs = options.budget.refillMsPerSecond / 1000;
    this.#backlogLimitBytes = options.backlogLimitBytes;
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
    const wait = expensive ? this.#admit(peer, own) : this.#hasSlice(own) ? undefined : this.#waitTurn();
    if (wait === undefined) return this.#start(own, expensive, work, queued);
    return wait.then(() => this.#start(own, expensive, work, queued));
  }

  /**
   * Inside an expensive request, between its parts: when the running unit has taken its
   * slice, ends it and waits to be admitted again (behind every unit already waiting).
   */
  pause(peer: Paced): Promise<void> | undefined {
    const account = this.#accounts.get(peer);
    if (!account || account.unitBegan < 0 || performance.now() - account.unitBegan < this.#sliceMs) return undefined;
    this.#endUnit(account);
    const admitted = this.#admit(peer, account);
    if (admitted === undefined) {
      this.#beginUnit(account);
      return undefined;
    }
    return admitted.then(() => this.#beginUnit(account));
  }

  #newAccount(): Account {
    return { turn: -1, usedMs: 0, tokens: this.#capacityMs, refilledAt: performance.now(), unitBegan: -1, unitActiveBegan: 0, unitTurn: -1 };
  }

  #start(account: Account, expensive: boolean, work: (queued?: () => void) => Promise<void> | undefined, queued?: () => void): Promise<void> | undefined {
    const began = performance.now();
    if (expensive) this.#beginUnit(account);
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
    this.#unitsRunning = 0;
    this.#unitsMs = 0;
    const waiting = this.#nextTurn;
    this.#nextTurn = [];
    for (const resume of waiting) resume();
    this.#admitNext();
  };

  // ---- units ----

  /** Undefined: admitted now. Else resolves when admitted (its bucket refilled, its backlog taken, its place in line reached). */
  #admit(peer: Paced, account: Account): Promise<void> | undefined {
    const debtMs = -this.#refill(account);
    if (debtMs > 0 && !peer.closed) {
      return new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(debtMs / this.#refillPerMs))).then(() => this.#admit(peer, account));
    }
    if (peer.backlogBytes > this.#backlogLimitBytes && !peer.closed) return peer.drained().then(() => this.#admit(peer, account));
    if (this.#unitsHead === this.#units.length && this.#mayAdmit()) {
      this.#unitsRunning++;
      return undefined;
    }
    const admitted = new Promise<void>((resolve) => this.#units.push(resolve));
    this.#armAdmission();
    return admitted;
  }

  /** Whether a unit may start now: none running in this turn, this turn's have not taken the slice, the rest is over. */
  #mayAdmit(): boolean {
    return this.#unitsRunning === 0 && this.#unitsMs < this.#sliceMs && performance.now() >= this.#restUntil;
  }

  /** Makes sure the units in line are looked at again: at the next turn, or when the rest ends. */
  #armAdmission(): void {
    const rest = this.#restUntil - performance.now();
    if (rest < 1) {
      this.#arm();
    } else if (this.#restTimer === null) {
      this.#restTimer = setTimeout(() => {
        this.#restTimer = null;
        this.#arm();
      }, Math.ceil(rest));
    }
  }

  /** Admits the next unit in line if this turn has room (or none ran yet in it); arms the next turn while any wait. */
  #admitNext(): void {
    if (this.#unitsHead < this.#units.length && this.#mayAdmit()) {
      const admit = this.#units[this.#unitsHead]!;
      this.#units[this.#unitsHead++] = undefined as unknown as () => void;
      if (this.#unitsHead === this.#units.length) {
        this.#units.length = 0;
        this.#unitsHead = 0;
      }
      this.#unitsRunning++;
      admit();
    }
    if (this.#unitsHead < this.#units.length) this.#armAdmission();
  }

  /** The bucket after refilling; negative: the debt. */
  #refill(account: Account): number {
    const now = performance.now();
    account.tokens = Math.min(this.#capacityMs, account.tokens + (now - account.refilledAt) * this.#refillPerMs);
    account.refilledAt = now;
    return account.tokens;
  }

  #beginUnit(account: Account): void {
    account.unitBegan = performance.now();
    account.unitActiveBegan = activeMs();
    account.unitTurn = this.#turn;
  }

  #endUnit(account: Account): void {
    if (account.unitBegan < 0) return;
    const cost = Math.max(0, activeMs() - account.unitActiveBegan);
    account.unitBegan = -1;
    this.#refill(account);
    account.tokens -= cost;
    this.#restUntil = Math.max(this.#restUntil, performance.now() + cost);
    if (account.unitTurn === this.#turn) {
      this.#unitsRunning = Math.max(0, this.#unitsRunning - 1);
      this.#unitsMs += cost;
    }
    this.#admitNext();
  }
}
