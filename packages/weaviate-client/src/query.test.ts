import { describe, expect, it } from 'vitest';
import { Client } from './client.js';
import { graphqlOp } from './query.js';

// Builders never touch the network until do(): a client on an unused address is enough.
const client = new Client('http://127.0.0.1:9');

describe('GetBuilder.build()', () => {
  it('renders the seed example (where + nearText with moves + limit)', () => {
    const whereFilter = { path: ['wordCount'], operator: 'GreaterThan', valueInt: 1000 };
    const nearTextFilter = {
      concepts: ['fashion'],
      certainty: 0.7,
      moveAwayFrom: { concepts: ['finance'], force: 0.45 },
      moveTo: { concepts: ['haute couture'], force: 0.85 },
    };
    const q = client.query
      .get('Article', ['title'])
      .withWhere(whereFilter)
      .withNearText(nearTextFilter)
      .withLimit(50);
    expect(q.build()).toBe(
      '{Get{Article(where: {path: ["wordCount"] operator: GreaterThan valueInt: 1000} ' +
        'nearText: {concepts: ["fashion"] certainty: 0.7 moveAwayFrom: {force: 0.45 concepts: ["finance"]} ' +
        'moveTo: {force: 0.85 concepts: ["haute couture"]}} limit: 50){title}}}',
    );
  });

  it('renders nearVector, offset, additional, sort, tenant, after', () => {
    const q = client.query
      .get('article', 'title wordCount')
      .withNearVector({ vector: new Float32Array([0.5, 0.25]), distance: 0.3 })
      .withOffset(5)
      .withAdditional(['id', 'distance'])
      .withAdditional({ featureProjection: ['vector'] })
      .withSort([{ path: ['title'], order: 'desc' }])
      .withTenant('tenantA');
    expect(q.build()).toBe(
      '{Get{Article(nearVector: {vector: [0.5, 0.25] distance: 0.3} offset: 5 sort: [{path: ["title"] order: desc}] tenant: "tenantA")' +
        '{title wordCount _additional{id distance featureProjection{vector}}}}}',
    );
    const a = client.query
      .get('Article', ['title'])
      .withAfter('C1F401B4C7E65A27907792BF21D97B2D')
      .withLimit(2);
    expect(a.build()).toBe('{Get{Article(after: "c1f401b4-c7e6-5a27-9077-92bf21d97b2d" limit: 2){title}}}');
  });

  it('renders nearObject, bm25, hybrid and groupBy', () => {
    expect(
      client.query
        .get('A', ['x'])
        .withNearObject({ id: 'c1f401b4-c7e6-5a27-9077-92bf21d97b2d', certainty: 0.9 })
        .build(),
    ).toBe('{Get{A(nearObject: {id: "c1f401b4-c7e6-5a27-9077-92bf21d97b2d" certainty: 0.9}){x}}}');
    expect(client.query.get('A', ['x']).withBm25('food "fresh"', ['x']).build()).toBe(
      '{Get{A(bm25: {query: "food \\"fresh\\"" properties: ["x"]}){x}}}',
    );
    expect(
      client.query
        .get('A', ['x'])
        .withHybrid('food', { alpha: 0.5, vector: [1, 2], fusionType: 'relativeScoreFusion' })
        .build(),
    ).toBe('{Get{A(hybrid: {query: "food" alpha: 0.5 vector: [1, 2] fusionType: relativeScoreFusion}){x}}}');
    expect(
      client.query
        .get('A', ['x'])
        .withGroupBy(['x'], 2, 3)
        .withAdditional({ group: ['id', 'count'] })
        .build(),
    ).toBe('{Get{A(groupBy: {path: ["x"] groups: 2 objectsPerGroup: 3}){x _additional{group{id count}}}}}');
  });

  it('renders And/Or filters with typed values, array values and geo ranges', () => {
    const q = client.query.get('A', ['x']).withWhere({
      operator: 'And',
      operands: [
        { path: 'price', operator: 'LessThan', valueNumber: 9.5 },
        { path: ['tags'], operator: 'ContainsAny', valueTextArray: ['a', 'b'] },
        {
          path: ['hq'],
          operator: 'WithinGeoRange',
          valueGeoRange: { geoCoordinates: { latitude: 52.1, longitude: 4.3 }, distance: { max: 2000 } },
        },
      ],
    });
    expect(q.build()).toBe(
      '{Get{A(where: {operator: And operands: [{path: ["price"] operator: LessThan valueNumber: 9.5}, ' +
        '{path: ["tags"] operator: ContainsAny valueText: ["a", "b"]}, ' +
        '{path: ["hq"] operator: WithinGeoRange valueGeoRange: {geoCoordinates: {latitude: 52.1 longitude: 4.3} distance: {max: 2000}}}]}){x}}}',
    );
  });

  it('rejects bad arguments with a UsageError before any request', () => {
    const bad = (fn: () => unknown) =>
      expect(fn).toThrow(expect.objectContaining({ kind: 'usage', code: 'ERR_INVALID_QUERY' }));
    bad(() => client.query.get('A', ['x']).withWhere({ path: ['n'], operator: 'Bigger', valueInt: 1 }));
    bad(() => client.query.get('A', ['x']).withWhere({ path: ['n'], operator: 'Equal', valueInt: 1.5 }));
    bad(() => client.query.get('A', ['x']).withWhere({ path: ['n'], operator: 'Equal' }));
    bad(() =>
      client.query.get('A', ['x']).withWhere({ path: ['n'], operator: 'Equal', valueInt: 1, valueText: 'x' }),
    );
    bad(() => client.query.get('A', ['x']).withWhere({ operator: 'And', operands: [] }));
    bad(() => client.query.get('A', ['x']).withNearText({ concepts: [], certainty: 0.7 }));
    bad(() => client.query.get('A', ['x']).withNearText({ concepts: ['a'], certainty: 0.7, distance: 0.2 }));
    bad(() =>
      client.query.get('A', ['x']).withNearText({ concepts: ['a'], moveTo: { concepts: ['b'], force: 2 } }),
    );
    bad(() => client.query.get('A', ['x']).withNearVector({ vector: [] }));
    bad(() =>
      client.query
        .get('A', ['x'])
        .withNearVector({ vector: [1] })
        .withBm25('x'),
    );
    bad(() => client.query.get('A', ['x']).withLimit(0));
    bad(() =>
      client.query
        .get('A', ['x'])
        .withNearVector({ vector: [Number.NaN] })
        .build(),
    );
    bad(() => client.query.get('A').build());
  });
});

