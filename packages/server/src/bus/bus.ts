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
export type BusHandler = (payload: string) => void;

export interface Bus {
  publish(topic: string, payload: string): void;
  subscribe(topic: string, handler: BusHandler): void;
  unsubscribe(topic: string, handler: BusHandler): void;
  close(): Promise<void>;
}

export const roomTopic = (roomId: string): string => `room:${roomId}`;
export const userTopic = (userId: string): string => `user:${userId}`;
