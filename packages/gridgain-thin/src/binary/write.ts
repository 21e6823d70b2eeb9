/** Writing values: a JS value (with an optional hint) to Ignite binary bytes. */
import { UsageError } from '@dbwire/core';
import {
  type BinaryContext,
  BinaryObject,
  type ComplexTypeDescriptor,
  descriptorOfHint,
  descriptorOfInstance,
  type TypeHint,
} from './complex.js';
import { binaryObjectHash } from './hash.js';
import { BinaryObjectHint, Hint, hintByCode } from './hints.js';
import {
  bad,
  checkInt,
  describe,
  inferHint,
  isHinted,
  isPlainObject,
  toChar,
  toDecimal,
  toEnum,
  toList,
  toLong,
  toMillis,
  toNumber,
  toUuid,
} from './infer.js';
import { MAX_DEPTH } from './limits.js';
import { CollectionKind, MapKind, OBJECT_HEADER_LENGTH, ObjectFlag, TypeCode } from './type-codes.js';
import { type Decimal, Time, Timestamp, type UUID } from './values.js';
import type { BinaryWriter } from './writer.js';

function writeDecimalBody(w: BinaryWriter, d: Decimal): void {
  w.writeInt32(d.scale);
  const neg = d.unscaled < 0n;
  const mag = neg ? -d.unscaled : d.unscaled;
  let hex = mag.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  // Java BigInteger.toByteArray of the magnitude: minimal big-endian bytes with room for a sign bit.
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  if (neg) bytes[0]! |= 0x80;
  w.writeInt32(bytes.length);
  w.writeBytes(bytes);
}

function writeUuidBody(w: BinaryWriter, u: UUID): void {
  w.writeInt64(u.mostSignificantBits);
  w.writeInt64(u.leastSignificantBits);
}

/** Writes a nullable element of an array of standard objects. */
function writeNullableElement(
  w: BinaryWriter,
  v: unknown,
  hint: Hint,
  ctx: BinaryContext,
  depth: number,
): void {
  if (v === null || v === undefined) w.writeUInt8(TypeCode.NULL);
  else writeAny(w, v, hint, ctx, depth);
}

const STRING = hintByCode.get(TypeCode.STRING)!;
const UUID_H = hintByCode.get(TypeCode.UUID)!;
const DATE_H = hintByCode.get(TypeCode.DATE)!;
const TIMESTAMP_H = hintByCode.get(TypeCode.TIMESTAMP)!;
const TIME_H = hintByCode.get(TypeCode.TIME)!;
const DECIMAL_H = hintByCode.get(TypeCode.DECIMAL)!;
const ENUM_H = hintByCode.get(TypeCode.ENUM)!;

