/** Prometheus metrics, served at /api/metrics. One registry per server instance. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_process_' });
  return {
    registry,
    connections: new Gauge({ name: 'parley_connections', help: 'Open authenticated WebSocket connections', registers: [registry] }),
    messages: new Counter({ name: 'parley_messages_total', help: 'Messages stored', registers: [registry] }),
    frameErrors: new Counter({ name: 'parley_frame_errors_total', help: 'Error frames sent, by code', labelNames: ['code'], registers: [registry] }),
    slowConsumers: new Counter({ name: 'parley_slow_consumers_total', help: 'Connections closed for reading too slowly', registers: [registry] }),
    heartbeatTimeouts: new Counter({ name: 'parley_heartbeat_timeouts_total', help: 'Connections terminated for missing heartbeats', registers: [registry] }),
    connectionsRefused: new Counter({ name: 'parley_connections_refused_total', help: 'Connections closed at once because their client address had too many open', registers: [registry] }),
    backgroundErrors: new Counter({ name: 'parley_background_errors_total', help: 'Failures outside any request', labelNames: ['where'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
