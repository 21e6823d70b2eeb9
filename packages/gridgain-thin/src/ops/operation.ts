/**
 * What an operation is: a small pure definition (op code, how to encode its request, how to decode its
 * answer, which key it touches, whether it may join a transaction). The client's funnel (`Client`
 * `_execute`) is the one place that runs a definition on a connection, so plain calls, calls inside a
 * transaction and calls routed to a chosen node all share one path. Definitions never do I/O and can
 * be tested against bytes alone.
 */
import type { BinaryContext, BinaryReader, BinaryWriter, TypeHint } from '../binary/index.js';
import { CacheFlag, type ProtocolVersion, type VERSION_FEATURES } from '../protocol/constants.js';

/** What encode and decode may look at: the connection's protocol version, the transaction, the types. */
export interface OpContext {
  /** The protocol version negotiated on the connection the request goes out on. */
  readonly version: ProtocolVersion;
  /** The transaction id when the request runs inside a transaction (only for `transactional` ops). */
  readonly txId: number | undefined;
  /** The client's binary type registry (writing and resolving complex objects). */
  readonly binary: BinaryContext;
}

/**
 * The key an operation touches, so a router can pick the node that owns it: the cache id, the key as
 * the caller gave it and its type hint (the partition is the Java hash of the key as it is written).
 */
export interface OpKey {
  readonly cacheId: number;
  readonly key: unknown;
  readonly hint: TypeHint | undefined;
}

/** One thin-protocol operation, ready to send. `T` is what the caller gets back. */
export interface Operation<T> {
  /** Name in the seed's vocabulary for diagnostics, e.g. `cache.get`, `sql`, `tx.start`. */
  readonly name: string;
  /** Thin-protocol op code (see `Op`). */
  readonly code: number;
  /** Appends the payload after the standard request header; may throw (then nothing is sent). */
  readonly encode: ((w: BinaryWriter, ctx: OpContext) => void) | undefined;
  /** Decodes a success payload; undefined when the answer has none (the call resolves to undefined). */
  readonly decode: ((r: BinaryReader, ctx: OpContext) => T | Promise<T>) | undefined;
  /** The single key a key operation touches (undefined for multi-key, query and admin operations). */
  readonly key: OpKey | undefined;
  /** True when the operation may carry a transaction id (cache key-value operations). */
  readonly transactional: boolean;
  /** Protocol capability the operation needs; the funnel refuses it with a typed error otherwise. */
  readonly needs: keyof typeof VERSION_FEATURES | undefined;
}

/** Builds an operation with the defaults of an untransactional, unkeyed call. */
export function defineOp<T>(
  name: string,
  code: number,
  encode: Operation<T>['encode'],
  decode: Operation<T>['decode'],
  extra?: Partial<Pick<Operation<T>, 'key' | 'transactional' | 'needs'>>,
): Operation<T> {
  return {
    name,
    code,
    encode,
    decode,
    key: extra?.key,
    transactional: extra?.transactional ?? false,
    needs: extra?.needs,
  };
}

/** An expiry policy in ms, as it goes on the wire (-1 eternal, -2 unchanged). */
export interface WireExpiry {
  readonly create: number;
  readonly update: number;
  readonly access: number;
}

/** Which cache a cache operation addresses, with the options carried in its header. */
export interface CacheTarget {
  readonly cacheId: number;
  /** Expiry policy of a `withExpiryPolicy` view (protocol ≥ 1.6). */
  readonly expiry: WireExpiry | undefined;
}

/**
 * The cache request header: `int cacheId | byte flags | [expiry: 3 longs] | [tx: int txId]`. The
 * transaction id comes from the context: the funnel sets it only for transactional operations.
 */
export function writeCacheHeader(w: BinaryWriter, target: CacheTarget, ctx: OpContext): void {
  w.writeInt32(target.cacheId);
  const e = target.expiry;
  const tx = ctx.txId;
  w.writeInt8((e ? CacheFlag.WITH_EXPIRY_POLICY : 0) | (tx === undefined ? 0 : CacheFlag.TRANSACTIONAL));
  if (e) {
    w.writeInt64(e.create);
    w.writeInt64(e.update);
    w.writeInt64(e.access);
  }
  if (tx !== undefined) w.writeInt32(tx);
}

/** Decoder for a boolean answer. */
export function readBool(r: BinaryReader): boolean {
  return r.readBool();
}
