import { FaultProxy, useServer } from '@dbwire/test-servers';
import { restartServer } from '@dbwire/test-servers/fault-proxy';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DbwireError,
  DgraphClient,
  DgraphClientStub,
  TimeoutError,
  UnavailableError,
} from '../../src/index.js';

// Faults between the client and a real Dgraph alpha, through the TCP fault proxy: whatever breaks,
// calls end with a typed error in bounded time, and the client recovers once the path is healthy.

holdServerLock('dgraph');

let proxy: FaultProxy;
let client: DgraphClient;
const Q = '{ q(func: has(dgraph.type), first: 1) { uid } }';

beforeAll(async () => {
  const info = await useServer('dgraph');
  const [host, port] = info.endpoints[0]!.split(':');
  proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
  client = new DgraphClient(new DgraphClientStub(proxy.address, undefined, { connectTimeout: 3 }));
  expect(await client.checkVersion()).toMatch(/^v25/);
});

afterEach(() => proxy.restore());

afterAll(async () => {
  client?.close();
  await proxy?.close();
});

async function settle<T>(p: Promise<T>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
}

describe('faults on the wire', () => {
  it('a stalled connection: the call times out with TimeoutError at its deadline', async () => {
    proxy.stall(10_000);
    const { err, ms } = await settle(client.txn({ readOnly: true }).query(Q, { timeout: 0.5 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(3_000);
  });

  it('bytes silently dropped: TimeoutError, no hang', async () => {
    proxy.dropAfter(0);
    const { err, ms } = await settle(client.checkVersion({ timeout: 0.5 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(3_000);
  });

  it('the connection is cut while a call is in flight: UnavailableError right away', async () => {
    proxy.stall(10_000);
    const call = settle(client.txn({ readOnly: true }).query(Q));
    await new Promise((r) => setTimeout(r, 200));
    proxy.cutAll();
    const { err, ms } = await call;
    expect(err).toBeInstanceOf(UnavailableError);
    expect(ms).toBeLessThan(3_000);
  });

  it('garbage from the server side: a typed connection error', async () => {
    proxy.cutAll();
    proxy.corruptAfter(0, 'down');
    const { err, ms } = await settle(client.checkVersion({ timeout: 3 }));
    expect(DbwireError.is(err)).toBe(true);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(ms).toBeLessThan(5_000);
  });

  it('new connections refused: UnavailableError quickly', async () => {
    proxy.cutAll();
    proxy.refuseNew(true);
    const { err, ms } = await settle(client.checkVersion());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(ms).toBeLessThan(5_000);
  });

  it('after the faults clear, the same client works again', async () => {
    proxy.cutAll();
    proxy.restore();
    // grpc-js reconnects with backoff; the first call after a failure may still see it.
    let version: string | undefined;
    for (let i = 0; i < 20 && version === undefined; i++) {
      version = await client.checkVersion({ timeout: 2 }).catch(() => undefined);
      if (version === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(version).toMatch(/^v25/);
  });

  it('the server restarts: calls fail typed while it is down, then succeed again', async () => {
    const direct = new DgraphClient(new DgraphClientStub((await useServer('dgraph')).endpoints[0]!));
    try {
      expect(await direct.checkVersion()).toMatch(/^v25/);
      await restartServer('dgraph');
      let version: string | undefined;
      for (let i = 0; i < 40 && version === undefined; i++) {
        version = await direct.checkVersion({ timeout: 2 }).catch((e: unknown) => {
          expect(DbwireError.is(e)).toBe(true);
          return undefined;
        });
        if (version === undefined) await new Promise((r) => setTimeout(r, 250));
      }
      expect(version).toMatch(/^v25/);
    } finally {
      direct.close();
    }
  }, 120_000);
});
