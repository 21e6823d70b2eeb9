import type { CallOptions } from '@dbwire/core';
import { ApiGroup, cursorOperation } from './aql.js';
import { type ArangoRequest, type ArangoResponse, type Executor, serverError } from './connection.js';
import type { Cursor } from './cursor.js';
import {
  type ArangoServerError,
  CollectionChecksumError,
  CollectionConfigureError,
  CollectionLoadError,
  CollectionPropertiesError,
  CollectionRenameError,
  CollectionResponsibleShardError,
  CollectionRevisionError,
  CollectionStatisticsError,
  CollectionTruncateError,
  CollectionUnloadError,
  DocumentCountError,
  DocumentDeleteError,
  DocumentGetError,
  DocumentInError,
  DocumentInsertError,
  DocumentParseError,
  DocumentReplaceError,
  DocumentRevisionError,
  DocumentUpdateError,
  IndexCreateError,
  IndexDeleteError,
  IndexListError,
  IndexLoadError,
  type ServerErrorClass,
} from './errors.js';
import { type DocumentSelector, parseHandle, toBody } from './handles.js';

/** What a write returns: `_id`, `_key`, `_rev` (and `new` / `old` when asked for). */
export interface DocumentMetadata {
  _id: string;
  _key: string;
  _rev: string;
  _oldRev?: string;
  new?: Record<string, unknown>;
  old?: Record<string, unknown>;
}
/** A stored document: your fields plus `_id`, `_key` and `_rev`. */
export type Document<T = Record<string, unknown>> = T & { _id: string; _key: string; _rev: string };
/** Equality filters of `find()` and the `*Match()` calls: field (or dotted path) → value. */
export type Filters = Record<string, unknown>;

/** Options every document write takes. */
export interface WriteOptions extends CallOptions {
  returnNew?: boolean;
  returnOld?: boolean;
  sync?: boolean;
  silent?: boolean;
}
/** Options of inserts (`returnNew`, `sync`, `silent`, `overwrite`, `overwriteMode`, ...). */
export interface InsertOptions extends WriteOptions {
  overwrite?: boolean;
  overwriteMode?: 'ignore' | 'replace' | 'update' | 'conflict';
  keepNone?: boolean;
  merge?: boolean;
}
/** Options of updates (`checkRev`, `merge`, `keepNone`, `returnNew`, `returnOld`, `sync`, `silent`). */
export interface UpdateOptions extends WriteOptions {
  checkRev?: boolean;
  merge?: boolean;
  keepNone?: boolean;
}
/** Options of replaces (`checkRev`, `returnNew`, `returnOld`, `sync`, `silent`). */
export interface ReplaceOptions extends WriteOptions {
  checkRev?: boolean;
}
/** Options of document deletes (`rev`, `checkRev`, `ignoreMissing`, `returnOld`, `sync`, `silent`). */
export interface DeleteOptions extends CallOptions {
  rev?: string;
  checkRev?: boolean;
  ignoreMissing?: boolean;
  returnOld?: boolean;
  sync?: boolean;
  silent?: boolean;
}
/** Options of document reads (`rev`, `checkRev`, `allowDirtyRead`). */
export interface ReadOptions extends CallOptions {
  rev?: string;
  checkRev?: boolean;
  allowDirtyRead?: boolean;
}

/** Collection properties as the seed shows them, plus the server's own fields. */
export interface CollectionProperties {
  id: string;
  name: string;
  system: boolean;
  type: 'document' | 'edge';
  edge: boolean;
  sync: boolean;
  status?: number;
  [k: string]: unknown;
}

/** The server's collection object with the seed's field names added (`system`, `edge`, `sync`, `type`). */
export function formatCollection(body: Record<string, any>): CollectionProperties {
  const { error: _e, code: _c, ...rest } = body;
  return {
    ...rest,
    id: String(rest.id),
    name: rest.name,
    system: rest.isSystem === true,
    edge: rest.type === 3,
    type: rest.type === 3 ? 'edge' : 'document',
    sync: rest.waitForSync === true,
  };
}

/** An index as the seed shows it: short `id`, `type`, `fields`, plus the server's fields. */
export interface IndexInfo {
  /** Index id without the collection prefix (seed format). */
  id: string;
  type: string;
  fields?: unknown[];
  name?: string;
  unique?: boolean;
  sparse?: boolean;
  [k: string]: unknown;
}

/** The server's index object with a short `id` and the full one in `handle`. */
export function formatIndex(body: Record<string, any>): IndexInfo {
  const { error: _e, code: _c, isNewlyCreated: _n, ...rest } = body;
  const full = String(rest.id);
  const slash = full.indexOf('/');
  return { ...rest, id: slash === -1 ? full : full.slice(slash + 1), handle: full, type: rest.type };
}

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, { code: `DBWIRE_ARANGO_${key}` });
}

