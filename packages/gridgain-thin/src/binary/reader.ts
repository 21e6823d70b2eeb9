import { ProtocolError, UsageError } from '@dbwire/core';
import { TypeCode } from './type-codes.js';

export function truncated(what: string, need: number, have: number): ProtocolError {
  return new ProtocolError(`Truncated binary data: ${what} needs ${need} byte(s), ${have} left`, {
    code: 'ERR_PROTOCOL_TRUNCATED',
  });
}

export function malformed(message: string): ProtocolError {
  return new ProtocolError(`Malformed binary data: ${message}`, { code: 'ERR_PROTOCOL_MALFORMED' });
}

/**
 * A bounds-checked little-endian cursor over `buf[offset, end)`. Every read past `end` throws a
 * `ProtocolError` with code `ERR_PROTOCOL_TRUNCATED`.
 */
export class BinaryReader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;
  /** Start of the window: handles may not point before it. */
  readonly start: number;
  /** @internal true when `buf` belongs to the decoded values (complex objects may keep it). */
  privateBuffer = false;
  /** @internal complex objects created while reading the current top-level value. */
  objects: unknown[] | undefined = undefined;
  /** @internal positions of containers decoded during the current value (targets of handles). */
  handles: Map<number, unknown> | undefined = undefined;
  /** @internal nesting depth of the value being decoded. */
  depth = 0;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new UsageError(`Invalid reader window [${offset}, ${end}) over ${buf.length} bytes`);
    }
    this.buf = buf;
    this.offset = offset;
    this.start = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what = 'value'): void {
    if (n > this.end - this.offset || n < 0) throw truncated(what, n, this.end - this.offset);
  }

  /** Reads a little-endian Int8. */
  readInt8(): number {
    this.need(1, 'byte');
    return (this.buf[this.offset++]! << 24) >> 24;
  }

  /** Reads a little-endian UInt8. */
  readUInt8(): number {
    this.need(1, 'byte');
    return this.buf[this.offset++]!;
  }

  /** Reads a little-endian Int16. */
  readInt16(): number {
    this.need(2, 'short');
    const v = this.buf.readInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  /** Reads a little-endian UInt16. */
  readUInt16(): number {
    this.need(2, 'char');
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  /** Reads a little-endian Int32. */
  readInt32(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  /** Reads a little-endian Float32. */
  readFloat32(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatLE(this.offset);
    this.offset += 4;
    return v;
  }

  /** Reads a little-endian Float64. */
  readFloat64(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Reads a bool. */
  readBool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.offset++] !== 0;
  }

  /** Reads a little-endian Int64. */
  readInt64(): bigint {
    this.need(8, 'long');
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  /** A long as a number when it is a safe integer, else as a bigint (full precision either way). */
  readLong(): number | bigint {
    this.need(8, 'long');
    const lo = this.buf.readUInt32LE(this.offset);
    const hi = this.buf.readInt32LE(this.offset + 4);
    // |value| < 2^53 ⇔ hi in [-2^21, 2^21 - 1]; the extreme -2^53 is also safe only as a bigint boundary.
    if (hi >= -0x200000 && hi < 0x200000) {
      this.offset += 8;
      const v = hi * 0x100000000 + lo;
      if (Number.isSafeInteger(v)) return v;
      this.offset -= 8;
    }
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  /** A copy of the next `n` bytes. */
  readBytes(n: number): Buffer {
    this.need(n, 'bytes');
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n, 'bytes');
    this.offset += n;
  }

  /** A String object (`9, int len, UTF-8`) or null (`101`). */
  readUtf8String(): string | null {
    const code = this.readUInt8();
    if (code === TypeCode.NULL) return null;
    if (code !== TypeCode.STRING) {
      this.offset--;
      throw malformed(`expected a String (type code 9) or null (101), got type code ${code}`);
    }
    return this.readStringBody();
  }

  /** The body of a String object (after its type code). */
  readStringBody(): string {
    const n = this.readInt32();
    if (n < 0) throw malformed(`negative string length ${n}`);
    this.need(n, 'string');
    const buf = this.buf;
    const start = this.offset;
    if (n <= 32) {
      // Short ASCII strings: decode in JS, avoiding a native call.
      let out = '';
      let i = 0;
      for (; i < n; i++) {
        const b = buf[start + i]!;
        if (b >= 0x80) break;
        out += String.fromCharCode(b);
      }
      if (i === n) {
        this.offset += n;
        return out;
      }
    }
    const s = buf.toString('utf8', start, start + n);
    this.offset += n;
    return s;
  }
}
