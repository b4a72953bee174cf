/**
 * Where the SQLite store's writes are committed. Both writers run every write
 * in a group commit (../rules/group-commit.ts) on a connection of their own and settle
 * a write's promise only after its batch is committed; they differ in which
 * thread pays for the commit:
 *
 * - `thread` (thread-writer.ts): a worker thread commits, so the main event
 *   loop never waits on the disk. Worth it when that thread has a core of its
 *   own; otherwise it competes with the main thread for the one core and each
 *   commit costs two thread wake-ups and two messages.
 * - `inline` (inline-writer.ts): the main thread commits at the end of each
 *   turn of the event loop everything the turn requested, at most once per
 *   commit interval (the turns within it share a commit). No messages, no
 *   wake-ups; the loop waits for each commit's fsync, which is why it is the
 *   choice for one core, not for many.
 *
 * Both keep writes in call order (the Store's guarantee).
 */
export type WriterKind = 'thread' | 'inline';
