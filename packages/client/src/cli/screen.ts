/**
 * The terminal: a readline prompt at the bottom and lines printed above it.
 * Printing clears the prompt row, writes the line, and redraws the prompt with
 * whatever the user had typed so far (and the cursor where it was), so a
 * message that arrives mid-typing never breaks the line being edited.
 */
import { createInterface, clearLine, cursorTo, type Interface } from 'node:readline';

export class Screen {
  readonly #rl: Interface;
  readonly #input: NodeJS.ReadStream;
  readonly #output: NodeJS.WriteStream;
  readonly #terminal: boolean;

  constructor(input: NodeJS.ReadStream, output: NodeJS.WriteStream) {
    this.#input = input;
    this.#output = output;
    this.#terminal = output.isTTY === true;
    this.#rl = createInterface({ input, output, terminal: this.#terminal, historySize: 200 });
  }

  onLine(handler: (line: string) => void): void {
    this.#rl.on('line', handler);
  }

  /** End of input (Ctrl-D, or the end of piped input). */
  onEnd(handler: () => void): void {
    this.#rl.on('close', handler);
  }

  /** Ctrl-C. */
  onInterrupt(handler: () => void): void {
    this.#rl.on('SIGINT', handler);
  }

  /** Called on each key press with the line typed so far (terminals only). */
  onTyping(handler: (line: string) => void): void {
    this.#input.on('keypress', () => setImmediate(() => handler(this.#rl.line)));
  }

  print(line: string): void {
    if (!this.#terminal) {
      this.#output.write(`${line}\n`);
      return;
    }
    // Corked, so the terminal gets the cleared row, the line and the redrawn prompt in one write: no flicker.
    this.#output.cork();
    cursorTo(this.#output, 0);
    clearLine(this.#output, 0);
    this.#output.write(`${line}\n`);
    this.#rl.prompt(true);
    this.#output.uncork();
  }

  setPrompt(prompt: string): void {
    this.#rl.setPrompt(prompt);
    if (this.#terminal) {
      cursorTo(this.#output, 0);
      clearLine(this.#output, 0);
      this.#rl.prompt(true);
    }
  }

  prompt(): void {
    this.#rl.prompt(true);
  }

  close(): void {
    this.#rl.close();
  }
}
