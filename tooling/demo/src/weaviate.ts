/**
 * The @dbwire/weaviate-client quickstart: the seed's (Python client v3) walkthrough in TypeScript,
 * against the local 'weaviate' server: server facts, the Author <-> Book schema created in dependency
 * order, the seed's auto-batching import with references, a GraphQL Get with a where filter, a
 * nearVector search, an aggregate, and a typed GraphQL error. Classes carry a per-run suffix and are
 * deleted at the end, so the demo never touches data it did not create.
 */
import { useServer } from '@dbwire/test-servers';
import { Client, generateUuid5, WeaviateQueryError } from '@dbwire/weaviate-client';

export async function run(log: (s: string) => void): Promise<void> {
  const info = await useServer('weaviate');
  const sfx = `Demo${process.pid}`;
  const Author = `Author${sfx}`;
  const Book = `Book${sfx}`;

  await using client = new Client(info.endpoints[0]!);
  const meta = await client.getMeta();
  log(`connected to Weaviate ${meta.version} at ${client.url} (ready: ${await client.isReady()})`);
  try {
    // --- schema.create: classes in dependency order, the Author <-> Book cycle closed afterwards
    await client.schema.create({
      classes: [
        {
          class: Author,
          vectorizer: 'none',
          properties: [
            { name: 'name', dataType: ['text'] },
            { name: 'wroteBooks', dataType: [Book] },
          ],
        },
        {
          class: Book,
          vectorizer: 'none',
          properties: [
            { name: 'title', dataType: ['text'] },
            { name: 'pages', dataType: ['int'] },
            { name: 'ofAuthor', dataType: [Author] },
          ],
        },
      ],
    });
    log(`schema created: ${Author}, ${Book}`);

    // --- auto-batching as in the seed: objects then references whenever 5 items are queued
    client.batch.configure({ batchSize: 5 });
    const author = { name: 'Jane Doe' };
    const uuidAuthor = generateUuid5(author, Author);
    await client.batch.with(async (batch) => {
      await batch.addDataObject({
        dataObject: author,
        className: Author,
        uuid: uuidAuthor,
        vector: [1, 0, 0],
      });
      for (const [i, title] of ["Jane's Book 1", "Jane's Book 2", "Jane's Book 3"].entries()) {
        const book = { title, pages: 100 * (i + 1) };
        const uuidBook = generateUuid5(book, Book);
        await batch.addDataObject({ dataObject: book, className: Book, uuid: uuidBook, vector: [0, 1, i] });
        await batch.addReference({
          fromObjectUuid: uuidAuthor,
          fromObjectClassName: Author,
          fromPropertyName: 'wroteBooks',
          toObjectUuid: uuidBook,
          toObjectClassName: Book,
        });
        await batch.addReference({
          fromObjectUuid: uuidBook,
          fromObjectClassName: Book,
          fromPropertyName: 'ofAuthor',
          toObjectUuid: uuidAuthor,
          toObjectClassName: Author,
        });
      }
    });
    const s = client.batch.stats;
    log(
      `batch: ${s.objectsConfirmed}/${s.objectsAdded} objects and ${s.referencesConfirmed}/${s.referencesAdded} references confirmed in ${s.requests} requests`,
    );

    // --- GraphQL Get with a where filter, following the references
    const long = await client.query
      .get<{ title: string; pages: number }>(Book, [
        'title',
        'pages',
        `ofAuthor { ... on ${Author} { name } }`,
      ])
      .withWhere({ path: ['pages'], operator: 'GreaterThan', valueInt: 150 })
      .withSort({ path: ['pages'] })
      .do();
    for (const b of long.data.Get[Book]!) log(`book over 150 pages: ${b.title} (${b.pages})`);

    // --- nearVector and aggregate
    const near = await client.query
      .get<{ title: string }>(Book, ['title'])
      .withNearVector({ vector: [0, 1, 2] })
      .withAdditional(['distance'])
      .withLimit(1)
      .do();
    log(`closest to [0, 1, 2]: ${near.data.Get[Book]![0]!.title}`);
    const agg = await client.query.aggregate(Book).withMetaCount().withFields('pages { sum }').do();
    const row = agg.data.Aggregate[Book]![0]!;
    log(`aggregate: ${row.meta.count} books, ${row.pages.sum} pages`);

    // --- a GraphQL error is a typed rejection with the server's message
    try {
      await client.query.get(Book, ['noSuchProperty']).do();
    } catch (err) {
      if (!(err instanceof WeaviateQueryError)) throw err;
      log(`WeaviateQueryError as expected: ${err.messages[0]}`);
    }
  } finally {
    for (const c of [Author, Book]) await client.schema.deleteClass(c).catch(() => {});
    log('demo classes deleted');
  }
}