function writeQuery(o: InsertOptions & UpdateOptions): Record<string, string | number | boolean | undefined> {
  return {
    waitForSync: o.sync,
    returnNew: o.returnNew,
    returnOld: o.returnOld,
    silent: o.silent,
    overwrite: o.overwrite,
    overwriteMode: o.overwriteMode,
    keepNull: o.keepNone,
    mergeObjects: o.merge,
  };
}

/** A body for a write addressed by key in the URL: `_id`, `_key` and `_rev` travel in the URL and If-Match. */
export function stripMeta<T extends object>(doc: T): Partial<T> {
  const { _id: _i, _key: _k, _rev: _r, ...rest } = doc as Record<string, unknown>;
  return rest as Partial<T>;
}

/** Items of a multi-document body: keys stay strings, bodies become `{ _key, _rev? }`. */
function selectorItems(
  documents: DocumentSelector[],
  collection: string,
): Array<string | { _key: string; _rev?: string }> {
  if (!Array.isArray(documents)) throw new DocumentParseError('documents must be an array');
  return documents.map((d) => {
    const h = parseHandle(d, collection);
    if (typeof d === 'string') return h.key;
    return h.rev !== undefined ? { _key: h.key, _rev: h.rev } : { _key: h.key };
  });
}

/** AQL FILTER clauses for a seed-style filter object (`{'first': 'John'}`), values as bind parameters. */
export function filterClause(
  filters: Filters,
  bindVars: Record<string, unknown>,
  doc = 'doc',
  prefix = '',
): string {
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) {
    throw new DocumentParseError('filters must be an object of field → value');
  }
  let aql = '';
  let i = 0;
  for (const [field, value] of Object.entries(filters)) {
    bindVars[`${prefix}f${i}`] = field.split('.');
    bindVars[`${prefix}v${i}`] = value;
    aql += ` FILTER ${doc}.@${prefix}f${i} == @${prefix}v${i}`;
    i++;
  }
  return aql;
}

/**
 * Standard collection API wrapper (`db.collection('students')`): properties, documents, indexes.
 * `for await (const doc of collection)` iterates over all documents (streamed cursor).
 */
