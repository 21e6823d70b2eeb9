import { UsageError } from '@dbwire/core';
import type * as grpc from '@grpc/grpc-js';
import type { api } from './methods.js';

/**
 * Per-call options every network method takes (pydgraph's keyword arguments): `timeout` is in
 * SECONDS as in pydgraph; `signal` cancels the call; `metadata` adds gRPC headers (e.g.
 * `auth-token`); `credentials` are per-call gRPC CallCredentials.
 */
export interface DgraphCallOptions {
  /** Seconds before the call fails with `TimeoutError` (the gRPC deadline; the server sees it too). */
  timeout?: number;
  /** Cancels the call; it then fails with `CancelledError`. */
  signal?: AbortSignal;
  /** Extra gRPC metadata: a `grpc.Metadata`, a plain object, or pydgraph-style `[key, value]` pairs. */
  metadata?: MetadataInit;
  /** Per-call gRPC credentials (e.g. `grpc.credentials.createFromMetadataGenerator(...)`). */
  credentials?: grpc.CallCredentials;
}

/**
 * Caller metadata: a `grpc.Metadata`, a plain object, or pydgraph-style key-value pairs. Pairs are typed
 * as arrays, not tuples, so the seed's `const metadata = [['auth-token', '...']]` (inferred `string[][]`)
 * type-checks without an annotation; the funnel checks each entry is a `[key, value]` pair before sending.
 */
export type MetadataInit =
  | grpc.Metadata
  | Readonly<Record<string, string | Buffer>>
  | ReadonlyArray<ReadonlyArray<string | Buffer>>;

/** The answer format of a query: JSON (default) or RDF. */
export type RespFormat = 'JSON' | 'RDF';

function checkKeys(what: string, init: object, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(init)) {
    if (!allowed.has(key)) {
      const hint = key.includes('_') ? ` (options are camelCase: ${camel(key)})` : '';
      throw new UsageError(`${what}: unknown option "${key}"${hint}; known: ${[...allowed].join(', ')}`, {
        code: 'ERR_UNKNOWN_OPTION',
      });
    }
  }
}

function camel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The numeric drop operations of `api.Operation.DropOp`. */
export const DROP_OPS = Object.freeze({ NONE: 0, ALL: 1, DATA: 2, ATTR: 3, TYPE: 4 } as const);
/** `Operation.dropOp` by name: 'ALL', 'DATA', 'ATTR', 'TYPE' (or 'NONE'). */
export type DropOpName = keyof typeof DROP_OPS;

/** The fields of an `Operation` (pydgraph's keyword arguments). */
export interface OperationInit {
  schema?: string;
  /** Drop one predicate (older form of `dropOp: 'ATTR', dropValue`). */
  dropAttr?: string;
  dropAll?: boolean;
  dropOp?: DropOpName | (typeof DROP_OPS)[DropOpName];
  /** Predicate or type name for `dropOp` ATTR / TYPE. */
  dropValue?: string;
  /** Build indexes in the background (Dgraph >= 20.03). */
  runInBackground?: boolean;
}

const OPERATION_KEYS = new Set(['schema', 'dropAttr', 'dropAll', 'dropOp', 'dropValue', 'runInBackground']);

/** A schema change or drop for `client.alter()` (pydgraph's `Operation`). */
export class Operation implements api.IOperation {
  static readonly DropOp = DROP_OPS;
  schema?: string;
  dropAttr?: string;
  dropAll?: boolean;
  dropOp?: number;
  dropValue?: string;
  runInBackground?: boolean;

