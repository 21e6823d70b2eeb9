import { type CallSite, captureCallSite, stripUndefined, UsageError, withCallSite } from '@dbwire/core';
import type { DgraphClient } from './client.js';
import { ReadOnlyError, TransactionError, TxnFinishedError } from './errors.js';
import type { Funnel } from './funnel.js';
import { type api, Methods, u64 } from './methods.js';
import { Response, toTxnContext } from './response.js';
import {
  type Bytes,
  bytes,
  type DgraphCallOptions,
  Mutation,
  type MutationInit,
  Request,
  type RespFormat,
  type TxnContext,
} from './types.js';

/** Options of `client.txn()`: read-only / best-effort, and per-call defaults for every call of the txn. */
export interface TxnOptions extends DgraphCallOptions {
  readOnly?: boolean;
  /** Faster reads that may miss the latest commits; only with `readOnly`. */
  bestEffort?: boolean;
}

/** Query variables: `{ $name: 'Alice' }`. Numbers, booleans and bigints are sent as strings. */
export type Variables = Readonly<Record<string, string | number | boolean | bigint>>;

/** Options of `txn.query()`: query variables, the answer format, per-call options. */
export interface QueryOptions extends DgraphCallOptions {
  variables?: Variables;
  respFormat?: RespFormat;
}

/**
 * The content of a mutation as keyword-style options (pydgraph's `create_mutation` arguments): a
 * prepared `mutation` to start from, JSON values (`setObj`, `delObj`), N-Quads, a condition.
 */
export interface CreateMutationOptions {
  mutation?: Mutation;
  /** Any JSON-serialisable value to set. */
  setObj?: unknown;
  /** Any JSON-serialisable value to delete. */
  delObj?: unknown;
  setNquads?: Bytes;
  delNquads?: Bytes;
  cond?: string;
  commitNow?: boolean;
}

/** `txn.mutate({...})`: the mutation's content plus per-call options (pydgraph's keyword arguments). */
export interface MutateOptions extends CreateMutationOptions, DgraphCallOptions {}

/** Every key `mutate()` accepts; the compiler keeps it in step with `MutateOptions`. */
const MUTATE_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    mutation: true,
    setObj: true,
    delObj: true,
    setNquads: true,
    delNquads: true,
    cond: true,
    commitNow: true,
    timeout: true,
    signal: true,
    metadata: true,
    credentials: true,
  } satisfies Record<keyof MutateOptions, true>),
);

/** What `txn.createRequest()` puts into a Request (pydgraph's `create_request` arguments). */
export interface CreateRequestOptions {
  query?: string;
  variables?: Variables;
  mutations?: Mutation[];
  commitNow?: boolean;
  respFormat?: RespFormat;
}

/**
 * One transaction (pydgraph's `Txn`). Created by `client.txn()` without any network call. Queries
 * and mutations carry the transaction's start timestamp; `commit()` or `discard()` ends it.
 * `discard()` is idempotent and a no-op after `commit()`, so `finally { await txn.discard() }` is safe.
 * `await using txn = client.txn()` discards automatically.
 */
export class Txn {
  readonly #client: DgraphClient;
  readonly #funnel: Funnel;
  readonly #readOnly: boolean;
  readonly #bestEffort: boolean;
  readonly #defaults: DgraphCallOptions;
  #startTs = 0;
  #hash = '';
  #keys: string[] = [];
  #preds: string[] = [];
  #finished = false;
  #mutated = false;

  /** @internal use `client.txn()`. */
  constructor(client: DgraphClient, funnel: Funnel, options: TxnOptions = {}) {
    const { readOnly = false, bestEffort = false, ...defaults } = options;
    if (bestEffort && !readOnly) {
      throw new TransactionError('Best effort transactions are only compatible with read-only transactions', {
        code: 'ERR_BEST_EFFORT_NEEDS_READ_ONLY',
      });
    }
    this.#client = client;
    this.#funnel = funnel;
    this.#readOnly = Boolean(readOnly);
    this.#bestEffort = Boolean(bestEffort);
    this.#defaults = defaults;
  }

  get readOnly(): boolean {
    return this.#readOnly;
  }

  get bestEffort(): boolean {
    return this.#bestEffort;
  }

  /** True after commit, discard, a `commitNow` request or a failed request. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The transaction's start timestamp (0 until the first request answered). */
  get startTs(): number {
    return this.#startTs;
  }

