/**
 * ParleyClient: the SDK's one public class. Its Link keeps a connection up
 * (sign in, heartbeat, reconnect with jittered backoff); the client resumes rooms
 * after every reconnect, keeps an outbox of unacknowledged messages, and keeps
 * per-room state for UIs. Every request resolves on the server's ack or rejects
 * with a ParleyError. Runs in browsers and Node (no node: imports).
 */
import {
  type DirectoryPage,
  CLIENT_ID_PATTERN,
  DEFAULT_LIMITS,
  ParleyError,
  type Attachment,
  type AuditEntry,
  type Ban,
  type HistoryPage,
  type Limits,
  type Member,
  type Person,
  type Permission,
  type Report,
  type RepliesPage,
  type ThreadState,
  type RequestType,
  type Results,
  type Role,
  type RoomKind,
  type RoomSettings,
  type RoomSummary,
  type SearchResults,
  type ServerFrame,
  type UserSummary,
  type WelcomeFrame,
  type Webhook,
  type WebhookDelivery,
  type WebhookTrigger,
} from '@parley/protocol';
import { v7 as uuidv7 } from 'uuid';
import { Emitter } from './emitter.js';
import { ClientClosedError, ConnectionLostError } from './errors.js';
import { Link } from './link.js';
import { Outbox } from './outbox.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { RequestTracker, type RequestBody } from './requests.js';
import { logout as restLogout } from './rest-api.js';
import { RoomModel } from './room-model.js';
import { RoomSync } from './room-sync.js';
import { TypingTracker } from './typing.js';
import { upload, type UploadOptions, type UploadSource } from './upload.js';
import type {
  ClientSnapshot,
  ConnectionStatus,
  Transport,
  HistoryQuery,
  SearchOptions,
  ParleyClientEvents,
  ParleyClientListener,
  ParleyClientOptions,
  RoomState,
  SendOptions,
  SendResult,
  ThreadView,
} from './types.js';
import { ThreadList } from './thread-list.js';

/**
 * Members are reloaded a while after a join or leave (a join event names the
 * user but not their username), so that a burst of them costs one request, and
 * at a random moment in that while, so that every client in a busy room does
 * not ask at once.
 */
const MEMBERS_RELOAD_DELAY_MS = { min: 250, spread: 1750 };

/** Reports kept in the snapshot, the newest. */
const REPORTS_KEPT = 100;

/** Log events after which a room's member list is read again. */
const MEMBERSHIP_EVENTS: ReadonlySet<string> = new Set(['join', 'leave', 'kick', 'ban']);

export class ParleyClient {
  readonly #options: Readonly<ResolvedOptions>;
  readonly #emitter = new Emitter<ParleyClientEvents>((error) => console.error('parley: a listener threw', error));
  readonly #rooms = new Map<string, RoomModel>();
  readonly #link: Link;
  readonly #requests = new RequestTracker((frame) => this.#link.send(frame));
  readonly #outbox: Outbox;
  readonly #typing: TypingTracker;
  readonly #sync: RoomSync;
  readonly #membersReloads = new Map<string, ReturnType<typeof setTimeout>>();
  #user: UserSummary | null = null;
  #admin = false;
  #blocked: readonly UserSummary[] = [];
  #reports: readonly Report[] = [];
  readonly #threads = new ThreadList();
  #limits: Limits = { ...DEFAULT_LIMITS };
  #everWelcomed = false;
  #connected: { promise: Promise<WelcomeFrame>; resolve: (w: WelcomeFrame) => void; reject: (e: ParleyError) => void } | null = null;
  #snapshot: ClientSnapshot | null = null;
  #changeQueued = false;

