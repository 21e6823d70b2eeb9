import {
  type CallSite,
  captureCallSite,
  type RetryPolicy,
  retry,
  UsageError,
  withCallSite,
} from '@dbwire/core';
import protobuf from 'protobufjs/minimal.js';
import { AbortedError, RetriableError } from './errors.js';
import { Funnel } from './funnel.js';
import { api, Methods, u64 } from './methods.js';
import { Response } from './response.js';
import { DgraphClientStub } from './stub.js';
import { Txn, type TxnOptions, type Variables } from './txn.js';
import { type DgraphCallOptions, Operation, type OperationInit, type RespFormat } from './types.js';

/** Options of `runDql()`: query variables, read-only / best-effort, the answer format, per-call options. */
export interface RunDqlOptions extends DgraphCallOptions {
  vars?: Variables;
  readOnly?: boolean;
  bestEffort?: boolean;
  respFormat?: RespFormat;
}

/** Options of `withTxn()` besides the retry policy. */
export interface WithTxnOptions {
  readOnly?: boolean;
  bestEffort?: boolean;
  /** Cancels the transaction's calls in flight and stops retrying (and waiting between attempts). */
  signal?: AbortSignal;
  /** Called before each new attempt, after an AbortedError/RetriableError. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** `withTxn`'s second argument: retry policy fields and/or the options, in one object. */
export type WithTxnPolicy = Partial<RetryPolicy> & WithTxnOptions;

/** Default policy of `withTxn`: 5 attempts, 100 ms doubling to 5 s, ±20 % jitter. */
export const TXN_RETRY_POLICY: Readonly<Partial<RetryPolicy>> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  multiplier: 2,
  jitter: 0.2,
  maxDelayMs: 5_000,
  maxElapsedMs: 60_000,
});

/** A namespace as `listNamespaces()` reports it. */
export interface Namespace {
  id: number;
}

/**
 * A Dgraph client over one or more stubs (pydgraph's `DgraphClient`). Calls are spread round-robin
 * over the stubs; a stub that cannot be reached is skipped for a few seconds, and calls that are safe
 * to resend fail over to the next stub. The login session (access + refresh JWT) is kept per client,
 * and an expired access JWT is refreshed and the call retried automatically, for every call.
 */
export class DgraphClient {
  readonly #funnel: Funnel;

  constructor(...stubs: Array<DgraphClientStub | readonly DgraphClientStub[]>) {
    const flat = stubs.flat() as DgraphClientStub[];
    if (flat.length === 0) {
      throw new UsageError('No clients provided in DgraphClient constructor', { code: 'ERR_NO_STUBS' });
    }
    for (const s of flat) {
      if (!(s instanceof DgraphClientStub)) {
        throw new UsageError('DgraphClient expects DgraphClientStub instances', {
          code: 'ERR_INVALID_ARGUMENT',
        });
      }
    }
    this.#funnel = new Funnel(flat);
  }

  /** The stubs this client spreads calls over. */
  get stubs(): readonly DgraphClientStub[] {
    return this.#funnel.stubs;
  }

  /** The current access JWT, once logged in. */
  get accessJwt(): string | undefined {
    return this.#funnel.accessJwt;
  }

  /** Logs in (optionally into a namespace); the JWTs are kept by this client for every later call. */
  async login(
    userid: string,
    password: string,
    namespaceOrOptions?: number | DgraphCallOptions,
    options?: DgraphCallOptions,
  ): Promise<void> {
    const site = captureCallSite(this.login);
    const namespace = typeof namespaceOrOptions === 'number' ? namespaceOrOptions : 0;
    const opts = typeof namespaceOrOptions === 'object' ? namespaceOrOptions : options;
    if (typeof userid !== 'string' || userid === '' || typeof password !== 'string') {
      throw withCallSite(
        new UsageError('login: userid and password must be strings', { code: 'ERR_INVALID_ARGUMENT' }),
        site,
      );
    }
    if (!Number.isInteger(namespace) || namespace < 0) {
      throw withCallSite(
        new UsageError(`login: namespace must be an integer >= 0, got ${namespace}`, {
          code: 'ERR_INVALID_ARGUMENT',
        }),
        site,
      );
    }
    const res = await this.#funnel.call(Methods.login, { userid, password, namespace }, opts, site);
    this.#funnel.setSession(api.Jwt.decode(res.json), { userid, password, namespace });
  }

  /** pydgraph's `login_into_namespace`. */
  loginIntoNamespace(
    userid: string,
    password: string,
    namespace: number,
    options?: DgraphCallOptions,
  ): Promise<void> {
    return this.login(userid, password, namespace, options);
  }

  /** Refreshes the access JWT now with the refresh token (falls back to the login credentials). */
  async retryLogin(options?: DgraphCallOptions): Promise<void> {
    const site = captureCallSite(this.retryLogin);
    try {
      await this.#funnel.refresh(this.#funnel.jwtGen, options, 'retryLogin');
    } catch (err) {
      throw withCallSite(err, site);
    }
  }

