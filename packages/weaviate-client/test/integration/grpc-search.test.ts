import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:net';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import { FaultProxy, useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthApiKey,
  AuthenticationFailedException,
  CancelledError,
  Client,
  ConnectionError,
  type GetBuilder,
  generateUuid5,
  TimeoutError,
  UsageError,
  WeaviateQueryError,
  type WhereFilter,
} from '../../src/index.js';
import { dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

/**
 * `query.get` over gRPC Search against the real Weaviate: a client with a grpcPort must give the
 * very answer a REST-only client gets from GraphQL (same objects, keys, values and key order), over
 * exactly the transport the query allows: gRPC when it can express the whole query, GraphQL otherwise.
 * Which transport carried a call is read from the diagnostics start events (host = REST host:port for
 * GraphQL, the gRPC address for Search).
 */

let url: string;
/** REST host:port, the `host` of GraphQL start events. */
let restHost: string;
/** gRPC host:port, the `host` of Search start events. */
let grpcAddress: string;
let grpcPort: number;
let rest: Client;
let grpc: Client;

const Thing = uniqueClass('GrpcThing');
const Tenanted = uniqueClass('GrpcTenanted');
const Big = uniqueClass('GrpcBigInt');
const Named = uniqueClass('GrpcNamed');
const OBJECTS = 24;
const ALL = ['count', 'price', 'title', 'kind', 'active', 'born', 'tags', 'scores', 'ranks', 'ref', 'note'];
const DIMS = 6;
const idOf = (i: number) => generateUuid5(`grpc-search-${i}`);

/**
 * One object per index: negative and positive ints, fractional numbers, dates with and without
 * offsets and fractions, empty and missing arrays, missing text (for IsNull), a geo property that only
 * GraphQL can select.
 */
function thing(i: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    count: i * 37 - 300,
    price: i * 1.25 + 0.1,
    title: `${['alpha', 'beta', 'gamma'][i % 3]} item ${i} ${i % 2 ? 'fashion' : 'finance'}`,
    kind: ['alpha', 'beta', 'gamma'][i % 3],
    active: i % 3 === 0,
    born:
      i % 5 === 0
        ? `20${String(10 + i).padStart(2, '0')}-03-04T05:06:07.25+02:00`
        : new Date(Date.UTC(1990 + i, i % 12, 1 + i, i, i, i)).toISOString(),
    ref: generateUuid5(`ref-${i}`),
    location: { latitude: 50 + i / 10, longitude: 8 + i / 7 },
  };
  if (i % 7 !== 6) {
    o.tags = i % 4 === 0 ? [] : [`t${i % 3}`, `t${i % 5}`];
    o.scores = [i / 3, -i, 0.1 * i];
    o.ranks = [i, i * 2, -i];
  }
  if (i % 3 !== 1) o.note = `note ${i}`;
  return o;
}

/** Every Weaviate request started while `fn` runs, as `operation@host` in order. */
async function hostsOf<T>(fn: () => Promise<T>): Promise<{ result: T; hosts: string[] }> {
  const hosts: string[] = [];
  const onStart = (msg: unknown) => {
    const e = msg as RequestStartEvent;
    if (e.database === 'weaviate') hosts.push(`${e.operation}@${e.host}`);
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  try {
    return { result: await fn(), hosts };
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  }
}

const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);
const overGrpc = (n: number) => times(n, `query.get@${grpcAddress}`);
const overRest = (n: number) => times(n, `query.get@${restHost}`);

/**
 * Runs `run` with the REST-only client and with the gRPC client; both answers (after `comparable`)
 * must be deep-equal and serialise identically (key order too). The REST client's requests must be
 * exactly `calls` GraphQL starts, the gRPC client's exactly `calls` gRPC starts (or GraphQL starts
 * when `viaGrpc` is false: the fallback). Returns the REST client's answer for more checks.
 */
