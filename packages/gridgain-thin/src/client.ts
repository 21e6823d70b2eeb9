/**
 * `Client`: pygridgain's Client in TypeScript. Holds the node list, the current Connection and the
 * binary type registry; every operation goes through `_request`, which implements pygridgain's
 * failover: a call in flight on a broken connection fails with the original SocketError, the next
 * call reconnects to the next node, and `ReconnectError` is thrown when no node answers.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  AuthenticationError,
  awaitWithCallers,
  captureCallSite,
  DbwireError,
  registerSecret,
  traceRequest,
  UsageError,
  withCallSite,
} from '@dbwire/core';
import { PartitionAwareness } from './affinity/routing.js';
import type {
  BinaryContext,
  BinaryReader,
  BinaryTypeMeta,
  BinaryTypeRegistry,
  BinaryWriter,
} from './binary/index.js';
import {
  type ComplexType,
  classOfType,
  defineEnum,
  defineType,
  type EnumType,
  prepareValue,
  type Schema,
  typeIdOf,
  useClassForType,
} from './binary/index.js';
import { Cache } from './cache.js';
import { type CacheSettings, normaliseSettings, PROP_NAME, prepareSettings } from './cache-config.js';
import { Cluster } from './cluster.js';
import { Connection, type RequestOptions, type ResponseReader } from './connection.js';
import { type CursorPromise, cursorPromise, type PinnedRunner, SqlFieldsCursor } from './cursor.js';
import { HandshakeError, ParameterError, ReconnectError } from './errors.js';
import { getBinaryTypeOp, putBinaryTypeOp } from './ops/binary-type-ops.js';
import { cacheNamesOp, createByNameOp, createWithConfigOp } from './ops/cache-ops.js';
import { defineOp, type OpContext, type Operation } from './ops/operation.js';
import { sqlFieldsOp, sqlFieldsPageOp } from './ops/query-ops.js';
import { txStartOp } from './ops/tx-ops.js';
import type { ProtocolVersion, VERSION_FEATURES } from './protocol/constants.js';
import { versionString } from './protocol/constants.js';
import { type SqlOptions, sqlRequest } from './sql.js';
import {
  checkTxOptions,
  Transaction,
  TransactionConcurrency,
  type TransactionDefaults,
  TransactionIsolation,
  type TxStartOptions,
} from './transaction.js';

/** pygridgain's `ssl.CERT_*` values for `sslCertReqs`. */
export const CERT_NONE = 0;
/** pygridgain's `ssl.CERT_OPTIONAL`: verify the server certificate (a server always presents one). */
export const CERT_OPTIONAL = 1;
/** pygridgain's `ssl.CERT_REQUIRED` (the default here): verify the server certificate. */
export const CERT_REQUIRED = 2;

/** Options of `new Client()`: pygridgain's constructor keywords in camelCase. */
export interface ClientOptions {
  /**
   * Seconds (as pygridgain's `timeout`): bounds connecting and every call. A call that outlives it
   * fails with TimeoutError. Default: connect within 10 s, calls unbounded.
   */
  timeout?: number;
  username?: string;
  password?: string;
  /** TLS on/off. Default: off, but on when credentials are given (as the seed says), unless `false`. */
  useSsl?: boolean;
  /** PEM private key file of the client certificate (mutual TLS). */
  sslKeyfile?: string;
  /** Passphrase of `sslKeyfile`. */
  sslKeyfilePassword?: string;
  /** PEM client certificate file (mutual TLS). */
  sslCertfile?: string;
  /** PEM file with the trusted CA certificate(s). */
  sslCaCertfile?: string;
  /**
   * CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED. Default CERT_REQUIRED (pygridgain defaults to
   * CERT_NONE, which accepts any server; here insecure is opt-in). A client always receives the
   * server's certificate, so CERT_OPTIONAL verifies it like CERT_REQUIRED, as Python's ssl does.
   */
  sslCertReqs?: number;
  /** Check the server certificate's name against the host (default true when verifying). */
  sslCheckHostname?: boolean;
  /** Pin the TLS version: 'TLSv1.2' or 'TLSv1.3' (also 'TLSv1', 'TLSv1.1'). */
  sslVersion?: string;
  /** OpenSSL cipher list. */
  sslCiphers?: string;
  /**
   * Partition awareness (pygridgain's `partition_aware`): connect to every node given to `connect()`
   * and send each single-key operation straight to the key's primary node, from the partition
   * mappings (op 1101, refreshed when the topology changes). Keys of an unknown cache or node go to
   * any connected node, which forwards them; transactions stay on their own connection. Give the
   * addresses of all server nodes. Needs protocol ≥ 1.4 (otherwise requests are simply not routed).
   */
  partitionAware?: boolean;
  /** Defaults for `txStart` (Java's ClientTransactionConfiguration): concurrency, isolation, timeout ms. */
  transactionDefaults?: TransactionDefaults;
  /** Heartbeat interval in ms; default a third of the server's idle timeout when it has one. */
  heartbeatInterval?: number;
  /** Highest thin protocol version to offer, e.g. [1, 7, 0]. Default [1, 7, 1]. */
  protocolVersion?: ProtocolVersion;
  /**
   * Caller frames on errors of failed calls (errors born in socket callbacks otherwise show only
   * library frames). Default (undefined): the frames of the async functions awaiting the call are
   * appended on failure only (core `awaitWithCallers`, ~0.1 µs per call). `true`: also capture the
   * synchronous stack when each call starts (a stack walk per call, ~2 µs; shows `.then()` callers
   * too). `false`: nothing appended.
   */
  captureCallSites?: boolean;
}

