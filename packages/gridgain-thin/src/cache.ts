/**
 * `Cache`: pygridgain's Cache — key-value operations, scan and SQL bound to the cache, and cache
 * administration. Each method validates its arguments, splits the seed's `[value, hint]` tuples,
 * registers complex types (prepare), builds one operation definition (`ops/cache-ops.ts`) and hands
 * it to the client's funnel (`Client._execute`).
 */

import type { ProgressCallback } from '@dbwire/core';
import { cacheIdOf, isTypeHint, prepareValue, type TypeHint } from './binary/index.js';
import {
  type CacheSettings,
  type ExpiryPolicy,
  normaliseExpiry,
  PROP_QUERY_ENTITIES,
} from './cache-config.js';
import type { Client } from './client.js';
import type { RequestOptions } from './connection.js';
import { type CursorPromise, cursorPromise, ScanCursor, type SqlFieldsCursor } from './cursor.js';
import { ParameterError } from './errors.js';
import {
  destroyOp,
  getAllOp,
  getConfigurationOp,
  getSizeOp,
  keyOp,
  keysOp,
  keyValueOp,
  putAllOp,
  readBool,
  readResolved,
  type Typed,
  wholeCacheOp,
} from './ops/cache-ops.js';
import type { CacheTarget, Operation } from './ops/operation.js';
import {
  type FirstPage,
  type Page,
  type ScanRequest,
  scanOp,
  scanPageOp,
  sqlQueryOp,
  sqlQueryPageOp,
} from './ops/query-ops.js';
import { Op } from './protocol/constants.js';
import { type SqlOptions, sqlRequest } from './sql.js';

/** Cache peek modes for `getSize` (Java CachePeekMode ordinals). */
export const PeekModes = { ALL: 0, NEAR: 1, PRIMARY: 2, BACKUP: 3, ONHEAP: 4, OFFHEAP: 5 } as const;

/** Options of an operation on one key: the key type hint, plus timeout and signal. */
export interface KeyOptions extends RequestOptions {
  /** Ignite type to write the key as, e.g. `CharObject`. */
  keyHint?: TypeHint;
}

/** Options of an operation writing one value: the value type hint, plus timeout and signal. */
export interface ValueOptions extends RequestOptions {
  /** Ignite type to write the value as, e.g. `ShortObject`. */
  valueHint?: TypeHint;
}

/** Options of an operation on a key and a value: both type hints, plus timeout and signal. */
export interface KeyValueOptions extends KeyOptions, ValueOptions {}

/** A key, or the 2-tuple `[key, hint]` form of the seed. */
export type HintedKey = unknown;

function isHinted(v: unknown): v is [unknown, TypeHint] {
  return Array.isArray(v) && v.length === 2 && isTypeHint(v[1]);
}

/** Splits the seed's `(element, hint)` tuple form. */
function split(v: unknown, hint: TypeHint | undefined): Typed {
  if (hint === undefined && isHinted(v)) return [v[0], v[1]];
  return [v, hint];
}

function checkHint(h: unknown, what: string): void {
  if (h !== undefined && !isTypeHint(h)) {
    throw new ParameterError(`${what} must be a type hint such as ShortObject, got ${typeof h}`);
  }
}

function toList(keys: unknown, what: string): unknown[] {
  if (Array.isArray(keys)) return keys;
  if (keys instanceof Set) return [...keys];
  if (keys !== null && typeof keys === 'object' && Symbol.iterator in keys)
    return [...(keys as Iterable<unknown>)];
  throw new ParameterError(`${what} must be an array (or iterable) of keys`);
}

/** pygridgain's Cache: the key-value, scan and SQL operations of one cache (`client.getCache()` / `createCache()` / `getOrCreateCache()`). */
export class Cache {
  /** The cache name. */
  readonly name: string;
  /** Java String.hashCode of the name: the id sent in every request. */
  readonly cacheId: number;
  /** The client this cache belongs to. */
  readonly client: Client;
  readonly #target: CacheTarget;

  /** A handle on cache `name` of `client` (no I/O); usually from `client.getCache()`. */
  constructor(client: Client, name: string, expiry?: Required<ExpiryPolicy>) {
    this.client = client;
    this.name = name;
    this.cacheId = cacheIdOf(name);
    this.#target = { cacheId: this.cacheId, expiry };
  }

