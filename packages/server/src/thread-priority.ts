/**
 * CPU priorities of the process's threads. On Linux nice values are per
 * thread; elsewhere these functions do nothing and say so.
 *
 * Why: on a server confined to one core, the event loop's thread is the one
 * every client waits on, and the others — V8's garbage-collection and
 * compiler helpers, libuv's pool (file system, password hashing), the SQLite
 * checkpointer — take that core from it instead of running beside it. Under
 * load, V8's concurrent marking alone turned 0.4 ms commits into 20–26 ms ones
 * (bench/results/analysis.md). At the lowest priority they run in the event
 * loop's idle time, and the kernel still gives them a sliver when there is none.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

const LOWEST = constants.priority.PRIORITY_LOW;

/** Gives the calling thread the lowest priority; false where threads cannot be told apart (no /proc). */
export function lowerThisThreadPriority(): boolean {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), LOWEST);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives every thread the process has now, but the main thread, the lowest
 * priority; returns how many. Call it from the main thread. Threads started
 * later are not affected (a new thread takes the priority of the thread that
 * starts it: the main thread's, for worker threads).
 */
export function lowerOtherThreadsPriority(): number {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const tid of tids) {
    if (Number(tid) === process.pid) continue;
    try {
      setPriority(Number(tid), LOWEST);
      lowered++;
    } catch {
      // The thread exited meanwhile.
    }
  }
  return lowered;
}
