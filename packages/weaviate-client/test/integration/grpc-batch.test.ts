import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import { FaultProxy, useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchResultItem, Client } from '../../src/index.js';
import { uniqueClass, vectorFor } from './helpers.js';

/**
 * Batches over gRPC BatchObjects (a client with `grpcPort`) on the real Weaviate: which requests go
 * where (counted per host from the diagnostics events), what lands on the server, no-loss accounting
 * of refused objects and of a cut connection.
 */
let rest: string;
let grpcAddress: string;
let grpcPort: number;
let direct: Client;
const classes: string[] = [];

beforeAll(async () => {
  const info = await useServer('weaviate');
  rest = info.endpoints[0]!;
  grpcAddress = String(info.grpc);
  grpcPort = Number(grpcAddress.split(':').pop());
  direct = new Client(rest);
});

afterAll(async () => {
  for (const c of classes) await direct?.schema.deleteClass(c).catch(() => {});
  await direct?.close();
});

async function freshClass(): Promise<string> {
  const name = uniqueClass('GrpcBatch');
  classes.push(name);
  await direct.schema.createClass({
    class: name,
    vectorizer: 'none',
    properties: [
      { name: 'n', dataType: ['int'] },
      { name: 'label', dataType: ['text'] },
      { name: 'x', dataType: ['number'] },
      { name: 'ok', dataType: ['boolean'] },
      { name: 'when', dataType: ['date'] },
      { name: 'tags', dataType: ['text[]'] },
    ],
  });
  return name;
}

async function serverCount(name: string): Promise<number> {
  const res = await direct.query.aggregate(name).withMetaCount().do();
  return res.data.Aggregate[name]![0]!.meta.count;
}

/** `batch.createObjects` starts per host while `fn` runs. */
async function startsByHost(fn: () => Promise<void>): Promise<Record<string, number>> {
  const hosts: Record<string, number> = {};
  const on = (m: unknown) => {
    const e = m as RequestStartEvent;
    if (e.database === 'weaviate' && e.operation === 'batch.createObjects')
      hosts[e.host ?? '?'] = (hosts[e.host ?? '?'] ?? 0) + 1;
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, on);
  try {
    await fn();
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, on);
  }
  return hosts;
}

const restHost = () => new URL(rest).host;

describe('batch over gRPC BatchObjects', () => {
  it('2,500 plain objects at batchSize 1,000: exactly 3 gRPC requests, 0 REST, every value on the server', async () => {
    const name = await freshClass();
    const client = new Client(rest, { grpcPort });
    client.batch.configure({ batchSize: 1000, callback: null });
    const hosts = await startsByHost(() =>
      client.batch.with(async (b) => {
        for (let i = 0; i < 2500; i++)
          await b.addDataObject({
            dataObject: {
              n: i,
              label: `object ${i}`,
              x: i / 3,
              ok: i % 2 === 0,
              when: '2024-01-02T10:00:00Z',
            },
            className: name,
            vector: vectorFor(i, 8),
          });
      }),
    );
    expect(hosts).toEqual({ [grpcAddress]: 3 });
    expect(client.batch.stats).toMatchObject({
      objectsAdded: 2500,
      objectsConfirmed: 2500,
      objectsFailed: 0,
    });
    expect(await serverCount(name)).toBe(2500);
    const got = await direct.query
      .get<{ n: number; label: string; x: number; ok: boolean; when: string }>(name, [
        'n',
        'label',
        'x',
        'ok',
        'when',
      ])
      .withWhere({ path: ['n'], operator: 'Equal', valueInt: 1234 })
      .withAdditional('vector')
      .do();
    const o = got.data.Get[name]![0]!;
    expect([o.n, o.label, o.x, o.ok, o.when]).toEqual([
      1234,
      'object 1234',
      1234 / 3,
      true,
      '2024-01-02T10:00:00Z',
    ]);
    // Stored as float32 (4 bytes per dimension on the wire): the same float32 values come back.
    expect((o._additional!.vector as number[]).map(Math.fround)).toEqual(vectorFor(1234, 8).map(Math.fround));
    await client.close();
  });

  it('an object with an array property goes over REST on its own; the others over gRPC; all confirmed', async () => {
    const name = await freshClass();
    const client = new Client(rest, { grpcPort });
    client.batch.configure({ batchSize: 100, callback: null });
    const hosts = await startsByHost(() =>
      client.batch.with(async (b) => {
        for (let i = 0; i < 300; i++)
          await b.addDataObject({
            dataObject: i === 150 ? { n: i, tags: ['a', 'b'] } : { n: i },
            className: name,
            vector: vectorFor(i, 8),
          });
      }),
    );
    // Three batches of 100; the second is 99 plain objects (gRPC) and the one with tags (REST).
    expect(hosts).toEqual({ [grpcAddress]: 3, [restHost()]: 1 });
    expect(client.batch.stats.objectsConfirmed).toBe(300);
    expect(await serverCount(name)).toBe(300);
    await client.close();
  });

  it("objects the server refuses: exactly those in failedObjects with the server's message; the callback sees all", async () => {
    const name = await freshClass();
    const client = new Client(rest, { grpcPort });
    const seen: BatchResultItem[] = [];
    client.batch.configure({ batchSize: 50, callback: (r) => seen.push(...r) });
    const bad = new Set([3, 77, 140]);
    const hosts = await startsByHost(() =>
      client.batch.with(async (b) => {
        for (let i = 0; i < 150; i++)
          await b.addDataObject({ dataObject: { n: bad.has(i) ? `bad${i}` : i }, className: name });
      }),
    );
    expect(hosts).toEqual({ [grpcAddress]: 3 });
    expect(client.batch.stats).toMatchObject({ objectsAdded: 150, objectsConfirmed: 147, objectsFailed: 3 });
    const failed = client.batch.failedObjects;
    expect(failed.map((f) => f.item.body.properties)).toEqual([
      { n: 'bad3' },
      { n: 'bad77' },
      { n: 'bad140' },
    ]);
    for (const f of failed) expect(f.error.message).toMatch(/invalid integer property 'n'/);
    expect(seen).toHaveLength(150);
    expect(seen.filter((r) => r.result?.status === 'FAILED').map((r) => r.id)).toEqual(
      failed.map((f) => f.item.uuid),
    );
    expect(await serverCount(name)).toBe(147);
    await client.close();
  });

  it('the gRPC connection cut mid-batch: retried, all 600 objects confirmed, none lost', async () => {
    const name = await freshClass();
    const [host, port] = grpcAddress.split(':');
    const proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
    const [, proxyPort] = proxy.address.split(':');
    const client = new Client(rest, { grpcPort: Number(proxyPort), grpcHost: '127.0.0.1' });
    let answers = 0;
    try {
      client.batch.configure({
        batchSize: 50,
        connectionErrorRetries: 5,
        callback: () => {
          if (++answers === 3) {
            proxy.cutAll();
            proxy.refuseNew(true);
            setTimeout(() => proxy.refuseNew(false), 300);
          }
        },
      });
      await client.batch.with(async (b) => {
        for (let i = 0; i < 600; i++)
          await b.addDataObject({ dataObject: { n: i }, className: name, vector: vectorFor(i, 8) });
      });
      expect(proxy.stats.accepted).toBeGreaterThanOrEqual(2);
      expect(client.batch.stats).toMatchObject({
        objectsAdded: 600,
        objectsConfirmed: 600,
        objectsFailed: 0,
      });
      expect(await serverCount(name)).toBe(600);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
