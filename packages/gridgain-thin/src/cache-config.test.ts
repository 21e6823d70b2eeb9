import { ProtocolError } from '@dbwire/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter } from './binary/index.js';
import {
  CacheMode,
  normaliseSettings,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_KEY_CONFIGURATION,
  PROP_CACHE_MODE,
  PROP_DEFAULT_LOCK_TIMEOUT,
  PROP_EAGER_TTL,
  PROP_EXPIRY_POLICY,
  PROP_KINDS,
  PROP_NAME,
  PROP_QUERY_ENTITIES,
  PROP_SQL_SCHEMA,
  readSettings,
  writeSettings,
} from './cache-config.js';
import { ParameterError } from './errors.js';

const ctx = {
  registry: {
    get: () => undefined,
    fetch: async () => undefined,
    put: async () => {},
  },
};

function str(s: string): string {
  return `09${Buffer.from([s.length, 0, 0, 0]).toString('hex')}${Buffer.from(s).toString('hex')}`;
}

describe('cache settings: validation', () => {
  it('needs PROP_NAME and known codes, with messages naming the property', () => {
    expect(() => normaliseSettings({})).toThrow(/PROP_NAME/);
    expect(() => normaliseSettings('')).toThrow(ParameterError);
    expect(() => normaliseSettings({ [PROP_NAME]: 'c', 12345: 1 })).toThrow(
      /unknown cache property code 12345/,
    );
    expect(() => normaliseSettings({ [PROP_NAME]: 'c', [PROP_BACKUPS_NUMBER]: 1.5 })).toThrow(
      /PROP_BACKUPS_NUMBER must be a 32-bit integer/,
    );
    expect(() => normaliseSettings({ [PROP_NAME]: 'c', [PROP_EAGER_TTL]: 'yes' })).toThrow(
      /PROP_EAGER_TTL must be a boolean/,
    );
    expect(() =>
      normaliseSettings({ [PROP_NAME]: 'c', [PROP_CACHE_KEY_CONFIGURATION]: [{ type_name: 'T' }] }),
    ).toThrow(/affinityKeyFieldName/);
    expect(() => normaliseSettings({ [PROP_NAME]: 'c', [PROP_EXPIRY_POLICY]: { create: -5 } })).toThrow(
      /create/,
    );
  });

  it('every code of the seed table has a wire kind', () => {
    expect(PROP_KINDS.size).toBe(31);
  });
});

describe('cache settings: encoding (ops 1053/1054)', () => {
  it('writes length, count, then (code, value) with raw ints/longs/bools and String objects', () => {
    const s = normaliseSettings({
      [PROP_NAME]: 'ab',
      [PROP_CACHE_MODE]: CacheMode.REPLICATED,
      [PROP_DEFAULT_LOCK_TIMEOUT]: 5,
      [PROP_EAGER_TTL]: true,
      [PROP_SQL_SCHEMA]: null,
    });
    const w = new BinaryWriter();
    writeSettings(w, s, [1, 7, 0], ctx);
    const hex = w.toBuffer().toString('hex');
    const body =
      '0500' + // 5 properties
      `0000${str('ab')}` +
      '0100' +
      '01000000' + // cache mode 1
      'cb00' +
      '65' + // 203 null string (integer keys iterate in ascending order)
      '9201' +
      '0500000000000000' + // 402 long
      '9501' +
      '01'; // 405 bool
    const len = Buffer.alloc(4);
    len.writeInt32LE(body.length / 2);
    expect(hex).toBe(len.toString('hex') + body);
  });

  it('query fields carry precision/scale only from protocol 1.2', () => {
    const s = normaliseSettings({
      [PROP_NAME]: 'q',
      [PROP_QUERY_ENTITIES]: [
        {
          key_type_name: 'K',
          value_type_name: 'V',
          query_fields: [{ name: 'F', type_name: 'java.lang.Integer' }],
        },
      ],
    });
    const w11 = new BinaryWriter();
    writeSettings(w11, s, [1, 1, 0], ctx);
    const w12 = new BinaryWriter();
    writeSettings(w12, s, [1, 2, 0], ctx);
    expect(w12.length - w11.length).toBe(8);
  });
});

/** A 1055 answer in the server's fixed order (ClientCacheConfigurationSerializer.write). */
function configAnswer(expiry: boolean): Buffer {
  const w = new BinaryWriter();
  const at = w.reserveInt32();
  w.writeInt32(1); // atomicity
  w.writeInt32(2); // backups
  w.writeInt32(2); // cache mode
  w.writeBool(true); // copy on read
  w.writeInt8(101); // data region
  w.writeBool(false); // eager ttl
  w.writeBool(true); // statistics
  w.writeUtf8String('grp');
  w.writeInt64(1000n);
  w.writeInt32(500);
  w.writeInt32(1024);
  w.writeUtf8String('name');
  w.writeBool(false);
  w.writeInt32(4);
  w.writeInt32(0);
  w.writeInt32(1);
  w.writeBool(true);
  w.writeInt32(524288);
  w.writeInt64(3n);
  w.writeInt64(0n);
  w.writeInt32(1);
  w.writeInt32(0);
  w.writeInt64(0n);
  w.writeInt64(10000n);
  w.writeBool(false);
  w.writeInt32(-1);
  w.writeInt8(101);
  w.writeInt32(2);
  w.writeInt32(1); // key configs
  w.writeUtf8String('PersonKey');
  w.writeUtf8String('companyId');
  w.writeInt32(0); // entities
  if (expiry) {
    w.writeBool(true);
    w.writeInt64(60000n);
    w.writeInt64(-1n);
    w.writeInt64(-2n);
  }
  w.patchInt32(at, w.length - at - 4);
  return w.toBuffer();
}

describe('cache settings: decoding (op 1055)', () => {
  it('reads the fixed-order answer into PROP_* keys', () => {
    const s = readSettings(new BinaryReader(configAnswer(true)), [1, 7, 0], ctx) as Record<number, unknown>;
    expect(s[PROP_NAME]).toBe('name');
    expect(s[PROP_BACKUPS_NUMBER]).toBe(2);
    expect(s[PROP_CACHE_MODE]).toBe(CacheMode.PARTITIONED);
    expect(s[PROP_DEFAULT_LOCK_TIMEOUT]).toBe(1000);
    expect(s[PROP_CACHE_KEY_CONFIGURATION]).toEqual([
      { typeName: 'PersonKey', affinityKeyFieldName: 'companyId' },
    ]);
    expect(s[PROP_EXPIRY_POLICY]).toEqual({ create: 60000, update: -1, access: -2 });
  });

  it('before 1.6 there is no expiry policy in the answer', () => {
    const s = readSettings(new BinaryReader(configAnswer(false)), [1, 5, 0], ctx) as Record<number, unknown>;
    expect(s[PROP_EXPIRY_POLICY]).toBeUndefined();
    expect(s[PROP_NAME]).toBe('name');
  });

  it('fuzz: truncated or mutated answers fail with ProtocolError only (100k cases)', () => {
    const good = configAnswer(true);
    fc.assert(
      fc.property(
        fc.nat(good.length),
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (cut, flips) => {
          const b = Buffer.from(good.subarray(0, cut));
          for (const [i, v] of flips) if (i < b.length) b[i] = v;
          try {
            const res = readSettings(new BinaryReader(b), [1, 7, 0], ctx);
            if (res instanceof Promise) res.catch(() => {});
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 100_000 },
    );
  }, 120_000);
});
