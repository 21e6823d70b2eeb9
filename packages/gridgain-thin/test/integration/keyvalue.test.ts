import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cache,
  CacheDoesNotExistError,
  CancelledError,
  CharObject,
  Client,
  IntObject,
  NotSupportedByClusterError,
  ParameterError,
  PeekModes,
  ShortObject,
  TimeoutError,
} from '../../src/index.js';

let client: Client;
let host: string;
let port: number;
const caches: Cache[] = [];

async function fresh(name: string): Promise<Cache> {
  const c = await client.getOrCreateCache(`kv-${name}-${process.pid}`);
  await c.clear();
  caches.push(c);
  return c;
}

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  host = h!;
  port = Number(p);
  client = new Client();
  await client.connect(host, port);
});

afterAll(async () => {
  for (const c of caches) await c.destroy().catch(() => {});
  await client?.close();
});

describe('seed walkthrough: key-value API', () => {
  it('negotiates the highest version Apache Ignite speaks (1.7.1 offered, 1.7.0 accepted)', () => {
    expect(client.protocolVersion).toBe('1.7.0');
    expect(String(client)).toBe(`Client(${host}:${port}, protocol 1.7.0)`);
  });

  it('put/get/getAll as the seed prints them', async () => {
    const myCache = await fresh('seed');
    await myCache.put('my key', 42);
    expect(await myCache.get('my key')).toBe(42);
    expect(await myCache.get('non-existent key')).toBeNull();
    expect(await myCache.getAll(['my key', 'non-existent key', 'other-key'])).toEqual({ 'my key': 42 });
  });

  it('type hints: String key "a" and CharObject key "a" are two entries', async () => {
    const myCache = await fresh('hints');
    await myCache.put('my key', 42);
    await myCache.put('my key', 42, { valueHint: ShortObject });
    await myCache.put('a', 1);
    await myCache.put('a', 2, { keyHint: CharObject });
    expect(await myCache.get('a')).toBe(1);
    expect(await myCache.get('a', { keyHint: CharObject })).toBe(2);
    expect(await myCache.getSize()).toBe(3);
    await myCache.removeKeys(['a', ['a', CharObject]]);
    expect(await myCache.getSize()).toBe(1);
    expect(await myCache.containsKeys(['my key'])).toBe(true);
  });

  it('an integer key written as IntObject is a different key from the default LongObject', async () => {
    const c = await fresh('inthint');
    await c.put(7, 'long');
    await c.put(7, 'int', { keyHint: IntObject });
    expect(await c.get(7)).toBe('long');
    expect(await c.get(7, { keyHint: IntObject })).toBe('int');
    expect(await c.get([7, IntObject])).toBe('int');
  });
});

