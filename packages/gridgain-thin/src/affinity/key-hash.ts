/**
 * The hash Ignite's affinity uses for a cache key: the key's Java `hashCode()`, or the hash of its
 * affinity key field when the cache (CacheKeyConfiguration) or the key's binary type names one
 * (`CacheDefaultBinaryAffinityKeyMapper`: a null field value falls back to the whole key).
 */
import { UsageError } from '@dbwire/core';
import { type ComplexTypeDescriptor, descriptorOfHint, descriptorOfInstance } from '../binary/complex.js';
import { hintByCode } from '../binary/hints.js';
import {
  type BinaryContext,
  BinaryObject,
  BinaryReader,
  isTypeHint,
  javaHashCode,
  ObjectFlag,
  readValue,
  type TypeHint,
  UUID,
  UUIDObject,
} from '../binary/index.js';

/** Affinity key field id by key type id, as a cache's key configurations give them (op 1101). */
export type AffinityKeyFields = ReadonlyMap<number, number>;

const NO_FIELDS: AffinityKeyFields = new Map();

/**
 * Java hash of the affinity key of `key` (written with `hint`, or a `[value, hint]` 2-tuple):
 * what RendezvousAffinityFunction partitions. `fields` are the cache's key configurations.
 */
export function affinityHashCode(
  key: unknown,
  hint: TypeHint | undefined,
  fields: AffinityKeyFields = NO_FIELDS,
  ctx?: BinaryContext,
): number {
  if (hint === undefined && Array.isArray(key) && key.length === 2 && isTypeHint(key[1])) {
    hint = key[1] as TypeHint;
    key = key[0];
  }
  if (key !== null && typeof key === 'object') {
    if (key instanceof UUID && (hint === undefined || hint === UUIDObject)) return uuidHash(key);
    if (key instanceof BinaryObject) {
      const fieldId = fields.get(key.typeId) ?? metadataAffinityField(key.typeId, ctx);
      if (fieldId !== undefined) {
        const h = binaryFieldHash(key, fieldId, ctx);
        if (h !== undefined) return h;
      }
      return key.hashCode;
    }
    const desc = descriptorOfInstance(key) ?? (hint === undefined ? undefined : descriptorOfHint(hint));
    if (desc !== undefined) {
      const index = affinityFieldIndex(desc, fields);
      if (index >= 0) {
        const value = (key as Record<string, unknown>)[desc.names[index]!];
        if (value !== null && value !== undefined) return javaHashCode(value, desc.hints[index], ctx);
      }
    }
  }
  return javaHashCode(key, hint, ctx);
}

/**
 * Java `UUID.hashCode()` = `(int)(hilo >> 32) ^ (int)hilo` with `hilo = msb ^ lsb`: the XOR of the four
 * 32-bit words of the UUID, read straight from its hex form (no BigInt on the routing path).
 */
function uuidHash(u: UUID): number {
  const v = u.value; // canonical xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
  const w0 = Number.parseInt(v.slice(0, 8), 16);
  const w1 = Number.parseInt(v.slice(9, 13) + v.slice(14, 18), 16);
  const w2 = Number.parseInt(v.slice(19, 23) + v.slice(24, 28), 16);
  const w3 = Number.parseInt(v.slice(28, 36), 16);
  return (w0 ^ w1 ^ w2 ^ w3) | 0;
}

function affinityFieldIndex(desc: ComplexTypeDescriptor, fields: AffinityKeyFields): number {
  const fieldId = fields.get(desc.typeId);
  if (fieldId !== undefined) return desc.ids.indexOf(fieldId);
  const name = desc.meta.affinityKeyField;
  return name ? desc.names.indexOf(name) : -1;
}

function metadataAffinityField(typeId: number, ctx: BinaryContext | undefined): number | undefined {
  const name = ctx?.registry.get(typeId)?.affinityKeyField;
  if (!name) return undefined;
  return ctx?.registry.get(typeId)?.fields.find((f) => f.name === name)?.fieldId;
}

/**
 * Java hash of one field of a binary object, read from its bytes: the footer gives the field's offset
 * (a compact footer holds offsets only, in the order of the schema the registry knows). Undefined when
 * the field is absent or null, or the schema is unknown.
 */
export function binaryFieldHash(obj: BinaryObject, fieldId: number, ctx?: BinaryContext): number | undefined {
  const at = binaryFieldOffset(obj, fieldId, ctx);
  if (at === undefined) return undefined;
  const code = obj.buf[at]!;
  const value = readValue(new BinaryReader(obj.buf, at, obj.start + obj.length));
  if (value === null || value === undefined) return undefined;
  const hint = hintByCode.get(code);
  if (hint === undefined && !(value instanceof BinaryObject)) {
    throw new UsageError(`Cannot hash an affinity key field of type code ${code}`);
  }
  return javaHashCode(value, value instanceof BinaryObject ? undefined : hint, ctx);
}

function binaryFieldOffset(obj: BinaryObject, fieldId: number, ctx?: BinaryContext): number | undefined {
  const { buf, start, flags } = obj;
  if ((flags & ObjectFlag.HAS_SCHEMA) === 0) return undefined;
  const offsetSize = flags & ObjectFlag.OFFSET_ONE_BYTE ? 1 : flags & ObjectFlag.OFFSET_TWO_BYTES ? 2 : 4;
  const footerEnd = start + obj.length - (flags & ObjectFlag.HAS_RAW_DATA ? 4 : 0);
  const footerStart = start + obj.schemaOffset;
  const readOffset = (p: number): number =>
    offsetSize === 1 ? buf[p]! : offsetSize === 2 ? buf.readUInt16LE(p) : buf.readInt32LE(p);
  let index: number;
  let entry: number;
  if (flags & ObjectFlag.COMPACT_FOOTER) {
    const schema = ctx?.registry.get(obj.typeId)?.schemas.find((s) => s.schemaId === obj.schemaId);
    if (!schema) return undefined;
    index = schema.fieldIds.indexOf(fieldId);
    entry = offsetSize;
    if (index < 0) return undefined;
  } else {
    entry = 4 + offsetSize;
    index = -1;
    for (let p = footerStart, i = 0; p + entry <= footerEnd; p += entry, i++) {
      if (buf.readInt32LE(p) === fieldId) {
        index = i;
        break;
      }
    }
    if (index < 0) return undefined;
  }
  const p = footerStart + index * entry + (entry - offsetSize);
  if (p + offsetSize > footerEnd) return undefined;
  const at = start + readOffset(p);
  return at >= start && at < footerStart ? at : undefined;
}
