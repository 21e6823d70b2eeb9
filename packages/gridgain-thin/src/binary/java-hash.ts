/** Java hash codes of values, as the server computes them (partition awareness). */
import { UsageError } from '@dbwire/core';
import {
  type BinaryContext,
  BinaryObject,
  type ComplexTypeDescriptor,
  descriptorOfHint,
  descriptorOfInstance,
  type TypeHint,
} from './complex.js';
import { javaDoubleHashCode, javaFloatHashCode, javaLongHashCode, javaStringHashCode } from './hash.js';
import { BinaryObjectHint, Hint } from './hints.js';
import { describe, inferHint, isHinted, toChar, toLong, toMillis, toNumber, toUuid } from './infer.js';
import { MemoryTypeRegistry } from './registry.js';
import { TypeCode } from './type-codes.js';
import { Time } from './values.js';
import { writeValue } from './write.js';
import { BinaryWriter, javaEncodable } from './writer.js';

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