  /** Runs a DQL query; `variables` as `{ $a: 'Alice' }`. Typed result via `res.data` with `query<T>()`. */
  query<T = any>(query: string, options: QueryOptions = {}): Promise<Response<T>> {
    const site = captureCallSite(this.query);
    if (typeof query !== 'string') {
      return Promise.reject(
        withCallSite(new UsageError('query must be a string', { code: 'ERR_INVALID_ARGUMENT' }), site),
      );
    }
    let request: Request;
    try {
      request = this.createRequest({ query, variables: options.variables, respFormat: options.respFormat });
    } catch (err) {
      return Promise.reject(withCallSite(err, site));
    }
    return this.#doRequest<T>(request, options, site);
  }

  /** dgraph-js spelling of `query(q, { variables })`. */
  queryWithVars<T = any>(
    query: string,
    variables: Variables,
    options: DgraphCallOptions = {},
  ): Promise<Response<T>> {
    return this.query<T>(query, { ...options, variables });
  }

  /** Runs a query and returns the RDF answer (`respFormat: 'RDF'`). */
  queryRdf(query: string, options: Omit<QueryOptions, 'respFormat'> = {}): Promise<Response> {
    return this.query(query, { ...options, respFormat: 'RDF' });
  }

  /**
   * Runs a mutation: `txn.mutate({ setObj })`, `txn.mutate({ setNquads, commitNow: true })`, or with
   * a prepared mutation, `txn.mutate(mu)` / `txn.mutate(mu, { commitNow: true })`.
   */
  mutate(mutationOrOptions: Mutation | MutateOptions = {}, options: MutateOptions = {}): Promise<Response> {
    const site = captureCallSite(this.mutate);
    let request: Request;
    let callOptions: MutateOptions;
    try {
      const opts: MutateOptions =
        mutationOrOptions instanceof Mutation
          ? { ...options, mutation: mutationOrOptions }
          : mutationOrOptions;
      checkMutateOptions(opts);
      const mutation = this.createMutation(opts);
      const commitNow = Boolean(opts.commitNow) || Boolean(mutation.commitNow);
      request = this.createRequest({ mutations: [mutation], commitNow });
      callOptions = opts;
    } catch (err) {
      return Promise.reject(withCallSite(err, site));
    }
    return this.#doRequest(request, callOptions, site);
  }

  /** Builds a `Mutation` from keyword-style options (pydgraph's `create_mutation`). */
  createMutation(options: CreateMutationOptions | Mutation = {}): Mutation {
    if (options instanceof Mutation) return options;
    const mutation = options.mutation ?? new Mutation();
    if (options.setObj !== undefined) mutation.setJson = jsonBytes('setObj', options.setObj);
    if (options.delObj !== undefined) mutation.deleteJson = jsonBytes('delObj', options.delObj);
    if (options.setNquads !== undefined) mutation.setNquads = bytes('setNquads', options.setNquads);
    if (options.delNquads !== undefined) mutation.delNquads = bytes('delNquads', options.delNquads);
    if (options.cond !== undefined) {
      if (typeof options.cond !== 'string') {
        throw new UsageError('cond must be a string', { code: 'ERR_INVALID_ARGUMENT' });
      }
      mutation.cond = options.cond;
    }
    if (options.commitNow !== undefined && options.mutation === undefined)
      mutation.commitNow = options.commitNow;
    return mutation;
  }

  /** Builds a `Request` for `doRequest()` (pydgraph's `create_request`): query, variables, mutations. */
  createRequest(options: CreateRequestOptions = {}): Request {
    const request = new Request();
    const { query, variables, mutations, commitNow, respFormat } = options;
    if (respFormat !== undefined && respFormat !== 'JSON') {
      if (respFormat !== 'RDF') {
        throw new TransactionError('Response format should be either RDF or JSON', {
          code: 'ERR_INVALID_ARGUMENT',
        });
      }
      request.respFormat = 1;
    }
    request.startTs = this.#startTs;
    request.readOnly = this.#readOnly;
    request.bestEffort = this.#bestEffort;
    request.commitNow = Boolean(commitNow);
    if (query !== undefined) {
      if (typeof query !== 'string')
        throw new UsageError('query must be a string', { code: 'ERR_INVALID_ARGUMENT' });
      request.query = query;
    }
    if (variables !== undefined) request.vars = toVars(variables);
    if (mutations !== undefined) {
      if (!Array.isArray(mutations)) {
        throw new UsageError('mutations must be an array of Mutation', { code: 'ERR_INVALID_ARGUMENT' });
      }
      request.mutations = mutations.map((m) => (m instanceof Mutation ? m : new Mutation(m as MutationInit)));
    }
    return request;
  }

