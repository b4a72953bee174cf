/**
 * A frame going to many peers, serialized once; each transport encodes it
 * once (a WebSocket frame, an SSE event) and every recipient on that
 * transport queues the same bytes. This is the per-recipient path of every
 * fan-out: after the first recipient, `encoded` is a comparison and a read.
 */
export type FrameEncoder = (json: string) => Buffer;

export class SharedFrame {
  readonly json: string;
  #encoder: FrameEncoder | null = null;
  #bytes: Buffer | null = null;
  /** Encodings by other transports than the first one asked. */
  #others: Map<FrameEncoder, Buffer> | null = null;

  constructor(json: string) {
    this.json = json;
  }

  encoded(encode: FrameEncoder): Buffer {
    if (this.#encoder === encode) return this.#bytes!;
    if (this.#encoder === null) {
      this.#encoder = encode;
      return (this.#bytes = encode(this.json));
    }
    this.#others ??= new Map();
    let bytes = this.#others.get(encode);
    if (bytes === undefined) this.#others.set(encode, (bytes = encode(this.json)));
    return bytes;
  }
}
