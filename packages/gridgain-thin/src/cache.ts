/**
 * `Cache`: pygridgain's Cache — key-value operations (ops 1000–1020) and cache administration
 * (1055 configuration, 1056 destroy). Each method validates, prepares complex values (type
 * registration), then hands one request to the client's funnel.
 */
import {
  type BinaryReader,
  type BinaryWriter,
  cacheIdOf,
  isTypeHint,
  prepareValue,
  readValue,
  resolveValue,
  type TypeHint,
  writeValue,
} from './binary/index.js';
import { type CacheSettings, type ExpiryPolicy, normaliseExpiry, readSettings } from './cache-config.js';
import type { Client } from './client.js';
import type { Connection, RequestOptions } from './connection.js';
import { ParameterError, ParseError } from './errors.js';
import { CacheFlag, Op } from './protocol/constants.js';

/** Cache peek modes for `getSize` (Java CachePeekMode ordinals). */
export const PeekModes = { ALL: 0, NEAR: 1, PRIMARY: 2, BACKUP: 3, ONHEAP: 4, OFFHEAP: 5 } as const;

export interface KeyOptions extends RequestOptions {
  /** Ignite type to write the key as, e.g. `CharObject`. */
  keyHint?: TypeHint;
}

export interface ValueOptions extends RequestOptions {
  /** Ignite type to write the value as, e.g. `ShortObject`. */
  valueHint?: TypeHint;
}

export interface KeyValueOptions extends KeyOptions, ValueOptions {}

/** A key, or the 2-tuple `[key, hint]` form of the seed. */
export type HintedKey = unknown;

function isHinted(v: unknown): v is [unknown, TypeHint] {
  return Array.isArray(v) && v.length === 2 && isTypeHint(v[1]);
}

