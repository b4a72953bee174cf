/**
 * What travels on the bus. Room topics carry a server frame already
 * serialized, behind a one-line header the hub reads without parsing the
 * frame: `e<seq>` for a log event (a bus may carry the header alone: the hub
 * then reads the event from the store), `t<userId>` for typing (not echoed to
 * that user), `p<version>` for presence (the room's presence version, which
 * orders presence frames from different nodes). User topics carry a small
 * JSON control message.
 */
import type { ServerFrame, UserSummary } from '@parley/protocol';

export type RoomMessage =
  | { kind: 'event'; seq: number; frame: string | null }
  | { kind: 'typing'; userId: string; frame: string }
  | { kind: 'presence'; version: number; frame: string };

export function encodeRoomMessage(message: RoomMessage): string {
  switch (message.kind) {
    case 'event':
      return `e${message.seq}\n${message.frame ?? ''}`;
    case 'typing':
      return `t${message.userId}\n${message.frame}`;
    case 'presence':
      return `p${message.version}\n${message.frame}`;
  }
}

export function decodeRoomMessage(payload: string): RoomMessage | null {
  const newline = payload.indexOf('\n');
  if (newline < 1) return null;
  const head = payload.slice(1, newline);
  const frame = payload.slice(newline + 1);
  switch (payload[0]) {
    case 'e': {
      const seq = Number(head);
      return Number.isSafeInteger(seq) && seq > 0 ? { kind: 'event', seq, frame: frame === '' ? null : frame } : null;
    }
    case 't':
      return { kind: 'typing', userId: head, frame };
    case 'p': {
      const version = Number(head);
      return Number.isFinite(version) ? { kind: 'presence', version, frame } : null;
    }
    default:
      return null;
  }
}

/** Control messages for all connections of one user, on any node. */
export interface UserMessage {
  /** Subscribe the user's connections to this room (joined, invited, DM opened)… */
  joinRoom?: string;
  /** …and send them its events from this seq on (their join event), whatever the room's feed delivered before. */
  fromSeq?: number;
  /** Unsubscribe them from this room (left). */
  leaveRoom?: string;
  /** The user's display name changed. */
  rename?: string;
  /** The user's username and kind changed (a guest claimed their identity): the whole summary now. */
  profile?: UserSummary;
  /** Close the connections of this session (logout). */
  endSession?: string;
  /** A frame to send to each of the user's connections, after the above. */
  frame?: ServerFrame;
}

/** What the everyone topic carries: a frame for every connection, but those of `except`. */
export interface EveryoneMessage {
  frame: ServerFrame;
  except?: string;
}

export function encodeUserMessage(message: UserMessage | EveryoneMessage): string {
  return JSON.stringify(message);
}

export function decodeUserMessage(payload: string): UserMessage | null {
  try {
    const message = JSON.parse(payload) as unknown;
    return typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as UserMessage) : null;
  } catch {
    return null;
  }
}
