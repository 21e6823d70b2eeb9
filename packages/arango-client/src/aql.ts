import type { CallOptions } from '@dbwire/core';
import { type ArangoRequest, type Executor, serverError } from './connection.js';
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

/** Runs POST /_api/cursor and wraps the answer in a Cursor. */
export async function executeCursor<T>(
  exec: Executor,
  db: string,
  body: Record<string, unknown>,
  options: CallOptions & { allowDirtyRead?: boolean } = {},
  Err: ServerErrorClass = AQLQueryExecuteError,
): Promise<Cursor<T>> {
  const req: ArangoRequest = {
    method: 'POST',
    endpoint: '/_api/cursor',
    db,
    body,
    headers: options.allowDirtyRead ? { 'x-arango-allow-dirty-read': 'true' } : undefined,
  };
  const res = await exec.send(req, options);
  if (res.status !== 201 && res.status !== 200) throw serverError(Err, req, res, exec.extraHeaders);
  return new Cursor<T>(exec, db, res.body, res.host);
}

function strip(body: Record<string, unknown>): Record<string, any> {
  const { error: _e, code: _c, ...rest } = body;
  return rest;
}

/** Shared request helper of the API wrappers. */
export abstract class ApiGroup {
  protected readonly _exec: Executor;
  protected readonly _db: string;
  constructor(exec: Executor, db: string) {
    this._exec = exec;
    this._db = db;
  }
  /** "default", or "transaction" inside a stream transaction. */
  get context(): 'default' | 'transaction' {
    return this._exec.extraHeaders?.['x-arango-trx-id'] ? 'transaction' : 'default';
  }
  /** Name of the database this wrapper talks to. */
  get dbName(): string {
    return this._db;
  }
  /**
   * Sends `req`; returns the body of a 2xx answer (through `transform` when given), throws `Err`
   * otherwise. Post-processing of an answer belongs in `transform`, not after the `await`, so that
   * deferred execution contexts (async jobs, batches) can apply it when the answer arrives later.
   */
  protected async _call<T = any>(
    req: ArangoRequest,
    Err: ServerErrorClass,
    options?: CallOptions,
    transform?: (body: any) => T,
  ): Promise<T> {
    const res = await this._exec.send(req, options);
    if (res.status >= 200 && res.status < 300) return transform ? transform(res.body) : res.body;
    throw serverError(Err, req, res, this._exec.extraHeaders);
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
  async properties(options?: CallOptions): Promise<Record<string, unknown>> {
    return strip(
      await this._call(this._req('GET', '/_api/query-cache/properties'), AQLCachePropertiesError, options),
    );
  }
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
    return strip(
      await this._call(this._req('PUT', '/_api/query-cache/properties', { body }), AQLCacheConfigureError, o),
    );
  }
  async entries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query-cache/entries'), AQLCacheEntriesError, options);
  }
  async clear(options?: CallOptions): Promise<boolean> {
    await this._call(this._req('DELETE', '/_api/query-cache'), AQLCacheClearError, options);
    return true;
  }
}

/** AQL execution plan cache (`db.aql.planCache`, ArangoDB 3.12.4+). */
export class AQLPlanCache extends ApiGroup {
  async entries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query-plan-cache'), AQLPlanCacheError, options);
  }
  async clear(options?: CallOptions): Promise<boolean> {
    await this._call(this._req('DELETE', '/_api/query-plan-cache'), AQLPlanCacheError, options);
    return true;
  }
}

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
    return executeCursor<T>(this._exec, this._db, cursorBody(query, options), options);
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
    const res = await this._call(this._req('POST', '/_api/explain', { body }), AQLQueryExplainError, o);
    return 'plan' in res ? res.plan : res.plans;
  }

  /** Parses the query without executing it: `{bindVars, collections, ast, parsed}`. */
  async validate(query: string, options?: CallOptions): Promise<Record<string, any>> {
    return strip(
      await this._call(this._req('POST', '/_api/query', { body: { query } }), AQLQueryValidateError, options),
    );
  }

  async queries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/current'), AQLQueryListError, options);
  }
  async slowQueries(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/slow'), AQLQueryListError, options);
  }
  async clearSlowQueries(options?: CallOptions): Promise<boolean> {
    await this._call(this._req('DELETE', '/_api/query/slow'), AQLQueryClearError, options);
    return true;
  }
  async tracking(options?: CallOptions): Promise<TrackingProperties> {
    return strip(
      await this._call(this._req('GET', '/_api/query/properties'), AQLQueryTrackingGetError, options),
    );
  }
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
    return strip(
      await this._call(this._req('PUT', '/_api/query/properties', { body }), AQLQueryTrackingSetError, o),
    );
  }
  /** Kills a running query. */
  async kill(queryId: string, options?: CallOptions): Promise<boolean> {
    await this._call(
      this._req('DELETE', `/_api/query/${encodeURIComponent(queryId)}`),
      AQLQueryKillError,
      options,
    );
    return true;
  }
  /** The optimizer rules of the server. */
  async rules(options?: CallOptions): Promise<Array<Record<string, unknown>>> {
    return this._call(this._req('GET', '/_api/query/rules'), AQLQueryRulesGetError, options);
  }

  async functions(
    options?: CallOptions & { namespace?: string },
  ): Promise<Array<{ name: string; code: string; isDeterministic: boolean }>> {
    const ns = options?.namespace;
    const res = await this._call(
      this._req('GET', '/_api/aqlfunction', { query: ns ? { namespace: ns } : undefined }),
      AQLFunctionListError,
      options,
    );
    return res.result;
  }
  /** Creates or replaces a user function. Returns `{ isNew }`. */
  async createFunction(
    name: string,
    code: string,
    o: CallOptions & { isDeterministic?: boolean } = {},
  ): Promise<{ isNew: boolean }> {
    const body: Record<string, unknown> = { name, code };
    if (o.isDeterministic !== undefined) body.isDeterministic = o.isDeterministic;
    const res = await this._call(this._req('POST', '/_api/aqlfunction', { body }), AQLFunctionCreateError, o);
    return { isNew: res.isNewlyCreated === true };
  }
  /** Deletes a function (or a group with `group: true`). Returns `{ deleted }`, or false when missing and ignored. */
  async deleteFunction(
    name: string,
    o: CallOptions & { group?: boolean; ignoreMissing?: boolean } = {},
  ): Promise<{ deleted: number } | false> {
    const req = this._req('DELETE', `/_api/aqlfunction/${encodeURIComponent(name)}`, {
      query: o.group !== undefined ? { group: o.group } : undefined,
    });
    const res = await this._exec.send(req, o);
    if (res.status === 200) return { deleted: res.body.deletedCount ?? 0 };
    if (res.status === 404 && o.ignoreMissing) return false;
    throw serverError(AQLFunctionDeleteError, req, res, this._exec.extraHeaders);
  }
}
