/** How rooms are ordered and grouped in the sidebar, and who a message mentions. */
import { mentionsEveryone } from '@parley/client';

export interface ListedRoom {
  id: string;
  name: string;
  kind: 'public' | 'private' | 'dm';
  joined: boolean;
}

export const LOBBY_ID = 'lobby';

export interface RoomGroups<R> {
  /** Joined public and private rooms, the lobby first, then by name. */
  rooms: R[];
  /** Direct messages by the other person's name. */
  dms: R[];
  /** Public rooms the person has not joined, by name. */
  joinable: R[];
}

export function groupRooms<R extends ListedRoom>(all: readonly R[], locale: string): RoomGroups<R> {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const byName = (a: R, b: R) => (a.id === LOBBY_ID ? -1 : b.id === LOBBY_ID ? 1 : collator.compare(a.name, b.name));
  return {
    rooms: all.filter((r) => r.kind !== 'dm' && r.joined).sort(byName),
    dms: all.filter((r) => r.kind === 'dm' && r.joined).sort(byName),
    joinable: all.filter((r) => r.kind === 'public' && !r.joined).sort(byName),
  };
}

/**
 * Whether a message body mentions the person: "@name" (display name, spaces allowed) or "@username", any case;
 * or everyone at once ("@room", "@everyone", "@here", which the server lets only the roles with `mention_all` send).
 */
export function mentions(body: string, user: { name: string; username: string }): boolean {
  if (mentionsEveryone(body)) return true;
  const lower = body.toLocaleLowerCase();
  return [user.name, user.username].some((handle) => {
    const needle = `@${handle.toLocaleLowerCase()}`;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const before = lower[at - 1];
      const after = lower[at + needle.length];
      // "@ann" must not match inside "@anna", nor inside an address like "bob@ann.example".
      const wordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
      if (!wordChar(before) && !wordChar(after)) return true;
    }
    return false;
  });
}
