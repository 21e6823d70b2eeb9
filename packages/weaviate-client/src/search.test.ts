import { describe, expect, it } from 'vitest';
import { weaviate } from './generated/weaviate.js';
import { fromSearchReply, type GetSpec, shortest32, toSearchRequest } from './search.js';

const pb = weaviate.v1;

function spec(over: Partial<GetSpec> & { args?: Map<string, unknown> } = {}): GetSpec {
  return { className: 'Article', properties: ['title'], additional: [], args: new Map(), ...over };
}

/** The request as Weaviate receives it: encoded by the generated codec, decoded again. */
function onTheWire(s: GetSpec): weaviate.v1.SearchRequest {
  const req = toSearchRequest(s);
  if (!req) throw new Error('expected a gRPC request');
  return pb.SearchRequest.decode(pb.SearchRequest.encode(req).finish());
}

describe('toSearchRequest', () => {
  it('carries collection, properties, metadata flags and paging arguments', () => {
    const req = onTheWire(
      spec({
        properties: ['title', 'wordCount'],
        additional: ['id', 'distance', 'vector', 'creationTimeUnix'],
        args: new Map<string, unknown>([
          ['limit', 7],
          ['offset', 3],
          ['tenant', 'tenantA'],
          ['consistencyLevel', 'QUORUM'],
        ]),
      }),
    );
    expect(req.collection).toBe('Article');
    expect(req.properties?.nonRefProperties).toEqual(['title', 'wordCount']);
    expect(req.metadata).toMatchObject({ uuid: true, distance: true, vector: true, creationTimeUnix: true });
    expect(req.metadata?.certainty).toBe(false);
    expect([req.limit, req.offset, req.tenant, req.consistencyLevel]).toEqual([7, 3, 'tenantA', 2]);
    expect(req.uses_127Api).toBe(true);
  });

  it('asks for the distance whenever certainty is requested (certainty is derived from it)', () => {
    const req = onTheWire(spec({ additional: ['certainty'] }));
    expect(req.metadata).toMatchObject({ certainty: true, distance: true });
  });

  it('sends the nearVector as little-endian float32 bytes with its certainty', () => {
    const req = onTheWire(
      spec({ args: new Map([['nearVector', { vector: [0.5, -1.25, 3], certainty: 0.7 }]]) }),
    );
    const bytes = req.nearVector!.vectorBytes!;
    const back = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect([...back]).toEqual([0.5, -1.25, 3]);
    expect(req.nearVector!.certainty).toBeCloseTo(0.7, 6);
  });

  it('maps sort, nearObject and bm25', () => {
    const req = onTheWire(
      spec({
        args: new Map<string, unknown>([
          ['sort', [{ path: ['wordCount'], order: 'desc' }, { path: ['title'] }]],
          ['bm25', { query: 'fashion', properties: ['title'] }],
        ]),
      }),
    );
    expect(req.sortBy.map((s) => [s.path, s.ascending])).toEqual([
      [['wordCount'], false],
      [['title'], true],
    ]);
    expect(req.bm25Search).toMatchObject({ query: 'fashion', properties: ['title'] });
    const near = onTheWire(
      spec({
        args: new Map([['nearObject', { id: '12345678-1234-1234-1234-123456789012', distance: 0.2 }]]),
      }),
    );
    expect(near.nearObject?.id).toBe('12345678-1234-1234-1234-123456789012');
    expect(near.nearObject?.distance).toBeCloseTo(0.2, 6);
  });

  it('maps nearText with its moves (concepts and objects by id)', () => {
    const req = onTheWire(
      spec({
        args: new Map([
          [
            'nearText',
            {
              concepts: ['fashion'],
              distance: 0.6,
              moveTo: { force: 0.85, concepts: ['haute couture'] },
              moveAwayFrom: { force: 0.45, objects: [{ id: '12345678-1234-1234-1234-123456789012' }] },
            },
          ],
        ]),
      }),
    );
    expect(req.nearText?.query).toEqual(['fashion']);
    expect(req.nearText?.distance).toBe(0.6);
    expect(req.nearText?.moveTo).toMatchObject({ concepts: ['haute couture'], uuids: [] });
    expect(req.nearText?.moveTo?.force).toBeCloseTo(0.85, 6);
    expect(req.nearText?.moveAway).toMatchObject({
      concepts: [],
      uuids: ['12345678-1234-1234-1234-123456789012'],
    });
  });

  it('maps where filters: operators, nesting, scalar and array values', () => {
    const req = onTheWire(
      spec({
        args: new Map([
          [
            'where',
            {
              operator: 'And',
              operands: [
                { path: ['wordCount'], operator: 'GreaterThan', valueInt: 1000 },
                { path: ['title'], operator: 'Like', valueText: '*fashion*' },
                { path: ['tags'], operator: 'ContainsAny', valueText: ['a', 'b'] },
                { path: ['ok'], operator: 'Equal', valueBoolean: true },
                { path: ['x'], operator: 'LessThanEqual', valueNumber: 0.5 },
                { path: ['ints'], operator: 'ContainsAll', valueInt: [1, 2] },
              ],
            },
          ],
        ]),
      }),
    );
    const f = req.filters!;
    expect(f.operator).toBe(pb.Filters.Operator.OPERATOR_AND);
    const [gt, like, any, eq, le, all] = f.filters!;
    expect([gt!.operator, gt!.target?.property, Number(gt!.valueInt)]).toEqual([3, 'wordCount', 1000]);
    expect([like!.operator, like!.valueText]).toEqual([10, '*fashion*']);
    expect([any!.operator, any!.valueTextArray?.values]).toEqual([12, ['a', 'b']]);
    expect([eq!.operator, eq!.valueBoolean]).toEqual([1, true]);
    expect([le!.operator, le!.valueNumber]).toEqual([6, 0.5]);
    expect([all!.operator, all!.valueIntArray?.values?.map(Number)]).toEqual([13, [1, 2]]);
  });

  it.each([
    ['a nested property selection', spec({ properties: ['hasWritten { ... on Book { title } }'] })],
    ['an _additional field gRPC lacks', spec({ additional: ['featureProjection{vector}'] })],
    [
      'nearText with autocorrect',
      spec({ args: new Map([['nearText', { concepts: ['x'], autocorrect: true }]]) }),
    ],
    [
      'a nearText move to a beacon',
      spec({
        args: new Map([
          [
            'nearText',
            { concepts: ['x'], moveTo: { force: 0.5, objects: [{ beacon: 'weaviate://localhost/C/1' }] } },
          ],
        ]),
      }),
    ],
    ['hybrid', spec({ args: new Map([['hybrid', { query: 'x' }]]) })],
    ['groupBy', spec({ args: new Map([['groupBy', { path: ['a'], groups: 1, objectsPerGroup: 1 }]]) })],
    ['named vectors', spec({ args: new Map([['nearVector', { vector: [1], targetVectors: ['a'] }]]) })],
    ['a nearObject beacon', spec({ args: new Map([['nearObject', { beacon: 'weaviate://localhost/x' }]]) })],
    ['a reference sort path', spec({ args: new Map([['sort', [{ path: ['ref', 'Other', 'name'] }]]]) })],
    [
      'a date filter',
      spec({
        args: new Map([['where', { path: ['when'], operator: 'Equal', valueDate: '2024-01-01T00:00:00Z' }]]),
      }),
    ],
    [
      'an id filter',
      spec({ args: new Map([['where', { path: ['id'], operator: 'Equal', valueText: 'x' }]]) }),
    ],
    [
      'a reference filter path',
      spec({
        args: new Map([['where', { path: ['ref', 'Other', 'name'], operator: 'Equal', valueText: 'x' }]]),
      }),
    ],
  ])('leaves %s to GraphQL', (_what, s) => {
    expect(toSearchRequest(s)).toBeUndefined();
  });
});

