/**
 * Decides which node a keyed operation goes to, fetching the partition mappings (op 1101) it needs.
 * No I/O of its own: the funnel gives it the function that sends op 1101 and asks it for node ids.
 *
 * - First keyed operation on a cache: waits for that cache's mapping (one request, shared by every
 *   caller), then routes. Later ones route synchronously.
 * - Topology announced newer (response flag 2): the old mapping keeps routing while one refresh runs
 *   in the background (a stale guess costs nothing: the receiving node forwards the request).
 * - A failed fetch never fails the caller: its keys go to any node; the fetch is retried at the
 *   earliest after `retryDelayMs`.
 */
import type { BinaryContext, TypeHint } from '../binary/index.js';
import type { CachePartitions, TopologyVersion } from './cache-partitions.js';
import { AffinityTable, partitionIn } from './table.js';

/** Delay before asking again about a cache the last answer did not cover. */
const ABSENT_RETRY_MS = 50;

/** Sends op 1101 for these cache ids (on any live connection). */
export type FetchPartitions = (cacheIds: readonly number[]) => Promise<CachePartitions>;

/** Chooses the primary node of a key, fetching and refreshing mappings through the funnel's `fetch`. */
export class PartitionRouter {
  /** The mappings currently known. */
  readonly table = new AffinityTable();
  readonly #fetch: FetchPartitions;
  readonly #retryDelayMs: number;
  /** In-flight fetches by cache id. */
  readonly #fetching = new Map<number, Promise<void>>();
  /** Cache id → time before which a failed fetch is not retried. */
  readonly #failedUntil = new Map<number, number>();

  /** Number of op 1101 requests sent so far (for tests and diagnostics). */
  fetches = 0;

  constructor(fetch: FetchPartitions, options?: { retryDelayMs?: number }) {
    this.#fetch = fetch;
    this.#retryDelayMs = options?.retryDelayMs ?? 1000;
  }

  /** A response announced this topology version; refresh known caches when it is newer. */
  observe(v: TopologyVersion): void {
    if (this.table.observe(v)) this.#failedUntil.clear();
  }

  /**
   * The primary node id for `key` in the cache: a string when known, undefined when any node will do,
   * or a Promise of either while the cache's first mapping is being fetched.
   */
  nodeFor(
    cacheId: number,
    key: unknown,
    hint: TypeHint | undefined,
    ctx: BinaryContext | undefined,
  ): string | undefined | Promise<string | undefined> {
    const route = this.table.route(cacheId);
    if (route === undefined) {
      const p = this.#refresh(cacheId);
      if (p === undefined) return undefined;
      return p.then(() => this.table.nodeFor(cacheId, key, hint, ctx));
    }
    if (this.table.stale) this.#refresh(cacheId);
    if (route === null) return undefined;
    return route.primaries[partitionIn(route, key, hint, ctx)];
  }

  /** Forgets all mappings (e.g. after reconnecting to another cluster). */
  clear(): void {
    this.table.clear();
    this.#failedUntil.clear();
  }

  #refresh(cacheId: number): Promise<void> | undefined {
    const running = this.#fetching.get(cacheId);
    if (running) return running;
    const until = this.#failedUntil.get(cacheId);
    if (until !== undefined && Date.now() < until) return undefined;
    this.fetches++;
    const p = this.#fetch([cacheId]).then(
      (res) => {
        this.#failedUntil.delete(cacheId);
        this.table.update(res);
        // A node that has not yet applied the cache's creation answers without it (or with an older
        // topology): ask again soon rather than on every call.
        if (this.table.route(cacheId) === undefined) {
          this.#failedUntil.set(cacheId, Date.now() + ABSENT_RETRY_MS);
        }
      },
      () => {
        this.#failedUntil.set(cacheId, Date.now() + this.#retryDelayMs);
      },
    );
    const done = p.finally(() => this.#fetching.delete(cacheId));
    this.#fetching.set(cacheId, done);
    return done;
  }
}
