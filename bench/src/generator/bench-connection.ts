/**
 * One simulated user: a raw WebSocket, logged in and in the lobby, that
 * reports benchmark deliveries and acks to the generator and can make the
 * few requests setup needs (create a room, join one).
 */
import { RawWsClient } from '../wire/raw-client.js';
import { MarkerScanner, messageBody } from './message-marker.js';
import { REQUEST_REF_BASE, type WireProtocol } from './protocols.js';

export interface ConnectionSink {
  /** `receiver`: the user whose connection received it. */
  onDelivery(index: number, sentMicros: number, receivedAt: number, receiver: number): void;
  onAck(index: number, receivedAt: number): void;
  onErrorFrame(code: string): void;
  onClose(code: number | null): void;
}

/** Frames seen by all connections, to tell when a server has gone quiet. */
export interface Traffic {
  frames: number;
  lastFrameAt: number;
  /** Called every CHECK_EVERY_FRAMES frames received, if set (the load phase's send schedule). */
  check: (() => void) | null;
}

const CHECK_EVERY_FRAMES = 32;

export const CONNECT_TIMEOUT_MS = 30_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/** Source addresses the connections are spread over, so ephemeral ports never run short. */
const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

/** The source address of user `index`'s connection. */
export function sourceAddress(index: number): string {
  return SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length]!;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const scanner = new MarkerScanner();
let nextRef = REQUEST_REF_BASE;

export interface OpenOptions {
  host: string;
  port: number;
  localAddress: string;
  timeoutMs: number;
  traffic: Traffic;
  sink: ConnectionSink;
}

export class BenchConnection {
  private readonly pending = new Map<string, Pending>();
  private client: RawWsClient | null = null;

  private constructor(
    private readonly protocol: WireProtocol,
    readonly index: number,
  ) {}

  /** Resolves once the server has welcomed the user (Parley, raw) or confirmed the namespace connect (Socket.IO). */
  static async open(protocol: WireProtocol, index: number, options: OpenOptions): Promise<BenchConnection> {
    const connection = new BenchConnection(protocol, index);
    const { path, headers } = protocol.handshake(index);
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => {}); // awaited below; a failure before that must not count as unhandled
    const { traffic, sink } = options;
    const client = await RawWsClient.open({
      host: options.host,
      port: options.port,
      path,
      headers,
      localAddress: options.localAddress,
      timeoutMs: options.timeoutMs,
      onUpgrade(upgraded) {
        connection.client = upgraded;
      },
      onText(data, start, end, receivedAt) {
        if (++traffic.frames % CHECK_EVERY_FRAMES === 0) traffic.check?.();
        traffic.lastFrameAt = receivedAt;
        if (scanner.scan(data, start, end)) {
          sink.onDelivery(scanner.index, scanner.sentMicros, receivedAt, index);
          return;
        }
        const control = protocol.readControl(data, start, end);
        if (control === null) return;
        if (control.kind === 'ready') markReady();
        else if (control.kind === 'open') connection.client?.sendText(protocol.connectPacket(index));
        else if (control.kind === 'ping') connection.client?.sendText('3');
        else if (control.kind === 'ack') {
          if (control.messageIndex >= 0) sink.onAck(control.messageIndex, receivedAt);
          else connection.settle(control.ref, null, control.result);
        } else {
          sink.onErrorFrame(control.code);
          if (control.ref !== null) connection.settle(control.ref, new Error(`error frame: ${control.code}`), null);
          else markFailed(new Error(`error frame: ${control.code}`));
        }
      },
      onClose(code, error) {
        sink.onClose(code);
        markFailed(error ?? new Error(`closed by the server (code ${code ?? 'none'})`));
        for (const ref of [...connection.pending.keys()]) connection.settle(ref, new Error('connection closed'), null);
      },
    });
    const timer = setTimeout(() => markFailed(new Error(`no welcome within ${options.timeoutMs} ms`)), options.timeoutMs);
    try {
      await ready;
    } catch (error) {
      await client.close(100);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return connection;
  }

  /** Sends a create or join request; resolves to the ack's result. */
  request(kind: 'create' | 'join', arg: string, timeoutMs: number): Promise<unknown> {
    const ref = String(nextRef++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(ref, new Error(`${kind} not acked within ${timeoutMs} ms`), null), timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.client!.sendText(this.protocol.encodeRequest(kind, arg, ref));
    });
  }

  sendMessage(room: string, index: number, sentMicros: number, bodyChars: number): void {
    this.client!.sendText(this.protocol.encodeSend(room, index, messageBody(index, sentMicros, bodyChars)));
  }

  close(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }

  private settle(ref: string, error: Error | null, result: unknown): void {
    const pending = this.pending.get(ref);
    if (!pending) return;
    this.pending.delete(ref);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }
}
