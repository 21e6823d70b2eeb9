/** Reading values: Ignite binary bytes to JS values (complex objects stay `BinaryObject`s). */
import { ProtocolError } from '@dbwire/core';
import { type BinaryContext, BinaryObject } from './complex.js';
import { MAX_DEPTH } from './limits.js';
import { BinaryReader, malformed } from './reader.js';
import { CollectionKind, OBJECT_HEADER_LENGTH, ObjectFlag, TypeCode } from './type-codes.js';
import { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';

function readCount(r: BinaryReader, elemSize: number, what: string): number {
  const n = r.readInt32();
  if (n < 0) throw malformed(`negative ${what} length ${n}`);
  if (n * elemSize > r.remaining) {
    throw new ProtocolError(
      `Truncated binary data: ${what} of ${n} element(s) needs more than the ${r.remaining} byte(s) left`,
      {
        code: 'ERR_PROTOCOL_TRUNCATED',
      },
    );
  }
  return n;
}

/** Reads an enum array's or object array's component type: int type id, and a class name when 0. */
function readComponentType(r: BinaryReader): void {
  const typeId = r.readInt32();
  if (typeId === 0) r.readUtf8String();
}

function readDecimalBody(r: BinaryReader): Decimal {
  const scale = r.readInt32();
  const n = readCount(r, 1, 'decimal');
  let u = 0n;
  let neg = false;
  if (n > 0) {
    const buf = r.buf;
    const first = buf[r.offset]!;
    neg = (first & 0x80) !== 0;
    const hex = buf.toString('hex', r.offset, r.offset + n);
    u = BigInt(`0x${((first & 0x7f) >>> 0).toString(16).padStart(2, '0')}${hex.slice(2)}`);
    r.offset += n;
  }
  return new Decimal(neg ? -u : u, scale);
}

function registerHandle(r: BinaryReader, pos: number, v: unknown): void {
  if (r.handles === undefined) r.handles = new Map();
  r.handles.set(pos, v);
}

function readObjectHeader(r: BinaryReader, start: number): BinaryObject {
  r.need(OBJECT_HEADER_LENGTH - 1, 'object header');
  const buf = r.buf;
  const version = buf[start + 1]!;
  if (version !== 1) throw malformed(`unsupported binary object version ${version}`);
  const flags = buf.readUInt16LE(start + 2);
  const typeId = buf.readInt32LE(start + 4);
  const hash = buf.readInt32LE(start + 8);
  const length = buf.readInt32LE(start + 12);
  const schemaId = buf.readInt32LE(start + 16);
  const schemaOffset = buf.readInt32LE(start + 20);
  if (length < OBJECT_HEADER_LENGTH || length > r.end - start) {
    throw length < OBJECT_HEADER_LENGTH
      ? malformed(`binary object length ${length} is shorter than its header`)
      : new ProtocolError(`Truncated binary data: binary object of ${length} bytes, ${r.end - start} left`, {
          code: 'ERR_PROTOCOL_TRUNCATED',
        });
  }
  let dataOffset = OBJECT_HEADER_LENGTH;
  let className: string | null = null;
  if (typeId === 0) {
    const sub = new BinaryReader(buf, start + OBJECT_HEADER_LENGTH, start + length);
    className = sub.readUtf8String();
    dataOffset = sub.offset - start;
  }
  if (flags & ObjectFlag.HAS_SCHEMA && (schemaOffset < dataOffset || schemaOffset > length)) {
    throw malformed(`binary object schema offset ${schemaOffset} outside [${dataOffset}, ${length}]`);
  }
  r.offset = start + length;
  return new BinaryObject(
    buf,
    start,
    flags,
    typeId,
    hash,
    length,
    schemaId,
    schemaOffset,
    dataOffset,
    className,
  );
}

export function readAny(r: BinaryReader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw malformed(`value nested deeper than ${MAX_DEPTH} levels`);
  const pos = r.offset;
  const code = r.readUInt8();
  switch (code) {
    case TypeCode.NULL:
      return null;
    case TypeCode.BYTE:
      return r.readInt8();
    case TypeCode.SHORT:
      return r.readInt16();
    case TypeCode.INT:
      return r.readInt32();
    case TypeCode.LONG:
      return r.readLong();
    case TypeCode.FLOAT:
      return r.readFloat32();
    case TypeCode.DOUBLE:
      return r.readFloat64();
    case TypeCode.CHAR:
      return String.fromCharCode(r.readUInt16());
    case TypeCode.BOOL:
      return r.readBool();
    case TypeCode.STRING:
      return r.readStringBody();
    case TypeCode.UUID: {
      const msb = r.readInt64();
      return UUID.fromBits(msb, r.readInt64());
    }
    case TypeCode.DATE:
      return new Date(Number(r.readInt64()));
    case TypeCode.TIMESTAMP: {
      const ms = Number(r.readInt64());
      const nanos = r.readInt32();
      if (nanos < 0 || nanos > 999_999) throw malformed(`timestamp nanos ${nanos} outside 0..999999`);
      return new Timestamp(ms, nanos);
    }
    case TypeCode.TIME: {
      const ms = r.readLong();
      if (typeof ms === 'bigint') throw malformed(`time ${ms} ms is out of range`);
      return new Time(ms);
    }
    case TypeCode.DECIMAL:
      return readDecimalBody(r);
    case TypeCode.ENUM:
    case TypeCode.BINARY_ENUM: {
      const typeId = r.readInt32();
      if (typeId === 0) r.readUtf8String();
      return new EnumValue(typeId, r.readInt32());
    }
    case TypeCode.BYTE_ARRAY:
      return r.readBytes(readCount(r, 1, 'byte array'));
    case TypeCode.SHORT_ARRAY: {
      const n = readCount(r, 2, 'short array');
      const out: number[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readInt16();
      return out;
    }
    case TypeCode.INT_ARRAY: {
      const n = readCount(r, 4, 'int array');
      const out: number[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readInt32();
      return out;
    }
    case TypeCode.LONG_ARRAY: {
      const n = readCount(r, 8, 'long array');
      const out: (number | bigint)[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readLong();
      return out;
    }
    case TypeCode.FLOAT_ARRAY: {
      const n = readCount(r, 4, 'float array');
      const out: number[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readFloat32();
      return out;
    }
    case TypeCode.DOUBLE_ARRAY: {
      const n = readCount(r, 8, 'double array');
      const out: number[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readFloat64();
      return out;
    }
    case TypeCode.CHAR_ARRAY: {
      const n = readCount(r, 2, 'char array');
      const out: string[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = String.fromCharCode(r.readUInt16());
      return out;
    }
    case TypeCode.BOOL_ARRAY: {
      const n = readCount(r, 1, 'bool array');
      const out: boolean[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.readBool();
      return out;
    }
    case TypeCode.STRING_ARRAY:
    case TypeCode.UUID_ARRAY:
    case TypeCode.DATE_ARRAY:
    case TypeCode.TIMESTAMP_ARRAY:
    case TypeCode.TIME_ARRAY:
    case TypeCode.DECIMAL_ARRAY: {
      const expected =
        code === TypeCode.STRING_ARRAY
          ? TypeCode.STRING
          : code === TypeCode.UUID_ARRAY
            ? TypeCode.UUID
            : code === TypeCode.DATE_ARRAY
              ? TypeCode.DATE
              : code === TypeCode.TIMESTAMP_ARRAY
                ? TypeCode.TIMESTAMP
                : code === TypeCode.TIME_ARRAY
                  ? TypeCode.TIME
                  : TypeCode.DECIMAL;
      const n = readCount(r, 1, 'array');
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const c = r.buf[r.offset];
        if (c !== TypeCode.NULL && c !== expected) {
          throw malformed(`element ${i} of an array of type code ${code} has type code ${c ?? 'none'}`);
        }
        out[i] = readAny(r, depth + 1);
      }
      return out;
    }
    case TypeCode.ENUM_ARRAY: {
      readComponentType(r);
      const n = readCount(r, 1, 'enum array');
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const c = r.buf[r.offset];
        if (c !== TypeCode.NULL && c !== TypeCode.ENUM && c !== TypeCode.BINARY_ENUM) {
          throw malformed(`element ${i} of an enum array has type code ${c ?? 'none'}`);
        }
        out[i] = readAny(r, depth + 1);
      }
      return out;
    }
    case TypeCode.OBJECT_ARRAY: {
      readComponentType(r);
      const n = readCount(r, 1, 'object array');
      const out: unknown[] = new Array(n);
      registerHandle(r, pos, out);
      for (let i = 0; i < n; i++) out[i] = readAny(r, depth + 1);
      return out;
    }
    case TypeCode.COLLECTION: {
      const n = readCount(r, 1, 'collection');
      const kind = r.readInt8();
      if (
        kind === CollectionKind.HASH_SET ||
        kind === CollectionKind.LINKED_HASH_SET ||
        kind === CollectionKind.USER_SET
      ) {
        const out = new Set<unknown>();
        registerHandle(r, pos, out);
        for (let i = 0; i < n; i++) out.add(readAny(r, depth + 1));
        return out;
      }
      const out: unknown[] = new Array(n);
      registerHandle(r, pos, out);
      for (let i = 0; i < n; i++) out[i] = readAny(r, depth + 1);
      return out;
    }
    case TypeCode.MAP: {
      const n = readCount(r, 2, 'map');
      r.readInt8(); // map kind: HashMap / LinkedHashMap, both read as an insertion-ordered Map
      const out = new Map<unknown, unknown>();
      registerHandle(r, pos, out);
      for (let i = 0; i < n; i++) {
        const k = readAny(r, depth + 1);
        out.set(k, readAny(r, depth + 1));
      }
      return out;
    }
    case TypeCode.HANDLE: {
      const off = r.readInt32();
      const target = pos - off;
      if (off <= 0 || target < r.start)
        throw malformed(`handle offset ${off} at ${pos} points outside the value`);
      const known = r.handles?.get(target);
      if (known !== undefined) return known;
      const back = r.offset;
      r.offset = target;
      try {
        return readAny(r, depth + 1);
      } finally {
        r.offset = back;
      }
    }
    case TypeCode.COMPLEX_OBJECT: {
      const known = r.handles?.get(pos);
      if (known !== undefined) {
        r.offset = pos + (known as BinaryObject).length;
        return known;
      }
      const o = readObjectHeader(r, pos);
      registerHandle(r, pos, o);
      if (!r.privateBuffer) {
        if (r.objects === undefined) r.objects = [];
        r.objects.push(o);
      }
      return o;
    }
    case TypeCode.WRAPPED: {
      const n = readCount(r, 1, 'wrapped object');
      const bytes = r.readBytes(n);
      const off = r.readInt32();
      if (off < 0 || off >= n) throw malformed(`wrapped object offset ${off} outside its ${n} bytes`);
      const sub = new BinaryReader(bytes, 0, n);
      sub.privateBuffer = true;
      sub.offset = off;
      return readAny(sub, depth + 1);
    }
    case TypeCode.OPTIMIZED:
      throw new ProtocolError(
        'Java optimized-marshaller data (type code -2) cannot be read by a thin client',
        {
          code: 'ERR_PROTOCOL_UNSUPPORTED',
        },
      );
    default:
      throw new ProtocolError(`Unknown binary type code ${code} at offset ${pos}`, {
        code: 'ERR_PROTOCOL_MALFORMED',
      });
  }
}

/**
 * Reads one binary value. Complex objects come back as `BinaryObject`s (with their own copy of the
 * bytes); `resolveValue` turns them into instances. Malformed input throws a `ProtocolError`.
 */
export function readValue(r: BinaryReader, _ctx?: BinaryContext): unknown {
  const start = r.offset;
  r.handles = undefined;
  r.objects = undefined;
  let v: unknown;
  try {
    v = readAny(r, 0);
  } finally {
    r.handles = undefined;
  }
  const objects = r.objects as BinaryObject[] | undefined;
  if (objects !== undefined) {
    r.objects = undefined;
    // Complex objects keep a private copy of this value's bytes (handles never cross a top-level value).
    const copy = Buffer.from(r.buf.subarray(start, r.offset));
    for (const o of objects) {
      o.buf = copy;
      o.start -= start;
    }
  }
  return v;
}
