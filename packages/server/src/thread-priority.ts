/**
 * CPU priority of the calling thread. On Linux nice values are per thread;
 * elsewhere this does nothing and says so.
 *
 * For background threads whose work can wait for the event loop's idle time
 * (the SQLite checkpointer): where they share a core with the main thread,
 * at the normal priority they take it in the middle of the main thread's work
 * and hold up every reply. (Not for V8's own helper threads: lowering those
 * too shortened S5's ack tail on one core but left the heap 10–30 MB larger
 * after S4's connection storm — bench/results/analysis.md.)
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/** Gives the calling thread the lowest priority; false where threads cannot be told apart (no /proc). */
export function lowerThisThreadPriority(): boolean {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), constants.priority.PRIORITY_LOW);
    return true;
  } catch {
    return false;
  }
}
