/**
 * The growable buffer both batch queues encode into (JSON for REST, protobuf for gRPC): it starts
 * small, doubles when an object does not fit, and is reused from batch to batch unless one batch made
 * it unusually large.
 */
const INITIAL_BYTES = 64 * 1024;
const KEEP_BYTES = 16 * 1024 * 1024;

export class QueueBuffer {
  /** The bytes; replaced when it grows. */
  buf = Buffer.allocUnsafe(INITIAL_BYTES);

  /** Makes room for `extra` bytes after the first `used`, keeping those. */
  reserve(used: number, extra: number): Buffer {
    const needed = used + extra;
    if (needed > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, used);
      this.buf = grown;
    }
    return this.buf;
  }

  /** After a batch: a buffer grown beyond 16 MiB is dropped for a small one. */
  reset(): void {
    if (this.buf.length > KEEP_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }
}
