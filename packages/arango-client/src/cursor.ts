import { type CallOptions, type ProgressCallback, ProgressTracker } from '@dbwire/core';
import { type ArangoRequest, type ArangoResponse, type Executor, serverError } from './connection.js';
import { CursorCloseError, CursorEmptyError, CursorNextError, CursorStateError } from './errors.js';

/** The statistics of a query, with the seed's names next to the server's own. */
export interface CursorStatistics {
  modified?: number;
  ignored?: number;
  scannedFull?: number;
  scannedIndex?: number;
  filtered?: number;
  fullCount?: number;
  executionTime?: number;
  httpRequests?: number;
  peakMemoryUsage?: number;
  [k: string]: unknown;
}

/** Shapes `extra.stats` the way the seed documents it (its keys, camelCased), keeping the raw keys. */
export function formatStatistics(stats: Record<string, unknown> | undefined): CursorStatistics | null {
  if (!stats) return null;
  const out: CursorStatistics = { ...stats };
  if ('writesExecuted' in stats) out.modified = stats.writesExecuted as number;
  if ('writesIgnored' in stats) out.ignored = stats.writesIgnored as number;
  return out;
}

/**
 * A query result cursor. `next()` and `for await` fetch the next batch just in time; `fetch()` and
 * `pop()` give manual control. Batch fetches go to the host that created the cursor. Leaving a
 * `for await` loop early deletes the cursor on the server.
 */
export class Cursor<T = any> implements AsyncIterable<T> {
  readonly #exec: Executor;
  readonly #db: string;
  readonly #host: number | undefined;
  #id: string | null;
  #batch: T[];
  #pos = 0;
  #hasMore: boolean;
  #count: number | null;
  #cached: boolean;
  #extra: Record<string, any>;
  #nextBatchId: string | undefined;
  /** The raw first response body (server fields not otherwise exposed). */
  readonly raw: Record<string, unknown>;

  constructor(exec: Executor, db: string, body: Record<string, any>, host?: number) {
    this.#exec = exec;
    this.#db = db;
    this.#host = host;
    this.raw = body;
    this.#id = typeof body.id === 'string' ? body.id : null;
    this.#batch = Array.isArray(body.result) ? body.result : [];
    this.#hasMore = body.hasMore === true;
    this.#count = typeof body.count === 'number' ? body.count : null;
    this.#cached = body.cached === true;
    this.#extra = body.extra ?? {};
    this.#nextBatchId = typeof body.nextBatchId === 'string' ? body.nextBatchId : undefined;
  }

