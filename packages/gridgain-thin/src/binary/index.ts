/**
 * The Ignite / GridGain binary type system: the byte-level writer and reader, Java-compatible hashes,
 * pygridgain's type hints, complex objects and the binary-type metadata of ops 3002/3003. Pure: no I/O.
 *
 * Writing without a hint (pygridgain's defaults):
 *
 * | JS value                                   | Ignite type (hint)                                  |
 * | ------------------------------------------ | --------------------------------------------------- |
 * | integer `number` (abs < 2^63), `bigint`     | LongObject                                          |
 * | other `number` (fraction, NaN, ±Infinity)  | DoubleObject                                        |
 * | `string` / `boolean` / `null`, `undefined` | String / BoolObject / Null                          |
 * | `Date` / `Timestamp` / `Time`              | DateObject / TimestampObject (ms + ns) / TimeObject |
 * | `UUID` / `Decimal` / `EnumValue`           | UUIDObject / DecimalObject (exact) / EnumObject     |
 * | `Buffer`, `Uint8Array`, `Int8Array`        | ByteArrayObject                                     |
 * | `Int16Array` `Int32Array` `BigInt64Array` `Float32Array` `Float64Array` | Short/Int/Long/Float/DoubleArrayObject |
 * | array of integers / numbers / strings / booleans / UUIDs / Dates / Timestamps / Times / Decimals | the typed array (nulls allowed for object element types) |
 * | any other array (mixed, empty, nested)     | ObjectArrayObject (`Object[]`)                      |
 * | `Set`                                      | CollectionObject (HashSet)                          |
 * | `Map`, plain object                        | MapObject (HashMap)                                 |
 * | instance of a `defineType` class           | complex object (compact footer, Java hash)          |
 * | `BinaryObject` (read earlier)              | its bytes, verbatim                                 |
 *
 * Reading gives: longs as `number` when safe, else `bigint`; chars as 1-char strings; byte arrays as
 * `Buffer`; other arrays as JS arrays; collections as arrays (sets as `Set`); maps as `Map`; complex
 * objects as `BinaryObject` until `resolveValue` turns them into class instances.
 */

export {
  type BinaryContext,
  type BinaryFieldMeta,
  BinaryObject,
  type BinarySchemaMeta,
  type BinaryTypeMeta,
  type BinaryTypeRegistry,
  type ComplexInstance,
  type ComplexType,
  type ComplexTypeDescriptor,
  defineEnum,
  defineType,
  type EnumType,
  type FieldsOf,
  GenericObjectMeta,
  type GenericObjectMetaOptions,
  type HintValue,
  isTypeHint,
  readBinaryTypeMeta,
  type Schema,
  type TypeHint,
  useClassForType,
  writeBinaryTypeMeta,
} from './complex.js';
export {
  binaryObjectHash,
  cacheIdOf,
  fieldIdOf,
  javaDoubleHashCode,
  javaFloatHashCode,
  javaLongHashCode,
  javaStringHashCode,
  schemaIdOf,
  typeIdOf,
} from './hash.js';
export {
  BinaryEnumObject,
  BoolArrayObject,
  BoolObject,
  ByteArrayObject,
  ByteObject,
  CharArrayObject,
  CharObject,
  CollectionObject,
  DateArrayObject,
  DateObject,
  DecimalArrayObject,
  DecimalObject,
  DoubleArrayObject,
  DoubleObject,
  EnumArrayObject,
  EnumObject,
  FloatArrayObject,
  FloatObject,
  Hint,
  IntArrayObject,
  IntObject,
  type Long,
  LongArrayObject,
  LongObject,
  MapObject,
  Null,
  type Nullable,
  ObjectArrayObject,
  ShortArrayObject,
  ShortObject,
  StringArrayObject,
  StringObject as String,
  StringObject,
  TimeArrayObject,
  TimeObject,
  TimestampArrayObject,
  TimestampObject,
  UUIDArrayObject,
  UUIDObject,
} from './hints.js';
export { javaHashCode } from './java-hash.js';
export { MAX_DEPTH } from './limits.js';
export { prepareValue } from './prepare.js';
export { readValue } from './read.js';
export { BinaryReader } from './reader.js';
export { MemoryTypeRegistry } from './registry.js';
export { classOfType, resolveValue } from './resolve.js';
export { CollectionKind, MapKind, ObjectFlag, TypeCode } from './type-codes.js';
export { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';
export { writeValue } from './write.js';
export { BinaryWriter } from './writer.js';
