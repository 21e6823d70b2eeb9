import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { arangoCredentials } from '../src/arango/credentials.js';
import { startReplayServer } from '../src/arango/replay-server.js';
import { cursorPaging } from '../src/arango/scripts.js';
import { type ServerInfo, useServer } from '../src/index.js';

/**
 * Smoke tests of the detached `arango-replay` server (127.0.0.1:8529). The server is shared with the
 * arango-client suites running in parallel, so every check that reads server-side state (violations,
 * scripts) uses its own database name and never resets the server.
 */

let info: ServerInfo;
let base: string;
const db = `replay_smoke_${randomUUID().slice(0, 8)}`;
const { username, password } = arangoCredentials();
const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers: {
      accept: 'application/json',
      ...(path.startsWith('/_replay/') ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  info = await useServer('arango-replay');
  base = String(info.url);
});

describe('arango-replay server', () => {
  it('answers a request without credentials with 401, as arangod with authentication on', async () => {
    const res = await request(`${base}/_api/version`);
    await res.body.text();
    expect(res.statusCode).toBe(401);
  });

  it('answers GET /_api/version from the recordings', async () => {
    const r = await call('GET', '/_api/version');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ server: 'arango', version: '3.12.10' });
    if (info.replay) expect(r.headers['x-replay-key']).toBeDefined();
  });

  it.runIf(process.env.ARANGO_URL === undefined)(
    'replays a recorded document read byte for byte',
    async () => {
      // Recorded in _system (the recordings' database): the strict replay serves it there only.
      const r = await call('GET', '/_db/_system/_api/document/products/70477');
      expect(r.status).toBe(200);
      expect(r.text).toBe('{"_key":"70477","_id":"products/70477","_rev":"_l6zhV_y---","hello":"world"}');
      expect(r.headers['content-length']).toBe(String(r.text.length));
      expect(r.headers.etag).toBe('"_l6zhV_y---"');
    },
  );

  it('records an invalid request in /_replay/violations (private instance)', async () => {
    // Deliberate violations go to a private instance of the same server code: suites sharing the
    // detached server may assert that it saw none.
    const own = await startReplayServer({ port: 0 });
    try {
      const post = await request(`${own.url}/_api/collection`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ name: 7, type: 'edge' }),
      });
      await post.body.text();
      expect(post.headers['x-replay-violations']).toBe('2');
      const res = await request(`${own.url}/_replay/violations`);
      const v = (await res.body.json()) as { count: number; violations: unknown[] };
      expect(v.violations).toEqual([
        {
          method: 'POST',
          path: '/_api/collection',
          database: '_system',
          operationId: 'createCollection',
          problems: ['body/name must be string', 'body/type must be integer'],
        },
      ]);
      const cleared = await request(`${own.url}/_replay/violations`, { method: 'DELETE' });
      await cleared.body.text();
      expect(own.violations()).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it.runIf(process.env.ARANGO_URL === undefined)(
    'answers an unmatched request with 501 and the nearest exchanges',
    async () => {
      const r = await call('GET', '/_api/document/products/no-such-recording');
      expect(r.status).toBe(501);
      expect(r.json).toMatchObject({ error: true, code: 501, errorNum: 501 });
      expect(r.json.errorMessage).toContain('no recorded exchange matches GET');
      expect(r.json.nearest).toHaveLength(3);
      expect(r.json.nearest[0]).toMatchObject({ method: 'GET' });
      expect(r.json.nearest[0].path).toMatch(/^\/_api\/document\/products\//);
    },
  );

  it.runIf(process.env.ARANGO_URL === undefined)('serves a scripted cursor paging sequence', async () => {
    const query = 'FOR p IN products RETURN p';
    const rows = Array.from({ length: 5 }, (_, i) => ({ _key: `k${i}`, _id: `products/k${i}`, n: i }));
    const added = await call('POST', '/_replay/script', [
      cursorPaging({ query, rows, batchSize: 2, database: db, times: 1 }),
    ]);
    expect(added.status).toBe(200);
    const first = await call('POST', `/_db/${db}/_api/cursor`, { query, batchSize: 2, count: true });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ hasMore: true, count: 5, result: rows.slice(0, 2) });
    const id = first.json.id as string;
    const second = await call('POST', `/_db/${db}/_api/cursor/${id}`);
    expect(second.json).toMatchObject({ hasMore: true, result: rows.slice(2, 4), id });
    const third = await call('PUT', `/_db/${db}/_api/cursor/${id}`);
    expect(third.json).toMatchObject({ hasMore: false, result: rows.slice(4) });
    const gone = await call('DELETE', `/_db/${db}/_api/cursor/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.errorNum).toBe(1600);
    const v = await call('GET', `/_replay/violations?database=${db}`);
    expect(v.json.violations.filter((x: { path: string }) => x.path.includes('/_api/cursor'))).toEqual([]);
  });
});
