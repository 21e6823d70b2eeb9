import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ByteObject,
  CharObject,
  DateObject,
  DoubleObject,
  defineType,
  FloatObject,
  fieldIdOf,
  IntObject,
  LongObject,
  ShortObject,
  typeIdOf,
  UUID,
  UUIDObject,
} from '../binary/index.js';
import { affinityHashCode } from './key-hash.js';
import { rendezvousPartition } from './partition.js';

// Expected values computed by Java (Ignite 2.17 on the server classpath): java/AffinityVectors.java
// generates the same keys by the same formulas and writes [hashCode, [partition per count]] rows.
type Row = [number, number[]];
const V = JSON.parse(readFileSync(new URL('./java-vectors.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
> & { parts: number[]; personKey: [number, number, number][] };
const N = 200;

function rows(kind: string): Row[] {
  return V[kind] as Row[];
}

function check(kind: string, keys: unknown[], hint: Parameters<typeof affinityHashCode>[1]): void {
  const expected = rows(kind);
  expect(keys.length).toBe(expected.length);
  const got = keys.map((k): Row => {
    const h = affinityHashCode(k, hint);
    return [h, V.parts.map((p) => rendezvousPartition(h, p))];
  });
  expect(got).toEqual(expected);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const long64 = (v: bigint) => BigInt.asIntN(64, v);

describe('affinity hash and partition = Java (RendezvousAffinityFunction, 1024/1000/512/7 parts)', () => {
  it('ints', () => {
    const keys = [...range(N).map((i) => Math.imul(i, 0x9e3779b1)), 0, 1, -1, -2147483648, 2147483647];
    check('int', keys, IntObject);
  });

  it('longs (bigint, beyond 2^53 included)', () => {
    const keys = [
      ...range(N).map((i) => long64(BigInt(i) * 0x9e3779b97f4a7c15n)),
      0n,
      -1n,
      -(2n ** 63n),
      2n ** 63n - 1n,
      2n ** 53n,
      -(2n ** 53n),
    ];
    check('long', keys, LongObject);
  });

  it('longs are the default for integer numbers', () => {
    const h = affinityHashCode(12345, undefined);
    expect(h).toBe(affinityHashCode(12345n, LongObject));
  });

  it('strings (UTF-16 code units, outside the BMP included)', () => {
    const keys = [
      ...range(N).map((i) => `key_${i}${i % 3 === 0 ? 'éк日' : ''}${i % 5 === 0 ? '😀' : ''}`),
      '',
      'a',
      'my key',
      'test_key',
      '\u0000',
      '\uffff',
    ];
    check('string', keys, undefined);
  });

  it('UUIDs', () => {
    const keys = range(N).map((i) =>
      UUID.fromBits(
        long64(BigInt(i) * 0x9e3779b97f4a7c15n),
        long64(~long64(BigInt(i) * 0xc2b2ae3d27d4eb4fn)),
      ),
    );
    check('uuid', keys, UUIDObject);
    check('uuid', keys, undefined);
  });

  it('doubles (±0, NaN, infinities, extremes)', () => {
    const keys = [
      ...range(N).map((i) => i * 1.37 - 100.0),
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      0.1,
    ];
    check('double', keys, DoubleObject);
  });

  it('floats, chars, shorts, bytes, dates', () => {
    check(
      'float',
      range(N).map((i) => Math.fround(i * 0.75 - 50.0)),
      FloatObject,
    );
    check(
      'char',
      range(N).map((i) => String.fromCharCode((i * 331) % 65536)),
      CharObject,
    );
    check(
      'short',
      range(N).map((i) => ((i * 331 - 30000) << 16) >> 16),
      ShortObject,
    );
    check(
      'byte',
      range(N).map((i) => ((i * 3 - 128) << 24) >> 24),
      ByteObject,
    );
    check(
      'date',
      range(N).map((i) => new Date(1_700_000_000_000 + i * 86_400_123)),
      DateObject,
    );
  });

  it('booleans', () => {
    check('bool', [true, false], undefined);
  });

  it('binary objects: their hash, and their affinity key field when the cache names one', () => {
    const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });
    const keyFields = new Map([[typeIdOf('PersonKey'), fieldIdOf('companyId')]]);
    const got = range(N).map((i) => {
      const key = new PersonKey({ personId: Math.imul(i, 0x9e3779b1), companyId: i * 7 - 300 });
      const h = affinityHashCode(key, undefined);
      return [
        h,
        rendezvousPartition(h, 1024),
        rendezvousPartition(affinityHashCode(key, undefined, keyFields), 1024),
      ];
    });
    expect(got).toEqual(V.personKey);
  });
});
