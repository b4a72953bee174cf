/**
 * Keeping each followed room's timeline complete: events are applied in seq
 * order exactly once (RoomModel drops duplicates and holds early events); a gap
 * is filled from history; after a reconnect every room resumes from its last
 * seq, and a room the server reports `too_far_behind` pages history forward.
 */
import type { HistoryPage, ResumeResult, RoomEvent } from '@parley/protocol';
import type { HistoryQuery } from './types.js';
import type { RoomModel } from './room-model.js';

export interface SyncDeps {
  history(room: string, query: HistoryQuery): Promise<HistoryPage>;
  resume(rooms: Array<{ room: string; after: number }>): Promise<ResumeResult[]>;
  me(): string | undefined;
  pageSize(): number;
  /** Events were applied to the room's log window, in order. */
  applied(room: RoomModel, events: readonly RoomEvent[]): void;
  /** Older events were added at the start of the timeline. */
  loadedOlder(room: RoomModel, events: readonly RoomEvent[]): void;
  /** The server no longer lists the room for this user. */
  lost(room: RoomModel): void;
  /** A background request failed (dropped connections included: the next resume takes over from syncedSeq). */
  failed(error: unknown): void;
}

/** The protocol's bound on rooms in one resume frame. */
const RESUME_BATCH = 1000;

export class RoomSync {
  readonly #deps: SyncDeps;
  /** While a resume runs, its replay fills gaps; history fills wait for its answer. */
  #resuming = false;

  constructor(deps: SyncDeps) {
    this.#deps = deps;
  }

  receive(room: RoomModel, event: RoomEvent): void {
    const applied = room.receive(event, this.#deps.me());
    if (applied.length > 0) this.#deps.applied(room, applied);
    if (room.hasGap() && !this.#resuming) void this.fill(room, 0);
  }

  /** Resumes every room after a reconnect; resolves with the server's status per room once all are caught up. */
  async resume(rooms: readonly RoomModel[]): Promise<ResumeResult[]> {
    this.#resuming = true;
    const results: ResumeResult[] = [];
    try {
      for (let i = 0; i < rooms.length; i += RESUME_BATCH) {
        const batch = rooms.slice(i, i + RESUME_BATCH).map((room) => ({ room: room.id, after: room.syncedSeq }));
        results.push(...(await this.#deps.resume(batch)));
      }
    } finally {
      this.#resuming = false;
    }
    const byId = new Map(rooms.map((room) => [room.id, room]));
    const fills: Array<Promise<void>> = [];
    for (const result of results) {
      const room = byId.get(result.room);
      if (!room) continue;
      if (result.status === 'not_found') this.#deps.lost(room);
      else if (result.status === 'too_far_behind' || room.hasGap() || room.syncedSeq < result.latestSeq) {
        fills.push(this.fill(room, result.latestSeq));
      }
    }
    await Promise.all(fills);
    return results;
  }

  /**
   * Pages history forward from the room's synced seq until the gap before its
   * early events is closed and `target` is reached. One fill per room at a time.
   */
  async fill(room: RoomModel, target: number): Promise<void> {
    if (room.filling || !room.tracking) return;
    room.filling = true;
    const generation = room.generation;
    try {
      while (room.generation === generation && (room.hasGap() || room.syncedSeq < target)) {
        const before = room.syncedSeq;
        const page = await this.#deps.history(room.id, { after: before, limit: this.#deps.pageSize() });
        if (room.generation !== generation) return;
        for (const event of page.events) {
          const applied = room.receive(event, this.#deps.me());
          if (applied.length > 0) this.#deps.applied(room, applied);
        }
        // No progress: the server has nothing newer than what we hold; live events will follow.
        if (room.syncedSeq === before || (!page.hasAfter && !room.hasGap())) break;
      }
    } catch (error) {
      this.#deps.failed(error);
    } finally {
      room.filling = false;
    }
  }

  /** Loads one page of older events into the timeline; resolves with whether still older ones exist. */
  loadOlder(room: RoomModel, limit: number): Promise<boolean> {
    if (!room.tracking || !room.hasOlder) return Promise.resolve(false);
    if (room.loadingOlder) return room.loadingOlder;
    const loading = this.#loadOlder(room, limit).finally(() => {
      if (room.loadingOlder === loading) room.loadingOlder = null;
    });
    room.loadingOlder = loading;
    return loading;
  }

  async #loadOlder(room: RoomModel, limit: number): Promise<boolean> {
    const generation = room.generation;
    const page = await this.#deps.history(room.id, { before: room.oldestLoaded, limit });
    if (room.generation !== generation) return room.hasOlder;
    const added = room.prepend(page.events, page.hasBefore);
    this.#deps.loadedOlder(room, added);
    return room.hasOlder;
  }
}
