import { ProtocolError } from '@dbwire/core';
import { describe, expect, it } from 'vitest';
import {
  BinaryObject,
  BinaryReader,
  type BinaryTypeMeta,
  BinaryWriter,
  binaryObjectHash,
  cacheIdOf,
  DecimalObject,
  defineEnum,
  defineType,
  EnumValue,
  fieldIdOf,
  GenericObjectMeta,
  IntObject,
  javaHashCode,
  javaStringHashCode,
  LongObject,
  MemoryTypeRegistry,
  prepareValue,
  readBinaryTypeMeta,
  readValue,
  resolveValue,
  StringArrayObject,
  String as StringHint,
  schemaIdOf,
  typeIdOf,
  UUID,
  useClassForType,
  writeBinaryTypeMeta,
  writeValue,
} from './index.js';

// PersonKey { personId: Int = 1, companyId: Int = 1 }, derived by hand from the format:
//   type id   = "personkey".hashCode()  = 853198570  (0x32dac6ea)
//   field ids = "personid".hashCode()   = 443164464, "companyid".hashCode() = -1412817320
//   schema id = FNV-1a over both ids' LE bytes = -804260779 (0xd00ff455)
//   hash      = 31*h + (signed byte) from h = 1 over 03 01000000 03 01000000 = 103821313 (0x06303001)
//   header    = 67 01 | flags 2b00 (USER_TYPE|HAS_SCHEMA|OFFSET_ONE_BYTE|COMPACT_FOOTER) | type id | hash |
//               length 36 | schema id | schema offset 34; fields at 24 and 29; footer 18 1d.
const PERSON_KEY_HEX = '67012b00eac6da32013030062400000055f40fd02200000003010000000301000000181d';

function memoryContext() {
  const registry = new MemoryTypeRegistry();
  return { registry, puts: registry.puts, fetches: registry.fetches };
}

const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });

function bytesOf(value: unknown, ctx = memoryContext()): Buffer {
  const w = new BinaryWriter();
  writeValue(w, value, undefined, ctx);
  return w.toBuffer();
}

function readBack(buf: Buffer): unknown {
  const r = new BinaryReader(buf);
  const v = readValue(r);
  expect(r.remaining).toBe(0);
  return v;
}

describe('Java-compatible ids and hashes', () => {
  it('computes String.hashCode over UTF-16 units, type/field ids over lower-cased names', () => {
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('𝄞')).toBe(0xd834 * 31 + 0xdd1e);
    expect(cacheIdOf('myCache')).toBe(1482644790);
    expect(cacheIdOf('my_cache')).toBe(-479252689);
    expect(typeIdOf('PersonKey')).toBe(853198570);
    expect(typeIdOf('personkey')).toBe(853198570);
    expect(fieldIdOf('personId')).toBe(443164464);
    expect(fieldIdOf('companyId')).toBe(-1412817320);
    expect(schemaIdOf([443164464, -1412817320])).toBe(-804260779);
    expect(schemaIdOf([])).toBe(0x811c9dc5 | 0);
  });

  it('hashes binary object bytes as signed int8 from h = 1', () => {
    expect(binaryObjectHash(Buffer.from([]))).toBe(1);
    expect(binaryObjectHash(Buffer.from([0x80]))).toBe(31 - 128);
    expect(binaryObjectHash(Buffer.from([0xff, 0x01]))).toBe((31 * (31 - 1) + 1) | 0);
  });

  it('gives Java hashCode of keys', () => {
    expect(javaHashCode('a')).toBe(97);
    expect(javaHashCode(42)).toBe(42);
    expect(javaHashCode(-1)).toBe(0);
    expect(javaHashCode(2n ** 32n)).toBe(1);
    expect(javaHashCode(true)).toBe(1231);
    expect(javaHashCode(false)).toBe(1237);
    expect(javaHashCode(['a', StringHint])).toBe(97);
    expect(javaHashCode(7, IntObject)).toBe(7);
    expect(javaHashCode('a\ud800')).toBe(javaStringHashCode('a?'));
    expect(javaHashCode(1.5)).toBe(1073217536);
    expect(javaHashCode(new UUID('00000000-0000-0001-0000-000000000002'))).toBe(3);
    expect(javaHashCode(new PersonKey({ personId: 1, companyId: 1 }))).toBe(103821313);
  });
});

