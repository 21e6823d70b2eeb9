import { FaultProxy, useServer } from '@dbwire/test-servers';
import { restartServer } from '@dbwire/test-servers/fault-proxy';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DbwireError,
  type Driver,
  GraphDatabase,
  IncompleteCommit,
  ProtocolError,
  ServiceUnavailable,
  TimeoutError,
} from '../../src/index.js';
import { skipWithReason } from '../integration/server-kind.js';

// Faults between the client and the real Bolt server, through the TCP fault proxy: whatever breaks,
// calls end with a typed error in bounded time; managed transactions retry what is safe to retry and
// never a COMMIT whose outcome is unknown.

holdServerLock('bolt');

let proxy: FaultProxy;
let driver: Driver;
let direct: Driver;
let target: { host: string; port: number };
const L = `F${process.pid}`;

beforeAll(async () => {
  const info = await useServer('bolt');
  const u = new URL(info.url as string);
  target = { host: u.hostname, port: Number(u.port || 7687) };
  proxy = await FaultProxy.start({ target });
  driver = GraphDatabase.driver(`bolt://${proxy.address}`, {
    connectionTimeout: 3,
    connectionAcquisitionTimeout: 5,
    maxTransactionRetryTime: 3,
    initialRetryDelay: 0.1,
  });
  direct = GraphDatabase.driver(info.url as string);
  await driver.verifyConnectivity();
}, 300_000);

afterEach(async () => {
  proxy.restore();
  await direct.executeQuery(`MATCH (n:${L}) DETACH DELETE n`).catch(() => {});
});

afterAll(async () => {
  await driver?.close();
  await direct?.close();
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

async function nodes(): Promise<number> {
  const { records } = await direct.executeQuery(`MATCH (n:${L}) RETURN count(n) AS c`);
  return records[0]!.get('c') as number;
}

describe('faults on the wire', () => {
  it('a stalled connection: TimeoutError at the deadline, no hang', async () => {
    await driver.executeQuery('RETURN 1'); // a pooled connection exists
    proxy.stall(10_000);
    const { err, ms } = await settle(driver.executeQuery('RETURN 1', {}, { timeout: 0.5 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(3_000);
  });

  it('the connection is cut mid-result: a typed ConnectionError from the stream, no hang', async () => {
    await using session = driver.session({ fetchSize: 100 });
    // Ten million rows without a ten-million-element list in server memory (Memgraph builds range()).
    const result = await session.run(
      'UNWIND range(1, 10000) AS a UNWIND range(1, 1000) AS b RETURN a * 1000 + b AS i',
    );
    let n = 0;
    const started = Date.now();
    const err = await (async () => {
      for await (const _ of result) {
        if (++n === 50) proxy.cutAll();
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(DbwireError.is(err) && err.code).toMatch(/^ERR_(SESSION_EXPIRED|SERVICE_UNAVAILABLE)$/);
    expect(n).toBeGreaterThanOrEqual(50);
    expect(n).toBeLessThan(10_000_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('new connections refused: ServiceUnavailable after the retry budget, not a hang', async () => {
    proxy.cutAll();
    proxy.refuseNew(true);
    const { err, ms } = await settle(driver.executeQuery('RETURN 1'));
    expect(err).toBeInstanceOf(ServiceUnavailable);
    expect(ms).toBeLessThan(10_000);
  });

  it('garbage from the server: a typed error, no hang', async () => {
    proxy.cutAll();
    proxy.corruptAfter(0, 'down');
    const { err, ms } = await settle(driver.executeQuery('RETURN 1', {}, { timeout: 5 }));
    // The client itself notices the garbage: a protocol or connection error, not our 5 s deadline.
    expect(DbwireError.is(err)).toBe(true);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err instanceof ProtocolError || err instanceof ConnectionError).toBe(true);
    expect(ms).toBeLessThan(4_000);
  });

  it('a managed transaction cut before its COMMIT is retried and commits exactly once', async () => {
    await using session = driver.session();
    let attempts = 0;
    await session.executeWrite(async (tx) => {
      attempts++;
      await tx.run(`CREATE (:${L} {attempt: $a})`, { a: attempts });
      if (attempts === 1) {
        proxy.cutAll();
        await tx.run('RETURN 1'); // fails: the connection is gone
      }
    });
    expect(attempts).toBe(2);
    expect(await nodes()).toBe(1);
    const { records } = await direct.executeQuery(`MATCH (n:${L}) RETURN n.attempt AS a`);
    expect(records[0]!.get('a')).toBe(2);
  });

  it('a connection lost while COMMIT is in flight: IncompleteCommit, never retried', async () => {
    await using session = driver.session();
    let attempts = 0;
    const { err, ms } = await settle(
      session.executeWrite(async (tx) => {
        attempts++;
        await tx.run(`CREATE (:${L})`);
        // COMMIT will be held by the proxy, then the connection dies under it.
        proxy.stall(10_000);
        setTimeout(() => proxy.cutAll(), 300);
      }),
    );
    expect(err).toBeInstanceOf(IncompleteCommit);
    expect((err as IncompleteCommit).code).toBe('ERR_INCOMPLETE_COMMIT');
    expect((err as IncompleteCommit).retryable).toBe(false);
    expect(attempts).toBe(1);
    expect(ms).toBeLessThan(5_000);
  });

  it('after the faults clear, the same driver works again', async () => {
    proxy.cutAll();
    proxy.restore();
    const { records } = await driver.executeQuery('RETURN 42 AS x');
    expect(records[0]!.get('x')).toBe(42);
  });

  it('the server restarts: calls fail typed while it is down, then succeed again', async (ctx) => {
    const info = await useServer('bolt');
    if (info.external) skipWithReason(ctx, 'docker mode: the tests cannot restart a server they do not run');
    expect((await direct.executeQuery('RETURN 1 AS one')).records[0]!.get('one')).toBe(1);
    let done = false;
    const restarting = restartServer('bolt').finally(() => {
      done = true;
    });
    // While the server goes down and comes back, every call ends typed and bounded.
    let failures = 0;
    while (!done) {
      const started = Date.now();
      await direct.executeQuery('RETURN 1', {}, { timeout: 3 }).catch((e: unknown) => {
        expect(DbwireError.is(e)).toBe(true);
        failures++;
      });
      expect(Date.now() - started).toBeLessThan(4_000);
      await new Promise((r) => setTimeout(r, 300));
    }
    await restarting;
    expect(failures).toBeGreaterThan(0);
    // Pooled connections died with the old process; the managed retry replaces them.
    expect((await direct.executeQuery('RETURN 2 AS two')).records[0]!.get('two')).toBe(2);
  }, 400_000);
});
