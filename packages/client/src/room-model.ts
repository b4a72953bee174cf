/**
 * One room as the client knows it: its summary, the contiguous window of its
 * log that is loaded (the timeline), the sync cursor and the events that came
 * early (after a gap) waiting for the gap to be filled. Mutable inside the SDK;
 * `snapshot()` hands the application an immutable RoomState.
 */
import type { Member, PresenceChange, Role, RoomEvent, RoomKind, RoomSettings, RoomSummary, UserRef, UserSummary } from '@parley/protocol';
import type { MessageItem, PendingMessage, RoomState, TimelineItem } from './types.js';
import { applyReply, applyToMessage, findIndex, inThreadOnly, targetsOf, toTimelineItem } from './timeline.js';

export class RoomModel {
  readonly id: string;
  name = '';
  kind: RoomKind = 'public';
  joined = false;
  peer: UserSummary | undefined;
  memberCount = 0;
  online = 0;
  readSeq = 0;
  /** Unread count the server reported, valid up to `baseSeq`; later messages are counted from the timeline. */
  baseUnread = 0;
  baseSeq = 0;
  /** Whether `syncedSeq` is established (the room is joined and followed). */
  tracking = false;
  /** Every event up to here has been applied, once, in order. */
  syncedSeq = 0;
  /** Seq of the oldest loaded event, or syncedSeq + 1 while nothing older is loaded. */
  oldestLoaded = 1;
  hasOlder = false;
  /** Events past a gap, by seq, applied once the gap is filled. */
  readonly early = new Map<number, RoomEvent>();
  /** A gap fill or forward paging is running. */
  filling = false;
  loadingOlder: Promise<boolean> | null = null;
  /** The summaries asked for again after a read inside the server's count (see readsWithinServerCount). */
  recount: Promise<void> | null = null;
  /** Changes each time following starts afresh, so that a page requested before is not applied after. */
  generation = 0;
  members: Member[] = [];
  membersLoaded = false;
  /** Counts joins and leaves applied, so that a member list read before one of them is known to be stale. */
  membershipVersion = 0;
  typing: readonly UserRef[] = [];
  pending: readonly PendingMessage[] = [];
  /** The current user's role here (summaries, then role events). */
  role: Role | undefined;
  settings: RoomSettings = {};
  /** The current user's time-out here (summaries, then timeout events). */
  timedOutUntil: number | undefined;
  #items: TimelineItem[] = [];
  #snapshot: RoomState | null = null;

  constructor(id: string) {
    this.id = id;
  }

  /** Takes the server's summary. A room joined now starts being followed from its latest seq. */
  updateSummary(summary: RoomSummary): void {
    this.name = summary.name;
    this.kind = summary.kind;
    this.peer = summary.peer;
    this.memberCount = summary.members;
    this.online = summary.online;
    this.readSeq = summary.readSeq;
    this.baseUnread = summary.unread;
    this.baseSeq = summary.latestSeq;
    this.joined = summary.joined;
    this.role = summary.role;
    this.settings = summary.settings ?? {};
    this.timedOutUntil = summary.timedOutUntil;
    if (summary.joined && !this.tracking) this.startTracking(summary.latestSeq);
    if (!summary.joined && this.tracking) this.stopTracking();
    this.touch();
  }

  startTracking(latestSeq: number): void {
    this.tracking = true;
    this.generation++;
    this.loadingOlder = null;
    this.syncedSeq = latestSeq;
    this.oldestLoaded = latestSeq + 1;
    this.hasOlder = latestSeq > 0;
    this.#items = [];
    this.early.clear();
  }

  /** Forgets the log window (after leaving); a later join starts afresh. */
  stopTracking(): void {
    this.tracking = false;
    this.generation++;
    this.loadingOlder = null;
    this.joined = false;
    this.#items = [];
    this.early.clear();
    this.members = [];
    this.membersLoaded = false;
    this.typing = [];
    this.role = undefined;
    this.timedOutUntil = undefined;
    this.touch();
  }