describe('AggregateBuilder.build()', () => {
  it('renders meta count, fields, groupBy, where and objectLimit', () => {
    expect(client.query.aggregate('Article').withMetaCount().build()).toBe(
      '{Aggregate{Article{meta{count}}}}',
    );
    const q = client.query
      .aggregate('Article')
      .withWhere({ path: ['wordCount'], operator: 'GreaterThan', valueInt: 10 })
      .withGroupBy('author')
      .withMetaCount()
      .withFields('wordCount { mean maximum }');
    expect(q.build()).toBe(
      '{Aggregate{Article(where: {path: ["wordCount"] operator: GreaterThan valueInt: 10} groupBy: ["author"])' +
        '{groupedBy{path value} meta{count} wordCount { mean maximum }}}}',
    );
    expect(
      client.query
        .aggregate('A')
        .withNearVector({ vector: [1, 0] })
        .withObjectLimit(10)
        .withMetaCount()
        .withTenant('t')
        .build(),
    ).toBe('{Aggregate{A(nearVector: {vector: [1, 0]} objectLimit: 10 tenant: "t"){meta{count}}}}');
  });
});

describe('graphqlOp decode', () => {
  it('turns an errors array into WeaviateQueryError with every server message', () => {
    const op = graphqlOp('{Get{X{y}}}', 'query.raw');
    expect(() =>
      op.decode({ data: { Get: { X: null } }, errors: [{ message: 'one' }, { message: 'two' }] }, 200),
    ).toThrow(
      expect.objectContaining({ name: 'WeaviateQueryError', code: 'ERR_GRAPHQL', messages: ['one', 'two'] }),
    );
    expect(op.decode({ data: { Get: { X: [] } } }, 200)).toEqual({ data: { Get: { X: [] } } });
  });
});
