/**
 * Replays every recorded exchange of the async-job area (ArangoDB 3.12.10, area "jobs") through
 * `db.beginAsyncExecution()` and the job API, and checks each answer is parsed into the documented
 * result. The documentation started its jobs with `PUT /_api/version` and `PUT /_api/collection`
 * (requests no client method makes: `version()` is a GET, `createCollection()` a POST); the test's
 * executor rewrites the method of exactly those two requests so the recordings answer them. Every
 * other request is the client's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallOptions } from '@dbwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArangoRequest,
  type ArangoResponse,
  AsyncJob,
  AsyncJobClearError,
  AsyncJobResultError,
  CollectionCreateError,
  Connection,
  type Executor,
  StandardDatabase,
} from '../../src/index.js';
import { replayTarget, ScenarioExecutor, violations } from './helpers.js';

const shared = process.env.DBWIRE_SHARED ?? join(import.meta.dirname, '../../../../../shared');
const recorded = readFileSync(join(shared, 'arango/exchanges-3.12.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { key: string; seq: number; area: string })
  .filter((e) => e.area === 'jobs');

/** Sends the documentation's PUT form of the two job-starting requests (see the file comment). */
class DocFormExecutor implements Executor {
  readonly extraHeaders = undefined;
  readonly #inner: Executor;
  constructor(inner: Executor) {
    this.#inner = inner;
  }
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    const docForm =
      req.headers?.['x-arango-async'] !== undefined &&
      ((req.method === 'GET' && req.endpoint === '/_api/version') ||
        (req.method === 'POST' && req.endpoint === '/_api/collection'));
    return this.#inner.send(docForm ? { ...req, method: 'PUT' } : req, options);
  }
}

const server = await replayTarget();

