/**
 * The terminal client in a real terminal: a tmux server of our own (-L), so a
 * test never touches the user's sessions; killed when the test ends.
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface TmuxTerminal {
  /** The visible screen as text. */
  screen(): string;
  /** The visible screen with its styles as SGR escape sequences (`capture-pane -e`). */
  styledScreen(): string;
  /** Sends keys (tmux key names such as 'Enter' and 'C-u', or text). */
  keys(...keys: string[]): void;
  /** Whether the client is still running. */
  alive(): boolean;
}

/** Runs `parley <args>` in a 120×40 terminal. */
export function startTmuxTerminal(t: TestContext, args: readonly string[]): TmuxTerminal {
  const socket = `parley-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...tmuxArgs: string[]) => execFileSync('tmux', ['-L', socket, ...tmuxArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const alive = () => {
    try {
      tmux('has-session', '-t', 'chat');
      return true;
    } catch {
      return false;
    }
  };
  const command = [process.execPath, MAIN, ...args].map((part) => `'${part}'`).join(' ');
  tmux('new-session', '-d', '-s', 'chat', '-x', '120', '-y', '40', command);
  t.after(() => {
    if (alive()) tmux('kill-server');
  });
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'chat'),
    styledScreen: () => tmux('capture-pane', '-p', '-e', '-t', 'chat'),
    keys: (...keys) => void tmux('send-keys', '-t', 'chat', ...keys),
    alive,
  };
}
