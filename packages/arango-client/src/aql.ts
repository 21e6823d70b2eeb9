import type { CallOptions } from '@dbwire/core';
import {
  type ArangoRequest,
  type ArangoResponse,
  type Decode,
  type ExecutionContext,
  type Executor,
  serverError,
} from './connection.js';
import { Cursor } from './cursor.js';
import {
  AQLCacheClearError,
  AQLCacheConfigureError,
  AQLCacheEntriesError,
  AQLCachePropertiesError,
  AQLFunctionCreateError,
  AQLFunctionDeleteError,
  AQLFunctionListError,
  AQLPlanCacheError,
  AQLQueryClearError,
  AQLQueryExecuteError,
  AQLQueryExplainError,
  AQLQueryKillError,
  AQLQueryListError,
  AQLQueryRulesGetError,
  AQLQueryTrackingGetError,
  AQLQueryTrackingSetError,
  AQLQueryValidateError,
  ArangoClientError,
  type ServerErrorClass,
} from './errors.js';

/** Options of `aql.execute()`: the seed's keyword arguments (`bindVars`, `batchSize`, `count`, ...). */
export interface ExecuteOptions extends CallOptions {
  bindVars?: Record<string, unknown>;
  count?: boolean;
  batchSize?: number;
  /** Server-side cursor time to live, seconds. */
  ttl?: number;
  fullCount?: boolean;
  maxPlans?: number;
  optimizerRules?: string[];
  cache?: boolean;
  usePlanCache?: boolean;
  memoryLimit?: number;
  failOnWarning?: boolean;
  /** true/1: profile; 2: profile with plan. */
  profile?: boolean | number;
  maxTransactionSize?: number;
  maxWarningCount?: number;
  intermediateCommitCount?: number;
  intermediateCommitSize?: number;
  satelliteSyncWait?: number;
  stream?: boolean;
  skipInaccessibleCols?: boolean;
  /** Seconds. */
  maxRuntime?: number;
  allowRetry?: boolean;
  allowDirtyRead?: boolean;
  fillBlockCache?: boolean;
}

/** Body of POST /_api/cursor for a query and the seed's options. Pure. */
export function cursorBody(query: string, o: ExecuteOptions = {}): Record<string, unknown> {
  if (typeof query !== 'string' || !query.trim())
    throw new ArangoClientError('query must be a non-empty string');
  const body: Record<string, unknown> = { query };
  if (o.bindVars !== undefined) body.bindVars = o.bindVars;
  if (o.count !== undefined) body.count = o.count;
  if (o.batchSize !== undefined) body.batchSize = o.batchSize;
  if (o.ttl !== undefined) body.ttl = o.ttl;
  if (o.memoryLimit !== undefined) body.memoryLimit = o.memoryLimit;
  const opt: Record<string, unknown> = {};
  if (o.fullCount !== undefined) opt.fullCount = o.fullCount;
  if (o.maxPlans !== undefined) opt.maxNumberOfPlans = o.maxPlans;
  if (o.optimizerRules !== undefined) opt.optimizer = { rules: o.optimizerRules };
  if (o.cache !== undefined) opt.cache = o.cache;
  if (o.usePlanCache !== undefined) opt.usePlanCache = o.usePlanCache;
  if (o.failOnWarning !== undefined) opt.failOnWarning = o.failOnWarning;
  if (o.profile !== undefined) opt.profile = typeof o.profile === 'boolean' ? (o.profile ? 1 : 0) : o.profile;
  if (o.maxTransactionSize !== undefined) opt.maxTransactionSize = o.maxTransactionSize;
  if (o.maxWarningCount !== undefined) opt.maxWarningCount = o.maxWarningCount;
  if (o.intermediateCommitCount !== undefined) opt.intermediateCommitCount = o.intermediateCommitCount;
  if (o.intermediateCommitSize !== undefined) opt.intermediateCommitSize = o.intermediateCommitSize;
  if (o.satelliteSyncWait !== undefined) opt.satelliteSyncWait = o.satelliteSyncWait;
  if (o.stream !== undefined) opt.stream = o.stream;
  if (o.skipInaccessibleCols !== undefined) opt.skipInaccessibleCollections = o.skipInaccessibleCols;
  if (o.maxRuntime !== undefined) opt.maxRuntime = o.maxRuntime;
  if (o.allowRetry !== undefined) opt.allowRetry = o.allowRetry;
  if (o.fillBlockCache !== undefined) opt.fillBlockCache = o.fillBlockCache;
  if (Object.keys(opt).length) body.options = opt;
  return body;
}

