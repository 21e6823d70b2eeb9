import { describe, expect, it } from 'vitest';
import { ReplayEngine, type ReplayRequest } from './replay-server.js';
import { asyncJob, bigCursor, cursorPaging, failover503, streamTransaction } from './scripts.js';

const engine = new ReplayEngine();

const AUTH = { authorization: 'Basic cm9vdDpkYndpcmUtdGVzdA==' };

function ask(req: Partial<ReplayRequest> & { url: string }) {
  const reply = engine.handle({ method: 'GET', ...req, headers: { ...AUTH, ...req.headers } });
  const text = reply.body.toString();
  let json: any;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { ...reply, text, json };
}

describe('ReplayEngine matching', () => {
  it('answers a recorded document read with the recorded body, compactly serialised', () => {
    engine.reset();
    const r = ask({ url: '/_api/document/products/70477' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"_key":"70477","_id":"products/70477","_rev":"_l6zhV_y---","hello":"world"}');
    expect(r.headers['x-replay-key']).toBe('RestDocumentHandlerReadDocument_single#0');
    expect(r.headers.etag).toBe('"_l6zhV_y---"');
    expect(r.headers.connection).toBeUndefined();
    expect(r.headers['content-length']).toBeUndefined();
  });

  it('answers HEAD from the GET recording when no HEAD was recorded', () => {
    engine.reset();
    const r = ask({ method: 'HEAD', url: '/_api/document/products/70477' });
    expect(r.status).toBe(200);
    expect(r.headers['x-replay-key']).toBe('RestDocumentHandlerReadDocument_single#0');
  });

  it('treats no /_db/<name> prefix as _system, ignores percent-encoding and query order', () => {
    engine.reset();
    expect(ask({ url: '/_db/_system/_api/document/products/70477' }).status).toBe(200);
    expect(ask({ url: '/_api/user/admin%40myapp' }).headers['x-replay-key']).toMatch(/^RestFetchUser_single/);
    const a = ask({
      method: 'POST',
      url: '/_api/import?type=documents&collection=links',
      body: '{ "_from": "products/123", "_to": "products/234" }\n{"_from": "products/332", "_to": "products/abc",   "name": "other name" }',
    });
    expect(a.status).toBe(201);
  });

  it('matches JSON bodies structurally (key order and whitespace ignored)', () => {
    engine.reset();
    const r = ask({
      method: 'POST',
      url: '/_api/cursor',
      body: '{"batchSize":2,"query":"FOR p IN products LIMIT 2 RETURN p","count":true}',
    });
    expect(r.status).toBe(201);
    expect(r.json.result).toHaveLength(2);
    expect(r.json.hasMore).toBe(false);
  });

  it('serves several matching recordings in order and repeats the last one', () => {
    engine.reset();
    const seen = Array.from({ length: 6 }, () => ask({ url: '/_api/job/pending' }).headers['x-replay-key']);
    expect(seen).toEqual([
      'job_cancel_single#1',
      'job_cancel_single#3',
      'job_delete_02_single#3',
      'job_getByType_02_single#1',
      'job_getByType_03_single#1',
      'job_getByType_03_single#1',
    ]);
    engine.reset();
    expect(ask({ url: '/_api/job/pending' }).headers['x-replay-key']).toBe('job_cancel_single#1');
  });

  it('serves single-server recordings before cluster ones', () => {
    engine.reset();
    const first = ask({ url: '/_db/_system/_admin/support-info' });
    expect(first.headers['x-replay-key']).toBe('RestAdminSupportInfo_single#0');
    expect(first.json.deployment.type).toBe('single');
    expect(ask({ url: '/_admin/support-info' }).json.deployment.type).toBe('cluster');
  });

  it('keeps sequences apart per x-replay-session (and per database in lenient mode)', () => {
    engine.reset();
    const key = (url: string, headers = {}) => ask({ url, headers }).headers['x-replay-key'];
    expect(key('/_api/job/pending')).toBe('job_cancel_single#1');
    expect(key('/_api/job/pending')).toBe('job_cancel_single#3');
    expect(key('/_api/job/pending', { 'x-replay-session': 's1' })).toBe('job_cancel_single#1');
    // strict: false serves the _system recordings to any database, each with its own sequence.
    const lenient = new ReplayEngine({ strict: false, validate: false });
    const lkey = (url: string) => lenient.handle({ method: 'GET', url, headers: {} }).headers['x-replay-key'];
    expect(lkey('/_db/a/_api/job/pending')).toBe('job_cancel_single#1');
    expect(lkey('/_db/a/_api/job/pending')).toBe('job_cancel_single#3');
    expect(lkey('/_db/b/_api/job/pending')).toBe('job_cancel_single#1');
  });

  it('lets x-replay-scenario pick one scenario among several matches', () => {
    engine.reset();
    const r = ask({ url: '/_api/job/pending', headers: { 'x-replay-scenario': 'job_getByType_03_single' } });
    expect(r.json).toEqual(['74109', '74105']);
  });

  it('treats x-arango-async as part of the match', () => {
    engine.reset();
    const async = ask({ method: 'PUT', url: '/_api/version', headers: { 'x-arango-async': 'store' } });
    expect(async.status).toBe(202);
    expect(async.headers['x-arango-async-id']).toMatch(/^\d+$/);
    expect(ask({ method: 'PUT', url: '/_api/version' }).status).toBe(501);
  });

  it('answers GET /_api/version from the recorded version handler result', () => {
    engine.reset();
    const r = ask({ url: '/_api/version' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ server: 'arango', version: '3.12.10' });
    expect(r.headers['x-arango-async-id']).toBeUndefined();
  });

  it('prefers recorded responses over unrecorded ones and answers 204 x-replay: unrecorded otherwise', () => {
    engine.reset();
    const body = '{"id":"testTask","command":"console.log(\'Hello from task!\');","offset":10000}';
    const r = ask({ method: 'POST', url: '/_api/tasks', body });
    expect(r.status).toBe(204);
    expect(r.headers['x-replay']).toBe('unrecorded');
    const body2 = '{"query":"FOR p IN products LIMIT 5 RETURN p","count":true,"batchSize":2}';
    for (let i = 0; i < 4; i++)
      expect(ask({ method: 'POST', url: '/_api/cursor', body: body2 }).status).toBe(201);
  });

  it('serves text bodies as recorded (metrics keep their final newline)', () => {
    engine.reset();
    const r = ask({ url: '/_admin/metrics/v2' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.text.startsWith('# HELP')).toBe(true);
    expect(r.body.length).toBe(94670);
  });

  it('answers 501 with the three nearest recordings and a body diff', () => {
    engine.reset();
    const r = ask({
      method: 'POST',
      url: '/_api/collection',
      body: '{"name":"unrecorded","waitForSync":true}',
    });
    expect(r.status).toBe(501);
    expect(r.json).toMatchObject({ error: true, code: 501, errorNum: 501 });
    expect(r.json.errorMessage).toMatch(/^no recorded exchange matches POST \/_api\/collection/);
    expect(r.json.nearest).toHaveLength(3);
    for (const n of r.json.nearest) {
      expect(n).toMatchObject({ method: 'POST', path: '/_api/collection' });
      expect(n.bodyDiff).toBeDefined();
    }
  });

  it('records OpenAPI violations and still answers', () => {
    engine.reset();
    const r = ask({ method: 'POST', url: '/_api/collection', body: '{"name": 42}' });
    expect(r.headers['x-replay-violations']).toBe('1');
    expect(engine.violations()).toEqual([
      {
        method: 'POST',
        path: '/_api/collection',
        database: '_system',
        operationId: 'createCollection',
        problems: ['body/name must be string'],
      },
    ]);
    engine.reset();
    expect(engine.violations()).toEqual([]);
  });
});

describe('ReplayEngine scripts', () => {
  it('pages a scripted cursor: POST creates, POST/PUT fetch, exhausted cursor answers 1600', () => {
    engine.reset();
    engine.script(
      cursorPaging({ query: 'FOR x IN c RETURN x', rows: [1, 2, 3, 4, 5], batchSize: 2, id: 'c1' }),
    );
    const first = ask({
      method: 'POST',
      url: '/_api/cursor',
      body: '{"query":"FOR x IN c RETURN x","batchSize":2}',
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      result: [1, 2],
      hasMore: true,
      id: 'c1',
      count: 5,
      code: 201,
      error: false,
    });
    expect(ask({ method: 'POST', url: '/_api/cursor/c1' }).json).toMatchObject({
      result: [3, 4],
      hasMore: true,
    });
    const last = ask({ method: 'PUT', url: '/_api/cursor/c1' });
    expect(last.json).toMatchObject({ result: [5], hasMore: false, code: 200 });
    expect(last.json.id).toBeUndefined();
    expect(ask({ method: 'PUT', url: '/_api/cursor/c1' }).json).toMatchObject({ errorNum: 1600, code: 404 });
    expect(engine.violations()).toEqual([]);
  });

  it('closes a scripted cursor with DELETE', () => {
    engine.reset();
    engine.script(cursorPaging({ rows: [1, 2, 3], batchSize: 1 }));
    const first = ask({ method: 'POST', url: '/_api/cursor', body: '{"query":"RETURN 1"}' });
    const id = first.json.id as string;
    expect(ask({ method: 'DELETE', url: `/_api/cursor/${id}` }).json).toEqual({
      id,
      error: false,
      code: 202,
    });
    expect(ask({ method: 'DELETE', url: `/_api/cursor/${id}` }).status).toBe(404);
  });

  it('generates a 100k-row cursor in 1k batches and reuses the batch bodies', () => {
    engine.reset();
    engine.script(bigCursor());
    for (let round = 0; round < 2; round++) {
      const first = ask({
        method: 'POST',
        url: '/_api/cursor',
        body: '{"query":"FOR d IN products RETURN d"}',
      });
      let rows = first.json.result.length as number;
      expect(first.json.result[0]).toMatchObject({ _key: '1', _id: 'products/1' });
      let page = first.json;
      while (page.hasMore) {
        page = ask({ method: 'PUT', url: `/_api/cursor/${first.json.id}` }).json;
        rows += page.result.length;
      }
      expect(rows).toBe(100_000);
      expect(page.result.at(-1)).toMatchObject({ _key: '100000' });
    }
  }, 30_000);

  it('runs an async job: 202 + id, pending polls, result once, then 404', () => {
    engine.reset();
    engine.script(
      asyncJob({
        match: { method: 'POST', path: '/_api/cursor' },
        jobId: '4711',
        pendingPolls: 2,
        result: { status: 201, body: { result: [42], hasMore: false, error: false, code: 201 } },
      }),
    );
    const stored = ask({
      method: 'POST',
      url: '/_api/cursor',
      headers: { 'x-arango-async': 'store' },
      body: '{"query":"RETURN 42"}',
    });
    expect(stored.status).toBe(202);
    expect(stored.headers['x-arango-async-id']).toBe('4711');
    expect(ask({ url: '/_api/job/4711' }).status).toBe(204);
    expect(ask({ url: '/_api/job/4711' }).status).toBe(204);
    expect(ask({ url: '/_api/job/4711' }).status).toBe(200);
    const result = ask({ method: 'PUT', url: '/_api/job/4711' });
    expect(result.status).toBe(201);
    expect(result.json.result).toEqual([42]);
    expect(result.headers['x-arango-async-id']).toBe('4711');
    expect(ask({ method: 'PUT', url: '/_api/job/4711' }).status).toBe(404);
  });

  it('runs a stream transaction: begin, status, commit, then abort is refused', () => {
    engine.reset();
    engine.script(streamTransaction({ id: '999', collections: { write: ['c'] } }));
    const begin = ask({
      method: 'POST',
      url: '/_api/transaction/begin',
      body: '{"collections":{"write":["c"]}}',
    });
    expect(begin.status).toBe(201);
    expect(begin.json.result).toEqual({ id: '999', status: 'running' });
    expect(ask({ url: '/_api/transaction/999' }).json.result.status).toBe('running');
    expect(ask({ method: 'PUT', url: '/_api/transaction/999' }).json.result.status).toBe('committed');
    expect(ask({ url: '/_api/transaction/999' }).json.result.status).toBe('committed');
    expect(ask({ method: 'DELETE', url: '/_api/transaction/999' }).status).toBe(409);
  });

  it('answers 503 with x-arango-endpoint for the first N requests, then normally', () => {
    engine.reset();
    engine.script(failover503({ times: 2, endpoint: 'tcp://127.0.0.1:8530' }));
    for (let i = 0; i < 2; i++) {
      const r = ask({ url: '/_api/version' });
      expect(r.status).toBe(503);
      expect(r.headers['x-arango-endpoint']).toBe('tcp://127.0.0.1:8530');
      expect(r.json.errorNum).toBe(1496);
    }
    expect(ask({ url: '/_api/version' }).status).toBe(200);
  });

  it('scopes script entries by database', () => {
    engine.reset();
    engine.script({
      match: { method: 'GET', path: '/_api/version', database: 'tenant1' },
      respond: { status: 418, body: { x: 1 } },
    });
    expect(ask({ url: '/_db/tenant1/_api/version' }).status).toBe(418);
    expect(ask({ url: '/_db/_system/_api/version' }).status).toBe(200);
  });

  it('rejects malformed script entries with a clear message', () => {
    expect(() => engine.script({ respond: { status: 200 } } as never)).toThrow(/needs a `match` object/);
    expect(() => engine.script({ match: {}, respond: {} } as never)).toThrow(/respond.status/);
    expect(() => engine.script({ match: {}, cursor: { batchSize: 0 } } as never)).toThrow(/batchSize/);
  });
});

describe('ReplayEngine real-server rules (strict)', () => {
  it('answers a request without authorization with 401 errorNum 11, except /_open', () => {
    engine.reset();
    const r = engine.handle({ method: 'GET', url: '/_api/document/products/70477', headers: {} });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body.toString())).toMatchObject({ errorNum: 11 });
    const open = engine.handle({ method: 'POST', url: '/_open/auth', headers: {}, body: '{}' });
    expect(open.status).not.toBe(401);
  });

  it('serves a recording only for the database it was made in', () => {
    engine.reset();
    expect(ask({ url: '/_db/_system/_api/document/products/70477' }).status).toBe(200);
    const other = ask({ url: '/_db/otherdb/_api/document/products/70477' });
    expect(other.status).toBe(501);
    expect(other.headers['x-replay']).toBe('unmatched');
    expect(
      new ReplayEngine({ strict: false }).handle({
        method: 'GET',
        url: '/_db/otherdb/_api/document/products/70477',
        headers: {},
      }).status,
    ).toBe(200);
  });

  it('never answers a document call of a stream transaction from a recording made outside one', () => {
    engine.reset();
    const r = ask({ url: '/_api/document/products/70477', headers: { 'x-arango-trx-id': '123' } });
    expect(r.status).toBe(501);
  });

  it('answers a repeated insert of the same _key with 409 unique constraint, until it is deleted', () => {
    engine.reset();
    engine.script({
      match: { method: 'POST', path: '/_api/document/students', database: 'rules' },
      respond: { status: 202, body: { _id: 'students/jane', _key: 'jane', _rev: '_r' } },
    });
    engine.script({
      match: { method: 'DELETE', path: '/_api/document/students/jane', database: 'rules' },
      respond: { status: 200, body: { _id: 'students/jane', _key: 'jane', _rev: '_r' } },
    });
    const insert = () =>
      ask({ method: 'POST', url: '/_db/rules/_api/document/students', body: '{"_key":"jane"}' });
    expect(insert().status).toBe(202);
    const again = insert();
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      errorNum: 1210,
      errorMessage: expect.stringContaining('conflicting key: jane'),
    });
    // overwrite is not a conflict; another database is another server state
    expect(
      ask({
        method: 'POST',
        url: '/_db/rules/_api/document/students?overwrite=true',
        body: '{"_key":"jane"}',
      }).status,
    ).not.toBe(409);
    expect(ask({ method: 'DELETE', url: '/_db/rules/_api/document/students/jane' }).status).toBe(200);
    expect(insert().status).toBe(202);
  });

  it('a body field the OpenAPI description does not define is a violation', () => {
    engine.reset();
    const r = ask({
      method: 'POST',
      url: '/_api/collection',
      body: '{"name":"x","waitForSynk":true}',
    });
    expect(r.headers['x-replay-violations']).toBe('1');
    expect(engine.violations()[0]?.problems).toEqual([
      'body must NOT have additional properties (waitForSynk)',
    ]);
  });

  it('executes POST /_api/batch part by part in the 3.11 multipart layout', () => {
    engine.reset();
    const body =
      '--b\r\ncontent-type: application/x-arango-batchpart\r\ncontent-id: 1\r\n\r\n' +
      'GET /_api/document/products/70477 HTTP/1.1\r\n\r\n\r\n' +
      '--b\r\ncontent-type: application/x-arango-batchpart\r\ncontent-id: 2\r\n\r\n' +
      'GET /_api/document/products/unknown-identifier HTTP/1.1\r\n\r\n\r\n--b--\r\n';
    const r = ask({
      method: 'POST',
      url: '/_api/batch',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body,
    });
    expect(r.status).toBe(200);
    expect(r.headers['x-arango-errors']).toBe('1');
    expect(r.text).toContain('content-id: 1\r\n\r\nHTTP/1.1 200 OK');
    expect(r.text).toContain('content-id: 2\r\n\r\nHTTP/1.1 404 Not Found');
    expect(r.text.endsWith('--b--')).toBe(true);
    expect(engine.violations()).toEqual([]);
  });
});