  /**
   * Takes an event that arrived live, replayed or from a forward page. Returns
   * the events applied now, in order (none for a duplicate or an early event).
   */
  receive(event: RoomEvent, me: string | undefined): RoomEvent[] {
    if (!this.tracking || event.seq <= this.syncedSeq) return [];
    if (event.seq > this.syncedSeq + 1) {
      this.early.set(event.seq, event);
      return [];
    }
    const applied = [event];
    this.#apply(event, me);
    for (let next = this.early.get(this.syncedSeq + 1); next; next = this.early.get(this.syncedSeq + 1)) {
      this.early.delete(next.seq);
      this.#apply(next, me);
      applied.push(next);
    }
    return applied;
  }

  /** Whether events are missing between syncedSeq and an early event. */
  hasGap(): boolean {
    return this.early.size > 0;
  }

  /** Adds an older page (ascending, seq < oldestLoaded) at the start of the timeline; returns the events added. */
  prepend(events: readonly RoomEvent[], hasBefore: boolean): RoomEvent[] {
    const older = events.filter((e) => e.seq < this.oldestLoaded);
    const items = older.map(toTimelineItem).filter((item): item is TimelineItem => item !== null);
    this.#items = [...items, ...this.#items];
    if (older.length > 0) this.oldestLoaded = older[0]!.seq;
    this.hasOlder = hasBefore && this.oldestLoaded > 1;
    this.touch();
    return older;
  }

  /** Takes a member list; `stale` when joins, leaves or member changes were applied after it was read (the counts from events stay). */
  setMembers(members: Member[], stale: boolean): void {
    this.members = members;
    this.membersLoaded = true;
    if (!stale) {
      this.memberCount = members.length;
      this.online = members.filter((m) => m.online).length;
    }
    this.touch();
  }

  /** Applies a presence frame; `onlineCount` is exact even when `changes` was cut short. */
  setPresence(changes: readonly PresenceChange[], onlineCount: number): void {
    this.online = onlineCount;
    const latest = new Map(changes.map((change) => [change.user.id, change.status === 'online']));
    this.members = this.members.map((m) => {
      const online = latest.get(m.user.id);
      return online === undefined || online === m.online ? m : { ...m, online };
    });
    this.touch();
  }

  /** Whether moving the read marker to `seq` would leave part of the server's unread count standing (see #unread). */
  readsWithinServerCount(seq: number): boolean {
    return seq > this.readSeq && seq < this.baseSeq && this.baseUnread > 0;
  }

  setRead(seq: number): void {
    if (seq <= this.readSeq) return;
    this.readSeq = seq;
    if (seq >= this.baseSeq) this.baseUnread = 0;
    this.touch();
  }

  touch(): void {
    this.#snapshot = null;
  }