/** A node address: `[host, port]`. */
export type Node = readonly [host: string, port: number];

const TLS_VERSIONS = new Set(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

/** Binary type metadata over ops 3002/3003, cached per client, single-flight per type id. */
class ClientTypeRegistry implements BinaryTypeRegistry {
  readonly #client: Client;
  readonly #types = new Map<number, BinaryTypeMeta>();
  readonly #fetching = new Map<number, Promise<BinaryTypeMeta | undefined>>();
  readonly #putting = new Map<number, Promise<void>>();

  constructor(client: Client) {
    this.#client = client;
  }

  get(typeId: number): BinaryTypeMeta | undefined {
    return this.#types.get(typeId);
  }

  fetch(typeId: number): Promise<BinaryTypeMeta | undefined> {
    const cached = this.#types.get(typeId);
    if (cached) return Promise.resolve(cached);
    let p = this.#fetching.get(typeId);
    if (!p) {
      p = this.#client
        ._execute(getBinaryTypeOp(typeId))
        .then((meta) => {
          if (meta) this.#types.set(typeId, meta);
          return meta;
        })
        .finally(() => this.#fetching.delete(typeId));
      this.#fetching.set(typeId, p);
    }
    return p;
  }

  put(meta: BinaryTypeMeta): Promise<void> {
    let p = this.#putting.get(meta.typeId);
    if (!p) {
      p = this.#client
        ._execute(putBinaryTypeOp(meta))
        .then(() => {
          this.#types.set(meta.typeId, meta);
        })
        .finally(() => this.#putting.delete(meta.typeId));
      this.#putting.set(meta.typeId, p);
    }
    return p;
  }

  /** Forget everything (after connecting to another cluster). */
  clear(): void {
    this.#types.clear();
  }
}

/** pygridgain's Client: connects to a node (or a list, with failover) and opens caches, SQL and transactions. */
export class Client implements AsyncDisposable {
  /** The codec's context: type registry over this client's connection. */
  readonly binary: BinaryContext;
  readonly #opts: ClientOptions;
  readonly #tls: TlsConnectionOptions | undefined;
  readonly #callTimeoutMs: number | undefined;
  readonly #callSites: boolean | undefined;
  #nodes: Node[] = [];
  #index = -1;
  #conn: Connection | undefined;
  #tx: Transaction | undefined;
  #txStarting = false;
  #connecting: Promise<Connection> | undefined;
  #closed = true;
  /** Per-node connections and routing, with `partitionAware: true`. */
  readonly #aware: PartitionAwareness | undefined;

  constructor(options: ClientOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ParameterError('Client options must be an object');
    const { timeout, username, password } = options;
    if (
      timeout !== undefined &&
      (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))
    ) {
      throw new ParameterError(`timeout must be a positive number of seconds, got ${String(timeout)}`);
    }
    if (username !== undefined && typeof username !== 'string')
      throw new ParameterError('username must be a string');
    if (password !== undefined && typeof password !== 'string')
      throw new ParameterError('password must be a string');
    if (password) registerSecret(password);
    this.#opts = { ...options };
    this.#callTimeoutMs = timeout === undefined ? undefined : Math.round(timeout * 1000);
    this.#callSites = options.captureCallSites;
    const useSsl = options.useSsl ?? (username !== undefined || password !== undefined);
    this.#tls = useSsl ? buildTls(options) : undefined;
    this.binary = { registry: new ClientTypeRegistry(this) };
    this.#aware = options.partitionAware
      ? new PartitionAwareness({
          open: (node) => this.#open(node[0], node[1]),
          send: (conn, op) => this.#send(conn, op, undefined, undefined),
          binary: this.binary,
          closed: () => this.#closed,
          current: () => this.#conn,
        })
      : undefined;
  }

  /** Connects to one node, or to the first reachable node of a list (failover order). */
  connect(host?: string, port?: number): Promise<this>;
  connect(nodes: ReadonlyArray<Node | readonly (string | number)[]>): Promise<this>;
  async connect(
    hostOrNodes: string | ReadonlyArray<Node | readonly (string | number)[]> = '127.0.0.1',
    port = 10800,
  ): Promise<this> {
    const nodes = parseNodes(hostOrNodes, port);
    if (this.#conn) this.#conn.close();
    this.#conn = undefined;
    this.#nodes = nodes;
    this.#index = -1;
    this.#closed = false;
    await this.#reconnect();
    if (this.#aware !== undefined) await this.#aware.connectAll(nodes);
    return this;
  }

  /** Closes the connection. Calls in flight fail with SocketError. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#tx?._abandon();
    this.#tx = undefined;
    const c = this.#conn;
    this.#conn = undefined;
    c?.close();
    this.#aware?.close();
  }

  /** `await using client = ...`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** True while a connection is open. */
  get connected(): boolean {
    return this.#conn !== undefined && !this.#conn.closed;
  }

  /** The negotiated protocol version ("1.7.0"), or undefined when not connected. */
  get protocolVersion(): string | undefined {
    return this.#conn ? versionString(this.#conn.version) : undefined;
  }

  /** The node currently connected to, as "host:port". */
  get currentNode(): string | undefined {
    return this.#conn?.address;
  }

  /** The connection's negotiated feature mask (1.7+), for diagnostics. */
  get features(): Buffer | undefined {
    return this.#conn?.features;
  }

  toString(): string {
    const c = this.#conn;
    return c ? `Client(${c.address}, protocol ${versionString(c.version)})` : 'Client(not connected)';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The cluster API: state and nodes (pygridgain's `get_cluster`). No I/O until a method is called. */
  getCluster(): Cluster {
    return new Cluster(this);
  }

  /** A Cache object for an existing cache (no I/O; operations fail if it does not exist). */
  getCache(settings: string | CacheSettings): Cache {
    const name = typeof settings === 'string' ? settings : (settings as CacheSettings)[PROP_NAME];
    if (typeof name !== 'string' || name.length === 0) {
      throw new ParameterError('getCache needs a cache name or settings with PROP_NAME');
    }
    return new Cache(this, name);
  }

  /** Creates a cache; fails with CacheCreationError when it exists. */
  createCache(settings: string | CacheSettings, options?: RequestOptions): Promise<Cache> {
    return this.#create(settings, false, options);
  }

  /** Returns the cache, creating it with `settings` when it does not exist. */
  getOrCreateCache(settings: string | CacheSettings, options?: RequestOptions): Promise<Cache> {
    return this.#create(settings, true, options);
  }

  /** Names of all caches in the cluster (pygridgain's `get_cache_names`). */
  getCacheNames(options?: RequestOptions): Promise<string[]> {
    return this._execute(cacheNamesOp(), options);
  }

  /** @deprecated Use {@link Client.getCacheNames}, the seed's name. */
  cacheNames(options?: RequestOptions): Promise<string[]> {
    return this.getCacheNames(options);
  }

  async #create(settings: string | CacheSettings, orGet: boolean, options?: RequestOptions): Promise<Cache> {
    const s = normaliseSettings(settings);
    if (typeof settings === 'string') {
      await this._execute(createByNameOp(s.name, orGet), options);
      return new Cache(this, s.name);
    }
    const prep = prepareSettings(s, this.binary);
    if (prep) await prep;
    await this._execute(createWithConfigOp(s, orGet), options);
    return new Cache(this, s.name);
  }

  /**
   * @internal The funnel: runs one operation definition and returns its decoded answer. Every public
   * method ends here. An operation that may join a transaction while one is open goes to that
   * transaction's connection, queued behind its earlier operations; any other goes to the connection
   * `#pick` chooses. Diagnostics, the default timeout and caller frames are applied here.
   */
  _execute<T>(op: Operation<T>, options?: RequestOptions): Promise<T> {
    const tx = op.transactional ? this.#tx : undefined;
    let p: Promise<T>;
    if (tx !== undefined) p = tx._enqueue(op, options);
    else {
      const c = this.#pick(op);
      p =
        c instanceof Connection
          ? this.#send(c, op, options, undefined)
          : c.then((conn) => this.#send(conn, op, options, undefined));
    }
    return this.#wrap(p);
  }

  /**
   * @internal A raw request through the funnel (an ad hoc operation): op code, payload writer, answer
   * reader. Used by tests and by code that needs an op this package has no definition for yet.
   */
  _request<T>(
    op: number,
    write: ((w: BinaryWriter) => void) | undefined,
    read: ResponseReader<T> | undefined,
    options?: RequestOptions,
    needs?: keyof typeof VERSION_FEATURES,
  ): Promise<T> {
    return this._execute(
      defineOp<T>(`op.${op}`, op, write && ((w) => write(w)), read && ((r) => read(r)), { needs }),
      options,
    );
  }

  /**
   * Where a request that is not bound to a transaction goes: today the one current connection
   * (reconnecting, with pygridgain's failover, when it is gone). This is the single place where a
   * per-request choice of node (partition-aware routing by `op.key`) plugs in.
   */
  #pick(op: Operation<unknown> | undefined): Connection | Promise<Connection> {
    const aware = this.#aware;
    if (aware !== undefined && op?.key !== undefined && !this.#closed) {
      const routed = aware.pick(op.key);
      if (routed !== undefined) {
        if (!(routed instanceof Promise)) return routed;
        return routed.then((conn) => conn ?? this.#connectionFor());
      }
    }
    const c = this.#conn;
    if (c !== undefined && !c.closed) return c;
    // Partition-aware: another node's open connection takes over at once (no reconnect wait).
    const other = this.#closed ? undefined : aware?.any();
    if (other !== undefined) {
      this.#conn = other;
      return other;
    }
    if (this.#closed) {
      return Promise.reject(
        new UsageError('the client is not connected: call connect() first', { code: 'ERR_NOT_CONNECTED' }),
      );
    }
    return this.#reconnect();
  }

  /** @internal The open connection, reconnecting when needed. */
  _connection(): Promise<Connection> {
    return this.#connectionFor();
  }

  /** @internal Sends an operation of transaction `txId` on its connection (see Transaction). */
  _sendInTx<T>(
    conn: Connection,
    op: Operation<T>,
    options: RequestOptions | undefined,
    txId: number,
  ): Promise<T> {
    return this.#send(conn, op, options, txId);
  }

  /** @internal The open transaction ended: operations run outside it again. */
  _txEnded(tx: Transaction): void {
    if (this.#tx === tx) this.#tx = undefined;
  }

  /**
   * Starts a transaction (pygridgain's `tx_start`, protocol ≥ 1.5, TRANSACTIONAL caches). While it is
   * open, this client's cache key-value operations join it; see Transaction for the concurrency rules.
   * Unset options take `transactionDefaults` (PESSIMISTIC, REPEATABLE_READ, no timeout).
   *
   * ```ts
   * await using tx = await client.txStart({ timeout: 2000, label: 'tx-sync' });
   * await cache.put(1, 'success');
   * await tx.commit();
   * ```
   */
  txStart(options?: TxStartOptions): Promise<Transaction> {
    try {
      checkTxOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#tx !== undefined || this.#txStarting) {
      return Promise.reject(
        new UsageError(
          `a transaction is still open on this client: commit, roll back or close it first ` +
            '(one open transaction per client; use another Client for concurrent transactions)',
          { code: 'ERR_TX_ALREADY_OPEN' },
        ),
      );
    }
    const d = this.#opts.transactionDefaults;
    const concurrency = options?.concurrency ?? d?.concurrency ?? TransactionConcurrency.PESSIMISTIC;
    const isolation = options?.isolation ?? d?.isolation ?? TransactionIsolation.REPEATABLE_READ;
    const timeout = options?.timeout ?? d?.timeout ?? 0;
    const label = options?.label;
    // Claim the slot now, so a second txStart racing this one fails instead of opening a second one.
    this.#txStarting = true;
    const p = this.#connectionFor()
      .then(async (conn) => {
        const id = await this.#send(
          conn,
          txStartOp(concurrency, isolation, timeout, label),
          undefined,
          undefined,
        );
        const tx = new Transaction(this, conn, id, concurrency, isolation, timeout, label);
        this.#tx = tx;
        return tx;
      })
      .finally(() => {
        this.#txStarting = false;
      });
    return this.#callSites === false ? p : awaitWithCallers(p);
  }

  /**
   * The server's metadata of a binary type, by name or type id (pygridgain's `get_binary_type`, op
   * 3002); undefined when the cluster does not know it.
   */
  getBinaryType(type: string | number, options?: RequestOptions): Promise<BinaryTypeMeta | undefined> {
    let id: number;
    try {
      id = binaryTypeId(type);
    } catch (err) {
      return Promise.reject(err);
    }
    return this._execute(getBinaryTypeOp(id), options);
  }

  /**
   * Declares a binary type on the server (pygridgain's `put_binary_type`, op 3003): a complex type
   * with `schema` (field name → type hint), or an enum with `isEnum` and `schema` (name → ordinal).
   * Returns the local class (or enum) for it.
   */
  async putBinaryType(
    typeName: string,
    options?: { affinityKeyField?: string; isEnum?: boolean; schema?: Schema | Record<string, number> },
  ): Promise<ComplexType | EnumType> {
    if (options?.isEnum) {
      const e = defineEnum(typeName, (options.schema ?? {}) as Record<string, number>);
      await this.binary.registry.put(e.meta);
      return e;
    }
    const schema = (options?.schema ?? {}) as Schema;
    const field = options?.affinityKeyField;
    const t = defineType(typeName, schema, field === undefined ? undefined : { affinityKeyField: field });
    await this.registerBinaryType(t);
    return t;
  }

  /**
   * Registers a class made with `defineType` / `GenericObjectMeta` (or a class extending one) with
   * the server, and makes it the class its values read back as (pygridgain's `register_binary_type`).
   */
  async registerBinaryType(cls: ComplexType | (abstract new (...args: never[]) => object)): Promise<void> {
    useClassForType(cls);
    const p = prepareValue(Object.create(cls.prototype) as object, undefined, this.binary);
    if (p) await p;
  }

  /**
   * The class values of a binary type read back as, by name or type id (pygridgain's
   * `query_binary_type`): the local class, else one derived from the server's metadata; undefined
   * when neither side knows the type.
   */
  async queryBinaryType(type: string | number): Promise<ComplexType | undefined> {
    const id = binaryTypeId(type);
    const meta = await this.binary.registry.fetch(id);
    return meta ? classOfType(this.binary.registry, meta) : undefined;
  }

  /**
   * Runs a SQL statement (pygridgain's `sql()`, op 2004): DDL and DML run when the returned promise
   * settles; a query's rows come page by page from the cursor it resolves to, which is also iterable
   * directly. Bad SQL rejects with SQLError carrying the server's message.
   *
   * ```ts
   * await client.sql('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR)');
   * await client.sql('INSERT INTO t VALUES (?, ?)', { queryArgs: [1, 'one'] });
   * for await (const row of client.sql('SELECT * FROM t')) console.log(...row);
   * ```
   */
  sql(query: string, options?: SqlOptions): CursorPromise<SqlFieldsCursor, unknown[]> {
    return cursorPromise(this.#sql(query, options));
  }

  async #sql(query: string, o: SqlOptions | undefined): Promise<SqlFieldsCursor> {
    const req = sqlRequest(query, o);
    const prep = this.#prepArgs(req.args);
    if (prep) await prep;
    const [first, run] = await this._executePinned(sqlFieldsOp(req), o);
    return new SqlFieldsCursor(run, first, (id) => sqlFieldsPageOp(id, first.columnCount), o?.onProgress);
  }

  /** @internal Registers the complex types among query arguments (each may be `[value, hint]`). */
  _prepArgs(args: readonly unknown[]): Promise<unknown> | undefined {
    return this.#prepArgs(args);
  }

  #prepArgs(args: readonly unknown[]): Promise<unknown> | undefined {
    let all: Promise<void>[] | undefined;
    for (const a of args) {
      const p = prepareValue(a, undefined, this.binary);
      if (p) {
        all ??= [];
        all.push(p);
      }
    }
    return all ? Promise.all(all) : undefined;
  }

  /**
   * @internal Runs an operation that opens a server cursor and returns its answer together with a
   * runner pinned to the same connection (cursor ids are per connection), for pages and close.
   */
  async _executePinned<T>(op: Operation<T>, options: RequestOptions | undefined): Promise<[T, PinnedRunner]> {
    const picked = this.#pick(op);
    const conn = picked instanceof Connection ? picked : await this.#wrap(picked);
    const value = await this.#wrap(this.#send(conn, op, options, undefined));
    const later: RequestOptions | undefined = options?.signal ? { signal: options.signal } : undefined;
    const run: PinnedRunner = (next) => this.#wrap(this.#send(conn, next, later, undefined));
    return [value, run];
  }

  /** Caller frames on failure (see `captureCallSites`). */
  #wrap<T>(p: Promise<T>): Promise<T> {
    if (this.#callSites === undefined) return awaitWithCallers(p);
    if (!this.#callSites) return p;
    const site = captureCallSite(this.#wrap);
    return p.catch((err: unknown) => {
      throw withCallSite(err, site);
    });
  }

  #connectionFor(): Promise<Connection> {
    const c = this.#pick(undefined);
    return c instanceof Connection ? Promise.resolve(c) : c;
  }

  /** Sends `op` on `c`: the one place that talks to a Connection. */
  #send<T>(
    c: Connection,
    op: Operation<T>,
    options: RequestOptions | undefined,
    txId: number | undefined,
  ): Promise<T> {
    if (op.needs !== undefined && !c.supports(op.needs)) {
      try {
        c.require(op.needs, op.name);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    let opts = options;
    if (this.#callTimeoutMs !== undefined && options?.timeout === undefined) {
      opts = { timeout: this.#callTimeoutMs, signal: options?.signal };
    }
    const ctx: OpContext = { version: c.version, txId, binary: this.binary };
    const { encode, decode } = op;
    const p = c.request(op.code, encode && ((w) => encode(w, ctx)), decode && ((r) => decode(r, ctx)), opts);
    const trace = traceRequest('gridgain', op.name, c.address);
    if (trace === undefined) return p;
    return p.then(
      (v) => {
        trace.end();
        return v;
      },
      (err: unknown) => {
        trace.error(err);
        throw err;
      },
    );
  }

  #reconnect(): Promise<Connection> {
    if (this.#connecting) return this.#connecting;
    const p = this.#tryNodes().finally(() => {
      this.#connecting = undefined;
    });
    this.#connecting = p;
    return p;
  }

  /** Opens one connection with this client's TLS, credentials, protocol version and heartbeats. */
  #open(host: string, port: number): Promise<Connection> {
    return Connection.open({
      host,
      port,
      tls: this.#tls,
      username: this.#opts.username,
      password: this.#opts.password,
      connectTimeoutMs: this.#callTimeoutMs ?? 10_000,
      maxVersion: this.#opts.protocolVersion,
      heartbeatIntervalMs: this.#opts.heartbeatInterval,
    });
  }

  async #tryNodes(): Promise<Connection> {
    const n = this.#nodes.length;
    if (n === 0) throw new UsageError('no nodes to connect to: call connect() first');
    const errors: unknown[] = [];
    for (let attempt = 0; attempt < n; attempt++) {
      const index = (this.#index + 1 + attempt) % n;
      const [host, port] = this.#nodes[index]!;
      try {
        const conn = await this.#open(host, port);
        if (this.#closed) {
          conn.close();
          throw new UsageError('the client was closed while connecting');
        }
        this.#index = index;
        this.#conn = conn;
        conn.onClose = () => {
          if (this.#conn === conn) this.#conn = undefined;
        };
        this.#aware?.adopt(conn, [host, port]);
        return conn;
      } catch (err) {
        // Wrong credentials or protocol are the same on every node of a cluster: report them as is.
        if (
          err instanceof AuthenticationError ||
          err instanceof HandshakeError ||
          err instanceof UsageError
        ) {
          throw err;
        }
        errors.push(err);
      }
    }
    const detail = errors
      .map((e) => (DbwireError.is(e) || e instanceof Error ? e.message : String(e)))
      .join('; ');
    throw new ReconnectError(`cannot connect to any of ${n} node(s): ${detail}`, {
      cause: errors.length === 1 ? errors[0] : new AggregateError(errors, 'every node failed'),
    });
  }
}

function parseNodes(
  hostOrNodes: string | ReadonlyArray<Node | readonly (string | number)[]>,
  port: number,
): Node[] {
  const checkPort = (p: unknown, where: string): number => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
      throw new ParameterError(`${where}: port must be an integer 1..65535, got ${String(p)}`);
    }
    return p;
  };
  if (typeof hostOrNodes === 'string') {
    if (hostOrNodes.length === 0) throw new ParameterError('host must be a non-empty string');
    return [[hostOrNodes, checkPort(port, hostOrNodes)]];
  }
  if (!Array.isArray(hostOrNodes) || hostOrNodes.length === 0) {
    throw new ParameterError('connect() needs a host and port, or a non-empty list of [host, port] pairs');
  }
  return hostOrNodes.map((node, i) => {
    if (!Array.isArray(node) || typeof node[0] !== 'string' || node[0].length === 0) {
      throw new ParameterError(`node ${i} must be a [host, port] pair`);
    }
    return [node[0], checkPort(node[1], `node ${i}`)] as Node;
  });
}

function readPem(path: string | undefined, what: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ParameterError(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function buildTls(o: ClientOptions): TlsConnectionOptions {
  const reqs = o.sslCertReqs ?? CERT_REQUIRED;
  if (reqs !== CERT_NONE && reqs !== CERT_OPTIONAL && reqs !== CERT_REQUIRED) {
    throw new ParameterError('sslCertReqs must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED');
  }
  const out: TlsConnectionOptions = { rejectUnauthorized: reqs !== CERT_NONE };
  const ca = readPem(o.sslCaCertfile, 'sslCaCertfile');
  const cert = readPem(o.sslCertfile, 'sslCertfile');
  const key = readPem(o.sslKeyfile, 'sslKeyfile');
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (o.sslKeyfilePassword !== undefined) {
    registerSecret(o.sslKeyfilePassword);
    out.passphrase = o.sslKeyfilePassword;
  }
  if (o.sslVersion !== undefined) {
    if (!TLS_VERSIONS.has(o.sslVersion)) {
      throw new ParameterError(
        `sslVersion must be one of ${[...TLS_VERSIONS].join(', ')}, got ${o.sslVersion}`,
      );
    }
    out.minVersion = o.sslVersion as TlsConnectionOptions['minVersion'];
    out.maxVersion = o.sslVersion as TlsConnectionOptions['maxVersion'];
  }
  if (o.sslCiphers !== undefined) out.ciphers = o.sslCiphers;
  if (o.sslCheckHostname === false || reqs === CERT_NONE) out.checkServerIdentity = () => undefined;
  return out;
}

export type { BinaryReader };

/** Type id of a binary type given by name (Java's lower-case hash) or id. */
function binaryTypeId(type: string | number): number {
  if (typeof type === 'number' && Number.isInteger(type)) return type | 0;
  if (typeof type === 'string' && type.length > 0) return typeIdOf(type);
  throw new ParameterError('a binary type is given by its name or its type id');
}
