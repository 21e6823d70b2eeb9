/**
 * The seed's async and batch execution tours against scripted replays built from recorded shapes
 * (202 + x-arango-async-id, the job API's 200/204/404 answers, the 3.11 multipart batch layout, the
 * recorded insert metadata and AQL syntax error). These run on a private replay server in every mode:
 * they need no database, so they never skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallOptions } from '@dbwire/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asyncJob, errorBody, startReplayServer } from '../../../../tooling/servers/src/arango/index.js';
import {
  AQLQueryExecuteError,
  type ArangoRequest,
  type ArangoResponse,
  AsyncJobCancelError,
  AsyncJobClearError,
  BatchJob,
  BatchJobResultError,
  BatchStateError,
  Connection,
  Cursor,
  DocumentInsertError,
  decodeBatch,
  type Executor,
  encodeBatch,
  StandardDatabase,
} from '../../src/index.js';

/** Counts what reaches the connection (every request of the suite goes through it). */
class Counting implements Executor {
  readonly sent: ArangoRequest[] = [];
  readonly extraHeaders = undefined;
  constructor(readonly inner: Executor) {}
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    this.sent.push(req);
    return this.inner.send(req, options);
  }
}

const meta = (key: string) => ({ _id: `students/${key}`, _key: key, _rev: `_l6zhVDW-${key}` });
const insertOf = (key: string) => ({
  match: { method: 'POST', path: '/_api/document/students', database: 'test', body: { _key: key } },
  respond: { status: 201, body: meta(key) },
});
const cursorOf100000 = {
  match: { method: 'POST', path: '/_api/cursor', database: 'test', body: { query: 'RETURN 100000' } },
  respond: {
    status: 201,
    body: { result: [100000], hasMore: false, cached: false, extra: {}, error: false, code: 201 },
  },
};
const syntaxError = {
  match: { method: 'POST', path: '/_api/cursor', database: 'test', body: { query: 'INVALID QUERY' } },
  respond: {
    status: 400,
    body: errorBody(400, 1501, "syntax error, unexpected identifier near 'INVALID QUERY' at position 1:1"),
  },
};

let srv: Awaited<ReturnType<typeof startReplayServer>>;
let conn: Connection;
let exec: Counting;
let db: StandardDatabase;

beforeAll(async () => {
  srv = await startReplayServer({ port: 0 });
  conn = new Connection({ hosts: [srv.url] }, { username: 'root', password: 'passwd' });
});
beforeEach(() => {
  srv.reset();
  exec = new Counting(conn);
  db = new StandardDatabase(exec, 'test', 'root');
});
afterAll(async () => {
  await conn.close();
  await srv.close();
});

