/**
 * Server cursors as async iterables: SQL rows, scan entries. A cursor is pinned to the connection
 * that opened it (cursor ids are per connection), reads page by page (the next page is requested
 * while the current one is consumed), and frees the server cursor (RESOURCE_CLOSE) when iteration
 * stops before the end: `break`, `return`, a thrown error, `close()` or `await using`.
 */
import { type ProgressCallback, ProgressTracker } from '@dbwire/core';
import { SocketError } from './errors.js';
import type { Operation } from './ops/operation.js';
import { type FirstPage, type Page, resourceCloseOp } from './ops/query-ops.js';

/** Runs an operation on the cursor's own connection (provided by the client's funnel). */
export type PinnedRunner = <T>(op: Operation<T>) => Promise<T>;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The common cursor: pages, prefetch, close on early exit. `R` is one item. */
export abstract class Cursor<R> implements AsyncIterableIterator<R>, AsyncDisposable {
  readonly #run: PinnedRunner;
  readonly #pageOp: () => Operation<Page<R>>;
  readonly #cursorId: bigint;
  readonly #progress: ProgressTracker | undefined;
  #rows: R[];
  #i = 0;
  /** The server still holds rows for this cursor (it closes the cursor itself after the last page). */
  #open: boolean;
  #prefetch: Promise<Page<R>> | undefined;
  #closed = false;

