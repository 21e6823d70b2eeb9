import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  DIAGNOSTICS_CHANNELS,
  type RequestEndEvent,
  type RequestErrorEvent,
  type RequestStartEvent,
} from '@dbwire/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../src/index.js';
import { uniqueClass, weaviateUrl } from './helpers.js';

let client: Client;
let host: string;
beforeAll(async () => {
  const url = await weaviateUrl();
  host = new URL(url).host;
  client = new Client(url);
});
afterAll(() => client?.close());

it('publishes one start and exactly one end or error per request, without query text', async () => {
  const events: Array<[string, RequestStartEvent]> = [];
  const handlers = Object.entries(DIAGNOSTICS_CHANNELS).map(([kind, name]) => {
    const h = (m: unknown) => {
      if ((m as RequestStartEvent).database === 'weaviate') events.push([kind, m as RequestStartEvent]);
    };
    subscribe(name, h);
    return () => unsubscribe(name, h);
  });
  const secret = uniqueClass('SecretName');
  try {
    await client.getMeta();
    await client.query.raw(`{ Get { ${secret} { x } } }`).catch(() => {});
  } finally {
    for (const off of handlers) off();
  }
  expect(events.map(([k, e]) => [k, e.operation])).toEqual([
    ['start', 'getMeta'],
    ['end', 'getMeta'],
    ['start', 'query.raw'],
    ['error', 'query.raw'],
  ]);
  expect(events.every(([, e]) => e.host === host)).toBe(true);
  expect(events[0]![1].requestId).toBe(events[1]![1].requestId);
  expect((events[1]![1] as RequestEndEvent).durationMs).toBeGreaterThan(0);
  expect((events[3]![1] as RequestErrorEvent).errorCode).toBe('ERR_GRAPHQL');
  expect(JSON.stringify(events)).not.toContain(secret);
});