/** The operation of POST /_api/cursor: the request and the decoder that wraps the answer in a Cursor. */
export function cursorOperation<T>(
  exec: Executor,
  db: string,
  body: Record<string, unknown>,
  options: CallOptions & { allowDirtyRead?: boolean } = {},
  Err: ServerErrorClass = AQLQueryExecuteError,
): { req: ArangoRequest; decode: (res: ArangoResponse) => Cursor<T> } {
  const req: ArangoRequest = {
    method: 'POST',
    endpoint: '/_api/cursor',
    db,
    body,
    headers: options.allowDirtyRead ? { 'x-arango-allow-dirty-read': 'true' } : undefined,
  };
  // Batch fetches of the cursor go straight to the connection (never through an async or batch
  // context: the cursor already exists on the server).
  const direct = exec.direct ?? exec;
  const decode = (res: ArangoResponse): Cursor<T> => {
    if (res.status !== 201 && res.status !== 200) throw serverError(Err, req, res, exec.extraHeaders);
    return new Cursor<T>(direct, db, res.body, res.host);
  };
  return { req, decode };
}

/** Runs POST /_api/cursor and wraps the answer in a Cursor (plain execution). */
export async function executeCursor<T>(
  exec: Executor,
  db: string,
  body: Record<string, unknown>,
  options: CallOptions & { allowDirtyRead?: boolean } = {},
  Err: ServerErrorClass = AQLQueryExecuteError,
): Promise<Cursor<T>> {
  const { req, decode } = cursorOperation<T>(exec, db, body, options, Err);
  return decode(await exec.send(req, options));
}

function strip(body: Record<string, unknown>): Record<string, any> {
  const { error: _e, code: _c, ...rest } = body;
  return rest;
}

/**
 * Shared request helper of the API wrappers. Every public method is one operation: a request plus a
 * decoder of its answer, run through `_run` (or its shorthands `_call` and `_callIgnoreMissing`). The
 * executor decides when the decoder runs: at once (default and transaction contexts), or later, when an
 * async job's or a batch's answer arrives (the executor's `run` then returns the job instead).
 */
export abstract class ApiGroup {
  protected readonly _exec: Executor;
  protected readonly _db: string;
  constructor(exec: Executor, db: string) {
    this._exec = exec;
    this._db = db;
  }
  /** "default", "transaction" inside a stream transaction, "async" or "batch" in those contexts. */
  get context(): ExecutionContext {
    return this._exec.context ?? (this._exec.extraHeaders?.['x-arango-trx-id'] ? 'transaction' : 'default');
  }
  /** Name of the database this wrapper talks to. */
  get dbName(): string {
    return this._db;
  }
  /**
   * Runs one operation: sends `req` and hands the answer to `decode`, which returns the result or
   * throws the typed error. In async and batch contexts the executor returns a job instead and runs
   * `decode` when the job's answer is fetched, so nothing may happen after the `await` of `_run`.
   */
  protected _run<T>(req: ArangoRequest, decode: Decode<T>, options?: CallOptions): Promise<T> {
    if (this._exec.run) return this._exec.run(req, decode, options);
    return this._exec.send(req, options).then(decode);
  }
  /**
   * Sends `req`; returns the body of a 2xx answer (through `transform` when given), throws `Err`
   * otherwise. Post-processing of an answer belongs in `transform`, not after the `await`, so that
   * deferred execution contexts (async jobs, batches) can apply it when the answer arrives later.
   */
  protected _call<T = any>(
    req: ArangoRequest,
    Err: ServerErrorClass,
    options?: CallOptions,
    transform?: (body: any) => T,
  ): Promise<T> {
    const extra = this._exec.extraHeaders;
    return this._run(
      req,
      (res) => {
        if (res.status >= 200 && res.status < 300) return transform ? transform(res.body) : res.body;
        throw serverError(Err, req, res, extra);
      },
      options,
    );
  }
  /**
   * The "2xx → true, 404 with `ignoreMissing` → false, anything else → `Err`" operation of the
   * delete/exists calls (`deleteDatabase`, `deleteCollection`, `hasGraph`, ...).
   */
  protected _callIgnoreMissing(
    req: ArangoRequest,
    Err: ServerErrorClass,
    options: CallOptions | undefined,
    o: { ignoreMissing?: boolean | undefined },
  ): Promise<boolean> {
    const extra = this._exec.extraHeaders;
    return this._run(
      req,
      (res) => {
        if (res.status >= 200 && res.status < 300) return true;
        if (res.status === 404 && o.ignoreMissing) return false;
        throw serverError(Err, req, res, extra);
      },
      options,
    );
  }
  protected _req(
    method: ArangoRequest['method'],
    endpoint: string,
    extra: Partial<Omit<ArangoRequest, 'method' | 'endpoint'>> = {},
  ): ArangoRequest {
    return { method, endpoint, db: this._db, ...extra };
  }
}

