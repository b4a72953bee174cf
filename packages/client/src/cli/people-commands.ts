/**
 * People in the terminal (protocol §27): /people finds them by name, and /dm and /invite take a
 * display name as well as a username — "Bob" finds Bob although his username is bob-ace316.
 */
import type { Person } from '@parley/protocol';
import type { ChatSession } from './chat.js';
import { clean, cyan, dim } from './format.js';

/** `@username`, a "quoted display name", or one word; then the rest. */
const WHO = /^(?:@(\S+)|"([^"]+)"|(\S+))(?:\s+([\s\S]+))?$/;

export function parseWho(args: string): { who: string; exact: boolean; rest: string } | null {
  const match = WHO.exec(args);
  if (!match) return null;
  const [, username, quoted, word, rest = ''] = match;
  return username !== undefined ? { who: username, exact: true, rest } : { who: (quoted ?? word)!, exact: false, rest };
}

function describe(person: Person): string {
  return `${clean(person.name)} (@${person.username})${person.online ? '' : dim(' offline')}`;
}

/**
 * The one person `who` names: an @username as it is; otherwise the person whose username or
 * display name is exactly it (ignoring case), else the only match. Several matches are listed,
 * and nobody is chosen.
 */
export async function resolvePerson(session: ChatSession, who: string, exact: boolean): Promise<{ username: string; name: string } | null> {
  if (exact) return { username: who.toLowerCase(), name: who };
  const found = (await session.client.people(who)).filter((p) => p.id !== session.client.user?.id);
  const wanted = who.toLowerCase();
  const same = found.filter((p) => p.username === wanted || p.name.toLowerCase() === wanted);
  const chosen = same.length === 1 ? same[0] : found.length === 1 ? found[0] : undefined;
  if (chosen) return chosen;
  if (found.length === 0) session.print(dim(`nobody called "${clean(who)}" shares a room with you`));
  else session.print(dim(`several people match "${clean(who)}": ${found.map(describe).join(', ')} — name one by @username`));
  return null;
}

export const PEOPLE_COMMANDS = {
  people: {
    usage: '/people [TEXT]',
    help: 'find people sharing a room with you by display name or username',
    async run(session: ChatSession, args: string) {
      const found = await session.client.people(args);
      if (found.length === 0) return session.print(dim(`nobody called "${clean(args)}" shares a room with you`));
      for (const person of found) session.print(describe(person));
    },
  },
  dm: {
    usage: '/dm NAME [MESSAGE]',
    help: 'open a direct conversation (on screen from then on) and send MESSAGE there; NAME: a display name ("Bob Smith" quoted), or @username',
    async run(session: ChatSession, args: string) {
      const parsed = parseWho(args);
      if (!parsed) return session.print(dim('usage: /dm NAME [MESSAGE]'));
      const person = await resolvePerson(session, parsed.who, parsed.exact);
      if (!person) return;
      const room = await session.client.openDm(person.username);
      // On screen from now on: what follows (plain lines, /edit, /delete) is about this conversation.
      session.enter(room.id);
      if (parsed.rest) await session.client.send(room.id, parsed.rest);
    },
  },
  invite: {
    usage: '/invite NAME',
    help: 'add someone to the room on screen; NAME: a display name ("Bob Smith" quoted), or @username',
    async run(session: ChatSession, args: string) {
      const parsed = parseWho(args);
      if (!parsed || parsed.rest) return session.print(dim('usage: /invite NAME'));
      const person = await resolvePerson(session, parsed.who, parsed.exact);
      if (!person) return;
      await session.client.invite(session.current, person.username);
      session.print(cyan(`* ${clean(person.name)} was added to ${session.label(session.current)}`));
    },
  },
};
