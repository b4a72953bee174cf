/**
 * Publish/subscribe of topics between the nodes of a cluster (one node: in
 * process). A node subscribes to a room's topic only while it has a local
 * connection in that room, and to a user's topic only while that user has one.
 *
 * Guarantee, in the manner of centrifuge's broker: a payload published on a
 * topic is delivered to every node subscribed to that topic at that moment,
 * at most once, in publish order for payloads from the same publisher. It is a
 * hint, never the guarantee: a node whose connection to the other nodes broke
 * misses what was published meanwhile, and is told when its subscriptions are
 * live again (`resubscribed`), so that it reads what it missed from the store.
 * Payloads are opaque strings, so that every implementation carries the same bytes
 * — up to PAYLOAD_SAFE_BYTES at least; past that a bus may carry a room event
 * as its seq alone (`e<seq>`, messages.ts), and the hub reads it from the store.
 */

/** Payloads up to this size travel whole on every bus (PostgreSQL's NOTIFY takes 8,000 bytes). */
export const PAYLOAD_SAFE_BYTES = 7900;
export interface BusEvents {
  /** A payload arrived on a topic this node subscribed to. */
  message(topic: string, payload: string): void;
  /** The subscriptions are live again after an interruption: payloads published meanwhile may be lost. */
  resubscribed(): void;
  /** A failure the bus survived (a publish that could not be sent, a lost connection): the node logs and counts it. */
  error(where: string, error: Error): void;
}

export interface Bus {
  /** Starts delivering to `events`; call once, before anything else. Resolves when the bus can publish and subscribe. */
  start(events: BusEvents): Promise<void>;
  /** Sends `payload` to every node subscribed to `topic`, this one included. Never throws: a failure goes to `events.error`. */
  publish(topic: string, payload: string): void;
  /** Resolves once the subscription is live: every payload published after that reaches `events.message`. Idempotent. */
  subscribe(topic: string): Promise<void>;
  /** Stops deliveries of `topic` to this node. Idempotent. */
  unsubscribe(topic: string): Promise<void>;
  close(): Promise<void>;
}

/** The topic every node subscribes to, for what every connected user is told (a new public room). */
export const EVERYONE_TOPIC = 'everyone';

const ROOM = 'room:';
const USER = 'user:';
export const roomTopic = (roomId: string): string => ROOM + roomId;
export const userTopic = (userId: string): string => USER + userId;
/** The room of a room topic, or null for another kind of topic. */
export const roomOfTopic = (topic: string): string | null => (topic.startsWith(ROOM) ? topic.slice(ROOM.length) : null);
/** The user of a user topic, or null for another kind of topic. */
export const userOfTopic = (topic: string): string | null => (topic.startsWith(USER) ? topic.slice(USER.length) : null);