  /** Schema changes and drops: `client.alter(new Operation({ schema }))`. */
  alter(operation: Operation | OperationInit, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(() => operation, options, captureCallSite(this.alter));
  }

  /** pydgraph's `async_alter`: the Promise is the future. */
  asyncAlter(operation: Operation | OperationInit, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(() => operation, options, captureCallSite(this.asyncAlter));
  }

  /** pydgraph's `handle_alter_future`: awaits a future from `asyncAlter` (errors are already typed). */
  static async handleAlterFuture(future: Promise<api.Payload>): Promise<api.Payload> {
    return await future;
  }

  /** Drops all data and schema. */
  dropAll(options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(() => ({ dropAll: true }), options, captureCallSite(this.dropAll));
  }

  /** Drops all data, keeps the schema. */
  dropData(options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(() => ({ dropOp: 'DATA' }), options, captureCallSite(this.dropData));
  }

  /** Drops one predicate and its data. */
  dropPredicate(predicate: string, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(
      () => ({ dropOp: 'ATTR', dropValue: nonEmpty('predicate', predicate) }),
      options,
      captureCallSite(this.dropPredicate),
    );
  }

  /** Drops one type definition. */
  dropType(typeName: string, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(
      () => ({ dropOp: 'TYPE', dropValue: nonEmpty('typeName', typeName) }),
      options,
      captureCallSite(this.dropType),
    );
  }