/** AQL query results cache (`db.aql.cache`). */
export class AQLQueryCache extends ApiGroup {
  /** The query results cache properties (`mode`, `maxResults`, ...). */
  async properties(options?: CallOptions): Promise<Record<string, unknown>> {
    return this._call(
      this._req('GET', '/_api/query-cache/properties'),
      AQLCachePropertiesError,
      options,
      strip,
    );
  }
  /** Changes the query results cache properties; returns the new ones. */
  async configure(
    o: CallOptions & {
      mode?: 'off' | 'on' | 'demand';
      maxResults?: number;
      maxResultsSize?: number;
      maxEntrySize?: number;
      includeSystem?: boolean;
    } = {},
  ): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    for (const k of ['mode', 'maxResults', 'maxResultsSize', 'maxEntrySize', 'includeSystem'] as const) {
      if (o[k] !== undefined) body[k] = o[k];
    }
    return this._call(
      this._req('PUT', '/_api/query-cache/properties', { body }),
      AQLCacheConfigureError,
      o,
      strip,
    );
  }
  /** The entries of the query results cache. */
  async entries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query-cache/entries'), AQLCacheEntriesError, options);
  }
  /** Clears the query results cache. Returns true. */
  async clear(options?: CallOptions): Promise<boolean> {
    return this._call(this._req('DELETE', '/_api/query-cache'), AQLCacheClearError, options, () => true);
  }
}

/** AQL execution plan cache (`db.aql.planCache`, ArangoDB 3.12.4+). */
export class AQLPlanCache extends ApiGroup {
  /** The entries of the execution plan cache. */
  async entries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query-plan-cache'), AQLPlanCacheError, options);
  }
  /** Clears the execution plan cache. Returns true. */
  async clear(options?: CallOptions): Promise<boolean> {
    return this._call(this._req('DELETE', '/_api/query-plan-cache'), AQLPlanCacheError, options, () => true);
  }
}

/** Query tracking properties (`aql.tracking()` / `aql.setTracking()`). */
export interface TrackingProperties {
  enabled?: boolean;
  maxSlowQueries?: number;
  slowQueryThreshold?: number;
  slowStreamingQueryThreshold?: number;
  maxQueryStringLength?: number;
  trackBindVars?: boolean;
  trackSlowQueries?: boolean;
}

/** AQL API wrapper (`db.aql`). */
export class AQL extends ApiGroup {
  readonly cache: AQLQueryCache;
  readonly planCache: AQLPlanCache;
  constructor(exec: Executor, db: string) {
    super(exec, db);
    this.cache = new AQLQueryCache(exec, db);
    this.planCache = new AQLPlanCache(exec, db);
  }

  /** Runs a query; the result is a cursor (`for await (const doc of cursor)`). */
  async execute<T = any>(query: string, options: ExecuteOptions = {}): Promise<Cursor<T>> {
    const { req, decode } = cursorOperation<T>(this._exec, this._db, cursorBody(query, options), options);
    return this._run(req, decode, options);
  }

  /** The execution plan (or all plans with `allPlans`) without running the query. */
  async explain(
    query: string,
    o: CallOptions & {
      allPlans?: boolean;
      maxPlans?: number;
      optRules?: string[];
      bindVars?: Record<string, unknown>;
    } = {},
  ): Promise<any> {
    const options: Record<string, unknown> = {};
    if (o.allPlans !== undefined) options.allPlans = o.allPlans;
    if (o.maxPlans !== undefined) options.maxNumberOfPlans = o.maxPlans;
    if (o.optRules !== undefined) options.optimizer = { rules: o.optRules };
    const body: Record<string, unknown> = { query };
    if (o.bindVars !== undefined) body.bindVars = o.bindVars;
    if (Object.keys(options).length) body.options = options;
    return this._call(this._req('POST', '/_api/explain', { body }), AQLQueryExplainError, o, (res) =>
      'plan' in res ? res.plan : res.plans,
    );
  }

