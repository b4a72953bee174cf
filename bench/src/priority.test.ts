import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { launch } from './process-launch.js';
import { parseOptions } from './options.js';
import { Priorities } from './priority.js';

const CORES = { server: 1, generator: 0, reason: 'test' };

test('--nice takes a nice value; none by default', () => {
  assert.equal(parseOptions([], CORES).nice, null);
  assert.equal(parseOptions(['--nice', '-10'], CORES).nice, -10);
  for (const bad of ['-21', '20', '1.5', 'x']) assert.throws(() => parseOptions(['--nice', bad], CORES), /--nice needs a nice value from -20 to 19/, bad);
});

test('a process the run did not start is set to the run’s priority, once, and put back afterwards', async () => {
  const child = spawn('sleep', ['30']);
  try {
    const pid = child.pid!;
    const before = getPriority(pid);
    const priorities = new Priorities(before + 3);
    priorities.raise([pid, 999_999_999]); // the second does not exist: passed over
    assert.equal(getPriority(pid), before + 3);
    priorities.raise([pid]);
    priorities.restore();
    assert.equal(getPriority(pid), before);
    new Priorities(null).raise([pid]);
    assert.equal(getPriority(pid), before, 'without --nice nothing changes');
  } finally {
    child.kill();
  }
});

test('a launched process runs at the nice value asked for, not that added to this process’s own', async () => {
  const own = getPriority();
  setPriority(own + 1); // as --nice sets the orchestrator before it launches anything
  try {
    const child = launch({ script: '-e', args: ['setTimeout(() => {}, 30_000)'], core: null, nice: own + 1, stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // through sh and nice to node
      assert.equal(getPriority(child.pid!), own + 1);
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    setPriority(own);
  }
});
