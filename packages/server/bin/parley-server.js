#!/usr/bin/env node
// The `parley-server` command (`npx --no parley-server …` in a checkout): the operator's commands
// (migrate-to-postgres, backup, restore). npm links a package's commands when it installs it,
// before `npm run build` has compiled dist/, and skips a command whose file is missing: so the
// command is this committed file, which runs the compiled one.
import { existsSync } from 'node:fs';

const main = new URL('../dist/admin/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('parley-server: the server is not built yet: run `npm run build` in the Parley checkout.');
  process.exit(1);
}
await import(main.href);