async function sameAnswer<T>(
  run: (c: Client) => Promise<T>,
  calls: number,
  viaGrpc = true,
  comparable: (answer: T) => unknown = (a) => a,
): Promise<T> {
  const byRest = await hostsOf(() => run(rest));
  const byGrpc = await hostsOf(() => run(grpc));
  const [r, g] = [comparable(byRest.result), comparable(byGrpc.result)];
  expect(g).toStrictEqual(r);
  expect(JSON.stringify(g)).toBe(JSON.stringify(r));
  expect(byRest.hosts).toEqual(overRest(calls));
  expect(byGrpc.hosts).toEqual(viaGrpc ? overGrpc(calls) : overRest(calls));
  return byRest.result;
}

/** One `query.get(...).do()` on `className`, its rows. */
async function rowsOf(
  c: Client,
  build: (q: GetBuilder) => GetBuilder,
  className = Thing,
): Promise<Array<Record<string, any>>> {
  const res = await build(c.query.get(className, ALL)).do();
  return res.data.Get[className]!;
}

beforeAll(async () => {
  url = await weaviateUrl();
  restHost = new URL(url).host;
  grpcAddress = (await useServer('weaviate')).grpc as string;
  grpcPort = Number(grpcAddress.split(':').pop());
  rest = new Client(url);
  grpc = new Client(url, { grpcPort });
  await rest.schema.createClass({
    class: Thing,
    vectorizer: 'none',
    invertedIndexConfig: { indexNullState: true },
    properties: [
      { name: 'count', dataType: ['int'] },
      { name: 'price', dataType: ['number'] },
      { name: 'title', dataType: ['text'] },
      { name: 'kind', dataType: ['text'], tokenization: 'field' },
      { name: 'active', dataType: ['boolean'] },
      { name: 'born', dataType: ['date'] },
      { name: 'tags', dataType: ['text[]'], tokenization: 'field' },
      { name: 'scores', dataType: ['number[]'] },
      { name: 'ranks', dataType: ['int[]'] },
      { name: 'ref', dataType: ['uuid'] },
      { name: 'note', dataType: ['text'] },
      { name: 'location', dataType: ['geoCoordinates'] },
    ],
  });
  await rest.schema.createClass({
    class: Tenanted,
    vectorizer: 'none',
    multiTenancyConfig: { enabled: true },
    properties: [
      { name: 'title', dataType: ['text'] },
      { name: 'count', dataType: ['int'] },
    ],
  });
  await rest.schema.addClassTenants(Tenanted, ['tenantA', 'tenantB']);
  await rest.schema.createClass({
    class: Big,
    vectorizer: 'none',
    properties: [
      { name: 'big', dataType: ['int'] },
      { name: 'label', dataType: ['text'] },
    ],
  });
  rest.batch.configure({ batchSize: 100, callback: null });
  await rest.batch.with(async (b) => {
    for (let i = 0; i < OBJECTS; i++) {
      await b.addDataObject({
        dataObject: thing(i),
        className: Thing,
        uuid: idOf(i),
        vector: vectorFor(i, DIMS),
      });
    }
    for (const [tenant, n] of [
      ['tenantA', 3],
      ['tenantB', 5],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await b.addDataObject({
          dataObject: { title: `${tenant} ${i}`, count: i },
          className: Tenanted,
          uuid: generateUuid5(`${tenant}-${i}`),
          vector: vectorFor(i, DIMS),
          tenant,
        });
      }
    }
    for (const [label, big] of [
      ['small', 2 ** 31 - 1],
      ['above', 2 ** 40 + 1],
      ['below', -(2 ** 35) - 3],
    ] as const) {
      await b.addDataObject({ dataObject: { label, big }, className: Big, uuid: generateUuid5(label) });
    }
  });
  expect(rest.batch.failedObjects).toEqual([]);
  expect(rest.batch.stats.objectsConfirmed).toBe(OBJECTS + 8 + 3);
});
dropAfterAll(() => {
  void grpc?.close();
  return rest;
}, [Thing, Tenanted, Big, Named]);

