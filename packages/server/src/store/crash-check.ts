/**
 * The crash test every store passes: a child process (crash-writer.ts)
 * appends as fast as it can and reports each append once its promise
 * resolved; it is killed with SIGKILL mid-stream; every append it reported
 * must then be in the store, and the log must have no gap.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';

const CRASH_WRITER = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
/** Acks to collect before the kill. */
const ACKS = 2000;

/** `writerArgs`: crash-writer's arguments; `reopen`: a store on the same database, not yet migrated. */
export async function checkAckedAppendsSurviveKill(writerArgs: string[], reopen: () => Store): Promise<void> {
  const child = spawn(process.execPath, [CRASH_WRITER, ...writerArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<unknown>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  try {
    const acked: Array<{ seq: number; id: string }> = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`too few acks (${acked.length}); stderr: ${stderr}`)), 15_000);
      void exited.then((code) => reject(new Error(`the writer exited (${String(code)}); stderr: ${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [seq, id] = line.split(' ');
        acked.push({ seq: Number(seq), id: id! });
        if (acked.length >= ACKS) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    assert.equal(await exited, 'SIGKILL');

    const store = reopen();
    try {
      await store.migrate();
      // One read of the whole log (2,000 reads one by one took most of the test on a busy machine).
      const events = await store.eventsAfter('lobby', 0, 1_000_000);
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
      const bySeq = new Map(events.map((event) => [event.seq, event]));
      for (const { seq, id } of acked) {
        const message = bySeq.get(seq);
        assert.ok(message?.kind === 'message', `acked message ${id} at seq ${seq}`);
        assert.equal(message.id, id, `acked message ${id} at seq ${seq}`);
        assert.equal(message.body, `body of ${id}`);
      }
    } finally {
      await store.close();
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
