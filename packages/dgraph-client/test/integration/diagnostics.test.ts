import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  DIAGNOSTICS_CHANNELS,
  type RequestEndEvent,
  type RequestErrorEvent,
  type RequestStartEvent,
} from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DgraphClient, DgraphClientStub, DgraphServerError } from '../../src/index.js';

// The funnel publishes one start and exactly one end or error per RPC on node:diagnostics_channel,
// with the database, the operation and the host, and never the query text or bound values.

const sfx = randomBytes(4).toString('hex');
const SECRET_VALUE = `secret-value-${sfx}`;
let addr: string;
let client: DgraphClient;

holdServerLock('dgraph');

type Event = ['start', RequestStartEvent] | ['end', RequestEndEvent] | ['error', RequestErrorEvent];
const events: Event[] = [];
const listeners = {
  start: (m: unknown) => events.push(['start', m as RequestStartEvent]),
  end: (m: unknown) => events.push(['end', m as RequestEndEvent]),
  error: (m: unknown) => events.push(['error', m as RequestErrorEvent]),
};

beforeAll(async () => {
  addr = (await useServer('dgraph')).endpoints[0]!;
  client = new DgraphClient(new DgraphClientStub(addr));
  await client.checkVersion(); // connected before anything is recorded
  for (const k of ['start', 'end', 'error'] as const) subscribe(DIAGNOSTICS_CHANNELS[k], listeners[k]);
});

afterAll(() => {
  for (const k of ['start', 'end', 'error'] as const) unsubscribe(DIAGNOSTICS_CHANNELS[k], listeners[k]);
  client?.close();
});

describe('diagnostics events of real calls', () => {
  it('one start + one end per RPC, one start + one error for a failed one; no query text or values', async () => {
    events.length = 0;
    await client.checkVersion();
    const query = `query q($v: string) { q(func: eq(name_${sfx}, $v)) { uid } }`;
    await client.txn({ readOnly: true }).query(query, { variables: { $v: SECRET_VALUE } });
    const bad = await client
      .txn({ readOnly: true })
      .query(`{ broken_${sfx}(func: eq(x, "${SECRET_VALUE}") { uid }`)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DgraphServerError);

    expect(events.map(([kind, e]) => [kind, e.database, e.operation, e.host])).toEqual([
      ['start', 'dgraph', 'checkVersion', addr],
      ['end', 'dgraph', 'checkVersion', addr],
      ['start', 'dgraph', 'query', addr],
      ['end', 'dgraph', 'query', addr],
      ['start', 'dgraph', 'query', addr],
      ['error', 'dgraph', 'query', addr],
    ]);
    // Each end/error pairs with its start.
    expect(events[1]![1].requestId).toBe(events[0]![1].requestId);
    expect(events[5]![1].requestId).toBe(events[4]![1].requestId);
    const failed = events[5]![1] as RequestErrorEvent;
    expect(failed.errorCode).toBe('ERR_DGRAPH');
    expect(failed.errorKind).toBe('server');
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(events);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(sfx);
  });
});