  snapshot(me: string | undefined): RoomState {
    this.#snapshot ??= {
      id: this.id,
      name: this.name,
      kind: this.kind,
      joined: this.joined,
      ...(this.peer ? { peer: this.peer } : {}),
      timeline: this.#items.slice(),
      hasOlder: this.hasOlder,
      syncedSeq: this.syncedSeq,
      members: this.members,
      memberCount: this.memberCount,
      online: this.online,
      typing: this.typing,
      unread: this.#unread(me),
      readSeq: this.readSeq,
      pending: this.pending,
      settings: this.settings,
      ...(this.role !== undefined ? { role: this.role } : {}),
      ...(this.timedOutUntil !== undefined ? { timedOutUntil: this.timedOutUntil } : {}),
    };
    return this.#snapshot;
  }

  /** Server count up to baseSeq plus messages by others after it (and after the read marker) that still stand. */
  #unread(me: string | undefined): number {
    const from = Math.max(this.baseSeq, this.readSeq);
    let count = this.readSeq >= this.baseSeq ? 0 : this.baseUnread;
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const item = this.#items[i]!;
      if (item.seq <= from) break;
      if (item.kind === 'message' && !item.deleted && item.user.id !== me && !inThreadOnly(item)) count++;
    }
    return count;
  }

  #apply(event: RoomEvent, me: string | undefined): void {
    this.syncedSeq = event.seq;
    const item = toTimelineItem(event);
    if (item) this.#items.push(item);
    if (event.kind === 'message' && event.thread !== undefined) this.#applyReply(event);
    for (const target of targetsOf(event)) this.#applyToTarget(target, event, me);
    switch (event.kind) {
      case 'join':
        this.#memberJoined(event.user);
        break;
      case 'leave':
        this.#memberLeft(event.user.id, true);
        break;
      case 'kick':
        this.#memberLeft(event.target.id, true);
        break;
      case 'ban':
        // A ban may name someone who was not a member: the count drops only for one it removed.
        this.#memberLeft(event.target.id, event.removed === true);
        break;
      case 'rename':
        this.#renamed(event.user.id, event.to);
        break;
      case 'role':
        this.#changeMember(event.target.id, (m) => ({ ...m, role: event.role }));
        if (event.target.id === me) this.role = event.role;
        break;
      case 'timeout': {
        const until = event.until > 0 ? event.until : undefined;
        this.#changeMember(event.target.id, ({ timedOutUntil: _was, ...m }) => (until === undefined ? m : { ...m, timedOutUntil: until }));
        if (event.target.id === me) this.timedOutUntil = until;
        break;
      }
      case 'settings':
        this.settings = event.settings;
        break;
    }
    this.touch();
  }

  #changeMember(userId: string, change: (member: Member) => Member): void {
    // A member list read before this change and answered after it would undo it: it is stale.
    this.membershipVersion++;
    this.members = this.members.map((m) => (m.user.id === userId ? change(m) : m));
  }

  #applyToTarget(target: number, event: RoomEvent, me: string | undefined): void {
    const index = findIndex(this.#items, target);
    const message = index >= 0 ? this.#items[index] : undefined;
    const wasStanding = message?.kind === 'message' && !message.deleted;
    if (message?.kind === 'message') {
      const changed = applyToMessage(message as MessageItem, event);
      if (changed) this.#items[index] = changed;
    }
    // A deletion after the server's count of a message it counted as unread lowers that count;
    // the count never held the user's own messages. A message not loaded is the deleter's own,
    // unless a moderator deleted it (then whose is not known) or a ban did (the banned person's).
    const countedByServer = target > this.readSeq && target <= this.baseSeq && event.seq > this.baseSeq;
    const author =
      message?.kind === 'message' ? message.user.id
      : event.kind === 'ban' ? event.target.id
      : event.kind === 'delete' && !event.moderated ? event.user.id
      : undefined;
    const deletion = event.kind === 'delete' || event.kind === 'ban';
    // A reply kept in its thread never counted in the room (§25).
    const inThread = message?.kind === 'message' ? inThreadOnly(message) : event.kind === 'delete' && event.thread !== undefined;
    if (deletion && countedByServer && author !== me && !inThread && (message === undefined || wasStanding)) {
      this.baseUnread = Math.max(0, this.baseUnread - 1);
    }
  }

  /** Counts a reply on its root, when the root is loaded. */
  #applyReply(reply: RoomEvent & { kind: 'message' }): void {
    const index = findIndex(this.#items, reply.thread!);
    const root = index >= 0 ? this.#items[index] : undefined;
    const changed = root?.kind === 'message' ? applyReply(root as MessageItem, reply) : null;
    if (changed) this.#items[index] = changed;
  }

  /** A DM is named after the other person (see RoomSummary.name), so their rename renames it. */
  #renamed(userId: string, name: string): void {
    this.members = this.members.map((m) => (m.user.id === userId ? { ...m, user: { ...m.user, name } } : m));
    if (this.kind === 'dm' && this.peer?.id === userId) {
      this.peer = { ...this.peer, name };
      this.name = name;
    }
  }

  /** Counts the joiner; the member list itself is reloaded by the client (the event lacks the user's summary). */
  #memberJoined(user: UserRef): void {
    this.membershipVersion++;
    if (!this.members.some((m) => m.user.id === user.id)) this.memberCount += 1;
  }

  /** `counted`: they were a member, so the count drops. */
  #memberLeft(userId: string, counted: boolean): void {
    this.membershipVersion++;
    if (counted) this.memberCount = Math.max(0, this.memberCount - 1);
    this.members = this.members.filter((m) => m.user.id !== userId);
  }
}
