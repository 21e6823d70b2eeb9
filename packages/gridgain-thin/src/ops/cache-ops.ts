/**
 * Key-value operations (ops 1000–1020) and cache administration (1050–1056) as pure definitions.
 * Every value arrives already split into `[value, hint]` and its types registered (`Cache` does both):
 * a definition only writes bytes and reads them back.
 */
import { type BinaryReader, readValue, resolveValue, type TypeHint, writeValue } from '../binary/index.js';
import { type CacheSettings, type NormalisedSettings, readSettings, writeSettings } from '../cache-config.js';
import { ParseError } from '../errors.js';
import { Op } from '../protocol/constants.js';
import {
  type CacheTarget,
  defineOp,
  type OpContext,
  type Operation,
  readBool,
  writeCacheHeader,
} from './operation.js';

/** A value and the hint to write it with (undefined: pygridgain's default for its JS type). */
export type Typed = readonly [value: unknown, hint: TypeHint | undefined];

/** Reads one value and resolves the complex objects in it. */
export function readResolved(r: BinaryReader, ctx: OpContext): unknown {
  return resolveValue(readValue(r, ctx.binary), ctx.binary);
}

function needsOf(target: CacheTarget): 'EXPIRY_POLICY' | undefined {
  return target.expiry ? 'EXPIRY_POLICY' : undefined;
}

/** An operation on one key (get, removeKey, containsKey, …): header, key. Routed by that key. */
export function keyOp<T>(
  name: string,
  code: number,
  target: CacheTarget,
  key: Typed,
  decode: Operation<T>['decode'],
  transactional = true,
): Operation<T> {
  return defineOp<T>(
    name,
    code,
    (w, ctx) => {
      writeCacheHeader(w, target, ctx);
      writeValue(w, key[0], key[1], ctx.binary);
    },
    decode,
    {
      key: { cacheId: target.cacheId, key: key[0], hint: key[1] },
      transactional,
      needs: needsOf(target),
    },
  );
}

/** An operation on one key and one or two values (put, replace, replaceIfEquals, …). */
export function keyValueOp<T>(
  name: string,
  code: number,
  target: CacheTarget,
  key: Typed,
  values: readonly Typed[],
  decode: Operation<T>['decode'],
): Operation<T> {
  return defineOp<T>(
    name,
    code,
    (w, ctx) => {
      writeCacheHeader(w, target, ctx);
      writeValue(w, key[0], key[1], ctx.binary);
      for (const [v, h] of values) writeValue(w, v, h, ctx.binary);
    },
    decode,
    {
      key: { cacheId: target.cacheId, key: key[0], hint: key[1] },
      transactional: true,
      needs: needsOf(target),
    },
  );
}

/** An operation on a list of keys (removeKeys, containsKeys, clearKeys, getAll): `int n | key × n`. */
export function keysOp<T>(
  name: string,
  code: number,
  target: CacheTarget,
  keys: readonly Typed[],
  decode: Operation<T>['decode'],
  transactional = true,
): Operation<T> {
  return defineOp<T>(
    name,
    code,
    (w, ctx) => {
      writeCacheHeader(w, target, ctx);
      w.writeInt32(keys.length);
      for (const [k, h] of keys) writeValue(w, k, h, ctx.binary);
    },
    decode,
    { transactional, needs: needsOf(target) },
  );
}

/** An operation on the whole cache with no payload (clear, removeAll). */
export function wholeCacheOp(
  name: string,
  code: number,
  target: CacheTarget,
  transactional: boolean,
): Operation<void> {
  return defineOp<void>(name, code, (w, ctx) => writeCacheHeader(w, target, ctx), undefined, {
    transactional,
    needs: needsOf(target),
  });
}

/**
 * GET_ALL (1003). The answer is `int n | (key, value) × n`; the result is a plain object when every
 * requested key is a string (as the seed prints it), otherwise a Map keyed by the decoded keys.
 */
