/**
 * What a JS value becomes on the wire when no hint says otherwise (pygridgain's defaults), and the
 * checked conversions of a value to the type a hint names. Shared by the writer and the hash.
 */
import { UsageError } from '@dbwire/core';
import {
  BinaryObject,
  type ComplexTypeDescriptor,
  descriptorOfInstance,
  isTypeHint,
  type TypeHint,
} from './complex.js';
import { BinaryObjectHint, type Hint, hintByCode } from './hints.js';
import { TypeCode } from './type-codes.js';
import { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';

const TWO_63 = 2 ** 63;
const MIN_LONG = -(1n << 63n);
const MAX_LONG = (1n << 63n) - 1n;

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'null-prototype object'}`;
  if (typeof v === 'function') return 'a function';
  return String(v);
}

export function bad(hint: Hint, v: unknown, expected: string): UsageError {
  return new UsageError(`Cannot write ${describe(v)} as ${hint.name}: expected ${expected}`);
}

/** True for the pygridgain 2-tuple form `[value, hint]`. */
export function isHinted(v: unknown): v is [unknown, TypeHint] {
  return Array.isArray(v) && v.length === 2 && isTypeHint(v[1]);
}

export function isPlainObject(v: object): boolean {
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
export function inferHint(v: unknown): Hint | ComplexTypeDescriptor {
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

export function checkInt(hint: Hint, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(hint, v, `an integer in ${min}..${max}`);
  }
  return v;
}

export function toLong(hint: Hint, v: unknown): bigint | number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -TWO_63 && v < TWO_63) return v;
  } else if (typeof v === 'bigint') {
    if (v >= MIN_LONG && v <= MAX_LONG) return v;
  } else if (v instanceof Date) {
    return v.getTime();
  }
  throw bad(hint, v, 'an integer (number or bigint) in the signed 64-bit range');
}

export function toNumber(hint: Hint, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  throw bad(hint, v, 'a number');
}

export function toChar(hint: Hint, v: unknown): number {
  if (typeof v === 'string' && v.length === 1) return v.charCodeAt(0);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  throw bad(hint, v, 'a one-character string (one UTF-16 unit)');
}

export function toUuid(hint: Hint, v: unknown): UUID {
  if (v instanceof UUID) return v;
  if (typeof v === 'string') return new UUID(v);
  throw bad(hint, v, 'a UUID or a UUID string');
}

export function toMillis(hint: Hint, v: unknown): number {
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) throw bad(hint, v, 'a valid Date');
    return t;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw bad(hint, v, 'a Date or integer milliseconds');
}

export function toDecimal(hint: Hint, v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return new Decimal(v);
  throw bad(hint, v, 'a Decimal, a decimal string, a number or a bigint');
}

export function toEnum(hint: Hint, v: unknown): EnumValue {
  if (v instanceof EnumValue) return v;
  if (v !== null && typeof v === 'object' && 'typeId' in v && 'ordinal' in v) {
    return new EnumValue((v as EnumValue).typeId, (v as EnumValue).ordinal);
  }
  throw bad(hint, v, 'an EnumValue { typeId, ordinal }');
}

export function toList(hint: Hint, v: unknown): ArrayLike<unknown> {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v as unknown as ArrayLike<unknown>;
  if (v instanceof Set) return [...v];
  throw bad(hint, v, 'an array');
}
