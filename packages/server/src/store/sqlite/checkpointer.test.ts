import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpointer } from './checkpointer.js';

test('a checkpointer thread that cannot open its database reports the error and still closes', async () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'parley-checkpointer-')), 'no-such-dir', 'parley.db');
  let checkpointer!: Checkpointer;
  const reported = await new Promise<Error>((resolve) => (checkpointer = new Checkpointer(missing, 'full', resolve)));
  assert.ok(reported instanceof Error);
  assert.match(reported.message, /directory does not exist|unable to open/i);
  await checkpointer.close();
});
