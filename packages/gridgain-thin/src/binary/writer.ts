import { UsageError } from '@dbwire/core';
import { TypeCode } from './type-codes.js';

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const TWO_63 = 2 ** 63;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string Java receives for `s`: Java's `String.getBytes(UTF_8)` encodes an unpaired surrogate as '?'
 * (Node would write U+FFFD), so such strings are mapped the same way. Well-formed strings are returned as is.
 * @internal
 */
export function javaEncodable(s: string): string {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed() ? s : s.replace(LONE_SURROGATE, '?');
}

/**
 * A growable little-endian output buffer. It doubles its capacity when full and is reusable through
 * `reset()`, so a connection can keep one writer for all of its requests.
 */
export class BinaryWriter {
  /** @internal the backing buffer; valid bytes are `[0, length)`. */
  buf: Buffer;
  /** @internal */
  pos = 0;
  /** @internal identity → position of objects already written in the current top-level value (handles). */
  handles: Map<object, number> | undefined = undefined;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize | 0));
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Writes a little-endian Int8. */
  writeInt8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** Writes a little-endian UInt8. */
  writeUInt8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** Writes a little-endian Int16. */
  writeInt16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16LE((v << 16) >> 16, this.pos);
    this.pos += 2;
  }

  /** Writes a little-endian UInt16. */
  writeUInt16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  /** Writes a little-endian Int32. */
  writeInt32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v | 0, this.pos);
    this.pos += 4;
  }

  /** Writes a little-endian Float32. */
  writeFloat32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  /** Writes a little-endian Float64. */
  writeFloat64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Writes a bool. */
  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /** A signed 64-bit integer; numbers must be safe integers, bigints must fit in int64. */
  writeInt64(v: bigint | number): void {
    this.ensure(8);
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < -TWO_63 || v >= TWO_63) {
        throw new UsageError(`${v} is not an integer in the signed 64-bit range`);
      }
      // Split without BigInt: low 32 bits and the (floored) high word.
      const lo = v % 0x100000000;
      const hi = Math.floor(v / 0x100000000);
      this.buf.writeUInt32LE(lo < 0 ? lo + 0x100000000 : lo, this.pos);
      this.buf.writeInt32LE(hi | 0, this.pos + 4);
    } else {
      if (v > MAX_INT64 || v < MIN_INT64)
        throw new UsageError(`${v} does not fit in a signed 64-bit integer`);
      this.buf.writeBigInt64LE(v, this.pos);
    }
    this.pos += 8;
  }

  /** Writes a bytes. */
  writeBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A String object: type code 9, int UTF-8 byte length, the UTF-8 bytes. */
  writeUtf8String(s: string): void {
    const len = s.length;
    if (len <= 64) {
      // Short ASCII strings (most keys): copy the units directly, no native call.
      this.ensure(5 + len);
      const buf = this.buf;
      const p = this.pos + 5;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p + i] = c;
      }
      if (i === len) {
        buf[this.pos] = TypeCode.STRING;
        buf.writeInt32LE(len, this.pos + 1);
        this.pos = p + len;
        return;
      }
    }
    // Java's String.getBytes(UTF_8) writes '?' for an unpaired surrogate (Node would write U+FFFD):
    // match it so such keys stay byte-identical to the ones Java clients write.
    s = javaEncodable(s);
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(5 + n);
    const buf = this.buf;
    buf[this.pos] = TypeCode.STRING;
    buf.writeInt32LE(n, this.pos + 1);
    this.pos += 5;
    if (n > 0) this.pos += buf.write(s, this.pos, n, 'utf8');
  }

  /** Reserves 4 bytes (e.g. a frame length) and returns their position for `patchInt32`. */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  /** Overwrites the int32 at `at` (a length reserved earlier). */
  patchInt32(at: number, v: number): void {
    this.buf.writeInt32LE(v | 0, at);
  }

  /** A copy of the bytes written so far (safe to keep after `reset()`). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** A view of the bytes written so far: valid only until the next write or `reset()`. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Empties the writer, keeping its capacity. */
  reset(): void {
    this.pos = 0;
    this.handles = undefined;
  }
}
