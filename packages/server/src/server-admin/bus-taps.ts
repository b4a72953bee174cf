/**
 * What this node takes off the bus besides the hub's topics: the control topic
 * (user-closer.ts), the HTTP fallback's relay (gateway/fallback-relay.ts), and the time each room event arrives (live-figures.ts). The
 * hub still gets every payload of its own topics, unchanged and first.
 */
import type { BusEvents } from '../bus/bus.js';
import { CONTROL_TOPIC, type UserCloser } from './user-closer.js';
import type { LiveFigures } from './live-figures.js';
import type { FallbackRelay } from '../gateway/fallback-relay.js';

const ROOM_TOPIC = 'room:';
const TS = '"ts":';

/** The `ts` of a room topic's event payload (`e<seq>\n{"type":"event","event":{…,"ts":…`), or null. */
export function eventTime(payload: string): number | null {
  if (payload.charCodeAt(0) !== 0x65 /* e */) return null;
  // The event's own fields come before its body (sql/rows.ts builds them in that order).
  const at = payload.indexOf(TS);
  if (at < 0 || at > 400) return null;
  const ts = parseInt(payload.slice(at + TS.length, at + TS.length + 16), 10);
  return Number.isSafeInteger(ts) ? ts : null;
}

export function tapBus(events: BusEvents, closer: UserCloser, figures: LiveFigures, relay: FallbackRelay | null = null): BusEvents {
  return {
    message(topic, payload) {
      if (topic === CONTROL_TOPIC) return closer.received(payload);
      if (relay?.received(topic, payload)) return;
      events.message(topic, payload);
      if (topic.startsWith(ROOM_TOPIC)) {
        const ts = eventTime(payload);
        if (ts !== null) figures.delivered(ts);
      }
    },
    resubscribed: () => events.resubscribed(),
    error: (where, error) => events.error(where, error),
  };
}
