import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type SchemaDefinition } from '../../src/index.js';
import { countRequests, uniqueClass, vectorFor } from './helpers.js';

/**
 * `schema.deleteAll()` for real. It deletes every class of the server, so it never runs on the shared
 * 'weaviate' (other suites work there in parallel): it runs on 'weaviate-scratch', a Weaviate of its
 * own that only suites holding the 'weaviate-scratch' lock use.
 *
 * Docker mode (WEAVIATE_URL set): the suite needs WEAVIATE_SCRATCH_URL, a Weaviate it may wipe, and
 * fails without it rather than skip or start a local server behind the user's back (tooling refuses
 * a scratch URL equal to WEAVIATE_URL). On any server it also refuses to wipe classes it did not make:
 * before deleting, every class present must carry this suite's prefix (ours from this or an
 * interrupted earlier run), otherwise the test fails and names them.
 */
const PREFIX = 'DeleteAll';
holdServerLock('weaviate-scratch');

/** Docker mode without a scratch server: every test fails with this (a failure, not a skip). */
const dockerWithoutScratch =
  process.env.WEAVIATE_URL && !process.env.WEAVIATE_SCRATCH_URL
    ? 'docker mode (WEAVIATE_URL is set) without WEAVIATE_SCRATCH_URL: schema.deleteAll() deletes every class of its server, so this suite needs a Weaviate of its own that may be wiped; set WEAVIATE_SCRATCH_URL (never the WEAVIATE_URL server)'
    : undefined;

let client: Client | undefined;

beforeAll(async () => {
  if (dockerWithoutScratch) return;
  const info = await useServer('weaviate-scratch');
  client = new Client(info.endpoints[0]!);
});
afterAll(async () => {
  await client?.close();
});

function scratchClient(): Client {
  if (dockerWithoutScratch) throw new Error(dockerWithoutScratch);
  return client!;
}

async function classNames(c: Client): Promise<string[]> {
  const schema = (await c.schema.get()) as SchemaDefinition;
  return (schema.classes ?? []).map((k) => k.class).sort();
}

describe('schema.deleteAll on a server of its own', () => {
  it('deletes every class (three, with cross-references between them) and their objects; none remain', async () => {
    const c = scratchClient();
    const foreign = (await classNames(c)).filter((n) => !n.startsWith(PREFIX));
    expect(foreign, 'classes this suite did not make: refusing to wipe them').toEqual([]);

    const Author = uniqueClass(`${PREFIX}Author`);
    const Book = uniqueClass(`${PREFIX}Book`);
    const Shelf = uniqueClass(`${PREFIX}Shelf`);
    // Book → Author and Shelf → Book, and Author → Book back: a cycle schema.create must order.
    await c.schema.create({
      classes: [
        {
          class: Shelf,
          vectorizer: 'none',
          properties: [
            { name: 'label', dataType: ['text'] },
            { name: 'holds', dataType: [Book] },
          ],
        },
        {
          class: Book,
          vectorizer: 'none',
          properties: [
            { name: 'title', dataType: ['text'] },
            { name: 'writtenBy', dataType: [Author] },
          ],
        },
        {
          class: Author,
          vectorizer: 'none',
          properties: [
            { name: 'name', dataType: ['text'] },
            { name: 'wrote', dataType: [Book] },
          ],
        },
      ],
    });
    const author = await c.dataObject.create({ name: 'Ursula' }, Author, { vector: vectorFor(1) });
    const book = await c.dataObject.create({ title: 'The Dispossessed' }, Book, { vector: vectorFor(2) });
    const shelf = await c.dataObject.create({ label: 'sf' }, Shelf, { vector: vectorFor(3) });
    await c.dataObject.reference.add(book, 'writtenBy', author, { fromClassName: Book, toClassName: Author });
    await c.dataObject.reference.add(author, 'wrote', book, { fromClassName: Author, toClassName: Book });
    await c.dataObject.reference.add(shelf, 'holds', book, { fromClassName: Shelf, toClassName: Book });

    const before = await classNames(c);
    expect(before).toEqual(expect.arrayContaining([Author, Book, Shelf].sort()));
    expect(before.every((n) => n.startsWith(PREFIX))).toBe(true);
    const linked = await c.query
      .get(Shelf, ['label', `holds { ... on ${Book} { title writtenBy { ... on ${Author} { name } } } }`])
      .do();
    expect(linked.data.Get[Shelf]).toEqual([
      { label: 'sf', holds: [{ title: 'The Dispossessed', writtenBy: [{ name: 'Ursula' }] }] },
    ]);
    expect(await c.schema.contains()).toBe(true);

    // The API returns nothing; what was deleted is counted from the requests it made.
    const { result, counts } = await countRequests(() => c.schema.deleteAll());
    expect(result).toBeUndefined();
    expect(counts['schema.deleteClass']).toBe(before.length);

    expect(await classNames(c)).toEqual([]);
    expect(await c.schema.contains()).toBe(false);
    for (const [id, cls] of [
      [author, Author],
      [book, Book],
      [shelf, Shelf],
    ] as const) {
      expect(await c.dataObject.exists(id, { className: cls })).toBe(false);
    }
    // An object listing across classes is empty too: the data went with the classes.
    const rest = (await c.dataObject.get(null, { limit: 10 })) as { objects: unknown[] };
    expect(rest.objects).toEqual([]);
  });

  it('on an empty schema: resolves and deletes nothing', async () => {
    const c = scratchClient();
    expect(await classNames(c)).toEqual([]);
    const { counts } = await countRequests(() => c.schema.deleteAll());
    expect(counts['schema.deleteClass'] ?? 0).toBe(0);
    expect(await classNames(c)).toEqual([]);
  });
});