describe('fromSearchReply', () => {
  /** A reply as the server sends it, through the codec. */
  function reply(results: weaviate.v1.ISearchResult[]): weaviate.v1.SearchReply {
    return pb.SearchReply.decode(pb.SearchReply.encode({ results }).finish());
  }
  const f64 = (xs: number[]) => new Uint8Array(new Float64Array(xs).buffer);
  const i64 = (xs: bigint[]) => new Uint8Array(new BigInt64Array(xs).buffer);
  const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

  it("gives GraphQL's answer: every value type, null for missing, keys in byte order", () => {
    const s = spec({
      properties: ['title', 'n', 'x', 'ok', 'when', 'tags', 'nums', 'ints', 'missing', 'inner'],
      additional: ['id', 'distance', 'certainty', 'vector', 'creationTimeUnix'],
    });
    const r = reply([
      {
        properties: {
          nonRefProps: {
            fields: {
              title: { textValue: 'hello' },
              n: { intValue: 42 },
              x: { numberValue: 1 / 3 },
              ok: { boolValue: false },
              when: { dateValue: '2024-01-02T10:00:00Z' },
              tags: { listValue: { textValues: { values: ['a', 'b'] } } },
              nums: { listValue: { numberValues: { values: f64([0.1, 1.5]) } } },
              ints: { listValue: { intValues: { values: i64([1n, 2n ** 40n]) } } },
              inner: { objectValue: { fields: { k: { textValue: 'v' } } } },
            },
          },
        },
        metadata: {
          id: '669020c3-89d7-49a4-aae0-47ce3bcbd6c1',
          distance: 0.03646201,
          distancePresent: true,
          certainty: Math.fround(1 - Math.fround(0.03646201) / 2),
          certaintyPresent: true,
          vectorBytes: f32([Math.sin(1), Math.cos(1), 0.05, 0.1]),
          creationTimeUnix: 1796063415709,
          creationTimeUnixPresent: true,
        },
      },
    ]);
    const out = fromSearchReply(r, s);
    const obj = out.data.Get.Article![0]!;
    expect(obj).toEqual({
      title: 'hello',
      n: 42,
      x: 1 / 3,
      ok: false,
      when: '2024-01-02T10:00:00Z',
      tags: ['a', 'b'],
      nums: [0.1, 1.5],
      ints: [1, 2 ** 40],
      missing: null,
      inner: { k: 'v' },
      _additional: {
        id: '669020c3-89d7-49a4-aae0-47ce3bcbd6c1',
        distance: 0.03646201,
        // What the real server's GraphQL answered for this distance (float64 arithmetic on the float32).
        certainty: 0.9817689955234528,
        // GraphQL printed these for the vector [sin 1, cos 1, 0.05, 0.1] stored as float32.
        vector: [0.84147096, 0.5403023, 0.05, 0.1],
        creationTimeUnix: '1796063415709',
      },
    });
    expect(Object.keys(obj)).toEqual([...Object.keys(obj)].sort());
    expect(Object.keys(obj._additional as object)).toEqual([
      'certainty',
      'creationTimeUnix',
      'distance',
      'id',
      'vector',
    ]);
  });

  it('answers an empty list for no results and null for metadata the server did not send', () => {
    expect(fromSearchReply(reply([]), spec())).toEqual({ data: { Get: { Article: [] } } });
    const out = fromSearchReply(
      reply([{ metadata: { id: 'x' } }]),
      spec({ additional: ['distance', 'score'] }),
    );
    expect(out.data.Get.Article).toEqual([{ title: null, _additional: { distance: null, score: null } }]);
  });
});

describe('shortest32 prints a float32 as Go does (shortest decimal that reads back)', () => {
  it.each([
    [Math.fround(0.1), 0.1],
    [Math.fround(Math.sin(1)), 0.84147096],
    [Math.fround(Math.cos(1)), 0.5403023],
    [Math.fround(0.03646201), 0.03646201],
    [Math.fround(0.5), 0.5],
    [Math.fround(1e-7), 1e-7],
    [Math.fround(123456.789), 123456.79],
    [0, 0],
  ])('%d -> %d', (f, expected) => {
    expect(shortest32(f)).toBe(expected);
    expect(Math.fround(shortest32(f))).toBe(f);
  });
});