function writeHinted(w: BinaryWriter, v: unknown, hint: Hint, ctx: BinaryContext, depth: number): void {
  const code = hint.code;
  if ((v === null || v === undefined) && code !== TypeCode.NULL) {
    // Every Ignite type is nullable on the wire (primitives as objects).
    w.writeUInt8(TypeCode.NULL);
    return;
  }
  switch (code) {
    case TypeCode.NULL:
      if (v !== null && v !== undefined) throw bad(hint, v, 'null');
      w.writeUInt8(TypeCode.NULL);
      return;
    case TypeCode.BYTE:
      w.writeUInt8(code);
      w.writeInt8(checkInt(hint, v, -128, 127));
      return;
    case TypeCode.SHORT:
      w.writeUInt8(code);
      w.writeInt16(checkInt(hint, v, -32768, 32767));
      return;
    case TypeCode.INT:
      w.writeUInt8(code);
      w.writeInt32(checkInt(hint, v, -2147483648, 2147483647));
      return;
    case TypeCode.LONG:
      w.writeUInt8(code);
      w.writeInt64(toLong(hint, v));
      return;
    case TypeCode.FLOAT:
      w.writeUInt8(code);
      w.writeFloat32(toNumber(hint, v));
      return;
    case TypeCode.DOUBLE:
      w.writeUInt8(code);
      w.writeFloat64(toNumber(hint, v));
      return;
    case TypeCode.CHAR:
      w.writeUInt8(code);
      w.writeUInt16(toChar(hint, v));
      return;
    case TypeCode.BOOL:
      if (typeof v !== 'boolean') throw bad(hint, v, 'a boolean');
      w.writeUInt8(code);
      w.writeBool(v);
      return;
    case TypeCode.STRING:
      if (typeof v !== 'string') throw bad(hint, v, 'a string');
      w.writeUtf8String(v);
      return;
    case TypeCode.UUID:
      w.writeUInt8(code);
      writeUuidBody(w, toUuid(hint, v));
      return;
    case TypeCode.DATE:
    case TypeCode.TIME:
      w.writeUInt8(code);
      w.writeInt64(v instanceof Time ? v.millis : toMillis(hint, v));
      return;
    case TypeCode.TIMESTAMP:
      w.writeUInt8(code);
      w.writeInt64(toMillis(hint, v));
      w.writeInt32(v instanceof Timestamp ? v.nanos : 0);
      return;
    case TypeCode.DECIMAL:
      w.writeUInt8(code);
      writeDecimalBody(w, toDecimal(hint, v));
      return;
    case TypeCode.ENUM:
    case TypeCode.BINARY_ENUM: {
      const e = toEnum(hint, v);
      if (e.typeId === 0)
        throw bad(hint, v, 'a registered enum type id (0 means "unregistered, class name follows")');
      w.writeUInt8(code);
      w.writeInt32(e.typeId);
      w.writeInt32(e.ordinal);
      return;
    }
    case TypeCode.BYTE_ARRAY: {
      w.writeUInt8(code);
      if (v instanceof Uint8Array) {
        w.writeInt32(v.length);
        w.writeBytes(v);
        return;
      }
      if (v instanceof Int8Array) {
        w.writeInt32(v.length);
        w.writeBytes(new Uint8Array(v.buffer, v.byteOffset, v.length));
        return;
      }
      const a = toList(hint, v);
      w.writeInt32(a.length);
      for (let i = 0; i < a.length; i++) w.writeInt8(checkInt(hint, a[i], -128, 255));
      return;
    }
    case TypeCode.SHORT_ARRAY:
    case TypeCode.INT_ARRAY:
    case TypeCode.LONG_ARRAY:
    case TypeCode.FLOAT_ARRAY:
    case TypeCode.DOUBLE_ARRAY:
    case TypeCode.CHAR_ARRAY:
    case TypeCode.BOOL_ARRAY: {
      const a = toList(hint, v);
      w.writeUInt8(code);
      w.writeInt32(a.length);
      const el = hintByCode.get(code - 11)!; // SHORT_ARRAY(13) → SHORT(2) … BOOL_ARRAY(19) → BOOL(8)
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        switch (code) {
          case TypeCode.SHORT_ARRAY:
            w.writeInt16(checkInt(el, x, -32768, 32767));
            break;
          case TypeCode.INT_ARRAY:
            w.writeInt32(checkInt(el, x, -2147483648, 2147483647));
            break;
          case TypeCode.LONG_ARRAY:
            w.writeInt64(toLong(el, x));
            break;
          case TypeCode.FLOAT_ARRAY:
            w.writeFloat32(toNumber(el, x));
            break;
          case TypeCode.DOUBLE_ARRAY:
            w.writeFloat64(toNumber(el, x));
            break;
          case TypeCode.CHAR_ARRAY:
            w.writeUInt16(toChar(el, x));
            break;
          default:
            if (typeof x !== 'boolean') throw bad(el, x, 'a boolean');
            w.writeBool(x);
        }
      }
      return;
    }
    case TypeCode.STRING_ARRAY:
    case TypeCode.UUID_ARRAY:
    case TypeCode.DATE_ARRAY:
    case TypeCode.TIMESTAMP_ARRAY:
    case TypeCode.TIME_ARRAY:
    case TypeCode.DECIMAL_ARRAY: {
      const a = toList(hint, v);
      const el =
        code === TypeCode.STRING_ARRAY
          ? STRING
          : code === TypeCode.UUID_ARRAY
            ? UUID_H
            : code === TypeCode.DATE_ARRAY
              ? DATE_H
              : code === TypeCode.TIMESTAMP_ARRAY
                ? TIMESTAMP_H
                : code === TypeCode.TIME_ARRAY
                  ? TIME_H
                  : DECIMAL_H;
      w.writeUInt8(code);
      w.writeInt32(a.length);
      for (let i = 0; i < a.length; i++) writeNullableElement(w, a[i], el, ctx, depth + 1);
      return;
    }
    case TypeCode.ENUM_ARRAY: {
      const a = toList(hint, v);
      let typeId = 0;
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (x !== null && x !== undefined) {
          typeId = toEnum(ENUM_H, x).typeId;
          break;
        }
      }
      w.writeUInt8(code);
      w.writeInt32(typeId === 0 ? -1 : typeId);
      w.writeInt32(a.length);
      for (let i = 0; i < a.length; i++) writeNullableElement(w, a[i], ENUM_H, ctx, depth + 1);
      return;
    }
    case TypeCode.OBJECT_ARRAY: {
      const a = toList(hint, v);
      w.writeUInt8(code);
      w.writeInt32(-1); // component type java.lang.Object
      w.writeInt32(a.length);
      for (let i = 0; i < a.length; i++) writeAny(w, a[i], undefined, ctx, depth + 1);
      return;
    }
    case TypeCode.COLLECTION: {
      let kind: number = CollectionKind.ARRAY_LIST;
      let a: ArrayLike<unknown>;
      if (v instanceof Set) {
        kind = CollectionKind.HASH_SET;
        a = [...v];
      } else a = toList(hint, v);
      w.writeUInt8(code);
      w.writeInt32(a.length);
      w.writeInt8(kind);
      for (let i = 0; i < a.length; i++) writeAny(w, a[i], undefined, ctx, depth + 1);
      return;
    }
    case TypeCode.MAP: {
      if (v instanceof Map) {
        w.writeUInt8(code);
        w.writeInt32(v.size);
        w.writeInt8(MapKind.HASH_MAP);
        for (const [k, x] of v) {
          writeAny(w, k, undefined, ctx, depth + 1);
          writeAny(w, x, undefined, ctx, depth + 1);
        }
        return;
      }
      if (typeof v !== 'object' || Array.isArray(v) || !isPlainObject(v as object)) {
        throw bad(hint, v, 'a Map or a plain object');
      }
      const keys = Object.keys(v as object);
      w.writeUInt8(code);
      w.writeInt32(keys.length);
      w.writeInt8(MapKind.HASH_MAP);
      for (const k of keys) {
        w.writeUtf8String(k);
        writeAny(w, (v as Record<string, unknown>)[k], undefined, ctx, depth + 1);
      }
      return;
    }
    case TypeCode.COMPLEX_OBJECT: {
      if (v instanceof BinaryObject) {
        writeBinaryObjectCopy(w, v);
        return;
      }
      const desc = typeof v === 'object' ? descriptorOfInstance(v as object) : undefined;
      if (!desc) throw bad(hint, v, 'an instance of a type made by defineType, or a BinaryObject');
      writeComplex(w, v as Record<string, unknown>, desc, ctx, depth);
      return;
    }
    default:
      throw new UsageError(`Type hint ${hint.name} cannot be written`);
  }
}