export function getAllOp(
  target: CacheTarget,
  keys: readonly Typed[],
  asObject: boolean,
): Operation<Map<unknown, unknown> | Record<string, unknown>> {
  return keysOp('cache.getAll', Op.CACHE_GET_ALL, target, keys, (r, ctx) => {
    const n = r.readInt32();
    if (n < 0 || n > r.remaining) throw new ParseError(`bad entry count ${n} in GET_ALL response`);
    const pairs: unknown[] = new Array(n * 2);
    for (let i = 0; i < n * 2; i++) pairs[i] = readResolved(r, ctx);
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

/** PUT_ALL (1004): `int n | (key, value) × n`. */
export function putAllOp(
  target: CacheTarget,
  entries: readonly (readonly [Typed, Typed])[],
): Operation<void> {
  return defineOp<void>(
    'cache.putAll',
    Op.CACHE_PUT_ALL,
    (w, ctx) => {
      writeCacheHeader(w, target, ctx);
      w.writeInt32(entries.length);
      for (const [[k, kh], [v, vh]] of entries) {
        writeValue(w, k, kh, ctx.binary);
        writeValue(w, v, vh, ctx.binary);
      }
    },
    undefined,
    { transactional: true, needs: needsOf(target) },
  );
}

/** GET_SIZE (1020): `int n | byte peekMode × n` → long. Not transactional (Ignite counts committed data). */
export function getSizeOp(target: CacheTarget, peekModes: readonly number[]): Operation<number> {
  return defineOp(
    'cache.getSize',
    Op.CACHE_GET_SIZE,
    (w, ctx) => {
      writeCacheHeader(w, target, ctx);
      w.writeInt32(peekModes.length);
      for (const m of peekModes) w.writeInt8(m);
    },
    (r) => Number(r.readInt64()),
    { needs: needsOf(target) },
  );
}

/** GET_CONFIGURATION (1055): the cache's settings keyed by PROP_* codes. */
export function getConfigurationOp(target: CacheTarget): Operation<CacheSettings> {
  return defineOp(
    'cache.settings',
    Op.CACHE_GET_CONFIGURATION,
    (w, ctx) => writeCacheHeader(w, target, ctx),
    (r, ctx) => readSettings(r, ctx.version, ctx.binary),
    { needs: needsOf(target) },
  );
}

/** CACHE_DESTROY (1056): `int cacheId`. */
export function destroyOp(cacheId: number): Operation<void> {
  return defineOp<void>('cache.destroy', Op.CACHE_DESTROY, (w) => w.writeInt32(cacheId), undefined);
}

/** CACHE_GET_NAMES (1050) → `int n | String × n`. */
export function cacheNamesOp(): Operation<string[]> {
  return defineOp('client.getCacheNames', Op.CACHE_GET_NAMES, undefined, (r) => {
    const n = r.readInt32();
    if (n < 0 || n > r.remaining) throw new ParseError(`bad cache name count ${n}`);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(r.readUtf8String() ?? '');
    return out;
  });
}

/** Creates a cache by name (1051, or 1052 when it may exist). */
export function createByNameOp(name: string, orGet: boolean): Operation<void> {
  return defineOp<void>(
    orGet ? 'client.getOrCreateCache' : 'client.createCache',
    orGet ? Op.CACHE_GET_OR_CREATE_WITH_NAME : Op.CACHE_CREATE_WITH_NAME,
    (w) => w.writeUtf8String(name),
    undefined,
  );
}

/** Creates a cache from a configuration (1053, or 1054 when it may exist). */
export function createWithConfigOp(s: NormalisedSettings, orGet: boolean): Operation<void> {
  return defineOp<void>(
    orGet ? 'client.getOrCreateCache' : 'client.createCache',
    orGet ? Op.CACHE_GET_OR_CREATE_WITH_CONFIGURATION : Op.CACHE_CREATE_WITH_CONFIGURATION,
    (w, ctx) => writeSettings(w, s, ctx.version, ctx.binary),
    undefined,
    { needs: s.props.some(([code]) => code === 407) ? 'EXPIRY_POLICY' : undefined },
  );
}

export { readBool };
