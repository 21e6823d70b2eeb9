import { describe, expect, it } from 'vitest';
import type { CachePartitions } from './cache-partitions.js';
import { affinityHashCode } from './key-hash.js';
import { rendezvousPartition } from './partition.js';
import { PartitionRouter } from './router.js';

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';

function mapping(major: bigint, owner: (p: number) => string, cacheId = 1): CachePartitions {
  return {
    topologyVersion: { major, minor: 0 },
    groups: [
      {
        applicable: true,
        caches: [{ cacheId, keyFields: new Map() }],
        primaries: Array.from({ length: 32 }, (_, p) => owner(p)),
        defaultAffinity: true,
      },
    ],
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PartitionRouter', () => {
  it('first use of a cache: every concurrent caller waits for ONE fetch, then routes', async () => {
    const d = deferred<CachePartitions>();
    const asked: number[][] = [];
    const router = new PartitionRouter((ids) => {
      asked.push([...ids]);
      return d.promise;
    });
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const pending = keys.map((k) => router.nodeFor(1, k, undefined, undefined));
    for (const p of pending) expect(p).toBeInstanceOf(Promise);
    d.resolve(mapping(1n, (p) => (p % 2 ? A : B)));
    const nodes = await Promise.all(pending);
    expect(asked).toEqual([[1]]);
    expect(router.fetches).toBe(1);
    nodes.forEach((n, i) => {
      const p = rendezvousPartition(affinityHashCode(keys[i], undefined), 32);
      expect(n).toBe(p % 2 ? A : B);
    });
    // known now: synchronous
    expect(router.nodeFor(1, 'k0', undefined, undefined)).toBe(nodes[0]);
    expect(router.fetches).toBe(1);
  });

  it('a newer topology: the old mapping keeps routing while ONE refresh runs, then the new one routes', async () => {
    let next: CachePartitions = mapping(1n, () => A);
    const router = new PartitionRouter(async () => next);
    expect(await router.nodeFor(1, 'k', undefined, undefined)).toBe(A);
    next = mapping(2n, () => B);
    router.observe({ major: 2n, minor: 0 });
    expect(router.nodeFor(1, 'k', undefined, undefined)).toBe(A);
    expect(router.nodeFor(1, 'j', undefined, undefined)).toBe(A);
    expect(router.fetches).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(router.nodeFor(1, 'k', undefined, undefined)).toBe(B);
    expect(router.fetches).toBe(2);
  });

  it('a failed fetch: callers get "any node" (undefined), and no new fetch before the retry delay', async () => {
    let fail = true;
    const router = new PartitionRouter(
      async () => {
        if (fail) throw new Error('connection lost');
        return mapping(1n, () => A);
      },
      { retryDelayMs: 30 },
    );
    expect(await router.nodeFor(1, 'k', undefined, undefined)).toBeUndefined();
    expect(router.nodeFor(1, 'k', undefined, undefined)).toBeUndefined();
    expect(router.fetches).toBe(1);
    fail = false;
    await new Promise((r) => setTimeout(r, 40));
    expect(await router.nodeFor(1, 'k', undefined, undefined)).toBe(A);
    expect(router.fetches).toBe(2);
  });

  it('an answer that does not cover the cache yet (node behind on its creation): asked again soon, then routed', async () => {
    let answers = 0;
    const router = new PartitionRouter(async () => {
      answers++;
      return answers === 1 ? mapping(1n, () => A, 99) : mapping(2n, () => B, 1);
    });
    expect(await router.nodeFor(1, 'k', undefined, undefined)).toBeUndefined();
    expect(router.nodeFor(1, 'k', undefined, undefined)).toBeUndefined(); // not again at once
    expect(router.fetches).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(await router.nodeFor(1, 'k', undefined, undefined)).toBe(B);
    expect(router.fetches).toBe(2);
  });

  it('a cache that cannot be routed (REPLICATED) answers undefined without fetching again', async () => {
    const router = new PartitionRouter(async () => ({
      topologyVersion: { major: 1n, minor: 0 },
      groups: [
        {
          applicable: false,
          caches: [{ cacheId: 9, keyFields: new Map() }],
          primaries: [],
          defaultAffinity: true,
        },
      ],
    }));
    expect(await router.nodeFor(9, 'k', undefined, undefined)).toBeUndefined();
    expect(router.nodeFor(9, 'k', undefined, undefined)).toBeUndefined();
    expect(router.fetches).toBe(1);
  });
});