  /** Sets (adds to) the schema. */
  setSchema(schema: string, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#alter(
      () => ({ schema: nonEmpty('schema', schema) }),
      options,
      captureCallSite(this.setSchema),
    );
  }

  /** Builds the Operation (a bad one is a UsageError before any I/O) and sends it. */
  async #alter(
    build: () => Operation | OperationInit,
    options: DgraphCallOptions | undefined,
    site: CallSite,
  ): Promise<api.Payload> {
    let op: Operation;
    try {
      const init = build();
      op = init instanceof Operation ? init : new Operation(init);
    } catch (err) {
      throw withCallSite(err, site);
    }
    return this.#funnel.call(Methods.alter, op, options, site);
  }

  /** A new transaction; no network until its first query or mutation. */
  txn(options: TxnOptions = {}): Txn {
    return new Txn(this, this.#funnel, options);
  }

  /** dgraph-js spelling of `txn()`. */
  newTxn(options: TxnOptions = {}): Txn {
    return this.txn(options);
  }

  /**
   * Runs `fn` in a fresh transaction and commits it (unless `fn` finished it or it is read-only);
   * reruns the whole function on `AbortedError`/`RetriableError` with core backoff.
   */
  async withTxn<T>(
    fn: (txn: Txn) => Promise<T>,
    policy: WithTxnPolicy = {},
    options: WithTxnOptions = {},
  ): Promise<T> {
    const site = captureCallSite(this.withTxn);
    // One options object (`withTxn(fn, { signal, maxAttempts })`) or policy and options apart.
    const { readOnly, bestEffort, signal, onRetry, ...retryFields } = { ...policy, ...options };
    const userRetryOn = retryFields.retryOn;
    try {
      return await retry(
        async () => {
          // The signal goes to every call of the attempt, not only to the retry loop.
          const txn = this.txn({ readOnly, bestEffort, signal });
          try {
            const result = await fn(txn);
            if (!txn.finished && !txn.readOnly) await txn.commit();
            return result;
          } finally {
            await txn.discard().catch(() => {});
          }
        },
        {
          ...TXN_RETRY_POLICY,
          ...retryFields,
          retryOn: (err, attempt) =>
            (err instanceof AbortedError || err instanceof RetriableError) &&
            (userRetryOn?.(err, attempt) ?? true),
        },
        { signal, onRetry },
      );
    } catch (err) {
      throw withCallSite(err, site);
    }
  }

  /** Alias of `withTxn` (the name dgraph-js users look for). */
  runInTransaction<T>(
    fn: (txn: Txn) => Promise<T>,
    policy?: WithTxnPolicy,
    options?: WithTxnOptions,
  ): Promise<T> {
    return this.withTxn(fn, policy, options);
  }

  /** The server's version tag, e.g. `v25.4.0`. */
  async checkVersion(options?: DgraphCallOptions): Promise<string> {
    const res = await this.#funnel.call(
      Methods.checkVersion,
      {},
      options,
      captureCallSite(this.checkVersion),
    );
    return res.tag;
  }

  /** Runs DQL (query, mutation or upsert) in one call (Dgraph v25+). */
  async runDql<T = any>(dqlQuery: string, options: RunDqlOptions = {}): Promise<Response<T>> {
    const site = captureCallSite(this.runDql);
    if (typeof dqlQuery !== 'string' || dqlQuery.trim() === '') {
      throw withCallSite(
        new UsageError('runDql: dqlQuery must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' }),
        site,
      );
    }
    const { vars, readOnly = false, bestEffort = false, respFormat, ...callOptions } = options;
    if (bestEffort && !readOnly) {
      throw withCallSite(
        new UsageError('runDql: bestEffort needs readOnly', { code: 'ERR_BEST_EFFORT_NEEDS_READ_ONLY' }),
        site,
      );
    }
    if (respFormat !== undefined && respFormat !== 'JSON' && respFormat !== 'RDF') {
      throw withCallSite(
        new UsageError(`runDql: respFormat must be 'JSON' or 'RDF', got ${String(respFormat)}`, {
          code: 'ERR_INVALID_ARGUMENT',
        }),
        site,
      );
    }
    const stringVars: Record<string, string> = {};
    if (vars) for (const [k, v] of Object.entries(vars)) stringVars[k] = String(v);
    const msg = await this.#funnel.call(
      Methods.runDql,
      { dqlQuery, vars: stringVars, readOnly, bestEffort, respFormat: respFormat === 'RDF' ? 1 : 0 },
      callOptions,
      site,
      readOnly,
    );
    return new Response<T>(msg);
  }

  /** pydgraph's `run_dql_with_vars`. */
  runDqlWithVars<T = any>(
    dqlQuery: string,
    vars: Variables,
    options: Omit<RunDqlOptions, 'vars'> = {},
  ): Promise<Response<T>> {
    return this.runDql<T>(dqlQuery, { ...options, vars });
  }

  /** Leases `howMany` uids; returns `[start, end)` (Dgraph v25+). */
  allocateUids(howMany: number, options?: DgraphCallOptions): Promise<[number, number]> {
    return this.#allocate(howMany, 1, options, captureCallSite(this.allocateUids));
  }

  /** Leases `howMany` timestamps; returns `[start, end)` (Dgraph v25+). */
  allocateTimestamps(howMany: number, options?: DgraphCallOptions): Promise<[number, number]> {
    return this.#allocate(howMany, 2, options, captureCallSite(this.allocateTimestamps));
  }

  /** Leases `howMany` namespace ids; returns `[start, end)` (Dgraph v25+). */
  allocateNamespaces(howMany: number, options?: DgraphCallOptions): Promise<[number, number]> {
    return this.#allocate(howMany, 0, options, captureCallSite(this.allocateNamespaces));
  }

  async #allocate(
    howMany: number,
    leaseType: number,
    options: DgraphCallOptions | undefined,
    site: ReturnType<typeof captureCallSite>,
  ): Promise<[number, number]> {
    if (!Number.isSafeInteger(howMany) || howMany <= 0) {
      throw withCallSite(
        new UsageError(`howMany must be an integer > 0, got ${howMany}`, { code: 'ERR_INVALID_ARGUMENT' }),
        site,
      );
    }
    const res = await this.#funnel.call(Methods.allocateIds, { howMany, leaseType }, options, site);
    return [u64(res.start), u64(res.end) + 1];
  }

  /** Creates a namespace and returns its id (Dgraph v25+, ACL: guardian of the galaxy). */
  async createNamespace(options?: DgraphCallOptions): Promise<number> {
    const res = await this.#funnel.call(
      Methods.createNamespace,
      {},
      options,
      captureCallSite(this.createNamespace),
    );
    return u64(res.namespace);
  }

  /** Drops a namespace (succeeds when it does not exist). */
  async dropNamespace(namespace: number, options?: DgraphCallOptions): Promise<void> {
    const site = captureCallSite(this.dropNamespace);
    if (!Number.isSafeInteger(namespace) || namespace < 0) {
      throw withCallSite(
        new UsageError(`namespace must be an integer >= 0, got ${namespace}`, {
          code: 'ERR_INVALID_ARGUMENT',
        }),
        site,
      );
    }
    await this.#funnel.call(Methods.dropNamespace, { namespace }, options, site);
  }

  /** Namespace id → namespace. */
  async listNamespaces(options?: DgraphCallOptions): Promise<Map<number, Namespace>> {
    const res = await this.#funnel.call(
      Methods.listNamespaces,
      {},
      options,
      captureCallSite(this.listNamespaces),
    );
    const out = new Map<number, Namespace>();
    for (const [k, v] of Object.entries(res.namespaces)) {
      // protobufjs keys 64-bit map entries by an 8-character hash of the number.
      const id = k.length === 8 ? protobuf.util.LongBits.fromHash(k).toNumber(true) : Number(k);
      out.set(id, { id: u64(v.id) || id });
    }
    return out;
  }

  /** A stub for the next call (round-robin), as pydgraph's `any_client`. */
  anyClient(): DgraphClientStub {
    const stub = this.#funnel.pick();
    if (!stub) throw new UsageError('DgraphClient: every DgraphClientStub is closed', { code: 'ERR_CLOSED' });
    return stub;
  }

  /** Closes every stub. */
  close(): void {
    for (const stub of this.#funnel.stubs) stub.close();
  }

  /** `await using client = ...`: closes every stub. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}

function nonEmpty(what: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`${what} must be a non-empty string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return value;
}