  /** @internal Built by the client from the first answer. */
  constructor(
    run: PinnedRunner,
    first: FirstPage<R>,
    pageOp: (cursorId: bigint) => Operation<Page<R>>,
    onProgress: ProgressCallback | undefined,
    lead: R[] = [],
  ) {
    this.#run = run;
    this.#cursorId = first.cursorId;
    this.#pageOp = () => pageOp(first.cursorId);
    this.#rows = lead.length > 0 ? [...lead, ...first.rows] : first.rows;
    this.#open = first.hasMore;
    this.#progress = onProgress ? new ProgressTracker(onProgress) : undefined;
    this.#progress?.add(first.rows.length);
    if (!this.#open) this.#progress?.finish();
  }

  /** The server's cursor id (valid on the connection that opened it while the server holds rows). */
  get id(): bigint {
    return this.#cursorId;
  }

  /** True once the cursor is exhausted or closed (the server cursor is then freed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The next item; `{ done: true }` after the last one. */
  next(): Promise<IteratorResult<R, undefined>> {
    const rows = this.#rows;
    if (this.#i < rows.length) {
      // Ask for the next page as soon as this one starts being consumed: network and decoding overlap.
      if (this.#i === 0 && this.#open && this.#prefetch === undefined && !this.#closed) this.#startFetch();
      return Promise.resolve({ done: false, value: rows[this.#i++]! });
    }
    return this.#nextPage();
  }

  async #nextPage(): Promise<IteratorResult<R, undefined>> {
    for (;;) {
      if (this.#i < this.#rows.length) return { done: false, value: this.#rows[this.#i++]! };
      if (!this.#open || this.#closed) {
        this.#closed = true;
        this.#rows = [];
        return DONE;
      }
      const pending = this.#prefetch ?? this.#startFetch();
      let page: Page<R>;
      try {
        page = await pending;
      } catch (err) {
        this.#closed = true;
        this.#open = false; // a failed fetch leaves nothing we could still close reliably
        throw err;
      } finally {
        this.#prefetch = undefined;
      }
      this.#rows = page.rows;
      this.#i = 0;
      this.#open = page.hasMore;
      this.#progress?.add(page.rows.length);
      if (!page.hasMore) this.#progress?.finish();
      if (page.hasMore && page.rows.length > 0) this.#startFetch();
    }
  }

  #startFetch(): Promise<Page<R>> {
    const p = this.#run(this.#pageOp());
    p.catch(() => undefined); // observed in #nextPage or close(); never an unhandled rejection
    this.#prefetch = p;
    return p;
  }

  /** Stops iterating (what `break` calls): frees the server cursor. */
  async return(): Promise<IteratorResult<R, undefined>> {
    await this.close();
    return DONE;
  }

  /**
   * Frees the server cursor if it still holds rows (op 0 RESOURCE_CLOSE) and drops buffered rows.
   * Safe to call more than once. A connection that is already gone freed the cursor with it.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rows = [];
    if (this.#prefetch) {
      try {
        const page = await this.#prefetch;
        this.#open = page.hasMore;
      } catch {
        this.#open = false;
      }
      this.#prefetch = undefined;
    }
    if (!this.#open) return;
    this.#open = false;
    try {
      await this.#run(resourceCloseOp(this.#cursorId));
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
    }
  }

  /** A cursor is its own async iterator (`for await (const row of cursor)`). */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using cursor = await client.sql(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Reads every remaining item into an array. */
  async getAll(): Promise<R[]> {
    const out: R[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

/**
 * Rows of a SQL fields query (pygridgain's `sql()` generator). With `includeFieldNames` the first
 * item is the list of column names, as in pygridgain.
 */
export class SqlFieldsCursor extends Cursor<unknown[]> {
  /** Column names when `includeFieldNames` was set. */
  readonly fieldNames: string[] | undefined;
  /** Number of columns of each row. */
  readonly columnCount: number;

  /** @internal Built by `Client.sql`. */
  constructor(
    run: PinnedRunner,
    first: FirstPage<unknown[]>,
    pageOp: (cursorId: bigint) => Operation<Page<unknown[]>>,
    onProgress: ProgressCallback | undefined,
  ) {
    super(run, first, pageOp, onProgress, first.fieldNames ? [first.fieldNames] : []);
    this.fieldNames = first.fieldNames;
    this.columnCount = first.columnCount;
  }
}

/** `[key, value]` entries of a scan or of `selectRow` (pygridgain's `scan()` generator). */
export class ScanCursor<K = unknown, V = unknown> extends Cursor<[K, V]> {
  /** Collects the remaining entries like the seed's `dict(result)`; see {@link dict}. */
  toDict(): Promise<Record<string, V> | Map<K, V>> {
    return dict(this);
  }
}

/**
 * The seed's `dict(result)`: collects `[key, value]` entries into a plain object when every key is
 * a string, otherwise into a Map (keys that are objects keep their identity).
 */
export async function dict<K, V>(
  entries: AsyncIterable<readonly [K, V]> | Iterable<readonly [K, V]>,
): Promise<Record<string, V> | Map<K, V>> {
  const pairs: (readonly [K, V])[] = [];
  for await (const e of entries) pairs.push(e);
  if (pairs.every(([k]) => typeof k === 'string')) {
    const out: Record<string, V> = {};
    for (const [k, v] of pairs) out[k as string] = v;
    return out;
  }
  return new Map(pairs);
}

/**
 * What `client.sql()` and `cache.scan()` return: a Promise of the cursor (the statement has run and
 * its first page arrived when it resolves; errors reject it) that is also async-iterable itself, so
 * both `await client.sql(ddl)` and `for await (const row of client.sql(query))` work.
 */
export class CursorPromise<C extends Cursor<R>, R> extends Promise<C> implements AsyncIterable<R> {
  /** Derived promises (`then`, `catch`) are plain Promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** Iterates the cursor once it is open; `break` closes it. */
  [Symbol.asyncIterator](): AsyncIterator<R, undefined> {
    let cursor: C | undefined;
    return {
      next: async () => {
        cursor ??= await this;
        return cursor.next();
      },
      return: async () => {
        const c = cursor ?? (await this.then(undefined, () => undefined));
        if (c) await c.close();
        return DONE;
      },
    };
  }
}

/** Wraps the Promise of a cursor into a CursorPromise. */
export function cursorPromise<C extends Cursor<R>, R>(p: Promise<C>): CursorPromise<C, R> {
  return new CursorPromise<C, R>((resolve, reject) => {
    p.then(resolve, reject);
  });
}
