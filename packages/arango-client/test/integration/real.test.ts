/**
 * The seed's tour (part 1 areas, async and batch execution) against a real ArangoDB: docker mode,
 * ARANGO_URL set, root password from docker-compose (`arangoCredentials()`; ARANGO_USERNAME /
 * ARANGO_PASSWORD override it). Everything happens in a database of its own, dropped at the end.
 * Without ARANGO_URL this file reports itself skipped; the replay, scripted and execution suites
 * cover the same calls (they run in both modes). No ArangoDB can run on this project's machines:
 * this suite was written against ArangoDB's documented semantics and has not been run here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arangoCredentials } from '../../../../tooling/servers/src/arango/index.js';
import {
  AQLQueryExecuteError,
  ArangoClient,
  AsyncJobCancelError,
  AsyncJobClearError,
  BatchStateError,
  Cursor,
  DocumentInsertError,
  DocumentRevisionError,
  errno,
  type StandardDatabase,
} from '../../src/index.js';
import { type Target, target } from './helpers.js';

const server: Target | undefined = process.env.ARANGO_URL ? await target() : undefined;
const { username, password } = arangoCredentials();
const dbName = `dbwire_exec_${process.pid}_${Date.now()}`;

describe.runIf(server?.external === true)('real ArangoDB: the seed tour (set ARANGO_URL to run)', () => {
  let client: ArangoClient;
  let sysDb: StandardDatabase;
  let db: StandardDatabase;

  beforeAll(async () => {
    client = new ArangoClient({ hosts: server?.url });
    sysDb = await client.db('_system', { username, password, verify: true });
    await sysDb.createDatabase(dbName);
    db = await client.db(dbName, { username, password });
  });
  afterAll(async () => {
    await sysDb?.deleteDatabase(dbName, { ignoreMissing: true });
    await client?.close();
    await server?.close();
  });

  it('server and databases', async () => {
    expect(await sysDb.version()).toMatch(/^3\.\d+\.\d+/);
    expect(await sysDb.hasDatabase(dbName)).toBe(true);
    expect(await db.databasesAccessible()).toContain(dbName);
    expect((await db.properties()).name).toBe(dbName);
    expect((await db.engine()).name).toBe('rocksdb');
  });

  it('collections, documents, revisions, a duplicate key from a second insert', async () => {
    const students = await db.createCollection('students');
    expect(await db.hasCollection('students')).toBe(true);
    const index = await students.addHashIndex({ fields: ['name'], unique: false });
    expect(index.type).toBe('persistent');
    const jane = await students.insert({ _key: 'jane', name: 'jane', age: 19 }, { returnNew: true });
    expect(jane.new).toMatchObject({ name: 'jane' });
    const err = await students.insert({ _key: 'jane' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentInsertError);
    expect(err).toMatchObject({ errorCode: errno.UNIQUE_CONSTRAINT_VIOLATED, httpCode: 409 });
    expect(await students.get('jane')).toMatchObject({ age: 19 });
    expect(await students.get({ _key: 'jane', _rev: jane._rev })).toMatchObject({ age: 19 });
    await expect(students.get({ _key: 'jane', _rev: '_stale___' })).rejects.toBeInstanceOf(
      DocumentRevisionError,
    );
    const updated = await students.update({ _key: 'jane', age: 20 });
    await expect(students.update({ _key: 'jane', _rev: jane._rev, age: 21 })).rejects.toBeInstanceOf(
      DocumentRevisionError,
    );
    expect(
      await students.replace({ _key: 'jane', _rev: updated._rev, name: 'jane', age: 22 }),
    ).toHaveProperty('_rev');
    await students.insertMany([
      { _key: 'josh', name: 'josh' },
      { _key: 'jake', name: 'jake' },
    ]);
    expect((await students.getMany(['josh', 'jake', 'nobody'])).map((d) => d._key).sort()).toEqual([
      'jake',
      'josh',
    ]);
    expect(await students.count()).toBe(3);
    expect(await students.has('josh')).toBe(true);
    expect(await students.delete('josh')).toMatchObject({ _key: 'josh' });
    expect(await students.delete('josh', { ignoreMissing: true })).toBe(false);
    expect(await students.get('josh')).toBeNull();
    expect(await (await students.find({ name: 'jake' })).all()).toHaveLength(1);
    expect(await students.updateMatch({ name: 'jake' }, { GPA: 3 })).toBe(1);
  });

  it('AQL, cursors and user functions', async () => {
    const cursor = await db.aql.execute<number>('FOR i IN 1..5 RETURN i', { batchSize: 2, count: true });
    expect(cursor.count()).toBe(5);
    expect(await cursor.all()).toEqual([1, 2, 3, 4, 5]);
    const early = await db.aql.execute<number>('FOR i IN 1..10 RETURN i', { batchSize: 2 });
    for await (const i of early) if (i === 3) break;
    expect(early.hasMore()).toBe(false);
    await expect(db.aql.execute('INVALID QUERY')).rejects.toMatchObject({ errorCode: 1501, httpCode: 400 });
    await db.aql.createFunction({
      name: 'functions::temperature::converter',
      code: 'function (celsius) { return celsius * 1.8 + 32; }',
    });
    expect((await db.aql.functions()).map((f) => f.name)).toContain('functions::temperature::converter');
    expect(await db.aql.deleteFunction('functions::temperature::converter')).toEqual({ deleted: 1 });
  });

  it('graphs: vertices, edges (options form), traversal with global uniqueness and a safe filter', async () => {
    const school = await db.createGraph('school');
    await school.createVertexCollection('teachers');
    await school.createVertexCollection('lectures');
    await school.createEdgeDefinition({
      edgeCollection: 'teach',
      fromVertexCollections: ['teachers'],
      toVertexCollections: ['lectures'],
    });
    await school.vertexCollection('teachers').insert({ _key: 'jon', name: 'Professor jon' });
    for (const key of ['CSC101', 'MAT223', 'STA201'])
      await school.insertVertex({ collection: 'lectures', vertex: { _key: key } });
    await school.insertEdge({
      collection: 'teach',
      edge: { _id: 'teach/jon-CSC101', _from: 'teachers/jon', _to: 'lectures/CSC101' },
    });
    expect(await school.vertexCollection('lectures').insert({ _key: 'quiet' }, { silent: true })).toBe(true);
    await school.link('teach', 'teachers/jon', 'lectures/MAT223');
    await school.link('teach', 'teachers/jon', 'lectures/STA201');
    expect(await school.hasEdge('teach/jon-CSC101')).toBe(true);
    const result = await school.traverse({
      startVertex: 'teachers/jon',
      direction: 'outbound',
      strategy: 'bfs',
      edgeUniqueness: 'global',
      vertexUniqueness: 'global',
    });
    expect(result.vertices.map((v) => v._key).sort()).toEqual(['CSC101', 'MAT223', 'STA201', 'jon']);
    const filtered = await school.traverse({ startVertex: 'teachers/jon', filter: { _key: 'MAT223' } });
    expect(filtered.vertices.map((v) => v._key)).toEqual(['MAT223']);
    await db.deleteGraph('school', { dropCollections: true });
  });

  it('stream and JavaScript transactions', async () => {
    await db.createCollection('accounts');
    const txn = await db.beginTransaction({ write: 'accounts' });
    await txn.collection('accounts').insert({ _key: 'a' });
    expect(await txn.transactionStatus()).toBe('running');
    await txn.commitTransaction();
    expect(await db.collection('accounts').has('a')).toBe(true);
    await expect(
      db.withTransaction(
        async (t) => {
          await t.collection('accounts').insert({ _key: 'b' });
          throw new Error('roll back');
        },
        { write: 'accounts' },
      ),
    ).rejects.toThrow('roll back');
    expect(await db.collection('accounts').has('b')).toBe(false);
    expect(
      await db.executeTransaction({
        write: 'accounts',
        command: "function () { return require('@arangodb').db.accounts.count(); }",
      }),
    ).toBe(1);
  });

  it('async execution (seed tour)', async () => {
    await db.createCollection('async_students');
    const asyncDb = db.beginAsyncExecution({ returnResult: true });
    const asyncCol = asyncDb.collection('async_students');
    expect([asyncDb.context, asyncDb.aql.context, asyncCol.context]).toEqual(['async', 'async', 'async']);
    const job1 = await asyncCol.insert({ _key: 'Neal' });
    const job2 = await asyncCol.insert({ _key: 'Lily' });
    const job3 = await asyncDb.aql.execute('RETURN 100000');
    const job4 = await asyncDb.aql.execute('INVALID QUERY');
    for (const job of [job1, job2, job3, job4]) {
      expect(['pending', 'done', 'cancelled']).toContain(await job.status());
      while ((await job.status()) !== 'done') await new Promise((r) => setTimeout(r, 100));
    }
    expect((await job1.result())._id).toBe('async_students/Neal');
    expect((await job2.result())._id).toBe('async_students/Lily');
    const cursor = await job3.result();
    expect(cursor).toBeInstanceOf(Cursor);
    expect(await cursor.next()).toBe(100000);
    const err = await job4.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AQLQueryExecuteError);
    expect(err).toMatchObject({ httpCode: 400, errorCode: 1501 });
    await expect(job3.cancel()).rejects.toBeInstanceOf(AsyncJobCancelError);
    await expect(job4.clear()).rejects.toBeInstanceOf(AsyncJobClearError);
    expect(Array.isArray(await db.asyncJobs({ status: 'done', count: 100 }))).toBe(true);
    expect(await db.clearAsyncJobs()).toBe(true);
  });

  it('batch execution (seed tour): works on 3.12, which has no /_api/batch', async () => {
    const students = await db.createCollection('batch_students');
    const batchDb = db.beginBatchExecution({ returnResult: true });
    {
      await using _batch = batchDb;
      const batchCol = batchDb.collection('batch_students');
      expect(batchDb.context).toBe('batch');
      await batchCol.insert({ _key: 'Kris' });
      await batchCol.insert({ _key: 'Rita' });
      await batchDb.aql.execute('RETURN 100000');
      await batchDb.aql.execute('INVALID QUERY');
    }
    expect(await students.has('Kris')).toBe(true);
    expect(await students.has('Rita')).toBe(true);
    const [job1, , job3, job4] = batchDb.queuedJobs();
    expect(await job1?.status()).toBe('done');
    expect(await job1?.result()).toMatchObject({ _id: 'batch_students/Kris' });
    const cursor = (await job3?.result()) as Cursor<number> | undefined;
    expect(cursor).toBeInstanceOf(Cursor);
    expect(await cursor?.next()).toBe(100000);
    await expect(job4?.result()).rejects.toBeInstanceOf(AQLQueryExecuteError);
    await expect(batchDb.commit()).rejects.toBeInstanceOf(BatchStateError);

    const plain = db.beginBatchExecution({ returnResult: false });
    await plain.collection('batch_students').insert({ _key: 'Jake' });
    await plain.collection('batch_students').insert({ _key: 'Jill' });
    await plain.commit();
    expect(await students.count()).toBe(4);
  });
});
