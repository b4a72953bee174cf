#!/usr/bin/env node
/** `parley chat`: the terminal client. */
import WebSocket from 'ws';
import { ParleyClient } from '../client.js';
import { parseChatArgs, USAGE } from './args.js';
import { ChatSession } from './chat.js';
import { Screen } from './screen.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'chat') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let args;
  try {
    args = parseChatArgs(rest, process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const client = new ParleyClient({
    url: args.server,
    credentials: args.credentials,
    WebSocket,
    initialHistory: 30,
  });
  const session = new ChatSession(client, new Screen(process.stdin, process.stdout), { server: args.server, room: args.room });
  return session.run();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
