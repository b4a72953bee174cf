/** The Files contract against a directory. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFilesContract } from './files.contract.js';
import { DiskFiles } from './files-disk.js';

function countFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}

runFilesContract('a directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
  return {
    files: new DiskFiles(dir),
    another: async () => new DiskFiles(dir),
    stored: async () => countFiles(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
