import { ProtocolError } from '@dbwire/core';

/** Largest frame accepted from a server before the stream is declared garbage (default 1 GiB). */
export const DEFAULT_MAX_FRAME = 1 << 30;

/**
 * Splits a TCP byte stream into thin-protocol frames (`int32 length` + body).
 *
 * Chunks are kept in a list with a reading cursor into the first one: nothing is concatenated per
 * chunk. Every frame is copied out into its own Buffer before it is handed on, so no parser ever
 * aliases a socket buffer (the official Node client's IGNITE-14550 race). Partial frames wait for
 * more data; coalesced frames are all returned; a negative or oversized length throws ProtocolError
 * (the caller then destroys the socket: a stream with a bad length cannot be resynchronised).
 */
export class FrameDecoder {
  readonly #max: number;
  #chunks: Buffer[] = [];
  #head = 0; // read offset inside #chunks[0]
  #buffered = 0; // unread bytes across all chunks
  #need = -1; // body length of the frame being assembled, -1 when its length is not read yet

  constructor(maxFrameLength = DEFAULT_MAX_FRAME) {
    this.#max = maxFrameLength;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds a chunk and returns the frame bodies (without their length prefix) it completes. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (chunk.length === 0) return out;
    // Fast path: nothing pending and the chunk holds whole frames.
    if (this.#buffered === 0 && this.#need < 0) {
      let at = 0;
      const len = chunk.length;
      while (len - at >= 4) {
        const n = chunk.readInt32LE(at);
        this.#check(n);
        if (len - at - 4 < n) break;
        const frame = Buffer.allocUnsafe(n);
        chunk.copy(frame, 0, at + 4, at + 4 + n);
        out.push(frame);
        at += 4 + n;
      }
      if (at === len) return out;
      this.#chunks.push(at === 0 ? chunk : chunk.subarray(at));
      this.#head = 0;
      this.#buffered = len - at;
      this.#drain(out);
      return out;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#drain(out);
    return out;
  }

  /** Drops everything buffered (after the socket is gone). */
  reset(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#buffered = 0;
    this.#need = -1;
  }

  #check(n: number): void {
    if (n < 0 || n > this.#max) {
      throw new ProtocolError(`invalid frame length ${n} (maximum ${this.#max}); the stream is corrupt`, {
        code: 'ERR_PROTOCOL_FRAME_LENGTH',
      });
    }
  }

  #drain(out: Buffer[]): void {
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < 4) return;
        const n = this.#readLength();
        this.#check(n);
        this.#need = n;
      }
      if (this.#buffered < this.#need) return;
      out.push(this.#take(this.#need));
      this.#need = -1;
    }
  }

  #readLength(): number {
    const first = this.#chunks[0]!;
    if (first.length - this.#head >= 4) {
      const n = first.readInt32LE(this.#head);
      this.#advance(4);
      return n;
    }
    const bytes = this.#take(4);
    return bytes.readInt32LE(0);
  }

  /** Copies the next `n` buffered bytes into a fresh Buffer and consumes them. */
  #take(n: number): Buffer {
    const frame = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const avail = chunk.length - this.#head;
      const step = Math.min(avail, n - filled);
      chunk.copy(frame, filled, this.#head, this.#head + step);
      filled += step;
      this.#advance(step);
    }
    return frame;
  }

  #advance(n: number): void {
    this.#buffered -= n;
    this.#head += n;
    const first = this.#chunks[0];
    if (first && this.#head >= first.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
