/**
 * A minimal WebSocket client on node:net for the load generator: HTTP/1.1
 * upgrade, masked text frames out, unmasked frames in, pings answered. It
 * hands each text frame to the caller as a byte range of the TCP read, so a
 * caller that only looks for a marker never decodes a string.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { acceptKey, encodeFrame, FrameReader, OPCODE } from './ws-frames.js';

export interface RawClientOptions {
  host: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** Source address, to spread many connections over 127.0.0.x. */
  localAddress?: string;
  /** Bound on TCP connect plus the upgrade response. */
  timeoutMs: number;
  /**
   * One text frame, valid only during the call: the memory behind `data` is
   * reused by the next read (the Buffer object itself is new for each read).
   * `receivedAt` is performance.now() at the TCP read that completed it.
   */
  onText: (data: Buffer, start: number, end: number, receivedAt: number) => void;
  onClose?: (code: number | null, error: Error | null) => void;
  /** Called with the client once upgraded, before any frame that came with the upgrade response is handled. */
  onUpgrade?: (client: RawWsClient) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
/** Time of the TCP read being handled: every frame of one read shares it. */
let receivedAt = 0;
const MAX_RESPONSE_HEAD = 16 * 1024;

export class RawWsClient {
  private closed = false;
  private closeError: Error | null = null;
  private readonly reader = new FrameReader((opcode, data, start, end) => {
    if (opcode === OPCODE.text) this.options.onText(data, start, end, receivedAt);
    else if (opcode === OPCODE.ping) this.socket.write(encodeFrame(OPCODE.pong, data.subarray(start, end), true));
    else if (opcode === OPCODE.close) this.onServerClose(end - start >= 2 ? data.readUInt16BE(start) : null);
  });

  private constructor(
    private readonly socket: Socket,
    private readonly options: RawClientOptions,
  ) {}

  /** Connects and completes the upgrade; rejects with the HTTP status line if the server refuses. */
  static open(options: RawClientOptions): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      let head: Buffer = Buffer.alloc(0);
      let client: RawWsClient | null = null;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end === -1) {
          if (head.length > MAX_RESPONSE_HEAD) fail(new Error('upgrade response head too large'));
          return;
        }
        const text = head.toString('latin1', 0, end);
        const statusLine = text.slice(0, text.indexOf('\r\n'));
        if (!/^HTTP\/1\.1 101 /.test(statusLine)) {
          fail(new Error(`upgrade refused: ${statusLine} ${head.toString('utf8', end + 4, end + 4 + 300)}`));
          return;
        }
        if (/\r\nsec-websocket-accept:\s*(\S+)/i.exec(text)?.[1] !== acceptKey(key)) {
          fail(new Error('bad Sec-WebSocket-Accept'));
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        client = new RawWsClient(socket, options);
        options.onUpgrade?.(client);
        client.attach();
        const rest = head.subarray(end + 4);
        if (rest.length > 0) client.onBytes(rest, rest.length);
        resolve(client);
      };
      // Reads land in one shared buffer and are consumed synchronously (FrameReader copies any partial frame).
      const socket = connect({
        host: options.host,
        port: options.port,
        localAddress: options.localAddress,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buffer: Uint8Array) => {
            if (client) client.onBytes(buffer as Buffer, bytes);
            else onHead(Buffer.from(buffer.subarray(0, bytes)));
            return true;
          },
        },
      });
      socket.setNoDelay(true);
      const timer = setTimeout(() => fail(new Error(`upgrade to ${options.path} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      socket.on('error', fail);
      socket.on('close', () => fail(new Error('connection closed during the upgrade')));
      socket.once('connect', () => {
        const extra = Object.entries(options.headers ?? {})
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('');
        socket.write(
          `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
        );
      });
    });
  }

  sendText(text: string): void {
    if (!this.closed) this.socket.write(encodeFrame(OPCODE.text, Buffer.from(text), true));
  }

  /** Sends several text frames in one socket write (a client pipelining a burst). */
  sendTexts(texts: readonly string[]): void {
    if (!this.closed) this.socket.write(Buffer.concat(texts.map((text) => encodeFrame(OPCODE.text, Buffer.from(text), true))));
  }

  /** Sends a close frame and ends the connection; destroys it if the server does not finish within `graceMs`. */
  close(graceMs = 2000): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), graceMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      this.socket.end(encodeFrame(OPCODE.close, code, true));
      this.closed = true;
    });
  }

  private onBytes(chunk: Buffer, length: number): void {
    receivedAt = performance.now();
    try {
      this.reader.push(chunk, length);
    } catch (error) {
      this.closeError = error as Error;
      this.socket.destroy();
    }
  }

  private attach(): void {
    this.socket.on('error', (error) => {
      this.closeError = error;
    });
    this.socket.on('close', () => {
      const wasClosedByUs = this.closed;
      this.closed = true;
      if (!wasClosedByUs || this.closeError) this.options.onClose?.(null, this.closeError);
    });
  }

  private onServerClose(code: number | null): void {
    if (!this.closed) {
      this.closed = true;
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code ?? 1000);
      this.socket.end(encodeFrame(OPCODE.close, payload, true));
      this.options.onClose?.(code, null);
    }
  }
}