describe('complex objects', () => {
  it('writes PersonKey byte-for-byte as Java does', () => {
    expect(bytesOf(new PersonKey({ personId: 1, companyId: 1 })).toString('hex')).toBe(PERSON_KEY_HEX);
    // pygridgain's GenericObjectMeta, positional and options form, makes the same bytes
    const Positional = GenericObjectMeta('PersonKey', { personId: IntObject, companyId: IntObject });
    const Options = GenericObjectMeta({
      typeName: 'PersonKey',
      schema: { personId: IntObject, companyId: IntObject },
    });
    expect(bytesOf(new Positional({ personId: 1, companyId: 1 })).toString('hex')).toBe(PERSON_KEY_HEX);
    expect(bytesOf(new Options({ personId: 1, companyId: 1 })).toString('hex')).toBe(PERSON_KEY_HEX);
    useClassForType(PersonKey); // values of the type read back as the suite's class again
    expect(PersonKey.typeId).toBe(853198570);
    expect(PersonKey.schemaId).toBe(-804260779);
  });

  it('registers the type once before writing (prepareValue)', async () => {
    const ctx = memoryContext();
    const k = new PersonKey({ personId: 1, companyId: 2 });
    expect(prepareValue(42, undefined, ctx)).toBeUndefined();
    expect(prepareValue('x', undefined, ctx)).toBeUndefined();
    await prepareValue(k, undefined, ctx);
    expect(ctx.puts).toEqual([
      {
        typeId: 853198570,
        typeName: 'PersonKey',
        affinityKeyField: null,
        fields: [
          { name: 'personId', typeCode: 3, fieldId: 443164464 },
          { name: 'companyId', typeCode: 3, fieldId: -1412817320 },
        ],
        isEnum: false,
        enumValues: [],
        schemas: [{ schemaId: -804260779, fieldIds: [443164464, -1412817320] }],
      },
    ]);
    expect(prepareValue(k, undefined, ctx)).toBeUndefined();
    expect(prepareValue([[k]], undefined, ctx)).toBeUndefined();
  });

  it('declares an affinity key field in the metadata', async () => {
    const Keyed = defineType(
      'test.Keyed',
      { id: IntObject, groupId: IntObject },
      { affinityKeyField: 'groupId' },
    );
    const ctx = memoryContext();
    await prepareValue(new Keyed({ id: 1, groupId: 2 }), undefined, ctx);
    expect(ctx.puts[0]?.affinityKeyField).toBe('groupId');
    expect(() => defineType('test.Bad', { id: IntObject }, { affinityKeyField: 'nope' as 'id' })).toThrow(
      /affinity/,
    );
    expect(() => defineType('test.Bad2', { id: 42 as never })).toThrow(/type hint/);
    expect(() => new Keyed({ nope: 1 } as never)).toThrow(/no field 'nope'/);
  });

  it('reads PersonKey back into the defined class without I/O', () => {
    const o = readBack(Buffer.from(PERSON_KEY_HEX, 'hex'));
    expect(o).toBeInstanceOf(BinaryObject);
    expect((o as BinaryObject).typeId).toBe(853198570);
    expect((o as BinaryObject).hashCode).toBe(103821313);
    const v = resolveValue(o, memoryContext());
    expect(v).toBeInstanceOf(PersonKey);
    expect(v).toEqual(new PersonKey({ personId: 1, companyId: 1 }));
    // Plain values resolve to themselves, not a Promise.
    expect(resolveValue(42, memoryContext())).toBe(42);
  });

  it('fetches unknown metadata and derives a class (non-compact footer, 2-byte offsets)', async () => {
    // A Java-written object of type "Acme" with compactFooter=false: footer = (field id, offset) pairs.
    const typeId = typeIdOf('Acme');
    const name = 'x'.repeat(300);
    const w = new BinaryWriter();
    w.writeInt8(0x67);
    w.writeInt8(1);
    w.writeUInt16(0x01 | 0x02 | 0x10);
    w.writeInt32(typeId);
    w.writeInt32(0);
    const lenAt = w.reserveInt32();
    w.writeInt32(schemaIdOf([fieldIdOf('name'), fieldIdOf('n')]));
    const schemaAt = w.reserveInt32();
    w.writeUtf8String(name);
    w.writeInt8(4);
    w.writeInt64(9);
    const footer = w.length;
    w.patchInt32(schemaAt, footer);
    w.writeInt32(fieldIdOf('name'));
    w.writeUInt16(24);
    w.writeInt32(fieldIdOf('n'));
    w.writeUInt16(24 + 5 + 300);
    w.patchInt32(lenAt, w.length);
    const ctx = memoryContext();
    const meta: BinaryTypeMeta = {
      typeId,
      typeName: 'Acme',
      affinityKeyField: null,
      fields: [
        { name: 'name', typeCode: 9, fieldId: fieldIdOf('name') },
        { name: 'n', typeCode: 4, fieldId: fieldIdOf('n') },
      ],
      isEnum: false,
      enumValues: [],
      schemas: [],
    };
    await ctx.registry.put(meta);
    ctx.puts.length = 0;
    // A registry with an empty cache: the metadata must come through fetch().
    const fetchOnly = {
      registry: {
        get: () => undefined as BinaryTypeMeta | undefined,
        fetch: (id: number) => ctx.registry.fetch(id),
        put: (m: BinaryTypeMeta) => ctx.registry.put(m),
      },
    };
    const pending = resolveValue(readBack(w.toBuffer()), fetchOnly);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBeDefined();
    expect(ctx.fetches).toEqual([typeId]);
    const v = resolveValue(readBack(w.toBuffer()), ctx) as Record<string, unknown>;
    expect(v.constructor.name).toBe('Acme');
    expect(v).toEqual(expect.objectContaining({ name, n: 9 }));
  });

  it('writes 2- and 4-byte offsets, nested objects, decimals and arrays in fields', async () => {
    const Inner = defineType('test.Inner', { label: StringHint, tags: StringArrayObject });
    const Outer = defineType('test.Outer', {
      blob: StringHint,
      id: LongObject,
      price: DecimalObject,
      inner: Inner,
    });
    const ctx = memoryContext();
    for (const size of [10, 300, 70_000]) {
      const v = new Outer({
        id: 5,
        price: '12.34' as any,
        inner: new Inner({ label: 'in', tags: ['a', null] }),
        blob: 'z'.repeat(size),
      });
      await prepareValue(v, undefined, ctx);
      const buf = bytesOf(v, ctx);
      const flags = buf.readUInt16LE(2);
      expect(flags & 0x18).toBe(size === 10 ? 0x08 : size === 300 ? 0x10 : 0);
      const back = (await resolveValue(readBack(buf), ctx)) as InstanceType<typeof Outer>;
      expect(back).toBeInstanceOf(Outer);
      expect(back.inner).toBeInstanceOf(Inner);
      expect(back.inner!.tags).toEqual(['a', null]);
      expect(String(back.price)).toBe('12.34');
      expect(back.blob).toHaveLength(size);
    }
    expect(ctx.puts.map((m) => m.typeName).sort()).toEqual(['test.Inner', 'test.Outer']);
  });

  it('writes shared and cyclic references as handles and reads them back with identity', () => {
    const Node = defineType('test.Node', { name: StringHint, next: BinaryObject });
    const a = new Node({ name: 'a' });
    const b = new Node({ name: 'b', next: a });
    a.next = b;
    const buf = bytesOf(a);
    expect(buf.includes(0x66)).toBe(true);
    const back = resolveValue(readBack(buf), memoryContext()) as InstanceType<typeof Node>;
    const nb = back.next as InstanceType<typeof Node>;
    expect(back.name).toBe('a');
    expect(nb.name).toBe('b');
    expect(nb.next).toBe(back);
    // A list holding the same object twice: the second is a handle to the first.
    const k = new PersonKey({ personId: 3, companyId: 4 });
    const list = resolveValue(readBack(bytesOf([k, k])), memoryContext()) as unknown[];
    expect(list[0]).toBeInstanceOf(PersonKey);
    expect(list[1]).toBe(list[0]);
  });

  it('writes BinaryObjects back verbatim and keeps them valid after the source buffer changes', () => {
    const src = Buffer.from(PERSON_KEY_HEX, 'hex');
    const o = readBack(src) as BinaryObject;
    src.fill(0);
    expect(bytesOf(o).toString('hex')).toBe(PERSON_KEY_HEX);
    expect(o.bytes().toString('hex')).toBe(PERSON_KEY_HEX);
  });

  it('rejects objects whose footer disagrees with the schema', () => {
    const bad = Buffer.from(PERSON_KEY_HEX, 'hex');
    bad[34] = 0xf0; // first field offset beyond the data
    const o = readBack(bad);
    expect(() => resolveValue(o, memoryContext())).toThrow(ProtocolError);
  });
});