describe('async execution (seed tour)', () => {
  it('jobs carry results, the operation error class, and the job API errors', async () => {
    srv.script([
      ...asyncJob({ match: insertOf('Neal').match, jobId: '1001', result: insertOf('Neal').respond }),
      ...asyncJob({ match: insertOf('Lily').match, jobId: '1002', result: insertOf('Lily').respond }),
      ...asyncJob({
        match: cursorOf100000.match,
        jobId: '1003',
        result: cursorOf100000.respond,
        pendingPolls: 2,
      }),
      ...asyncJob({ match: syntaxError.match, jobId: '1004', result: syntaxError.respond }),
      {
        match: { method: 'GET', path: '/_api/job/done', query: { count: '100' } },
        respond: { status: 200, body: ['1001', '1002'] },
      },
      {
        match: { method: 'GET', path: '/_api/job/pending', query: { count: '100' } },
        respond: { status: 200, body: [] },
      },
      {
        match: { method: 'DELETE', path: '/_api/job/all', database: 'test' },
        respond: { status: 200, body: { result: true } },
      },
    ]);

    const asyncDb = db.beginAsyncExecution({ returnResult: true });
    const asyncAql = asyncDb.aql;
    const asyncCol = asyncDb.collection('students');
    expect([asyncDb.context, asyncAql.context, asyncCol.context]).toEqual(['async', 'async', 'async']);

    const job1 = await asyncCol.insert({ _key: 'Neal' });
    const job2 = await asyncCol.insert({ _key: 'Lily' });
    const job3 = await asyncAql.execute('RETURN 100000');
    const job4 = await asyncAql.execute('INVALID QUERY');
    expect([job1.id, job2.id, job3.id, job4.id]).toEqual(['1001', '1002', '1003', '1004']);
    // Each call went out once, marked for storing its result.
    expect(exec.sent.map((r) => r.headers?.['x-arango-async'])).toEqual(['store', 'store', 'store', 'store']);

    const statuses: string[] = [];
    for (const job of [job1, job2, job3, job4]) {
      let status = await job.status();
      statuses.push(status);
      while (status !== 'done') {
        await new Promise((r) => setTimeout(r, 10));
        status = await job.status();
        statuses.push(status);
      }
    }
    // job3 was scripted to be pending for two polls.
    expect(statuses).toEqual(['done', 'done', 'pending', 'pending', 'done', 'done']);

    expect((await job1.result())._id).toBe('students/Neal');
    expect((await job2.result())._id).toBe('students/Lily');
    const cursor = await job3.result();
    expect(cursor).toBeInstanceOf(Cursor);
    expect(await cursor.next()).toBe(100000);

    const err = await job4.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AQLQueryExecuteError);
    expect(err).toMatchObject({ httpCode: 400, errorCode: 1501 });
    expect((err as Error).message).toContain('syntax error');

    const cancelErr = await job3.cancel().catch((e: unknown) => e);
    expect(cancelErr).toBeInstanceOf(AsyncJobCancelError);
    expect((cancelErr as Error).message.endsWith(`job ${job3.id} not found`)).toBe(true);
    const clearErr = await job4.clear().catch((e: unknown) => e);
    expect(clearErr).toBeInstanceOf(AsyncJobClearError);
    expect((clearErr as Error).message.endsWith(`job ${job4.id} not found`)).toBe(true);

    expect(await db.asyncJobs({ status: 'done', count: 100 })).toEqual(['1001', '1002']);
    expect(await db.asyncJobs({ status: 'pending', count: 100 })).toEqual([]);
    expect(await db.clearAsyncJobs()).toBe(true);
    expect(srv.violations('test')).toEqual([]);
  });

  it('returnResult false: calls resolve to null and the server is told not to store results', async () => {
    srv.script({
      match: { method: 'POST', path: '/_api/document/students', headers: { 'x-arango-async': 'true' } },
      respond: { status: 202 },
    });
    const fire = db.beginAsyncExecution({ returnResult: false });
    expect(await fire.collection('students').insert({ _key: 'x' })).toBeNull();
    expect(exec.sent).toHaveLength(1);
    expect(exec.sent[0]?.headers?.['x-arango-async']).toBe('true');
  });

  it('every wrapper works in the async context with no per-method code (graph, database, cursor drain)', async () => {
    srv.script([
      ...asyncJob({
        match: { method: 'GET', path: '/_api/collection/students', database: 'test' },
        jobId: '2001',
        result: { status: 404, body: errorBody(404, 1203, 'collection or view not found') },
      }),
      ...asyncJob({
        match: { method: 'GET', path: '/_api/gharial/school/vertex', database: 'test' },
        jobId: '2002',
        result: { status: 200, body: { error: false, code: 200, collections: ['teachers', 'lectures'] } },
      }),
    ]);
    srv.script([
      ...asyncJob({
        match: { method: 'GET', path: '/_api/user', database: 'test' },
        jobId: '2003',
        result: {
          status: 200,
          body: { error: false, code: 200, result: [{ user: 'root', active: true, extra: {} }] },
        },
      }),
      ...asyncJob({
        match: { method: 'GET', path: '/_api/foxx', database: 'test' },
        jobId: '2004',
        result: { status: 200, body: [{ mount: '/svc', name: 'svc' }] },
      }),
    ]);
    const asyncDb = db.beginAsyncExecution();
    const has = await asyncDb.hasCollection('students');
    const vcols = await asyncDb.graph('school').vertexCollections();
    // Administration wrappers (arango-admin's) run in the context with no code of their own.
    const users = await asyncDb.users();
    const services = await asyncDb.foxx.services();
    expect([has.id, vcols.id, users.id, services.id]).toEqual(['2001', '2002', '2003', '2004']);
    expect(await has.result()).toBe(false);
    expect(await vcols.result()).toEqual(['lectures', 'teachers']);
    expect((await users.result()).map((u) => u.username)).toEqual(['root']);
    expect(await services.result()).toHaveLength(1);
    // One request per call, and one per result: nothing ran twice or synchronously.
    expect(exec.sent).toHaveLength(8);
    // Multi-step helpers say so instead of running half of their steps.
    await expect(asyncDb.withTransaction(async () => 1)).rejects.toThrow(/cannot run in the async context/);
    expect(() => asyncDb.collection('students')[Symbol.asyncIterator]()).toThrow(/cannot be iterated/);
    expect(exec.sent).toHaveLength(8);
  });
});

