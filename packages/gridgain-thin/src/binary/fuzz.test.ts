import { ProtocolError } from '@dbwire/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BinaryContext,
  BinaryObject,
  BinaryReader,
  type BinaryTypeMeta,
  BinaryWriter,
  ByteObject,
  CharObject,
  Decimal,
  DecimalObject,
  defineType,
  EnumValue,
  FloatObject,
  IntObject,
  readBinaryTypeMeta,
  readValue,
  resolveValue,
  ShortObject,
  String as StringHint,
  Time,
  Timestamp,
  TypeCode,
  UUID,
  writeBinaryTypeMeta,
  writeValue,
} from './index.js';

// Budget: ≥ 100k generated cases in total, well under 20 s on 2 cores.
const RUNS_RANDOM_BASE = 40_000;
const RUNS_CODED_BASE = 35_000;
const RUNS_MUTATED_BASE = 15_000;
// GG_FUZZ_SCALE multiplies every budget for a deeper local run.
const SCALE = Number(process.env.GG_FUZZ_SCALE ?? 1);
const RUNS_ROUND_TRIP = 8_000 * SCALE;
const RUNS_RANDOM = RUNS_RANDOM_BASE * SCALE;
const RUNS_CODED = RUNS_CODED_BASE * SCALE;
const RUNS_MUTATED = RUNS_MUTATED_BASE * SCALE;
const RUNS_META = 5_000 * SCALE;

const FuzzPair = defineType('fuzz.Pair', { left: IntObject, right: StringHint });
const FuzzNode = defineType('fuzz.Node', { label: StringHint, next: BinaryObject });

/** A synchronous registry that knows the fuzz types (no I/O; unknown ids resolve to undefined). */
function syncContext(): BinaryContext {
  const known = new Map<number, BinaryTypeMeta>();
  for (const t of [FuzzPair]) {
    const id = t.typeId;
    known.set(id, {
      typeId: id,
      typeName: t.typeName,
      affinityKeyField: null,
      fields: [],
      isEnum: false,
      enumValues: [],
      schemas: [],
    });
  }
  return {
    registry: {
      get: (id) => known.get(id),
      fetch: async (id) => known.get(id),
      put: async (m) => {
        known.set(m.typeId, m);
      },
    },
  };
}

const ctx = syncContext();

function checkError(e: unknown): void {
  if (!(e instanceof ProtocolError)) throw e;
  if (!/^ERR_PROTOCOL_/.test(e.code)) throw e;
}

/** Resolutions that had to wait for (fake) metadata fetches: checked at the end of each property. */
const pending: Promise<unknown>[] = [];

/** Decodes `bytes` fully (values + complex-object resolution); only ProtocolError may escape. */
function decodeOnly(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const r = new BinaryReader(buf);
    while (r.remaining > 0) {
      const v = resolveValue(readValue(r, ctx), ctx);
      if (v instanceof Promise) pending.push(v.catch(checkError));
    }
  } catch (e) {
    checkError(e);
  }
}

async function drain(): Promise<void> {
  const all = pending.splice(0);
  await Promise.all(all);
}

const codes = Object.values(TypeCode);

const leaf = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.uuid().map((u) => new UUID(u)),
  fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)),
  fc
    .tuple(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([ms, ns]) => new Timestamp(ms, ns)),
  fc.integer({ min: 0, max: 86_399_999 }).map((ms) => new Time(ms)),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: -20, max: 40 }))
    .map(([u, s]) => new Decimal(u, s)),
  fc
    .tuple(
      fc.integer().filter((t) => t !== 0),
      fc.integer(),
    )
    .map(([t, o]) => new EnumValue(t, o)),
  fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
  fc.integer({ min: -128, max: 127 }).map((v) => [v, ByteObject] as const),
  fc.integer({ min: -32768, max: 32767 }).map((v) => [v, ShortObject] as const),
  fc.integer().map((v) => [v, IntObject] as const),
  fc.float().map((v) => [v, FloatObject] as const),
  fc.integer({ min: 0, max: 0xffff }).map((c) => [String.fromCharCode(c), CharObject] as const),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 10 }))
    .map(([u, s]) => [new Decimal(u, s).toString(), DecimalObject] as const),
  fc
    .tuple(fc.integer(), fc.option(fc.string({ unit: 'grapheme', maxLength: 6 })))
    .map(([l, r]) => new FuzzPair({ left: l, right: r })),
);

