/**
 * What the generator's main thread and its sender thread say to each other.
 * The sender thread owns the connections that send: it sends each message
 * when it falls due and times the acks and deliveries its connections
 * receive, so that neither waits behind the main thread's reads of thousands
 * of other sockets. Times cross the thread boundary in the main thread's
 * `performance.now()` terms (see `performanceOriginMs`).
 */
import { performance } from 'node:perf_hooks';
import type { Protocol } from './job.js';
import type { Handshake } from './protocols.js';

/** Where this thread's `performance.now()` starts on CLOCK_MONOTONIC, which every thread shares (ms). */
export function performanceOriginMs(): number {
  return Number(process.hrtime.bigint()) / 1e6 - performance.now();
}

export interface SenderSpec {
  /** The user (as numbered by the session) this connection signs in as. */
  index: number;
  handshake: Handshake;
  room: string;
  /** Whether to join `room` after connecting (false: the server puts every connection in it, as the lobby). */
  join: boolean;
}

export interface OpenSenders {
  type: 'open';
  protocol: Protocol;
  host: string;
  /** Sender i connects to ports[i mod ports.length], as every user does. */
  ports: number[];
  connectConcurrency: number;
  /** The main thread's `performanceOriginMs()`. */
  mainOriginMs: number;
  /** Message k of a phase goes out on senders[k mod senders.length]. */
  senders: SenderSpec[];
}

/** One load phase's schedule: message k (global index firstIndex + k) is due at startMs + k · intervalMs. */
export interface SendSchedule {
  type: 'phase';
  firstIndex: number;
  total: number;
  startMs: number;
  intervalMs: number;
  /** The send loop gives up (an error) past this time. */
  deadlineMs: number;
  bodyChars: number;
}

export type ToSenderThread = OpenSenders | SendSchedule;

/** Event kinds in an `events` batch: five numbers each, [kind, index, a, b, c]. */
export const EVENT = {
  /** a: scheduled time (µs), b: how late it left (µs). */
  sent: 0,
  /** a: sent time carried by the message (µs), b: received at (ms), c: the receiving user. */
  delivery: 1,
  /** a: received at (ms). */
  ack: 2,
  errorFrame: 3,
} as const;
export const EVENT_SIZE = 5;

export type FromSenderThread =
  | { type: 'opened' }
  /** `frames`: how many frames the sender connections have received in all; `lastFrameAt`: the latest one's time. */
  | { type: 'events'; events: Float64Array; frames: number; lastFrameAt: number }
  /** Every message of the phase has been sent (and its `sent` event posted). */
  | { type: 'sent' }
  | { type: 'close'; code: number | null }
  | { type: 'error'; message: string };
