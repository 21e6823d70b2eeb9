import { describe, expect, it } from 'vitest';
import {
  BinaryObject,
  BinaryReader,
  type BinaryTypeMeta,
  BinaryWriter,
  binaryObjectHash,
  Decimal,
  defineType,
  fieldIdOf,
  IntObject,
  MemoryTypeRegistry,
  readValue,
  resolveValue,
  schemaIdOf,
  Time,
  Timestamp,
  TypeCode,
  typeIdOf,
  UUID,
  writeValue,
} from './index.js';

// Bytes produced by Apache Ignite 2.17.0's own Java thin client (BinaryObjectBuilder against a real
// node; `BinaryObjectImpl.array()` from `start()` for `length()` bytes), captured once:
//   builder("PersonKey").setField("personId", 1).setField("companyId", 1)            → PERSON_KEY
//   builder("dbwire.Everything") with the fields of EVERYTHING_FIELDS, in that order   → EVERYTHING
const PERSON_KEY = '67012b00eac6da32013030062400000055f40fd02200000003010000000301000000181d';
const PERSON_KEY_JAVA_HASH = 103821313;
const EVERYTHING =
  '670133007ecb9e5d5db65d6a6601000084f98d053401000001fe02d4fe0340e20100040100000000002000050000c03f06000000' +
  '000000d0bf075a000801090600000068c3a96c6c6f0ad3129be867453e1200401714664256a40b7b68e5cf8b010000217b68e5cf8b' +
  '01000055f806002480ee3600000000001e0400000004000000875bcd151e010000000d0000000f951a9fa3a286c94f0e766c390c' +
  '0200000001ff0e0200000001000000feffffff0f010000000300000000000000140200000009010000007865180200000001030100' +
  '000009010000006119010000000109010000006b04020000000000000018010000000309010000007317ffffffff0200000003010000' +
  '0009010000007867012b00eac6da32013030062400000055f40fd02200000003010000000301000000181d6518001a001d0022002b00' +
  '300039003c003e0049005a0063007000790086009c00a300b000bd00c900da00ef00fb000f013301';
const EVERYTHING_JAVA_HASH = 1784526429;

const EVERYTHING_FIELDS: [string, number][] = [
  ['b', TypeCode.BYTE],
  ['s', TypeCode.SHORT],
  ['i', TypeCode.INT],
  ['l', TypeCode.LONG],
  ['f', TypeCode.FLOAT],
  ['d', TypeCode.DOUBLE],
  ['c', TypeCode.CHAR],
  ['z', TypeCode.BOOL],
  ['str', TypeCode.STRING],
  ['uuid', TypeCode.UUID],
  ['date', TypeCode.DATE],
  ['ts', TypeCode.TIMESTAMP],
  ['time', TypeCode.TIME],
  ['dec', TypeCode.DECIMAL],
  ['bigdec', TypeCode.DECIMAL],
  ['bytes', TypeCode.BYTE_ARRAY],
  ['ints', TypeCode.INT_ARRAY],
  ['longs', TypeCode.LONG_ARRAY],
  ['strs', TypeCode.STRING_ARRAY],
  ['list', TypeCode.COLLECTION],
  ['map', TypeCode.MAP],
  ['set', TypeCode.COLLECTION],
  ['objs', TypeCode.OBJECT_ARRAY],
  ['nested', TypeCode.COMPLEX_OBJECT],
  ['nothing', TypeCode.COMPLEX_OBJECT],
];

function memoryContext() {
  const registry = new MemoryTypeRegistry();
  return { registry, puts: registry.puts, fetches: registry.fetches };
}

const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });

function everythingMeta(): BinaryTypeMeta {
  const ids = EVERYTHING_FIELDS.map(([n]) => fieldIdOf(n));
  return {
    typeId: typeIdOf('dbwire.Everything'),
    typeName: 'dbwire.Everything',
    affinityKeyField: null,
    fields: EVERYTHING_FIELDS.map(([name, typeCode]) => ({ name, typeCode, fieldId: fieldIdOf(name) })),
    isEnum: false,
    enumValues: [],
    schemas: [{ schemaId: schemaIdOf(ids), fieldIds: ids }],
  };
}

describe('objects written by Java (Ignite 2.17 BinaryObjectBuilder)', () => {
  it('PersonKey: our bytes are exactly Java’s', () => {
    const w = new BinaryWriter();
    writeValue(w, new PersonKey({ personId: 1, companyId: 1 }), undefined, memoryContext());
    expect(w.toBuffer().toString('hex')).toBe(PERSON_KEY);
    const buf = Buffer.from(PERSON_KEY, 'hex');
    expect(binaryObjectHash(buf, 24, buf.readInt32LE(20))).toBe(PERSON_KEY_JAVA_HASH);
  });

  it('reads every field type of a Java-built object, and writes it back byte-for-byte', async () => {
    const buf = Buffer.from(EVERYTHING, 'hex');
    // Header facts: type id, schema id (FNV over the field ids in builder order) and content hash.
    expect(buf.readInt32LE(4)).toBe(typeIdOf('dbwire.Everything'));
    expect(buf.readInt32LE(8)).toBe(EVERYTHING_JAVA_HASH);
    expect(binaryObjectHash(buf, 24, buf.readInt32LE(20))).toBe(EVERYTHING_JAVA_HASH);
    expect(buf.readInt32LE(16)).toBe(everythingMeta().schemas[0]!.schemaId);

    const ctx = memoryContext();
    await ctx.registry.put(everythingMeta());
    const raw = readValue(new BinaryReader(buf), ctx);
    expect(raw).toBeInstanceOf(BinaryObject);
    const v = (await resolveValue(raw, ctx)) as Record<string, unknown>;
    expect(v.constructor.name).toBe('Everything');
    expect({ ...v }).toEqual({
      b: -2,
      s: -300,
      i: 123456,
      l: 9007199254740993n,
      f: 1.5,
      d: -0.25,
      c: 'Z',
      z: true,
      str: 'héllo',
      uuid: new UUID('123e4567-e89b-12d3-a456-426614174000'),
      date: new Date(1700000000123),
      ts: new Timestamp(1700000000123, 456789),
      time: new Time(3600000),
      dec: new Decimal('-12345.6789'),
      bigdec: new Decimal('123456789012345678901234567890.5'),
      bytes: Buffer.from([1, 255]),
      ints: [1, -2],
      longs: [3],
      strs: ['x', null],
      list: [1, 'a'],
      map: new Map([['k', 2]]),
      set: new Set(['s']),
      objs: [1, 'x'],
      nested: new PersonKey({ personId: 1, companyId: 1 }),
      nothing: null,
    });
    expect((v.ts as Timestamp).nanos).toBe(456789);
    expect(v.nested).toBeInstanceOf(PersonKey);

    // Written back through the class derived from the server's metadata: identical bytes and hash.
    // Inside untyped containers a JS number defaults to a long; Java's list held Integers, which the
    // 2-tuple form restores.
    v.list = [[1, IntObject], 'a'];
    v.objs = [[1, IntObject], 'x'];
    const w = new BinaryWriter();
    writeValue(w, v, undefined, ctx);
    expect(w.toBuffer().toString('hex')).toBe(EVERYTHING);
  });
});