describe('enum types', () => {
  it('declares, registers and writes enum values', async () => {
    const Color = defineEnum('test.Color', ['RED', 'GREEN']);
    const green = Color.values.GREEN;
    expect(green).toEqual(new EnumValue(typeIdOf('test.Color'), 1));
    expect(Color.nameOf(green)).toBe('GREEN');
    expect(Color.nameOf(new EnumValue(Color.typeId, 7))).toBeUndefined();
    const ctx = memoryContext();
    await prepareValue([green], undefined, ctx);
    expect(ctx.puts).toEqual([
      {
        typeId: Color.typeId,
        typeName: 'test.Color',
        affinityKeyField: null,
        fields: [],
        isEnum: true,
        enumValues: [
          { name: 'RED', ordinal: 0 },
          { name: 'GREEN', ordinal: 1 },
        ],
        schemas: [],
      },
    ]);
    expect(prepareValue(green, undefined, ctx)).toBeUndefined();
    const w = new BinaryWriter();
    writeValue(w, green, undefined, ctx);
    const hex = w.toBuffer().toString('hex');
    expect(hex.slice(0, 2)).toBe('1c');
    expect(readBack(w.toBuffer())).toEqual(green);
    expect(() => defineEnum('test.Dup', { A: 1, B: 1 })).toThrow(/twice/);
  });
});

