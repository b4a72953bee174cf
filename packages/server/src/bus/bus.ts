/**
 * Publish/subscribe of topics between the nodes of a cluster (one node: in
 * process). A node subscribes to a room's topic only while it has a local
 * connection in that room.
 *
 * Guarantee: a payload published on a topic is delivered once to every handler
 * subscribed to that topic at that moment, on any node, at most once, and in
 * publish order for payloads from the same publisher. Payloads are opaque
 * strings so that every implementation carries the same bytes.
 */
/** Called with the topic too, so that one handler can serve many topics. */
export type BusHandler = (payload: string, topic: string) => void;

export interface Bus {
  publish(topic: string, payload: string): void;
  subscribe(topic: string, handler: BusHandler): void;
  unsubscribe(topic: string, handler: BusHandler): void;
  close(): Promise<void>;
}

const ROOM = 'room:';
const USER = 'user:';
export const roomTopic = (roomId: string): string => ROOM + roomId;
export const userTopic = (userId: string): string => USER + userId;
/** The room of a topic made by `roomTopic`. */
export const roomOfTopic = (topic: string): string => topic.slice(ROOM.length);
/** The user of a topic made by `userTopic`. */
export const userOfTopic = (topic: string): string => topic.slice(USER.length);