  /**
   * A view of this cache whose operations carry an expiry policy (protocol ≥ 1.6): durations in ms
   * for entries created, updated and accessed through it; -1 eternal, -2 unchanged (the default).
   * pygridgain's `with_expire_policy`.
   */
  withExpirePolicy(policy: ExpiryPolicy): Cache {
    return new Cache(this.client, this.name, normaliseExpiry(policy, 'expiry policy'));
  }

  /** @deprecated Use {@link Cache.withExpirePolicy}, the seed's name. */
  withExpiryPolicy(policy: ExpiryPolicy): Cache {
    return this.withExpirePolicy(policy);
  }

  /** The expiry policy of this view, if any. */
  get expiryPolicy(): ExpiryPolicy | undefined {
    const e = this.#target.expiry;
    return e ? { ...e } : undefined;
  }

  /** A readable description. */
  toString(): string {
    return `Cache(${this.name})`;
  }

  // ----- plumbing: validate, register types, hand the definition to the funnel -----

  #run<T>(op: Operation<T>, opts: RequestOptions | undefined, prep?: Promise<unknown>): Promise<T> {
    if (prep) return prep.then(() => this.client._execute(op, opts));
    return this.client._execute(op, opts);
  }

  #prep(items: readonly Typed[]): Promise<unknown> | undefined {
    const ctx = this.client.binary;
    let all: Array<Promise<void>> | undefined;
    for (const [v, h] of items) {
      const p = prepareValue(v, h, ctx);
      if (p) {
        all ??= [];
        all.push(p);
      }
    }
    if (all === undefined) return undefined;
    return all.length === 1 ? all[0] : Promise.all(all);
  }

  #keyOp<T>(
    name: string,
    code: number,
    key: unknown,
    opts: KeyOptions | undefined,
    decode: Operation<T>['decode'],
    transactional = true,
  ): Promise<T> {
    let k: Typed;
    try {
      checkHint(opts?.keyHint, 'keyHint');
      if (key === undefined) throw new ParameterError('key must not be undefined');
      k = split(key, opts?.keyHint);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#run(keyOp(name, code, this.#target, k, decode, transactional), opts, this.#prep([k]));
  }

  #kvOp<T>(
    name: string,
    code: number,
    key: unknown,
    value: unknown,
    opts: KeyValueOptions | undefined,
    decode: Operation<T>['decode'],
  ): Promise<T> {
    let k: Typed;
    let v: Typed;
    try {
      checkHint(opts?.keyHint, 'keyHint');
      checkHint(opts?.valueHint, 'valueHint');
      if (key === undefined) throw new ParameterError('key must not be undefined');
      if (value === undefined)
        throw new ParameterError('value must not be undefined (use null to store Null)');
      k = split(key, opts?.keyHint);
      v = split(value, opts?.valueHint);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#run(keyValueOp(name, code, this.#target, k, [v], decode), opts, this.#prep([k, v]));
  }

  #keysOp<T>(
    name: string,
    code: number,
    keys: unknown,
    opts: RequestOptions | undefined,
    decode: Operation<T>['decode'],
    transactional = true,
  ): Promise<T> {
    let list: Typed[];
    try {
      list = toList(keys, 'keys').map((item) => split(item, undefined));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#run(keysOp(name, code, this.#target, list, decode, transactional), opts, this.#prep(list));
  }

  // ----- key-value API -----

  /** The value of `key`, or null when absent. `V` is the type the caller expects back. */
  get<V = unknown>(key: unknown, options?: KeyOptions): Promise<V | null> {
    return this.#keyOp(
      'cache.get',
      Op.CACHE_GET,
      key,
      options,
      readResolved as Operation<V | null>['decode'],
    );
  }

  /** Stores `value` under `key`. */
  put(key: unknown, value: unknown, options?: KeyValueOptions): Promise<void> {
    return this.#kvOp('cache.put', Op.CACHE_PUT, key, value, options, undefined);
  }

  /**
   * Values of the keys that exist (pygridgain's `get_all`). Returns a plain object
   * `{ 'my key': 42 }` when every requested key is a string (as the seed prints it), otherwise a
   * `Map` keyed by the decoded keys.
   */
  getAll<V = unknown>(keys: readonly string[], options?: RequestOptions): Promise<Record<string, V>>;
  getAll<K = unknown, V = unknown>(
    keys: Iterable<K>,
    options?: RequestOptions,
  ): Promise<Map<K, V> | Record<string, V>>;
  getAll(
    keys: Iterable<unknown>,
    options?: RequestOptions,
  ): Promise<Map<unknown, unknown> | Record<string, unknown>> {
    let list: unknown[];
    try {
      list = toList(keys, 'keys');
    } catch (err) {
      return Promise.reject(err);
    }
    const asObject = list.every((k) => typeof k === 'string');
    const typed = list.map((item) => split(item, undefined));
    return this.#run(getAllOp(this.#target, typed, asObject), options, this.#prep(typed));
  }

  /**
   * Stores many entries at once (pygridgain's `put_all`): a plain object, a Map, or an array of
   * `[key, value]` pairs. Keys and values may use the `[element, hint]` form (in a Map or pair list).
   */
  putAll(
    entries: Record<string, unknown> | Map<unknown, unknown> | ReadonlyArray<readonly [unknown, unknown]>,
    options?: RequestOptions,
  ): Promise<void> {
    let list: Array<readonly [unknown, unknown]>;
    if (entries instanceof Map) list = [...entries.entries()];
    else if (Array.isArray(entries)) {
      list = entries as Array<readonly [unknown, unknown]>;
      for (const e of list) {
        if (!Array.isArray(e) || e.length !== 2) {
          return Promise.reject(new ParameterError('putAll pairs must be [key, value] arrays'));
        }
      }
    } else if (entries !== null && typeof entries === 'object') list = Object.entries(entries);
    else
      return Promise.reject(new ParameterError('putAll needs an object, a Map or an array of [key, value]'));
    const typed = list.map(([k, v]) => [split(k, undefined), split(v, undefined)] as const);
    return this.#run(putAllOp(this.#target, typed), options, this.#prep(typed.flat()));
  }

  /** Replaces the value only if the key exists; true when replaced. */
  replace(key: unknown, value: unknown, options?: KeyValueOptions): Promise<boolean> {
    return this.#kvOp('cache.replace', Op.CACHE_REPLACE, key, value, options, readBool);
  }

  /** Replaces the value only if it currently equals `sample`; true when replaced. */
  replaceIfEquals(
    key: unknown,
    sample: unknown,
    value: unknown,
    options?: KeyValueOptions & { sampleHint?: TypeHint },
  ): Promise<boolean> {
    if (key === undefined || sample === undefined || value === undefined) {
      return Promise.reject(new ParameterError('replaceIfEquals needs a key, a sample and a value'));
    }
    const k = split(key, options?.keyHint);
    const s = split(sample, options?.sampleHint ?? options?.valueHint);
    const v = split(value, options?.valueHint);
    const op = keyValueOp(
      'cache.replaceIfEquals',
      Op.CACHE_REPLACE_IF_EQUALS,
      this.#target,
      k,
      [s, v],
      readBool,
    );
    return this.#run(op, options, this.#prep([k, s, v]));
  }

  /** Removes the key; true when it existed. */
  removeKey(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.#keyOp('cache.removeKey', Op.CACHE_REMOVE_KEY, key, options, readBool);
  }

  /** Alias of `removeKey`. */
  remove(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.removeKey(key, options);
  }

  /** Removes the keys (each may be `[key, hint]`). */
  removeKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<void> {
    return this.#keysOp('cache.removeKeys', Op.CACHE_REMOVE_KEYS, keys, options, undefined);
  }

  /** Removes the key only if its value equals `sample`; true when removed. */
  removeIfEquals(
    key: unknown,
    sample: unknown,
    options?: KeyOptions & { sampleHint?: TypeHint },
  ): Promise<boolean> {
    return this.#kvOp(
      'cache.removeIfEquals',
      Op.CACHE_REMOVE_IF_EQUALS,
      key,
      sample,
      { ...options, valueHint: options?.sampleHint },
      readBool,
    );
  }

  /** Removes every entry (notifying listeners, unlike `clear`). */
  removeAll(options?: RequestOptions): Promise<void> {
    return this.#run(wholeCacheOp('cache.removeAll', Op.CACHE_REMOVE_ALL, this.#target, true), options);
  }

  /**
   * Clears the cache without notifying listeners or cache stores; with `keys`, clears only those keys
   * (pygridgain's `clear(keys=None)`). Not transactional.
   */
  clear(options?: RequestOptions): Promise<void>;
  clear(keys: Iterable<unknown>, options?: RequestOptions): Promise<void>;
  clear(keysOrOptions?: Iterable<unknown> | RequestOptions, options?: RequestOptions): Promise<void> {
    if (isKeyList(keysOrOptions)) return this.clearKeys(keysOrOptions, options);
    return this.#run(
      wholeCacheOp('cache.clear', Op.CACHE_CLEAR, this.#target, false),
      keysOrOptions as RequestOptions | undefined,
    );
  }

  /** Clears one key. */
  clearKey(key: unknown, options?: KeyOptions): Promise<void> {
    return this.#keyOp('cache.clearKey', Op.CACHE_CLEAR_KEY, key, options, undefined, false);
  }

  /** Clears the keys (each may be `[key, hint]`). */
  clearKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<void> {
    return this.#keysOp('cache.clearKeys', Op.CACHE_CLEAR_KEYS, keys, options, undefined, false);
  }

  /** True when the key exists. */
  containsKey(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.#keyOp('cache.containsKey', Op.CACHE_CONTAINS_KEY, key, options, readBool);
  }

  /** True when every key exists. */
  containsKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<boolean> {
    return this.#keysOp('cache.containsKeys', Op.CACHE_CONTAINS_KEYS, keys, options, readBool);
  }

  /** Stores the value and returns the previous one (null when none). */
  getAndPut<V = unknown>(key: unknown, value: unknown, options?: KeyValueOptions): Promise<V | null> {
    return this.#kvOp('cache.getAndPut', Op.CACHE_GET_AND_PUT, key, value, options, readAs<V>());
  }

  /** Removes the key and returns its value (null when none). */
  getAndRemove<V = unknown>(key: unknown, options?: KeyOptions): Promise<V | null> {
    return this.#keyOp('cache.getAndRemove', Op.CACHE_GET_AND_REMOVE, key, options, readAs<V>());
  }

  /** Replaces the value if the key exists and returns the previous one (null when none). */
  getAndReplace<V = unknown>(key: unknown, value: unknown, options?: KeyValueOptions): Promise<V | null> {
    return this.#kvOp('cache.getAndReplace', Op.CACHE_GET_AND_REPLACE, key, value, options, readAs<V>());
  }

  /** Stores the value only if the key is absent; true when stored. */
  putIfAbsent(key: unknown, value: unknown, options?: KeyValueOptions): Promise<boolean> {
    return this.#kvOp('cache.putIfAbsent', Op.CACHE_PUT_IF_ABSENT, key, value, options, readBool);
  }

  /** Stores the value only if the key is absent; returns the existing value (null when it stored). */
  getAndPutIfAbsent<V = unknown>(key: unknown, value: unknown, options?: KeyValueOptions): Promise<V | null> {
    return this.#kvOp(
      'cache.getAndPutIfAbsent',
      Op.CACHE_GET_AND_PUT_IF_ABSENT,
      key,
      value,
      options,
      readAs<V>(),
    );
  }

  /**
   * Number of entries. `peekModes` are PeekModes values (default: all primary entries); a number
   * or an array of them.
   */
  getSize(peekModes?: number | readonly number[], options?: RequestOptions): Promise<number> {
    const modes = peekModes === undefined ? [] : Array.isArray(peekModes) ? peekModes : [peekModes];
    for (const m of modes) {
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m > 5) {
        return Promise.reject(new ParameterError(`peek mode must be one of PeekModes, got ${String(m)}`));
      }
    }
    return this.#run(getSizeOp(this.#target, modes), options);
  }

  // ----- queries -----

  /**
   * All entries, page by page (pygridgain's `scan()`, op 2000): `[key, value]` pairs. The promise
   * resolves once the first page arrived; it is also iterable directly. `break` frees the server
   * cursor. `partitions` is one partition number (pygridgain's name), -1 (default) for all.
   *
   * ```ts
   * for await (const [k, v] of cache.scan()) console.log(k, v);
   * console.log(await dict(cache.scan()));
   * ```
   */
  scan<K = unknown, V = unknown>(options?: ScanOptions): CursorPromise<ScanCursor<K, V>, [K, V]> {
    return cursorPromise(this.#scan<K, V>(options));
  }

  async #scan<K, V>(o: ScanOptions | undefined): Promise<ScanCursor<K, V>> {
    const req = scanRequest(o);
    const [first, run] = await this.client._executePinned(scanOp(this.#target, req), o);
    return new ScanCursor<K, V>(
      run,
      first as FirstPage<[K, V]>,
      (id) => scanPageOp(id) as Operation<Page<[K, V]>>,
      o?.onProgress,
    );
  }

  /**
   * SQL in this cache's schema: `client.sql(query, { ...options, cache: this })`.
   */
  sql(query: string, options?: SqlOptions): CursorPromise<SqlFieldsCursor, unknown[]> {
    return this.client.sql(query, { ...options, cache: this });
  }

  /**
   * A SQL query over this cache's value type (pygridgain's `select_row`, op 2002): yields the
   * matching `[key, value]` entries. `query` is the WHERE part or a full `SELECT`; the type is the
   * value type of the cache's first query entity unless `typeName` is given.
   */
  selectRow<K = unknown, V = unknown>(
    query: string,
    options?: SelectRowOptions,
  ): CursorPromise<ScanCursor<K, V>, [K, V]> {
    return cursorPromise(this.#selectRow<K, V>(query, options));
  }

  async #selectRow<K, V>(query: string, o: SelectRowOptions | undefined): Promise<ScanCursor<K, V>> {
    if (typeof query !== 'string' || query.trim().length === 0) {
      throw new ParameterError('selectRow needs a non-empty query string');
    }
    const base = sqlRequest(query, { ...o, maxRows: undefined, statementType: undefined }, this.cacheId);
    let typeName = o?.typeName;
    if (typeName === undefined) {
      const entities = (await this.settings({ signal: o?.signal }))[PROP_QUERY_ENTITIES] as
        | { valueTypeName: string }[]
        | undefined;
      typeName = entities?.[0]?.valueTypeName;
      if (!typeName) {
        throw new ParameterError(`selectRow: cache ${this.name} has no query entity; pass typeName`);
      }
    }
    const prep = this.client._prepArgs(base.args);
    if (prep) await prep;
    const op = sqlQueryOp(this.#target, {
      typeName,
      query,
      args: base.args,
      distributedJoins: base.distributedJoins,
      local: base.local,
      replicatedOnly: base.replicatedOnly,
      pageSize: base.pageSize,
      timeoutMs: base.timeoutMs,
    });
    const [first, run] = await this.client._executePinned(op, o);
    return new ScanCursor<K, V>(
      run,
      first as FirstPage<[K, V]>,
      (id) => sqlQueryPageOp(id) as Operation<Page<[K, V]>>,
      o?.onProgress,
    );
  }

  // ----- administration -----

  /** The cache configuration as the server reports it, keyed by PROP_* codes. */
  settings(options?: RequestOptions): Promise<CacheSettings> {
    return this.#run(getConfigurationOp(this.#target), options);
  }

  /** Destroys the cache in the cluster. */
  destroy(options?: RequestOptions): Promise<void> {
    return this.#run(destroyOp(this.cacheId), options);
  }
}

