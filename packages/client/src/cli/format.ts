/**
 * Turning events into terminal lines. Everything user-supplied is stripped of
 * control characters first, so a name or message cannot move the cursor,
 * recolour the terminal or fake other lines.
 */
import type { RoomEvent } from '@parley/protocol';

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const dim = paint('2');
export const bold = paint('1');
export const red = paint('31');
export const cyan = paint('36');

/** Removes control and format characters (escape sequences included); newlines become " ⏎ ". */
export function clean(text: string): string {
  return text.replace(/\r?\n/g, ' ⏎ ').replace(/[\p{Cc}\p{Cf}]/gu, '');
}

export function clock(ts: number): string {
  const date = new Date(ts);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export interface EventContext {
  /** How the room is named on screen (`#design`, `@Bob`), control characters already removed. */
  roomLabel: string;
  /** Whether to name the room (it is not the one on screen). */
  showRoom: boolean;
  /** Member count after the event. */
  members: number;
  online: number;
  /** Show the seq (history listings, so that /edit and /delete can name a message). */
  showSeq?: boolean;
}

/** One line for an event, or null for events that are not shown (reactions). */
export function formatEvent(event: RoomEvent, context: EventContext): string | null {
  const where = context.showRoom ? `${cyan(context.roomLabel)} ` : '';
  const time = dim(`[${clock(event.ts)}]`);
  const seq = context.showSeq ? dim(`#${event.seq} `) : '';
  const who = clean(event.user.name);
  const counts = dim(`(${context.members} member${context.members === 1 ? '' : 's'}, ${context.online} online)`);
  switch (event.kind) {
    case 'message':
      return event.deleted
        ? `${time} ${where}${seq}${dim(`${who}: (deleted)`)}`
        : `${time} ${where}${seq}${bold(who)}: ${clean(event.body)}${event.editedTs ? dim(' (edited)') : ''}`;
    case 'edit':
      return `${time} ${where}${dim(`* ${who} edited #${event.target}:`)} ${clean(event.body)}`;
    case 'delete':
      return `${time} ${where}${dim(`* ${who} deleted message #${event.target}`)}`;
    case 'join':
      return `${time} ${where}${dim(`* ${who} joined`)} ${counts}`;
    case 'leave':
      return `${time} ${where}${dim(`* ${who} left`)} ${counts}`;
    case 'rename':
      return `${time} ${where}${dim(`* ${clean(event.from)} is now known as ${clean(event.to)}`)}`;
    case 'created':
      return `${time} ${where}${dim(`* ${who} created #${clean(event.name)}`)}`;
    case 'reaction':
      return null;
  }
}
