import { UsageError } from '@dbwire/core';
import { fieldIdOf, schemaIdOf, typeIdOf } from './hash.js';
import { Hint } from './hints.js';
import type { BinaryReader } from './reader.js';
import { malformed } from './reader.js';
import { TypeCode } from './type-codes.js';
import { EnumValue } from './values.js';
import type { BinaryWriter } from './writer.js';

/** One field of a binary type, as ops 3002/3003 carry it. */
export interface BinaryFieldMeta {
  name: string;
  /** The field's type code (e.g. 3 for IntObject, 103 for a nested object). */
  typeCode: number;
  fieldId: number;
}

/** One schema (ordered field ids) of a binary type. */
export interface BinarySchemaMeta {
  schemaId: number;
  fieldIds: number[];
}

/** Binary type metadata: the body of PUT_BINARY_TYPE (3003) and of GET_BINARY_TYPE's (3002) answer. */
export interface BinaryTypeMeta {
  typeId: number;
  typeName: string;
  affinityKeyField: string | null;
  fields: BinaryFieldMeta[];
  isEnum: boolean;
  enumValues: { name: string; ordinal: number }[];
  schemas: BinarySchemaMeta[];
}

/** Where binary type metadata lives: the client implements it over ops 3002/3003, cached per client. */
export interface BinaryTypeRegistry {
  /** Cached metadata, without I/O. */
  get(typeId: number): BinaryTypeMeta | undefined;
  /**
   * Metadata from the server (GET_BINARY_TYPE); undefined when the server does not know the type.
   * `resolveValue` calls it only when the cached metadata lacks the type or the schema of an object it
   * reads, so it must ask the server even when something is cached (the server merges every client's
   * schemas; a cached `put` only knows ours). Single-flight per type id is welcome.
   */
  fetch(typeId: number): Promise<BinaryTypeMeta | undefined>;
  /** Registers metadata with the server (PUT_BINARY_TYPE) and caches it. */
  put(meta: BinaryTypeMeta): Promise<void>;
}

export interface BinaryContext {
  registry: BinaryTypeRegistry;
}

/** Writes a binary type's metadata (the request body of op 3003 PUT_BINARY_TYPE). */
export function writeBinaryTypeMeta(w: BinaryWriter, meta: BinaryTypeMeta): void {
  w.writeInt32(meta.typeId);
  w.writeUtf8String(meta.typeName);
  if (meta.affinityKeyField == null) w.writeUInt8(TypeCode.NULL);
  else w.writeUtf8String(meta.affinityKeyField);
  w.writeInt32(meta.fields.length);
  for (const f of meta.fields) {
    w.writeUtf8String(f.name);
    w.writeInt32(f.typeCode);
    w.writeInt32(f.fieldId);
  }
  w.writeBool(meta.isEnum);
  if (meta.isEnum) {
    w.writeInt32(meta.enumValues.length);
    for (const v of meta.enumValues) {
      w.writeUtf8String(v.name);
      w.writeInt32(v.ordinal);
    }
  }
  w.writeInt32(meta.schemas.length);
  for (const s of meta.schemas) {
    w.writeInt32(s.schemaId);
    w.writeInt32(s.fieldIds.length);
    for (const id of s.fieldIds) w.writeInt32(id);
  }
}

function readCount(r: BinaryReader, minEntrySize: number, what: string): number {
  const n = r.readInt32();
  if (n < 0) throw malformed(`negative ${what} count ${n}`);
  if (n * minEntrySize > r.remaining)
    throw malformed(`${what} count ${n} exceeds the ${r.remaining} bytes left`);
  return n;
}

function readName(r: BinaryReader, what: string): string {
  const s = r.readUtf8String();
  if (s === null) throw malformed(`${what} is null`);
  return s;
}

