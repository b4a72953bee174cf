/**
 * What travels on the bus. Room topics carry a server frame already
 * serialized, behind a one-line header the hub reads without parsing the
 * frame: `e<seq>` for a log event, `t<userId>` for typing (not echoed to that
 * user), `p` for presence. User topics carry a small JSON control message.
 */
import type { ServerFrame } from '@parley/protocol';

export type RoomMessage =
  | { kind: 'event'; seq: number; frame: string }
  | { kind: 'typing'; userId: string; frame: string }
  | { kind: 'presence'; frame: string };

export function encodeRoomMessage(message: RoomMessage): string {
  switch (message.kind) {
    case 'event':
      return `e${message.seq}\n${message.frame}`;
    case 'typing':
      return `t${message.userId}\n${message.frame}`;
    case 'presence':
      return `p\n${message.frame}`;
  }
}

export function decodeRoomMessage(payload: string): RoomMessage | null {
  const newline = payload.indexOf('\n');
  if (newline < 1) return null;
  const head = payload.slice(1, newline);
  const frame = payload.slice(newline + 1);
  switch (payload[0]) {
    case 'e':
      return { kind: 'event', seq: Number(head), frame };
    case 't':
      return { kind: 'typing', userId: head, frame };
    case 'p':
      return { kind: 'presence', frame };
    default:
      return null;
  }
}

/** Control messages for all connections of one user, on any node. */
export interface UserMessage {
  /** Subscribe the user's connections to this room (joined, invited, DM opened). */
  joinRoom?: string;
  /** Unsubscribe them from this room (left). */
  leaveRoom?: string;
  /** The user's display name changed. */
  rename?: string;
  /** Close the connections of this session (logout). */
  endSession?: string;
  /** A frame to send to each of the user's connections, after the above. */
  frame?: ServerFrame;
}
