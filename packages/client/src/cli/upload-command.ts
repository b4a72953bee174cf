/** `/upload PATH [CAPTION]`: a file from disk to the room on screen, with a progress line, then the message that carries it. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { ChatSession } from './chat.js';
import { clean, cyan, dim, formatSize } from './format.js';

/** How often the progress line is printed at most. */
const PROGRESS_EVERY_MS = 1000;

/** `"a file.png" caption…`, `'a file.png' caption…` or `path caption…`; `~/` is the home folder. */
export function parseUploadArgs(args: string): { path: string; caption: string } | null {
  const match = /^(?:"([^"]+)"|'([^']+)'|(\S+))(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!match) return null;
  const given = match[1] ?? match[2] ?? match[3]!;
  const path = given.startsWith('~/') ? resolve(homedir(), given.slice(2)) : resolve(given);
  return { path, caption: (match[4] ?? '').trim() };
}

export async function uploadFile(session: ChatSession, args: string): Promise<void> {
  const parsed = parseUploadArgs(args);
  if (!parsed) return session.print(dim('usage: /upload PATH [CAPTION]'));
  const room = session.current;
  let size: number;
  try {
    const info = await stat(parsed.path);
    if (!info.isFile()) return session.print(dim(`not a file: ${clean(parsed.path)}`));
    size = info.size;
  } catch {
    return session.print(dim(`no file at ${clean(parsed.path)}`));
  }
  const name = basename(parsed.path);
  session.print(dim(`* uploading ${clean(name)} (${formatSize(size)}) to ${session.label(room)}…`));
  let lastPrinted = Date.now();
  const attachment = await session.client.upload(room, createReadStream(parsed.path), {
    name,
    size,
    onProgress: (sent, total) => {
      const now = Date.now();
      if (now - lastPrinted < PROGRESS_EVERY_MS || sent === total) return;
      lastPrinted = now;
      session.print(dim(`  ${clean(name)}: ${total ? Math.floor((sent / total) * 100) : '?'}% (${formatSize(sent)} of ${formatSize(total ?? sent)})`));
    },
  });
  session.print(cyan(`* uploaded ${clean(name)}: 100% (${formatSize(attachment.size)})`));
  await session.client.send(room, parsed.caption, { attachments: [attachment] });
}
