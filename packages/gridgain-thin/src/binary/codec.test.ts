import { ProtocolError, UsageError } from '@dbwire/core';
import { describe, expect, it } from 'vitest';
import {
  BinaryReader,
  BinaryWriter,
  BoolArrayObject,
  ByteObject,
  CharArrayObject,
  CharObject,
  CollectionObject,
  Decimal,
  DecimalObject,
  DoubleObject,
  EnumValue,
  FloatArrayObject,
  FloatObject,
  IntArrayObject,
  IntObject,
  LongObject,
  MapObject,
  MemoryTypeRegistry,
  Null,
  ObjectArrayObject,
  readValue,
  ShortArrayObject,
  ShortObject,
  String as StringHint,
  Time,
  Timestamp,
  TimestampObject,
  UUID,
  UUIDObject,
  writeValue,
} from './index.js';

function memoryContext() {
  const registry = new MemoryTypeRegistry();
  return { registry, puts: registry.puts, fetches: registry.fetches };
}

const ctx = memoryContext();

function hex(value: unknown, hint?: Parameters<typeof writeValue>[2]): string {
  const w = new BinaryWriter(4);
  writeValue(w, value, hint, ctx);
  return w.toBuffer().toString('hex');
}

function read(h: string): unknown {
  const r = new BinaryReader(Buffer.from(h.replace(/\s/g, ''), 'hex'));
  const v = readValue(r, ctx);
  expect(r.remaining).toBe(0);
  return v;
}

function roundTrip(value: unknown, hint?: Parameters<typeof writeValue>[2]): unknown {
  return read(hex(value, hint));
}

describe('writeValue golden bytes', () => {
  it('follows pygridgain defaults for primitives', () => {
    expect(hex(42)).toBe('042a00000000000000');
    expect(hex(-1)).toBe('04ffffffffffffffff');
    expect(hex(1.5)).toBe('06000000000000f83f');
    expect(hex('a')).toBe('090100000061');
    expect(hex('')).toBe('0900000000');
    expect(hex('é')).toBe('0902000000c3a9');
    expect(hex('😀')).toBe('0904000000f09f9880');
    // Unpaired surrogates become '?' as Java's String.getBytes(UTF_8) does.
    expect(hex('a\ud800')).toBe('09020000006' + '13f');
    expect(hex('\udc00😀')).toBe('09050000003ff09f9880');
    expect(hex(true)).toBe('0801');
    expect(hex(false)).toBe('0800');
    expect(hex(null)).toBe('65');
    expect(hex(undefined)).toBe('65');
    expect(hex(2n ** 60n)).toBe('040000000000000010');
    expect(hex(-(2n ** 63n))).toBe('040000000000000080');
    expect(hex(2 ** 60)).toBe('040000000000000010');
  });

  it('honours hints', () => {
    expect(hex(42, ShortObject)).toBe('022a00');
    expect(hex(42, IntObject)).toBe('032a000000');
    expect(hex(-2, ByteObject)).toBe('01fe');
    expect(hex('a', CharObject)).toBe('076100');
    expect(hex(1.5, FloatObject)).toBe('050000c03f');
    expect(hex(3, DoubleObject)).toBe('060000000000000840');
    expect(hex(7, LongObject)).toBe('040700000000000000');
    expect(hex(null, IntObject)).toBe('65');
    expect(hex(null, Null)).toBe('65');
  });

  it('writes the 2-tuple form anywhere', () => {
    expect(hex([42, ShortObject])).toBe('022a00');
    expect(hex([[1, IntObject], 'x'])).toBe('17ffffffff02000000' + '0301000000' + '090100000078');
    expect(hex(new Map([['k', [2, ByteObject]]]))).toBe('19010000000109010000006b' + '0102');
    expect(hex([['a', CharObject]], CollectionObject)).toBe('1801000000010761' + '00');
  });

  it('writes standard objects', () => {
    expect(hex(new UUID('00112233-4455-6677-8899-aabbccddeeff'))).toBe('0a7766554433221100ffeeddccbbaa9988');
    expect(hex('00112233-4455-6677-8899-aabbccddeeff', UUIDObject)).toBe(
      '0a7766554433221100ffeeddccbbaa9988',
    );
    expect(hex(new Date(0))).toBe('0b0000000000000000');
    expect(hex(new Timestamp(1, 5))).toBe('21010000000000000005000000');
    expect(hex(new Date(1), TimestampObject)).toBe('21010000000000000000000000');
    expect(hex(new Time(1000))).toBe('24e803000000000000');
    expect(hex(new Decimal('-1.5'))).toBe('1e01000000010000008f');
    expect(hex(new Decimal('128'))).toBe('1e00000000020000000080');
    expect(hex(new Decimal('0'))).toBe('1e000000000100000000');
    expect(hex('12.50', DecimalObject)).toBe('1e0200000002000000' + '04e2');
    expect(hex(new EnumValue(5, 2))).toBe('1c0500000002000000');
  });

  it('infers arrays as pygridgain does', () => {
    expect(hex([1, 2])).toBe('0f02000000' + '0100000000000000' + '0200000000000000');
    expect(hex([1.5])).toBe('1101000000000000000000f83f');
    expect(hex(['a', null])).toBe('1402000000' + '090100000061' + '65');
    expect(hex([true])).toBe('130100000001');
    expect(hex([])).toBe('17ffffffff00000000');
    expect(hex([1, 'a'])).toBe('17ffffffff02000000' + '040100000000000000' + '090100000061');
    expect(hex(Buffer.from([1, 255]))).toBe('0c0200000001ff');
    expect(hex(new Int32Array([1]))).toBe('0e0100000001000000');
    expect(hex(['a', 'b'], CharArrayObject)).toBe('12020000006100' + '6200');
    expect(hex([1], IntArrayObject)).toBe('0e0100000001000000');
    expect(hex([true, false], BoolArrayObject)).toBe('13020000000100');
  });

  it('writes maps and collections', () => {
    expect(hex({ a: 1 })).toBe('1901000000010901000000610401000000' + '00000000');
    expect(hex(new Set(['x']))).toBe('180100000003090100000078');
    expect(hex(['x'], CollectionObject)).toBe('180100000001090100000078');
    expect(hex(['x'], ObjectArrayObject)).toBe('17ffffffff01000000090100000078');
    expect(hex(new Map([[1, null]]), MapObject)).toBe('190100000001' + '040100000000000000' + '65');
  });

  it('rejects bad input with a UsageError and leaves the writer unchanged', () => {
    const w = new BinaryWriter();
    w.writeInt32(7);
    for (const [v, h] of [
      [300, ByteObject],
      [1.5, IntObject],
      ['ab', CharObject],
      [1, StringHint],
      ['x', IntObject],
      [2n ** 64n, LongObject],
      [Symbol('x'), undefined],
      [() => 1, undefined],
      ['not a uuid', UUIDObject],
      ['1.2.3', DecimalObject],
      [new EnumValue(0, 1), undefined],
      [new Date(Number.NaN), undefined],
    ] as const) {
      expect(() => writeValue(w, v, h as any, ctx)).toThrow(UsageError);
      expect(w.length).toBe(4);
    }
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => writeValue(w, cyclic, undefined, ctx)).toThrow(/nested deeper/);
    expect(w.length).toBe(4);
  });
});

