import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';
import { dropAfterAll, uniqueClass, weaviateUrl } from './helpers.js';

/**
 * nearText, moveTo and moveAwayFrom through the real server: 'weaviate' runs text2vec-transformers
 * against the local deterministic inference service (a bag-of-words embedding, so rankings follow
 * shared words).
 */
let client: Client;
const Doc = uniqueClass('Doc');

beforeAll(async () => {
  client = new Client(await weaviateUrl());
  const meta = await client.getMeta();
  if (!('text2vec-transformers' in meta.modules)) {
    throw new Error(
      `the 'weaviate' test server has no text2vec-transformers module (modules: ${Object.keys(meta.modules)})`,
    );
  }
  await client.schema.createClass({
    class: Doc,
    vectorizer: 'text2vec-transformers',
    moduleConfig: { 'text2vec-transformers': { vectorizeClassName: false } },
    properties: [{ name: 'content', dataType: ['text'] }],
  });
  client.batch.configure({ batchSize: 10 });
  await client.batch.with(async (batch) => {
    for (const content of ['red apple pie', 'red car', 'ocean'])
      await batch.addDataObject({ dataObject: { content }, className: Doc });
  });
  expect(client.batch.stats.objectsConfirmed).toBe(3);
});
dropAfterAll(() => client, [Doc]);

async function nearText(
  content: Parameters<ReturnType<Client['query']['get']>['withNearText']>[0],
): Promise<string[]> {
  const res = await client.query
    .get<{ content: string }>(Doc, ['content'])
    .withNearText(content)
    .withLimit(3)
    .do();
  return res.data.Get[Doc]!.map((o) => o.content);
}

describe('withNearText (seed example shape)', () => {
  it('ranks by the concept', async () => {
    expect(await nearText({ concepts: ['red'] })).toEqual(['red car', 'red apple pie', 'ocean']);
  });

  it('moveTo pulls the query towards a concept', async () => {
    expect((await nearText({ concepts: ['red'], moveTo: { concepts: ['ocean'], force: 1 } }))[0]).toBe(
      'ocean',
    );
  });

  it('moveAwayFrom pushes it away, certainty filters', async () => {
    expect((await nearText({ concepts: ['red'], moveAwayFrom: { concepts: ['car'], force: 1 } }))[0]).toBe(
      'red apple pie',
    );
    const near = await nearText({ concepts: ['red car'], certainty: 0.99 });
    expect(near).toEqual(['red car']);
  });
});
