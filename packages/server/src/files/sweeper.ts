/**
 * Runs the file sweep (FileService.sweep) now and then on every node: the
 * bytes of deleted messages' files, and of uploads never sent, are deleted
 * within a minute or so. (Access to them ends with the deletion itself: the
 * store stops finding them at once.) Nodes sweeping at once take turns in the
 * store; a failed sweep is logged and counted, and the next one tries again.
 */
import type { FileService } from './file-service.js';

export const SWEEP_INTERVAL_MS = 60_000;

export class FileSweeper {
  readonly #service: FileService;
  readonly #onError: (where: string, error: Error) => void;
  readonly #timer: ReturnType<typeof setInterval>;
  #running: Promise<void> | null = null;

  constructor(service: FileService, onError: (where: string, error: Error) => void, intervalMs = SWEEP_INTERVAL_MS) {
    this.#service = service;
    this.#onError = onError;
    this.#timer = setInterval(() => void this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** One sweep; a sweep already running is waited for instead. */
  sweep(): Promise<void> {
    this.#running ??= this.#service
      .sweep()
      .then(
        () => undefined,
        (error: unknown) => this.#onError('file sweep', error as Error),
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