function writeBinaryObjectCopy(w: BinaryWriter, o: BinaryObject): void {
  w.writeBytes(o.buf.subarray(o.start, o.start + o.length));
}

function writeComplex(
  w: BinaryWriter,
  v: Record<string, unknown>,
  desc: ComplexTypeDescriptor,
  ctx: BinaryContext,
  depth: number,
): void {
  const start = w.pos;
  if (w.handles === undefined) w.handles = new Map();
  else {
    const at = w.handles.get(v);
    if (at !== undefined) {
      w.writeUInt8(TypeCode.HANDLE);
      w.writeInt32(start - at);
      return;
    }
  }
  w.handles.set(v, start);
  w.ensure(OBJECT_HEADER_LENGTH);
  w.pos += OBJECT_HEADER_LENGTH;
  const n = desc.names.length;
  const offsets: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    offsets[i] = w.pos - start;
    const hint = desc.hints[i];
    writeAny(w, v[desc.names[i]!], hint, ctx, depth + 1);
  }
  const dataEnd = w.pos;
  let flags: number = ObjectFlag.USER_TYPE | ObjectFlag.COMPACT_FOOTER;
  let schemaId = 0;
  let schemaOffset = 0;
  if (n > 0) {
    flags |= ObjectFlag.HAS_SCHEMA;
    schemaId = desc.schemaId;
    schemaOffset = dataEnd - start;
    const last = offsets[n - 1]!;
    if (last < 0x100) {
      flags |= ObjectFlag.OFFSET_ONE_BYTE;
      for (let i = 0; i < n; i++) w.writeUInt8(offsets[i]!);
    } else if (last < 0x10000) {
      flags |= ObjectFlag.OFFSET_TWO_BYTES;
      for (let i = 0; i < n; i++) w.writeUInt16(offsets[i]!);
    } else {
      for (let i = 0; i < n; i++) w.writeInt32(offsets[i]!);
    }
  }
  const buf = w.buf;
  buf[start] = TypeCode.COMPLEX_OBJECT;
  buf[start + 1] = 1;
  buf.writeUInt16LE(flags, start + 2);
  buf.writeInt32LE(desc.typeId, start + 4);
  buf.writeInt32LE(binaryObjectHash(buf, start + OBJECT_HEADER_LENGTH, dataEnd), start + 8);
  buf.writeInt32LE(w.pos - start, start + 12);
  buf.writeInt32LE(schemaId, start + 16);
  buf.writeInt32LE(schemaOffset, start + 20);
}

