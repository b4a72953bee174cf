/** The slash commands of the terminal client. */
import type { MessageItem, RoomState } from '../types.js';
import type { ChatSession } from './chat.js';
import { clean, cyan, dim } from './format.js';
import { uploadFile } from './upload-command.js';
import { MODERATION_COMMANDS } from './moderation-commands.js';
import { THREAD_COMMANDS } from './thread-commands.js';
import { searchMessages } from './search-command.js';
import { PEOPLE_COMMANDS } from './people-commands.js';

interface Command {
  usage: string;
  help: string;
  run(session: ChatSession, args: string): Promise<void> | void;
}

function findRoom(session: ChatSession, name: string): RoomState | undefined {
  const wanted = name.toLowerCase();
  return session.client.getSnapshot().rooms.find((r) => r.id === name || (r.kind !== 'dm' && r.name.toLowerCase() === wanted));
}

/** A message to act on: always in the room that was on screen when the command was typed. */
type Target = { room: string; seq: number; rest: string } | { problem: string };

/**
 * `[SEQ] rest`: message #SEQ of the room on screen, or the user's own last message there —
 * stored, or acked and on its way into the timeline. Never a message of another room: a
 * conversation the user left keeps its messages out of reach until it is on screen again.
 */
function target(session: ChatSession, args: string, verb: string): Target {
  const room = session.current;
  const match = /^#?(\d+)(?:\s+([\s\S]*))?$/.exec(args);
  if (match) return { room, seq: Number(match[1]), rest: match[2] ?? '' };
  const state = session.client.room(room);
  // A message still on its way is the last one the user sent; the one before it is not what they mean.
  if (state?.pending.some((p) => p.state === 'queued' || p.state === 'sending')) {
    return { problem: `your last message here is not sent yet; /${verb} it once it is` };
  }
  const seq = lastOwnSeq(state, session.client.user?.id);
  return seq === null ? { problem: `no message of yours to ${verb} here` } : { room, seq, rest: args };
}

function lastOwnSeq(room: RoomState | undefined, me: string | undefined): number | null {
  if (!room || !me) return null;
  const stored = [...room.timeline].reverse().find((item): item is MessageItem => item.kind === 'message' && item.user.id === me && !item.deleted);
  const acked = room.pending.filter((p) => p.state === 'sent' && p.seq !== undefined).map((p) => p.seq!);
  const seqs = [...acked, ...(stored ? [stored.seq] : [])];
  return seqs.length > 0 ? Math.max(...seqs) : null;
}

const COMMANDS: Record<string, Command> = {
  join: {
    usage: '/join ROOM',
    help: 'enter a room (created if there is none by that name)',
    async run(session, args) {
      const name = args.replace(/^#/, '');
      if (!name) return session.print(dim('usage: /join ROOM'));
      let room = findRoom(session, name);
      if (!room) {
        await session.client.listRooms();
        room = findRoom(session, name);
      }
      if (!room) {
        const created = await session.client.createRoom(name, 'public');
        session.print(cyan(`* created #${clean(created.name)}`));
        return session.enter(created.id);
      }
      if (!room.joined) await session.client.join(room.id);
      session.enter(room.id);
    },
  },
  leave: {
    usage: '/leave',
    help: 'leave the room on screen',
    async run(session) {
      const room = session.current;
      await session.client.leave(room);
      session.print(cyan(`* left ${session.label(room)}`));
      if (session.current === room) session.enter('lobby');
    },
  },
  rooms: {
    usage: '/rooms',
    help: 'list rooms',
    async run(session) {
      const rooms = await session.client.listRooms();
      for (const room of rooms) {
        const mark = room.id === session.current ? '*' : ' ';
        const unread = room.unread > 0 ? `, ${room.unread} unread` : '';
        const state = room.joined ? `${room.members} members, ${room.online} online${unread}` : 'not joined';
        session.print(`${mark} ${room.kind === 'dm' ? '@' : '#'}${clean(room.name)} ${dim(`(${state})`)}`);
      }
    },
  },
  who: {
    usage: '/who',
    help: 'who is in the room on screen',
    async run(session) {
      const members = await session.client.members(session.current);
      const names = (online: boolean) => members.filter((m) => m.online === online).map((m) => `${clean(m.user.name)} (@${m.user.username})`);
      session.print(`online: ${names(true).join(', ') || '—'}`);
      session.print(dim(`offline: ${names(false).join(', ') || '—'}`));
    },
  },
  ...PEOPLE_COMMANDS,
  nick: {
    usage: '/nick NAME',
    help: 'change your display name',
    async run(session, args) {
      if (!args) return session.print(dim('usage: /nick NAME'));
      const user = await session.client.rename(args);
      session.print(cyan(`* you are now ${clean(user.name)}`));
    },
  },
  edit: {
    usage: '/edit [SEQ] TEXT',
    help: 'edit your last message in this room (or its message #SEQ)',
    async run(session, args) {
      const found = target(session, args, 'edit');
      if ('problem' in found) return session.print(dim(`usage: /edit [SEQ] TEXT (${found.problem})`));
      if (!found.rest) return session.print(dim('usage: /edit [SEQ] TEXT'));
      await session.client.edit(found.room, found.seq, found.rest);
    },
  },
  delete: {
    usage: '/delete [SEQ]',
    help: 'delete your last message in this room (or its message #SEQ)',
    async run(session, args) {
      const found = target(session, args, 'delete');
      if ('problem' in found) return session.print(dim(`usage: /delete [SEQ] (${found.problem})`));
      await session.client.delete(found.room, found.seq);
    },
  },
  history: {
    usage: '/history [N]',
    help: 'show N older lines of the room on screen (default 20)',
    async run(session, args) {
      const count = Math.min(Number(args) || 20, 200);
      const room = session.current;
      const oldest = session.client.room(room)?.timeline[0]?.seq ?? Infinity;
      await session.client.loadOlder(room, count);
      const older = (session.client.room(room)?.timeline ?? []).filter((item) => item.seq < oldest);
      if (older.length === 0) return session.print(dim(`(nothing older in ${session.label(room)})`));
      for (const item of older) session.printEvent(item as Parameters<ChatSession['printEvent']>[0], 'listing');
    },
  },
  search: {
    usage: '/search [#ROOM] TEXT',
    help: 'find messages in your rooms and public rooms (Korean inside words too)',
    run: searchMessages,
  },
  upload: {
    usage: '/upload PATH [CAPTION]',
    help: 'send a file to the room on screen, with an optional caption (quote a PATH with spaces)',
    run: uploadFile,
  },
  ...THREAD_COMMANDS,
  ...MODERATION_COMMANDS,
  quit: {
    usage: '/quit',
    help: 'leave the chat',
    run(session) {
      session.quit(0);
    },
  },
  help: {
    usage: '/help',
    help: 'this list',
    run(session) {
      for (const command of Object.values(COMMANDS)) session.print(`${command.usage.padEnd(30)} ${dim(command.help)}`);
      session.print(dim('Anything else is sent to the room on screen, other /commands too: a webhook of the room may answer them.'));
    },
  },
};

/** Runs a `/command args` line; failures are printed, never thrown. */
export async function runCommand(session: ChatSession, line: string): Promise<void> {
  const [, name = '', args = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(line.trim()) ?? [];
  const command = COMMANDS[name.toLowerCase()];
  if (!command) {
    // Not the client's own: a slash command for the room's webhooks (/deploy), sent as a message.
    session.client.send(session.current, line.trim()).catch((error: unknown) => session.printError(error));
    return;
  }
  try {
    await command.run(session, args.trim());
  } catch (error) {
    session.printError(error);
  }
}