describe('same answer over gRPC Search as over GraphQL', () => {
  // isConsistent is left to the consistencyLevel test: this single node's GraphQL schema has no such
  // field (only classes with replication factor > 1 do), while gRPC answers it.
  it('nearVector with id, vector, distance, certainty, score, creationTimeUnix, lastUpdateTimeUnix: 1 gRPC call vs 1 GraphQL call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withNearVector({ vector: vectorFor(5, DIMS) })
            .withAdditional([
              'id',
              'vector',
              'distance',
              'certainty',
              'score',
              'creationTimeUnix',
              'lastUpdateTimeUnix',
            ])
            .withLimit(10),
        ),
      1,
    );
    expect(rows).toHaveLength(10);
    expect(rows[0]!._additional.id).toBe(idOf(5));
    expect(rows[0]!._additional.vector).toHaveLength(DIMS);
    expect(typeof rows[3]!._additional.distance).toBe('number');
    expect(typeof rows[3]!._additional.certainty).toBe('number');
    expect(rows[3]!._additional.creationTimeUnix).toMatch(/^\d{13}$/);
  });

  it('nearVector with a certainty threshold and with a distance threshold: the same objects, 1 call each', async () => {
    const byCertainty = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withNearVector({ vector: vectorFor(2, DIMS), certainty: 0.8 })
            .withAdditional(['id', 'certainty']),
        ),
      1,
    );
    expect(byCertainty.length).toBeGreaterThan(0);
    expect(byCertainty.length).toBeLessThan(OBJECTS);
    const byDistance = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q.withNearVector({ vector: vectorFor(2, DIMS), distance: 0.4 }).withAdditional(['id', 'distance']),
        ),
      1,
    );
    expect(byDistance.length).toBeGreaterThan(0);
    expect(byDistance.length).toBeLessThan(OBJECTS);
  });

  it('nearObject with id, distance and certainty: the object itself first, 1 call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q.withNearObject({ id: idOf(9), distance: 0.6 }).withAdditional(['id', 'distance', 'certainty']),
        ),
      1,
    );
    expect(rows[0]!._additional.id).toBe(idOf(9));
    // float32 arithmetic: the object's distance to itself is 0 or one ulp above it.
    expect(rows[0]!._additional.distance).toBeLessThan(1e-6);
    expect(rows.length).toBeLessThan(OBJECTS);
  });

  it('bm25 with score: the 12 "fashion" objects ranked the same, 1 call', async () => {
    const rows = await sameAnswer(
      (c) => rowsOf(c, (q) => q.withBm25('fashion', ['title']).withAdditional(['id', 'score'])),
      1,
    );
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => String(r.title).endsWith('fashion'))).toBe(true);
    expect(Number(rows[0]!._additional.score)).toBeGreaterThan(0);
  });

  it('bm25 on every property with score and explainScore: same objects and scores, 1 call (explainScore is a BM25F text on both)', async () => {
    // Weaviate prints explainScore's terms in Go map order, different from call to call on either
    // transport: compare everything else, and that each explanation is one.
    const explanations: string[] = [];
    const withoutExplanation = (rows: Array<Record<string, any>>) =>
      rows.map(({ _additional: { explainScore, ...meta }, ...props }) => {
        explanations.push(explainScore);
        return { ...props, _additional: meta };
      });
    const rows = await sameAnswer(
      (c) => rowsOf(c, (q) => q.withBm25('alpha item').withAdditional(['id', 'score', 'explainScore'])),
      1,
      true,
      withoutExplanation,
    );
    expect(rows).toHaveLength(OBJECTS);
    expect(explanations).toHaveLength(2 * OBJECTS);
    expect(explanations.every((e) => /^, BM25F_\w+/.test(e))).toBe(true);
  });

  it('where And / Or / Like / ContainsAny / ContainsAll / IsNull / NotEqual: 7 gRPC calls vs 7 GraphQL calls, expected counts', async () => {
    const filters: Array<[WhereFilter, number]> = [
      [
        {
          operator: 'And',
          operands: [
            { path: ['count'], operator: 'GreaterThan', valueInt: 0 },
            { path: ['active'], operator: 'Equal', valueBoolean: true },
          ],
        },
        // count > 0 from i = 9; active when i % 3 === 0: 9, 12, 15, 18, 21
        5,
      ],
      [
        {
          operator: 'Or',
          operands: [
            { path: ['kind'], operator: 'Equal', valueText: 'beta' },
            { path: ['price'], operator: 'LessThanEqual', valueNumber: 2.6 },
          ],
        },
        // beta: 8 objects; price <= 2.6: i = 0, 1, 2 (1 is beta)
        10,
      ],
      [{ path: ['title'], operator: 'Like', valueText: 'gam*' }, 8],
      // t0 or t4 among the objects with non-empty tags (i % 4 !== 0, i % 7 !== 6)
      [{ path: ['tags'], operator: 'ContainsAny', valueText: ['t4', 't0'] }, 9],
      [{ path: ['ranks'], operator: 'ContainsAll', valueInt: [10, 20] }, 1],
      [{ path: ['note'], operator: 'IsNull', valueBoolean: true }, 8],
      [{ path: ['count'], operator: 'NotEqual', valueInt: -300 }, OBJECTS - 1],
    ];
    const answers = await sameAnswer(
      (c) =>
        Promise.all(
          filters.map(([where]) => rowsOf(c, (q) => q.withWhere(where).withAdditional('id').withLimit(100))),
        ),
      filters.length,
    );
    expect(answers.map((rows) => rows.length)).toEqual(filters.map(([, n]) => n));
  });

  it('sort ascending and descending on int, number, text and date: 4 calls each, order as asked', async () => {
    const sorts = [
      { path: ['count'], order: 'asc' },
      { path: ['price'], order: 'desc' },
      { path: ['title'], order: 'asc' },
      { path: ['born'], order: 'desc' },
    ] as const;
    const answers = await sameAnswer(
      (c) =>
        Promise.all(
          sorts.map((s) => rowsOf(c, (q) => q.withSort({ ...s, path: [...s.path] }).withLimit(100))),
        ),
      sorts.length,
    );
    expect(answers[0]!.map((r) => r.count)).toEqual(Array.from({ length: OBJECTS }, (_, i) => i * 37 - 300));
    expect(answers[1]!.map((r) => r.price)).toEqual(
      Array.from({ length: OBJECTS }, (_, i) => (OBJECTS - 1 - i) * 1.25 + 0.1),
    );
  });

  it('offset + limit after a sort: the 6 objects after the first 5, 1 call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withSort({ path: ['count'] })
            .withOffset(5)
            .withLimit(6)
            .withAdditional('id'),
        ),
      1,
    );
    expect(rows.map((r) => r._additional.id)).toEqual([5, 6, 7, 8, 9, 10].map(idOf));
  });

  it('after-cursor paging over the whole class, pages of 5: every object once, 6 calls each (5 pages + the empty one)', async () => {
    const page = async (c: Client) => {
      const pages: Array<Array<Record<string, any>>> = [];
      let after: string | undefined;
      for (;;) {
        const rows = await rowsOf(c, (q) => {
          const b = q.withAdditional(['id', 'vector']).withLimit(5);
          return after ? b.withAfter(after) : b;
        });
        pages.push(rows);
        if (rows.length === 0) return pages;
        after = rows.at(-1)!._additional.id;
      }
    };
    const pages = await sameAnswer(page, 6);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4, 0]);
    const ids = pages.flat().map((r) => r._additional.id);
    expect(new Set(ids).size).toBe(OBJECTS);
  });

  it('consistencyLevel ONE, QUORUM and ALL: GraphQL refuses it on this single node, gRPC answers (isConsistent null: no replicas) with the objects GraphQL gives without it; 3 calls each', async () => {
    // Weaviate's GraphQL has consistencyLevel and isConsistent only on classes with replication
    // factor > 1, which one node cannot host; its gRPC Search takes them on any class.
    const levels = ['ONE', 'QUORUM', 'ALL'] as const;
    const alpha: WhereFilter = { path: ['kind'], operator: 'Equal', valueText: 'alpha' };
    const refused = await hostsOf(() =>
      Promise.all(
        levels.map((level) =>
          rowsOf(rest, (q) => q.withConsistencyLevel(level).withWhere(alpha).withAdditional('id')).catch(
            (e: unknown) => e,
          ),
        ),
      ),
    );
    expect(refused.hosts).toEqual(overRest(3));
    for (const err of refused.result) {
      expect(err).toBeInstanceOf(WeaviateQueryError);
      expect((err as Error).message).toMatch(/Unknown argument "consistencyLevel"/);
    }
    const answered = await hostsOf(() =>
      Promise.all(
        levels.map((level) =>
          rowsOf(grpc, (q) =>
            q.withConsistencyLevel(level).withWhere(alpha).withAdditional(['id', 'isConsistent']),
          ),
        ),
      ),
    );
    expect(answered.hosts).toEqual(overGrpc(3));
    const plain = await rowsOf(rest, (q) => q.withWhere(alpha).withAdditional('id'));
    expect(plain).toHaveLength(8);
    for (const rows of answered.result) {
      // One node checks no replicas: Weaviate leaves isConsistent out of the reply (null).
      expect(rows.map((r) => r._additional.isConsistent)).toEqual(times(8, null));
      const withoutFlag = rows.map(({ _additional: { isConsistent, ...meta }, ...props }) => ({
        ...props,
        _additional: meta,
      }));
      expect(withoutFlag).toStrictEqual(plain);
    }
  });

  it("tenant on a multi-tenant class: each tenant's objects (3 and 5), 2 calls each", async () => {
    const [a, b] = await sameAnswer(
      (c) =>
        Promise.all(
          ['tenantA', 'tenantB'].map(async (tenant) => {
            const res = await c.query
              .get(Tenanted, ['title', 'count'])
              .withTenant(tenant)
              .withAdditional(['id', 'distance'])
              .withNearVector({ vector: vectorFor(1, DIMS) })
              .do();
            return res.data.Get[Tenanted]!;
          }),
        ),
      2,
    );
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(5);
    expect(a!.every((r) => String(r.title).startsWith('tenantA '))).toBe(true);
    expect(b!.every((r) => String(r.title).startsWith('tenantB '))).toBe(true);
  });
});

