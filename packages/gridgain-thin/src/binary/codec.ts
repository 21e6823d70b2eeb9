import { ProtocolError, UsageError } from '@dbwire/core';
import {
  type BinaryContext,
  BinaryObject,
  type BinaryTypeMeta,
  type BinaryTypeRegistry,
  type ComplexTypeDescriptor,
  DESCRIPTOR,
  definedEnums,
  definedTypes,
  descriptorOfHint,
  descriptorOfInstance,
  type EnumType,
  isTypeHint,
  makeType,
  type TypeHint,
} from './complex.js';
import {
  binaryObjectHash,
  javaDoubleHashCode,
  javaFloatHashCode,
  javaLongHashCode,
  javaStringHashCode,
} from './hash.js';
import { BinaryObjectHint, Hint, hintByCode } from './hints.js';
import { BinaryReader, malformed } from './reader.js';
import { MemoryTypeRegistry } from './registry.js';
import { CollectionKind, MapKind, OBJECT_HEADER_LENGTH, ObjectFlag, TypeCode } from './type-codes.js';
import { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';
import { BinaryWriter, javaEncodable } from './writer.js';

/** Nesting limit for values written and read (guards against cycles in plain containers and hostile input). */
export const MAX_DEPTH = 128;

const TWO_63 = 2 ** 63;
const MIN_LONG = -(1n << 63n);
const MAX_LONG = (1n << 63n) - 1n;

// ---------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'null-prototype object'}`;
  if (typeof v === 'function') return 'a function';
  return String(v);
}

function bad(hint: Hint, v: unknown, expected: string): UsageError {
  return new UsageError(`Cannot write ${describe(v)} as ${hint.name}: expected ${expected}`);
}

/** True for the pygridgain 2-tuple form `[value, hint]`. */
function isHinted(v: unknown): v is [unknown, TypeHint] {
  return Array.isArray(v) && v.length === 2 && isTypeHint(v[1]);
}

function isPlainObject(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** Element class used to infer typed arrays from JS arrays. */
enum El {
  None = 0,
  Int = 1,
  Double = 2,
  BigInt = 3,
  String = 4,
  Bool = 5,
  Uuid = 6,
  Date = 7,
  Timestamp = 8,
  Time = 9,
  Decimal = 10,
  Other = 11,
}

function classify(v: unknown): El {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && Math.abs(v as number) < TWO_63 ? El.Int : El.Double;
    case 'bigint':
      return El.BigInt;
    case 'string':
      return El.String;
    case 'boolean':
      return El.Bool;
    case 'object':
      if (v instanceof Timestamp) return El.Timestamp;
      if (v instanceof Date) return El.Date;
      if (v instanceof UUID) return El.Uuid;
      if (v instanceof Decimal) return El.Decimal;
      if (v instanceof Time) return El.Time;
      return El.Other;
    default:
      return El.Other;
  }
}

const NULLABLE_ARRAY_HINT: Partial<Record<El, Hint>> = {
  [El.String]: hintByCode.get(TypeCode.STRING_ARRAY)!,
  [El.Uuid]: hintByCode.get(TypeCode.UUID_ARRAY)!,
  [El.Date]: hintByCode.get(TypeCode.DATE_ARRAY)!,
  [El.Timestamp]: hintByCode.get(TypeCode.TIMESTAMP_ARRAY)!,
  [El.Time]: hintByCode.get(TypeCode.TIME_ARRAY)!,
  [El.Decimal]: hintByCode.get(TypeCode.DECIMAL_ARRAY)!,
};

/** pygridgain's default for a list: a typed array when homogeneous, else an object array. */
function inferArrayHint(a: readonly unknown[]): Hint {
  let kind = El.None;
  let hasNull = false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === null || v === undefined) {
      hasNull = true;
      continue;
    }
    let k = classify(v);
    if (k === El.Other) return OBJECT_ARRAY;
    if (kind === El.None) kind = k;
    else if (k !== kind) {
      // ints mix with doubles (→ double[]) and with bigints (→ long[]).
      if ((k === El.Int && kind === El.Double) || (k === El.Double && kind === El.Int)) k = El.Double;
      else if ((k === El.Int && kind === El.BigInt) || (k === El.BigInt && kind === El.Int)) k = El.BigInt;
      else return OBJECT_ARRAY;
      kind = k;
    }
  }
  if (kind === El.None) return OBJECT_ARRAY;
  const nullable = NULLABLE_ARRAY_HINT[kind];
  if (nullable) return nullable;
  if (hasNull) return OBJECT_ARRAY;
  if (kind === El.Int || kind === El.BigInt) return hintByCode.get(TypeCode.LONG_ARRAY)!;
  if (kind === El.Double) return hintByCode.get(TypeCode.DOUBLE_ARRAY)!;
  return hintByCode.get(TypeCode.BOOL_ARRAY)!;
}

