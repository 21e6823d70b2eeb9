/**
 * client.txStart against the real server: commit visible, rollback invisible, a pessimistic lock
 * blocks a second transaction until its timeout, an optimistic serializable conflict, `await using`
 * rollback, ATOMIC caches, and the concurrency rules.
 */
import { useServer } from '@dbwire/test-servers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cache,
  CacheAtomicityMode,
  Client,
  PROP_CACHE_ATOMICITY_MODE,
  PROP_NAME,
  SocketError,
  type Transaction,
  TransactionConcurrency,
  TransactionConflictError,
  TransactionError,
  TransactionIsolation,
  UsageError,
} from '../../src/index.js';

let host: string;
let port: number;
let client: Client;
let other: Client;
let cache: Cache;
let atomic: Cache;
const tag = process.pid;

async function connect(): Promise<Client> {
  const c = new Client();
  await c.connect(host, port);
  return c;
}

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  host = h!;
  port = Number(p);
  client = await connect();
  other = await connect();
  cache = await client.getOrCreateCache({
    [PROP_NAME]: `tx_cache_${tag}`,
    [PROP_CACHE_ATOMICITY_MODE]: CacheAtomicityMode.TRANSACTIONAL,
  });
  atomic = await client.getOrCreateCache({
    [PROP_NAME]: `tx_atomic_${tag}`,
    [PROP_CACHE_ATOMICITY_MODE]: CacheAtomicityMode.ATOMIC,
  });
});

/** Transactions a failed test may leave open: closed after each test so one failure cannot cascade. */
const open: Transaction[] = [];
async function start(c: Client, options?: Parameters<Client['txStart']>[0]): Promise<Transaction> {
  const tx = await c.txStart(options);
  open.push(tx);
  return tx;
}

afterEach(async () => {
  for (const tx of open.splice(0)) await tx.close().catch(() => {});
});

afterAll(async () => {
  // Close the clients first: a transaction a failed test left open dies with its connection, and
  // cannot block the destroy calls below.
  await client?.close();
  await other?.close();
  const admin = await connect();
  await admin
    .getCache(`tx_cache_${tag}`)
    .destroy()
    .catch(() => {});
  await admin
    .getCache(`tx_atomic_${tag}`)
    .destroy()
    .catch(() => {});
  await admin.close();
});

describe('transactions', () => {
  it("the seed's example: a committed put is visible to another client", async () => {
    const key = 1;
    {
      await using tx = await client.txStart({ timeout: 2000, label: 'tx-sync' });
      await cache.put(key, 'success');
      // not visible outside the transaction before commit
      expect(await other.getCache(cache.name).get(key)).toBeNull();
      await tx.commit();
    }
    expect(await other.getCache(cache.name).get(key)).toBe('success');
  });

  it('a rolled-back put is invisible, inside and after', async () => {
    await cache.put('rb', 'before');
    const tx = await start(client, {
      isolation: TransactionIsolation.REPEATABLE_READ,
      concurrency: TransactionConcurrency.PESSIMISTIC,
    });
    await cache.put('rb', 'inside');
    expect(await cache.get('rb')).toBe('inside'); // the transaction reads its own write
    await tx.rollback();
    expect(await cache.get('rb')).toBe('before');
    expect(await other.getCache(cache.name).get('rb')).toBe('before');
    await expect(tx.commit()).rejects.toMatchObject({ code: 'ERR_TX_ENDED' });
  });

  it('await using rolls back a transaction left uncommitted', async () => {
    await cache.put('dispose', 0);
    {
      await using tx = await client.txStart();
      await cache.put('dispose', 1);
      expect(tx.active).toBe(true);
    }
    expect(await other.getCache(cache.name).get('dispose')).toBe(0);
    // and the client runs plain operations again afterwards
    await cache.put('dispose', 2);
    expect(await other.getCache(cache.name).get('dispose')).toBe(2);
  });

  it('a pessimistic lock blocks a second transaction until its timeout', async () => {
    await cache.put('lock', 'free');
    const holder = await start(client, { concurrency: TransactionConcurrency.PESSIMISTIC });
    await cache.put('lock', 'held'); // takes the lock
    const started = Date.now();
    const tx2 = await start(other, { concurrency: TransactionConcurrency.PESSIMISTIC, timeout: 700 });
    const err = await other
      .getCache(cache.name)
      .put('lock', 'other')
      .catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as Error).message).toMatch(/timed out|timeout/i);
    expect(waited).toBeGreaterThanOrEqual(600);
    await tx2.close();
    await holder.commit();
    expect(await other.getCache(cache.name).get('lock')).toBe('held');
  });

  it('an optimistic serializable conflict is a typed, retryable TransactionConflictError', async () => {
    await cache.put('occ', 1);
    const tx = await start(client, {
      concurrency: TransactionConcurrency.OPTIMISTIC,
      isolation: TransactionIsolation.SERIALIZABLE,
    });
    expect(await cache.get('occ')).toBe(1);
    await other.getCache(cache.name).put('occ', 100); // someone else changes what we read
    await cache.put('occ', 2);
    const err = await tx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionConflictError);
    expect((err as TransactionConflictError).retryable).toBe(true);
    expect(tx.active).toBe(false);
    expect(await cache.get('occ')).toBe(100);
  });

  it('transactional operations on an ATOMIC cache fail with a clear TransactionError', async () => {
    await using tx = await start(client);
    const err = await atomic.put('a', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as Error).message).toMatch(/ATOMIC/);
    await tx.rollback();
  });

  it('one open transaction per client; its operations run one at a time in call order', async () => {
    const tx = await start(client);
    await expect(client.txStart()).rejects.toMatchObject({ code: 'ERR_TX_ALREADY_OPEN' });
    await expect(client.txStart()).rejects.toBeInstanceOf(UsageError);
    // fired together, applied in call order: the last put wins, every read sees the one before it
    const results = await Promise.all([
      cache.put('order', 1),
      cache.get('order'),
      cache.put('order', 2),
      cache.get('order'),
    ]);
    expect(results).toEqual([undefined, 1, undefined, 2]);
    await tx.commit();
    expect(await other.getCache(cache.name).get('order')).toBe(2);
  });

  it('a transaction never fails over: its connection lost, its operations fail and the client moves on', async () => {
    const c = await connect();
    const txCache = c.getCache(cache.name);
    const tx = await start(c);
    await txCache.put('lost', 1);
    (await c._connection()).close(); // the transaction's connection dies
    const err = await txCache.put('lost', 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SocketError);
    expect((err as SocketError).code).toBe('ERR_TX_CONNECTION_LOST');
    await tx.close(); // ends it without I/O
    expect(tx.active).toBe(false);
    await txCache.put('after', 3); // reconnects, outside any transaction
    expect(await other.getCache(cache.name).get('after')).toBe(3);
    expect(await other.getCache(cache.name).get('lost')).toBeNull();
    await c.close();
  });
});
