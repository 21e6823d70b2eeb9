/**
 * The Ignite / GridGain binary type system: the byte-level writer and reader, Java-compatible hashes,
 * pygridgain's type hints, complex objects and the binary-type metadata of ops 3002/3003. Pure: no I/O.
 */

export { javaHashCode, MAX_DEPTH, prepareValue, readValue, resolveValue, writeValue } from './codec.js';
export {
  type BinaryContext,
  type BinaryFieldMeta,
  BinaryObject,
  type BinarySchemaMeta,
  type BinaryTypeMeta,
  type BinaryTypeRegistry,
  type ComplexInstance,
  type ComplexType,
  defineEnum,
  defineType,
  type EnumType,
  GenericObjectMeta,
  isTypeHint,
  readBinaryTypeMeta,
  type Schema,
  type TypeHint,
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
  LongArrayObject,
  LongObject,
  MapObject,
  Null,
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
export { BinaryReader } from './reader.js';
export { MemoryTypeRegistry } from './registry.js';
export { CollectionKind, MapKind, ObjectFlag, TypeCode } from './type-codes.js';
export { Decimal, EnumValue, Time, Timestamp, UUID } from './values.js';
export { BinaryWriter } from './writer.js';