const OBJECT_ARRAY = hintByCode.get(TypeCode.OBJECT_ARRAY)!;
const LONG_HINT = hintByCode.get(TypeCode.LONG)!;
const DOUBLE_HINT = hintByCode.get(TypeCode.DOUBLE)!;
const STRING_HINT = hintByCode.get(TypeCode.STRING)!;
const BOOL_HINT = hintByCode.get(TypeCode.BOOL)!;
const NULL_HINT = hintByCode.get(TypeCode.NULL)!;
const MAP = hintByCode.get(TypeCode.MAP)!;
const COLLECTION = hintByCode.get(TypeCode.COLLECTION)!;

/** The default hint of a JS value (pygridgain's `AnyDataObject.map_python_type`). */
function inferHint(v: unknown): Hint | ComplexTypeDescriptor {
  switch (typeof v) {
    case 'number':
      // Integers → LongObject (pygridgain); fractions, NaN, ±Infinity and |v| ≥ 2^63 → DoubleObject.
      return Number.isInteger(v) && Math.abs(v) < TWO_63 ? LONG_HINT : DOUBLE_HINT;
    case 'string':
      return STRING_HINT;
    case 'boolean':
      return BOOL_HINT;
    case 'bigint':
      return LONG_HINT;
    case 'undefined':
      return NULL_HINT;
    case 'object': {
      if (v === null) return NULL_HINT;
      if (Array.isArray(v)) return inferArrayHint(v);
      const desc = descriptorOfInstance(v);
      if (desc) return desc;
      if (v instanceof BinaryObject) return BinaryObjectHint;
      if (v instanceof Timestamp) return hintByCode.get(TypeCode.TIMESTAMP)!;
      if (v instanceof Date) return hintByCode.get(TypeCode.DATE)!;
      if (v instanceof UUID) return hintByCode.get(TypeCode.UUID)!;
      if (v instanceof Decimal) return hintByCode.get(TypeCode.DECIMAL)!;
      if (v instanceof Time) return hintByCode.get(TypeCode.TIME)!;
      if (v instanceof EnumValue) return hintByCode.get(TypeCode.ENUM)!;
      if (v instanceof Uint8Array || v instanceof Int8Array) return hintByCode.get(TypeCode.BYTE_ARRAY)!;
      if (v instanceof Int16Array) return hintByCode.get(TypeCode.SHORT_ARRAY)!;
      if (v instanceof Int32Array) return hintByCode.get(TypeCode.INT_ARRAY)!;
      if (v instanceof BigInt64Array) return hintByCode.get(TypeCode.LONG_ARRAY)!;
      if (v instanceof Float32Array) return hintByCode.get(TypeCode.FLOAT_ARRAY)!;
      if (v instanceof Float64Array) return hintByCode.get(TypeCode.DOUBLE_ARRAY)!;
      if (v instanceof Set) return COLLECTION;
      if (v instanceof Map || isPlainObject(v)) return MAP;
      break;
    }
  }
  throw new UsageError(`Cannot infer an Ignite type for ${describe(v)}: pass a type hint`);
}

function checkInt(hint: Hint, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(hint, v, `an integer in ${min}..${max}`);
  }
  return v;
}

function toLong(hint: Hint, v: unknown): bigint | number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -TWO_63 && v < TWO_63) return v;
  } else if (typeof v === 'bigint') {
    if (v >= MIN_LONG && v <= MAX_LONG) return v;
  } else if (v instanceof Date) {
    return v.getTime();
  }
  throw bad(hint, v, 'an integer (number or bigint) in the signed 64-bit range');
}

function toNumber(hint: Hint, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  throw bad(hint, v, 'a number');
}

