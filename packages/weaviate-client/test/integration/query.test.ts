import { beforeAll, describe, expect, it } from 'vitest';
import { Client, UsageError, WeaviateQueryError } from '../../src/index.js';
import { countRequests, dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

let client: Client;
const Article = uniqueClass('Article');
interface ArticleProps {
  title: string;
  wordCount: number;
  category: string;
}
const ids: string[] = [];

beforeAll(async () => {
  client = new Client(await weaviateUrl());
  await client.schema.createClass({
    class: Article,
    vectorizer: 'none',
    properties: [
      { name: 'title', dataType: ['text'] },
      { name: 'wordCount', dataType: ['int'] },
      { name: 'category', dataType: ['text'], tokenization: 'field' },
    ],
  });
  client.batch.configure({ batchSize: 100, callback: null });
  await client.batch.with(async (b) => {
    for (let i = 0; i < 40; i++) {
      ids.push(
        await b.addDataObject({
          dataObject: {
            title: `article ${i} ${i % 2 ? 'fashion' : 'finance'}`,
            wordCount: i * 100,
            category: i % 4 === 0 ? 'news' : 'blog',
          },
          className: Article,
          vector: vectorFor(i),
        }),
      );
    }
  });
  expect(client.batch.stats.objectsConfirmed).toBe(40);
});
dropAfterAll(() => client, [Article]);

describe('query.get (seed: GraphQL builder)', () => {
  it('withWhere + withLimit: typed results, filtered on the server', async () => {
    const res = await client.query
      .get<ArticleProps>(Article, ['title', 'wordCount'])
      .withWhere({ path: ['wordCount'], operator: 'GreaterThan', valueInt: 1000 })
      .withLimit(50)
      .do();
    const rows = res.data.Get[Article]!;
    expect(rows).toHaveLength(29); // wordCount 1100 .. 3900
    expect(rows.every((r) => r.wordCount > 1000)).toBe(true);
  });

  it('withNearVector + withAdditional: the closest object first, with its distance', async () => {
    const res = await client.query
      .get<ArticleProps>(Article, ['title'])
      .withNearVector({ vector: vectorFor(7) })
      .withAdditional(['id', 'distance'])
      .withLimit(3)
      .do();
    const rows = res.data.Get[Article]!;
    expect(rows[0]!._additional!.id).toBe(ids[7]);
    expect(rows[0]!._additional!.distance).toBeCloseTo(0, 5);
    expect(rows).toHaveLength(3);
  });

  it('withNearObject finds the object itself first', async () => {
    const res = await client.query
      .get(Article, ['title'])
      .withNearObject({ id: ids[3]! })
      .withAdditional('id')
      .withLimit(1)
      .do();
    expect(res.data.Get[Article]![0]!._additional!.id).toBe(ids[3]);
  });

  it('withBm25 and withHybrid rank keyword matches', async () => {
    const bm25 = await client.query
      .get<ArticleProps>(Article, ['title'])
      .withBm25('fashion', ['title'])
      .withLimit(100)
      .do();
    expect(bm25.data.Get[Article]).toHaveLength(20);
    expect(bm25.data.Get[Article]!.every((r) => r.title.includes('fashion'))).toBe(true);
    const hybrid = await client.query
      .get<ArticleProps>(Article, ['title'])
      .withHybrid('finance', { alpha: 0, properties: ['title'] })
      .withLimit(5)
      .do();
    expect(hybrid.data.Get[Article]!.every((r) => r.title.includes('finance'))).toBe(true);
  });

  it('withSort, withOffset and withAfter page through results', async () => {
    const sorted = await client.query
      .get<ArticleProps>(Article, ['wordCount'])
      .withSort({ path: ['wordCount'], order: 'desc' })
      .withOffset(2)
      .withLimit(3)
      .do();
    expect(sorted.data.Get[Article]!.map((r) => r.wordCount)).toEqual([3700, 3600, 3500]);
    const first = await client.query.get(Article, ['title']).withAdditional('id').withLimit(10).do();
    const lastId = first.data.Get[Article]!.at(-1)!._additional!.id as string;
    const next = await client.query
      .get(Article, ['title'])
      .withAdditional('id')
      .withAfter(lastId)
      .withLimit(100)
      .do();
    expect(first.data.Get[Article]!.length + next.data.Get[Article]!.length).toBe(40);
  });

  it('withGroupBy groups the nearest objects', async () => {
    const res = await client.query
      .get(Article, ['title'])
      .withNearVector({ vector: vectorFor(1) })
      .withGroupBy(['category'], 2, 3)
      .withAdditional({ group: ['groupedBy { value }', 'count'] })
      .do();
    const groups = res.data.Get[Article]!.map(
      (r) => (r._additional!.group as { groupedBy: { value: string } }).groupedBy.value,
    );
    expect(groups.sort()).toEqual(['blog', 'news']);
  });

  it('query.aggregate: meta count, grouped counts and numeric fields', async () => {
    const res = await client.query
      .aggregate(Article)
      .withMetaCount()
      .withFields('wordCount { maximum minimum }')
      .do();
    expect(res.data.Aggregate[Article]![0]).toMatchObject({
      meta: { count: 40 },
      wordCount: { maximum: 3900, minimum: 0 },
    });
    const grouped = await client.query.aggregate(Article).withGroupBy('category').withMetaCount().do();
    const byValue = Object.fromEntries(
      grouped.data.Aggregate[Article]!.map((g) => [g.groupedBy.value, g.meta.count]),
    );
    expect(byValue).toEqual({ news: 10, blog: 30 });
    const filtered = await client.query
      .aggregate(Article)
      .withWhere({ path: ['category'], operator: 'Equal', valueText: 'news' })
      .withMetaCount()
      .do();
    expect(filtered.data.Aggregate[Article]![0]!.meta.count).toBe(10);
  });

  it('query.raw runs GraphQL text', async () => {
    const res = await client.query.raw(`{ Aggregate { ${Article} { meta { count } } } }`);
    expect(res.data.Aggregate[Article][0].meta.count).toBe(40);
  });
});

describe('GraphQL errors are typed, never an empty result', () => {
  it('unknown class: WeaviateQueryError with the server message', async () => {
    const err = await client.query
      .get('NoSuchClassAnywhere', ['x'])
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as WeaviateQueryError).messages.join(' ')).toMatch(/NoSuchClassAnywhere/);
  });

  it('a filter on an unknown property and a type mismatch: the server messages', async () => {
    const unknown = await client.query
      .get(Article, ['title'])
      .withWhere({ path: ['nope'], operator: 'Equal', valueText: 'x' })
      .do()
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(WeaviateQueryError);
    expect((unknown as WeaviateQueryError).messages.join(' ')).toMatch(/nope/);
    const mismatch = await client.query
      .get(Article, ['title'])
      .withWhere({ path: ['wordCount'], operator: 'Equal', valueText: 'many' })
      .do()
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(WeaviateQueryError);
  });

  it('nearText on a class without vectorizer: the server says so', async () => {
    const err = await client.query
      .get(Article, ['title'])
      .withNearText({ concepts: ['fashion'] })
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as WeaviateQueryError).messages.join(' ')).toMatch(/vectorizer|nearText|module/i);
  });

  it('a malformed raw query: the parse error; a bad builder argument never reaches the server', async () => {
    await expect(client.query.raw('{ Get { ')).rejects.toBeInstanceOf(WeaviateQueryError);
    const { counts } = await countRequests(async () => {
      expect(() =>
        client.query
          .get(Article, ['title'])
          .withWhere({ path: ['wordCount'], operator: 'Equal', valueInt: 1.5 }),
      ).toThrow(UsageError);
    });
    expect(counts).toEqual({});
  });
});
