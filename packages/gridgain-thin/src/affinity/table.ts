/**
 * The client's view of partition ownership: for each cache, the primary node of every partition and
 * the affinity key fields, valid for one affinity topology version. Pure: filled from op 1101 answers.
 */
import type { BinaryContext, TypeHint } from '../binary/index.js';
import { type CachePartitions, compareTopology, type TopologyVersion } from './cache-partitions.js';
import { type AffinityKeyFields, affinityHashCode } from './key-hash.js';
import { partitionMask, rendezvousPartition } from './partition.js';

/** How to route the keys of one cache. */
export interface CacheRoute {
  /** Primary node id by partition. */
  readonly primaries: readonly string[];
  readonly mask: number;
  readonly keyFields: AffinityKeyFields;
}

/** Partition → primary node per cache, for one affinity topology version (see the module comment). */
export class AffinityTable {
  /** Topology of the mappings held. */
  #version: TopologyVersion | undefined;
  /** Newest topology any answer announced (may be ahead of `#version`: then the mappings are stale). */
  #latest: TopologyVersion | undefined;
  /** cache id → route, or null for a cache whose keys cannot be routed (REPLICATED, custom affinity). */
  readonly #caches = new Map<number, CacheRoute | null>();

  /** Affinity topology version of the mappings held, if any. */
  get topologyVersion(): TopologyVersion | undefined {
    return this.#version;
  }

  /** True when a newer topology than the mappings' was announced. */
  get stale(): boolean {
    return (
      this.#latest !== undefined &&
      (this.#version === undefined || compareTopology(this.#latest, this.#version) > 0)
    );
  }

  /**
   * Records a topology version announced by a response (flag AFFINITY_TOPOLOGY_CHANGED). Returns true
   * when it is newer than the mappings held, i.e. they should be fetched again.
   */
  observe(v: TopologyVersion): boolean {
    if (this.#latest === undefined || compareTopology(v, this.#latest) > 0) this.#latest = v;
    return this.stale;
  }

  /**
   * Takes an op 1101 answer. An answer older than the mappings held is ignored (it raced a newer
   * one); a newer one drops every mapping of the older topology, the caches it does not cover
   * included (they are fetched again when next used).
   */
  update(p: CachePartitions): void {
    const v = p.topologyVersion;
    if (this.#version !== undefined) {
      const cmp = compareTopology(v, this.#version);
      if (cmp < 0) return;
      if (cmp > 0) this.#caches.clear();
    }
    this.#version = v;
    this.observe(v);
    for (const g of p.groups) {
      const routable = g.applicable && g.defaultAffinity && g.primaries.length > 0;
      const mask = routable ? partitionMask(g.primaries.length) : -1;
      for (const c of g.caches) {
        this.#caches.set(
          c.cacheId,
          routable ? { primaries: g.primaries, mask, keyFields: c.keyFields } : null,
        );
      }
    }
  }

  /** The route of a cache: undefined when unknown, null when its keys cannot be routed. */
  route(cacheId: number): CacheRoute | null | undefined {
    return this.#caches.get(cacheId);
  }

  /** Forgets everything (all connections lost, or another cluster). */
  clear(): void {
    this.#caches.clear();
    this.#version = undefined;
    this.#latest = undefined;
  }

  /** The partition of `key` in the cache, or undefined when the cache is unknown or not routable. */
  partitionOf(cacheId: number, key: unknown, hint?: TypeHint, ctx?: BinaryContext): number | undefined {
    const r = this.#caches.get(cacheId);
    if (!r) return undefined;
    return partitionIn(r, key, hint, ctx);
  }

  /** The primary node id for `key` in the cache, or undefined when not known. */
  nodeFor(cacheId: number, key: unknown, hint?: TypeHint, ctx?: BinaryContext): string | undefined {
    const r = this.#caches.get(cacheId);
    if (!r) return undefined;
    return r.primaries[partitionIn(r, key, hint, ctx)];
  }
}

/** The partition of `key` under a cache route. */
export function partitionIn(r: CacheRoute, key: unknown, hint?: TypeHint, ctx?: BinaryContext): number {
  const h = affinityHashCode(key, hint, r.keyFields, ctx);
  return rendezvousPartition(h, r.primaries.length, r.mask);
}
