/**
 * Runs every ```ts block of the README's tour (all sections but "Administration", whose blocks
 * readme-admin.test.ts runs), in order, against a private replay server. Each block runs in its own
 * scope with the package's exports, `client` (an ArangoClient on the replay server) and `db` (its
 * "test" database); the only edit is the environment: `http://localhost:8529` → the replay server.
 *
 * The server answers with scripted shapes of arangod's answers (per route, plus the async-job, stream
 * transaction and cursor builders), executes the batch requests part by part, and — as arangod does —
 * answers the second insert of the same key with a 409. What this proves: every block type-checks
 * (scripts/check-readme-types.mjs), runs to its end, and sends only requests that are valid against
 * the 3.12 OpenAPI description (checked below). What the answers mean is checked by the replay,
 * scripted, execution and real-server suites.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asyncJob,
  errorBody,
  startReplayServer,
  streamTransaction,
} from '../../../../tooling/servers/src/arango/index.js';
import * as pkg from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');

/** The blocks of the tour: every ```ts block outside the "## Administration" section. */
function tourBlocks(markdown: string): string[] {
  const admin = markdown.indexOf('\n## Administration');
  const next = markdown.indexOf('\n## ', admin + 1);
  const out: string[] = [];
  for (const m of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const at = m.index ?? 0;
    if (admin !== -1 && at > admin && (next === -1 || at < next)) continue;
    out.push(m[1] as string);
  }
  return out;
}
const blocks = tourBlocks(readme);

const meta = (col: string, key: string) => ({ _id: `${col}/${key}`, _key: key, _rev: `_r_${key}` });
const collection = {
  error: false,
  code: 200,
  id: '1',
  name: 'students',
  type: 2,
  status: 3,
  isSystem: false,
};
/** One 200 answer every decoder of the tour accepts (each reads its own fields). */
const ANSWER = {
  ...collection,
  result: [],
  count: 0,
  checksum: '1',
  revision: '1',
  figures: {},
  indexes: [],
  graphs: [],
  collections: ['lectures', 'teachers'],
  graph: { name: 'school', edgeDefinitions: [], orphanCollections: [] },
  edges: [],
  stats: {},
  plans: [],
  bindVars: [],
  ast: [],
  deletedCount: 1,
  mode: 'demand',
  maxResults: 32,
};
const cursorAnswer = (result: unknown[]) => ({
  status: 201,
  body: { result, hasMore: false, cached: false, extra: {}, error: false, code: 201 },
});

function scripts(): unknown[] {
  const rx = (s: string) => ({ pathPattern: s });
  return [
    // Async execution: four jobs with the seed's outcomes.
    ...asyncJob({
      match: { method: 'POST', path: '/_api/document/students', body: { _key: 'Neal' } },
      jobId: '9001',
      result: { status: 202, body: meta('students', 'Neal') },
    }),
    ...asyncJob({
      match: { method: 'POST', path: '/_api/document/students', body: { _key: 'Lily' } },
      jobId: '9002',
      result: { status: 202, body: meta('students', 'Lily') },
      pendingPolls: 1,
    }),
    ...asyncJob({
      match: { method: 'POST', path: '/_api/cursor', body: { query: 'RETURN 100000' } },
      jobId: '9003',
      result: cursorAnswer([100000]),
    }),
    ...asyncJob({
      match: { method: 'POST', path: '/_api/cursor', body: { query: 'INVALID QUERY' } },
      jobId: '9004',
      result: { status: 400, body: errorBody(400, 1501, "syntax error, unexpected identifier near 'QUERY'") },
    }),
    {
      match: { method: 'GET', pathPattern: '^/_api/job/(done|pending)$' },
      respond: { status: 200, body: [] },
    },
    { match: { method: 'DELETE', path: '/_api/job/all' }, respond: { status: 200, body: { result: true } } },
    // Stream transactions (beginTransaction, then withTransaction).
    ...streamTransaction({ id: 'trx1', database: 'test' }),
    ...streamTransaction({ id: 'trx2', database: 'test' }),
    {
      match: { method: 'POST', path: '/_api/document/students', headers: { 'x-arango-trx-id': 'trx1' } },
      respond: { status: 202, body: meta('students', 'Abby') },
    },
    {
      match: { method: 'POST', path: '/_api/document/students', headers: { 'x-arango-trx-id': 'trx2' } },
      respond: { status: 202, body: meta('students', 'Suzy') },
    },
    { match: { method: 'POST', path: '/_api/transaction' }, respond: { status: 200, body: { result: 1 } } },
    // Databases, collections, indexes.
    { match: { method: 'POST', path: '/_api/database' }, respond: { status: 201, body: { result: true } } },
    {
      match: { method: 'DELETE', ...rx('^/_api/database/') },
      respond: { status: 200, body: { result: true } },
    },
    {
      match: { method: 'POST', path: '/_api/index' },
      respond: { status: 201, body: { id: 'cities/1', type: 'persistent', fields: ['field1'] } },
    },
    {
      match: { method: 'DELETE', ...rx('^/_api/index/') },
      respond: { status: 200, body: { id: 'cities/1' } },
    },
    // Graph API: documents under "vertex"/"edge".
    {
      match: { method: 'POST', path: '/_api/gharial' },
      respond: { status: 202, body: { error: false, code: 202, graph: ANSWER.graph } },
    },
    {
      match: { method: 'GET', ...rx('^/_api/gharial/school/vertex/[^/]+/[^/]+$') },
      respond: { status: 200, body: { error: false, code: 200, vertex: meta('teachers', 'jon') } },
    },
    {
      match: { ...rx('^/_api/gharial/school/vertex/[^/]+(/[^/]+)?$') },
      respond: { status: 202, body: { error: false, code: 202, vertex: meta('teachers', 'jon') } },
    },
    {
      match: { method: 'GET', ...rx('^/_api/gharial/school/edge/teach/') },
      respond: { status: 200, body: { error: false, code: 200, edge: meta('teach', 'jon-CSC101') } },
    },
    {
      match: { method: 'DELETE', ...rx('^/_api/gharial/school/edge/teach/') },
      respond: { status: 202, body: { error: false, code: 202, removed: true } },
    },
    {
      match: { ...rx('^/_api/gharial/school/edge/teach(/[^/]+)?$') },
      respond: { status: 202, body: { error: false, code: 202, edge: meta('teach', 'jon-CSC101') } },
    },
    // Documents: writes answer metadata, reads a document.
    {
      match: { method: 'PUT', path: '/_api/document/students', query: { onlyget: 'true' } },
      respond: { status: 200, body: [meta('students', 'abby'), meta('students', 'john')] },
    },
    {
      match: { ...rx('^/_api/document/[^/]+$') },
      respond: { status: 202, body: [meta('students', 'abby'), meta('students', 'john')] },
    },
    {
      match: { method: 'POST', ...rx('^/_api/document/') },
      respond: { status: 202, body: meta('students', 'x') },
    },
    { match: { method: 'HEAD', ...rx('^/_api/document/') }, respond: { status: 200 } },
    {
      match: { method: 'GET', ...rx('^/_api/document/') },
      respond: { status: 200, body: { ...meta('students', 'lola'), GPA: 3.5, first: 'Lola' } },
    },
    { match: { ...rx('^/_api/document/') }, respond: { status: 202, body: meta('students', 'lola') } },
    // AQL: cursors (the quickstart's names), explain, validate, functions; then everything else.
    {
      match: { method: 'POST', path: '/_api/cursor', body: { query: 'FOR doc IN students RETURN doc' } },
      respond: cursorAnswer([{ name: 'jane' }, { name: 'josh' }, { name: 'jake' }]),
    },
    { match: { method: 'POST', path: '/_api/cursor' }, respond: cursorAnswer([]) },
    {
      match: { method: 'POST', path: '/_api/aqlfunction' },
      respond: { status: 201, body: { isNewlyCreated: true } },
    },
    {
      match: { ...rx('^/_api/(collection|gharial|edges|explain|query|aqlfunction|database|index)') },
      respond: { status: 200, body: ANSWER },
    },
  ];
}