function toChar(hint: Hint, v: unknown): number {
  if (typeof v === 'string' && v.length === 1) return v.charCodeAt(0);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  throw bad(hint, v, 'a one-character string (one UTF-16 unit)');
}

function toUuid(hint: Hint, v: unknown): UUID {
  if (v instanceof UUID) return v;
  if (typeof v === 'string') return new UUID(v);
  throw bad(hint, v, 'a UUID or a UUID string');
}

function toMillis(hint: Hint, v: unknown): number {
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) throw bad(hint, v, 'a valid Date');
    return t;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw bad(hint, v, 'a Date or integer milliseconds');
}

function toDecimal(hint: Hint, v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return new Decimal(v);
  throw bad(hint, v, 'a Decimal, a decimal string, a number or a bigint');
}

function toEnum(hint: Hint, v: unknown): EnumValue {
  if (v instanceof EnumValue) return v;
  if (v !== null && typeof v === 'object' && 'typeId' in v && 'ordinal' in v) {
    return new EnumValue((v as EnumValue).typeId, (v as EnumValue).ordinal);
  }
  throw bad(hint, v, 'an EnumValue { typeId, ordinal }');
}

function toList(hint: Hint, v: unknown): ArrayLike<unknown> {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v as unknown as ArrayLike<unknown>;
  if (v instanceof Set) return [...v];
  throw bad(hint, v, 'an array');
}

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

// ---------------------------------------------------------------------------------------------------
// Type registration
// ---------------------------------------------------------------------------------------------------

function registered(reg: BinaryTypeRegistry, desc: ComplexTypeDescriptor): boolean {
  const meta = reg.get(desc.typeId);
  if (!meta) return false;
  if (desc.names.length === 0) return true;
  for (const s of meta.schemas) if (s.schemaId === desc.schemaId) return true;
  return false;
}

function collectTypes(
  v: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
  out: Map<string, ComplexTypeDescriptor | EnumType>,
  seen: Set<object>,
  depth: number,
): void {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
  if (hint === undefined && Array.isArray(v) && isHinted(v)) {
    collectTypes(v[0], v[1], ctx, out, seen, depth + 1);
    return;
  }
  if (v instanceof EnumValue) {
    const e = definedEnums.get(v.typeId);
    if (e && !ctx.registry.get(v.typeId)) out.set(`${v.typeId}:enum`, e);
    return;
  }
  if (seen.has(v)) return;
  seen.add(v);
  const desc = descriptorOfInstance(v) ?? (hint ? descriptorOfHint(hint) : undefined);
  if (desc && !(v instanceof BinaryObject)) {
    if (!registered(ctx.registry, desc)) out.set(`${desc.typeId}:${desc.schemaId}`, desc);
    const rec = v as Record<string, unknown>;
    for (let i = 0; i < desc.names.length; i++) {
      collectTypes(rec[desc.names[i]!], desc.hints[i], ctx, out, seen, depth + 1);
    }
    return;
  }
  if (Array.isArray(v) || v instanceof Set) {
    for (const x of v) collectTypes(x, undefined, ctx, out, seen, depth + 1);
  } else if (v instanceof Map) {
    for (const [k, x] of v) {
      collectTypes(k, undefined, ctx, out, seen, depth + 1);
      collectTypes(x, undefined, ctx, out, seen, depth + 1);
    }
  } else if (isPlainObject(v)) {
    for (const k of Object.keys(v))
      collectTypes((v as Record<string, unknown>)[k], undefined, ctx, out, seen, depth + 1);
  }
}

/** The metadata to register for a type, merged with what the registry already knows of it. */
function metaToPut(reg: BinaryTypeRegistry, desc: ComplexTypeDescriptor): BinaryTypeMeta {
  const known = reg.get(desc.typeId);
  if (!known) return desc.meta;
  const fields = [...known.fields];
  const have = new Set(fields.map((f) => f.fieldId));
  for (const f of desc.meta.fields) if (!have.has(f.fieldId)) fields.push(f);
  return { ...known, fields, schemas: [...known.schemas, ...desc.meta.schemas] };
}

/**
 * Registers the complex types inside `value` with the server (PUT_BINARY_TYPE) before it is written.
 * Returns undefined when there is nothing to do (primitives, known types), so simple calls cost no Promise.
 */
