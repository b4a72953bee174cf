/**
 * The terminal client's moderation commands: /kick, /ban, /unban, /mute, /unmute,
 * /role and /slow, in the room on screen. People are named by username or display
 * name; the server decides whether the user may (docs/protocol.md §23).
 */
import { ROLES, type Role } from '@parley/protocol';
import type { ChatSession } from './chat.js';
import { clean, cyan, dim } from './format.js';

export interface ModerationCommand {
  usage: string;
  help: string;
  run(session: ChatSession, args: string): Promise<void> | void;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `7d` (a bare number is minutes); null when it is none of these. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNITS[match[2] || 'm']!;
}

/** A member of the room on screen by username (with or without @) or display name, any case. */
async function member(session: ChatSession, name: string): Promise<{ id: string; name: string } | null> {
  const wanted = name.replace(/^@/, '').toLowerCase();
  const members = await session.client.members(session.current);
  const found = members.find((m) => m.user.username === wanted) ?? members.find((m) => m.user.name.toLowerCase() === wanted);
  if (!found) session.print(dim(`no member "${clean(name)}" in ${session.label(session.current)}`));
  return found ? { id: found.user.id, name: found.user.name } : null;
}

/** The first word of `args`, and the rest. */
function split(args: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(args);
  return match ? [match[1]!, match[2]!.trim()] : ['', ''];
}

export const MODERATION_COMMANDS: Record<string, ModerationCommand> = {
  kick: {
    usage: '/kick USER [REASON]',
    help: 'remove someone from the room on screen (they may come back)',
    async run(session, args) {
      const [name, reason] = split(args);
      if (!name) return session.print(dim('usage: /kick USER [REASON]'));
      const target = await member(session, name);
      if (target) await session.client.kick(session.current, target.id, reason || undefined);
    },
  },
  ban: {
    usage: '/ban USER [DURATION] [REASON]',
    help: 'remove and keep someone out (DURATION: 30m, 2h, 7d; none: until /unban)',
    async run(session, args) {
      const [name, rest] = split(args);
      if (!name) return session.print(dim('usage: /ban USER [DURATION] [REASON]'));
      const [first, more] = split(rest);
      const durationMs = first ? parseDuration(first) : null;
      const reason = durationMs === null ? rest : more;
      const target = await member(session, name);
      if (!target) return;
      await session.client.ban(session.current, target.id, { ...(durationMs !== null ? { durationMs } : {}), ...(reason ? { reason } : {}) });
    },
  },
  unban: {
    usage: '/unban USER',
    help: "lift someone's ban in the room on screen",
    async run(session, args) {
      const wanted = args.replace(/^@/, '').toLowerCase();
      if (!wanted) return session.print(dim('usage: /unban USER'));
      const bans = await session.client.bans(session.current);
      const ban = bans.find((b) => b.user.username === wanted) ?? bans.find((b) => b.user.name.toLowerCase() === wanted);
      if (!ban) return session.print(dim(`nobody called "${clean(args)}" is banned here`));
      await session.client.unban(session.current, ban.user.id);
      session.print(cyan(`* ${clean(ban.user.name)} may come back`));
    },
  },
  mute: {
    usage: '/mute USER DURATION [REASON]',
    help: 'time someone out: no posting or reacting for DURATION (30s, 10m, 1h)',
    async run(session, args) {
      const [name, rest] = split(args);
      const [first, reason] = split(rest);
      const durationMs = parseDuration(first);
      if (!name || durationMs === null || durationMs === 0) return session.print(dim('usage: /mute USER DURATION [REASON]'));
      const target = await member(session, name);
      if (target) await session.client.timeout(session.current, target.id, durationMs, reason || undefined);
    },
  },
  unmute: {
    usage: '/unmute USER',
    help: "lift someone's time-out",
    async run(session, args) {
      if (!args) return session.print(dim('usage: /unmute USER'));
      const target = await member(session, args);
      if (target) await session.client.timeout(session.current, target.id, 0);
    },
  },
  role: {
    usage: '/role USER ROLE',
    help: `give someone a role below yours (${ROLES.join(', ')})`,
    async run(session, args) {
      const [name, role] = split(args);
      if (!name || !(ROLES as readonly string[]).includes(role)) return session.print(dim(`usage: /role USER ${ROLES.join('|')}`));
      const target = await member(session, name);
      if (target) await session.client.setRole(session.current, target.id, role as Role);
    },
  },
  slow: {
    usage: '/slow SECONDS',
    help: 'slow mode: one message per SECONDS per member here (0: off)',
    async run(session, args) {
      const seconds = Number(args);
      if (!/^\d+$/.test(args) || seconds > 21_600) return session.print(dim('usage: /slow SECONDS (0–21600; 0 turns it off)'));
      await session.client.updateRoomSettings(session.current, { slowModeSeconds: seconds });
    },
  },
};