let srv: Awaited<ReturnType<typeof startReplayServer>>;
let client: pkg.ArangoClient;
let db: pkg.StandardDatabase;
const opened: pkg.ArangoClient[] = [];

/** Records every client a snippet creates so the test can close what the snippets leave open. */
class TrackedClient extends pkg.ArangoClient {
  constructor(...args: ConstructorParameters<typeof pkg.ArangoClient>) {
    super(...args);
    opened.push(this);
  }
}

beforeAll(async () => {
  srv = await startReplayServer({ port: 0 });
  srv.script(scripts() as Parameters<typeof srv.script>[0]);
  client = new pkg.ArangoClient({ hosts: srv.url });
  db = await client.db('test', { username: 'root', password: 'passwd' });
});
afterAll(async () => {
  for (const c of opened) await c.close();
  await client.close();
  await srv.close();
});

function compile(code: string): string {
  const src = code
    .replaceAll('http://localhost:8529', srv.url)
    .replace(/^import [\s\S]*? from '@dbwire\/arango-client';\n/gm, '');
  const out = ts.transpileModule(`{\n${src}\n}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return out.outputText.replace(/export \{\};\s*$/, '');
}

async function runBlock(code: string): Promise<void> {
  const scope: Record<string, unknown> = { ...pkg, ArangoClient: TrackedClient, client, db };
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, compile(code))(...names.map((n) => scope[n]));
}

describe('README: the tour runs', () => {
  it('has the blocks of every tour section', () => {
    for (const heading of [
      'Getting started',
      'Databases and collections',
      'Documents',
      'Indexes',
      'Graphs',
      'Traversals',
      'AQL and cursors',
      'Transactions',
      'Async execution',
      'Batch execution',
      'Errors',
    ]) {
      expect(readme, heading).toMatch(new RegExp(`\\n#+ ${heading}\\n`));
    }
    expect(blocks).toHaveLength(11);
  });

  it('every block runs, in order, sending only requests valid against the OpenAPI description', async () => {
    for (const [i, code] of blocks.entries()) {
      try {
        await runBlock(code);
      } catch (err) {
        throw new Error(`README block ${i + 1} failed: ${(err as Error).message}\n${code}`, { cause: err });
      }
    }
    // Known: DELETE /_api/index/<collection>/<id> keeps its slash, as arangod needs, where the
    // description's template has one {index-id} segment (see requests.test.ts).
    const known = (v: { method: string; path: string }) =>
      v.method === 'DELETE' && /\/_api\/index\/[^/]+\/[^/]+$/.test(v.path);
    expect(srv.violations().filter((v) => !known(v))).toEqual([]);
  }, 60_000);

  it("the Errors block's conflict comes from the server's answer to the second insert", async () => {
    const errorsBlock = blocks.at(-1) as string;
    expect(errorsBlock).toContain("await students.insert({ _key: 'jane' });\ntry {");
    const students = db.collection('students');
    await students.insert({ _key: 'june' });
    await expect(students.insert({ _key: 'june' })).rejects.toMatchObject({ errorCode: 1210, httpCode: 409 });
  });
});
