import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type ProgressEvent, type RequestStartEvent } from '@dbwire/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BatchResultItem, Client, generateUuid5, UsageError } from '../../src/index.js';
import { countRequests, dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

let client: Client;
const classes: string[] = [];

beforeAll(async () => {
  client = new Client(await weaviateUrl());
});
dropAfterAll(() => client, classes);

/** The seed's Author <-> Book schema under fresh class names. */
async function authorBookSchema(): Promise<{ Author: string; Book: string }> {
  const Author = uniqueClass('Author');
  const Book = uniqueClass('Book');
  classes.push(Author, Book);
  await client.schema.create({
    classes: [
      {
        class: Author,
        properties: [
          { name: 'name', dataType: ['text'] },
          { name: 'wroteBooks', dataType: [Book] },
        ],
      },
      {
        class: Book,
        properties: [
          { name: 'title', dataType: ['text'] },
          { name: 'ofAuthor', dataType: [Author] },
        ],
      },
    ],
  });
  return { Author, Book };
}

async function plainClass(prefix = 'Item'): Promise<string> {
  const name = uniqueClass(prefix);
  classes.push(name);
  await client.schema.createClass({
    class: name,
    vectorizer: 'none',
    properties: [
      { name: 'n', dataType: ['int'] },
      { name: 'text', dataType: ['text'] },
    ],
  });
  return name;
}

async function count(className: string): Promise<number> {
  const res = await client.query.aggregate(className).withMetaCount().do();
  return res.data.Aggregate[className]![0]!.meta.count;
}

/** The seed's walkthrough body: 3 objects and 4 references, in the seed's order. */
async function seedWalkthrough(
  batch: Client['batch'],
  Author: string,
  Book: string,
  manual = false,
): Promise<{ uuidAuthor: string; uuidBook1: string; uuidBook2: string }> {
  const author = { name: 'Jane Doe' };
  const book1 = { title: "Jane's Book 1" };
  const book2 = { title: "Jane's Book 2" };
  const uuidAuthor = generateUuid5(author, Author);
  await batch.addDataObject({ dataObject: author, className: Author, uuid: uuidAuthor });
  const uuidBook1 = generateUuid5(book1, Book);
  await batch.addDataObject({ dataObject: book1, className: Book, uuid: uuidBook1 });
  if (manual) await batch.createObjects();
  await batch.addReference({
    fromObjectUuid: uuidAuthor,
    fromObjectClassName: Author,
    fromPropertyName: 'wroteBooks',
    toObjectUuid: uuidBook1,
    toObjectClassName: Book,
  });
  await batch.addReference({
    fromObjectUuid: uuidBook1,
    fromObjectClassName: Book,
    fromPropertyName: 'ofAuthor',
    toObjectUuid: uuidAuthor,
    toObjectClassName: Author,
  });
  if (manual) await batch.createReferences();
  const uuidBook2 = generateUuid5(book2, Book);
  await batch.addDataObject({ dataObject: book2, className: Book, uuid: uuidBook2 });
  if (manual) await batch.createObjects();
  await batch.addReference({
    fromObjectUuid: uuidAuthor,
    fromObjectClassName: Author,
    fromPropertyName: 'wroteBooks',
    toObjectUuid: uuidBook2,
    toObjectClassName: Book,
  });
  await batch.addReference({
    fromObjectUuid: uuidBook2,
    fromObjectClassName: Book,
    fromPropertyName: 'ofAuthor',
    toObjectUuid: uuidAuthor,
    toObjectClassName: Author,
  });
  if (manual) await batch.createReferences();
  return { uuidAuthor, uuidBook1, uuidBook2 };
}

async function expectSeedGraph(
  Author: string,
  Book: string,
  ids: { uuidAuthor: string; uuidBook1: string; uuidBook2: string },
) {
  const author = await client.dataObject.getById(ids.uuidAuthor, { className: Author });
  const wrote = (author!.properties.wroteBooks as Array<{ beacon: string }>)
    .map((r) => r.beacon.split('/').pop())
    .sort();
  expect(wrote).toEqual([ids.uuidBook1, ids.uuidBook2].sort());
  for (const b of [ids.uuidBook1, ids.uuidBook2]) {
    const book = await client.dataObject.getById(b, { className: Book });
    expect(
      (book!.properties.ofAuthor as Array<{ beacon: string }>).map((r) => r.beacon.split('/').pop()),
    ).toEqual([ids.uuidAuthor]);
  }
}

describe('auto-batching (seed: batch_size=5)', () => {
  it('creates objects then references when objects + references reach batchSize, the rest at the end', async () => {
    const { Author, Book } = await authorBookSchema();
    const seen: BatchResultItem[] = [];
    client.batch.configure({ batchSize: 5, callback: (r) => seen.push(...r) });
    const { result: ids, counts } = await countRequests(async () => {
      await using batch = client.batch;
      return await seedWalkthrough(batch, Author, Book);
    });
    // The 5th item (book 2) fills the batch: 3 objects, then 2 references; the last 2 references at exit.
    expect(counts).toEqual({ 'batch.createObjects': 1, 'batch.createReferences': 2 });
    expect(seen).toHaveLength(7);
    expect(client.batch.stats).toMatchObject({
      objectsAdded: 3,
      objectsConfirmed: 3,
      referencesAdded: 4,
      referencesConfirmed: 4,
    });
    await expectSeedGraph(Author, Book, ids);
  });

  it('client.batch(...) is configure(...), and batch.with() flushes at the end', async () => {
    const { Author, Book } = await authorBookSchema();
    expect(client.batch({ batchSize: 100, dynamic: false, numWorkers: 2 })).toBe(client.batch);
    expect(client.batch.config).toMatchObject({
      batchSize: 100,
      dynamic: false,
      numWorkers: 2,
      creationTime: 10,
      timeoutRetries: 3,
    });
    const { result: ids, counts } = await countRequests(() =>
      client.batch.with((batch) => seedWalkthrough(batch, Author, Book)),
    );
    expect(counts).toEqual({ 'batch.createObjects': 1, 'batch.createReferences': 1 });
    await expectSeedGraph(Author, Book, ids);
  });
});

describe('dynamic batching (seed: dynamic=True)', () => {
  it('runs the seed walkthrough', async () => {
    const { Author, Book } = await authorBookSchema();
    client.batch.configure({ batchSize: 5, dynamic: true });
    expect(client.batch.recommendedNumObjects).toBe(5);
    const { result: ids } = await countRequests(async () => {
      await using batch = client.batch;
      return await seedWalkthrough(batch, Author, Book);
    });
    await expectSeedGraph(Author, Book, ids);
  });

  it('recommended sizes follow the measured creation time: tiny creationTime shrinks, large grows', async () => {
    const name = await plainClass();
    client.batch.configure({ batchSize: 10, dynamic: true, creationTime: 0.0001, callback: null });
    const small = await countRequests(() =>
      client.batch.with(async (b) => {
        for (let i = 0; i < 100; i++)
          await b.addDataObject({ dataObject: { n: i }, className: name, vector: vectorFor(i) });
      }),
    );
    // At 0.1 ms per batch the recommendation drops to 1 object: far more requests than 100 / 10.
    expect(client.batch.recommendedNumObjects).toBe(1);
    expect(small.counts['batch.createObjects']).toBeGreaterThan(50);

    client.batch.configure({ batchSize: 2, dynamic: true, creationTime: 100, callback: null });
    const large = await countRequests(() =>
      client.batch.with(async (b) => {
        for (let i = 100; i < 300; i++)
          await b.addDataObject({ dataObject: { n: i }, className: name, vector: vectorFor(i) });
      }),
    );
    // At 100 s per batch sizes double after each request (2, 4, 8, ...): a handful of requests for 200 objects.
    expect(client.batch.recommendedNumObjects).toBeGreaterThan(2);
    expect(large.counts['batch.createObjects']).toBeLessThan(10);
    expect(await count(name)).toBe(300);
  });
});

describe('manual batching (seed: batch_size=None)', () => {
  it('sends only on createObjects / createReferences, and returns their results', async () => {
    const { Author, Book } = await authorBookSchema();
    client.batch.configure({ batchSize: null });
    const { result: ids, counts } = await countRequests(async () => {
      await using batch = client.batch;
      return await seedWalkthrough(batch, Author, Book, true);
    });
    expect(counts).toEqual({ 'batch.createObjects': 2, 'batch.createReferences': 2 });
    await expectSeedGraph(Author, Book, ids);
    client.batch.configure({ batchSize: null });
    await client.batch.addDataObject({ dataObject: { title: 'manual' }, className: Book });
    const result = await client.batch.createObjects();
    expect(result).toHaveLength(1);
    expect(result[0]!.result).toEqual({ status: 'SUCCESS' });
  });
});

describe('numWorkers, size split, callback and no-loss accounting', () => {
  it('numWorkers bounds the requests in flight, and reaches it', async () => {
    const name = await plainClass();
    const inFlight = { now: 0, max: 0 };
    const onStart = (m: unknown) => {
      if ((m as RequestStartEvent).operation === 'batch.createObjects')
        inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    };
    const onEnd = (m: unknown) => {
      if ((m as RequestStartEvent).operation === 'batch.createObjects') inFlight.now--;
    };
    subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
    subscribe(DIAGNOSTICS_CHANNELS.end, onEnd);
    subscribe(DIAGNOSTICS_CHANNELS.error, onEnd);
    try {
      for (const workers of [1, 4]) {
        inFlight.max = 0;
        client.batch.configure({ batchSize: 20, numWorkers: workers, callback: null });
        await client.batch.with(async (b) => {
          for (let i = 0; i < 400; i++)
            await b.addDataObject({ dataObject: { n: i }, className: name, vector: vectorFor(i, 64) });
        });
        expect(inFlight.max).toBe(workers);
      }
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
      unsubscribe(DIAGNOSTICS_CHANNELS.end, onEnd);
      unsubscribe(DIAGNOSTICS_CHANNELS.error, onEnd);
    }
  });

  it('splits a batch by encoded size as well as by count', async () => {
    const name = await plainClass();
    const text = 'x'.repeat(1000);
    // Each object encodes to a little over 1 KB: at most 3 fit in 4000 bytes, so 20 objects take 7 requests.
    client.batch.configure({ batchSize: 20, maxBatchBytes: 4000, callback: null });
    const { counts } = await countRequests(() =>
      client.batch.with(async (b) => {
        for (let i = 0; i < 20; i++) await b.addDataObject({ dataObject: { n: i, text }, className: name });
      }),
    );
    expect(counts['batch.createObjects']).toBe(7);
    expect(await count(name)).toBe(20);
  });

  it('items the server refuses are reported, never dropped: added = confirmed + failed, the callback sees all', async () => {
    const name = await plainClass();
    const seen: BatchResultItem[] = [];
    const progress: ProgressEvent[] = [];
    client.batch.configure({
      batchSize: 10,
      callback: (r) => seen.push(...r),
      onProgress: (e) => progress.push(e),
    });
    await client.batch.with(async (b) => {
      for (let i = 0; i < 25; i++) {
        // Every fifth object has a text where the schema says int.
        await b.addDataObject({ dataObject: { n: i % 5 === 0 ? 'not a number' : i }, className: name });
      }
    });
    const stats = client.batch.stats;
    expect(stats).toMatchObject({ objectsAdded: 25, objectsConfirmed: 20, objectsFailed: 5 });
    expect(client.batch.failedObjects).toHaveLength(5);
    expect(client.batch.failedObjects.map((f) => f.item.body.properties)).toEqual(
      [0, 5, 10, 15, 20].map(() => ({ n: 'not a number' })),
    );
    expect(client.batch.failedObjects[0]!.error.message).toMatch(/n/);
    expect(seen).toHaveLength(25);
    expect(seen.filter((r) => r.result?.errors)).toHaveLength(5);
    expect(progress.at(-1)).toMatchObject({ done: 25, failed: 5 });
    expect(await count(name)).toBe(20);
  });

  it('bad arguments are UsageErrors and nothing is queued', async () => {
    client.batch.configure({ batchSize: 10 });
    await expect(
      client.batch.addDataObject({ dataObject: { n: 1 }, className: 'X', uuid: 'bad' }),
    ).rejects.toBeInstanceOf(UsageError);
    expect(() => client.batch.configure({ batchSize: 0 })).toThrow(UsageError);
    expect(() => client.batch({ numWorkers: 1.5 })).toThrow(UsageError);
    expect(client.batch.shape).toEqual([0, 0]);
  });
});

describe('batch.deleteObjects (seed: delete_objects)', () => {
  it('dry run counts, then deletes what matches', async () => {
    const name = await plainClass();
    client.batch.configure({ batchSize: 50, callback: null });
    await client.batch.with(async (b) => {
      for (let i = 0; i < 30; i++) await b.addDataObject({ dataObject: { n: i }, className: name });
    });
    const where = { path: ['n'], operator: 'LessThan', valueInt: 10 };
    const dry = await client.batch.deleteObjects({ className: name, where, dryRun: true, output: 'verbose' });
    expect(dry.results.matches).toBe(10);
    expect(dry.results.objects).toHaveLength(10);
    expect(await count(name)).toBe(30);
    const done = await client.batch.deleteObjects({ className: name, where });
    expect(done.results).toMatchObject({ matches: 10, successful: 10, failed: 0 });
    expect(await count(name)).toBe(20);
  });
});