/** Reads a binary type's metadata (op 3002's answer after its `bool exists`). */
export function readBinaryTypeMeta(r: BinaryReader): BinaryTypeMeta {
  const typeId = r.readInt32();
  const typeName = readName(r, 'binary type name');
  const affinityKeyField = r.readUtf8String();
  const nFields = readCount(r, 9, 'binary field');
  const fields: BinaryFieldMeta[] = [];
  for (let i = 0; i < nFields; i++) {
    const name = readName(r, 'binary field name');
    fields.push({ name, typeCode: r.readInt32(), fieldId: r.readInt32() });
  }
  const isEnum = r.readBool();
  const enumValues: { name: string; ordinal: number }[] = [];
  if (isEnum) {
    const n = readCount(r, 5, 'enum value');
    for (let i = 0; i < n; i++)
      enumValues.push({ name: readName(r, 'enum value name'), ordinal: r.readInt32() });
  }
  const nSchemas = readCount(r, 8, 'schema');
  const schemas: BinarySchemaMeta[] = [];
  for (let i = 0; i < nSchemas; i++) {
    const schemaId = r.readInt32();
    const n = readCount(r, 4, 'schema field');
    const fieldIds: number[] = new Array(n);
    for (let j = 0; j < n; j++) fieldIds[j] = r.readInt32();
    schemas.push({ schemaId, fieldIds });
  }
  return { typeId, typeName, affinityKeyField, fields, isEnum, enumValues, schemas };
}

/** Internal description of a complex type declared with `defineType` (or derived from server metadata). */
export interface ComplexTypeDescriptor {
  readonly typeName: string;
  readonly typeId: number;
  readonly names: readonly string[];
  readonly ids: readonly number[];
  readonly hints: readonly (TypeHint | undefined)[];
  readonly schemaId: number;
  readonly idToName: ReadonlyMap<number, string>;
  readonly meta: BinaryTypeMeta;
  readonly ctor: ComplexType;
}

export const DESCRIPTOR: unique symbol = Symbol.for('dbwire.gridgain.complexType');

export type Schema = Record<string, TypeHint>;
/** The JS value type a type hint stands for. */
export type HintValue<H> =
  H extends Hint<infer T> ? T : H extends ComplexType<infer S> ? ComplexInstance<S> | null : unknown;
export type FieldsOf<S extends Schema> = { -readonly [K in keyof S]: HintValue<S[K]> };
export type ComplexInstance<S extends Schema = Schema> = FieldsOf<S>;

/** A class made by `defineType`: `new PersonKey({ personId: 1, companyId: 1 })`. */
export interface ComplexType<S extends Schema = Schema> {
  new (fields?: Partial<FieldsOf<S>>): ComplexInstance<S>;
  readonly typeName: string;
  readonly typeId: number;
  readonly schemaId: number;
  readonly schema: Readonly<S>;
  readonly [DESCRIPTOR]: ComplexTypeDescriptor;
}

/**
 * A hint: one of the exported hint constants, a class made by `defineType`, or `BinaryObject` (any
 * complex object).
 */
export type TypeHint = Hint<any> | ComplexType<any> | typeof BinaryObject;

export function isTypeHint(x: unknown): x is TypeHint {
  return (
    x instanceof Hint ||
    x === BinaryObject ||
    (typeof x === 'function' && (x as any)[DESCRIPTOR] !== undefined)
  );
}

export function descriptorOfHint(h: TypeHint): ComplexTypeDescriptor | undefined {
  return typeof h === 'function' ? (h as any)[DESCRIPTOR] : undefined;
}

/** The descriptor of an instance of a defined type, if it is one. */
export function descriptorOfInstance(v: object): ComplexTypeDescriptor | undefined {
  return (v.constructor as any)?.[DESCRIPTOR];
}

/** Types declared in this process, by type id (the last declaration of an id wins). */
export const definedTypes = new Map<number, ComplexType>();

function hintTypeCode(h: TypeHint | undefined): number {
  if (h === undefined) return TypeCode.COMPLEX_OBJECT;
  return h instanceof Hint ? h.code : TypeCode.COMPLEX_OBJECT;
}

