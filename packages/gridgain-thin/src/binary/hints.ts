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

  toString(): string {
    return this.name;
  }
}

type Long = number | bigint;
type Nullable<T> = T | null;

export const ByteObject = new Hint<number>('ByteObject', TypeCode.BYTE);
export const ShortObject = new Hint<number>('ShortObject', TypeCode.SHORT);
export const IntObject = new Hint<number>('IntObject', TypeCode.INT);
export const LongObject = new Hint<Long>('LongObject', TypeCode.LONG);
export const FloatObject = new Hint<number>('FloatObject', TypeCode.FLOAT);
export const DoubleObject = new Hint<number>('DoubleObject', TypeCode.DOUBLE);
export const CharObject = new Hint<string>('CharObject', TypeCode.CHAR);
export const BoolObject = new Hint<boolean>('BoolObject', TypeCode.BOOL);
export const StringObject = new Hint<Nullable<string>>('String', TypeCode.STRING);
export const UUIDObject = new Hint<Nullable<UUID>>('UUIDObject', TypeCode.UUID);
export const DateObject = new Hint<Nullable<Date>>('DateObject', TypeCode.DATE);
export const TimestampObject = new Hint<Nullable<Timestamp>>('TimestampObject', TypeCode.TIMESTAMP);
export const TimeObject = new Hint<Nullable<Time>>('TimeObject', TypeCode.TIME);
export const DecimalObject = new Hint<Nullable<Decimal>>('DecimalObject', TypeCode.DECIMAL);
export const EnumObject = new Hint<Nullable<EnumValue>>('EnumObject', TypeCode.ENUM);
export const BinaryEnumObject = new Hint<Nullable<EnumValue>>('BinaryEnumObject', TypeCode.BINARY_ENUM);
export const ByteArrayObject = new Hint<Nullable<Buffer>>('ByteArrayObject', TypeCode.BYTE_ARRAY);
export const ShortArrayObject = new Hint<Nullable<number[]>>('ShortArrayObject', TypeCode.SHORT_ARRAY);
export const IntArrayObject = new Hint<Nullable<number[]>>('IntArrayObject', TypeCode.INT_ARRAY);
export const LongArrayObject = new Hint<Nullable<Long[]>>('LongArrayObject', TypeCode.LONG_ARRAY);
export const FloatArrayObject = new Hint<Nullable<number[]>>('FloatArrayObject', TypeCode.FLOAT_ARRAY);
export const DoubleArrayObject = new Hint<Nullable<number[]>>('DoubleArrayObject', TypeCode.DOUBLE_ARRAY);
export const CharArrayObject = new Hint<Nullable<string[]>>('CharArrayObject', TypeCode.CHAR_ARRAY);
export const BoolArrayObject = new Hint<Nullable<boolean[]>>('BoolArrayObject', TypeCode.BOOL_ARRAY);
export const StringArrayObject = new Hint<Nullable<Nullable<string>[]>>(
  'StringArrayObject',
  TypeCode.STRING_ARRAY,
);
export const UUIDArrayObject = new Hint<Nullable<Nullable<UUID>[]>>('UUIDArrayObject', TypeCode.UUID_ARRAY);
export const DateArrayObject = new Hint<Nullable<Nullable<Date>[]>>('DateArrayObject', TypeCode.DATE_ARRAY);
export const TimestampArrayObject = new Hint<Nullable<Nullable<Timestamp>[]>>(
  'TimestampArrayObject',
  TypeCode.TIMESTAMP_ARRAY,
);
export const TimeArrayObject = new Hint<Nullable<Nullable<Time>[]>>('TimeArrayObject', TypeCode.TIME_ARRAY);
export const DecimalArrayObject = new Hint<Nullable<Nullable<Decimal>[]>>(
  'DecimalArrayObject',
  TypeCode.DECIMAL_ARRAY,
);
export const EnumArrayObject = new Hint<Nullable<Nullable<EnumValue>[]>>(
  'EnumArrayObject',
  TypeCode.ENUM_ARRAY,
);
export const ObjectArrayObject = new Hint<Nullable<unknown[]>>('ObjectArrayObject', TypeCode.OBJECT_ARRAY);
export const CollectionObject = new Hint<Nullable<unknown[] | Set<unknown>>>(
  'CollectionObject',
  TypeCode.COLLECTION,
);
export const MapObject = new Hint<Nullable<Map<unknown, unknown>>>('MapObject', TypeCode.MAP);
/** A complex object: an instance of a `defineType` class, or a `BinaryObject` read from the server. */
export const BinaryObjectHint = new Hint<unknown>('BinaryObject', TypeCode.COMPLEX_OBJECT);
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