describe('binary type metadata body (ops 3002 / 3003)', () => {
  it('round-trips and matches the documented layout', () => {
    const meta: BinaryTypeMeta = {
      typeId: 1,
      typeName: 'T',
      affinityKeyField: null,
      fields: [{ name: 'f', typeCode: 3, fieldId: 102 }],
      isEnum: true,
      enumValues: [{ name: 'A', ordinal: 0 }],
      schemas: [{ schemaId: 7, fieldIds: [102] }],
    };
    const w = new BinaryWriter();
    writeBinaryTypeMeta(w, meta);
    expect(w.toBuffer().toString('hex')).toBe(
      [
        '01000000', // type id
        '090100000054', // "T"
        '65', // affinity key field: null
        '01000000', // 1 field
        '090100000066', // "f"
        '03000000', // type code
        '66000000', // field id
        '01', // is enum
        '01000000', // 1 enum value
        '090100000041', // "A"
        '00000000', // ordinal
        '01000000', // 1 schema
        '07000000', // schema id
        '01000000', // 1 field id
        '66000000',
      ].join(''),
    );
    const r = new BinaryReader(w.toBuffer());
    expect(readBinaryTypeMeta(r)).toEqual(meta);
    expect(r.remaining).toBe(0);
    const truncated = new BinaryReader(w.toBuffer().subarray(0, 20));
    expect(() => readBinaryTypeMeta(truncated)).toThrow(ProtocolError);
  });
});