/** Options of `cache.scan()` (pygridgain's `scan` keyword arguments). */
export interface ScanOptions {
  /** Entries per page. Default 1024 (pygridgain: 1, which costs a round trip per entry). */
  pageSize?: number;
  /** One partition number to scan, or -1 (default) for all (pygridgain's `partitions`). */
  partitions?: number;
  /** Scan only entries held by the connected node. Default false. */
  local?: boolean;
  /** Aborts the scan and any later page request. */
  signal?: AbortSignal;
  /** Progress of the drain: called as pages arrive. */
  onProgress?: ProgressCallback;
}

/** Options of `cache.selectRow()` (pygridgain's `select_row` keyword arguments). */
export interface SelectRowOptions
  extends Pick<
    SqlOptions,
    | 'queryArgs'
    | 'pageSize'
    | 'distributedJoins'
    | 'replicatedOnly'
    | 'local'
    | 'timeout'
    | 'signal'
    | 'onProgress'
  > {
  /** Value type to query; default: the value type of the cache's first query entity. */
  typeName?: string;
}

function scanRequest(o: ScanOptions | undefined): ScanRequest {
  if (o !== undefined && (typeof o !== 'object' || o === null))
    throw new ParameterError('scan options must be an object');
  const pageSize = o?.pageSize ?? 1024;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new ParameterError('pageSize must be a positive integer');
  const partition = o?.partitions ?? -1;
  if (!Number.isInteger(partition) || partition < -1 || partition > 65535) {
    throw new ParameterError('partitions must be a partition number or -1 (all)');
  }
  if (o?.local !== undefined && typeof o.local !== 'boolean')
    throw new ParameterError('local must be a boolean');
  return { pageSize, partition, local: o?.local ?? false };
}

/** The value decoder, typed as what the caller expects back. */
function readAs<V>(): Operation<V | null>['decode'] {
  return readResolved as Operation<V | null>['decode'];
}

/** True when `clear`'s first argument is a list of keys rather than request options. */
function isKeyList(v: unknown): v is Iterable<unknown> {
  return (
    Array.isArray(v) || v instanceof Set || (typeof v === 'object' && v !== null && Symbol.iterator in v)
  );
}
