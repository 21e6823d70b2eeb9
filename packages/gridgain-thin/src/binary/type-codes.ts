/**
 * Type codes of the Ignite binary format (Java `GridBinaryMarshaller`), and the object header layout.
 * Every value on the wire starts with one of these bytes.
 */
export const TypeCode = {
  BYTE: 1,
  SHORT: 2,
  INT: 3,
  LONG: 4,
  FLOAT: 5,
  DOUBLE: 6,
  CHAR: 7,
  BOOL: 8,
  STRING: 9,
  UUID: 10,
  DATE: 11,
  BYTE_ARRAY: 12,
  SHORT_ARRAY: 13,
  INT_ARRAY: 14,
  LONG_ARRAY: 15,
  FLOAT_ARRAY: 16,
  DOUBLE_ARRAY: 17,
  CHAR_ARRAY: 18,
  BOOL_ARRAY: 19,
  STRING_ARRAY: 20,
  UUID_ARRAY: 21,
  DATE_ARRAY: 22,
  OBJECT_ARRAY: 23,
  COLLECTION: 24,
  MAP: 25,
  /** A binary object wrapped in a byte array: `int len, bytes, int offset`. */
  WRAPPED: 27,
  ENUM: 28,
  ENUM_ARRAY: 29,
  DECIMAL: 30,
  DECIMAL_ARRAY: 31,
  CLASS: 32,
  TIMESTAMP: 33,
  TIMESTAMP_ARRAY: 34,
  TIME: 36,
  TIME_ARRAY: 37,
  BINARY_ENUM: 38,
  NULL: 101,
  HANDLE: 102,
  COMPLEX_OBJECT: 103,
  /** Java optimized-marshaller payload (0xFE as a signed byte: -2). */
  OPTIMIZED: 254,
} as const;
export type TypeCode = (typeof TypeCode)[keyof typeof TypeCode];

/** Complex object header flags (Java `BinaryUtils.FLAG_*`). */
export const ObjectFlag = {
  USER_TYPE: 0x0001,
  HAS_SCHEMA: 0x0002,
  HAS_RAW_DATA: 0x0004,
  OFFSET_ONE_BYTE: 0x0008,
  OFFSET_TWO_BYTES: 0x0010,
  COMPACT_FOOTER: 0x0020,
} as const;

/** Byte length of a complex object header: code, version, flags, type id, hash, length, schema id, schema offset. */
export const OBJECT_HEADER_LENGTH = 24;
export const OBJECT_PROTO_VERSION = 1;

/** Collection kinds (the byte after a collection's length). */
export const CollectionKind = {
  USER_SET: -1,
  USER_COLLECTION: 0,
  ARRAY_LIST: 1,
  LINKED_LIST: 2,
  HASH_SET: 3,
  LINKED_HASH_SET: 4,
  SINGLETON_LIST: 5,
} as const;

/** Map kinds (the byte after a map's length). */
export const MapKind = {
  HASH_MAP: 1,
  LINKED_HASH_MAP: 2,
} as const;
