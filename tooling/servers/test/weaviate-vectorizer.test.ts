import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerInfo, useServer } from '../src/index.js';
import { cosineSimilarity, embedText, sameFloat32Vector, T2V_DIMENSIONS } from '../src/t2v/embedding.js';

/**
 * 'weaviate' vectorizes through text2vec-transformers and the local inference service: the vector
 * Weaviate stores is exactly `embedText` of the text it sent, and nearText / moveTo / moveAwayFrom
 * rank objects as that function predicts.
 */

interface Received {
  text: string;
  taskType?: string;
}

const json = { 'content-type': 'application/json' };

describe('weaviate with text2vec-transformers', () => {
  let info: ServerInfo;
  let url: string;
  const className = `DbwireT2v${randomBytes(4).toString('hex')}`;

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${url}${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  }

  async function received(): Promise<Received[]> {
    const res = await fetch(`${info.inferenceUrl as string}/_dbwire/requests`);
    expect(res.status).toBe(200);
    return (await res.json()) as Received[];
  }

  /** `content` of the objects nearText returns, best first, with their distances. */
  async function nearText(args: string): Promise<{ content: string; distance: number }[]> {
    const query = `{ Get { ${className}(nearText: ${args}) { content _additional { distance } } } }`;
    const res = await post('/v1/graphql', { query });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data?: Record<string, Record<string, { content: string; _additional: { distance: number } }[]>>;
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    return body.data!.Get![className]!.map((o) => ({ content: o.content, distance: o._additional.distance }));
  }

  beforeAll(async () => {
    info = await useServer('weaviate');
    url = info.url as string;
    const created = await post('/v1/schema', {
      class: className,
      vectorizer: 'text2vec-transformers',
      // Without the class name in the text, the vectorized text is exactly the property value.
      moduleConfig: { 'text2vec-transformers': { vectorizeClassName: false } },
      properties: [{ name: 'content', dataType: ['text'] }],
    });
    expect(created.status).toBe(200);
    await created.arrayBuffer();
  });

  afterAll(async () => {
    if (url) await (await fetch(`${url}/v1/schema/${className}`, { method: 'DELETE' })).arrayBuffer();
  });

  it('names the inference service in its info and shows its model in /v1/meta', async () => {
    expect(typeof info.inferenceUrl).toBe('string');
    if (!info.external) expect(info.inferenceUrl).toBe('http://127.0.0.1:8090');
    const meta = (await (await fetch(`${url}/v1/meta`)).json()) as { modules: Record<string, unknown> };
    expect(meta.modules['text2vec-transformers']).toEqual({
      model: { name: 'dbwire-hashed-bag-of-words', dimensions: T2V_DIMENSIONS, kind: expect.any(String) },
    });
  });

  it('stores embedText(property value) as the vector of an inserted object', async () => {
    const id = randomUUID();
    const text = `The quick brown fox ${id}`;
    const res = await post('/v1/objects', { class: className, id, properties: { content: text } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();

    const got = await fetch(`${url}/v1/objects/${className}/${id}?include=vector`);
    expect(got.status).toBe(200);
    const object = (await got.json()) as { vector: number[] };
    expect(object.vector).toHaveLength(T2V_DIMENSIONS);
    expect(sameFloat32Vector(object.vector, embedText(text))).toBe(true);
    // A different text would not match: the comparison can fail.
    expect(sameFloat32Vector(object.vector, embedText('The quick brown fox'))).toBe(false);

    // Weaviate sent exactly the property value, once, as a passage.
    const sent = (await received()).filter((r) => r.text === text);
    expect(sent).toEqual([{ text, taskType: 'passage' }]);
  });

  describe('nearText', () => {
    const objects = ['red apple pie', 'red car', 'ocean'];

    beforeAll(async () => {
      const res = await post('/v1/batch/objects', {
        objects: objects.map((content) => ({ class: className, properties: { content } })),
      });
      expect(res.status).toBe(200);
      const results = (await res.json()) as { result?: { errors?: unknown } }[];
      expect(results.map((r) => r.result?.errors)).toEqual([undefined, undefined, undefined]);
    });

    /** Expected cosine distances of the three objects from a query vector, as Weaviate computes them. */
    function distances(query: number[]): Record<string, number> {
      return Object.fromEntries(objects.map((o) => [o, 1 - cosineSimilarity(query, embedText(o))]));
    }

    function expectRanking(got: { content: string; distance: number }[], query: number[], order: string[]) {
      const ours = got.filter((o) => objects.includes(o.content));
      expect(ours.map((o) => o.content)).toEqual(order);
      const expected = distances(query);
      for (const o of ours) expect(o.distance).toBeCloseTo(expected[o.content]!, 4);
    }

    it('ranks the object sharing the most of the concept first and vectorizes the concept as a query', async () => {
      const got = await nearText('{concepts: ["red"]}');
      // cos(red, "red car") = 1/√2 > cos(red, "red apple pie") = 1/√3 > cos(red, "ocean") = 0
      expectRanking(got, embedText('red'), ['red car', 'red apple pie', 'ocean']);
      expect((await received()).some((r) => r.text === 'red' && r.taskType === 'query')).toBe(true);

      const pie = await nearText('{concepts: ["apple pie"]}');
      expect(pie[0]!.content).toBe('red apple pie');
    });

    it('moveTo pulls the query towards the target concept (vector = ½·red + ½·ocean at force 1)', async () => {
      const got = await nearText('{concepts: ["red"], moveTo: {concepts: ["ocean"], force: 1}}');
      const red = embedText('red');
      const ocean = embedText('ocean');
      expectRanking(
        got,
        red.map((r, i) => r * 0.5 + ocean[i]! * 0.5),
        ['ocean', 'red car', 'red apple pie'],
      );
    });

    it('moveAwayFrom pushes the query away from the concept (vector = red + ½·(red − car) at force 1)', async () => {
      const got = await nearText('{concepts: ["red"], moveAwayFrom: {concepts: ["car"], force: 1}}');
      const red = embedText('red');
      const car = embedText('car');
      expectRanking(
        got,
        red.map((r, i) => r + 0.5 * (r - car[i]!)),
        ['red apple pie', 'red car', 'ocean'],
      );
    });
  });
});
