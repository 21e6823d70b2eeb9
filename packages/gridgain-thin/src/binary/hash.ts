/**
 * Java-compatible hashing: cache ids, type and field ids, schema ids and binary object hashes.
 * All results are signed 32-bit integers, as Java computes them.
 */

/** Java `String.hashCode()`: `31*h + c` over UTF-16 code units, from h = 0. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java `Character.toLowerCase(char)` for one UTF-16 unit (simple case mapping). */
function lowerUnit(c: number): number {
  if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
  if (c >= 0xd800 && c <= 0xdfff) return c;
  const l = String.fromCharCode(c).toLowerCase();
  // Full mappings that expand (U+0130 → "i̇") keep their first unit, as the simple mapping does.
  return l.charCodeAt(0);
}

/** Hash of the lower-cased name (Java `BinaryBasicIdMapper` with lowerCase = true), per UTF-16 unit. */
function lowerCaseHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + lowerUnit(name.charCodeAt(i))) | 0;
  return h;
}

/** Cache id: Java `String.hashCode` of the exact, case-sensitive cache name. */
export function cacheIdOf(name: string): number {
  return javaStringHashCode(name);
}

/** Binary type id: hash of the lower-cased type name. */
export function typeIdOf(typeName: string): number {
  return lowerCaseHash(typeName);
}

/** Binary field id: hash of the lower-cased field name. */
export function fieldIdOf(fieldName: string): number {
  return lowerCaseHash(fieldName);
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Schema id: FNV-1a over the 4 little-endian bytes of each field id, in schema order. */
export function schemaIdOf(fieldIds: Iterable<number>): number {
  let h = FNV_OFFSET;
  for (const id of fieldIds) {
    h = Math.imul(h ^ (id & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 24) & 0xff), FNV_PRIME);
  }
  return h | 0;
}

/**
 * Hash stored in a binary object's header: `h = 31*h + b` from h = 1 over the field-data bytes taken as
 * SIGNED int8 (Java `BinaryArrayIdentityResolver`). `start`/`end` delimit the field data.
 */
export function binaryObjectHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 1;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + ((bytes[i]! << 24) >> 24)) | 0;
  return h;
}

const f64 = new Float64Array(1);
const f64i = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32i = new Int32Array(f32.buffer);

/** Java `Long.hashCode`: low word ^ high word. */
export function javaLongHashCode(v: bigint | number): number {
  const b = BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
}

/** Java `Double.hashCode`: bits ^ (bits >>> 32) of the IEEE-754 image (NaN canonicalised as Java does). */
export function javaDoubleHashCode(v: number): number {
  if (Number.isNaN(v)) return 0x7ff80000 ^ 0;
  f64[0] = v;
  return f64i[0]! ^ f64i[1]!;
}

/** Java `Float.hashCode`: `floatToIntBits`. */
export function javaFloatHashCode(v: number): number {
  if (Number.isNaN(v)) return 0x7fc00000;
  f32[0] = v;
  return f32i[0]!;
}
