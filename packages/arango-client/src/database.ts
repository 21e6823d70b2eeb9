import type { CallOptions } from '@dbwire/core';
// arango-admin: the administration methods and API wrappers (src/admin), mixed in below.
import { type DatabaseAdministration, mixInAdministration } from './admin/index.js';
import { ApiGroup, AQL } from './aql.js';
import {
  type CollectionProperties,
  type DeleteOptions,
  type Document,
  type DocumentMetadata,
  formatCollection,
  type InsertOptions,
  type ReadOptions,
  type ReplaceOptions,
  StandardCollection,
  type UpdateOptions,
} from './collection.js';
import { type Executor, HeaderExecutor, serverError } from './connection.js';
import {
  ArangoClientError,
  AsyncJobClearError,
  AsyncJobListError,
  CollectionCreateError,
  CollectionDeleteError,
  CollectionListError,
  DatabaseCreateError,
  DatabaseDeleteError,
  DatabaseListError,
  DatabasePropertiesError,
  GraphCreateError,
  GraphDeleteError,
  GraphListError,
  ServerDetailsError,
  ServerEngineError,
  ServerStatusError,
  ServerVersionError,
  TransactionAbortError,
  TransactionCommitError,
  TransactionExecuteError,
  TransactionInitError,
  TransactionStateError,
  TransactionStatusError,
} from './errors.js';
import {
  AsyncExecutor,
  BatchExecutor,
  type BatchJob,
  type BatchOptions,
  type Deferred,
} from './execution.js';
import {
  type EdgeDefinition,
  edgeDefinitionBody,
  formatGraph,
  Graph,
  type GraphProperties,
} from './graph.js';
import { type DocumentSelector, parseHandle } from './handles.js';

/** A user given access to a new database (`createDatabase({ users })`). */
export interface DatabaseUser {
  username: string;
  password?: string;
  active?: boolean;
  extra?: Record<string, unknown>;
}

/** Options of `createCollection()` (the seed's keyword arguments). */
export interface CreateCollectionOptions extends CallOptions {
  sync?: boolean;
  system?: boolean;
  edge?: boolean;
  userKeys?: boolean;
  keyIncrement?: number;
  keyOffset?: number;
  keyGenerator?: 'traditional' | 'autoincrement' | 'uuid' | 'padded';
  shardFields?: string[];
  shardCount?: number;
  replicationFactor?: number | 'satellite';
  shardLike?: string;
  syncReplication?: boolean;
  enforceReplicationFactor?: boolean;
  shardingStrategy?: string;
  smartJoinAttribute?: string;
  writeConcern?: number;
  schema?: Record<string, unknown>;
  computedValues?: unknown[];
  cacheEnabled?: boolean;
}

/** Body and query of POST /_api/collection. Pure. */
export function createCollectionRequest(name: string, o: CreateCollectionOptions = {}) {
  if (typeof name !== 'string' || !name)
    throw new ArangoClientError('collection name must be a non-empty string');
  const body: Record<string, unknown> = { name };
  if (o.edge) body.type = 3;
  if (o.sync !== undefined) body.waitForSync = o.sync;
  if (o.system !== undefined) body.isSystem = o.system;
  const keyOptions: Record<string, unknown> = {};
  if (o.keyGenerator !== undefined) keyOptions.type = o.keyGenerator;
  if (o.userKeys !== undefined) keyOptions.allowUserKeys = o.userKeys;
  if (o.keyIncrement !== undefined) keyOptions.increment = o.keyIncrement;
  if (o.keyOffset !== undefined) keyOptions.offset = o.keyOffset;
  if (Object.keys(keyOptions).length) body.keyOptions = keyOptions;
  if (o.shardFields !== undefined) body.shardKeys = o.shardFields;
  if (o.shardCount !== undefined) body.numberOfShards = o.shardCount;
  if (o.replicationFactor !== undefined) body.replicationFactor = o.replicationFactor;
  if (o.shardLike !== undefined) body.distributeShardsLike = o.shardLike;
  if (o.shardingStrategy !== undefined) body.shardingStrategy = o.shardingStrategy;
  if (o.smartJoinAttribute !== undefined) body.smartJoinAttribute = o.smartJoinAttribute;
  if (o.writeConcern !== undefined) body.writeConcern = o.writeConcern;
  if (o.schema !== undefined) body.schema = o.schema;
  if (o.computedValues !== undefined) body.computedValues = o.computedValues;
  if (o.cacheEnabled !== undefined) body.cacheEnabled = o.cacheEnabled;
  const query = {
    waitForSyncReplication: o.syncReplication === undefined ? undefined : o.syncReplication ? 1 : 0,
    enforceReplicationFactor:
      o.enforceReplicationFactor === undefined ? undefined : o.enforceReplicationFactor ? 1 : 0,
  };
  return { body, query };
}