describe('queries gRPC cannot express go to GraphQL, with the same answer', () => {
  it('nested selection geo { latitude longitude }: GraphQL, 1 call', async () => {
    const rows = await sameAnswer(
      async (c) =>
        (await c.query.get(Thing, ['title', 'location { latitude longitude }']).withLimit(100).do()).data.Get[
          Thing
        ]!,
      1,
      false,
    );
    expect(rows).toHaveLength(OBJECTS);
    expect(rows.every((r) => typeof (r.location as { latitude: number }).latitude === 'number')).toBe(true);
  });

  // featureProjection exists only on classes with a vectorizer module; classification is the nested
  // _additional field every class has (null for objects no classification touched).
  it('_additional { id distance classification { id basedOn } } with nearVector: GraphQL, 1 call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withNearVector({ vector: vectorFor(3, DIMS) })
            .withAdditional(['id', 'distance'])
            .withAdditional({ classification: ['id', 'basedOn'] })
            .withLimit(4),
        ),
      1,
      false,
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]!._additional).toMatchObject({ id: idOf(3), classification: null });
  });

  it('where on a date, where on id: GraphQL, 2 calls', async () => {
    const [byDate, byId] = await sameAnswer(
      (c) =>
        Promise.all([
          rowsOf(c, (q) =>
            q
              .withWhere({ path: ['born'], operator: 'GreaterThan', valueDate: '2010-01-01T00:00:00Z' })
              .withLimit(100),
          ),
          rowsOf(c, (q) => q.withWhere({ path: ['id'], operator: 'Equal', valueText: idOf(4) })),
        ]),
      2,
      false,
    );
    expect(byDate!.length).toBeGreaterThan(0);
    expect(byDate!.length).toBeLessThan(OBJECTS);
    expect(byId).toHaveLength(1);
    expect(byId![0]!.count).toBe(4 * 37 - 300);
  });

  it('hybrid: GraphQL, 1 call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withHybrid('fashion', { alpha: 0.5, vector: vectorFor(7, DIMS), properties: ['title'] })
            .withAdditional(['id', 'score'])
            .withLimit(10),
        ),
      1,
      false,
    );
    expect(rows).toHaveLength(10);
  });

  it('groupBy: GraphQL, 1 call', async () => {
    const rows = await sameAnswer(
      (c) =>
        rowsOf(c, (q) =>
          q
            .withNearVector({ vector: vectorFor(1, DIMS) })
            .withGroupBy(['kind'], 3, 2)
            .withAdditional({ group: ['id', 'groupedBy { value }', 'count', 'maxDistance'] }),
        ),
      1,
      false,
    );
    const groups = rows.map((r) => (r._additional.group as { groupedBy: { value: string } }).groupedBy.value);
    expect(groups.sort()).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('nearVector with targetVectors on a class with named vectors: GraphQL, 1 call', async () => {
    await rest.schema.createClass({
      class: Named,
      properties: [{ name: 'title', dataType: ['text'] }],
      vectorConfig: {
        first: { vectorizer: { none: {} }, vectorIndexType: 'hnsw' },
        second: { vectorizer: { none: {} }, vectorIndexType: 'hnsw' },
      },
    } as never);
    // The data API writes one unnamed vector only: named vectors go through REST directly.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/v1/objects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          class: Named,
          id: generateUuid5(`named-${i}`),
          properties: { title: `named ${i}` },
          vectors: { first: vectorFor(i, DIMS), second: vectorFor(i + 10, DIMS) },
        }),
      });
      expect(res.status).toBe(200);
    }
    const rows = await sameAnswer(
      async (c) =>
        (
          await c.query
            .get(Named, ['title'])
            .withNearVector({ vector: vectorFor(2, DIMS), targetVectors: ['first'] })
            .withAdditional(['id', 'distance'])
            .do()
        ).data.Get[Named]!,
      1,
      false,
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]!.title).toBe('named 2');
    expect(rows[0]!._additional!.distance).toBeLessThan(1e-6);
  });
});

