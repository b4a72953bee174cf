#!/usr/bin/env node
// The `parley` command (`npx --no parley chat …` in a checkout). npm links a package's commands
// when it installs it, which is before `npm run build` has compiled dist/, and it silently skips
// a command whose file is missing then: so the command is this committed file, which runs the
// compiled terminal client.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('parley: the terminal client is not built yet: run `npm run build` in the Parley checkout.');
  process.exit(1);
}
await import(main.href);