describe('readValue', () => {
  it('round-trips every type', () => {
    const values: [unknown, unknown?][] = [
      [42],
      [-(2 ** 53) + 1],
      [2n ** 62n],
      [-(2n ** 63n)],
      [1.25],
      ['héllo wörld ✓ 𝄞'],
      [true],
      [null],
      [7, ByteObject],
      [-7, ShortObject],
      [123456, IntObject],
      [0.5, FloatObject],
      ['x', CharObject],
      [new UUID('123e4567-e89b-12d3-a456-426614174000')],
      [new Date(1700000000123)],
      [new Timestamp(1700000000123, 456789)],
      [new Time(3_600_000)],
      [new Decimal('-12345678901234567890.123456789')],
      [new Decimal('1E+3')],
      [new EnumValue(17, 3)],
      [Buffer.from('abc')],
      [[1, 2, 3]],
      [[1.5, 2]],
      [['a', null, 'c']],
      [[true, false]],
      [[new UUID('123e4567-e89b-12d3-a456-426614174000'), null]],
      [[new Date(5)]],
      [[new Timestamp(5, 1)]],
      [[new Time(5)]],
      [[new Decimal('1.5'), null]],
      [[1, 'two', null, [3]]],
      [new Set([1, 'a'])],
      [
        new Map<unknown, unknown>([
          ['a', 1],
          [2, [true, false]],
        ]),
      ],
      [[1, 2], ShortArrayObject],
      [['x', 'y'], CharArrayObject],
      [[1.5], FloatArrayObject],
    ];
    for (const [v, h] of values) expect(roundTrip(v, h as any)).toEqual(v);
    expect(roundTrip(2n ** 53n + 1n)).toBe(2n ** 53n + 1n);
    expect(roundTrip(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(roundTrip({ a: 1, b: 'x' })).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['b', 'x'],
      ]),
    );
    expect((roundTrip(new Decimal('1.50')) as Decimal).toString()).toBe('1.50');
    expect((roundTrip(new Timestamp(10, 7)) as Timestamp).nanos).toBe(7);
  });

  it('reads values written by Java: enum arrays, unregistered component types, wrapped objects, handles', () => {
    // Object[] with component type id 0 + class name, holding an int.
    expect(read('17 00000000 09 03000000 616263 01000000 03 05000000')).toEqual([5]);
    // Enum array of type 9 with one element and a null.
    expect(read('1d 09000000 02000000 1c 09000000 01000000 65')).toEqual([new EnumValue(9, 1), null]);
    // A collection holding itself through a handle: [list] where list[0] points back 6 bytes.
    const self = read('18 01000000 01 66 06000000') as unknown[];
    expect(self[0]).toBe(self);
    // Wrapped data around a long.
    expect(read('1b 09000000 040100000000000000 00000000')).toBe(1);
  });

  it('fails with typed ProtocolErrors on bad input', () => {
    const cases: [string, string][] = [
      ['', 'ERR_PROTOCOL_TRUNCATED'],
      ['04 0100', 'ERR_PROTOCOL_TRUNCATED'],
      ['09 05000000 6162', 'ERR_PROTOCOL_TRUNCATED'],
      ['09 ffffffff', 'ERR_PROTOCOL_MALFORMED'],
      ['0f ffffff7f', 'ERR_PROTOCOL_TRUNCATED'],
      ['7f', 'ERR_PROTOCOL_MALFORMED'],
      ['66 00000000', 'ERR_PROTOCOL_MALFORMED'],
      ['66 01000000', 'ERR_PROTOCOL_MALFORMED'],
      ['67 02', 'ERR_PROTOCOL_TRUNCATED'],
      ['fe 00000000', 'ERR_PROTOCOL_UNSUPPORTED'],
      ['14 01000000 04 0000000000000000', 'ERR_PROTOCOL_MALFORMED'],
    ];
    for (const [h, code] of cases) {
      let err: unknown;
      try {
        read(h);
      } catch (e) {
        err = e;
      }
      expect(err, h).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code, h).toBe(code);
    }
    // Deep nesting is refused, not a stack overflow.
    const deep = Buffer.concat([...Array(10_000)].map(() => Buffer.from('1801000000' + '01', 'hex')));
    expect(() => readValue(new BinaryReader(deep), ctx)).toThrow(ProtocolError);
  });
});