describe('batch execution (seed tour)', () => {
  const tourScripts = [insertOf('Kris'), insertOf('Rita'), cursorOf100000, syntaxError];

  it('on a server with /_api/batch: one multipart request, jobs done after commit', async () => {
    srv.script(tourScripts);
    const batchDb = db.beginBatchExecution({ returnResult: true });
    {
      await using _batch = batchDb;
      const batchAql = batchDb.aql;
      const batchCol = batchDb.collection('students');
      expect([batchDb.context, batchAql.context, batchCol.context]).toEqual(['batch', 'batch', 'batch']);
      const job1 = await batchCol.insert({ _key: 'Kris' });
      expect(await job1.status()).toBe('pending');
      await expect(job1.result()).rejects.toBeInstanceOf(BatchJobResultError);
      await batchCol.insert({ _key: 'Rita' });
      await batchAql.execute('RETURN 100000');
      await batchAql.execute('INVALID QUERY');
      expect(exec.sent).toHaveLength(0);
    }
    // Leaving the scope committed the batch in ONE request.
    expect(exec.sent.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['POST /_api/batch']);
    const [job1, job2, job3, job4] = batchDb.queuedJobs();
    for (const job of batchDb.queuedJobs()) expect(await job.status()).toBe('done');
    expect(job1).toBeInstanceOf(BatchJob);
    expect((await (job1 as BatchJob<{ _id: string }>).result())._id).toBe('students/Kris');
    expect((await (job2 as BatchJob<{ _id: string }>).result())._id).toBe('students/Rita');
    const cursor = (await (job3 as BatchJob<Cursor<number>>).result()) as Cursor<number>;
    expect(await cursor.next()).toBe(100000);
    const err = await (job4 as BatchJob).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AQLQueryExecuteError);
    expect(err).toMatchObject({ httpCode: 400, errorCode: 1501 });
    // Not reusable after commit.
    await expect(batchDb.collection('students').insert({ _key: 'x' })).rejects.toBeInstanceOf(
      BatchStateError,
    );
    await expect(batchDb.commit()).rejects.toBeInstanceOf(BatchStateError);
    expect(srv.violations('test')).toEqual([]);
  });

  it('on a 3.12 server (no /_api/batch): the queued calls run one by one in order, and that is remembered', async () => {
    srv.script([
      {
        match: { method: 'POST', path: '/_api/batch' },
        respond: { status: 404, body: errorBody(404, 404, "unknown path '/_api/batch'") },
      },
      ...tourScripts,
    ]);
    const batchDb = db.beginBatchExecution({ returnResult: true });
    const col = batchDb.collection('students');
    const job1 = await col.insert({ _key: 'Kris' });
    await col.insert({ _key: 'Rita' });
    await batchDb.aql.execute('RETURN 100000');
    const job4 = await batchDb.aql.execute('INVALID QUERY');
    const jobs = await batchDb.commit();
    expect(jobs).toHaveLength(4);
    expect(exec.sent.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'POST /_api/batch',
      'POST /_api/document/students',
      'POST /_api/document/students',
      'POST /_api/cursor',
      'POST /_api/cursor',
    ]);
    expect((await job1.result())._id).toBe('students/Kris');
    await expect(job4.result()).rejects.toBeInstanceOf(AQLQueryExecuteError);

    // Second batch on the same connection: no second probe of /_api/batch.
    exec.sent.length = 0;
    await db.batch(async (b) => {
      await b.collection('students').insert({ _key: 'Jake' });
      await b.collection('students').insert({ _key: 'Jill' });
    });
    expect(exec.sent.map((r) => r.body)).toEqual([{ _key: 'Jake' }, { _key: 'Jill' }]);
  });

  it('returnResult false, explicit commit; batch(fn) sends nothing when fn throws', async () => {
    srv.script([insertOf('Jake'), insertOf('Jill')]);
    const batchDb = db.beginBatchExecution({ returnResult: false });
    expect(await batchDb.collection('students').insert({ _key: 'Jake' })).toBeNull();
    await batchDb.collection('students').insert({ _key: 'Jill' });
    expect(batchDb.queuedJobs()).toBeNull();
    expect(await batchDb.commit()).toBeNull();
    expect(exec.sent).toHaveLength(1);

    exec.sent.length = 0;
    await expect(
      db.batch(async (b) => {
        await b.collection('students').insert({ _key: 'never' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(exec.sent).toHaveLength(0);
  });

  it('a batch whose request fails rejects commit() and every job: nothing is dropped silently', async () => {
    const dead = new Connection({ hosts: ['http://127.0.0.1:9'] }, { username: 'root', password: '' });
    try {
      const batchDb = new StandardDatabase(dead, 'test').beginBatchExecution();
      const job = await batchDb.collection('students').insert({ _key: 'lost?' });
      await expect(batchDb.commit()).rejects.toMatchObject({ name: 'ConnectionError' });
      await expect(job.result()).rejects.toMatchObject({ name: 'ConnectionError' });
      expect(await job.status()).toBe('done');
    } finally {
      await dead.close();
    }
  });

  it('insert errors of a part keep their own class (duplicate key in a batch)', async () => {
    srv.script({
      match: { method: 'POST', path: '/_api/document/students', body: { _key: 'dup' } },
      respond: { status: 409, body: errorBody(409, 1210, 'unique constraint violated') },
    });
    const batchDb = db.beginBatchExecution();
    const job = await batchDb.collection('students').insert({ _key: 'dup' });
    await batchDb.commit();
    await expect(job.result()).rejects.toBeInstanceOf(DocumentInsertError);
  });
});

describe('the recorded 3.11 batch exchanges', () => {
  const shared = process.env.DBWIRE_SHARED ?? join(import.meta.dirname, '../../../../../shared');
  const recorded = readFileSync(join(shared, 'arango/exchanges-3.11-extra.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          key: string;
          request: { path: string; body: string; headers: Record<string, string> };
        },
    )
    .filter((e) => e.request.path === '/_api/batch');

  it('replays both and decodes every part: status, headers, JSON body, by Content-Id or position', async () => {
    expect(recorded.map((e) => e.key)).toEqual([
      'RestBatchImplicitBoundary_single',
      'RestBatchMultipartHeader_single',
    ]);
    const answers = [];
    for (const e of recorded) {
      const res = await conn.send({
        method: 'POST',
        endpoint: '/_api/batch',
        db: null,
        headers: e.request.headers['Content-Type']
          ? { 'content-type': e.request.headers['Content-Type'] }
          : undefined,
        rawBody: e.request.body,
      });
      expect(res.status).toBe(200);
      answers.push(decodeBatch(res.rawBody, 'SomeBoundaryValue', res));
    }
    const [implicit, multi] = answers;
    // RestBatchImplicitBoundary: two parts without Content-Id, both 404 (1203 and 404).
    expect([implicit?.get('#0')?.status, implicit?.get('#1')?.status]).toEqual([404, 404]);
    expect(implicit?.get('#0')?.body).toMatchObject({ errorNum: 1203 });
    expect(implicit?.get('#2')).toBeUndefined();
    // RestBatchMultipartHeader: five parts named by Content-Id.
    expect(['myId1', 'myId2', 'someId', 'nextId', 'otherId'].map((id) => multi?.get(id)?.status)).toEqual([
      200, 404, 200, 200, 200,
    ]);
    expect(multi?.get('myId1')?.body).toMatchObject({ server: 'arango', version: '3.11.14' });
    expect(multi?.get('nextId')?.headers.location).toBe('/_db/_system/_api/collection/products/figures');
    expect(multi?.get('nextId')?.body).toMatchObject({ figures: { indexes: { count: 1, size: 0 } } });
  });

  it("the client's multipart body has the recorded layout (part headers, request line, body)", () => {
    const body = encodeBatch(
      [
        { req: { method: 'GET', endpoint: '/_api/version', db: 'x' }, job: { id: 'myId1' } },
        {
          req: { method: 'POST', endpoint: '/_api/collection/products', db: 'x', body: { name: 'products' } },
          job: { id: 'someId' },
        },
      ],
      'SomeBoundaryValue',
    );
    expect(body).toBe(
      '--SomeBoundaryValue\r\ncontent-type: application/x-arango-batchpart\r\ncontent-id: myId1\r\n\r\n' +
        'GET /_api/version HTTP/1.1\r\n\r\n\r\n' +
        '--SomeBoundaryValue\r\ncontent-type: application/x-arango-batchpart\r\ncontent-id: someId\r\n\r\n' +
        'POST /_api/collection/products HTTP/1.1\r\ncontent-type: application/json\r\n\r\n{"name":"products"}\r\n' +
        '--SomeBoundaryValue--\r\n',
    );
  });
});
