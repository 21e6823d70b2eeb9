/** cache.scan against the real server: the seed's example, dict(), paging, early break, progress. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cache, CacheError, Client, dict, Op, ParameterError } from '../../src/index.js';

let client: Client;
const caches: Cache[] = [];

async function fresh(name: string): Promise<Cache> {
  const c = await client.getOrCreateCache(`scan-${name}-${process.pid}`);
  await c.clear();
  caches.push(c);
  return c;
}

async function countOps<T>(fn: () => Promise<T>): Promise<[T, Map<string, number>]> {
  const counts = new Map<string, number>();
  const onStart = (msg: unknown) => {
    const e = msg as RequestStartEvent;
    if (e.database === 'gridgain') counts.set(e.operation, (counts.get(e.operation) ?? 0) + 1);
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  try {
    return [await fn(), counts];
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  }
}

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
});

afterAll(async () => {
  for (const c of caches) await c.destroy().catch(() => {});
  await client?.close();
});

describe('cache.scan', () => {
  it("the seed's example: 20 entries as [key, value] pairs, and dict(result)", async () => {
    const myCache = await fresh('seed');
    const entries: Record<string, number> = {};
    for (let v = 0; v < 20; v++) entries[`key_${v}`] = v;
    await myCache.putAll(entries);

    const seen: Record<string, unknown> = {};
    const result = await myCache.scan();
    for await (const [k, v] of result) seen[k as string] = v;
    expect(seen).toEqual(entries);

    expect(await dict(myCache.scan())).toEqual(entries);
    expect(await (await myCache.scan()).toDict()).toEqual(entries);
  });

  it('non-string keys collect into a Map', async () => {
    const c = await fresh('map');
    await c.putAll(
      new Map([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    const d = await dict(c.scan());
    expect(d).toBeInstanceOf(Map);
    expect([...(d as Map<unknown, unknown>).entries()].sort()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('pages: 2,500 entries at pageSize 100 are 1 scan + 24 page requests; progress reaches 2,500', async () => {
    const c = await fresh('paged');
    const all = new Map<number, number>();
    for (let i = 0; i < 2500; i++) all.set(i, i * 2);
    await c.putAll(all);
    const progress: number[] = [];
    const [got, counts] = await countOps(async () => {
      const out = new Map<unknown, unknown>();
      for await (const [k, v] of c.scan({ pageSize: 100, onProgress: (e) => progress.push(e.done) }))
        out.set(k, v);
      return out;
    });
    expect(got).toEqual(all);
    expect(counts.get('cache.scan')).toBe(1);
    expect(counts.get('cache.scan.page')).toBe(24);
    expect(counts.get('cursor.close')).toBeUndefined();
    expect(progress.at(-1)).toBe(2500);
  });

  it('an early break frees the server cursor', async () => {
    const c = await fresh('early');
    await c.putAll(new Map(Array.from({ length: 500 }, (_, i) => [i, i])));
    const probe = (id: bigint) =>
      client._request(
        Op.QUERY_SCAN_CURSOR_GET_PAGE,
        (w) => w.writeInt64(id),
        () => 1,
      );
    const cursor = await c.scan({ pageSize: 10 });
    const [n, counts] = await countOps(async () => {
      let i = 0;
      for await (const _ of cursor) if (++i === 3) break;
      return i;
    });
    expect(n).toBe(3);
    expect(counts.get('cursor.close')).toBe(1);
    const err = await probe(cursor.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheError);
    expect((err as CacheError).status).toBe(1011);
  });

  it('one partition only, and bad options fail before any I/O', async () => {
    const c = await fresh('part');
    await c.putAll(new Map(Array.from({ length: 200 }, (_, i) => [i, i])));
    let total = 0;
    for (let p = 0; p < 1024; p += 1) {
      for await (const _ of c.scan({ partitions: p, pageSize: 500 })) total++;
      if (total === 200) break;
    }
    expect(total).toBe(200);
    const [one] = await (await c.scan({ partitions: 0 })).getAll().then((rows) => [rows.length]);
    expect(one).toBeLessThan(200);
    await expect(c.scan({ pageSize: 0 })).rejects.toBeInstanceOf(ParameterError);
  });
});