/** Splits the seed's `(element, hint)` tuple form. */
function split(v: unknown, hint: TypeHint | undefined): [unknown, TypeHint | undefined] {
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

export class Cache {
  readonly name: string;
  /** Java String.hashCode of the name: the id sent in every request. */
  readonly cacheId: number;
  readonly client: Client;
  readonly #flags: number;
  readonly #expiry: Required<ExpiryPolicy> | undefined;

  constructor(client: Client, name: string, expiry?: Required<ExpiryPolicy>) {
    this.client = client;
    this.name = name;
    this.cacheId = cacheIdOf(name);
    this.#expiry = expiry;
    this.#flags = expiry ? CacheFlag.WITH_EXPIRY_POLICY : 0;
  }

  /**
   * A view of this cache whose operations carry an expiry policy (protocol ≥ 1.6): durations in ms
   * for entries created, updated and accessed through it; -1 eternal, -2 unchanged (the default).
   */
  withExpiryPolicy(policy: ExpiryPolicy): Cache {
    return new Cache(this.client, this.name, normaliseExpiry(policy, 'expiry policy'));
  }

  /** The expiry policy of this view, if any. */
  get expiryPolicy(): ExpiryPolicy | undefined {
    return this.#expiry ? { ...this.#expiry } : undefined;
  }

  toString(): string {
    return `Cache(${this.name})`;
  }

  // ----- plumbing -----

  #header(w: BinaryWriter): void {
    w.writeInt32(this.cacheId);
    w.writeInt8(this.#flags);
    const e = this.#expiry;
    if (e) {
      w.writeInt64(e.create);
      w.writeInt64(e.update);
      w.writeInt64(e.access);
    }
  }

  #send<T>(
    op: number,
    body: ((w: BinaryWriter, conn: Connection) => void) | undefined,
    read: ((r: BinaryReader) => T | Promise<T>) | undefined,
    opts: RequestOptions | undefined,
    prep: Promise<unknown> | undefined,
  ): Promise<T> {
    const write = (w: BinaryWriter, conn: Connection) => {
      this.#header(w);
      if (body) body(w, conn);
    };
    const needs = this.#expiry ? 'EXPIRY_POLICY' : undefined;
    if (prep) return prep.then(() => this.client._request(op, write, read, opts, needs));
    return this.client._request(op, write, read, opts, needs);
  }

  #readValue = (r: BinaryReader): unknown =>
    resolveValue(readValue(r, this.client.binary), this.client.binary);

  #prep2(
    a: unknown,
    ah: TypeHint | undefined,
    b: unknown,
    bh: TypeHint | undefined,
  ): Promise<unknown> | undefined {
    const ctx = this.client.binary;
    const p1 = prepareValue(a, ah, ctx);
    const p2 = prepareValue(b, bh, ctx);
    if (p1 && p2) return Promise.all([p1, p2]);
    return p1 ?? p2;
  }

  #prepList(items: unknown[]): Promise<unknown> | undefined {
    const ctx = this.client.binary;
    let all: Array<Promise<void>> | undefined;
    for (const item of items) {
      const [v, h] = split(item, undefined);
      const p = prepareValue(v, h, ctx);
      if (p) {
        all ??= [];
        all.push(p);
      }
    }
    return all ? Promise.all(all) : undefined;
  }

  #keyOp<T>(
    op: number,
    key: unknown,
    opts: KeyOptions | undefined,
    read: ((r: BinaryReader) => T | Promise<T>) | undefined,
  ): Promise<T> {
    const keyHint = opts?.keyHint;
    try {
      checkHint(keyHint, 'keyHint');
      if (key === undefined) throw new ParameterError('key must not be undefined');
    } catch (err) {
      return Promise.reject(err);
    }
    let k: unknown = key;
    let kh = keyHint;
    if (kh === undefined && Array.isArray(key) && isHinted(key)) [k, kh] = key;
    const ctx = this.client.binary;
    return this.#send(op, (w) => writeValue(w, k, kh, ctx), read, opts, prepareValue(k, kh, ctx));
  }

  #kvOp<T>(
    op: number,
    key: unknown,
    value: unknown,
    opts: KeyValueOptions | undefined,
    read: ((r: BinaryReader) => T | Promise<T>) | undefined,
  ): Promise<T> {
    try {
      checkHint(opts?.keyHint, 'keyHint');
      checkHint(opts?.valueHint, 'valueHint');
      if (key === undefined) throw new ParameterError('key must not be undefined');
      if (value === undefined)
        throw new ParameterError('value must not be undefined (use null to store Null)');
    } catch (err) {
      return Promise.reject(err);
    }
    let k: unknown = key;
    let kh = opts?.keyHint;
    if (kh === undefined && Array.isArray(key) && isHinted(key)) [k, kh] = key;
    let v: unknown = value;
    let vh = opts?.valueHint;
    if (vh === undefined && Array.isArray(value) && isHinted(value)) [v, vh] = value;
    const ctx = this.client.binary;
    return this.#send(
      op,
      (w) => {
        writeValue(w, k, kh, ctx);
        writeValue(w, v, vh, ctx);
      },
      read,
      opts,
      this.#prep2(k, kh, v, vh),
    );
  }

  #keysOp<T>(
    op: number,
    keys: unknown,
    opts: RequestOptions | undefined,
    read: ((r: BinaryReader) => T | Promise<T>) | undefined,
  ): Promise<T> {
    let list: unknown[];
    try {
      list = toList(keys, 'keys');
    } catch (err) {
      return Promise.reject(err);
    }
    const ctx = this.client.binary;
    return this.#send(
      op,
      (w) => {
        w.writeInt32(list.length);
        for (const item of list) {
          const [k, h] = split(item, undefined);
          writeValue(w, k, h, ctx);
        }
      },
      read,
      opts,
      this.#prepList(list),
    );
  }

  // ----- key-value API -----

  /** The value of `key`, or null when absent. */
  get(key: unknown, options?: KeyOptions): Promise<unknown> {
    return this.#keyOp(Op.CACHE_GET, key, options, this.#readValue);
  }

  /** Stores `value` under `key`. */
  put(key: unknown, value: unknown, options?: KeyValueOptions): Promise<void> {
    return this.#kvOp(Op.CACHE_PUT, key, value, options, undefined);
  }

  /**
   * Values of the keys that exist. Returns a plain object `{ 'my key': 42 }` when every requested
   * key is a string (as the seed prints it), otherwise a `Map` keyed by the decoded keys.
   */
  getAll(keys: readonly string[], options?: RequestOptions): Promise<Record<string, unknown>>;
  getAll(
    keys: Iterable<unknown>,
    options?: RequestOptions,
  ): Promise<Map<unknown, unknown> | Record<string, unknown>>;
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
    const ctx = this.client.binary;
    return this.#keysOp(Op.CACHE_GET_ALL, list, options, (r) => {
      const n = r.readInt32();
      if (n < 0 || n > r.remaining) throw new ParseError(`bad entry count ${n} in GET_ALL response`);
      const pairs: unknown[] = new Array(n * 2);
      for (let i = 0; i < n * 2; i++) pairs[i] = resolveValue(readValue(r, ctx), ctx);
      const build = (flat: unknown[]) => {
        if (asObject) {
          const out: Record<string, unknown> = {};
          for (let i = 0; i < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
          return out;
        }
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < flat.length; i += 2) out.set(flat[i], flat[i + 1]);
        return out;
      };
      return pairs.some((p) => p instanceof Promise) ? Promise.all(pairs).then(build) : build(pairs);
    });
  }

  /**
   * Stores many entries at once: a plain object, a Map, or an array of `[key, value]` pairs. Keys
   * and values may use the `[element, hint]` form (in a Map or pair list).
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
    const flat: unknown[] = [];
    for (const [k, v] of list) flat.push(k, v);
    const ctx = this.client.binary;
    return this.#send(
      Op.CACHE_PUT_ALL,
      (w) => {
        w.writeInt32(list.length);
        for (const item of flat) {
          const [x, h] = split(item, undefined);
          writeValue(w, x, h, ctx);
        }
      },
      undefined,
      options,
      this.#prepList(flat),
    );
  }

  /** Replaces the value only if the key exists; true when replaced. */
  replace(key: unknown, value: unknown, options?: KeyValueOptions): Promise<boolean> {
    return this.#kvOp(Op.CACHE_REPLACE, key, value, options, readBool);
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
    const [k, kh] = split(key, options?.keyHint);
    const [s, sh] = split(sample, options?.sampleHint ?? options?.valueHint);
    const [v, vh] = split(value, options?.valueHint);
    const ctx = this.client.binary;
    const p1 = this.#prep2(k, kh, s, sh);
    const p2 = prepareValue(v, vh, ctx);
    return this.#send(
      Op.CACHE_REPLACE_IF_EQUALS,
      (w) => {
        writeValue(w, k, kh, ctx);
        writeValue(w, s, sh, ctx);
        writeValue(w, v, vh, ctx);
      },
      readBool,
      options,
      p1 && p2 ? Promise.all([p1, p2]) : (p1 ?? p2),
    );
  }

  /** Removes the key; true when it existed. */
  removeKey(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.#keyOp(Op.CACHE_REMOVE_KEY, key, options, readBool);
  }

  /** Alias of `removeKey`. */
  remove(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.removeKey(key, options);
  }

  /** Removes the keys (each may be `[key, hint]`). */
  removeKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<void> {
    return this.#keysOp(Op.CACHE_REMOVE_KEYS, keys, options, undefined);
  }

  /** Removes the key only if its value equals `sample`; true when removed. */
  removeIfEquals(
    key: unknown,
    sample: unknown,
    options?: KeyOptions & { sampleHint?: TypeHint },
  ): Promise<boolean> {
    return this.#kvOp(
      Op.CACHE_REMOVE_IF_EQUALS,
      key,
      sample,
      { ...options, valueHint: options?.sampleHint },
      readBool,
    );
  }

  /** Removes every entry (notifying listeners, unlike `clear`). */
  removeAll(options?: RequestOptions): Promise<void> {
    return this.#send(Op.CACHE_REMOVE_ALL, undefined, undefined, options, undefined);
  }

  /** Clears the cache without notifying listeners or cache stores. */
  clear(options?: RequestOptions): Promise<void> {
    return this.#send(Op.CACHE_CLEAR, undefined, undefined, options, undefined);
  }

  /** Clears one key. */
  clearKey(key: unknown, options?: KeyOptions): Promise<void> {
    return this.#keyOp(Op.CACHE_CLEAR_KEY, key, options, undefined);
  }

  /** Clears the keys (each may be `[key, hint]`). */
  clearKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<void> {
    return this.#keysOp(Op.CACHE_CLEAR_KEYS, keys, options, undefined);
  }

  /** True when the key exists. */
  containsKey(key: unknown, options?: KeyOptions): Promise<boolean> {
    return this.#keyOp(Op.CACHE_CONTAINS_KEY, key, options, readBool);
  }

  /** True when every key exists. */
  containsKeys(keys: Iterable<unknown>, options?: RequestOptions): Promise<boolean> {
    return this.#keysOp(Op.CACHE_CONTAINS_KEYS, keys, options, readBool);
  }

  /** Stores the value and returns the previous one (null when none). */
  getAndPut(key: unknown, value: unknown, options?: KeyValueOptions): Promise<unknown> {
    return this.#kvOp(Op.CACHE_GET_AND_PUT, key, value, options, this.#readValue);
  }

  /** Removes the key and returns its value (null when none). */
  getAndRemove(key: unknown, options?: KeyOptions): Promise<unknown> {
    return this.#keyOp(Op.CACHE_GET_AND_REMOVE, key, options, this.#readValue);
  }

  /** Replaces the value if the key exists and returns the previous one (null when none). */
  getAndReplace(key: unknown, value: unknown, options?: KeyValueOptions): Promise<unknown> {
    return this.#kvOp(Op.CACHE_GET_AND_REPLACE, key, value, options, this.#readValue);
  }

  /** Stores the value only if the key is absent; true when stored. */
  putIfAbsent(key: unknown, value: unknown, options?: KeyValueOptions): Promise<boolean> {
    return this.#kvOp(Op.CACHE_PUT_IF_ABSENT, key, value, options, readBool);
  }

  /** Stores the value only if the key is absent; returns the existing value (null when it stored). */
  getAndPutIfAbsent(key: unknown, value: unknown, options?: KeyValueOptions): Promise<unknown> {
    return this.#kvOp(Op.CACHE_GET_AND_PUT_IF_ABSENT, key, value, options, this.#readValue);
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
    return this.#send(
      Op.CACHE_GET_SIZE,
      (w) => {
        w.writeInt32(modes.length);
        for (const m of modes) w.writeInt8(m);
      },
      (r) => Number(r.readInt64()),
      options,
      undefined,
    );
  }

  // ----- administration -----

  /** The cache configuration as the server reports it, keyed by PROP_* codes. */
  settings(options?: RequestOptions): Promise<CacheSettings> {
    let version: Connection['version'] = [1, 0, 0];
    return this.#send(
      Op.CACHE_GET_CONFIGURATION,
      (_w, conn) => {
        version = conn.version;
      },
      (r) => readSettings(r, version, this.client.binary),
      options,
      undefined,
    );
  }

  /** Destroys the cache in the cluster. */
  destroy(options?: RequestOptions): Promise<void> {
    return this.client._request(Op.CACHE_DESTROY, (w) => w.writeInt32(this.cacheId), undefined, options);
  }
}

function readBool(r: BinaryReader): boolean {
  return r.readBool();
}