describe('every key-value operation', () => {
  it('putIfAbsent / getAndPutIfAbsent', async () => {
    const c = await fresh('pia');
    expect(await c.putIfAbsent('k', 1)).toBe(true);
    expect(await c.putIfAbsent('k', 2)).toBe(false);
    expect(await c.getAndPutIfAbsent('k', 3)).toBe(1);
    expect(await c.getAndPutIfAbsent('k2', 3)).toBeNull();
    expect(await c.get('k2')).toBe(3);
  });

  it('getAndPut / getAndReplace / getAndRemove', async () => {
    const c = await fresh('gap');
    expect(await c.getAndPut('k', 'a')).toBeNull();
    expect(await c.getAndPut('k', 'b')).toBe('a');
    expect(await c.getAndReplace('k', 'c')).toBe('b');
    expect(await c.getAndReplace('missing', 'x')).toBeNull();
    expect(await c.containsKey('missing')).toBe(false);
    expect(await c.getAndRemove('k')).toBe('c');
    expect(await c.getAndRemove('k')).toBeNull();
  });

  it('replace / replaceIfEquals', async () => {
    const c = await fresh('repl');
    expect(await c.replace('k', 1)).toBe(false);
    await c.put('k', 1);
    expect(await c.replace('k', 2)).toBe(true);
    expect(await c.replaceIfEquals('k', 1, 3)).toBe(false);
    expect(await c.replaceIfEquals('k', 2, 3)).toBe(true);
    expect(await c.get('k')).toBe(3);
  });

  it('remove / removeKey / removeIfEquals / removeAll', async () => {
    const c = await fresh('rm');
    await c.putAll({ a: 1, b: 2, c: 3, d: 4 });
    expect(await c.removeKey('a')).toBe(true);
    expect(await c.remove('a')).toBe(false);
    expect(await c.removeIfEquals('b', 99)).toBe(false);
    expect(await c.removeIfEquals('b', 2)).toBe(true);
    expect(await c.getSize()).toBe(2);
    await c.removeAll();
    expect(await c.getSize()).toBe(0);
  });

  it('clear / clearKey / clearKeys', async () => {
    const c = await fresh('clr');
    await c.putAll(
      new Map<unknown, unknown>([
        ['x', 1],
        ['y', 2],
        ['z', 3],
        [1, 'one'],
      ]),
    );
    await c.clearKey('x');
    expect(await c.containsKey('x')).toBe(false);
    await c.clearKeys(['y', 'z']);
    expect(await c.containsKeys(['y', 'z'])).toBe(false);
    expect(await c.containsKey(1)).toBe(true);
    await c.clear();
    expect(await c.getSize()).toBe(0);
  });

  it('putAll/getAll of 1,000 entries; getAll with non-string keys returns a Map', async () => {
    const c = await fresh('bulk');
    const entries: Array<[number, string]> = [];
    for (let i = 0; i < 1000; i++) entries.push([i, `v${i}`]);
    await c.putAll(entries);
    expect(await c.getSize()).toBe(1000);
    const got = (await c.getAll(entries.map(([k]) => k))) as Map<unknown, unknown>;
    expect(got).toBeInstanceOf(Map);
    expect(got.size).toBe(1000);
    expect(got.get(999)).toBe('v999');
  });

  it('getSize with peek modes', async () => {
    const c = await fresh('peek');
    await c.putAll({ a: 1, b: 2 });
    expect(await c.getSize(PeekModes.ALL)).toBe(2);
    expect(await c.getSize([PeekModes.PRIMARY])).toBe(2);
    expect(await c.getSize(PeekModes.BACKUP)).toBe(0);
  });

  it('per-call expiry policy: entries created through the view expire', async () => {
    const c = await fresh('ttl');
    // 2 s, not less: on a loaded machine the read-back after the put can take several hundred ms.
    const short = c.withExpirePolicy({ create: 2000 });
    await short.put('gone', 1);
    await c.put('stays', 2);
    expect(await c.get('gone')).toBe(1);
    await new Promise((r) => setTimeout(r, 2600));
    expect(await c.get('gone')).toBeNull();
    expect(await c.get('stays')).toBe(2);
  });

  it('many requests in flight on one socket resolve to their own answers', async () => {
    const c = await fresh('pipe');
    await Promise.all(Array.from({ length: 500 }, (_, i) => c.put(i, i * 2)));
    const values = await Promise.all(Array.from({ length: 500 }, (_, i) => c.get(i)));
    expect(values).toEqual(Array.from({ length: 500 }, (_, i) => i * 2));
  });
});

