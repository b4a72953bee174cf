/**
 * A WebSocket as a wire. Outbound frames are written straight to the TCP
 * socket (the `ws` library still owns the handshake, inbound parsing, pings
 * and closing). That is safe because `ws` writes whole frames synchronously
 * when compression is off, so frames never interleave mid-frame.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { encodeTextFrame } from './text-frame.js';
import { drainedStream, type Wire } from './wire.js';

export class WsWire implements Wire {
  readonly #ws: WebSocket;
  readonly #socket: Socket;

  constructor(ws: WebSocket, socket: Socket) {
    this.#ws = ws;
    this.#socket = socket;
  }

  get encode(): typeof encodeTextFrame {
    return encodeTextFrame;
  }

  get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  get destroyed(): boolean {
    return this.#socket.destroyed;
  }

  get writableLength(): number {
    return this.#socket.writableLength;
  }

  write(chunk: Buffer): void {
    this.#socket.write(chunk);
  }

  drained(): Promise<void> {
    return drainedStream(this.#socket);
  }

  sendText(text: string): void {
    this.#ws.send(text);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }
}
