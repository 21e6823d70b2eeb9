/**
 * Diagnostics events of real calls (core `DIAGNOSTICS_CHANNELS` on node:diagnostics_channel) and the
 * progress of a cursor drain. Against a private replay server: it needs no database state, so it
 * runs in every mode.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  DIAGNOSTICS_CHANNELS,
  type ProgressEvent,
  type RequestEndEvent,
  type RequestErrorEvent,
  type RequestStartEvent,
} from '@dbwire/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cursorPaging, startReplayServer } from '../../../../tooling/servers/src/arango/index.js';
import { ArangoClient, DocumentGetError, type StandardDatabase } from '../../src/index.js';

const PASSWORD = 'diagnostics-secret-password';
const events: Array<{ kind: 'start' | 'end' | 'error'; e: RequestStartEvent }> = [];
const listeners = {
  start: (e: unknown) => events.push({ kind: 'start', e: e as RequestStartEvent }),
  end: (e: unknown) => events.push({ kind: 'end', e: e as RequestEndEvent }),
  error: (e: unknown) => events.push({ kind: 'error', e: e as RequestErrorEvent }),
};

let srv: Awaited<ReturnType<typeof startReplayServer>>;
let client: ArangoClient;
let db: StandardDatabase;

beforeAll(async () => {
  srv = await startReplayServer({ port: 0 });
  client = new ArangoClient({ hosts: srv.url });
  db = await client.db('_system', { username: 'root', password: PASSWORD });
  for (const k of ['start', 'end', 'error'] as const) subscribe(DIAGNOSTICS_CHANNELS[k], listeners[k]);
});
beforeEach(() => {
  events.length = 0;
});
afterAll(async () => {
  for (const k of ['start', 'end', 'error'] as const) unsubscribe(DIAGNOSTICS_CHANNELS[k], listeners[k]);
  await client.close();
  await srv.close();
});

describe('diagnostics', () => {
  it('one start and one end per request, with the host that answered', async () => {
    expect(await db.version()).toBe('3.12.10');
    expect(events.map((x) => x.kind)).toEqual(['start', 'end']);
    const [start, end] = events.map((x) => x.e);
    expect(start).toMatchObject({ database: 'arango', operation: 'GET /_api/version' });
    expect(end).toMatchObject({
      database: 'arango',
      operation: 'GET /_api/version',
      requestId: start?.requestId,
      host: new URL(srv.url).origin,
    });
    expect((end as RequestEndEvent).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a server error is an error event with its code; no credentials, keys or query text in any event', async () => {
    const missing = await db
      .collection('products')
      .get('unknown-identifier', { rev: 'r1', checkRev: false })
      .catch((e: unknown) => e);
    expect(missing).toBeNull();
    await db.aql.execute('FOR x IN no_such_collection RETURN x').catch((e: unknown) => e);
    const err = await db
      .collection('products')
      .get({ _key: 'x', _rev: 'y' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentGetError);
    expect(events.filter((x) => x.kind === 'start')).toHaveLength(3);
    const errors = events.filter((x) => x.kind === 'error').map((x) => x.e as RequestErrorEvent);
    expect(errors.map((e) => e.operation)).toEqual([
      'GET /_api/document',
      'POST /_api/cursor',
      'GET /_api/document',
    ]);
    expect(errors[0]).toMatchObject({ errorCode: 'ARANGO_1202', errorKind: 'server' });
    const text = JSON.stringify(events);
    for (const secret of [PASSWORD, 'unknown-identifier', 'no_such_collection', 'products']) {
      expect(text).not.toContain(secret);
    }
  });

  it('a connection failure is an error event with the connection error code', async () => {
    const dead = new ArangoClient({ hosts: 'http://127.0.0.1:9' });
    try {
      const ddb = await dead.db('_system', { username: 'root', password: PASSWORD });
      await ddb.version().catch(() => {});
    } finally {
      await dead.close();
    }
    expect(events.map((x) => x.kind)).toEqual(['start', 'error']);
    expect(events[1]?.e).toMatchObject({ errorKind: 'connection', errorCode: 'ECONNREFUSED' });
  });

  it('cursor.all({ onProgress }) reports the drain (total from count) and one request per batch', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => i);
    srv.script(cursorPaging({ rows, batchSize: 3, query: 'FOR i IN 1..10 RETURN i', count: true }));
    const cursor = await db.aql.execute<number>('FOR i IN 1..10 RETURN i', { batchSize: 3, count: true });
    const progress: ProgressEvent[] = [];
    expect(await cursor.all({ onProgress: (p) => progress.push(p) })).toEqual(rows);
    expect(progress.at(-1)).toMatchObject({ done: 10, failed: 0, total: 10 });
    // POST /_api/cursor, then three batch fetches (3 + 3 + 3 + 1 rows).
    expect(events.filter((x) => x.kind === 'end').map((x) => x.e.operation)).toEqual([
      'POST /_api/cursor',
      'POST /_api/cursor',
      'POST /_api/cursor',
      'POST /_api/cursor',
    ]);
  });
});