export class Collection<T extends Record<string, any> = Record<string, any>>
  extends ApiGroup
  implements AsyncIterable<Document<T>>
{
  #name: string;
  #docPrefix: string;
  #colPrefix: string;

  constructor(exec: Executor, db: string, name: string) {
    super(exec, db);
    if (typeof name !== 'string' || !name)
      throw new DocumentParseError('collection name must be a non-empty string');
    this.#name = name;
    this.#docPrefix = `/_api/document/${encodeURIComponent(name)}`;
    this.#colPrefix = `/_api/collection/${encodeURIComponent(name)}`;
  }

  get name(): string {
    return this.#name;
  }

  protected _handle(doc: DocumentSelector) {
    return parseHandle(doc, this.#name);
  }
  protected _fail(Err: ServerErrorClass, req: ArangoRequest, res: ArangoResponse): ArangoServerError {
    const E = res.status === 412 || res.status === 304 ? DocumentRevisionError : Err;
    return serverError(E, req, res, this._exec.extraHeaders);
  }

  // --- collection management -----------------------------------------------------------------

  /** The collection properties, with the seed's field names (`system`, `edge`, `sync`, `type`). */
  async properties(options?: CallOptions): Promise<CollectionProperties> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/properties`),
      CollectionPropertiesError,
      options,
      formatCollection,
    );
  }
  /** Changes properties (`sync`, `schema`, `cacheEnabled`, `computedValues`, `replicationFactor`, `writeConcern`). */
  async configure(
    o: CallOptions & {
      sync?: boolean;
      schema?: Record<string, unknown> | null;
      cacheEnabled?: boolean;
      computedValues?: unknown[] | null;
      replicationFactor?: number | 'satellite';
      writeConcern?: number;
      /** Accepted for the seed's examples; MMFiles journals no longer exist, so it is ignored with a warning. */
      journalSize?: number;
    } = {},
  ): Promise<CollectionProperties> {
    const body: Record<string, unknown> = {};
    if (o.sync !== undefined) body.waitForSync = o.sync;
    if (o.schema !== undefined) body.schema = o.schema;
    if (o.cacheEnabled !== undefined) body.cacheEnabled = o.cacheEnabled;
    if (o.computedValues !== undefined) body.computedValues = o.computedValues;
    if (o.replicationFactor !== undefined) body.replicationFactor = o.replicationFactor;
    if (o.writeConcern !== undefined) body.writeConcern = o.writeConcern;
    if (o.journalSize !== undefined) {
      warnOnce(
        'JOURNAL_SIZE',
        'configure({ journalSize }) is ignored: ArangoDB 3.7+ (RocksDB) has no journals',
      );
    }
    return this._call(
      this._req('PUT', `${this.#colPrefix}/properties`, { body }),
      CollectionConfigureError,
      o,
      formatCollection,
    );
  }
  /** The collection revision. */
  async revision(options?: CallOptions): Promise<string> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/revision`),
      CollectionRevisionError,
      options,
      (body) => body.revision,
    );
  }
  /** Figures of the collection (document counts, sizes, index figures). */
  async statistics(options?: CallOptions & { details?: boolean }): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/figures`, { query: { details: options?.details } }),
      CollectionStatisticsError,
      options,
      (body) => body.figures,
    );
  }
  /** The collection checksum (with `withRev` / `withData`). */
  async checksum(o: CallOptions & { withRev?: boolean; withData?: boolean } = {}): Promise<string> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/checksum`, {
        query: { withRevisions: o.withRev, withData: o.withData },
      }),
      CollectionChecksumError,
      o,
      (body) => body.checksum,
    );
  }
  /** Number of documents. */
  async count(options?: CallOptions): Promise<number> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/count`),
      DocumentCountError,
      options,
      (body) => body.count,
    );
  }
  /** Loads the collection into memory (a no-op on RocksDB). Returns true. */
  async load(options?: CallOptions): Promise<boolean> {
    return this._call(this._req('PUT', `${this.#colPrefix}/load`), CollectionLoadError, options, () => true);
  }
  /** Unloads the collection (a no-op on RocksDB). Returns true. */
  async unload(options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('PUT', `${this.#colPrefix}/unload`),
      CollectionUnloadError,
      options,
      () => true,
    );
  }
  /** Deletes every document of the collection. Returns true. */
  async truncate(options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('PUT', `${this.#colPrefix}/truncate`),
      CollectionTruncateError,
      options,
      () => true,
    );
  }
  /** Renames the collection (single server only); this wrapper follows the new name. */
  async rename(newName: string, options?: CallOptions): Promise<boolean> {
    if (typeof newName !== 'string' || !newName)
      throw new DocumentParseError('new collection name must be a non-empty string');
    return this._call(
      this._req('PUT', `${this.#colPrefix}/rename`, { body: { name: newName } }),
      CollectionRenameError,
      options,
      () => {
        this.#name = newName;
        this.#docPrefix = `/_api/document/${encodeURIComponent(newName)}`;
        this.#colPrefix = `/_api/collection/${encodeURIComponent(newName)}`;
        return true;
      },
    );
  }
  /** The shard responsible for a document (cluster only). */
  async responsibleShard(document: Record<string, unknown>, options?: CallOptions): Promise<string> {
    return this._call(
      this._req('PUT', `${this.#colPrefix}/responsibleShard`, { body: document }),
      CollectionResponsibleShardError,
      options,
      (body) => body.shardId,
    );
  }

  /** Compacts the collection's data (RocksDB). */
  async compact(options?: CallOptions): Promise<CollectionProperties> {
    return this._call(
      this._req('PUT', `${this.#colPrefix}/compact`),
      CollectionConfigureError,
      options,
      formatCollection,
    );
  }
  /** Shard ids (cluster only); with `details` each shard's servers. */
  async shards(options?: CallOptions & { details?: boolean }): Promise<string[] | Record<string, string[]>> {
    return this._call(
      this._req('GET', `${this.#colPrefix}/shards`, { query: { details: options?.details } }),
      CollectionPropertiesError,
      options,
      (body) => body.shards,
    );
  }

  // --- indexes ---------------------------------------------------------------------------------

  /** The indexes of the collection. */
  async indexes(options?: CallOptions): Promise<IndexInfo[]> {
    return this._call(
      this._req('GET', '/_api/index', { query: { collection: this.#name } }),
      IndexListError,
      options,
      (body) => (body.indexes as Record<string, any>[]).map(formatIndex),
    );
  }
  protected async _addIndex(data: Record<string, unknown>, options?: CallOptions): Promise<IndexInfo> {
    const body: Record<string, unknown> = {};
    for (const k in data) if (data[k] !== undefined) body[k] = data[k];
    return this._call(
      this._req('POST', '/_api/index', { query: { collection: this.#name }, body }),
      IndexCreateError,
      options,
      formatIndex,
    );
  }
  /**
   * Hash indexes are persistent indexes since ArangoDB 3.7 (the `hash` type is gone from 3.12's API):
   * this creates a persistent index and says so once through `process.emitWarning`.
   */
  async addHashIndex(
    o: CallOptions & {
      fields: string[];
      unique?: boolean;
      sparse?: boolean;
      deduplicate?: boolean;
      name?: string;
      inBackground?: boolean;
    },
  ): Promise<IndexInfo> {
    warnOnce(
      'HASH_INDEX',
      'addHashIndex() creates a persistent index: ArangoDB 3.7+ has no separate hash index type',
    );
    return this.addPersistentIndex(o);
  }
  /** Skiplist indexes are persistent indexes since ArangoDB 3.7: creates one and warns once. */
  async addSkiplistIndex(
    o: CallOptions & {
      fields: string[];
      unique?: boolean;
      sparse?: boolean;
      deduplicate?: boolean;
      name?: string;
      inBackground?: boolean;
    },
  ): Promise<IndexInfo> {
    warnOnce(
      'SKIPLIST_INDEX',
      'addSkiplistIndex() creates a persistent index: ArangoDB 3.7+ has no separate skiplist index type',
    );
    return this.addPersistentIndex(o);
  }
  /** Creates a persistent index. */
  async addPersistentIndex(
    o: CallOptions & {
      fields: string[];
      unique?: boolean;
      sparse?: boolean;
      deduplicate?: boolean;
      name?: string;
      inBackground?: boolean;
      storedValues?: string[];
      cacheEnabled?: boolean;
      estimates?: boolean;
    },
  ): Promise<IndexInfo> {
    return this._addIndex(
      {
        type: 'persistent',
        fields: o.fields,
        unique: o.unique,
        sparse: o.sparse,
        deduplicate: o.deduplicate,
        name: o.name,
        inBackground: o.inBackground,
        storedValues: o.storedValues,
        cacheEnabled: o.cacheEnabled,
        estimates: o.estimates,
      },
      o,
    );
  }
  /** Creates a fulltext index (deprecated by ArangoDB in favour of inverted indexes). */
  async addFulltextIndex(
    o: CallOptions & { fields: string[]; minLength?: number; name?: string; inBackground?: boolean },
  ): Promise<IndexInfo> {
    return this._addIndex(
      {
        type: 'fulltext',
        fields: o.fields,
        minLength: o.minLength,
        name: o.name,
        inBackground: o.inBackground,
      },
      o,
    );
  }
  /** Creates a geo index on one field (`geoJson`) or two (latitude, longitude). */
  async addGeoIndex(
    o: CallOptions & {
      fields: string[];
      geoJson?: boolean;
      legacyPolygons?: boolean;
      name?: string;
      inBackground?: boolean;
    },
  ): Promise<IndexInfo> {
    return this._addIndex(
      {
        type: 'geo',
        fields: o.fields,
        geoJson: o.geoJson,
        legacyPolygons: o.legacyPolygons,
        name: o.name,
        inBackground: o.inBackground,
      },
      o,
    );
  }
  /** TTL index; `expiryTime` in seconds (sent as `expireAfter`). */
  async addTtlIndex(
    o: CallOptions & { fields: string[]; expiryTime: number; name?: string; inBackground?: boolean },
  ): Promise<IndexInfo> {
    return this._addIndex(
      {
        type: 'ttl',
        fields: o.fields,
        expireAfter: o.expiryTime,
        name: o.name,
        inBackground: o.inBackground,
      },
      o,
    );
  }
  /** Inverted index; any other property of the server's API may be passed through. */
  async addInvertedIndex(
    o: CallOptions & {
      fields: Array<string | Record<string, unknown>>;
      name?: string;
      inBackground?: boolean;
      [k: string]: unknown;
    },
  ): Promise<IndexInfo> {
    const { timeout: _t, signal: _s, ...rest } = o;
    return this._addIndex({ ...rest, type: 'inverted' }, o);
  }
  /** Multi-dimensional index (`mdi`, or `mdi-prefixed` when `prefixFields` are given). */
  async addMdiIndex(
    o: CallOptions & {
      fields: string[];
      fieldValueTypes?: 'double';
      prefixFields?: string[];
      storedValues?: string[];
      unique?: boolean;
      sparse?: boolean;
      estimates?: boolean;
      name?: string;
      inBackground?: boolean;
    },
  ): Promise<IndexInfo> {
    return this._addIndex(
      {
        type: o.prefixFields ? 'mdi-prefixed' : 'mdi',
        fields: o.fields,
        fieldValueTypes: o.fieldValueTypes ?? 'double',
        prefixFields: o.prefixFields,
        storedValues: o.storedValues,
        unique: o.unique,
        sparse: o.sparse,
        estimates: o.estimates,
        name: o.name,
        inBackground: o.inBackground,
      },
      o,
    );
  }
  /** Deletes an index by id (short `12345` or full `students/12345`). */
  async deleteIndex(indexId: string, o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    const id = String(indexId);
    const short = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
    const req = this._req(
      'DELETE',
      `/_api/index/${encodeURIComponent(this.#name)}/${encodeURIComponent(short)}`,
    );
    return this._callIgnoreMissing(req, IndexDeleteError, o, o);
  }
  /** Loads the collection's indexes into memory. */
  async loadIndexes(options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('PUT', `${this.#colPrefix}/loadIndexesIntoMemory`),
      IndexLoadError,
      options,
      () => true,
    );
  }

  // --- documents -------------------------------------------------------------------------------
  //
  // One implementation for plain collections and graph vertex/edge collections: the graph wrappers
  // only change the route (`_docRoute`), the query parameters the route knows (`_docParams`) and how
  // an answer is unwrapped (`_docResult`).

  /** Route of the single-document calls (`key` given) or of inserts and multi-document calls. */
  protected _docRoute(key?: string): string {
    return key === undefined ? this.#docPrefix : `${this.#docPrefix}/${encodeURIComponent(key)}`;
  }
  /** @deprecated kept for subclasses: `_docRoute(key)`. */
  protected _docPath(key: string): string {
    return this._docRoute(key);
  }
  /** Query parameters the document route understands (undefined: all of them). */
  protected _docParams(): ReadonlySet<string> | undefined {
    return undefined;
  }
  /** The result of a successful single-document write (`kind` says which call). */
  protected _docResult(body: any, _kind: 'insert' | 'update' | 'replace' | 'delete'): any {
    return body;
  }
  /** The document in the answer of a single-document read. */
  protected _docBody(body: any): any {
    return body;
  }
  #query(q: Record<string, string | number | boolean | undefined>) {
    const allowed = this._docParams();
    if (!allowed) return q;
    const out: Record<string, string | number | boolean | undefined> = {};
    for (const k in q) if (allowed.has(k)) out[k] = q[k];
    return out;
  }
  protected _revHeaders(
    rev: string | undefined,
    checkRev: boolean | undefined,
  ): Record<string, string> | undefined {
    if (rev === undefined || checkRev === false) return undefined;
    return { 'if-match': rev.startsWith('"') ? rev : `"${rev}"` };
  }
  #readHeaders(rev: string | undefined, o: ReadOptions | undefined): Record<string, string> | undefined {
    const headers = this._revHeaders(o?.rev ?? rev, o?.checkRev);
    return o?.allowDirtyRead ? { ...headers, 'x-arango-allow-dirty-read': 'true' } : headers;
  }
  /** Runs a single-document operation whose failure maps 412/304 to DocumentRevisionError. */
  #runDoc<R>(
    req: ArangoRequest,
    Err: ServerErrorClass,
    ok: (res: ArangoResponse) => { value: R } | undefined,
    options: CallOptions | undefined,
  ): Promise<R> {
    return this._run(
      req,
      (res) => {
        const r = ok(res);
        if (r) return r.value;
        throw this._fail(Err, req, res);
      },
      options,
    );
  }

  /** True when the document exists (and has revision `rev` when given). */
  async has(document: DocumentSelector, o: ReadOptions = {}): Promise<boolean> {
    const h = this._handle(document);
    const req = this._req('HEAD', this._docRoute(h.key), { headers: this.#readHeaders(h.rev, o) });
    return this.#runDoc(
      req,
      DocumentInError,
      (res) => (res.status === 200 ? { value: true } : res.status === 404 ? { value: false } : undefined),
      o,
    );
  }

  /**
   * A document by key, id or body; null when it does not exist. A body's `_rev` (or `rev`) is checked
   * with If-Match unless `checkRev: false`: a mismatch is a DocumentRevisionError.
   */
  async get(document: DocumentSelector, o?: ReadOptions): Promise<Document<T> | null> {
    return this._read(document, o, (doc) => doc);
  }

  /** GET of one document as an operation; `map` shapes the document (or null when missing). */
  protected _read<R>(
    document: DocumentSelector,
    o: ReadOptions | undefined,
    map: (doc: Document<T> | null) => R,
  ): Promise<R> {
    let req: ArangoRequest;
    if (o === undefined && typeof document === 'string' && document && document.indexOf('/') === -1) {
      // The hot path (a plain key, no options): no handle parsing, no header object.
      req = { method: 'GET', endpoint: this._docRoute(document), db: this._db };
    } else {
      const h = this._handle(document);
      req = this._req('GET', this._docRoute(h.key), { headers: this.#readHeaders(h.rev, o) });
    }
    return this.#runDoc(
      req,
      DocumentGetError,
      (res) =>
        res.status === 200
          ? { value: map(this._docBody(res.body)) }
          : res.status === 404 && res.body?.errorNum === 1202
            ? { value: map(null) }
            : undefined,
      o,
    );
  }

  /** Several documents by key, id or body in one request; missing ones are left out. */
  async getMany(
    documents: DocumentSelector[],
    o: CallOptions & { allowDirtyRead?: boolean } = {},
  ): Promise<Document<T>[]> {
    const body = selectorItems(documents, this.#name);
    const req = this._req('PUT', this.#docPrefix, {
      query: { onlyget: true },
      body,
      headers: o.allowDirtyRead ? { 'x-arango-allow-dirty-read': 'true' } : undefined,
      idempotent: true,
    });
    return this.#runDoc(
      req,
      DocumentGetError,
      (res) =>
        res.status === 200 ? { value: (res.body as any[]).filter((d) => d && d.error !== true) } : undefined,
      o,
    );
  }

  /** Inserts a document; returns its metadata (`true` when `silent`). */
  async insert(document: T | Record<string, unknown>, o: InsertOptions & { silent: true }): Promise<true>;
  async insert(
    document: T | Record<string, unknown>,
    o?: InsertOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }>;
  async insert(document: T | Record<string, unknown>, o: InsertOptions = {}): Promise<any> {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new DocumentParseError('document must be an object');
    }
    const req = this._req('POST', this._docRoute(), {
      query: this.#query(writeQuery(o)),
      body: toBody(document, this.#name),
    });
    return this.#runDoc(
      req,
      DocumentInsertError,
      (res) =>
        res.status === 201 || res.status === 202 || res.status === 200
          ? { value: o.silent ? true : this._docResult(res.body, 'insert') }
          : undefined,
      o,
    );
  }

  /** Per-item results of a multi-document call: metadata, or a typed error for failed items. */
  protected _many(req: ArangoRequest, res: ArangoResponse, Err: ServerErrorClass): any[] | true {
    if (res.status < 200 || res.status >= 300) throw this._fail(Err, req, res);
    if (!Array.isArray(res.body)) return true;
    const extra = this._exec.extraHeaders;
    return res.body.map((item: any) => {
      if (item && item.error === true) {
        const E = item.errorNum === 1200 ? DocumentRevisionError : Err;
        return serverError(E, req, { ...res, body: item, rawBody: JSON.stringify(item) }, extra);
      }
      return item;
    });
  }
  #runMany(
    req: ArangoRequest,
    Err: ServerErrorClass,
    o: { silent?: boolean | undefined } & CallOptions,
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    return this._run(req, (res) => (o.silent && res.status < 300 ? true : this._many(req, res, Err)), o);
  }

  /** Inserts many documents in one request; failed items come back as `DocumentInsertError` values. */
  async insertMany(
    documents: Array<T | Record<string, unknown>>,
    o: InsertOptions = {},
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    if (!Array.isArray(documents)) throw new DocumentParseError('documents must be an array');
    const req = this._req('POST', this.#docPrefix, {
      query: writeQuery(o),
      body: documents.map((d) => toBody(d, this.#name)),
    });
    return this.#runMany(req, DocumentInsertError, o);
  }

  /** Partially updates a document (must carry `_key` or `_id`); `_rev` is checked unless `checkRev: false`. */
  update(
    document: Partial<T> & DocumentSelector & object,
    o: UpdateOptions & { silent: true },
  ): Promise<true>;
  update(
    document: Partial<T> & DocumentSelector & object,
    o?: UpdateOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }>;
  update(document: Partial<T> & DocumentSelector & object, o: UpdateOptions = {}): Promise<any> {
    return this.#writeOne('PATCH', document, o, DocumentUpdateError);
  }

  /** PATCH/PUT of one document by its handle, with the `_rev` precondition unless `checkRev: false`. */
  async #writeOne(
    method: 'PATCH' | 'PUT',
    document: DocumentSelector & object,
    o: UpdateOptions | ReplaceOptions,
    ErrorClass: typeof DocumentUpdateError | typeof DocumentReplaceError,
  ): Promise<any> {
    const h = this._handle(document);
    const req = this._req(method, this._docRoute(h.key), {
      query: this.#query({ ...writeQuery(o), ignoreRevs: o.checkRev === false ? true : undefined }),
      headers: this._revHeaders(h.rev, o.checkRev),
      body: stripMeta(document),
    });
    const kind = method === 'PATCH' ? 'update' : 'replace';
    return this.#runDoc(
      req,
      ErrorClass,
      (res) =>
        res.status === 201 || res.status === 202 || res.status === 200
          ? { value: o.silent ? true : this._docResult(res.body, kind) }
          : undefined,
      o,
    );
  }

  /** Updates many documents in one request; failed items come back as error values. */
  updateMany(
    documents: Array<Partial<T> & DocumentSelector & object>,
    o: UpdateOptions = {},
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    return this.#writeMany('PATCH', documents, o, DocumentUpdateError);
  }

  /** PATCH/PUT of many documents: each selector resolved to its `_key`, per-document errors kept. */
  async #writeMany(
    method: 'PATCH' | 'PUT',
    documents: Array<DocumentSelector & object>,
    o: UpdateOptions | ReplaceOptions,
    ErrorClass: typeof DocumentUpdateError | typeof DocumentReplaceError,
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    const body = documents.map((d) => ({ ...d, _key: this._handle(d).key }));
    const req = this._req(method, this.#docPrefix, {
      query: { ...writeQuery(o), ignoreRevs: o.checkRev === false ? true : undefined },
      body,
    });
    return this.#runMany(req, ErrorClass, o);
  }

  /** Replaces a document. */
  replace(document: T & DocumentSelector & object, o: ReplaceOptions & { silent: true }): Promise<true>;
  replace(
    document: T & DocumentSelector & object,
    o?: ReplaceOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }>;
  replace(document: T & DocumentSelector & object, o: ReplaceOptions = {}): Promise<any> {
    return this.#writeOne('PUT', document, o, DocumentReplaceError);
  }

  /** Replaces many documents in one request; failed items come back as error values. */
  replaceMany(
    documents: Array<T & DocumentSelector & object>,
    o: ReplaceOptions = {},
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    return this.#writeMany('PUT', documents, o, DocumentReplaceError);
  }

  /** Deletes a document; false when missing and `ignoreMissing`. */
  async delete(
    document: DocumentSelector,
    o: DeleteOptions = {},
  ): Promise<(DocumentMetadata & { [k: string]: any }) | boolean> {
    const h = this._handle(document);
    const req = this._req('DELETE', this._docRoute(h.key), {
      query: this.#query({ waitForSync: o.sync, returnOld: o.returnOld, silent: o.silent }),
      headers: this._revHeaders(o.rev ?? h.rev, o.checkRev),
    });
    return this.#runDoc(
      req,
      DocumentDeleteError,
      (res) =>
        res.status === 200 || res.status === 202
          ? { value: o.silent ? true : this._docResult(res.body, 'delete') }
          : res.status === 404 && o.ignoreMissing && res.body?.errorNum === 1202
            ? { value: false }
            : undefined,
      o,
    );
  }

  /** Deletes many documents by key, id or body; missing ones are reported per item. */
  async deleteMany(
    documents: DocumentSelector[],
    o: DeleteOptions = {},
  ): Promise<Array<DocumentMetadata | ArangoServerError> | true> {
    const body = selectorItems(documents, this.#name);
    const withRevs = body.some((b) => typeof b === 'object' && b._rev !== undefined);
    const req = this._req('DELETE', this.#docPrefix, {
      query: {
        waitForSync: o.sync,
        returnOld: o.returnOld,
        silent: o.silent,
        ignoreRevs: o.checkRev === false ? true : withRevs ? false : undefined,
      },
      body,
    });
    return this.#runMany(req, DocumentDeleteError, o);
  }

  /** Bulk import (POST /_api/import, JSON array); `batchSize` splits into several requests. */
  async importBulk(
    documents: Array<Record<string, unknown>>,
    o: CallOptions & {
      haltOnError?: boolean;
      details?: boolean;
      fromPrefix?: string;
      toPrefix?: string;
      overwrite?: boolean;
      onDuplicate?: 'error' | 'update' | 'replace' | 'ignore';
      sync?: boolean;
      batchSize?: number;
    } = {},
  ): Promise<Record<string, any> | Array<Record<string, any>>> {
    if (!Array.isArray(documents)) throw new DocumentParseError('documents must be an array');
    const query = {
      collection: this.#name,
      type: 'array',
      complete: o.haltOnError ?? true,
      details: o.details ?? true,
      fromPrefix: o.fromPrefix,
      toPrefix: o.toPrefix,
      overwrite: o.overwrite,
      onDuplicate: o.onDuplicate,
      waitForSync: o.sync,
    };
    const run = (docs: Array<Record<string, unknown>>) =>
      this._call(
        this._req('POST', '/_api/import', { query, body: docs.map((d) => toBody(d, this.#name)) }),
        DocumentInsertError,
        o,
        (body) => {
          const { error: _e, code: _c, ...rest } = body;
          return rest as Record<string, any>;
        },
      );
    if (o.batchSize === undefined) return run(documents);
    if (!(o.batchSize > 0)) throw new DocumentParseError('batchSize must be a positive number');
    const out: Array<Record<string, any>> = [];
    for (let i = 0; i < documents.length; i += o.batchSize)
      out.push(await run(documents.slice(i, i + o.batchSize)));
    return out;
  }

  /** Documents matching all `filters` (equality), as a cursor. */
  async find(
    filters: Filters,
    o: CallOptions & { skip?: number; limit?: number; allowDirtyRead?: boolean } = {},
  ): Promise<Cursor<Document<T>>> {
    const bindVars: Record<string, unknown> = { '@collection': this.#name };
    let query = `FOR doc IN @@collection${filterClause(filters, bindVars)}`;
    if (o.skip !== undefined || o.limit !== undefined) {
      bindVars.skip = o.skip ?? 0;
      bindVars.limit = o.limit ?? Number.MAX_SAFE_INTEGER;
      query += ' LIMIT @skip, @limit';
    }
    query += ' RETURN doc';
    return this.#cursor<Document<T>>({ query, bindVars, count: true }, o, DocumentGetError);
  }

  /** All documents, as a streaming cursor. */
  async all(
    o: CallOptions & { skip?: number; limit?: number; batchSize?: number } = {},
  ): Promise<Cursor<Document<T>>> {
    const bindVars: Record<string, unknown> = { '@collection': this.#name };
    let query = 'FOR doc IN @@collection';
    if (o.skip !== undefined || o.limit !== undefined) {
      bindVars.skip = o.skip ?? 0;
      bindVars.limit = o.limit ?? Number.MAX_SAFE_INTEGER;
      query += ' LIMIT @skip, @limit';
    }
    query += ' RETURN doc';
    const body: Record<string, unknown> = { query, bindVars, options: { stream: true } };
    if (o.batchSize !== undefined) body.batchSize = o.batchSize;
    return this.#cursor<Document<T>>(body, o, DocumentGetError);
  }

  /** A query whose answer is a cursor, as one operation (deferred contexts get a job for it). */
  #cursor<R>(
    body: Record<string, unknown>,
    o: CallOptions & { allowDirtyRead?: boolean },
    Err: ServerErrorClass,
  ): Promise<Cursor<R>> {
    const { req, decode } = cursorOperation<R>(this._exec, this._db, body, o, Err);
    return this._run(req, decode, o);
  }

  async #matchQuery(
    op: string,
    filters: Filters,
    bindVars: Record<string, unknown>,
    limit: number | undefined,
    opts: string,
    o: CallOptions,
  ): Promise<number> {
    bindVars['@collection'] = this.#name;
    let query = `FOR doc IN @@collection${filterClause(filters, bindVars)}`;
    if (limit !== undefined) {
      bindVars.limit = limit;
      query += ' LIMIT @limit';
    }
    query += ` ${op} IN @@collection OPTIONS ${opts}`;
    const { req, decode } = cursorOperation(
      this._exec,
      this._db,
      { query, bindVars },
      o,
      DocumentUpdateError,
    );
    return this._run(req, (res) => decode(res).statistics()?.modified ?? 0, o);
  }

  /** Updates every document matching `filters` with `body`; returns the number updated. */
  async updateMatch(
    filters: Filters,
    body: Record<string, unknown>,
    o: CallOptions & { limit?: number; keepNone?: boolean; sync?: boolean; merge?: boolean } = {},
  ): Promise<number> {
    const bindVars: Record<string, unknown> = {
      body,
      keepNull: o.keepNone ?? true,
      merge: o.merge ?? true,
      sync: o.sync ?? false,
    };
    return this.#matchQuery(
      'UPDATE doc WITH @body',
      filters,
      bindVars,
      o.limit,
      '{ keepNull: @keepNull, mergeObjects: @merge, waitForSync: @sync }',
      o,
    );
  }
  /** Replaces every document matching `filters` with `body`; returns the number replaced. */
  async replaceMatch(
    filters: Filters,
    body: Record<string, unknown>,
    o: CallOptions & { limit?: number; sync?: boolean } = {},
  ): Promise<number> {
    const bindVars: Record<string, unknown> = { body, sync: o.sync ?? false };
    return this.#matchQuery(
      'REPLACE doc WITH @body',
      filters,
      bindVars,
      o.limit,
      '{ waitForSync: @sync }',
      o,
    );
  }
  /** Deletes every document matching `filters`; returns the number deleted. */
  async deleteMatch(
    filters: Filters,
    o: CallOptions & { limit?: number; sync?: boolean } = {},
  ): Promise<number> {
    const bindVars: Record<string, unknown> = { sync: o.sync ?? false };
    return this.#matchQuery('REMOVE doc', filters, bindVars, o.limit, '{ waitForSync: @sync }', o);
  }

  /** Iterates over every document of the collection (a streamed cursor). */
  [Symbol.asyncIterator](): AsyncIterator<Document<T>> {
    if (this.context === 'async' || this.context === 'batch') {
      // Iterating needs the cursor now; in a deferred context `all()` resolves to a job.
      throw new DocumentParseError(
        `a collection cannot be iterated in the ${this.context} context: use all()`,
      );
    }
    let inner: AsyncIterator<Document<T>> | undefined;
    return {
      next: async () => {
        inner ??= (await this.all())[Symbol.asyncIterator]();
        return inner.next();
      },
      return: async () => {
        if (inner?.return) await inner.return();
        return { done: true, value: undefined };
      },
    };
  }
}

/** The seed's name for the standard collection wrapper. */
export class StandardCollection<T extends Record<string, any> = Record<string, any>> extends Collection<T> {}