  constructor(options: ParleyClientOptions) {
    this.#options = resolveOptions(options);
    this.#link = new Link(this.#options, {
      status: (status, info) => {
        this.#emitter.emit('status', status, info);
        this.#changed();
      },
      signedIn: (user) => this.#setUser(user),
      up: (welcome) => this.#onWelcome(welcome),
      frame: (frame) => this.#onFrame(frame),
      down: () => this.#onDown(),
      failed: (error) => this.#shutDown(error),
      trouble: (error) => this.#backgroundError(error),
    });
    this.#outbox = new Outbox(
      this.#options.outboxLimit,
      (rooms) => this.#outboxChanged(rooms),
      () => this.#flushOutbox(),
    );
    this.#typing = new TypingTracker((room, users) => {
      const model = this.#rooms.get(room);
      if (model) {
        model.typing = users;
        model.touch();
      }
      this.#emitter.emit('typing', room, users);
      this.#changed();
    });
    this.#sync = new RoomSync({
      history: (room, query) => this.#request({ type: 'history', room, ...query }, 0),
      resume: async (rooms) => (await this.#request({ type: 'resume', rooms }, 0)).rooms,
      me: () => this.#user?.id,
      pageSize: () => this.#limits.historyPageMax,
      applied: (room, events) => {
        for (const event of events) {
          this.#emitter.emit('event', event);
          if (event.kind === 'message') this.#typing.stopped(room.id, event.user.id);
          if (MEMBERSHIP_EVENTS.has(event.kind)) this.#scheduleMembersReload(room);
        }
        this.#outbox.settle(room.id, room.syncedSeq);
        this.#changed();
      },
      loadedOlder: (room, events) => {
        this.#emitter.emit('history', room.id, events);
        this.#changed();
      },
      lost: (room) => this.#roomLeft(room.id),
      failed: (error) => this.#backgroundError(error),
    });
  }

  // ---- connection ----

  get status(): ConnectionStatus {
    return this.#link.status;
  }

  /** The transport of the current connection (or of the last one): a WebSocket, or the HTTP fallback. */
  get transport(): Transport {
    return this.#link.transport;
  }

  /** The signed-in user (known after sign-in or the first welcome). */
  get user(): UserSummary | null {
    return this.#user;
  }

  /** The session token in use (null with cookie sessions). */
  get token(): string | null {
    return this.#link.token;
  }

  /** Whether the user is a server admin (from the welcome). */
  get admin(): boolean {
    return this.#admin;
  }

  /**
   * Signs in if needed and connects; resolves with the first welcome. Keeps
   * retrying (with backoff) while the server is unreachable; rejects when the
   * credentials are refused or `close()` is called first.
   */
  connect(): Promise<WelcomeFrame> {
    if (this.#link.status === 'closed') return Promise.reject(new ClientClosedError());
    if (!this.#connected) {
      let resolve!: (w: WelcomeFrame) => void;
      let reject!: (e: ParleyError) => void;
      const promise = new Promise<WelcomeFrame>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#connected = { promise, resolve, reject };
    }
    this.#link.start();
    return this.#connected.promise;
  }

  /** Closes for good: no reconnect; pending requests and unsent messages reject with ClientClosedError. */
  close(): void {
    if (this.#link.status === 'closed') return;
    this.#link.close();
    this.#shutDown(new ClientClosedError());
  }

  /**
   * Closes, then ends the session on the server (REST logout). Closing first: the server closes
   * the session's sockets with 4401, which a client holding a password answers by signing in again.
   */
  async logout(): Promise<void> {
    const token = this.#link.token;
    this.close();
    await restLogout({ baseUrl: this.#options.baseUrl, fetch: this.#options.fetch, token, timeoutMs: this.#options.requestTimeoutMs });
  }

  // ---- listeners and state ----

  on<K extends keyof ParleyClientEvents>(name: K, listener: ParleyClientListener<K>): () => void {
    return this.#emitter.on(name, listener);
  }

  off<K extends keyof ParleyClientEvents>(name: K, listener: ParleyClientListener<K>): void {
    this.#emitter.off(name, listener);
  }

  /** For `useSyncExternalStore`: calls `listener` after any change to the snapshot. */
  subscribe(listener: () => void): () => void {
    return this.#emitter.on('change', listener);
  }

  /** The current state; the same object until something changes. */
  getSnapshot(): ClientSnapshot {
    const me = this.#user?.id;
    this.#snapshot ??= {
      status: this.#link.status,
      user: this.#user,
      rooms: [...this.#rooms.values()].map((room) => room.snapshot(me)),
      outbox: this.#outbox.list(),
      limits: this.#limits,
      admin: this.#admin,
      blocked: this.#blocked,
      reports: this.#reports,
      threads: this.#threads.views(),
    };
    return this.#snapshot;
  }

  room(id: string): RoomState | undefined {
    return this.#rooms.get(id)?.snapshot(this.#user?.id);
  }

  // ---- requests ----

  /** Refreshes and returns the room list (the rooms joined, and the newest public rooms not joined). */
  async listRooms(): Promise<RoomSummary[]> {
    const { rooms } = await this.#request({ type: 'rooms' });
    for (const summary of rooms) this.#upsertRoom(summary);
    return rooms;
  }

  /**
   * A page of every public room, by name; `query`: names containing it. Pass the page's `next`
   * as `after` for the next one. The rooms are not added to the state (a directory to browse).
   */
  async directory(options: { query?: string; after?: string; limit?: number } = {}): Promise<DirectoryPage> {
    const { rooms, next } = await this.#request({ type: 'directory', ...options });
    return { rooms, next };
  }

  /** Puts a room from a directory page into the state, as if listed, so that it can be previewed and joined. */
  showRoom(summary: RoomSummary): void {
    if (!this.#rooms.has(summary.id)) this.#upsertRoom(summary);
  }

  /** Joins a room by id; its timeline starts loading. */
  async join(room: string): Promise<RoomSummary> {
    const result = await this.#request({ type: 'join', room });
    this.#upsertRoom(result.room);
    return result.room;
  }

  async leave(room: string): Promise<void> {
    await this.#request({ type: 'leave', room });
    this.#roomLeft(room);
  }

  async createRoom(name: string, kind: Exclude<RoomKind, 'dm'> = 'public'): Promise<RoomSummary> {
    const result = await this.#request({ type: 'create', name, kind });
    this.#upsertRoom(result.room);
    return result.room;
  }

  async invite(room: string, username: string): Promise<void> {
    await this.#request({ type: 'invite', room, username });
  }

  // people (protocol §27)
  /**
   * People whose display name or username contains `query`, among those sharing a room with
   * the user; `room`: among that room's members. Best matches first, with who is online.
   */
  async people(query: string, options: { room?: string; limit?: number } = {}): Promise<Person[]> {
    const { users } = await this.#request({ type: 'people', query, ...options });
    return users;
  }

  /** One person's card (someone sharing a room with the user); `user_not_found` otherwise. */
  async profile(userId: string): Promise<Person> {
    const { user } = await this.#request({ type: 'profile', user: userId });
    return user;
  }

  /** Opens (or finds) the direct-message room with `username`. */
  async openDm(username: string): Promise<RoomSummary> {
    const result = await this.#request({ type: 'dm', username });
    this.#upsertRoom(result.room);
    return result.room;
  }

  /**
   * Sends a message. It is queued in the outbox at once (visible as pending),
   * written now or after the next reconnect, and resolves on the server's ack.
   * `id`: the message's client id (default a new UUIDv7); a retry with the same id is never stored twice.
   * `attachments`: files uploaded to this room with `upload` (up to `limits.maxAttachments`); the body may then be empty.
   */
  send(room: string, body: string, options: SendOptions = {}): Promise<SendResult> {
    if (this.#link.status === 'closed') return Promise.reject(new ClientClosedError());
    const attachments = options.attachments?.length ? options.attachments : undefined;
    if (body.length === 0 && !attachments) return Promise.reject(new ParleyError('invalid_frame', 'A message needs a body or attachments.'));
    if (attachments && attachments.length > this.#limits.maxAttachments) {
      return Promise.reject(new ParleyError('invalid_frame', `A message carries at most ${this.#limits.maxAttachments} files.`));
    }
    if (body.length > this.#limits.maxBodyChars) {
      return Promise.reject(new ParleyError('body_too_long', `Messages are at most ${this.#limits.maxBodyChars} characters.`));
    }
    // The server could not name such an id in its error, and the send would wait forever.
    if (options.id !== undefined && !CLIENT_ID_PATTERN.test(options.id)) {
      return Promise.reject(new ParleyError('invalid_frame', 'Message ids are 8–64 characters of A–Z a–z 0–9 _ -.'));
    }
    const place = {
      ...(options.thread !== undefined ? { thread: options.thread, ...(options.alsoInRoom ? { alsoInRoom: true as const } : {}) } : {}),
      ...(options.replyTo !== undefined && options.thread === undefined ? { replyTo: options.replyTo } : {}),
    };
    const promise = this.#outbox.add(room, body, options.id ?? uuidv7(), attachments, place);
    this.#typing.sent(room);
    this.#flushOutbox();
    return promise;
  }

  /**
   * Uploads a file to a room (`POST /api/files`) and resolves with its Attachment, to send with
   * `send(room, caption, { attachments })`. In browsers pass a File or Blob (progress is reported
   * through XMLHttpRequest); in Node also bytes or a stream (`fs.createReadStream`). Rejects with
   * a ParleyError (`file_too_large`, `quota_exceeded`, `type_not_allowed`, `image_too_large`,
   * `not_member` …; `unavailable` when the connection dropped) or, when `signal` aborts, its reason.
   */
  upload(room: string, source: UploadSource, options: UploadOptions = {}): Promise<Attachment> {
    const size = typeof Blob !== 'undefined' && source instanceof Blob ? source.size : source instanceof Uint8Array ? source.byteLength : options.size;
    if (size !== undefined && size > this.#limits.maxFileBytes) {
      return Promise.reject(new ParleyError('file_too_large', `Files are at most ${Math.floor(this.#limits.maxFileBytes / 1_048_576)} MB here.`));
    }
    return upload({ baseUrl: this.#options.baseUrl, fetch: this.#options.fetch, token: this.#link.token }, room, source, options);
  }

  /** Sends a failed message again with its original id. */
  retry(id: string): Promise<SendResult> {
    const promise = this.#outbox.retry(id);
    this.#flushOutbox();
    return promise;
  }

  /** Drops a failed message, or a queued one not yet written, from the outbox; false when it is (or may be) on its way. */
  discard(id: string): boolean {
    return this.#outbox.discard(id, new ParleyError('unavailable', 'The message was discarded before it was sent.'));
  }

  /** Edits one of your messages; resolves with the edit event's seq. */
  async edit(room: string, target: number, body: string): Promise<number> {
    return (await this.#request({ type: 'edit', room, target, body })).seq;
  }

  /**
   * Deletes one of your messages, or as a moderator someone else's (`reason` goes to the audit
   * log); resolves with the delete event's seq.
   */
  async delete(room: string, target: number, reason?: string): Promise<number> {
    return (await this.#request({ type: 'delete', room, target, ...(reason ? { reason } : {}) })).seq;
  }

  /** Adds (`on`) or removes a reaction; resolves with the server's seq for it. */
  async react(room: string, target: number, emoji: string, on = true): Promise<number> {
    return (await this.#request({ type: 'react', room, target, emoji, on })).seq;
  }

  /** Moves the read marker to `seq` (default: everything synced); resolves with the marker. */
  async markRead(room: string, seq?: number): Promise<number> {
    const model = this.#rooms.get(room);
    const upTo = seq ?? model?.syncedSeq ?? 0;
    const result = await this.#request({ type: 'read', room, seq: upTo });
    if (model) await this.#moveReadMarker(model, result.seq);
    return result.seq;
  }

  /** Changes the current user's display name. */
  async rename(name: string): Promise<UserSummary> {
    const { user } = await this.#request({ type: 'rename', name });
    this.#setUser(user);
    return user;
  }

  /** Tells the room you are typing; throttled to one frame per TYPING.throttleMs; dropped while disconnected. */
  typing(room: string): void {
    if (this.#link.up && this.#typing.mayNotify(room)) this.#link.send({ type: 'typing', room });
  }

  /** Loads the room's members (and who is online) into its state. */
  async members(room: string): Promise<Member[]> {
    const model = this.#rooms.get(room);
    const version = model?.membershipVersion;
    const result = await this.#request({ type: 'members', room });
    if (model) {
      const stale = model.membershipVersion !== version;
      model.setMembers(result.members, stale);
      if (stale) this.#scheduleMembersReload(model);
    }
    this.#changed();
    return result.members;
  }

  // ---- moderation (docs/protocol.md §23): the server decides; these resolve on its ack ----

  /** Gives a member a role below your own. */
  async setRole(room: string, user: string, role: Role): Promise<number> {
    return (await this.#request({ type: 'role', room, user, role })).seq;
  }

  /** Removes a member (they may join again). */
  async kick(room: string, user: string, reason?: string): Promise<number> {
    return (await this.#request({ type: 'kick', room, user, ...(reason ? { reason } : {}) })).seq;
  }

  /** Bans a user: `durationMs` (none: until unbanned), `deleteMessagesMs` (also delete their messages of that long before). */
  async ban(room: string, user: string, options: { durationMs?: number; deleteMessagesMs?: number; reason?: string } = {}): Promise<Results['ban']> {
    return this.#request({ type: 'ban', room, user, ...withoutEmpty(options) });
  }

  async unban(room: string, user: string, reason?: string): Promise<number> {
    return (await this.#request({ type: 'unban', room, user, ...(reason ? { reason } : {}) })).seq;
  }

  /** Times a member out for `durationMs` (0 lifts it); resolves with when it ends (0: lifted). */
  async timeout(room: string, user: string, durationMs: number, reason?: string): Promise<number> {
    return (await this.#request({ type: 'timeout', room, user, durationMs, ...(reason ? { reason } : {}) })).until;
  }

  /** Changes some of a room's settings; resolves with the room's settings after the change. */
  async updateRoomSettings(
    room: string,
    change: { readOnly?: boolean; slowModeSeconds?: number; permissions?: Partial<Record<Permission, Role>>; reason?: string },
  ): Promise<RoomSettings> {
    return (await this.#request({ type: 'room_settings', room, ...withoutEmpty(change) })).settings;
  }

  /** Reports a message to the room's moderators. */
  async report(room: string, target: number, reason?: string): Promise<Report> {
    return (await this.#request({ type: 'report', room, target, ...(reason ? { reason } : {}) })).report;
  }

  /** The room's open reports (moderators); the snapshot's `reports` of the room become these. */
  async reports(room: string): Promise<Report[]> {
    const { reports } = await this.#request({ type: 'reports', room });
    this.#reports = [...this.#reports.filter((r) => r.room !== room), ...[...reports].reverse()].slice(-REPORTS_KEPT);
    this.#changed();
    return reports;
  }

  async resolveReport(room: string, report: number, reason?: string): Promise<Report> {
    const resolved = (await this.#request({ type: 'resolve_report', room, report, ...(reason ? { reason } : {}) })).report;
    this.#reports = this.#reports.filter((r) => r.id !== report);
    this.#changed();
    return resolved;
  }

  /** A page of the room's audit log, newest first (moderators). */
  auditLog(room: string, query: { before?: number; limit?: number } = {}): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    return this.#request({ type: 'audit', room, ...query });
  }

  /** The room's bans in force (moderators). */
  async bans(room: string): Promise<Ban[]> {
    return (await this.#request({ type: 'bans', room })).bans;
  }

  /**
   * Creates a webhook in a room (its admins and owner; §29). Incoming: resolves with the URL to
   * POST to (a path on the server) and its secret, shown only now. Outgoing: with the signing
   * secret its deliveries are signed with.
   */
  createWebhook(
    room: string,
    webhook:
      | { kind: 'incoming'; name: string; signed?: boolean }
      | { kind: 'outgoing'; name: string; url: string; triggers: WebhookTrigger[]; command?: string },
  ): Promise<{ webhook: Webhook; secret: string; url?: string; signingSecret?: string }> {
    return this.#request({ type: 'webhook_create', room, ...webhook });
  }

  /** The room's webhooks (its admins and owner). */
  async webhooks(room: string): Promise<Webhook[]> {
    return (await this.#request({ type: 'webhooks', room })).webhooks;
  }

  async revokeWebhook(room: string, webhook: string): Promise<void> {
    await this.#request({ type: 'webhook_revoke', room, webhook });
  }

  /** The newest deliveries of the room's outgoing webhooks (or of one), newest first. */
  async webhookDeliveries(room: string, query: { webhook?: string; limit?: number } = {}): Promise<WebhookDelivery[]> {
    return (await this.#request({ type: 'webhook_deliveries', room, ...query })).deliveries;
  }

  /** Blocks a user: their messages and DMs are for the UI to hide; they cannot write to you in a DM. */
  block(user: string): Promise<readonly UserSummary[]> {
    return this.#setBlock(user, true);
  }

  unblock(user: string): Promise<readonly UserSummary[]> {
    return this.#setBlock(user, false);
  }

  isBlocked(userId: string): boolean {
    return this.#blocked.some((user) => user.id === userId);
  }

  async #setBlock(user: string, on: boolean): Promise<readonly UserSummary[]> {
    this.#setBlocked((await this.#request({ type: 'block', user, on })).users);
    return this.#blocked;
  }

  #setBlocked(users: readonly UserSummary[]): void {
    this.#blocked = users;
    this.#emitter.emit('blocks', users);
    this.#changed();
  }

  // ---- threads (docs/protocol.md §25) ----

  /** A page of a thread: its root and replies after `after` (default all, up to `limit`). */
  async replies(room: string, root: number, query: { after?: number; limit?: number } = {}): Promise<RepliesPage> {
    const page = await this.#request({ type: 'replies', room, root, ...query });
    if (page.thread) this.#takeThread(page.thread);
    return page;
  }

  /** Reads the threads the user follows again into the snapshot's `threads` (done at every connect). */
  async loadThreads(): Promise<readonly ThreadView[]> {
    const mark = this.#threads.mark();
    const { threads } = await this.#request({ type: 'threads' });
    this.#threads.replace(threads, mark);
    this.#changed();
    return this.#threads.views();
  }

  /** Follows (`on`) or unfollows a thread. */
  async follow(room: string, root: number, on = true): Promise<ThreadState> {
    const { thread } = await this.#request({ type: 'follow', room, root, on });
    this.#takeThread(thread);
    return thread;
  }

  /** Marks a thread read up to `seq` (default: its newest reply known). */
  async markThreadRead(room: string, root: number, seq?: number): Promise<ThreadState> {
    const upTo = seq ?? this.#threads.get(room, root)?.info.lastSeq ?? this.#rooms.get(room)?.syncedSeq ?? root;
    const { thread } = await this.#request({ type: 'thread_read', room, root, seq: upTo });
    this.#takeThread(thread);
    return thread;
  }

  /** The user's newest known state of a thread (followed or read), if any. */
  thread(room: string, root: number): ThreadState | undefined {
    return this.#threads.get(room, root);
  }

  #takeThread(state: ThreadState): void {
    if (!this.#threads.take(state)) return;
    this.#emitter.emit('thread', state);
    this.#changed();
  }

  /** One page of a room's log as the server holds it; does not touch the room's state. */
  history(room: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.#request({ type: 'history', room, ...query });
  }

  /**
   * Searches the messages of the rooms the user may read (a member of, or public), newest first;
   * each result says where its text matches (`highlights`). Korean matches inside words (검색
   * in 정보검색); other words match by their start ("deploy" finds "deployment").
   */
  search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    return this.#request({ type: 'search', query, ...options });
  }

  /**
   * Loads the room's timeline back until it holds message `seq` and up to `context` events
   * before it (to show a search result in its context); resolves with whether `seq` is loaded.
   */
  async loadAround(room: string, seq: number, context = 20): Promise<boolean> {
    const model = this.#rooms.get(room);
    if (!model) return false;
    const goal = Math.max(1, seq - context);
    while (model.oldestLoaded > goal && model.hasOlder) {
      const before = model.oldestLoaded;
      await this.#sync.loadOlder(model, Math.min(this.#limits.historyPageMax, model.oldestLoaded - goal));
      if (model.oldestLoaded === before) break;
    }
    return model.oldestLoaded <= seq && seq <= model.syncedSeq;
  }

  /** Loads older events into the room's timeline; resolves with whether still older ones exist. */
  loadOlder(room: string, limit = 50): Promise<boolean> {
    const model = this.#rooms.get(room);
    return model ? this.#sync.loadOlder(model, limit) : Promise.resolve(false);
  }

  // ---- internals: connecting ----

  #request<K extends RequestType>(body: RequestBody<K>, timeoutMs = this.#options.requestTimeoutMs): Promise<Results[K]> {
    if (this.#link.status === 'closed') return Promise.reject(new ClientClosedError());
    return this.#requests.request(body, timeoutMs);
  }

  #onDown(): void {
    this.#requests.connectionLost();
    this.#outbox.connectionLost();
    // Typing indicators do not survive the connection that brought them.
    this.#typing.clear();
  }

  /** Ends everything the client holds; the link is already closed. */
  #shutDown(error: ParleyError): void {
    for (const timer of this.#membersReloads.values()) clearTimeout(timer);
    this.#membersReloads.clear();
    this.#typing.clear();
    this.#requests.clear(error);
    this.#outbox.clear(error);
    this.#connected?.reject(error);
  }

  // ---- internals: frames ----

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        return;
      case 'ack': {
        const { type: _type, ref, ...result } = frame;
        if (this.#outbox.has(ref)) this.#sendAcked(ref, result as Results['send']);
        else this.#requests.resolve(ref, result);
        return;
      }
      case 'error': {
        const error = ParleyError.fromBody(frame);
        if (frame.ref !== null && this.#outbox.has(frame.ref)) {
          this.#outbox.refused(frame.ref, error);
          // Refused for good, it no longer holds its room's next message (refused for a while, a pause does).
          this.#flushOutbox();
        } else if (frame.ref === null || !this.#requests.reject(frame.ref, error)) this.#emitter.emit('error', error);
        return;
      }
      case 'event': {
        const room = this.#rooms.get(frame.event.room);
        if (room) this.#sync.receive(room, frame.event);
        return;
      }
      case 'typing':
        if (frame.user.id !== this.#user?.id && this.#rooms.has(frame.room)) this.#typing.typing(frame.room, frame.user);
        return;
      case 'presence': {
        const room = this.#rooms.get(frame.room);
        room?.setPresence(frame.changes, frame.online);
        // Changes were left out of a busy room's frame: the member list's flags need a refresh.
        // (Count-only frames of very large rooms are not followed: call members() when showing them.)
        if (room && frame.more !== undefined && frame.changes.length > 0) this.#scheduleMembersReload(room);
        this.#emitter.emit('presence', frame);
        return this.#changed();
      }
      case 'room':
        return this.#upsertRoom(frame.room);
      case 'room_left':
        return this.#roomLeft(frame.room);
      case 'user':
        return this.#setUser(frame.user);
      case 'read': {
        const room = this.#rooms.get(frame.room);
        if (room) this.#readElsewhere(room, frame.seq);
        return;
      }
      case 'report': {
        const others = this.#reports.filter((r) => r.id !== frame.report.id);
        this.#reports = frame.report.resolved ? others : [...others, frame.report].slice(-REPORTS_KEPT);
        this.#emitter.emit('report', frame.report);
        return this.#changed();
      }
      case 'blocks':
        return this.#setBlocked(frame.users);
      case 'thread':
        return this.#takeThread(frame.thread);
      case 'pong':
        return;
    }
  }

  #onWelcome(welcome: WelcomeFrame): void {
    const reconnected = this.#everWelcomed;
    this.#everWelcomed = true;
    this.#limits = welcome.limits;
    this.#admin = welcome.admin === true;
    this.#blocked = welcome.blocked ?? [];
    this.#setUser(welcome.user);

    const listed = new Map(welcome.rooms.map((summary) => [summary.id, summary]));
    const toResume: RoomModel[] = [];
    for (const room of this.#rooms.values()) {
      if (!room.tracking) continue;
      const summary = listed.get(room.id);
      if (!summary) this.#roomLeft(room.id);
      // A log shorter than what we hold is not the log we saw (restored from a backup): start the room afresh.
      else if (summary.joined && summary.latestSeq < room.syncedSeq) room.stopTracking();
      else if (summary.joined) toResume.push(room);
    }
    for (const summary of welcome.rooms) this.#upsertRoom(summary);
    this.#emitter.emit('welcome', welcome);

    // Thread frames sent while disconnected are lost: the list is read again, after the rooms
    // caught up (it never holds a resume back).
    const reloadThreads = () => this.loadThreads().catch((error: unknown) => this.#backgroundError(error));
    if (reconnected) {
      this.#sync.resume(toResume).then(
        (results) => {
          this.#emitter.emit('resumed', results);
          reloadThreads();
        },
        (error: unknown) => this.#backgroundError(error),
      );
    } else {
      reloadThreads();
    }
    this.#requests.flush();
    this.#flushOutbox();
    if (this.#options.loadMembers) for (const room of toResume) this.#loadMembers(room);
    this.#connected?.resolve(welcome);
  }

  /** Adds or updates a room from a summary; a room newly joined gets its first page and members. */
  #upsertRoom(summary: RoomSummary): void {
    let room = this.#rooms.get(summary.id);
    if (!room) this.#rooms.set(summary.id, (room = new RoomModel(summary.id)));
    const wasTracking = room.tracking;
    room.updateSummary(summary);
    if (room.tracking && !wasTracking) {
      room.pending = this.#outbox.forRoom(room.id);
      if (this.#options.initialHistory > 0) {
        this.#sync.loadOlder(room, this.#options.initialHistory).catch((error: unknown) => this.#backgroundError(error));
      }
      if (this.#options.loadMembers) this.#loadMembers(room);
    }
    if (wasTracking && !room.tracking) this.#afterLeaving(room);
    this.#emitter.emit('room', room.snapshot(this.#user?.id));
    this.#changed();
  }

  #roomLeft(id: string): void {
    const room = this.#rooms.get(id);
    // Leaving from here brings both the ack and a room_left frame: act once.
    if (!room || (!room.tracking && !room.joined)) return;
    room.stopTracking();
    if (room.kind !== 'public') this.#rooms.delete(id);
    this.#afterLeaving(room);
    this.#changed();
  }

  #afterLeaving(room: RoomModel): void {
    this.#typing.clearRoom(room.id);
    this.#threads.dropRoom(room.id);
    this.#outbox.discardRoom(room.id, new ParleyError('not_member', 'You left the room before the message was sent.'));
    this.#emitter.emit('roomLeft', room.id);
  }


  /** A failure of work the application did not ask for (history fill, members load). Lost connections are not failures: resume takes over. */
  #backgroundError(error: unknown): void {
    if (error instanceof ConnectionLostError || error instanceof ClientClosedError) return;
    this.#emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  #setUser(user: UserSummary): void {
    this.#user = user;
    this.#emitter.emit('user', user);
    this.#changed();
  }

  #loadMembers(room: RoomModel): void {
    this.members(room.id).catch((error: unknown) => this.#backgroundError(error));
  }

  #scheduleMembersReload(room: RoomModel): void {
    if (!this.#options.loadMembers || !room.membersLoaded || this.#membersReloads.has(room.id)) return;
    const timer = setTimeout(() => {
      this.#membersReloads.delete(room.id);
      if (room.tracking && this.#link.status !== 'closed') this.#loadMembers(room);
    }, MEMBERS_RELOAD_DELAY_MS.min + Math.random() * MEMBERS_RELOAD_DELAY_MS.spread);
    this.#membersReloads.set(room.id, timer);
  }

  /**
   * Sets a room's read marker. A marker inside the stretch the server last counted unread leaves
   * part of that count standing, and only the server knows how much: ask it for the summaries
   * again. The marker is set either way; if that fails, the count stays high until the next summary.
   */
  async #moveReadMarker(room: RoomModel, seq: number): Promise<void> {
    if (room.readsWithinServerCount(seq)) {
      const recount = this.listRooms()
        .then(() => undefined, () => undefined)
        .finally(() => {
          if (room.recount === recount) room.recount = null;
        });
      room.recount = recount;
    }
    room.setRead(seq);
    this.#changed();
    // The marker may have been moved here first by the echo of this very read (which can arrive
    // before its ack is handled): wait for the count that move asked for.
    await room.recount;
  }

  /** Another connection of this user (or this one, echoing its own read) moved the marker. */
  #readElsewhere(room: RoomModel, seq: number): void {
    if (seq <= room.readSeq) return;
    void this.#moveReadMarker(room, seq);
  }

  #sendAcked(id: string, result: Results['send']): void {
    this.#outbox.acked(id, result);
    // A re-sent message's event may already be in the timeline (replayed by the resume before this ack).
    const room = this.#rooms.get(result.room);
    this.#outbox.settle(result.room, room?.tracking ? room.syncedSeq : Number.POSITIVE_INFINITY);
    // Stored: the room's next message may go.
    this.#flushOutbox();
  }

  #flushOutbox(): void {
    if (!this.#link.up) return;
    for (const message of this.#outbox.takeQueued()) {
      const files = message.attachments ? { attachments: message.attachments.map((file) => file.id) } : {};
      const { thread, alsoInRoom, replyTo } = message;
      const place = { ...(thread !== undefined ? { thread } : {}), ...(alsoInRoom ? { alsoInRoom } : {}), ...(replyTo !== undefined ? { replyTo } : {}) };
      this.#link.send({ type: 'send', id: message.id, room: message.room, body: message.body, ...files, ...place });
    }
  }

  #outboxChanged(rooms: ReadonlySet<string>): void {
    for (const id of rooms) {
      const room = this.#rooms.get(id);
      if (!room) continue;
      room.pending = this.#outbox.forRoom(id);
      room.touch();
    }
    this.#emitter.emit('outbox', this.#outbox.list());
    this.#changed();
  }

  #changed(): void {
    this.#snapshot = null;
    if (this.#changeQueued) return;
    this.#changeQueued = true;
    queueMicrotask(() => {
      this.#changeQueued = false;
      this.#emitter.emit('change');
    });
  }
}

/** The options without their undefined and empty-string fields: the protocol refuses an empty reason. */
function withoutEmpty<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>;
}
