/** Prometheus metrics, served at /api/metrics. One registry per server instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_process_' });
  return {
    registry,
    connections: new Gauge({ name: 'parley_connections', help: 'Open authenticated connections (WebSockets and HTTP fallback streams)', registers: [registry] }),
    fallbackStreams: new Gauge({ name: 'parley_fallback_streams', help: 'Open HTTP fallback streams (also counted in parley_connections)', registers: [registry] }),
    messages: new Counter({ name: 'parley_messages_total', help: 'Messages stored', registers: [registry] }),
    frameErrors: new Counter({ name: 'parley_frame_errors_total', help: 'Error frames sent, by code', labelNames: ['code'], registers: [registry] }),
    slowConsumers: new Counter({ name: 'parley_slow_consumers_total', help: 'Connections closed for reading too slowly', registers: [registry] }),
    heartbeatTimeouts: new Counter({ name: 'parley_heartbeat_timeouts_total', help: 'Connections terminated for missing heartbeats', registers: [registry] }),
    connectionsRefused: new Counter({ name: 'parley_connections_refused_total', help: 'Connections closed at once because their client address had too many open', registers: [registry] }),
    backgroundErrors: new Counter({ name: 'parley_background_errors_total', help: 'Failures outside any request', labelNames: ['where'], registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'parley_delivery_latency_seconds',
      help: "From an event's time (taken in its write) to its arrival at this node for fan-out: the commit and the bus",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
