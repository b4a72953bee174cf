/**
 * Turning events into terminal lines. Everything user-supplied is stripped of
 * control characters first (`clean`), so a name or message cannot move the
 * cursor, recolour the terminal or fake other lines; message bodies are
 * rendered from their markdown (markdown.ts).
 */
import type { Attachment, Reactions, RoomEvent, RoomSettings } from '@parley/protocol';
import { plainExcerpt, renderBody } from './markdown.js';
import { clean, COLOR, styled } from './terminal-text.js';

export { clean } from './terminal-text.js';

export const dim = (text: string) => styled(text, ['dim'], COLOR);
export const bold = (text: string) => styled(text, ['bold'], COLOR);
export const red = (text: string) => styled(text, ['red'], COLOR);
export const cyan = (text: string) => styled(text, ['cyan'], COLOR);

/** Continuation lines of a message (its second paragraph, a code block) start this far in. */
const INDENT = '    ';
/** How much of a message a reaction line quotes. */
const EXCERPT_CHARS = 40;

export function clock(ts: number): string {
  const date = new Date(ts);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export interface EventContext {
  /** How the room is named on screen (`#design`, `@Bob`), control characters already removed. */
  roomLabel: string;
  /** Whether to name the room (it is not the one on screen). */
  showRoom: boolean;
  /**
   * The room's member count right after the event, for a join or leave that happens now. Left
   * out for events from the past (history, catching up after a reconnect): today's count is
   * not what it was then.
   */
  members?: number;
  /** Show the seq (history listings, so that /edit and /delete can name a message). */
  showSeq?: boolean;
  /** The message a reaction is about, if loaded: its author and body. */
  target?: { author: string; body: string };
  /** Colour and styles; default: whether stdout is a terminal that wants them. */
  color?: boolean;
  /** The server's address, to show files' download URLs whole; default: as the server gives them (paths). */
  serverUrl?: string;
}

/** The lines of an event (joined by newlines, continuation lines indented). */
export function formatEvent(event: RoomEvent, context: EventContext): string {
  const color = context.color ?? COLOR;
  const paint = (text: string, style: 'dim' | 'bold' | 'cyan') => styled(text, [style], color);
  const where = context.showRoom ? `${paint(context.roomLabel, 'cyan')} ` : '';
  const head = `${paint(`[${clock(event.ts)}]`, 'dim')} ${where}${context.showSeq ? paint(`#${event.seq} `, 'dim') : ''}`;
  const who = clean(event.user.name) + (event.kind === 'message' && event.webhook ? ' [webhook]' : '');
  const notice = (text: string) => `${head}${paint(`* ${text}`, 'dim')}`;
  const counts = context.members === undefined ? '' : ` ${paint(`(${context.members} member${context.members === 1 ? '' : 's'})`, 'dim')}`;
  switch (event.kind) {
    case 'message': {
      // A reply names its thread's root, a quoted reply the message it answers (§25).
      const place = event.thread !== undefined ? paint(`↳ #${event.thread} `, 'cyan') : event.replyTo !== undefined ? paint(`↪ #${event.replyTo} `, 'dim') : '';
      const start = `${head}${place}`;
      if (event.deleted) return `${start}${paint(`${who}: (${event.moderated ? 'removed by a moderator' : 'deleted'})`, 'dim')}`;
      const count = event.replies ? paint(` [${event.replies.count} repl${event.replies.count === 1 ? 'y' : 'ies'}: /thread ${event.seq}]`, 'dim') : '';
      const after = `${event.editedTs ? paint(' (edited)', 'dim') : ''}${reactionsText(event.reactions, color)}${count}`;
      const files = (event.attachments ?? []).map((file) => INDENT + attachmentText(file, context.serverUrl ?? '', color));
      // A bot account's message (protocol §28) says so after the name.
      const author = `${paint(who, 'bold')}${event.bot ? paint(' [bot]', 'dim') : ''}`;
      if (event.body === '' && files.length > 0) return [`${start}${author}:${after}`, ...files].join('\n');
      return [withBody(`${start}${author}: `, event.body, after, color), ...files].join('\n');
    }
    case 'edit':
      return withBody(`${notice(`${who} edited #${event.target}:`)} `, event.body, '', color);
    case 'delete':
      return notice(`${who} ${event.moderated ? 'removed' : 'deleted'} message #${event.target}`);
    case 'reaction': {
      const verb = event.on ? `reacted ${clean(event.emoji)} to` : `took back ${clean(event.emoji)} from`;
      const about = context.target ? `${clean(context.target.author)}: “${plainExcerpt(context.target.body, EXCERPT_CHARS)}”` : `message #${event.target}`;
      return notice(`${who} ${verb} ${about}`);
    }
    case 'join':
      return `${notice(`${who} joined`)}${counts}`;
    case 'leave':
      return `${notice(`${who} left`)}${counts}`;
    case 'rename':
      return notice(`${clean(event.from)} is now known as ${clean(event.to)}`);
    case 'created':
      return notice(`${who} created #${clean(event.name)}`);
    case 'role':
      return notice(`${who} made ${clean(event.target.name)} ${event.role === 'admin' ? 'an' : 'a'} ${event.role}`);
    case 'kick':
      return `${notice(`${who} removed ${clean(event.target.name)}`)}${counts}`;
    case 'ban': {
      const until = event.until === undefined ? '' : ` until ${clock(event.until)}`;
      const purged = event.deleted ? ` and deleted ${event.deleted.length} of their messages` : '';
      return `${notice(`${who} banned ${clean(event.target.name)}${until}${purged}`)}${counts}`;
    }
    case 'unban':
      return notice(`${who} lifted ${clean(event.target.name)}'s ban`);
    case 'timeout':
      return notice(event.until === 0 ? `${who} lifted ${clean(event.target.name)}'s time-out` : `${who} timed ${clean(event.target.name)} out until ${clock(event.until)}`);
    case 'settings':
      return notice(`${who} changed the room's settings: ${settingsText(event.settings)}`);
    case 'preview': {
      if (!event.preview) return notice(`the link preview of #${event.target} was taken off`);
      const { title, description, url } = event.preview;
      const text = [title, description].filter(Boolean).map((part) => plainExcerpt(part!, EXCERPT_CHARS)).join(' — ');
      return `${head}${paint(`↳ ${text || clean(url)}`, 'dim')}`;
    }
  }
}

/** `read-only, slow mode 30 s`, or `defaults`. */
export function settingsText(settings: RoomSettings): string {
  const parts: string[] = [];
  if (settings.archived) parts.push('archived');
  if (settings.readOnly) parts.push('read-only');
  if (settings.slowModeSeconds) parts.push(`slow mode ${settings.slowModeSeconds} s`);
  for (const [permission, role] of Object.entries(settings.permissions ?? {})) parts.push(`${permission.replace('_', ' ')}: ${role}+`);
  return parts.length === 0 ? 'defaults' : parts.join(', ');
}

/** `start` and the body's first line, `after` at the end of its last, the lines between indented. */
function withBody(start: string, body: string, after: string, color: boolean): string {
  const lines = renderBody(body, color);
  lines[lines.length - 1] += after;
  return [start + lines[0], ...lines.slice(1).map((line) => INDENT + line)].join('\n');
}

/** ` [👍 2  🎉 1]`, or nothing when there are none. */
function reactionsText(reactions: Reactions | undefined, color: boolean): string {
  const entries = Object.entries(reactions ?? {}).filter(([, users]) => users.length > 0);
  if (entries.length === 0) return '';
  return ` ${styled(`[${entries.map(([emoji, users]) => `${clean(emoji)} ${users.length}`).join('  ')}]`, ['dim'], color)}`;
}

/** `1.2 MB`, `340 KB`, `12 B`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** `📎 plan.pdf (1.2 MB, application/pdf) http://host/api/files/…`: the name cleaned, the URL as the server gave it. */
export function attachmentText(file: Attachment, serverUrl: string, color = COLOR): string {
  const size = file.width !== undefined ? `${formatSize(file.size)}, ${file.width}×${file.height}` : formatSize(file.size);
  return `📎 ${styled(clean(file.name), ['bold'], color)} ${styled(`(${size}, ${clean(file.contentType)})`, ['dim'], color)} ${clean(serverUrl + file.url)}`;
}
