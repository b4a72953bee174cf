/**
 * The terminal client as a child process, for tests: lines typed into its
 * stdin, its output read back. Without a TTY it prints plain lines (no colour,
 * no prompt redraws), each on its own line. Killed when the test ends.
 */
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from './helpers.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface Terminal {
  /** Types a line and presses Enter. */
  type(line: string): void;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Waits until the output has a line that matches. */
  waitForLine(what: string, pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Ends the input (Ctrl-D) and resolves with the exit code. */
  end(): Promise<number | null>;
}

export function startTerminal(t: TestContext, args: readonly string[]): Terminal {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    type: (line) => child.stdin.write(`${line}\n`),
    output: () => output,
    waitForLine: (what, pattern, timeoutMs) => waitFor(what, () => output.split('\n').some((line) => pattern.test(line)), timeoutMs),
    end() {
      child.stdin.end();
      return exited;
    },
  };
}
