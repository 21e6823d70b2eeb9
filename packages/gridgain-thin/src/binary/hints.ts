import { TypeCode } from './type-codes.js';
import type { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';

/**
 * A type hint: which Ignite type to write a JS value as (pygridgain's parser/constructor classes).
 * `T` is the JS type read back for it (documentation only).
 */
export class Hint<T = unknown> {
  declare readonly __value?: T;
  constructor(
    readonly name: string,
    readonly code: number,
  ) {
    Object.freeze(this);
  }

  /** A readable description. */
  toString(): string {
    return this.name;
  }
}

/** A Java long as JS gives it back: a number when safe, else a bigint. */
export type Long = number | bigint;
/** `T` or null (Ignite object types are nullable). */
export type Nullable<T> = T | null;

/** Type hint: Ignite's ByteObject (pygridgain `ByteObject`). */
export const ByteObject = new Hint<number>('ByteObject', TypeCode.BYTE);
/** Type hint: Ignite's ShortObject (pygridgain `ShortObject`). */
export const ShortObject = new Hint<number>('ShortObject', TypeCode.SHORT);
/** Type hint: Ignite's IntObject (pygridgain `IntObject`). */
export const IntObject = new Hint<number>('IntObject', TypeCode.INT);
/** Type hint: Ignite's LongObject (pygridgain `LongObject`). */
export const LongObject = new Hint<Long>('LongObject', TypeCode.LONG);
/** Type hint: Ignite's FloatObject (pygridgain `FloatObject`). */
export const FloatObject = new Hint<number>('FloatObject', TypeCode.FLOAT);
/** Type hint: Ignite's DoubleObject (pygridgain `DoubleObject`). */
export const DoubleObject = new Hint<number>('DoubleObject', TypeCode.DOUBLE);
/** Type hint: Ignite's CharObject (pygridgain `CharObject`). */
export const CharObject = new Hint<string>('CharObject', TypeCode.CHAR);
/** Type hint: Ignite's BoolObject (pygridgain `BoolObject`). */
export const BoolObject = new Hint<boolean>('BoolObject', TypeCode.BOOL);
/** Type hint: Ignite String (pygridgain `String`, also exported as `String`). */
export const StringObject = new Hint<Nullable<string>>('String', TypeCode.STRING);
/** Type hint: Ignite's UUIDObject (pygridgain `UUIDObject`). */
export const UUIDObject = new Hint<Nullable<UUID>>('UUIDObject', TypeCode.UUID);
/** Type hint: Ignite's DateObject (pygridgain `DateObject`). */
export const DateObject = new Hint<Nullable<Date>>('DateObject', TypeCode.DATE);
/** Type hint: Ignite's TimestampObject (pygridgain `TimestampObject`). */
export const TimestampObject = new Hint<Nullable<Timestamp>>('TimestampObject', TypeCode.TIMESTAMP);
/** Type hint: Ignite's TimeObject (pygridgain `TimeObject`). */
export const TimeObject = new Hint<Nullable<Time>>('TimeObject', TypeCode.TIME);
/** Type hint: Ignite's DecimalObject (pygridgain `DecimalObject`). */
export const DecimalObject = new Hint<Nullable<Decimal>>('DecimalObject', TypeCode.DECIMAL);
/** Type hint: Ignite's EnumObject (pygridgain `EnumObject`). */
export const EnumObject = new Hint<Nullable<EnumValue>>('EnumObject', TypeCode.ENUM);
/** Type hint: Ignite's BinaryEnumObject (pygridgain `BinaryEnumObject`). */
export const BinaryEnumObject = new Hint<Nullable<EnumValue>>('BinaryEnumObject', TypeCode.BINARY_ENUM);
/** Type hint: Ignite's ByteArrayObject (pygridgain `ByteArrayObject`). */
export const ByteArrayObject = new Hint<Nullable<Buffer>>('ByteArrayObject', TypeCode.BYTE_ARRAY);
/** Type hint: Ignite's ShortArrayObject (pygridgain `ShortArrayObject`). */
export const ShortArrayObject = new Hint<Nullable<number[]>>('ShortArrayObject', TypeCode.SHORT_ARRAY);
/** Type hint: Ignite's IntArrayObject (pygridgain `IntArrayObject`). */
export const IntArrayObject = new Hint<Nullable<number[]>>('IntArrayObject', TypeCode.INT_ARRAY);
/** Type hint: Ignite's LongArrayObject (pygridgain `LongArrayObject`). */
export const LongArrayObject = new Hint<Nullable<Long[]>>('LongArrayObject', TypeCode.LONG_ARRAY);
/** Type hint: Ignite's FloatArrayObject (pygridgain `FloatArrayObject`). */
export const FloatArrayObject = new Hint<Nullable<number[]>>('FloatArrayObject', TypeCode.FLOAT_ARRAY);
/** Type hint: Ignite's DoubleArrayObject (pygridgain `DoubleArrayObject`). */
export const DoubleArrayObject = new Hint<Nullable<number[]>>('DoubleArrayObject', TypeCode.DOUBLE_ARRAY);
/** Type hint: Ignite's CharArrayObject (pygridgain `CharArrayObject`). */
export const CharArrayObject = new Hint<Nullable<string[]>>('CharArrayObject', TypeCode.CHAR_ARRAY);
/** Type hint: Ignite's BoolArrayObject (pygridgain `BoolArrayObject`). */
export const BoolArrayObject = new Hint<Nullable<boolean[]>>('BoolArrayObject', TypeCode.BOOL_ARRAY);
/** Type hint: Ignite's StringArrayObject (pygridgain `StringArrayObject`). */
export const StringArrayObject = new Hint<Nullable<Nullable<string>[]>>(
  'StringArrayObject',
  TypeCode.STRING_ARRAY,
);
/** Type hint: Ignite's UUIDArrayObject (pygridgain `UUIDArrayObject`). */
export const UUIDArrayObject = new Hint<Nullable<Nullable<UUID>[]>>('UUIDArrayObject', TypeCode.UUID_ARRAY);
/** Type hint: Ignite's DateArrayObject (pygridgain `DateArrayObject`). */
export const DateArrayObject = new Hint<Nullable<Nullable<Date>[]>>('DateArrayObject', TypeCode.DATE_ARRAY);
/** Type hint: Ignite's TimestampArrayObject (pygridgain `TimestampArrayObject`). */
export const TimestampArrayObject = new Hint<Nullable<Nullable<Timestamp>[]>>(
  'TimestampArrayObject',
  TypeCode.TIMESTAMP_ARRAY,
);
/** Type hint: Ignite's TimeArrayObject (pygridgain `TimeArrayObject`). */
export const TimeArrayObject = new Hint<Nullable<Nullable<Time>[]>>('TimeArrayObject', TypeCode.TIME_ARRAY);
/** Type hint: Ignite's DecimalArrayObject (pygridgain `DecimalArrayObject`). */
export const DecimalArrayObject = new Hint<Nullable<Nullable<Decimal>[]>>(
  'DecimalArrayObject',
  TypeCode.DECIMAL_ARRAY,
);
/** Type hint: Ignite's EnumArrayObject (pygridgain `EnumArrayObject`). */
export const EnumArrayObject = new Hint<Nullable<Nullable<EnumValue>[]>>(
  'EnumArrayObject',
  TypeCode.ENUM_ARRAY,
);
/** Type hint: Ignite's ObjectArrayObject (pygridgain `ObjectArrayObject`). */
export const ObjectArrayObject = new Hint<Nullable<unknown[]>>('ObjectArrayObject', TypeCode.OBJECT_ARRAY);
/** Type hint: Ignite's CollectionObject (pygridgain `CollectionObject`). */
export const CollectionObject = new Hint<Nullable<unknown[] | Set<unknown>>>(
  'CollectionObject',
  TypeCode.COLLECTION,
);
/** Type hint: Ignite's MapObject (pygridgain `MapObject`). */
export const MapObject = new Hint<Nullable<Map<unknown, unknown>>>('MapObject', TypeCode.MAP);
/** A complex object: an instance of a `defineType` class, or a `BinaryObject` read from the server. */
export const BinaryObjectHint = new Hint<unknown>('BinaryObject', TypeCode.COMPLEX_OBJECT);
/** Type hint: Ignite's Null (pygridgain `Null`). */
export const Null = new Hint<null>('Null', TypeCode.NULL);

/** Every hint by its type code. */
export const hintByCode: ReadonlyMap<number, Hint> = new Map(
  [
    ByteObject,
    ShortObject,
    IntObject,
    LongObject,
    FloatObject,
    DoubleObject,
    CharObject,
    BoolObject,
    StringObject,
    UUIDObject,
    DateObject,
    TimestampObject,
    TimeObject,
    DecimalObject,
    EnumObject,
    BinaryEnumObject,
    ByteArrayObject,
    ShortArrayObject,
    IntArrayObject,
    LongArrayObject,
    FloatArrayObject,
    DoubleArrayObject,
    CharArrayObject,
    BoolArrayObject,
    StringArrayObject,
    UUIDArrayObject,
    DateArrayObject,
    TimestampArrayObject,
    TimeArrayObject,
    DecimalArrayObject,
    EnumArrayObject,
    ObjectArrayObject,
    CollectionObject,
    MapObject,
    BinaryObjectHint,
    Null,
  ].map((h) => [h.code, h as Hint]),
);