  /** Parses the query without executing it: `{bindVars, collections, ast, parsed}`. */
  async validate(query: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('POST', '/_api/query', { body: { query } }),
      AQLQueryValidateError,
      options,
      strip,
    );
  }

  /** The queries running now (seed: `queries`). */
  async queries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/current'), AQLQueryListError, options);
  }
  /** The slow queries tracked by the server (seed: `slow_queries`). */
  async slowQueries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/slow'), AQLQueryListError, options);
  }
  /** Clears the list of slow queries. Returns true. */
  async clearSlowQueries(options?: CallOptions): Promise<boolean> {
    return this._call(this._req('DELETE', '/_api/query/slow'), AQLQueryClearError, options, () => true);
  }
  /** The query tracking properties. */
  async tracking(options?: CallOptions): Promise<TrackingProperties> {
    return this._call(this._req('GET', '/_api/query/properties'), AQLQueryTrackingGetError, options, strip);
  }
  /** Changes the query tracking properties (seed: `set_tracking`); returns the new ones. */
  async setTracking(o: TrackingProperties & CallOptions = {}): Promise<TrackingProperties> {
    const body: Record<string, unknown> = {};
    for (const k of [
      'enabled',
      'maxSlowQueries',
      'slowQueryThreshold',
      'slowStreamingQueryThreshold',
      'maxQueryStringLength',
      'trackBindVars',
      'trackSlowQueries',
    ] as const) {
      if (o[k] !== undefined) body[k] = o[k];
    }
    return this._call(
      this._req('PUT', '/_api/query/properties', { body }),
      AQLQueryTrackingSetError,
      o,
      strip,
    );
  }
  /** Kills a running query. */
  async kill(queryId: string, options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('DELETE', `/_api/query/${encodeURIComponent(queryId)}`),
      AQLQueryKillError,
      options,
      () => true,
    );
  }
  /** The optimizer rules of the server. */
  async rules(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/rules'), AQLQueryRulesGetError, options);
  }

  /** The AQL user functions (all, or those of `namespace`). */
  async functions(
    options?: CallOptions & { namespace?: string },
  ): Promise<Array<{ name: string; code: string; isDeterministic: boolean }>> {
    const ns = options?.namespace;
    return this._call(
      this._req('GET', '/_api/aqlfunction', { query: ns ? { namespace: ns } : undefined }),
      AQLFunctionListError,
      options,
      (res) => res.result,
    );
  }
  /**
   * Creates or replaces a user function. Returns `{ isNew }`. The seed's keyword form is
   * `createFunction({ name, code })`; `createFunction(name, code, options)` is the positional form.
   */
  async createFunction(
    nameOrSpec: string | (CallOptions & { name: string; code: string; isDeterministic?: boolean }),
    code?: string,
    options: CallOptions & { isDeterministic?: boolean } = {},
  ): Promise<{ isNew: boolean }> {
    const o = typeof nameOrSpec === 'string' ? { ...options, name: nameOrSpec, code } : nameOrSpec;
    if (typeof o?.name !== 'string' || !o.name)
      throw new ArangoClientError('function name must be a non-empty string');
    if (typeof o.code !== 'string' || !o.code.trim())
      throw new ArangoClientError('function code must be JavaScript source');
    const body: Record<string, unknown> = { name: o.name, code: o.code };
    if (o.isDeterministic !== undefined) body.isDeterministic = o.isDeterministic;
    return this._call(this._req('POST', '/_api/aqlfunction', { body }), AQLFunctionCreateError, o, (res) => ({
      isNew: res.isNewlyCreated === true,
    }));
  }
  /** Deletes a function (or a group with `group: true`). Returns `{ deleted }`, or false when missing and ignored. */
  async deleteFunction(
    name: string,
    o: CallOptions & { group?: boolean; ignoreMissing?: boolean } = {},
  ): Promise<{ deleted: number } | false> {
    const req = this._req('DELETE', `/_api/aqlfunction/${encodeURIComponent(name)}`, {
      query: o.group !== undefined ? { group: o.group } : undefined,
    });
    const extra = this._exec.extraHeaders;
    return this._run(
      req,
      (res) => {
        if (res.status === 200) return { deleted: res.body.deletedCount ?? 0 };
        if (res.status === 404 && o.ignoreMissing) return false;
        throw serverError(AQLFunctionDeleteError, req, res, extra);
      },
      o,
    );
  }
}
