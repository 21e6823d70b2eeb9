import { FaultProxy, useServer, withLock } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheMode,
  Client,
  PROP_CACHE_MODE,
  PROP_NAME,
  ProtocolError,
  ReconnectError,
  SocketError,
  TimeoutError,
} from '../../src/index.js';

let a: FaultProxy;
let b: FaultProxy;
const name = `failover-${process.pid}`;

beforeAll(async () => {
  // Never judge the cluster's readiness while another suite has a node stopped on purpose.
  const info = await withLock('ignite-cluster-topology', () => useServer('ignite-cluster'));
  const [n1, n2] = info.endpoints.map((e) => {
    const [host, port] = e.split(':');
    return { host: host!, port: Number(port) };
  });
  a = await FaultProxy.start({ target: n1! });
  b = await FaultProxy.start({ target: n2! });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('failover across two real nodes (ignite-cluster behind fault proxies)', () => {
  it('the seed loop: the call in flight fails with SocketError, the next call reconnects, ReconnectError when all are gone', async () => {
    const client = new Client({ timeout: 20 });
    await client.connect([
      ['127.0.0.1', a.port],
      ['127.0.0.1', b.port],
    ]);
    expect(client.currentNode).toBe(`127.0.0.1:${a.port}`);
    const myCache = await client.getOrCreateCache({
      [PROP_NAME]: name,
      [PROP_CACHE_MODE]: CacheMode.REPLICATED,
    });
    await myCache.put('test_key', 0);

    // A call is in flight when node A's connection breaks.
    a.stall(2000);
    const inFlight = myCache.get('test_key');
    await new Promise((r) => setTimeout(r, 100));
    a.refuseNew(true);
    a.cutAll();
    await expect(inFlight).rejects.toBeInstanceOf(SocketError);

    // The next call reconnects transparently to node B and sees the data.
    const v = (await myCache.get('test_key')) as number;
    expect(v).toBe(0);
    expect(client.currentNode).toBe(`127.0.0.1:${b.port}`);
    await myCache.put('test_key', v + 1);

    // Every node gone: ReconnectError.
    b.refuseNew(true);
    b.cutAll();
    const err = await myCache.get('test_key').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SocketError);
    await expect(myCache.get('test_key')).rejects.toBeInstanceOf(ReconnectError);

    // A node comes back: the client recovers on its own.
    a.restore();
    expect(await myCache.get('test_key')).toBe(1);
    expect(client.currentNode).toBe(`127.0.0.1:${a.port}`);
    b.restore();
    await myCache.destroy();
    await client.close();
  });

  it('connect() with no reachable node throws ReconnectError', async () => {
    a.refuseNew(true);
    b.refuseNew(true);
    try {
      const client = new Client({ timeout: 5 });
      const err = await client
        .connect([
          ['127.0.0.1', a.port],
          ['127.0.0.1', b.port],
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReconnectError);
      expect((err as Error).message).toMatch(/2 node/);
    } finally {
      a.restore();
      b.restore();
    }
  });

  it('garbage from the network fails the callers with ProtocolError and the next call reconnects', async () => {
    const client = new Client({ timeout: 10 });
    await client.connect([
      ['127.0.0.1', a.port],
      ['127.0.0.1', b.port],
    ]);
    const cache = await client.getOrCreateCache(`${name}-garbage`);
    await cache.put('k', 'v');
    a.corruptAfter(0, 'down');
    const err = await cache.get('k').catch((e: unknown) => e);
    expect(err instanceof ProtocolError || err instanceof SocketError || err instanceof TimeoutError).toBe(
      true,
    );
    a.restore();
    a.cutAll();
    expect(await cache.get('k')).toBe('v');
    await cache.destroy();
    await client.close();
  });

  it('a stalled node: per-call timeout fires, later answers are ignored, the connection stays in sync', async () => {
    const client = new Client();
    await client.connect('127.0.0.1', a.port);
    const cache = await client.getOrCreateCache(`${name}-stall`);
    await cache.put('k', 'v');
    a.stall(700);
    await expect(cache.get('k', { timeout: 200 })).rejects.toBeInstanceOf(TimeoutError);
    await new Promise((r) => setTimeout(r, 800));
    expect(await cache.get('k')).toBe('v');
    await cache.put('k2', 'w');
    expect(await cache.getAll(['k', 'k2'])).toEqual({ k: 'v', k2: 'w' });
    await cache.destroy();
    await client.close();
  });
});