  /** Sends a prepared request: query, mutations, or both (upsert / conditional upsert). */
  doRequest<T = any>(request: Request, options: DgraphCallOptions = {}): Promise<Response<T>> {
    return this.#doRequest<T>(request, options, captureCallSite(this.doRequest));
  }

  async #doRequest<T>(request: Request, options: DgraphCallOptions, site: CallSite): Promise<Response<T>> {
    if (this.#finished) throw withCallSite(new TxnFinishedError(), site);
    const mutations = request.mutations;
    const mutating = mutations !== undefined && mutations.length > 0;
    if (mutating) {
      if (this.#readOnly) {
        throw withCallSite(new ReadOnlyError('Readonly transaction cannot run mutations'), site);
      }
      for (const m of mutations) {
        normalizeMutation(m);
        if (!m.setJson?.length && !m.deleteJson?.length && !m.setNquads?.length && !m.delNquads?.length) {
          throw withCallSite(
            new UsageError('empty mutation: give setObj, delObj, setNquads or delNquads', {
              code: 'ERR_EMPTY_MUTATION',
            }),
            site,
          );
        }
      }
      this.#mutated = true;
    }
    request.startTs = this.#startTs;
    request.hash = this.#hash;
    let msg: api.Response;
    try {
      msg = await this.#funnel.call(Methods.query, request, this.#opts(options), site, !mutating);
    } catch (err) {
      // A failed request leaves the transaction unusable on the server; end it here too.
      await this.discard(options).catch(() => {});
      throw err;
    }
    if (request.commitNow) this.#finished = true;
    const txn = msg.txn;
    if (txn) this.#merge(txn, site);
    return new Response<T>(msg);
  }