  /** Server-side cursor id (null when the whole result fit in the first batch). */
  get id(): string | null {
    return this.#id;
  }
  /** Always "cursor" (the seed also has "export" cursors, which 3.12 no longer serves). */
  get type(): 'cursor' {
    return 'cursor';
  }
  /** The items of the current batch not yet consumed. */
  batch(): T[] {
    if (this.#pos > 0) {
      this.#batch = this.#batch.slice(this.#pos);
      this.#pos = 0;
    }
    return this.#batch;
  }
  /** True when the current batch is depleted (more may still be on the server). */
  empty(): boolean {
    return this.#pos >= this.#batch.length;
  }
  /** Total number of results, when the query asked for `count`. */
  count(): number | null {
    return this.#count;
  }
  /** True while more batches wait on the server (seed: `has_more`). */
  hasMore(): boolean {
    return this.#hasMore;
  }
  /** True when the result came from the query results cache. */
  cached(): boolean {
    return this.#cached;
  }
  /** The query statistics (`modified`, `ignored`, `scannedFull`, ...), or null. */
  statistics(): CursorStatistics | null {
    return formatStatistics(this.#extra.stats);
  }
  /** The query profile (queries run with `profile`), or null. */
  profile(): Record<string, unknown> | null {
    return this.#extra.profile ?? null;
  }
  /** The warnings the query produced. */
  warnings(): Array<{ code: number; message: string }> {
    return this.#extra.warnings ?? [];
  }
  /** The execution plan (queries run with `profile: 2`). */
  plan(): Record<string, unknown> | null {
    return this.#extra.plan ?? null;
  }

  /** The next item; fetches the next batch from the server when the current one is depleted. */
  async next(options?: CallOptions): Promise<T> {
    while (this.#pos >= this.#batch.length) {
      if (!this.#hasMore) throw new CursorEmptyError('the cursor is empty');
      await this.fetch(options);
    }
    return this.#batch[this.#pos++] as T;
  }

  /** The next item of the current batch; throws `CursorEmptyError` when the batch is depleted. */
  pop(): T {
    if (this.#pos >= this.#batch.length) throw new CursorEmptyError('the current batch is empty');
    return this.#batch[this.#pos++] as T;
  }

  /** Fetches the next batch and appends it to the current one. Returns the seed's summary. */
  async fetch(
    options?: CallOptions,
  ): Promise<{ id: string | null; batch: T[]; hasMore: boolean; count: number | null }> {
    if (this.#id === null)
      throw new CursorStateError('the cursor has no ID (its result fitted in one batch)');
    if (!this.#hasMore) throw new CursorStateError('the cursor has no more batches on the server');
    // With `allowRetry` the server names each batch: asking for it by id is safe to repeat, so a
    // fetch cut by a connection reset is retried instead of losing the batch.
    const batchId = this.#nextBatchId;
    const req: ArangoRequest = {
      method: 'POST',
      endpoint:
        batchId === undefined
          ? `/_api/cursor/${encodeURIComponent(this.#id)}`
          : `/_api/cursor/${encodeURIComponent(this.#id)}/${encodeURIComponent(batchId)}`,
      db: this.#db,
      host: this.#host,
      idempotent: batchId !== undefined,
    };
    const res: ArangoResponse = await this.#exec.send(req, options);
    if (res.status !== 200) throw serverError(CursorNextError, req, res, this.#exec.extraHeaders);
    const body = res.body as Record<string, any>;
    const result: T[] = Array.isArray(body.result) ? body.result : [];
    if (this.#pos >= this.#batch.length) {
      this.#batch = result;
      this.#pos = 0;
    } else {
      this.#batch = this.#batch.slice(this.#pos).concat(result);
      this.#pos = 0;
    }
    this.#hasMore = body.hasMore === true;
    if (typeof body.count === 'number') this.#count = body.count;
    if (body.extra) this.#extra = body.extra;
    if (typeof body.id === 'string') this.#id = body.id;
    this.#nextBatchId = typeof body.nextBatchId === 'string' ? body.nextBatchId : undefined;
    return { id: this.#id, batch: this.#batch, hasMore: this.#hasMore, count: this.#count };
  }

  /** Deletes the cursor on the server. Returns false when there was nothing to delete. */
  async close(options: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    if (this.#id === null || !this.#hasMore) {
      this.#hasMore = false;
      return false;
    }
    const req: ArangoRequest = {
      method: 'DELETE',
      endpoint: `/_api/cursor/${encodeURIComponent(this.#id)}`,
      db: this.#db,
      host: this.#host,
    };
    this.#hasMore = false;
    const res = await this.#exec.send(req, options);
    if (res.status === 202 || res.status === 200) return true;
    if (res.status === 404 && options.ignoreMissing) return false;
    throw serverError(CursorCloseError, req, res, this.#exec.extraHeaders);
  }

  /**
   * Every remaining item, fetching all batches. `onProgress` (core `ProgressCallback`) hears how many
   * items arrived so far (total: the query's `count` when it asked for one), at most every 250 ms
   * and once at the end.
   */
  async all(options?: CallOptions & { onProgress?: ProgressCallback }): Promise<T[]> {
    const progress = options?.onProgress
      ? new ProgressTracker(options.onProgress, this.#count ?? undefined)
      : undefined;
    const out: T[] = this.#batch.slice(this.#pos);
    progress?.add(out.length);
    this.#pos = this.#batch.length;
    while (this.#hasMore) {
      await this.fetch(options);
      const before = out.length;
      for (let i = this.#pos; i < this.#batch.length; i++) out.push(this.#batch[i] as T);
      progress?.add(out.length - before);
      this.#pos = this.#batch.length;
    }
    progress?.finish();
    return out;
  }

  /** The id of the next batch (`allowRetry` cursors), fetched as POST /_api/cursor/<id>/<batchId>. */
  get nextBatchId(): string | undefined {
    return this.#nextBatchId;
  }

  /** Iterates over every item, fetching batches just in time; leaving early deletes the cursor. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        while (this.#pos >= this.#batch.length) {
          if (!this.#hasMore) return { done: true, value: undefined };
          await this.fetch();
        }
        return { done: false, value: this.#batch[this.#pos++] as T };
      },
      return: async (): Promise<IteratorResult<T>> => {
        if (this.#hasMore && this.#id !== null) await this.close({ ignoreMissing: true });
        return { done: true, value: undefined };
      },
    };
  }
}