function writeAny(
  w: BinaryWriter,
  v: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
  depth: number,
): void {
  if (depth > MAX_DEPTH) {
    throw new UsageError(
      `Value nested deeper than ${MAX_DEPTH} levels (a cycle through arrays, maps or plain objects?)`,
    );
  }
  if (hint === undefined && Array.isArray(v) && isHinted(v)) {
    hint = v[1];
    v = v[0];
  }
  if (hint === undefined) {
    const h = inferHint(v);
    if (h instanceof Hint) writeHinted(w, v, h, ctx, depth);
    else writeComplex(w, v as Record<string, unknown>, h, ctx, depth);
    return;
  }
  if (hint instanceof Hint) {
    writeHinted(w, v, hint, ctx, depth);
    return;
  }
  if (hint === BinaryObject) {
    writeHinted(w, v, BinaryObjectHint, ctx, depth);
    return;
  }
  const desc = descriptorOfHint(hint)!;
  if (v === null || v === undefined) {
    w.writeUInt8(TypeCode.NULL);
    return;
  }
  if (v instanceof BinaryObject) {
    writeBinaryObjectCopy(w, v);
    return;
  }
  if (typeof v !== 'object')
    throw new UsageError(`Cannot write ${describe(v)} as ${desc.typeName}: expected an object`);
  const own = descriptorOfInstance(v);
  if (own && own !== desc && own.typeId !== desc.typeId) {
    throw new UsageError(`Cannot write a ${own.typeName} as ${desc.typeName}`);
  }
  writeComplex(w, v as Record<string, unknown>, own ?? desc, ctx, depth);
}

/**
 * Writes `value` as an Ignite binary value: with `hint` when given (or the 2-tuple `[value, hint]`),
 * else by pygridgain's defaults (integer → LongObject, fraction → DoubleObject, string → String, …).
 * Complex types must have been registered first (`prepareValue`). Bad input throws a `UsageError`.
 */
export function writeValue(
  w: BinaryWriter,
  value: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
): void {
  const outer = w.handles;
  w.handles = undefined;
  const start = w.pos;
  try {
    writeAny(w, value, hint, ctx, 0);
  } catch (e) {
    w.pos = start;
    throw e;
  } finally {
    w.handles = outer;
  }
}
