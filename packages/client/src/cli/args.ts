/** Command-line arguments of `parley chat`. */
import type { Credentials } from '../types.js';

export interface ChatArgs {
  server: string;
  credentials: Credentials;
  room: string;
}

export const USAGE = `Usage: parley chat [--server URL] (--guest NAME | --user USERNAME --password PASSWORD) [--room NAME]

  --server URL         Parley server (default http://localhost:8000, or $PARLEY_SERVER)
  --guest NAME         enter as a guest with a display name
  --user USERNAME      sign in to an account (password from --password or $PARLEY_PASSWORD)
  --password PASSWORD
  --room NAME          room to show first (default lobby)`;

/** Parses `argv` (without node and script); throws an Error whose message is fit for the user. */
export function parseChatArgs(argv: readonly string[], env: Record<string, string | undefined>): ChatArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(server|guest|user|password|room)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument "${arg}".`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${match[1]} needs a value.`);
    values.set(match[1]!, value);
  }
  const server = values.get('server') ?? env.PARLEY_SERVER ?? 'http://localhost:8000';
  if (!/^https?:\/\/./.test(server)) throw new Error(`--server must be an http:// or https:// URL, got "${server}".`);
  const guest = values.get('guest');
  const user = values.get('user');
  if (guest !== undefined && user !== undefined) throw new Error('Give --guest or --user, not both.');
  let credentials: Credentials;
  if (user !== undefined) {
    const password = values.get('password') ?? env.PARLEY_PASSWORD;
    if (!password) throw new Error('--user needs --password (or $PARLEY_PASSWORD).');
    credentials = { kind: 'password', username: user, password };
  } else if (guest !== undefined) {
    credentials = { kind: 'guest', name: guest };
  } else {
    throw new Error('Give --guest NAME or --user USERNAME --password PASSWORD.');
  }
  return { server, credentials, room: values.get('room') ?? 'lobby' };
}