export function prepareValue(
  value: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
): Promise<void> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (
    (hint === undefined || hint instanceof Hint) &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !(value instanceof EnumValue) &&
    !isPlainObject(value) &&
    descriptorOfInstance(value) === undefined
  ) {
    return undefined; // a Date, Buffer, UUID, Decimal…: nothing to register, nothing allocated
  }
  const todo = new Map<string, ComplexTypeDescriptor | EnumType>();
  collectTypes(value, hint, ctx, todo, new Set(), 0);
  if (todo.size === 0) return undefined;
  const puts: Promise<void>[] = [];
  for (const t of todo.values()) {
    puts.push(ctx.registry.put('ctor' in t ? metaToPut(ctx.registry, t) : t.meta));
  }
  return Promise.all(puts).then(() => undefined);
}

// ---------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------

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

function readAny(r: BinaryReader, depth: number): unknown {
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

// ---------------------------------------------------------------------------------------------------
// Resolving complex objects
// ---------------------------------------------------------------------------------------------------

const derivedTypes = new WeakMap<BinaryTypeRegistry, Map<number, ComplexTypeDescriptor>>();

/** A class for a type known only from server metadata (like pygridgain's generated classes). */
function derivedType(reg: BinaryTypeRegistry, meta: BinaryTypeMeta): ComplexTypeDescriptor {
  let m = derivedTypes.get(reg);
  if (!m) {
    m = new Map();
    derivedTypes.set(reg, m);
  }
  const cached = m.get(meta.typeId);
  if (cached && cached.meta === meta) return cached;
  const schema: Record<string, TypeHint> = {};
  const hints: (TypeHint | undefined)[] = [];
  for (const f of meta.fields) {
    const h = f.typeCode === TypeCode.COMPLEX_OBJECT ? undefined : hintByCode.get(f.typeCode);
    schema[f.name] = h ?? BinaryObject;
    hints.push(h);
  }
  let desc: ComplexTypeDescriptor;
  try {
    desc = makeType(meta.typeName, schema, false, hints, meta)[DESCRIPTOR];
  } catch (e) {
    throw new ProtocolError(`Unusable metadata for binary type ${meta.typeId}: ${(e as Error).message}`, {
      code: 'ERR_PROTOCOL_MALFORMED',
      cause: e,
    });
  }
  m.set(meta.typeId, desc);
  return desc;
}

interface ResolveState {
  ctx: BinaryContext;
  missing: Set<number> | undefined;
  memo: Map<Buffer, Map<number, unknown>>;
  fetched: Set<number>;
}

/** Thrown inside a resolve pass when metadata must be fetched first; never escapes `resolveValue`. */
const MISSING: unique symbol = Symbol('missing binary type metadata');

function needMeta(st: ResolveState, typeId: number): boolean {
  if (st.fetched.has(typeId)) return false;
  if (st.missing === undefined) st.missing = new Set();
  st.missing.add(typeId);
  return true;
}

function compactFieldIds(
  o: BinaryObject,
  st: ResolveState,
  local: ComplexTypeDescriptor | undefined,
): readonly number[] {
  if (local && local.schemaId === o.schemaId) return local.ids;
  const meta = st.ctx.registry.get(o.typeId);
  if (meta) for (const s of meta.schemas) if (s.schemaId === o.schemaId) return s.fieldIds;
  if (needMeta(st, o.typeId)) throw MISSING;
  throw new ProtocolError(
    `Binary type ${o.typeId} has no schema ${o.schemaId} on the server: cannot read its fields`,
    {
      code: 'ERR_PROTOCOL_UNKNOWN_SCHEMA',
    },
  );
}

function resolveObject(o: BinaryObject, st: ResolveState, depth: number): unknown {
  if (depth > MAX_DEPTH) throw malformed(`objects nested deeper than ${MAX_DEPTH} levels`);
  let byBuf = st.memo.get(o.buf);
  if (!byBuf) {
    byBuf = new Map();
    st.memo.set(o.buf, byBuf);
  }
  const done = byBuf.get(o.start);
  if (done !== undefined) return done;

  const local = definedTypes.get(o.typeId)?.[DESCRIPTOR];
  const reg = st.ctx.registry;
  const buf = o.buf;
  const base = o.start;
  const flags = o.flags;
  const hasSchema = (flags & ObjectFlag.HAS_SCHEMA) !== 0;
  const compact = (flags & ObjectFlag.COMPACT_FOOTER) !== 0;
  const offSize = flags & ObjectFlag.OFFSET_ONE_BYTE ? 1 : flags & ObjectFlag.OFFSET_TWO_BYTES ? 2 : 4;
  let ids: number[] = [];
  let offsets: number[] = [];
  if (hasSchema) {
    const footerStart = base + o.schemaOffset;
    const footerEnd = base + o.length - (flags & ObjectFlag.HAS_RAW_DATA ? 4 : 0);
    if (footerEnd < footerStart) throw malformed('binary object footer overlaps its raw-data offset');
    const entry = compact ? offSize : 4 + offSize;
    const count = Math.floor((footerEnd - footerStart) / entry);
    if (count * entry !== footerEnd - footerStart)
      throw malformed('binary object footer has a partial entry');
    if (compact) {
      const known = compactFieldIds(o, st, local);
      if (known.length !== count) {
        throw malformed(`binary object schema ${o.schemaId} has ${known.length} fields, its footer ${count}`);
      }
      ids = known as number[];
    } else ids = new Array(count);
    offsets = new Array(count);
    let p = footerStart;
    for (let i = 0; i < count; i++) {
      if (!compact) {
        ids[i] = buf.readInt32LE(p);
        p += 4;
      }
      const off = offSize === 1 ? buf[p]! : offSize === 2 ? buf.readUInt16LE(p) : buf.readInt32LE(p);
      p += offSize;
      if (off < o.dataOffset || off >= o.schemaOffset) {
        throw malformed(`binary object field offset ${off} outside [${o.dataOffset}, ${o.schemaOffset})`);
      }
      offsets[i] = off;
    }
  }

  // The class: the locally defined type, else one derived from the server's metadata.
  let names: ReadonlyMap<number, string> | undefined = local?.idToName;
  let ctor = local?.ctor;
  if (!local || ids.some((id) => !names!.has(id))) {
    const meta = reg.get(o.typeId);
    if (meta) {
      const derived = derivedType(reg, meta);
      if (!local) {
        ctor = derived.ctor;
        names = derived.idToName;
      } else {
        const merged = new Map(derived.idToName);
        for (const [k, v] of local.idToName) merged.set(k, v);
        names = merged;
      }
    } else if (needMeta(st, o.typeId)) throw MISSING;
    else if (!local) return o; // the server does not know this type either: keep the raw object
  }
  const inst = new (ctor as unknown as new () => Record<string, unknown>)();
  byBuf.set(o.start, inst);
  try {
    // Fields may hold handles to enclosing objects: the window is the whole (private) value buffer.
    const r = new BinaryReader(buf, 0, buf.length);
    r.privateBuffer = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      r.offset = base + offsets[i]!;
      r.handles = undefined;
      const v = readAny(r, depth + 1);
      const value = resolveAny(v, st, depth + 1);
      const name = names?.get(id) ?? `field${id}`;
      if (name === '__proto__')
        Object.defineProperty(inst, name, { value, enumerable: true, writable: true });
      else inst[name] = value;
    }
  } catch (e) {
    byBuf.delete(o.start);
    throw e;
  }
  return inst;
}