/** @internal builds the class; `register` false for types derived from server metadata. */
export function makeType<S extends Schema>(
  typeName: string,
  schema: S,
  register: boolean,
  hintsOverride?: readonly (TypeHint | undefined)[],
  metaOverride?: BinaryTypeMeta,
): ComplexType<S> {
  if (typeof typeName !== 'string' || typeName === '')
    throw new UsageError('defineType needs a non-empty type name');
  if (schema === null || typeof schema !== 'object') throw new UsageError('defineType needs a schema object');
  const names = Object.keys(schema);
  const hints: (TypeHint | undefined)[] = hintsOverride ? [...hintsOverride] : names.map((n) => schema[n]);
  if (!hintsOverride) {
    for (let i = 0; i < names.length; i++) {
      if (!isTypeHint(hints[i])) {
        throw new UsageError(
          `defineType('${typeName}'): field '${names[i]}' needs a type hint (e.g. IntObject)`,
        );
      }
    }
  }
  const ids = names.map(fieldIdOf);
  const idToName = new Map<number, string>();
  for (let i = 0; i < names.length; i++) {
    if (idToName.has(ids[i]!)) {
      throw new UsageError(
        `defineType('${typeName}'): fields '${idToName.get(ids[i]!)}' and '${names[i]}' have the same field id`,
      );
    }
    idToName.set(ids[i]!, names[i]!);
  }
  const typeId = typeIdOf(typeName);
  const schemaId = schemaIdOf(ids);
  const meta: BinaryTypeMeta = metaOverride ?? {
    typeId,
    typeName,
    affinityKeyField: null,
    fields: names.map((name, i) => ({ name, typeCode: hintTypeCode(hints[i]), fieldId: ids[i]! })),
    isEnum: false,
    enumValues: [],
    schemas: names.length ? [{ schemaId, fieldIds: ids }] : [],
  };
  const nameSet = new Set(names);
  const cls = class {
    constructor(fields?: Record<string, unknown>) {
      const self = this as Record<string, unknown>;
      for (const n of names) {
        const value = fields?.[n] ?? null;
        if (n === '__proto__') Object.defineProperty(self, n, { value, enumerable: true, writable: true });
        else self[n] = value;
      }
      if (fields) {
        for (const k of Object.keys(fields)) {
          if (!nameSet.has(k)) throw new UsageError(`${typeName} has no field '${k}'`);
        }
      }
    }
  };
  Object.defineProperty(cls, 'name', { value: typeName.replace(/^.*[.$]/, '') || 'ComplexObject' });
  const ctor = cls as unknown as ComplexType<S>;
  const desc: ComplexTypeDescriptor = {
    typeName,
    typeId,
    names,
    ids,
    hints,
    schemaId,
    idToName,
    meta,
    ctor: ctor as unknown as ComplexType,
  };
  Object.defineProperties(cls, {
    typeName: { value: typeName },
    typeId: { value: typeId },
    schemaId: { value: schemaId },
    schema: { value: Object.freeze({ ...schema }) },
    [DESCRIPTOR]: { value: desc },
  });
  if (register) definedTypes.set(typeId, ctor as ComplexType);
  return ctor;
}

/**
 * Declares a complex (binary object) type with an ordered schema — pygridgain's `GenericObjectMeta`.
 * Type id, field ids and schema id follow Java's rules, so objects round-trip with Java and Python.
 *
 *     const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });
 *     await cache.put(new PersonKey({ personId: 1, companyId: 1 }), 'test');
 */
export function defineType<S extends Schema>(
  typeName: string,
  schema: S,
  options?: { affinityKeyField?: keyof S & string },
): ComplexType<S> {
  const t = makeType(typeName, schema, true);
  const field = options?.affinityKeyField;
  if (field !== undefined) {
    if (!Object.hasOwn(schema, field))
      throw new UsageError(`defineType('${typeName}'): no field '${field}' for the affinity key`);
    t[DESCRIPTOR].meta.affinityKeyField = field;
  }
  return t;
}

/** The options form of `GenericObjectMeta`: pygridgain's `type_name=…, schema=…` class keywords. */
export interface GenericObjectMetaOptions<S extends Schema> {
  typeName: string;
  schema: S;
  affinityKeyField?: keyof S & string;
}

/**
 * pygridgain's `GenericObjectMeta`: `defineType` in either form. The options form mirrors the seed's
 * class keywords, and a class extending the result reads back as an instance of that class (once it
 * was written, or registered with `client.registerBinaryType`):
 *
 *     class PersonKey extends GenericObjectMeta({ typeName: 'PersonKey', schema: { personId: IntObject } }) {}
 */
export function GenericObjectMeta<S extends Schema>(options: GenericObjectMetaOptions<S>): ComplexType<S>;
export function GenericObjectMeta<S extends Schema>(
  typeName: string,
  schema: S,
  options?: { affinityKeyField?: keyof S & string },
): ComplexType<S>;
export function GenericObjectMeta<S extends Schema>(
  nameOrOptions: string | GenericObjectMetaOptions<S>,
  schema?: S,
  options?: { affinityKeyField?: keyof S & string },
): ComplexType<S> {
  if (typeof nameOrOptions === 'object' && nameOrOptions !== null) {
    const { typeName, schema: s, affinityKeyField } = nameOrOptions;
    return defineType(typeName, s, affinityKeyField === undefined ? undefined : { affinityKeyField });
  }
  return defineType(nameOrOptions, schema as S, options);
}

