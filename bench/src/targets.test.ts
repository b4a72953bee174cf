import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptOptions, TARGETS } from './targets.js';

test('Parley runs with the Node.js options of `npm start`', () => {
  assert.deepEqual(startScriptOptions('node packages/server/dist/main.js', 'packages/server/dist/main.js'), []);
  assert.deepEqual(startScriptOptions('node --v8-pool-size=0 --max-semi-space-size=8 x.js', 'x.js'), ['--v8-pool-size=0', '--max-semi-space-size=8']);
  // The repository's own start script parses, and its options reach the benchmark's Parley.
  assert.ok(TARGETS.parley.nodeArgs.every((option) => option.startsWith('--')));
  assert.deepEqual([TARGETS.socketio.nodeArgs, TARGETS.raw.nodeArgs], [[], []]);
});

test('a start script of another form is refused, not guessed at', () => {
  for (const command of ['tsx packages/server/src/main.ts', 'node other.js', 'node x.js --port 1', 'NODE_ENV=production node x.js', 'node -r dotenv/config x.js']) {
    assert.throws(() => startScriptOptions(command, 'x.js'), /is not "node \[--options\] x\.js"/, command);
  }
});