/** Collections and options of a stream transaction (`read`, `write`, `exclusive`, ...). */
export interface TransactionOptions extends CallOptions {
  read?: string | string[];
  write?: string | string[];
  exclusive?: string | string[];
  sync?: boolean;
  allowImplicit?: boolean;
  /** Seconds to wait for collection locks. */
  lockTimeout?: number;
  maxSize?: number;
}

function collectionsOf(o: {
  read?: string | string[];
  write?: string | string[];
  exclusive?: string | string[];
}) {
  const collections: Record<string, string | string[]> = {};
  if (o.read !== undefined) collections.read = o.read;
  if (o.write !== undefined) collections.write = o.write;
  if (o.exclusive !== undefined) collections.exclusive = o.exclusive;
  return collections;
}

// arango-admin: users, tasks, views, analyzers, server administration and the `wal`/`foxx`/`pregel`/
// `replication`/`cluster`/`backup` wrappers are written in src/admin/ and installed on the prototype
// by `mixInAdministration` (after the class); this declaration gives them their types.
export interface StandardDatabase extends DatabaseAdministration {}
/** Database API wrapper (`await client.db('test')`). */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: arango-admin, the interface's members are installed by mixInAdministration below
export class StandardDatabase extends ApiGroup {
  readonly aql: AQL;
  readonly #username: string | undefined;

  constructor(exec: Executor, name: string, username?: string) {
    super(exec, name);
    this.aql = new AQL(exec, name);
    this.#username = username;
  }

  get name(): string {
    return this._db;
  }
  get username(): string | null {
    return this.#username ?? null;
  }