describe('async jobs: every recorded exchange of the jobs area', () => {
  let conn: Connection;
  let exec: ScenarioExecutor;
  let db: StandardDatabase;
  const served = new Set<string>();

  beforeAll(() => {
    conn = new Connection({ hosts: [server.url] }, { username: 'root', password: '' });
    exec = new ScenarioExecutor(new DocFormExecutor(conn));
    db = new StandardDatabase(exec, '_system', 'root');
  });
  afterAll(async () => {
    await conn.close();
    await server.close();
  });

  async function run(scenario: string, fn: () => Promise<void>): Promise<void> {
    exec.served.length = 0;
    exec.scenario = scenario;
    try {
      await fn();
    } finally {
      exec.scenario = undefined;
    }
    for (const k of exec.served) served.add(k);
  }

  it('a stored result is the operation result; the job id comes from x-arango-async-id', async () => {
    await run('job_fetch_result_03_single', async () => {
      const asyncDb = db.beginAsyncExecution({ returnResult: true });
      expect(asyncDb.context).toBe('async');
      const job = await asyncDb.version();
      expect(job).toBeInstanceOf(AsyncJob);
      expect(job.id).toBe('74091');
      expect(await job.result()).toBe('3.12.10');
    });
    expect(exec.served).toEqual(['job_fetch_result_03_single#0', 'job_fetch_result_03_single#1']);
  });

  it("a failed job re-throws the operation's own error class with its codes", async () => {
    await run('job_fetch_result_04_single', async () => {
      const job = await db.beginAsyncExecution().createCollection(' this name is invalid ');
      const err = await job.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CollectionCreateError);
      expect(err).toMatchObject({ httpCode: 400, errorCode: 400 });
    });
    expect(exec.served).toEqual(['job_fetch_result_04_single#0', 'job_fetch_result_04_single#1']);
  });

  it('result() of an unknown job is an AsyncJobResultError "job <id> not found"', async () => {
    await run('job_fetch_result_02_single', async () => {
      const err = await new AsyncJob(exec, '_system', 'notthere', () => 0).result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsyncJobResultError);
      expect((err as Error).message).toBe('job notthere not found');
      expect(err).toMatchObject({ httpCode: 404, errorCode: 404 });
    });
  });

  it('status(): done (200) and pending (204)', async () => {
    await run('job_getStatusById_01_single', async () => {
      const job = await db.beginAsyncExecution().version();
      expect(await job.status()).toBe('done');
    });
    await run('job_getStatusById_02_single', async () => {
      const job = await db.beginAsyncExecution().executeTransaction({
        read: ['_aqlfunctions'],
        command: "function () {require('internal').sleep(15.0);}",
      });
      expect(job.id).toBe('74105');
      expect(await job.status()).toBe('pending');
    });
  });

  it('asyncJobs lists ids by status (positional and keyword forms)', async () => {
    await run('job_getByType_01_single', async () => {
      await db.beginAsyncExecution().version();
      expect(await db.asyncJobs({ status: 'done' })).toEqual(['74107', '74104']);
    });
    await run('job_getByType_02_single', async () => {
      await db.beginAsyncExecution().version();
      expect(await db.asyncJobs('pending')).toEqual(['74105']);
    });
    await run('job_getByType_03_single', async () => {
      const job = await db.beginAsyncExecution().executeTransaction({
        read: ['_frontend'],
        command: "function () {require('internal').sleep(15.0);}",
      });
      expect(await db.asyncJobs('pending')).toEqual(['74109', '74105']);
      expect(await job.cancel()).toBe(true);
    });
  });

  it('cancel() of a running query', async () => {
    await run('job_cancel_single', async () => {
      const job = await db
        .beginAsyncExecution()
        .aql.execute('FOR i IN 1..10 FOR j IN 1..10 LET x = sleep(1.0) FILTER i == 5 && j == 5 RETURN 42');
      expect(await db.asyncJobs('pending')).toEqual([job.id]);
      expect(await job.cancel()).toBe(true);
      expect(await db.asyncJobs('pending')).toEqual(['74093']);
    });
    expect(exec.served).toHaveLength(4);
  });

  it('clear(), clearAsyncJobs() and clearAsyncJobs({ threshold })', async () => {
    await run('job_delete_03_single', async () => {
      const job = await db.beginAsyncExecution().version();
      expect(await job.clear()).toBe(true);
    });
    await run('job_delete_04_single', async () => {
      const missing = new AsyncJob(exec, '_system', 'AreYouThere', () => 0);
      const err = await missing.clear().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsyncJobClearError);
      expect((err as Error).message).toBe('job AreYouThere not found');
      expect(await missing.clear({ ignoreMissing: true })).toBe(false);
    });
    await run('job_delete_01_single', async () => {
      await db.beginAsyncExecution().version();
      expect(await db.clearAsyncJobs()).toBe(true);
    });
    await run('job_delete_02_single', async () => {
      await db.beginAsyncExecution().version();
      // The server's clock (GET /_admin/time), as the documentation example reads it.
      const time = await conn.send({
        method: 'GET',
        endpoint: '/_admin/time',
        db: '_system',
        headers: { 'x-replay-scenario': 'job_delete_02_single' },
      });
      const served = time.headers['x-replay-key'];
      if (typeof served === 'string') exec.served.push(served);
      expect(await db.clearAsyncJobs({ threshold: time.body.time })).toBe(true);
      expect(await db.asyncJobs('pending')).toEqual([]);
    });
  });

  it('every recording of the jobs area was replayed', () => {
    const missing = recorded.map((e) => `${e.key}#${e.seq}`).filter((k) => !served.has(k));
    expect(missing).toEqual([]);
    expect(recorded).toHaveLength(29);
  });

  it('no request of this suite violated the OpenAPI description (but the two documentation forms)', async () => {
    const docForm = (v: { method: string; path: string }) =>
      v.method === 'PUT' && /^(\/_db\/_system)?\/_api\/(version|collection)$/.test(v.path);
    expect((await violations(server.url)).filter((v) => !docForm(v))).toEqual([]);
  });
});
