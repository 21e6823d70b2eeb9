import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BoolArrayObject,
  BoolObject,
  ByteArrayObject,
  ByteObject,
  type Cache,
  CacheError,
  CharArrayObject,
  CharObject,
  Client,
  CollectionObject,
  DateArrayObject,
  DateObject,
  Decimal,
  DecimalArrayObject,
  DecimalObject,
  DoubleArrayObject,
  DoubleObject,
  defineType,
  FloatArrayObject,
  FloatObject,
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
  StringObject,
  Time,
  TimeArrayObject,
  TimeObject,
  Timestamp,
  TimestampArrayObject,
  TimestampObject,
  type TypeHint,
  UUID,
  UUIDArrayObject,
  UUIDObject,
} from '../../src/index.js';

let client: Client;
let cache: Cache;

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
  cache = await client.getOrCreateCache(`types-${process.pid}`);
});

afterAll(async () => {
  await cache?.destroy().catch(() => {});
  await client?.close();
});

const uuid = new UUID('123e4567-e89b-12d3-a456-426614174000');
const when = new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789));

/** [name, value, hint]: stored through the server with the hint, read back, compared. */
const cases: Array<[string, unknown, TypeHint | undefined]> = [
  ['ByteObject', -128, ByteObject],
  ['ShortObject', -32768, ShortObject],
  ['IntObject', 2147483647, IntObject],
  ['LongObject (safe)', 9007199254740991, LongObject],
  ['LongObject (bigint beyond 2^53)', 9223372036854775807n, LongObject],
  ['LongObject (negative bigint)', -9223372036854775808n, LongObject],
  ['FloatObject', 1.5, FloatObject],
  ['DoubleObject', Math.PI, DoubleObject],
  ['CharObject', 'Ж', CharObject],
  ['BoolObject', true, BoolObject],
  ['String (UTF-8, astral)', 'héllo 😀 wörld', StringObject],
  ['UUIDObject', uuid, UUIDObject],
  ['DateObject', when, DateObject],
  ['TimestampObject', new Timestamp(when, 123456), TimestampObject],
  ['TimeObject', new Time(45296789), TimeObject],
  [
    'DecimalObject (beyond double precision)',
    new Decimal('-12345678901234567890.123456789012345678'),
    DecimalObject,
  ],
  ['ByteArrayObject', Buffer.from([0, 1, 127, 128, 255]), ByteArrayObject],
  ['ShortArrayObject', [1, -2, 32767], ShortArrayObject],
  ['IntArrayObject', [1, -2, 2147483647], IntArrayObject],
  ['LongArrayObject', [1, -2, 9223372036854775807n], LongArrayObject],
  ['FloatArrayObject', [0.5, -1.25], FloatArrayObject],
  ['DoubleArrayObject', [0.1, -1e300], DoubleArrayObject],
  ['CharArrayObject', ['a', 'Ж'], CharArrayObject],
  ['BoolArrayObject', [true, false, true], BoolArrayObject],
  ['StringArrayObject', ['a', null, 'ü'], StringArrayObject],
  ['UUIDArrayObject', [uuid, null], UUIDArrayObject],
  ['DateArrayObject', [when, null], DateArrayObject],
  ['TimestampArrayObject', [new Timestamp(when, 5)], TimestampArrayObject],
  ['TimeArrayObject', [new Time(1000)], TimeArrayObject],
  ['DecimalArrayObject', [new Decimal('1.10'), new Decimal('-0.000000000000000000001')], DecimalArrayObject],
  ['ObjectArrayObject with hinted elements', [1, 'two', [3, ShortObject]], ObjectArrayObject],
  ['CollectionObject', [1, 'two', null], CollectionObject],
  [
    'MapObject',
    new Map<unknown, unknown>([
      ['a', 1],
      [2, 'b'],
    ]),
    MapObject,
  ],
  ['Null inside a map', new Map<unknown, unknown>([['k', [null, Null]]]), MapObject],
  ['default: integer number', 42, undefined],
  ['default: fraction', 0.25, undefined],
  ['default: string', 'plain', undefined],
  ['default: boolean', false, undefined],
  ['default: bigint beyond 2^53', 2n ** 60n, undefined],
  ['default: Buffer', Buffer.from('bytes'), undefined],
];

function normal(v: unknown): unknown {
  // Hinted tuples inside containers come back as their plain element.
  if (v instanceof Map)
    return new Map(
      [...v].map(([k, x]) => [
        normal(k),
        Array.isArray(x) && x.length === 2 && typeof x[1] === 'object' ? x[0] : normal(x),
      ]),
    );
  if (Array.isArray(v))
    return v.map((x) => (Array.isArray(x) && x.length === 2 && typeof x[1] === 'object' ? x[0] : normal(x)));
  return v;
}

