/**
 * The contract every Files implementation passes (the guarantees in files.ts).
 * An implementation's test file calls `runFilesContract` with a factory for a
 * fresh, empty storage.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KEY_PATTERN, type Files } from './files.js';

export interface FilesHarness {
  files: Files;
  /** Another instance on the same storage, with its own connections: another node. */
  another: () => Promise<Files>;
  /** Blobs and partial writes present in the storage, for checking what a failed write left. */
  stored: () => Promise<number>;
  cleanup: () => Promise<void>;
}

export type MakeFiles = () => Promise<FilesHarness>;

const TIMEOUT_MS = 60_000;

setFlagsFromString('--expose-gc');
/** A full collection, so that what is measured is what is still held, not garbage not yet collected. */
const collect = runInNewContext('gc') as () => void;

/** `count` pseudo-random bytes in chunks of `chunk`, each different, made as they are asked for (never held whole). */
async function* bytes(count: number, chunk = 64 * 1024, seed = 1): AsyncGenerator<Buffer> {
  const pattern = Buffer.allocUnsafe(chunk);
  let state = seed;
  for (let i = 0; i < chunk; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    pattern[i] = state >>> 24;
  }
  for (let sent = 0, k = 0; sent < count; sent += chunk, k++) {
    const part = Buffer.from(pattern.subarray(0, Math.min(chunk, count - sent)));
    part[0] = (part[0]! ^ k) & 0xff;
    yield part;
  }
}

async function digest(source: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function readAll(files: Files, key: string): Promise<{ sha256: string; size: number } | null> {
  const blob = await files.read(key);
  if (!blob) return null;
  const read = await digest(blob.stream);
  assert.equal(read.size, blob.size, 'the size read agrees with the size announced');
  return read;
}

function filesTest(make: MakeFiles, title: string, body: (harness: FilesHarness) => Promise<void>): void {
  it(title, { timeout: TIMEOUT_MS }, async () => {
    const harness = await make();
    try {
      await harness.files.open();
      await body(harness);
    } finally {
      await harness.cleanup();
    }
  });
}

export function runFilesContract(name: string, make: MakeFiles, skip: string | false = false): void {
  describe(`Files contract: ${name}`, { skip }, () => {
    filesTest(make, 'reads back exactly what was written: empty, one byte, and sizes around the chunk boundaries', async ({ files }) => {
      for (const size of [0, 1, 1000, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024 + 17]) {
        const key = await files.write(bytes(size, 50_000, size + 1));
        assert.match(key, KEY_PATTERN);
        assert.deepEqual(await readAll(files, key), await digest(bytes(size, 50_000, size + 1)), `${size} bytes`);
      }
    });

    filesTest(make, 'a blob written through one node is read through another', async ({ files, another }) => {
      const key = await files.write(bytes(700_000));
      const other = await another();
      await other.open();
      assert.deepEqual(await readAll(other, key), await digest(bytes(700_000)));
      await other.delete(key);
      assert.equal(await files.read(key), null, 'deleted through the other node');
    });

    filesTest(make, 'the same bytes twice are two blobs with two keys: keys are never reused', async ({ files }) => {
      const first = await files.write(bytes(10_000));
      const second = await files.write(bytes(10_000));
      assert.notEqual(first, second);
      await files.delete(first);
      assert.equal(await files.read(first), null);
      assert.deepEqual(await readAll(files, second), await digest(bytes(10_000)), 'deleting one leaves the other');
    });

    filesTest(make, 'a source that fails leaves nothing behind and its error comes back', async ({ files, stored }) => {
      const before = await stored();
      async function* failing(): AsyncGenerator<Buffer> {
        yield* bytes(600_000);
        throw new Error('the client went away');
      }
      await assert.rejects(files.write(failing()), /the client went away/);
      assert.equal(await stored(), before);
    });

    filesTest(make, 'unknown, deleted and malformed keys read as null and delete quietly', async ({ files }) => {
      for (const key of ['AAAAAAAAAAAAAAAAAAAAAA', '../../../../etc/passwd', '', 'x'.repeat(500)]) {
        assert.equal(await files.read(key), null, key);
        await files.delete(key);
      }
      const key = await files.write(bytes(5));
      await files.delete(key);
      await files.delete(key);
      assert.equal(await files.read(key), null);
    });

    filesTest(make, 'writes and reads stream: 64 MB pass through holding less than half of them at any time', async ({ files }) => {
      const size = 64 * 1024 * 1024;
      collect();
      const base = process.memoryUsage().arrayBuffers;
      let peak = base;
      const sample = setInterval(() => {
        collect();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }, 25);
      try {
        const key = await files.write(bytes(size));
        assert.deepEqual(await readAll(files, key), { size, sha256: (await digest(bytes(size))).sha256 });
        const grew = (peak - base) / 1_048_576;
        console.log(`  ${name}: 64 MB written and read back; buffers held grew by at most ${grew.toFixed(1)} MB`);
        assert.ok(grew < 32, `buffers grew by ${grew.toFixed(1)} MB for a 64 MB blob`);
      } finally {
        clearInterval(sample);
      }
    });
  });
}
