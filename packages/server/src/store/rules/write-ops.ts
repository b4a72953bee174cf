/**
 * Every write the store makes, by name: what a write request names (it may
 * cross to a writer thread as data) and the rule that runs it inside a group
 * commit (group-commit.ts).
 */
import * as accountWrites from './account-writes.js';
import * as botWrites from './bot-writes.js';
import * as fileWrites from './file-writes.js';
import * as adminWrites from './admin-writes.js';
import * as communityWrites from './community-writes.js';
import * as logWrites from './log-writes.js';
import * as moderationWrites from './moderation-writes.js';
import * as previewWrites from './preview-writes.js';
import * as threadWrites from './thread-writes.js';
import type { WriteTx } from './write-tx.js';

export const WRITE_OPS = {
  createUser: accountWrites.createUser,
  createSession: accountWrites.createSession,
  revokeSession: accountWrites.revokeSession,
  revokeTokens: accountWrites.revokeTokens,
  claimGuest: accountWrites.claimGuest,
  createBot: botWrites.createBot,
  setBotToken: botWrites.setBotToken,
  renameUser: logWrites.renameUser,
  createRoom: logWrites.createRoom,
  ensureLobby: logWrites.ensureLobby,
  appendMessage: logWrites.appendMessage,
  editMessage: logWrites.editMessage,
  deleteMessage: logWrites.deleteMessage,
  react: logWrites.react,
  appendWebhookMessage: logWrites.appendWebhookMessage,
  attachPreview: previewWrites.attachPreview,
  join: logWrites.join,
  leave: logWrites.leave,
  setReadMarker: logWrites.setReadMarker,
  addFile: fileWrites.addFile,
  sweepFiles: fileWrites.sweepFiles,
  setRole: moderationWrites.setRole,
  kick: moderationWrites.kick,
  ban: moderationWrites.ban,
  unban: moderationWrites.unban,
  timeout: moderationWrites.timeout,
  updateRoomSettings: moderationWrites.updateRoomSettings,
  report: communityWrites.report,
  resolveReport: communityWrites.resolveReport,
  setBlock: communityWrites.setBlock,
  setUserDisabled: adminWrites.setUserDisabled,
  signOutUser: adminWrites.signOutUser,
  deleteGuest: adminWrites.deleteGuest,
  archiveRoom: adminWrites.archiveRoom,
  deleteRoom: adminWrites.deleteRoom,
  followThread: threadWrites.followThread,
  readThread: threadWrites.readThread,
  recountThreads: threadWrites.recountThreads,
} as const;

type Ops = typeof WRITE_OPS;
export type WriteOp = keyof Ops;
export type WriteArgs<K extends WriteOp> = Ops[K] extends (tx: WriteTx, ...args: infer A) => unknown ? A : never;
export type WriteResult<K extends WriteOp> = Awaited<ReturnType<Ops[K]>>;

export interface WriteRequest {
  op: WriteOp;
  args: unknown[];
}

/** Runs one write request's rule inside the caller's transaction. */
export function runWrite(tx: WriteTx, write: WriteRequest): Promise<unknown> {
  return (WRITE_OPS[write.op] as (tx: WriteTx, ...args: unknown[]) => Promise<unknown>)(tx, ...write.args);
}
