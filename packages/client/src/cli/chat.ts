/**
 * A terminal chat session: shows what happens in the user's rooms (live,
 * replayed after a reconnect, or loaded from history) and sends what the user
 * types to the room on screen. Commands are in commands.ts.
 */
import { ParleyError, type RoomEvent } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import type { RoomState } from '../types.js';
import { runCommand } from './commands.js';
import { bold, clean, cyan, dim, formatEvent, red } from './format.js';
import type { Screen } from './screen.js';

/** Lines of a room's timeline shown on entering it. */
const SHOWN_ON_ENTRY = 15;
/** How long the end of input waits for typed messages to be delivered. */
const END_OF_INPUT_DRAIN_MS = 10_000;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export class ChatSession {
  readonly client: ParleyClient;
  readonly screen: Screen;
  /** Id of the room on screen: plain lines are sent there. */
  current = 'lobby';
  readonly #server: string;
  readonly #firstRoom: string;
  /** A room entered before its first page arrived: show the page when it does. */
  #showWhenLoaded: string | null = null;
  #connectedOnce = false;
  /** Between a reconnect's welcome and the end of its resume: the events that arrive happened while away. */
  #catchingUp = false;
  /** Input lines run one after another, so their output keeps the order they were typed in. */
  #input: Promise<void> = Promise.resolve();
  #readTimer: ReturnType<typeof setTimeout> | null = null;
  #quitting = false;
  #done!: (code: number) => void;
  readonly #finished = new Promise<number>((resolve) => (this.#done = resolve));

  constructor(client: ParleyClient, screen: Screen, options: { server: string; room: string }) {
    this.client = client;
    this.screen = screen;
    this.#server = options.server;
    this.#firstRoom = options.room;
  }

  /** Runs until /quit, end of input or a refused session; resolves with the exit code. */
  async run(): Promise<number> {
    this.#listen();
    this.screen.onLine((line) => {
      this.#input = this.#input.then(() => this.#onLine(line));
    });
    this.screen.onEnd(() => void this.#endOfInput());
    this.screen.onInterrupt(() => this.quit(0));
    this.screen.onTyping((line) => {
      if (line.length > 0 && !line.startsWith('/')) this.client.typing(this.current);
    });
    this.print(dim(`Connecting to ${this.#server}…`));
    try {
      await this.client.connect();
    } catch (error) {
      this.printError(error);
      this.quit(1);
      return this.#finished;
    }
    if (this.#firstRoom !== 'lobby') await runCommand(this, `/join ${this.#firstRoom}`);
    else this.enter('lobby');
    return this.#finished;
  }

  quit(code: number): void {
    if (this.#quitting) return;
    this.#quitting = true;
    if (this.#readTimer) clearTimeout(this.#readTimer);
    this.client.close();
    this.screen.close();
    this.#done(code);
  }

  /** The server's address (http://host:port). */
  get server(): string {
    return this.#server;
  }

  print(line: string): void {
    this.screen.print(line);
  }

  printError(error: unknown): void {
    // Closing rejects whatever was still waiting; that is not news to someone who quit.
    if (this.#quitting) return;
    const text = error instanceof ParleyError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    this.print(red(`! ${clean(text)}`));
  }

  /** How a room is named on screen: `#design`, or `@Bob` for a conversation with Bob; control characters removed. */
  label(id: string): string {
    const room = this.client.room(id);
    return `${room?.kind === 'dm' ? '@' : '#'}${clean(room?.name ?? id)}`;
  }

  /** Puts a room on screen and shows its latest lines. */
  enter(id: string): void {
    this.current = id;
    const room = this.client.room(id);
    if (!room) return;
    const about = room.kind === 'dm' ? 'direct messages' : `${plural(room.memberCount, 'member')}, ${room.online} online`;
    this.print(cyan(`* now in ${this.label(id)} — ${about}`));
    if (room.timeline.length > 0 || !room.hasOlder) this.showLatest(room);
    else this.#showWhenLoaded = id;
    this.updatePrompt();
    this.#markReadSoon();
  }

  showLatest(room: RoomState, count = SHOWN_ON_ENTRY): void {
    const events = room.timeline.slice(-count) as RoomEvent[];
    for (const event of events) this.printEvent(event, 'listing');
  }

  /**
   * Prints an event: one that happens now (`live`), one from before the connection that brings
   * it (`replay`, catching up), or a line of the room's history (`listing`, with seqs).
   */
  printEvent(event: RoomEvent, when: 'live' | 'replay' | 'listing'): void {
    const room = this.client.room(event.room);
    const target = event.kind === 'reaction' ? room?.timeline.find((item) => item.seq === event.target) : undefined;
    const line = formatEvent(event, {
      roomLabel: this.label(event.room),
      showRoom: event.room !== this.current,
      showSeq: when === 'listing',
      serverUrl: this.#server,
      // Only now is the count the one right after the event.
      ...(when === 'live' && room ? { members: room.memberCount } : {}),
      ...(target?.kind === 'message' && !target.deleted ? { target: { author: target.user.name, body: target.body } } : {}),
    });
    this.print(line);
  }

  updatePrompt(): void {
    const room = this.client.room(this.current);
    const typing = room?.typing ?? [];
    const who = typing.length === 0 ? '' : dim(` ${typing.map((u) => clean(u.name)).join(', ')} typing…`);
    const offline = this.client.status === 'open' ? '' : red(' offline');
    this.screen.setPrompt(`${bold(this.label(this.current))}${who}${offline}> `);
  }

  /** Input ended (Ctrl-D or piped input): finish the lines already typed and deliver their messages, then quit. */
  async #endOfInput(): Promise<void> {
    if (this.#quitting) return;
    await this.#input;
    const deadline = Date.now() + END_OF_INPUT_DRAIN_MS;
    const undelivered = () => this.client.getSnapshot().outbox.some((p) => p.state === 'queued' || p.state === 'sending');
    while (undelivered() && Date.now() < deadline && !this.#quitting) await new Promise((resolve) => setTimeout(resolve, 50));
    if (undelivered()) this.print(red('! quitting with messages not yet delivered'));
    this.quit(0);
  }

  /** What is on screen has been read: moves the read marker, at most twice a second. */
  #markReadSoon(): void {
    if (this.#readTimer) return;
    this.#readTimer = setTimeout(() => {
      this.#readTimer = null;
      // A marker that failed to move (connection lost) is moved by the next one; nothing to tell the user.
      if (this.client.status === 'open') this.client.markRead(this.current).catch(() => undefined);
    }, 500);
  }

  async #onLine(line: string): Promise<void> {
    const text = line.trim();
    if (text === '') return this.screen.prompt();
    if (text.startsWith('/')) return runCommand(this, text);
    if (this.client.status !== 'open') this.print(dim('(queued: it will be sent once connected)'));
    // Not awaited: the next line need not wait for this one's ack (the outbox keeps their order).
    this.client.send(this.current, line).catch((error: unknown) => this.printError(error));
  }

  #listen(): void {
    const { client } = this;
    client.on('status', (status, info) => {
      if (status === 'reconnecting') {
        const seconds = ((info.delayMs ?? 0) / 1000).toFixed(1);
        const what = this.#connectedOnce ? 'connection lost' : 'cannot reach the server';
        this.print(red(`* ${what}${info.closeCode ? ` (${info.closeCode})` : ''}; retrying in ${seconds} s (attempt ${info.attempt})`));
      } else if (status === 'closed' && info.error) {
        this.printError(info.error);
        this.quit(1);
        return;
      }
      this.updatePrompt();
    });
    client.on('welcome', (welcome) => {
      if (this.#connectedOnce) {
        this.#catchingUp = true;
        this.print(cyan('* reconnected; catching up…'));
        return;
      }
      this.#connectedOnce = true;
      this.print(cyan(`* connected to ${this.#server} as ${clean(welcome.user.name)} (@${welcome.user.username}). Type /help for commands.`));
    });
    client.on('resumed', (results) => {
      this.#catchingUp = false;
      const paged = results.filter((r) => r.status === 'too_far_behind').length;
      this.print(cyan(`* caught up on ${results.length} room${results.length === 1 ? '' : 's'}${paged ? ` (${paged} through history)` : ''}`));
    });
    client.on('event', (event) => {
      // A rename shows up in every shared room; once (in the room on screen) is enough.
      if (event.kind === 'rename' && event.room !== this.current) return;
      this.printEvent(event, this.#catchingUp ? 'replay' : 'live');
      if (event.room === this.current) this.#markReadSoon();
    });
    client.on('history', (room) => {
      if (room !== this.#showWhenLoaded) return;
      this.#showWhenLoaded = null;
      const state = client.room(room);
      if (state) this.showLatest(state);
    });
    client.on('typing', (room) => room === this.current && this.updatePrompt());
    client.on('presence', (presence) => {
      if (presence.room !== this.current) return;
      for (const change of presence.changes) {
        if (change.user.id === client.user?.id) continue;
        this.print(dim(`* ${clean(change.user.name)} is ${change.status} (${presence.online} online)`));
      }
    });
    client.on('roomLeft', (room) => {
      if (room !== this.current) return;
      this.print(cyan(`* you are no longer in ${this.label(room)}`));
      this.enter('lobby');
    });
    client.on('error', (error) => this.printError(error));
  }
}