describe('BinaryWriter / BinaryReader', () => {
  it('grows by doubling, patches reserved ints and resets', () => {
    const w = new BinaryWriter(16);
    const at = w.reserveInt32();
    for (let i = 0; i < 100; i++) w.writeInt64(BigInt(i));
    w.patchInt32(at, w.length - 4);
    const b = w.toBuffer();
    expect(b.readInt32LE(0)).toBe(800);
    expect(w.buf.length).toBe(1024);
    w.reset();
    expect(w.length).toBe(0);
    w.writeUtf8String('ok');
    expect(w.toBuffer().toString('hex')).toBe('09020000006f6b');
    expect(b.readInt32LE(0)).toBe(800);
  });

  it('reads every primitive and throws ProtocolError on overrun', () => {
    const w = new BinaryWriter();
    w.writeInt8(-1);
    w.writeUInt8(255);
    w.writeInt16(-2);
    w.writeUInt16(65535);
    w.writeInt32(-3);
    w.writeFloat32(0.5);
    w.writeFloat64(0.25);
    w.writeBool(true);
    w.writeInt64(-4);
    w.writeInt64(2n ** 60n);
    w.writeInt64(5);
    w.writeBytes(Buffer.from([9, 8]));
    w.writeUtf8String('s');
    w.writeInt8(101);
    const r = new BinaryReader(w.toBuffer());
    expect(r.readInt8()).toBe(-1);
    expect(r.readUInt8()).toBe(255);
    expect(r.readInt16()).toBe(-2);
    expect(r.readUInt16()).toBe(65535);
    expect(r.readInt32()).toBe(-3);
    expect(r.readFloat32()).toBe(0.5);
    expect(r.readFloat64()).toBe(0.25);
    expect(r.readBool()).toBe(true);
    expect(r.readInt64()).toBe(-4n);
    expect(r.readLong()).toBe(2n ** 60n);
    expect(r.readLong()).toBe(5);
    expect([...r.readBytes(2)]).toEqual([9, 8]);
    expect(r.readUtf8String()).toBe('s');
    expect(r.readUtf8String()).toBe(null);
    expect(r.remaining).toBe(0);
    for (const f of [() => r.readInt8(), () => r.readInt32(), () => r.readInt64(), () => r.readBytes(1)]) {
      expect(f).toThrow(ProtocolError);
      try {
        f();
      } catch (e) {
        expect((e as ProtocolError).code).toBe('ERR_PROTOCOL_TRUNCATED');
      }
    }
    expect(() => new BinaryWriter().writeInt64(1.5)).toThrow(UsageError);
    expect(() => new BinaryWriter().writeInt64(2n ** 63n)).toThrow(UsageError);
    const windowed = new BinaryReader(Buffer.from('0102030405', 'hex'), 1, 3);
    expect(windowed.readInt16()).toBe(0x0302);
    expect(() => windowed.readInt8()).toThrow(ProtocolError);
  });
});