function resolveAny(v: unknown, st: ResolveState, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw malformed(`value nested deeper than ${MAX_DEPTH} levels`);
  if (v instanceof BinaryObject) return resolveObject(v, st, depth);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = resolveAny(x, st, depth + 1);
    }
    return v;
  }
  if (v instanceof Set) {
    if (!needsResolve(v, depth)) return v;
    const items = [...v];
    const out: unknown[] = [];
    for (const x of items) out.push(resolveAny(x, st, depth + 1));
    v.clear();
    for (const x of out) v.add(x);
    return v;
  }
  if (v instanceof Map) {
    if (!needsResolve(v, depth)) return v;
    const out: [unknown, unknown][] = [];
    for (const [k, x] of v) out.push([resolveAny(k, st, depth + 1), resolveAny(x, st, depth + 1)]);
    v.clear();
    for (const [k, x] of out) v.set(k, x);
    return v;
  }
  return v;
}

function needsResolve(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return false;
  if (v instanceof BinaryObject) return true;
  if (Array.isArray(v) || v instanceof Set) {
    for (const x of v) if (needsResolve(x, depth + 1)) return true;
    return false;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (needsResolve(k, depth + 1) || needsResolve(x, depth + 1)) return true;
  }
  return false;
}

function resolvePass(value: unknown, st: ResolveState): { value: unknown } | undefined {
  try {
    return { value: resolveAny(value, st, 0) };
  } catch (e) {
    if (e === MISSING) return undefined;
    throw e;
  }
}