const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('array'),
    tie('set'),
    tie('map'),
    tie('object'),
    tie('node'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  set: fc
    .uniqueArray(fc.oneof(fc.integer(), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 4 })
    .map((a) => new Set(a)),
  map: fc
    .array(fc.tuple(fc.oneof(fc.integer(), fc.string({ unit: 'grapheme', maxLength: 4 })), tie('value')), {
      maxLength: 4,
    })
    .map((e) => new Map(e)),
  object: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 4 }), tie('value'), { maxKeys: 4 }),
  node: fc
    .tuple(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.option(tie('node') as fc.Arbitrary<unknown>, { depthSize: 'small' }),
    )
    .map(([label, next]) => new FuzzNode({ label, next: next as never })),
}));

/** What reading a written value gives back: hints dropped, safe bigints as numbers, objects as Maps. */
function expected(v: unknown): unknown {
  if (typeof v === 'bigint')
    return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63) return v;
    // Integers are longs: read back as numbers when safe, as bigints beyond 2^53.
    return Number.isSafeInteger(v) ? v + 0 : BigInt(v);
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (
      v.length === 2 &&
      (v[1] === IntObject || v[1] === ByteObject || v[1] === ShortObject || v[1] === FloatObject)
    )
      return v[0];
    if (v.length === 2 && v[1] === CharObject) return v[0];
    if (v.length === 2 && v[1] === DecimalObject) return new Decimal(v[0] as string);
    return v.map(expected);
  }
  if (v instanceof Set) return new Set([...v].map(expected));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [expected(k), expected(x)]));
  if (v instanceof FuzzPair || v instanceof FuzzNode) {
    const out = new (v.constructor as new () => Record<string, unknown>)();
    for (const k of Object.keys(v)) out[k] = expected((v as Record<string, unknown>)[k]);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    return new Map(Object.entries(v).map(([k, x]) => [k, expected(x)]));
  }
  return v;
}

function encode(v: unknown): Buffer {
  const w = new BinaryWriter(16);
  writeValue(w, v, undefined, ctx);
  return w.toBuffer();
}

describe('decoder fuzzing (only typed ProtocolErrors, always terminates)', () => {
  it('random bytes', async () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), decodeOnly), { numRuns: RUNS_RANDOM });
    await drain();
  }, 60_000);

  it('random bytes behind every type code', async () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.uint8Array({ maxLength: 64 }), (code, rest) =>
        decodeOnly(Buffer.concat([Buffer.from([code]), rest])),
      ),
      { numRuns: RUNS_CODED },
    );
    await drain();
  }, 60_000);

  it('mutated valid encodings (byte flips, truncation, insertion)', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
    );
    fc.assert(
      fc.property(anyValue, fc.array(mutation, { minLength: 1, maxLength: 3 }), (v, muts) => {
        let b = encode(v);
        for (const m of muts) {
          const at = b.length === 0 ? 0 : m.at % (b.length + 1);
          if (m.kind === 'flip' && b.length) b[at % b.length] = m.byte;
          else if (m.kind === 'cut') b = b.subarray(0, at);
          else if (m.kind === 'insert')
            b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte ?? 0]), b.subarray(at)]);
        }
        decodeOnly(b);
      }),
      { numRuns: RUNS_MUTATED },
    );
    await drain();
  }, 60_000);
});

describe('binary type metadata decoder fuzzing', () => {
  it('random and mutated metadata bodies', () => {
    const valid = new BinaryWriter();
    writeBinaryTypeMeta(valid, {
      typeId: 1,
      typeName: 'T',
      affinityKeyField: 'f',
      fields: [{ name: 'f', typeCode: 3, fieldId: 102 }],
      isEnum: true,
      enumValues: [{ name: 'A', ordinal: 0 }],
      schemas: [{ schemaId: 7, fieldIds: [102] }],
    });
    const base = valid.toBuffer();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat()).map(([at, byte, cut]) => {
            const b = Buffer.from(base);
            b[at % b.length] = byte;
            return b.subarray(0, cut % (b.length + 1));
          }),
        ),
        (bytes) => {
          try {
            readBinaryTypeMeta(new BinaryReader(Buffer.from(bytes)));
          } catch (e) {
            checkError(e);
          }
        },
      ),
      { numRuns: RUNS_META },
    );
  });
});

describe('round trip: readValue(writeValue(x)) equals x', () => {
  it('for generated values of every type', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (v) => {
        const buf = encode(v);
        const r = new BinaryReader(buf);
        const back = await resolveValue(readValue(r, ctx), ctx);
        expect(r.remaining).toBe(0);
        expect(back).toEqual(expected(v));
      }),
      { numRuns: RUNS_ROUND_TRIP },
    );
  }, 60_000);
});
