/**
 * Stateful behaviour the recordings cannot show, through the replay server's scripted mode (shapes as
 * arangod answers them): cursor paging and early close, stream transactions with x-arango-trx-id,
 * JWT login and refresh, 503 failover across hosts, bulk import, find/traverse over AQL.
 */
import type { CallOptions } from '@dbwire/core';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cursorPaging,
  errorBody,
  failover503,
  startReplayServer,
  streamTransaction,
} from '../../../../tooling/servers/src/arango/index.js';
import {
  ArangoClient,
  type ArangoRequest,
  type ArangoServerError,
  Connection,
  Cursor,
  CursorEmptyError,
  CursorNextError,
  DocumentInsertError,
  errno,
  ServerConnectionError,
  StandardDatabase,
  TransactionDatabase,
  TransactionStateError,
} from '../../src/index.js';
import { replayTarget, type Target } from './helpers.js';

const server: Target = await replayTarget();

describe('scripted replay', () => {
  let srv: Awaited<ReturnType<typeof startReplayServer>>;
  let client: ArangoClient;
  let db: StandardDatabase;
  let conn: Connection;

  beforeAll(async () => {
    srv = await startReplayServer({ port: 0 });
    conn = new Connection({ hosts: [srv.url] }, { username: 'root', password: 'passwd' });
    client = new ArangoClient({ hosts: srv.url });
    db = await client.db('_system', { username: 'root', password: 'passwd' });
  });
  afterAll(async () => {
    await client.close();
    await conn.close();
    await srv.close();
    await server.close();
  });

  it('iterates a paged cursor just in time and closes it on the server when the loop stops early', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ _key: String(i), age: 17 + i }));
    srv.script(
      cursorPaging({ rows, batchSize: 3, query: 'FOR doc IN students RETURN doc', id: '900', times: 1 }),
    );
    const cursor = await db.aql.execute<{ _key: string }>('FOR doc IN students RETURN doc', {
      batchSize: 3,
      count: true,
    });
    expect(cursor.id).toBe('900');
    expect(cursor.count()).toBe(10);
    const seen: string[] = [];
    for await (const doc of cursor) seen.push(doc._key);
    expect(seen).toEqual(rows.map((r) => r._key));
    expect(cursor.hasMore()).toBe(false);
    await expect(cursor.next()).rejects.toBeInstanceOf(CursorEmptyError);

    srv.script(
      cursorPaging({ rows, batchSize: 3, query: 'FOR doc IN students RETURN doc', id: '901', times: 1 }),
    );
    const sent: Array<[string, string, number]> = [];
    const recorder = {
      extraHeaders: undefined,
      async send(req: ArangoRequest, options?: CallOptions) {
        const res = await conn.send(req, options);
        sent.push([req.method, req.endpoint, res.status]);
        return res;
      },
    };
    const rdb = new StandardDatabase(recorder, '_system');
    const early = await rdb.aql.execute<{ _key: string }>('FOR doc IN students RETURN doc', { batchSize: 3 });
    for await (const doc of early) if (doc._key === '4') break;
    expect(early.hasMore()).toBe(false);
    // Leaving the loop deleted the cursor on the server (after fetching only the batches it needed).
    expect(sent).toEqual([
      ['POST', '/_api/cursor', 201],
      ['POST', '/_api/cursor/901/2', 200],
      ['DELETE', '/_api/cursor/901', 202],
    ]);
    const err = await new Cursor(conn, '_system', { id: '123123', hasMore: true, result: [] })
      .fetch()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CursorNextError);
  });

  it('fetch() and pop() give manual control over batches', async () => {
    srv.script(
      cursorPaging({ rows: [1, 2, 3, 4, 5], batchSize: 2, query: 'FOR i IN 1..5 RETURN i', id: '902' }),
    );
    const cursor = await db.aql.execute<number>('FOR i IN 1..5 RETURN i', { batchSize: 2 });
    while (cursor.hasMore()) await cursor.fetch();
    const out: number[] = [];
    while (!cursor.empty()) out.push(cursor.pop());
    expect(out).toEqual([1, 2, 3, 4, 5]);
    expect(() => cursor.pop()).toThrow(CursorEmptyError);
  });

  it('stream transactions send x-arango-trx-id from their wrappers and finish once', async () => {
    srv.script([
      ...streamTransaction({ id: '7001', collections: { read: 'students', write: 'students' } }),
      {
        match: { method: 'POST', path: '/_api/document/students', headers: { 'x-arango-trx-id': '7001' } },
        respond: { status: 202, body: { _id: 'students/Abby', _key: 'Abby', _rev: '_trx1' } },
      },
    ]);
    const txn = await db.beginTransaction({ read: 'students', write: 'students' });
    expect(txn.transactionId).toBe('7001');
    expect(txn.context).toBe('transaction');
    expect(txn.collection('students').context).toBe('transaction');
    expect(await txn.collection('students').insert({ _key: 'Abby' })).toHaveProperty('_rev');
    expect(await txn.transactionStatus()).toBe('running');
    expect(await txn.commitTransaction()).toBe(true);
    expect(await txn.transactionStatus()).toBe('committed');
    await expect(txn.commitTransaction()).rejects.toBeInstanceOf(TransactionStateError);
    // The plain wrapper does not send the header, so the scripted answer does not apply to it.
    await expect(db.collection('students').insert({ _key: 'Abby' })).rejects.toBeInstanceOf(
      DocumentInsertError,
    );
  });

  it('withTransaction commits on success and aborts when the callback throws', async () => {
    srv.script(streamTransaction({ id: '7002', collections: { write: 'students' } }));
    expect(await db.withTransaction(async (t) => t.transactionId, { write: 'students' })).toBe('7002');
    srv.script(streamTransaction({ id: '7003', collections: { write: 'teachers' } }));
    let seen: string | undefined;
    await expect(
      db.withTransaction(
        async (t) => {
          seen = t.transactionId;
          throw new Error('boom');
        },
        { write: 'teachers' },
      ),
    ).rejects.toThrow('boom');
    expect(seen).toBe('7003');
    // The callback's failure aborted the transaction on the server.
    expect(await new TransactionDatabase(conn, '_system', '7003').transactionStatus()).toBe('aborted');
  });

  it('JWT auth logs in via /_open/auth, sends the bearer token and logs in again after a 401', async () => {
    const token = (n: number) =>
      `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600, n }),
      ).toString('base64url')}.sig`;
    const t1 = token(1);
    const t2 = token(2);
    srv.script([
      {
        match: { method: 'POST', path: '/_open/auth' },
        respond: { status: 200, body: { jwt: t1 } },
        times: 1,
      },
      {
        match: { method: 'POST', path: '/_open/auth' },
        respond: { status: 200, body: { jwt: t2 } },
        times: 1,
      },
      {
        match: { method: 'GET', path: '/_api/engine', headers: { authorization: `bearer ${t1}` } },
        respond: { status: 401, body: errorBody(401, 11, 'not authorized to execute this request') },
      },
      {
        match: { method: 'GET', path: '/_api/engine', headers: { authorization: `bearer ${t2}` } },
        respond: { status: 200, body: { name: 'rocksdb', supports: {} } },
      },
    ]);
    const jwtClient = new ArangoClient({ hosts: srv.url });
    try {
      const jdb = await jwtClient.db('_system', { username: 'root', password: 'passwd', authMethod: 'jwt' });
      expect((await jdb.engine()).name).toBe('rocksdb');
    } finally {
      await jwtClient.close();
    }
  });

  it('fails over to the next host on 503 for safe requests, never for writes', async () => {
    const other = await startReplayServer({ port: 0 });
    try {
      srv.script(
        failover503({
          times: 1,
          endpoint: other.url,
          match: { method: 'GET', path: '/_api/document/products/70477' },
        }),
      );
      const multi = new ArangoClient({ hosts: `${srv.url},${other.url}` });
      try {
        const mdb = await multi.db('_system');
        // Round robin: the first request goes to srv, which answers 503; the client moves on to `other`.
        expect(await mdb.collection('products').get('70477')).toMatchObject({ _key: '70477' });
        expect(other.engine.violations()).toEqual([]);
        srv.script(
          failover503({
            times: 5,
            endpoint: other.url,
            match: { method: 'POST', path: '/_api/document/products' },
          }),
        );
        other.script(
          failover503({
            times: 5,
            endpoint: srv.url,
            match: { method: 'POST', path: '/_api/document/products' },
          }),
        );
        const err = await mdb
          .collection('products')
          .insert({ Hello: 'World' })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DocumentInsertError);
        expect((err as ArangoServerError).httpCode).toBe(503);
        expect((err as ArangoServerError).errorCode).toBe(errno.CLUSTER_NOT_LEADER);
      } finally {
        await multi.close();
      }
    } finally {
      await other.close();
    }
  });

  it('importBulk posts a JSON array and returns the server summary', async () => {
    srv.script({
      match: { method: 'POST', path: '/_api/import', query: { collection: 'students', type: 'array' } },
      respond: {
        status: 201,
        body: { error: false, created: 3, errors: 0, empty: 0, updated: 0, ignored: 0 },
      },
    });
    const res = await db
      .collection('students')
      .importBulk([{ _key: 'abby' }, { _key: 'john' }, { _key: 'emma' }]);
    expect(res).toEqual({ created: 3, errors: 0, empty: 0, updated: 0, ignored: 0 });
  });

  it('find(), updateMatch() and traverse() run over AQL and shape the results', async () => {
    srv.script(
      cursorPaging({
        rows: [{ _key: 'john', _id: 'students/john', GPA: 3.6 }],
        batchSize: 10,
        query: 'FOR doc IN @@collection FILTER doc.@f0 == @v0 RETURN doc',
      }),
    );
    const found = await (await db.collection('students').find({ first: 'John' })).all();
    expect(found.map((d) => d._key)).toEqual(['john']);

    srv.script({
      match: { method: 'POST', path: '/_api/cursor', body: { bindVars: { body: { GPA: 3 } } } },
      respond: {
        status: 201,
        body: {
          result: [],
          hasMore: false,
          cached: false,
          extra: { stats: { writesExecuted: 1, writesIgnored: 0 }, warnings: [] },
        },
      },
    });
    expect(await db.collection('students').updateMatch({ last: 'Park' }, { GPA: 3 })).toBe(1);

    const jon = { _id: 'teachers/jon', _key: 'jon' };
    const csc = { _id: 'lectures/CSC101', _key: 'CSC101' };
    const e1 = { _id: 'teach/1', _from: 'teachers/jon', _to: 'lectures/CSC101' };
    srv.script(
      cursorPaging({
        rows: [
          { vertex: jon, path: { vertices: [jon], edges: [] } },
          { vertex: csc, path: { vertices: [jon, csc], edges: [e1] } },
        ],
        batchSize: 1000,
        body: { bindVars: { start: 'teachers/jon', graph: 'school' } },
      }),
    );
    const result = await db.graph('school').traverse({
      startVertex: 'teachers/jon',
      direction: 'outbound',
      strategy: 'bfs',
      edgeUniqueness: 'global',
      vertexUniqueness: 'global',
    });
    expect(result.vertices.map((v) => v._id)).toEqual(['teachers/jon', 'lectures/CSC101']);
    expect(result.paths[1]?.edges).toEqual([e1]);
  });

  it('sends through a user-supplied undici dispatcher (httpClient) and leaves it open on close()', async () => {
    const agent = new Agent({ connections: 2 });
    const own = new ArangoClient({ hosts: srv.url, httpClient: agent });
    try {
      const col = (await own.db('_system')).collection('products');
      expect(await col.get('70477')).toMatchObject({ _key: '70477' });
    } finally {
      await own.close();
    }
    expect(agent.closed).toBe(false);
    await agent.close();
  });

  it('db(name, { verify: true }) checks the connection and credentials right away', async () => {
    expect((await client.db('_system', { verify: true })).name).toBe('_system');
    srv.script({
      match: { method: 'GET', path: '/_api/version', database: 'locked' },
      respond: { status: 401, body: errorBody(401, 11, 'not authorized to execute this request') },
    });
    const err = await client.db('locked', { verify: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerConnectionError);
    expect((err as ServerConnectionError).httpCode).toBe(401);
  });

  it('sent no request that violates the OpenAPI description', () => {
    expect(srv.violations()).toEqual([]);
  });
});