  #opts(options: DgraphCallOptions): DgraphCallOptions {
    const d = this.#defaults;
    if (
      d.timeout === undefined &&
      d.metadata === undefined &&
      d.credentials === undefined &&
      d.signal === undefined
    ) {
      return options;
    }
    return { ...d, ...stripUndefined(options) };
  }

  #merge(src: api.ITxnContext, site: CallSite): void {
    const startTs = u64(src.startTs);
    if (this.#startTs === 0) this.#startTs = startTs;
    else if (startTs !== 0 && this.#startTs !== startTs) {
      throw withCallSite(new TransactionError('StartTs mismatch', { code: 'ERR_START_TS_MISMATCH' }), site);
    }
    this.#hash = src.hash ?? '';
    if (src.keys && src.keys.length > 0) this.#keys.push(...src.keys);
    if (src.preds && src.preds.length > 0) this.#preds.push(...src.preds);
  }

  /**
   * Commits the transaction. Resolves with the commit context, or `null` when nothing was mutated
   * (no network call). Rejects with `AbortedError` when a conflicting transaction committed first.
   */
  async commit(options: DgraphCallOptions = {}): Promise<TxnContext | null> {
    const site = captureCallSite(this.commit);
    if (this.#finished) throw withCallSite(new TxnFinishedError(), site);
    if (this.#readOnly)
      throw withCallSite(new ReadOnlyError('Readonly transaction cannot be committed'), site);
    this.#finished = true;
    if (!this.#mutated) return null;
    const ctx = await this.#funnel.call(
      Methods.commitOrAbort,
      { startTs: this.#startTs, keys: this.#keys, preds: this.#preds, hash: this.#hash, aborted: false },
      this.#opts(options),
      site,
    );
    return toTxnContext(ctx);
  }

  /** Aborts the transaction; idempotent, and a no-op after commit or for transactions that never mutated. */
  async discard(options: DgraphCallOptions = {}): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    // Nothing to abort on the server when nothing was mutated, or no request ever got a start ts.
    if (!this.#mutated || this.#startTs === 0) return;
    const site = captureCallSite(this.discard);
    await this.#funnel.call(
      Methods.commitOrAbort,
      { startTs: this.#startTs, keys: this.#keys, preds: this.#preds, hash: this.#hash, aborted: true },
      this.#opts(options),
      site,
    );
  }

  /** Refreshes the client's access JWT with its refresh token (pydgraph's `retry_login`). */
  retryLogin(options?: DgraphCallOptions): Promise<void> {
    return this.#client.retryLogin(options);
  }

  // pydgraph's async variants: here every call is already a Promise, and unlike pydgraph's they do
  // refresh an expired JWT and retry. Kept so seed code ports as is.

  /** pydgraph's `async_query`: the Promise is the future. */
  asyncQuery<T = any>(query: string, options: QueryOptions = {}): Promise<Response<T>> {
    return this.query<T>(query, options);
  }

  /** pydgraph's `async_mutation`: the Promise is the future. */
  asyncMutation(
    mutationOrOptions: Mutation | MutateOptions = {},
    options: MutateOptions = {},
  ): Promise<Response> {
    return this.mutate(mutationOrOptions, options);
  }

  /** pydgraph's `async_mutate` spelling. */
  asyncMutate(
    mutationOrOptions: Mutation | MutateOptions = {},
    options: MutateOptions = {},
  ): Promise<Response> {
    return this.mutate(mutationOrOptions, options);
  }

  /** `doRequest()` under an async name, for symmetry with the other async variants. */
  asyncDoRequest<T = any>(request: Request, options: DgraphCallOptions = {}): Promise<Response<T>> {
    return this.doRequest<T>(request, options);
  }

  /** Awaits a future from `asyncQuery` (errors are already typed). */
  static async handleQueryFuture<T = any>(future: Promise<Response<T>>): Promise<Response<T>> {
    return await future;
  }

  /**
   * Awaits a future from `asyncMutation`; on failure the transaction is discarded, as pydgraph does.
   * `commitNow` is accepted for seed compatibility (the transaction already tracks it).
   */
  static async handleMutateFuture(
    txn: Txn,
    future: Promise<Response>,
    _commitNow?: boolean,
  ): Promise<Response> {
    try {
      return await future;
    } catch (err) {
      await txn.discard().catch(() => {});
      throw err;
    }
  }

  /** `await using txn = client.txn()`: discards the transaction on scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.discard();
  }
}

function jsonBytes(what: string, value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new UsageError(`${what} is not JSON-serialisable: ${(err as Error).message}`, {
      code: 'ERR_INVALID_ARGUMENT',
      cause: err,
    });
  }
  if (text === undefined)
    throw new UsageError(`${what} is not JSON-serialisable`, { code: 'ERR_INVALID_ARGUMENT' });
  return Buffer.from(text, 'utf8');
}

function toVars(variables: Variables): Record<string, string> {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new TransactionError('variables must be an object of { $name: value }', {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
  let out: Record<string, string> | undefined;
  for (const key in variables) {
    const v = variables[key];
    if (typeof v === 'string') {
      if (out) out[key] = v;
      continue;
    }
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      out ??= { ...(variables as Record<string, string>) };
      out[key] = String(v);
      continue;
    }
    throw new TransactionError(
      `Values and keys in variable map must be strings (variable "${key}" is ${typeof v})`,
      {
        code: 'ERR_INVALID_ARGUMENT',
      },
    );
  }
  return out ?? (variables as Record<string, string>);
}

/** Mutations built by hand may hold strings in bytes fields: encode them as UTF-8, not base64. */
function normalizeMutation(m: Mutation): void {
  const anyM = m as { setJson?: unknown; deleteJson?: unknown; setNquads?: unknown; delNquads?: unknown };
  if (typeof anyM.setJson === 'string') m.setJson = Buffer.from(anyM.setJson);
  if (typeof anyM.deleteJson === 'string') m.deleteJson = Buffer.from(anyM.deleteJson);
  if (typeof anyM.setNquads === 'string') m.setNquads = Buffer.from(anyM.setNquads);
  if (typeof anyM.delNquads === 'string') m.delNquads = Buffer.from(anyM.delNquads);
}

function checkMutateOptions(opts: object): void {
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError('mutate: expected a Mutation or an options object', {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
  for (const key of Object.keys(opts)) {
    if (MUTATE_KEYS.has(key)) continue;
    const hint =
      key === 'setJson' || key === 'deleteJson'
        ? ' (pass new Mutation({ setJson }) or use setObj/delObj)'
        : key.includes('_')
          ? ' (options are camelCase)'
          : '';
    throw new UsageError(`mutate: unknown option "${key}"${hint}`, { code: 'ERR_UNKNOWN_OPTION' });
  }
}