describe('every thin-protocol type round-trips through the real server', () => {
  for (const [name, value, hint] of cases) {
    it(name, async () => {
      await cache.put(name, value, hint ? { valueHint: hint } : {});
      const back = await cache.get(name);
      if (value instanceof Decimal) expect(String(back)).toBe(String(value));
      else if (Array.isArray(value) && value[0] instanceof Decimal) {
        expect((back as unknown[]).map(String)).toEqual(value.map(String));
      } else if (value instanceof Time) expect((back as Time).millis).toBe(value.millis);
      else if (Array.isArray(value) && value[0] instanceof Time) {
        expect((back as Time[]).map((t) => t.millis)).toEqual(value.map((t: Time) => t.millis));
      } else if (value instanceof Timestamp) {
        expect((back as Date).getTime()).toBe(value.getTime());
        expect((back as Timestamp).nanos).toBe(value.nanos);
      } else if (value instanceof Date) expect((back as Date).getTime()).toBe(value.getTime());
      else if (value instanceof UUID) expect(String(back)).toBe(String(value));
      else if (Array.isArray(value) && value.some((x) => x instanceof UUID || x instanceof Date)) {
        expect(
          (back as unknown[]).map((x) => (x === null ? null : String(x instanceof Date ? x.getTime() : x))),
        ).toEqual(value.map((x) => (x === null ? null : String(x instanceof Date ? x.getTime() : x))));
      } else if (Buffer.isBuffer(value)) expect(Buffer.from(back as Uint8Array)).toEqual(value);
      else if (hint === FloatArrayObject || hint === FloatObject) expect(back).toEqual(value);
      else expect(back).toEqual(normal(value));
    });
  }

  it('small bigints come back as numbers (longs are bigint only beyond 2^53)', async () => {
    await cache.put('small-bigint', 123n);
    expect(await cache.get('small-bigint')).toBe(123);
  });

  it('a null value is refused by the server with a CacheError, the connection stays usable', async () => {
    await expect(cache.put('null', null)).rejects.toBeInstanceOf(CacheError);
    expect(await cache.get('null')).toBeNull();
  });

  it('values used as keys keep their Ignite type (IntObject 1 ≠ LongObject 1 ≠ ShortObject 1)', async () => {
    await cache.put([1, IntObject], 'int');
    await cache.put([1, ShortObject], 'short');
    await cache.put(1, 'long');
    expect(await cache.get(1, { keyHint: IntObject })).toBe('int');
    expect(await cache.get(1, { keyHint: ShortObject })).toBe('short');
    expect(await cache.get(1)).toBe('long');
  });

  it('complex objects: nested, with every field kind, as keys and values', async () => {
    const Address = defineType(`Address${process.pid}`, { street: StringObject, zip: IntObject });
    const Person = defineType(`Person${process.pid}`, {
      id: LongObject,
      name: StringObject,
      balance: DecimalObject,
      tags: StringArrayObject,
      address: Address as unknown as TypeHint,
      born: DateObject,
      ratio: DoubleObject,
    });
    const p = new Person({
      id: 7n,
      name: 'Ada',
      balance: new Decimal('1234.5600'),
      tags: ['x', 'y'],
      address: new Address({ street: 'Main', zip: 12345 }),
      born: when,
      ratio: 0.5,
    });
    await cache.put('person', p);
    const back = (await cache.get('person')) as Record<string, unknown>;
    expect(back).toBeInstanceOf(Person);
    expect(back.name).toBe('Ada');
    expect(String(back.balance)).toBe('1234.5600');
    expect(back.tags).toEqual(['x', 'y']);
    expect((back.address as Record<string, unknown>).zip).toBe(12345);
    expect((back.born as Date).getTime()).toBe(when.getTime());
    await cache.put(p, 'as key');
    expect(await cache.get(p)).toBe('as key');
  });

  it('a second client that never defined the type reads it through GET_BINARY_TYPE', async () => {
    const T = defineType(`Remote${process.pid}`, { a: IntObject, b: StringObject });
    await cache.put('remote', new T({ a: 1, b: 'two' }));
    const other = new Client();
    const info = await useServer('ignite');
    const [h, port] = info.endpoints[0]!.split(':');
    await other.connect(h!, Number(port));
    try {
      const back = (await other.getCache(cache.name).get('remote')) as Record<string, unknown>;
      expect(back.a).toBe(1);
      expect(back.b).toBe('two');
    } finally {
      await other.close();
    }
  });
});