it('an int beyond ±2^31: exact over gRPC, null over GraphQL (GraphQL Int is 32-bit); 1 call each', async () => {
  const run = async (c: Client) =>
    (
      await c.query
        .get(Big, ['label', 'big'])
        .withSort({ path: ['label'] })
        .do()
    ).data.Get[Big]!;
  const byRest = await hostsOf(() => run(rest));
  const byGrpc = await hostsOf(() => run(grpc));
  expect(byRest.hosts).toEqual(overRest(1));
  expect(byGrpc.hosts).toEqual(overGrpc(1));
  expect(byGrpc.result).toStrictEqual([
    { big: 2 ** 40 + 1, label: 'above' },
    { big: -(2 ** 35) - 3, label: 'below' },
    { big: 2 ** 31 - 1, label: 'small' },
  ]);
  expect(byRest.result).toStrictEqual([
    { big: null, label: 'above' },
    { big: null, label: 'below' },
    { big: 2 ** 31 - 1, label: 'small' },
  ]);
});

describe('errors over gRPC', () => {
  it("unknown class: WeaviateQueryError with the server's message, 1 gRPC call and no GraphQL", async () => {
    const missing = uniqueClass('NoSuchClass');
    const { result: err, hosts } = await hostsOf(() =>
      grpc.query
        .get(missing, ['title'])
        .do()
        .catch((e: unknown) => e),
    );
    expect(hosts).toEqual(overGrpc(1));
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as WeaviateQueryError).messages).toHaveLength(1);
    expect((err as WeaviateQueryError).messages[0]).toMatch(
      new RegExp(`class.*${missing}|${missing}.*not`, 'i'),
    );
  });

  it("unknown property in where: WeaviateQueryError with the server's message, 1 gRPC call and no GraphQL", async () => {
    const { result: err, hosts } = await hostsOf(() =>
      grpc.query
        .get(Thing, ['title'])
        .withWhere({ path: ['noSuchProperty'], operator: 'Equal', valueInt: 1 })
        .do()
        .catch((e: unknown) => e),
    );
    expect(hosts).toEqual(overGrpc(1));
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as WeaviateQueryError).message).toMatch(/noSuchProperty/);
  });

  describe('weaviate-auth (API key)', () => {
    let authUrl: string;
    let authGrpc: string;
    let authPort: number;
    let apiKey: string;
    let admin: Client;
    const Secured = uniqueClass('GrpcSecured');
    beforeAll(async () => {
      const info = await useServer('weaviate-auth');
      authUrl = info.endpoints[0]!;
      authGrpc = info.grpc as string;
      authPort = Number(authGrpc.split(':').pop());
      apiKey = info.apiKey as string;
      admin = new Client(authUrl, { authClientSecret: new AuthApiKey(apiKey) });
      await admin.schema.createClass({
        class: Secured,
        vectorizer: 'none',
        properties: [{ name: 'title', dataType: ['text'] }],
      });
      await admin.dataObject.create({ title: 'behind a key' }, Secured, { uuid: generateUuid5('secured') });
    });
    dropAfterAll(() => admin, [Secured]);

    it('the right key: the object over gRPC, 1 call to the gRPC port of weaviate-auth and no GraphQL', async () => {
      const good = new Client(authUrl, { authClientSecret: new AuthApiKey(apiKey), grpcPort: authPort });
      try {
        const { result, hosts } = await hostsOf(() =>
          good.query.get(Secured, ['title']).withAdditional('id').do(),
        );
        expect(hosts).toEqual([`query.get@${authGrpc}`]);
        expect(result.data.Get[Secured]).toStrictEqual([
          { _additional: { id: generateUuid5('secured') }, title: 'behind a key' },
        ]);
      } finally {
        await good.close();
      }
    });

    // Weaviate's Search handler refuses credentials with a plain error ("extract auth: ..."), which
    // gRPC sends as status UNKNOWN, not UNAUTHENTICATED.
    it('a wrong key and no key: AuthenticationFailedException (key never shown), 1 gRPC call each', async () => {
      const wrong = new Client(authUrl, {
        authClientSecret: new AuthApiKey('wrong-key-7331'),
        grpcPort: authPort,
      });
      const none = new Client(authUrl, { grpcPort: authPort });
      try {
        for (const c of [wrong, none]) {
          const failed = await hostsOf(() =>
            c.query
              .get(Secured, ['title'])
              .do()
              .catch((e: unknown) => e),
          );
          expect(failed.hosts).toEqual([`query.get@${authGrpc}`]);
          expect(String((failed.result as Error).message)).toMatch(/unauthorized/);
          expect(String((failed.result as Error).message)).not.toContain('wrong-key-7331');
          expect(failed.result).toBeInstanceOf(AuthenticationFailedException);
        }
      } finally {
        await wrong.close();
        await none.close();
      }
    });
  });

  it('grpcPort on a closed port, timeoutConfig [1, 5]: ConnectionError ERR_GRPC_UNAVAILABLE within 3 s', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const c = new Client(url, { grpcPort: closedPort, timeoutConfig: [1, 5] });
    try {
      const t0 = performance.now();
      const { result: err, hosts } = await hostsOf(() =>
        c.query
          .get(Thing, ['title'])
          .do()
          .catch((e: unknown) => e),
      );
      const elapsed = performance.now() - t0;
      expect(hosts).toEqual([`query.get@127.0.0.1:${closedPort}`]);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).code).toBe('ERR_GRPC_UNAVAILABLE');
      expect(elapsed).toBeLessThan(3000);
    } finally {
      await c.close();
    }
  });

  describe('through a FaultProxy in front of the gRPC port', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: grpcPort } });
    });
    afterAll(() => proxy?.close());

    /** A client whose gRPC channel goes through the proxy and is already connected. */
    async function warmClient(): Promise<Client> {
      const c = new Client(url, { grpcPort: proxy.port });
      const { result, hosts } = await hostsOf(() => rowsOf(c, (q) => q.withLimit(1)));
      expect(hosts).toEqual([`query.get@127.0.0.1:${proxy.port}`]);
      expect(result).toHaveLength(1);
      return c;
    }

    it('{ timeout: 50 } while the proxy stalls: TimeoutError within 1 s; the next call after restore() works', async () => {
      const c = await warmClient();
      try {
        proxy.stall(10_000);
        const t0 = performance.now();
        const err = await c.query
          .get(Thing, ['title'])
          .withLimit(1)
          .do({ timeout: 50 })
          .catch((e: unknown) => e);
        const elapsed = performance.now() - t0;
        expect(err).toBeInstanceOf(TimeoutError);
        expect(elapsed).toBeLessThan(1000);
        proxy.restore();
        expect(await rowsOf(c, (q) => q.withLimit(2))).toHaveLength(2);
      } finally {
        proxy.restore();
        await c.close();
      }
    });

    it('an AbortSignal aborted 100 ms into a stalled call: CancelledError within 1 s', async () => {
      const c = await warmClient();
      try {
        proxy.stall(10_000);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 100);
        const t0 = performance.now();
        const err = await c.query
          .get(Thing, ['title'])
          .do({ signal: ac.signal })
          .catch((e: unknown) => e);
        const elapsed = performance.now() - t0;
        expect(err).toBeInstanceOf(CancelledError);
        expect(elapsed).toBeGreaterThanOrEqual(90);
        expect(elapsed).toBeLessThan(1000);
      } finally {
        proxy.restore();
        await c.close();
      }
    });

    // The HTTP/2 handshake hangs in the stalled proxy; the abort must not wait for the connect
    // timeout (3 s here, 10 s by default).
    it('an AbortSignal aborted 100 ms into a call whose channel is still connecting: CancelledError within 1 s', async () => {
      const c = new Client(url, { grpcPort: proxy.port, timeoutConfig: [3, 10] });
      try {
        proxy.stall(10_000);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 100);
        const t0 = performance.now();
        const err = await c.query
          .get(Thing, ['title'])
          .do({ signal: ac.signal })
          .catch((e: unknown) => e);
        const elapsed = performance.now() - t0;
        expect(err).toBeInstanceOf(CancelledError);
        expect(elapsed).toBeLessThan(1000);
      } finally {
        proxy.restore();
        await c.close();
      }
    });
  });

  it('after close(): ConnectionError ERR_CLOSED, nothing sent', async () => {
    const used = new Client(url, { grpcPort });
    expect(await rowsOf(used, (q) => q.withLimit(1))).toHaveLength(1);
    await used.close();
    const unused = new Client(url, { grpcPort });
    await unused.close();
    for (const c of [used, unused]) {
      const { result: err, hosts } = await hostsOf(() =>
        c.query
          .get(Thing, ['title'])
          .do()
          .catch((e: unknown) => e),
      );
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).code).toBe('ERR_CLOSED');
      expect(hosts).toEqual([]);
    }
  });

  it("bad grpcPort values (0, 70000, 'x', -1, 1.5, NaN) throw UsageError in the constructor, under either option name", () => {
    for (const bad of [0, 70000, 'x', -1, 1.5, Number.NaN]) {
      expect(() => new Client(url, { grpcPort: bad as number }), String(bad)).toThrow(UsageError);
      expect(() => new Client(url, { grpcPortExperimental: bad as number }), String(bad)).toThrow(UsageError);
    }
  });
});
