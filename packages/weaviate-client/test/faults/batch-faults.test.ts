import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestErrorEvent } from '@dbwire/core';
import { FaultProxy } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ConnectionError, TimeoutError } from '../../src/index.js';
import { uniqueClass, vectorFor, weaviateUrl } from '../integration/helpers.js';

/**
 * Batch imports through the TCP fault proxy: connections cut mid-batch, new connections refused, a
 * stalled server. Whatever happens, every added object ends up confirmed or in `failedObjects`.
 */
let direct: Client;
let proxy: FaultProxy;
const classes: string[] = [];

beforeAll(async () => {
  const url = new URL(await weaviateUrl());
  direct = new Client(url.origin);
  proxy = await FaultProxy.start({ target: { host: url.hostname, port: Number(url.port) } });
});

afterAll(async () => {
  for (const c of classes) await direct?.schema.deleteClass(c).catch(() => {});
  await direct?.close();
  await proxy?.close();
});

async function freshClass(): Promise<string> {
  const name = uniqueClass('Fault');
  classes.push(name);
  await direct.schema.createClass({
    class: name,
    vectorizer: 'none',
    properties: [{ name: 'n', dataType: ['int'] }],
  });
  return name;
}

async function serverCount(name: string): Promise<number> {
  const res = await direct.query.aggregate(name).withMetaCount().do();
  return res.data.Aggregate[name]![0]!.meta.count;
}

function recordErrors(): { errors: RequestErrorEvent[]; stop: () => void } {
  const errors: RequestErrorEvent[] = [];
  const on = (m: unknown) => {
    const e = m as RequestErrorEvent;
    if (e.operation === 'batch.createObjects') errors.push(e);
  };
  subscribe(DIAGNOSTICS_CHANNELS.error, on);
  return { errors, stop: () => unsubscribe(DIAGNOSTICS_CHANNELS.error, on) };
}

describe('batch import through connection faults', () => {
  it('connections cut mid-batch and refused for a while: retried, all 1000 objects confirmed', async () => {
    const name = await freshClass();
    const client = new Client(`http://${proxy.address}`);
    const rec = recordErrors();
    let calls = 0;
    try {
      client.batch.configure({
        batchSize: 50,
        numWorkers: 2,
        connectionErrorRetries: 5,
        callback: () => {
          // After the 3rd answer: kill every live connection and refuse new ones for 300 ms.
          if (++calls === 3) {
            proxy.cutAll();
            proxy.refuseNew(true);
            setTimeout(() => proxy.refuseNew(false), 300);
          }
        },
      });
      await client.batch.with(async (b) => {
        for (let i = 0; i < 1000; i++)
          await b.addDataObject({ dataObject: { n: i }, className: name, vector: vectorFor(i, 32) });
      });
    } finally {
      rec.stop();
      proxy.restore();
      await client.close();
    }
    expect(rec.errors.length).toBeGreaterThan(0);
    expect(rec.errors.every((e) => e.errorKind === 'connection')).toBe(true);
    expect(client.batch.stats).toMatchObject({
      objectsAdded: 1000,
      objectsConfirmed: 1000,
      objectsFailed: 0,
    });
    expect(await serverCount(name)).toBe(1000);
  });

  it('without retries, cut requests are reported, never dropped: added = confirmed + failed', async () => {
    const name = await freshClass();
    const client = new Client(`http://${proxy.address}`);
    let calls = 0;
    try {
      client.batch.configure({
        batchSize: 50,
        numWorkers: 2,
        connectionErrorRetries: 0,
        callback: () => {
          if (++calls === 2) {
            proxy.cutAll();
            proxy.refuseNew(true);
            setTimeout(() => proxy.refuseNew(false), 300);
          }
        },
      });
      await client.batch.with(async (b) => {
        for (let i = 0; i < 1000; i++) await b.addDataObject({ dataObject: { n: i }, className: name });
      });
    } finally {
      proxy.restore();
      await client.close();
    }
    const s = client.batch.stats;
    expect(s.objectsAdded).toBe(1000);
    expect(s.objectsFailed).toBeGreaterThan(0);
    expect(s.objectsConfirmed + s.objectsFailed).toBe(1000);
    expect(client.batch.failedObjects).toHaveLength(s.objectsFailed);
    expect(client.batch.failedObjects.every((f) => f.error instanceof ConnectionError)).toBe(true);
    // A cut request may or may not have been applied: the server holds at least every confirmed object.
    const onServer = await serverCount(name);
    expect(onServer).toBeGreaterThanOrEqual(s.objectsConfirmed);
    expect(onServer).toBeLessThanOrEqual(1000);
  });

  it('a stalled server: requests time out (timeoutConfig read) and are retried until it answers', async () => {
    const name = await freshClass();
    const client = new Client(`http://${proxy.address}`, { timeoutConfig: [2, 1] });
    const rec = recordErrors();
    let calls = 0;
    try {
      client.batch.configure({
        batchSize: 20,
        timeoutRetries: 4,
        callback: () => {
          if (++calls === 1) proxy.stall(2_500);
        },
      });
      await client.batch.with(async (b) => {
        for (let i = 0; i < 100; i++) await b.addDataObject({ dataObject: { n: i }, className: name });
      });
    } finally {
      rec.stop();
      proxy.restore();
      await client.close();
    }
    expect(rec.errors.some((e) => e.errorKind === 'timeout')).toBe(true);
    expect(client.batch.stats).toMatchObject({ objectsAdded: 100, objectsConfirmed: 100, objectsFailed: 0 });
    expect(await serverCount(name)).toBe(100);
  });

  it('timeouts beyond timeoutRetries: the objects are failures carrying TimeoutError', async () => {
    const name = await freshClass();
    const client = new Client(`http://${proxy.address}`, { timeoutConfig: [2, 0.5] });
    try {
      client.batch.configure({ batchSize: 10, timeoutRetries: 1, callback: null });
      proxy.stall(3_000);
      await client.batch.with(async (b) => {
        for (let i = 0; i < 10; i++) await b.addDataObject({ dataObject: { n: i }, className: name });
      });
    } finally {
      proxy.restore();
      await client.close();
    }
    expect(client.batch.stats).toMatchObject({
      objectsAdded: 10,
      objectsConfirmed: 0,
      objectsFailed: 10,
      requests: 2,
    });
    expect(client.batch.failedObjects.every((f) => f.error instanceof TimeoutError)).toBe(true);
  });
});
