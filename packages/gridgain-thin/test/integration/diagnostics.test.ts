/** Request events on node:diagnostics_channel from the funnel, for a real call against the server. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestErrorEvent, type RequestStartEvent } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';

let client: Client;
let endpoint: string;

beforeAll(async () => {
  const info = await useServer('ignite');
  endpoint = info.endpoints[0]!;
  const [h, p] = endpoint.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
});

afterAll(async () => {
  await client
    .getCache(`diag-${process.pid}`)
    .destroy()
    .catch(() => {});
  await client?.close();
});

describe('diagnostics', () => {
  it('one start and one end per request, one error for a failed one; no query text or values', async () => {
    const events: [string, RequestStartEvent][] = [];
    const on = (kind: string) => (msg: unknown) => {
      const e = msg as RequestStartEvent;
      if (e.database === 'gridgain') events.push([kind, e]);
    };
    const handlers = {
      start: on('start'),
      end: on('end'),
      error: on('error'),
    };
    for (const [k, h] of Object.entries(handlers)) subscribe(DIAGNOSTICS_CHANNELS[k as 'start'], h);
    try {
      const cache = await client.getOrCreateCache(`diag-${process.pid}`);
      events.length = 0;
      await cache.put('secret-key', 'secret-value');
      expect(await cache.get('secret-key')).toBe('secret-value');
      await client.sql('SELECT secret_column FROM no_such_table_secret').catch(() => {});
    } finally {
      for (const [k, h] of Object.entries(handlers)) unsubscribe(DIAGNOSTICS_CHANNELS[k as 'start'], h);
    }
    expect(events.map(([k, e]) => `${k}:${e.operation}`)).toEqual([
      'start:cache.put',
      'end:cache.put',
      'start:cache.get',
      'end:cache.get',
      'start:sql',
      'error:sql',
    ]);
    for (const [, e] of events) expect(e.host).toBe(endpoint);
    const err = events[5]![1] as RequestErrorEvent;
    expect(err.errorCode).toBe('IGNITE_STATUS_1');
    expect(err.errorKind).toBe('server');
    expect(events[0]![1].requestId).toBe(events[1]![1].requestId);
    expect(JSON.stringify(events)).not.toMatch(/secret/);
  });
});