describe('errors', () => {
  it('operations on a cache that does not exist fail with CacheDoesNotExistError (status 1000)', async () => {
    const c = client.getCache(`no-such-cache-${process.pid}`);
    const err = await c.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheDoesNotExistError);
    expect((err as CacheDoesNotExistError).status).toBe(1000);
    // the connection is still usable afterwards
    expect(client.connected).toBe(true);
  });

  it('bad arguments are ParameterErrors before any I/O', async () => {
    const c = client.getCache('whatever');
    await expect(c.put(undefined, 1)).rejects.toBeInstanceOf(ParameterError);
    await expect(c.put('k', 1, { valueHint: 'Short' as never })).rejects.toBeInstanceOf(ParameterError);
    await expect(c.getSize(9)).rejects.toBeInstanceOf(ParameterError);
    expect(() => client.getCache('')).toThrow(ParameterError);
    await expect(client.createCache({})).rejects.toThrow(/PROP_NAME/);
  });

  it('a value the codec cannot write leaves the pipeline intact', async () => {
    const c = await fresh('badval');
    await expect(c.put('k', 70000, { valueHint: ShortObject })).rejects.toThrow();
    await c.put('k', 1);
    expect(await c.get('k')).toBe(1);
  });

  it('per-call timeout fails with TimeoutError', async () => {
    const c = await fresh('timeout');
    await expect(c.get('k', { timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await c.get('k')).toBeNull();
  });

  it('an aborted AbortSignal fails the call with CancelledError', async () => {
    const c = await fresh('abort');
    const ac = new AbortController();
    ac.abort();
    await expect(c.get('k', { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(await c.get('k')).toBeNull();
  });

  it('await using closes the client at the end of the block', async () => {
    let outer: Client | undefined;
    {
      await using scoped = await new Client().connect(host, port);
      outer = scoped;
      expect(scoped.connected).toBe(true);
    }
    expect(outer.connected).toBe(false);
  });

  it('expiry policy gating: a 1.5 connection refuses it with a clear UsageError', async () => {
    const old = new Client({ protocolVersion: [1, 5, 0] });
    await old.connect(host, port);
    try {
      expect(old.protocolVersion).toBe('1.5.0');
      const c = await old.getOrCreateCache(`kv-old-${process.pid}`);
      caches.push(c);
      await c.put('k', 1);
      expect(await c.get('k')).toBe(1);
      await expect(c.withExpiryPolicy({ create: 10 }).put('k', 1)).rejects.toBeInstanceOf(
        NotSupportedByClusterError,
      );
    } finally {
      await old.close();
    }
  });

  it('every protocol version from 1.0.0 to 1.7.0 connects and serves get/put', async () => {
    for (const v of [
      [1, 0, 0],
      [1, 1, 0],
      [1, 2, 0],
      [1, 3, 0],
      [1, 4, 0],
      [1, 6, 0],
      [1, 7, 0],
    ] as const) {
      const c = new Client({ protocolVersion: v });
      await c.connect(host, port);
      try {
        expect(c.protocolVersion).toBe(v.join('.'));
        const cache = await c.getOrCreateCache(`kv-versions-${process.pid}`);
        await cache.put(`k${v.join('')}`, v.join('.'));
        expect(await cache.get(`k${v.join('')}`)).toBe(v.join('.'));
        if (v[1] === 7) caches.push(cache);
      } finally {
        await c.close();
      }
    }
  });
});

describe('call sites', () => {
  it('by default a failed awaited call shows the awaiting user function', async () => {
    const plain = new Client();
    await plain.connect(host, port);
    async function userLookup(): Promise<unknown> {
      return await plain.getCache(`no-such-cache-${process.pid}`).get('k');
    }
    try {
      let err: unknown;
      try {
        await userLookup();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CacheDoesNotExistError);
      const [own, called] = String((err as Error).stack).split('--- called from ---');
      expect(own).not.toContain('userLookup');
      expect(called).toContain('userLookup');
    } finally {
      await plain.close();
    }
  });

  it('captureCallSites appends the caller frames to server errors', async () => {
    const traced = new Client({ captureCallSites: true });
    await traced.connect(host, port);
    try {
      const err = (await traced
        .getCache(`no-such-cache-${process.pid}`)
        .get('k')
        .catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(CacheDoesNotExistError);
      expect(err.stack).toContain('--- called from ---');
      expect(err.stack).toContain('keyvalue.test.ts');
    } finally {
      await traced.close();
    }
  });
});

describe('heartbeats', () => {
  it('the server announces HEARTBEAT (feature bit 11) and accepts op 1 on an idle connection', async () => {
    const hb = new Client({ heartbeatInterval: 100 });
    await hb.connect(host, port);
    try {
      const features = hb.features!;
      expect((features[1]! & 0x08) !== 0).toBe(true);
      await new Promise((r) => setTimeout(r, 450)); // several heartbeats go out meanwhile
      expect(hb.connected).toBe(true);
      expect(await hb.cacheNames()).toBeInstanceOf(Array);
    } finally {
      await hb.close();
    }
  });
});
