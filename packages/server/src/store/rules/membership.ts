/** The membership check of writes to a room, shared by the rules. */
import { ParleyError } from '@parley/protocol';
import type { MemberRow } from '../sql/schema.js';
import type { LockedRoom, WriteTx } from './write-tx.js';

/**
 * Locks the room (WriteTx.lockRoom) and refuses a user who is not a member of
 * it: `not_member` for a public room (they may join it), `not_found` otherwise,
 * whether or not it exists, so that a private room's existence does not leak.
 * A leave, kick or ban racing this write is ordered before or after it, never
 * between the check and the append.
 */
export async function requireMember(tx: WriteTx, roomId: string, userId: string): Promise<LockedRoom & { member: MemberRow }> {
  const locked = await tx.lockRoom(roomId, userId);
  if (locked?.member) return locked as LockedRoom & { member: MemberRow };
  if (locked?.room.kind === 'public') throw new ParleyError('not_member', 'Join the room first.');
  throw new ParleyError('not_found', 'No such room.');
}