  constructor(init: OperationInit = {}) {
    if (typeof init !== 'object' || init === null) {
      throw new UsageError('Operation: expected an options object', { code: 'ERR_INVALID_ARGUMENT' });
    }
    checkKeys('Operation', init, OPERATION_KEYS);
    if (init.schema !== undefined) this.schema = str('Operation.schema', init.schema);
    if (init.dropAttr !== undefined) this.dropAttr = str('Operation.dropAttr', init.dropAttr);
    if (init.dropAll !== undefined) this.dropAll = Boolean(init.dropAll);
    if (init.dropValue !== undefined) this.dropValue = str('Operation.dropValue', init.dropValue);
    if (init.runInBackground !== undefined) this.runInBackground = Boolean(init.runInBackground);
    if (init.dropOp !== undefined) {
      const op = typeof init.dropOp === 'string' ? DROP_OPS[init.dropOp] : init.dropOp;
      if (op === undefined || !Object.values(DROP_OPS).includes(op)) {
        throw new UsageError(
          `Operation.dropOp must be one of ${Object.keys(DROP_OPS).join(', ')}, got ${String(init.dropOp)}`,
          {
            code: 'ERR_INVALID_ARGUMENT',
          },
        );
      }
      this.dropOp = op;
    }
  }
}

function str(what: string, v: unknown): string {
  if (typeof v !== 'string') {
    throw new UsageError(`${what} must be a string, got ${typeof v}`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return v;
}

/** A bytes field given as a string (UTF-8 encoded) or as bytes. */
export type Bytes = string | Uint8Array;

/** The fields of a `Mutation` (pydgraph's keyword arguments). */
export interface MutationInit {
  /** JSON to set, already encoded (pydgraph `set_json`); prefer `setObj` on `txn.mutate`. */
  setJson?: Bytes;
  deleteJson?: Bytes;
  setNquads?: Bytes;
  delNquads?: Bytes;
  /** Conditional upsert guard, e.g. `@if(eq(len(u), 1))`. */
  cond?: string;
  commitNow?: boolean;
}

const MUTATION_KEYS = new Set(['setJson', 'deleteJson', 'setNquads', 'delNquads', 'cond', 'commitNow']);

/** One mutation (pydgraph's `Mutation`). String payloads are UTF-8 encoded. */
export class Mutation implements api.IMutation {
  setJson?: Uint8Array;
  deleteJson?: Uint8Array;
  setNquads?: Uint8Array;
  delNquads?: Uint8Array;
  cond?: string;
  commitNow?: boolean;

  constructor(init: MutationInit = {}) {
    if (typeof init !== 'object' || init === null) {
      throw new UsageError('Mutation: expected an options object', { code: 'ERR_INVALID_ARGUMENT' });
    }
    checkKeys('Mutation', init, MUTATION_KEYS);
    if (init.setJson !== undefined) this.setJson = bytes('Mutation.setJson', init.setJson);
    if (init.deleteJson !== undefined) this.deleteJson = bytes('Mutation.deleteJson', init.deleteJson);
    if (init.setNquads !== undefined) this.setNquads = bytes('Mutation.setNquads', init.setNquads);
    if (init.delNquads !== undefined) this.delNquads = bytes('Mutation.delNquads', init.delNquads);
    if (init.cond !== undefined) this.cond = str('Mutation.cond', init.cond);
    if (init.commitNow !== undefined) this.commitNow = Boolean(init.commitNow);
  }
}

/** UTF-8 bytes of a string payload (protobufjs would read a string `bytes` field as base64). */
export function bytes(what: string, v: unknown): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return v;
  throw new UsageError(`${what} must be a string or Uint8Array, got ${typeof v}`, {
    code: 'ERR_INVALID_ARGUMENT',
  });
}

/** A query and/or mutations for `txn.doRequest()` (pydgraph's `Request`); build it with `txn.createRequest()`. */
export class Request implements api.IRequest {
  startTs = 0;
  query = '';
  vars: Record<string, string> = {};
  readOnly = false;
  bestEffort = false;
  mutations: Mutation[] = [];
  commitNow = false;
  respFormat = 0;
  hash = '';
}

/** The transaction context the server returns (commit timestamps, conflict keys). */
export interface TxnContext {
  startTs: number;
  commitTs: number;
  aborted: boolean;
  keys: string[];
  preds: string[];
  hash: string;
}
