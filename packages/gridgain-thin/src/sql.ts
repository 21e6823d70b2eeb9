/**
 * Options of `client.sql()` / `cache.sql()` (pygridgain's `sql()` keyword arguments) and their
 * validation into the SQL_FIELDS request. Bad options throw ParameterError before any I/O.
 */
import type { ProgressCallback } from '@dbwire/core';
import { cacheIdOf } from './binary/index.js';
import { ParameterError } from './errors.js';
import { type SqlFieldsRequest, StatementType } from './ops/query-ops.js';

/** A cache given by name, by id, or as a Cache object (anything with a `cacheId`). */
export type CacheRef = string | number | { readonly cacheId: number };

/** Options of `client.sql()`; every one optional, defaults as pygridgain's. */
export interface SqlOptions {
  /** Values of the `?` placeholders; each may be the `[value, hint]` form. */
  queryArgs?: readonly unknown[];
  /** When true the first item iterated is the list of column names. Default false. */
  includeFieldNames?: boolean;
  /** Rows per page fetched from the server. Default 1024. */
  pageSize?: number;
  /** Schema the statement runs in. Default `PUBLIC`, or the cache's schema when `cache` is given. */
  schema?: string;
  /** Run in the schema of this cache. */
  cache?: CacheRef;
  /** Default false. */
  distributedJoins?: boolean;
  /** Default false. */
  enforceJoinOrder?: boolean;
  /** Default false. */
  collocated?: boolean;
  /** Default false. */
  lazy?: boolean;
  /** Default false. */
  replicatedOnly?: boolean;
  /** Default false. */
  local?: boolean;
  /** Server-side query timeout in ms (pygridgain's `timeout`); 0 (default) means none. */
  timeout?: number;
  /** `StatementType.ANY` (default), `SELECT` or `UPDATE`: the server refuses a statement of another kind. */
  statementType?: number;
  /** Maximum rows returned; -1 (default) means no limit. */
  maxRows?: number;
  /** Aborts the statement and any later page request. */
  signal?: AbortSignal;
  /** Progress of the drain: called as pages arrive. */
  onProgress?: ProgressCallback;
}

function bool(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ParameterError(`${name} must be a boolean`);
  return v;
}

function int(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 2147483647) {
    throw new ParameterError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** The cache id of a cache reference. */
export function cacheIdOfRef(ref: CacheRef, what: string): number {
  if (typeof ref === 'string') return cacheIdOf(ref);
  if (typeof ref === 'number' && Number.isInteger(ref)) return ref | 0;
  if (typeof ref === 'object' && ref !== null && typeof ref.cacheId === 'number') return ref.cacheId;
  throw new ParameterError(`${what} must be a cache name, a cache id or a Cache`);
}

/** Validates `sql()` arguments into the wire request. */
export function sqlRequest(query: string, o: SqlOptions | undefined, cacheId?: number): SqlFieldsRequest {
  if (typeof query !== 'string' || query.trim().length === 0) {
    throw new ParameterError('sql needs a non-empty query string');
  }
  if (o !== undefined && (typeof o !== 'object' || o === null))
    throw new ParameterError('sql options must be an object');
  const args = o?.queryArgs ?? [];
  if (!Array.isArray(args)) throw new ParameterError('queryArgs must be an array');
  const statementType = int(o?.statementType, 'statementType', StatementType.ANY, 0);
  if (statementType > 2)
    throw new ParameterError('statementType must be StatementType.ANY, SELECT or UPDATE');
  const id = cacheId ?? (o?.cache === undefined ? 0 : cacheIdOfRef(o.cache, 'cache'));
  if (o?.schema !== undefined && typeof o.schema !== 'string')
    throw new ParameterError('schema must be a string');
  const pageSize = int(o?.pageSize, 'pageSize', 1024, 1);
  const maxRows = o?.maxRows === -1 ? -1 : int(o?.maxRows, 'maxRows', -1, 0);
  return {
    cacheId: id,
    schema: o?.schema ?? (id === 0 ? 'PUBLIC' : null),
    pageSize,
    maxRows,
    query,
    args,
    statementType,
    distributedJoins: bool(o?.distributedJoins, 'distributedJoins'),
    local: bool(o?.local, 'local'),
    replicatedOnly: bool(o?.replicatedOnly, 'replicatedOnly'),
    enforceJoinOrder: bool(o?.enforceJoinOrder, 'enforceJoinOrder'),
    collocated: bool(o?.collocated, 'collocated'),
    lazy: bool(o?.lazy, 'lazy'),
    timeoutMs: int(o?.timeout, 'timeout', 0, 0),
    includeFieldNames: bool(o?.includeFieldNames, 'includeFieldNames'),
  };
}
