/**
 * The PostgreSQL store's writes: one connection of their own (transactions.ts),
 * committing group commits (../rules/group-commit.ts) one after another. The
 * writes requested in one turn of the event loop, or while a commit is in
 * flight, go in the next transaction: one commit (one WAL flush) and one
 * round trip each for BEGIN and COMMIT for all of them.
 *
 * Writes take effect in call order: batches commit in the order they were
 * queued, and within a batch the writes to one room keep their places. Across
 * rooms a batch runs its writes in ascending room order, the order in which
 * every node locks rooms, so that two nodes' batches never wait on each other
 * in a cycle (a deadlock stalls both for a second before PostgreSQL breaks
 * it). A rename locks each of the user's rooms in that order, so it runs in a
 * batch of its own.
 */
import { commitBatch, type Outcome } from '../rules/group-commit.js';
import type { WriteArgs, WriteOp, WriteRequest, WriteResult } from '../rules/write-ops.js';
import { StoreClosedError, type Writer } from '../rules/writer.js';
import { PgTransactions } from './transactions.js';

interface Queued extends WriteRequest {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most writes in one transaction: a longer one would hold its first write's ack back. */
const MAX_BATCH = 256;

/**
 * The room whose row a write locks, which orders it within a batch; null: the write runs alone
 * (the file sweep's lock, which deleting a room takes too, is taken after row locks that
 * other writes of a batch could be holding).
 */
function roomOf(write: WriteRequest): string | null {
  const [first] = write.args as [unknown];
  switch (write.op) {
    case 'renameUser':
    case 'sweepFiles':
    case 'deleteRoom':
    case 'deleteGuest':
      return null;
    case 'createRoom':
      return (first as { id: string }).id;
    case 'setReadMarker':
    case 'recountThreads':
      return first as string;
    case 'followThread':
    case 'readThread':
    case 'appendMessage':
    case 'editMessage':
    case 'deleteMessage':
    case 'react':
    case 'appendWebhookMessage':
    case 'attachPreview':
    case 'join':
    case 'leave':
    case 'setRole':
    case 'kick':
    case 'ban':
    case 'unban':
    case 'timeout':
    case 'updateRoomSettings':
    case 'report':
    case 'resolveReport':
    case 'archiveRoom':
      return (first as { room: string }).room;
    case 'createUser':
    case 'createSession':
    case 'revokeSession':
    case 'revokeTokens':
    case 'claimGuest':
    case 'createBot':
    case 'setBotToken':
    case 'ensureLobby':
    case 'addFile':
    case 'setBlock':
    case 'setUserDisabled':
    case 'signOutUser':
      return '';
  }
}

export class PgWriter implements Writer {
  readonly #transactions: PgTransactions;
  #queue: Queued[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #committing: Promise<void> | null = null;
  #closed = false;

  constructor(url: string, onConnectionError: (error: Error) => void) {
    this.#transactions = new PgTransactions(url, onConnectionError);
  }

  /** Queues the write for the next group commit; settles once that commit is done (or this write failed alone). */
  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      if (this.#committing === null) this.#scheduled ??= setImmediate(this.#commitQueued);
    });
  }

  /** Commits what is queued, then closes the connection. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#committing !== null || this.#queue.length > 0) {
      if (this.#committing === null) this.#commitQueued();
      await this.#committing;
    }
    await this.#transactions.close();
  }

  readonly #commitQueued = (): void => {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    const batch = this.#queue.splice(0, this.#nextBatchSize());
    if (batch.length === 0) return;
    this.#committing = this.#commit(batch).then(() => {
      this.#committing = null;
      if (this.#queue.length > 0) this.#commitQueued();
    });
  };

  /** How many of the queued writes go in the next batch: up to MAX_BATCH, a rename alone. */
  #nextBatchSize(): number {
    const queue = this.#queue;
    if (queue.length > 0 && roomOf(queue[0]!) === null) return 1;
    let size = 0;
    while (size < queue.length && size < MAX_BATCH && roomOf(queue[size]!) !== null) size++;
    return size;
  }

  async #commit(batch: Queued[]): Promise<void> {
    // A stable sort: the writes to one room keep their call order.
    const order = batch.map((_, index) => index).sort((a, b) => {
      const roomA = roomOf(batch[a]!) ?? '';
      const roomB = roomOf(batch[b]!) ?? '';
      return roomA < roomB ? -1 : roomA > roomB ? 1 : 0;
    });
    const outcomes = await commitBatch(this.#transactions, order.map((index) => batch[index]!));
    const byCall = new Array<Outcome>(batch.length);
    order.forEach((index, i) => (byCall[index] = outcomes[i]!));
    // Settled in call order, as the store promises: a connection's replies follow its requests.
    byCall.forEach((outcome, i) => {
      const write = batch[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }
}