/**
 * Turns the `BinaryObject`s inside a value read by `readValue` into instances of their types (classes
 * from `defineType`, or classes derived from the server's metadata), fetching unknown metadata first.
 * Returns the value itself, not a Promise, when nothing needs fetching. Containers are updated in place.
 */
export function resolveValue(value: unknown, ctx: BinaryContext): unknown | Promise<unknown> {
  if (!needsResolve(value, 0)) return value;
  const st: ResolveState = { ctx, missing: undefined, memo: new Map(), fetched: new Set() };
  const first = resolvePass(value, st);
  if (first) return first.value;
  return (async () => {
    for (;;) {
      const missing = st.missing!;
      st.missing = undefined;
      await Promise.all([...missing].map((id) => ctx.registry.fetch(id)));
      for (const id of missing) st.fetched.add(id);
      const next = resolvePass(value, st);
      if (next) return next.value;
    }
  })();
}

// ---------------------------------------------------------------------------------------------------
// Java hash codes of values (partition awareness)
// ---------------------------------------------------------------------------------------------------

/**
 * Java `hashCode()` of the value the server stores for `value` written with `hint` (or the 2-tuple):
 * what partition awareness hashes. Complex objects use their binary hash (needs `ctx` when nested
 * types must be written).
 */
export function javaHashCode(value: unknown, hint?: TypeHint, ctx?: BinaryContext): number {
  if (hint === undefined && Array.isArray(value) && isHinted(value)) {
    hint = value[1];
    value = value[0];
  }
  let h: Hint | ComplexTypeDescriptor | undefined =
    hint === undefined
      ? inferHint(value)
      : hint instanceof Hint
        ? hint
        : hint === BinaryObject
          ? BinaryObjectHint
          : descriptorOfHint(hint);
  if (value === null || value === undefined) return 0;
  if (h instanceof Hint && h.code === TypeCode.COMPLEX_OBJECT && !(value instanceof BinaryObject)) {
    h = typeof value === 'object' ? descriptorOfInstance(value) : undefined;
  }
  if (!(h instanceof Hint)) {
    if (value instanceof BinaryObject) return value.hashCode;
    if (!h) throw new UsageError(`Cannot hash ${describe(value)}`);
    const w = new BinaryWriter(64);
    writeValue(w, value, h.ctor as unknown as TypeHint, ctx ?? NO_CTX);
    return w.buf.readInt32LE(8);
  }
  if (value instanceof BinaryObject) return value.hashCode;
  switch (h.code) {
    case TypeCode.BYTE:
    case TypeCode.SHORT:
    case TypeCode.INT:
      return (value as number) | 0;
    case TypeCode.LONG:
      return javaLongHashCode(toLong(h, value));
    case TypeCode.FLOAT:
      return javaFloatHashCode(toNumber(h, value));
    case TypeCode.DOUBLE:
      return javaDoubleHashCode(toNumber(h, value));
    case TypeCode.CHAR:
      return toChar(h, value);
    case TypeCode.BOOL:
      return value ? 1231 : 1237;
    case TypeCode.STRING: {
      // Hash the string Java will see: unpaired surrogates arrive as '?' (see writeUtf8String).
      return javaStringHashCode(javaEncodable(value as string));
    }
    case TypeCode.UUID: {
      const u = toUuid(h, value);
      const hilo = u.mostSignificantBits ^ u.leastSignificantBits;
      return Number(BigInt.asIntN(32, hilo >> 32n)) ^ Number(BigInt.asIntN(32, hilo));
    }
    case TypeCode.DATE:
    case TypeCode.TIMESTAMP:
    case TypeCode.TIME:
      return javaLongHashCode(value instanceof Time ? value.millis : toMillis(h, value));
    default:
      throw new UsageError(
        `No Java hash code for a ${h.name} key (use a primitive, String, UUID, date or object key)`,
      );
  }
}

const NO_CTX: BinaryContext = { registry: new MemoryTypeRegistry() };