  // --- server ----------------------------------------------------------------------------------
  /** Server version string ("3.12.10"), or the whole answer with `details`. */
  async version(o: CallOptions & { details?: boolean } = {}): Promise<string> {
    return this._call(
      this._req('GET', '/_api/version', { query: { details: o.details || undefined } }),
      ServerVersionError,
      o,
      (body) => (o.details ? body : body.version),
    );
  }
  /** Server build and platform details. */
  async details(options?: CallOptions): Promise<Record<string, string>> {
    return this._call(
      this._req('GET', '/_api/version', { query: { details: true } }),
      ServerDetailsError,
      options,
      (body) => body.details,
    );
  }
  /** The server status (`/_admin/status`). */
  async status(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_admin/status'), ServerStatusError, options);
  }
  /** The storage engine (`{ name: "rocksdb", supports }`). */
  async engine(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_api/engine'), ServerEngineError, options, (body) => {
      const { error: _e, code: _c, ...rest } = body;
      return rest;
    });
  }

  /** Key generator types the server supports. */
  async keyGenerators(options?: CallOptions): Promise<string[]> {
    return this._call(
      this._req('GET', '/_api/key-generators'),
      CollectionListError,
      options,
      (body) => body.keyGenerators,
    );
  }

  // --- databases -------------------------------------------------------------------------------
  /** Properties of this database (`id`, `name`, `path`, `isSystem`, ...). */
  async properties(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/database/current'),
      DatabasePropertiesError,
      options,
      (body) => body.result,
    );
  }
  /** Names of all databases (needs `_system` access). */
  async databases(options?: CallOptions): Promise<string[]> {
    const req = { method: 'GET' as const, endpoint: '/_api/database', db: '_system' };
    return this._call(req, DatabaseListError, options, (body) => body.result);
  }
  /** Names of the databases the current user can access. */
  async databasesAccessible(options?: CallOptions): Promise<string[]> {
    return this._call(
      this._req('GET', '/_api/database/user'),
      DatabaseListError,
      options,
      (body) => body.result,
    );
  }
  /** True when the database exists (needs `_system` access). */
  async hasDatabase(name: string, options?: CallOptions): Promise<boolean> {
    const req = { method: 'GET' as const, endpoint: '/_api/database', db: '_system' };
    return this._call(req, DatabaseListError, options, (body) => (body.result as string[]).includes(name));
  }
  /** Creates a database (through `_system`); `users` get access to it. */
  async createDatabase(
    nameOrOptions: string | { name: string; users?: DatabaseUser[]; options?: Record<string, unknown> },
    o: CallOptions & {
      users?: DatabaseUser[];
      replicationFactor?: number | 'satellite';
      writeConcern?: number;
      sharding?: string;
    } = {},
  ): Promise<boolean> {
    const spec = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
    if (!spec || typeof spec.name !== 'string' || !spec.name)
      throw new ArangoClientError('database name must be a non-empty string');
    const body: Record<string, unknown> = { name: spec.name };
    const users = ('users' in spec ? spec.users : undefined) ?? o.users;
    if (users) {
      body.users = users.map((u) => {
        const out: Record<string, unknown> = { username: u.username };
        if (u.password !== undefined) out.passwd = u.password;
        if (u.active !== undefined) out.active = u.active;
        if (u.extra !== undefined) out.extra = u.extra;
        return out;
      });
    }
    const options: Record<string, unknown> = { ...('options' in spec ? spec.options : undefined) };
    if (o.replicationFactor !== undefined) options.replicationFactor = o.replicationFactor;
    if (o.writeConcern !== undefined) options.writeConcern = o.writeConcern;
    if (o.sharding !== undefined) options.sharding = o.sharding;
    if (Object.keys(options).length) body.options = options;
    return this._call(
      { method: 'POST', endpoint: '/_api/database', db: '_system', body },
      DatabaseCreateError,
      o,
      () => true,
    );
  }
  /** Drops a database; false when missing and `ignoreMissing`. */
  async deleteDatabase(name: string, o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    const req = {
      method: 'DELETE' as const,
      endpoint: `/_api/database/${encodeURIComponent(name)}`,
      db: '_system',
    };
    return this._callIgnoreMissing(req, DatabaseDeleteError, o, o);
  }

  // --- collections -----------------------------------------------------------------------------
  /** The collections of the database. */
  async collections(o: CallOptions & { excludeSystem?: boolean } = {}): Promise<CollectionProperties[]> {
    return this._call(
      this._req('GET', '/_api/collection', { query: { excludeSystem: o.excludeSystem } }),
      CollectionListError,
      o,
      (body) => (body.result as Record<string, any>[]).map(formatCollection),
    );
  }
  /** The wrapper of collection `name` (no request). */
  collection<T extends Record<string, any> = Record<string, any>>(name: string): StandardCollection<T> {
    return new StandardCollection<T>(this._exec, this._db, name);
  }
  /** True when the collection exists. */
  async hasCollection(name: string, options?: CallOptions): Promise<boolean> {
    const req = this._req('GET', `/_api/collection/${encodeURIComponent(name)}`);
    return this._callIgnoreMissing(req, CollectionListError, options, { ignoreMissing: true });
  }
  /** Creates a collection; returns its wrapper (seed: `create_collection`). */
  async createCollection<T extends Record<string, any> = Record<string, any>>(
    name: string,
    o: CreateCollectionOptions = {},
  ): Promise<StandardCollection<T>> {
    const { body, query } = createCollectionRequest(name, o);
    return this._call(this._req('POST', '/_api/collection', { body, query }), CollectionCreateError, o, () =>
      this.collection<T>(name),
    );
  }
  /** Drops a collection; false when missing and `ignoreMissing`. */
  async deleteCollection(
    name: string,
    o: CallOptions & { ignoreMissing?: boolean; system?: boolean } = {},
  ): Promise<boolean> {
    const req = this._req('DELETE', `/_api/collection/${encodeURIComponent(name)}`, {
      query: { isSystem: o.system },
    });
    return this._callIgnoreMissing(req, CollectionDeleteError, o, o);
  }

  // --- graphs ----------------------------------------------------------------------------------
  /** The graphs of the database. */
  async graphs(options?: CallOptions): Promise<GraphProperties[]> {
    return this._call(this._req('GET', '/_api/gharial'), GraphListError, options, (body) =>
      (body.graphs as any[]).map(formatGraph),
    );
  }
  /** The wrapper of graph `name` (no request). */
  graph(name: string): Graph {
    return new Graph(this._exec, this._db, name);
  }
  /** True when the graph exists. */
  async hasGraph(name: string, options?: CallOptions): Promise<boolean> {
    const req = this._req('GET', `/_api/gharial/${encodeURIComponent(name)}`);
    return this._callIgnoreMissing(req, GraphListError, options, { ignoreMissing: true });
  }
  /** Creates a graph; returns its wrapper (seed: `create_graph`). */
  async createGraph(
    name: string,
    o: CallOptions & {
      edgeDefinitions?: EdgeDefinition[];
      orphanCollections?: string[];
      smart?: boolean;
      disjoint?: boolean;
      smartFieldAttribute?: string;
      shardCount?: number;
      replicationFactor?: number | 'satellite';
      writeConcern?: number;
      satellites?: string[];
      sync?: boolean;
    } = {},
  ): Promise<Graph> {
    if (typeof name !== 'string' || !name)
      throw new ArangoClientError('graph name must be a non-empty string');
    const body: Record<string, unknown> = { name };
    if (o.edgeDefinitions) body.edgeDefinitions = o.edgeDefinitions.map(edgeDefinitionBody);
    if (o.orphanCollections) body.orphanCollections = o.orphanCollections;
    if (o.smart !== undefined) body.isSmart = o.smart;
    const options: Record<string, unknown> = {};
    if (o.disjoint !== undefined) options.isDisjoint = o.disjoint;
    if (o.smartFieldAttribute !== undefined) options.smartGraphAttribute = o.smartFieldAttribute;
    if (o.shardCount !== undefined) options.numberOfShards = o.shardCount;
    if (o.replicationFactor !== undefined) options.replicationFactor = o.replicationFactor;
    if (o.writeConcern !== undefined) options.writeConcern = o.writeConcern;
    if (o.satellites !== undefined) options.satellites = o.satellites;
    if (Object.keys(options).length) body.options = options;
    return this._call(
      this._req('POST', '/_api/gharial', { body, query: { waitForSync: o.sync } }),
      GraphCreateError,
      o,
      () => this.graph(name),
    );
  }
  /** Deletes a graph (and its collections with `dropCollections`); false when missing and `ignoreMissing`. */
  async deleteGraph(
    name: string,
    o: CallOptions & { ignoreMissing?: boolean; dropCollections?: boolean } = {},
  ): Promise<boolean> {
    const req = this._req('DELETE', `/_api/gharial/${encodeURIComponent(name)}`, {
      query: { dropCollections: o.dropCollections },
    });
    return this._callIgnoreMissing(req, GraphDeleteError, o, o);
  }

  // --- documents by id -------------------------------------------------------------------------
  /** A document by id (`students/lola`) or body with `_id`; null when missing. */
  async document<T extends Record<string, any> = Record<string, any>>(
    document: DocumentSelector,
    o?: ReadOptions,
  ): Promise<Document<T> | null> {
    return this.collection<T>(parseHandle(document).collection).get(document, o);
  }
  /** True when the document (id, or body with `_id`) exists. */
  async hasDocument(document: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return this.collection(parseHandle(document).collection).has(document, o);
  }
  /** Inserts a document into `collection`. */
  async insertDocument(
    collection: string,
    document: Record<string, unknown>,
    o?: InsertOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    return this.collection(collection).insert(document, o);
  }
  /** Updates a document given with its `_id`. */
  async updateDocument(
    document: DocumentSelector & object,
    o?: UpdateOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    return this.collection(parseHandle(document).collection).update(document as any, o);
  }
  /** Replaces a document given with its `_id`. */
  async replaceDocument(
    document: DocumentSelector & object,
    o?: ReplaceOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    return this.collection(parseHandle(document).collection).replace(document as any, o);
  }
  /** Deletes a document by id (or body with `_id`). */
  async deleteDocument(
    document: DocumentSelector,
    o?: DeleteOptions,
  ): Promise<(DocumentMetadata & { [k: string]: any }) | boolean> {
    return this.collection(parseHandle(document).collection).delete(document, o);
  }

  // --- async and batch execution (arango-exec; src/execution.ts) --------------------------------
  /**
   * Begins async execution (seed: `begin_async_execution`): the returned wrapper and its children
   * (`aql`, `collection()`, `graph()`, every administration wrapper) send each call with
   * `x-arango-async: store` and resolve to an `AsyncJob` (null with `returnResult: false`).
   */
  beginAsyncExecution<R extends boolean = true>(o: { returnResult?: R } = {}): AsyncDatabase<R> {
    const exec = new AsyncExecutor(this._exec, this._db, o.returnResult ?? true);
    // The runtime object is a StandardDatabase whose executor returns jobs; AsyncDatabase types it.
    return new StandardDatabase(exec, this._db, this.#username) as unknown as AsyncDatabase<R>;
  }
  /**
   * Begins batch execution (seed: `begin_batch_execution`): calls are queued and resolve to
   * `BatchJob`s; `commit()` (or leaving an `await using` scope) sends them. See `BatchOptions.mode`
   * for servers without /_api/batch (ArangoDB 3.12).
   */
  beginBatchExecution<R extends boolean = true>(
    o: BatchOptions & { returnResult?: R } = {},
  ): BatchDatabase<R> {
    return new BatchStandardDatabase(
      new BatchExecutor(this._exec, o),
      this._db,
      this.#username,
    ) as unknown as BatchDatabase<R>;
  }
  /**
   * Runs `fn` with a batch wrapper and commits when it resolves (nothing is sent when it throws);
   * returns what `fn` returned.
   */
  async batch<T, R extends boolean = true>(
    fn: (batchDb: BatchDatabase<R>) => Promise<T>,
    o: BatchOptions & { returnResult?: R } = {},
  ): Promise<T> {
    const batchDb = this.beginBatchExecution(o);
    const result = await fn(batchDb);
    await batchDb.commit();
    return result;
  }
  /**
   * Ids of async jobs with the given status (seed: `async_jobs(status, count)`); also the keyword
   * form `asyncJobs({ status, count })`.
   */
  async asyncJobs(
    statusOrOptions: 'pending' | 'done' | (CallOptions & { status: 'pending' | 'done'; count?: number }),
    options: CallOptions & { count?: number } = {},
  ): Promise<string[]> {
    const o = typeof statusOrOptions === 'string' ? { ...options, status: statusOrOptions } : statusOrOptions;
    if (o?.status !== 'pending' && o?.status !== 'done')
      throw new ArangoClientError(`status must be "pending" or "done", got "${String(o?.status)}"`);
    return this._call(
      this._req('GET', `/_api/job/${o.status}`, { query: { count: o.count } }),
      AsyncJobListError,
      o,
    );
  }
  /**
   * Deletes async job results from the server: all of them, or with `threshold` (seconds since the
   * epoch) those older than it. Seed: `clear_async_jobs(threshold)`.
   */
  async clearAsyncJobs(o: CallOptions & { threshold?: number } = {}): Promise<boolean> {
    const req =
      o.threshold === undefined
        ? this._req('DELETE', '/_api/job/all')
        : this._req('DELETE', '/_api/job/expired', { query: { stamp: o.threshold } });
    return this._call(req, AsyncJobClearError, o, () => true);
  }

  // --- transactions ----------------------------------------------------------------------------
  /** Begins a stream transaction; the returned wrapper sends `x-arango-trx-id` on every call. */
  async beginTransaction(o: TransactionOptions = {}): Promise<TransactionDatabase> {
    const body: Record<string, unknown> = { collections: collectionsOf(o) };
    if (o.sync !== undefined) body.waitForSync = o.sync;
    if (o.allowImplicit !== undefined) body.allowImplicit = o.allowImplicit;
    if (o.lockTimeout !== undefined) body.lockTimeout = o.lockTimeout;
    if (o.maxSize !== undefined) body.maxTransactionSize = o.maxSize;
    const base = this._exec.direct ?? this._exec;
    return this._call(
      this._req('POST', '/_api/transaction/begin', { body }),
      TransactionInitError,
      o,
      (res) => new TransactionDatabase(base, this._db, res.result.id, this.#username),
    );
  }
  /** Runs `fn` in a stream transaction: commits when it resolves, aborts when it throws. */
  async withTransaction<R>(
    fn: (trx: TransactionDatabase) => Promise<R>,
    o: TransactionOptions = {},
  ): Promise<R> {
    if (this.context === 'async' || this.context === 'batch') {
      // Begin, run and commit are three dependent steps: they cannot be deferred as one job.
      throw new ArangoClientError(`withTransaction() cannot run in the ${this.context} context`);
    }
    const trx = await this.beginTransaction(o);
    let result: R;
    try {
      result = await fn(trx);
    } catch (err) {
      await trx.abortTransaction().catch(() => {});
      throw err;
    }
    await trx.commitTransaction();
    return result;
  }
  /** Runs a JavaScript transaction on the server; returns its result. */
  async executeTransaction(
    o: CallOptions & {
      command: string;
      params?: unknown;
      read?: string | string[];
      write?: string | string[];
      exclusive?: string | string[];
      sync?: boolean;
      lockTimeout?: number;
      maxSize?: number;
      allowImplicit?: boolean;
    },
  ): Promise<any> {
    if (typeof o?.command !== 'string' || !o.command.trim())
      throw new ArangoClientError('command must be JavaScript source');
    const body: Record<string, unknown> = { collections: collectionsOf(o), action: o.command };
    if (o.params !== undefined) body.params = o.params;
    if (o.sync !== undefined) body.waitForSync = o.sync;
    if (o.lockTimeout !== undefined) body.lockTimeout = o.lockTimeout;
    if (o.maxSize !== undefined) body.maxTransactionSize = o.maxSize;
    if (o.allowImplicit !== undefined) body.allowImplicit = o.allowImplicit;
    return this._call(
      this._req('POST', '/_api/transaction', { body }),
      TransactionExecuteError,
      o,
      (res) => res.result,
    );
  }
}

// arango-admin: see the interface declaration above StandardDatabase.
mixInAdministration(StandardDatabase);

/** Database wrapper bound to one stream transaction. */
export class TransactionDatabase extends StandardDatabase {
  readonly transactionId: string;
  readonly #base: Executor;
  #done = false;
  constructor(base: Executor, db: string, id: string, username?: string) {
    super(new HeaderExecutor(base, { 'x-arango-trx-id': id }), db, username);
    this.transactionId = id;
    this.#base = base;
  }
  /** "running", "committed" or "aborted". */
  async transactionStatus(options?: CallOptions): Promise<string> {
    const req = this._req('GET', `/_api/transaction/${encodeURIComponent(this.transactionId)}`);
    const res = await this.#base.send(req, options);
    if (res.status !== 200) throw serverError(TransactionStatusError, req, res);
    return res.body.result.status;
  }
  /** Commits the stream transaction. Returns true. */
  async commitTransaction(options?: CallOptions): Promise<boolean> {
    if (this.#done) throw new TransactionStateError(`transaction ${this.transactionId} is already finished`);
    const req = this._req('PUT', `/_api/transaction/${encodeURIComponent(this.transactionId)}`);
    const res = await this.#base.send(req, options);
    if (res.status !== 200) throw serverError(TransactionCommitError, req, res);
    this.#done = true;
    return true;
  }
  /** Aborts the stream transaction. Returns true. */
  async abortTransaction(options?: CallOptions): Promise<boolean> {
    if (this.#done) throw new TransactionStateError(`transaction ${this.transactionId} is already finished`);
    const req = this._req('DELETE', `/_api/transaction/${encodeURIComponent(this.transactionId)}`);
    const res = await this.#base.send(req, options);
    if (res.status !== 200) throw serverError(TransactionAbortError, req, res);
    this.#done = true;
    return true;
  }
}

// --- arango-exec: async and batch execution ---------------------------------------------------------

/** `db.beginAsyncExecution()`: every call resolves to an `AsyncJob` (null without `returnResult`). */
export type AsyncDatabase<R extends boolean = true> = Deferred<StandardDatabase, 'async', R>;

/** `db.beginBatchExecution()`: calls are queued as `BatchJob`s until `commit()`. */
export type BatchDatabase<R extends boolean = true> = Deferred<StandardDatabase, 'batch', R> & {
  /** Sends the queued calls (once: the wrapper cannot be reused); returns the jobs (null without `returnResult`). */
  commit(options?: CallOptions): Promise<R extends false ? null : BatchJob<unknown>[]>;
  /** The queued jobs (null without `returnResult`). */
  queuedJobs(): R extends false ? null : BatchJob<unknown>[];
  /** True once `commit()` ran. */
  readonly committed: boolean;
  /** Commits on leaving an `await using` scope (even when the scope throws: use `db.batch(fn)` to commit only on success). */
  [Symbol.asyncDispose](): Promise<void>;
};

/** The runtime object behind `BatchDatabase`: a database wrapper on a queuing executor. */
class BatchStandardDatabase extends StandardDatabase {
  readonly #batch: BatchExecutor;
  constructor(exec: BatchExecutor, db: string, username?: string) {
    super(exec, db, username);
    this.#batch = exec;
  }
  commit(options?: CallOptions): Promise<BatchJob<unknown>[] | null> {
    return this.#batch.commit(options);
  }
  queuedJobs(): BatchJob<unknown>[] | null {
    return this.#batch.queuedJobs();
  }
  get committed(): boolean {
    return this.#batch.committed;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#batch.committed) await this.#batch.commit();
  }
}