/**
 * Makes `cls` (a class extending a defined type, or the type itself) the class that values of its
 * type read back as. Called when an instance of a subclass is written, and by `registerBinaryType`.
 */
export function useClassForType(cls: Function): void {
  const desc = (cls as any)[DESCRIPTOR] as ComplexTypeDescriptor | undefined;
  if (desc === undefined) throw new UsageError(`${cls.name || 'class'} is not a defined binary type`);
  definedTypes.set(desc.typeId, cls as ComplexType);
}

/**
 * A complex object as read from the wire, not (yet) turned into an instance of a type: its header plus
 * the bytes it lives in. `resolveValue` turns it into an instance; writing it back copies its bytes.
 */
export class BinaryObject {
  /** @internal */
  buf: Buffer;
  /** @internal offset of the object's type code in `buf` */
  start: number;

  constructor(
    buf: Buffer,
    start: number,
    readonly flags: number,
    readonly typeId: number,
    readonly hashCode: number,
    readonly length: number,
    readonly schemaId: number,
    readonly schemaOffset: number,
    /** Offset of the first field from `start` (24, or past the class name of an unregistered type). */
    readonly dataOffset: number,
    /** Class name of an unregistered type (type id 0), else null. */
    readonly className: string | null,
  ) {
    this.buf = buf;
    this.start = start;
  }

  /** A copy of the object's bytes (header to footer). */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(this.start, this.start + this.length));
  }
}

/** An enum type declared with `defineEnum`: its members as `EnumValue`s, by name. */
export interface EnumType<N extends string = string> {
  readonly typeName: string;
  readonly typeId: number;
  readonly meta: BinaryTypeMeta;
  /** Members by name: `Color.values.RED`. */
  readonly values: { readonly [K in N]: EnumValue };
  /** The member's name, or undefined for an ordinal the type does not declare. */
  nameOf(value: EnumValue): N | undefined;
}

/** Enum types declared in this process, by type id (registered with the server by `prepareValue`). */
export const definedEnums = new Map<number, EnumType>();

/**
 * Declares an enum binary type (Java `enum`): names in ordinal order, or a name → ordinal record.
 *
 *     const Color = defineEnum('Color', ['RED', 'GREEN']);
 *     await cache.put('c', Color.values.GREEN);
 */
export function defineEnum<N extends string>(
  typeName: string,
  members: readonly N[] | Record<N, number>,
): EnumType<N> {
  if (typeof typeName !== 'string' || typeName === '')
    throw new UsageError('defineEnum needs a non-empty type name');
  const entries: [N, number][] = Array.isArray(members)
    ? (members as readonly N[]).map((n, i) => [n, i])
    : (Object.entries(members) as [N, number][]);
  const typeId = typeIdOf(typeName);
  if (typeId === 0)
    throw new UsageError(`defineEnum('${typeName}'): the type id of this name is 0, which is reserved`);
  const values = {} as Record<N, EnumValue>;
  const names = new Map<number, N>();
  for (const [name, ordinal] of entries) {
    if (!Number.isInteger(ordinal) || ordinal !== (ordinal | 0)) {
      throw new UsageError(`defineEnum('${typeName}'): ordinal of '${name}' must be a 32-bit integer`);
    }
    if (names.has(ordinal))
      throw new UsageError(`defineEnum('${typeName}'): ordinal ${ordinal} is used twice`);
    names.set(ordinal, name);
    Object.defineProperty(values, name, { value: new EnumValue(typeId, ordinal), enumerable: true });
  }
  const meta: BinaryTypeMeta = {
    typeId,
    typeName,
    affinityKeyField: null,
    fields: [],
    isEnum: true,
    enumValues: entries.map(([name, ordinal]) => ({ name, ordinal })),
    schemas: [],
  };
  const type: EnumType<N> = {
    typeName,
    typeId,
    meta,
    values: Object.freeze(values),
    nameOf: (v) => (v.typeId === typeId ? names.get(v.ordinal) : undefined),
  };
  definedEnums.set(typeId, type as unknown as EnumType);
  return type;
}
