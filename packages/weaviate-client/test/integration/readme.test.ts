import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer } from '@dbwire/test-servers';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';
import { weaviateUrl } from './helpers.js';

/**
 * Runs every ```ts block of the package README, in order, against the real Weaviate. Each block runs
 * in its own scope with the package's exports and `client` (a Client on the test server; blocks that
 * create their own shadow it). The only edits are the environment: `http://localhost:8080` becomes the
 * test server, and the seed's class names (Author, Book, Article, Publication) get a per-block suffix,
 * so blocks that create the same schema (as the seed does) and parallel suites never collide.
 */
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const sfx = `R${randomBytes(3).toString('hex')}`;

let url: string;
let grpcPort: number;
let client: pkg.Client;
const clients: pkg.Client[] = [];

/** Records every client a snippet creates, to close what the snippets leave open. */
class TrackedClient extends pkg.Client {
  constructor(...args: ConstructorParameters<typeof pkg.Client>) {
    super(...args);
    clients.push(this);
  }
}

const suffixed = (name: string, block: number) => `${name}${sfx}B${block}`;

function compile(code: string, block: number): string {
  const src = code
    .replace(/^import [\s\S]*? from '@dbwire\/weaviate-client';\n/gm, '')
    .replaceAll("'http://localhost:8080'", `'${url}'`)
    .replaceAll('grpcPort: 50051', `grpcPort: ${grpcPort}`)
    .replace(/'(Author|Book|Article|Publication)'/g, (_m, name: string) => `'${suffixed(name, block)}'`);
  const out = ts.transpileModule(`{\n${src}\n}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return out.outputText.replace(/export \{\};\s*$/, '');
}

async function runBlock(code: string, block: number): Promise<unknown[]> {
  const printed: unknown[] = [];
  const scope: Record<string, unknown> = {
    ...pkg,
    Client: TrackedClient,
    client,
    console: { log: (...args: unknown[]) => printed.push(args.length === 1 ? args[0] : args) },
  };
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, compile(code, block))(...names.map((n) => scope[n]));
  return printed;
}

beforeAll(async () => {
  url = await weaviateUrl();
  grpcPort = Number(
    String((await useServer('weaviate')).grpc)
      .split(':')
      .pop(),
  );
  client = new pkg.Client(url);
});

afterAll(async () => {
  const schema = await client.schema.get();
  for (const c of schema.classes as Array<{ class: string }>) {
    if (c.class.includes(sfx)) await client.schema.deleteClass(c.class).catch(() => {});
  }
  for (const c of clients) await c.close();
  await client.close();
});

/** The GraphQL block queries Articles by nearText: give it a vectorized class with some articles. */
async function prepareArticles(block: number): Promise<void> {
  const Article = suffixed('Article', block);
  await client.schema.createClass({
    class: Article,
    vectorizer: 'text2vec-transformers',
    moduleConfig: { 'text2vec-transformers': { vectorizeClassName: false } },
    properties: [
      { name: 'title', dataType: ['text'] },
      { name: 'wordCount', dataType: ['int'], moduleConfig: { 'text2vec-transformers': { skip: true } } },
    ],
  });
  client.batch.configure({ batchSize: 10 });
  await client.batch.with(async (b) => {
    for (const [title, wordCount] of [
      ['Haute couture fashion week', 1500],
      ['Fashion week finance', 1200],
      ['Fashion tips', 300],
      ['Bond markets', 2000],
    ] as const) {
      await b.addDataObject({ dataObject: { title, wordCount }, className: Article });
    }
  });
  expect(client.batch.stats.objectsConfirmed).toBe(4);
}

describe('README snippets run against a real Weaviate', () => {
  it('has the walkthrough blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(15);
  });

  it('every block runs, in order, with the documented effects', async () => {
    const outputs: unknown[][] = [];
    for (const [i, code] of blocks.entries()) {
      if (code.includes('nearTextFilter') || code.includes('grpcPort')) await prepareArticles(i);
      try {
        outputs.push(await runBlock(code, i));
      } catch (err) {
        throw new Error(`README block ${i + 1} failed: ${(err as Error).message}\n${code}`, { cause: err });
      }
    }
    const at = (needle: string) => blocks.findIndex((b) => b.includes(needle));

    // Installation: the schema was printed.
    expect(outputs[0]![0]).toHaveProperty('classes');

    // schema.create: the seed's three classes exist with their references.
    const schemaBlock = at("class: 'Publication'");
    const author = await client.schema.get(suffixed('Author', schemaBlock));
    expect(author.properties.find((p: { name: string }) => p.name === 'writesFor').dataType).toEqual([
      suffixed('Publication', schemaBlock),
    ]);

    // Auto-batching: 3 objects and 4 references confirmed, and the author points at both books.
    const auto = at('batchSize: 5, // a number for batchSize enables auto-batching, see');
    expect(outputs[auto]![0]).toMatchObject({
      objectsAdded: 3,
      objectsConfirmed: 3,
      referencesAdded: 4,
      referencesConfirmed: 4,
    });
    const autoAuthor = await client.dataObject.getById(
      pkg.generateUuid5({ name: 'Jane Doe' }, suffixed('Author', auto)),
      {
        className: suffixed('Author', auto),
      },
    );
    expect(autoAuthor?.properties.wroteBooks).toHaveLength(2);

    // Dynamic batching printed its recommendations; manual batching printed 2 objects and 2 references.
    const dynamic = at('dynamic: true, // makes it dynamic');
    expect(outputs[dynamic]![0]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(outputs[at('batchSize: null')]).toEqual([2, 2]);

    // The seed's GraphQL example: nearText with moves, filtered to wordCount > 1000.
    const titles = (outputs[at('nearTextFilter')]![0] as pkg.GraphQLResponse).data.Get[
      suffixed('Article', at('nearTextFilter'))
    ].map((a: { title: string }) => a.title);
    expect(titles[0]).toBe('Haute couture fashion week');
    expect(titles).not.toContain('Fashion tips');

    // The gRPC block: bm25 'fashion' among articles over 1000 words, with GraphQL's answer shape.
    const grpcBlock = at('grpcPort: 50051');
    const rows = (outputs[grpcBlock]![0] as pkg.GraphQLResponse).data.Get[
      suffixed('Article', grpcBlock)
    ] as Array<{
      title: string;
      _additional: { id: string; score: string };
    }>;
    expect(rows.map((r) => r.title).sort()).toEqual(['Fashion week finance', 'Haute couture fashion week']);
    for (const r of rows) expect(r._additional.score).toMatch(/^\d/);
  }, 120_000);
});
