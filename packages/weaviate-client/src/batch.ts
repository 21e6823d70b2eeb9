/**
 * `client.batch` (seed: `weaviate.batch.Batch`): bulk import of objects and references, in the three
 * modes the seed documents: manual (`batchSize: null`), auto (create when objects + references reach
 * `batchSize`) and dynamic (recommended sizes recomputed from the measured creation time). Beyond the
 * seed:
 *
 * - No-loss accounting: every added object and reference ends up either confirmed by the server or
 *   in `failedObjects` / `failedReferences` with its error, also when a request times out or its
 *   connection is cut after the configured retries.
 * - Requests are split by encoded size (`maxBatchBytes`) as well as by count.
 * - References of a batch are sent only after every objects request dispatched before them finished,
 *   so they never point at objects still in flight.
 * - `onProgress` receives counts and rate (core `ProgressTracker`).
 *
 * The batch object is callable, as in the seed: `client.batch({ batchSize: 100 })` is
 * `client.batch.configure({ batchSize: 100 })`.
 */
import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  ConnectionError,
  DbwireError,
  type ProgressCallback,
  ProgressTracker,
  ProtocolError,
  sleep,
  TimeoutError,
  UsageError,
} from '@dbwire/core';
import { type Connection, call, type Operation } from './connection.js';
import { beacon, type ConsistencyLevel, objectBody } from './data.js';
import { batchObjectsGrpcOp } from './grpc-batch.js';
import { decodeObject, type EncodedObjects, GrpcObjectQueue } from './grpc-object-queue.js';
import { QueueBuffer } from './queue-buffer.js';
import { capitalizeClassName } from './schema.js';
import { type BatchResultItem, checkBatchResult, getValidUuid } from './util.js';

/** A callback on the results of each batch request (seed: `callback`). */
export type BatchCallback = (results: BatchResultItem[]) => void;

/** Batch configuration (seed: `client.batch.configure(...)` / `client.batch(...)`). */
export interface BatchConfigureOptions {
  /** A number enables auto (or dynamic) batching; null or omitted is manual batching. Default null. */
  batchSize?: number | null;
  /** Dynamic batching: sizes follow the measured creation time. Default false. */
  dynamic?: boolean;
  /** Seconds a batch request should take; drives dynamic sizes. Default 10. */
  creationTime?: number;
  /** Extra attempts of a request that timed out. Default 3. */
  timeoutRetries?: number;
  /** Extra attempts of a request whose connection failed. Default 3. */
  connectionErrorRetries?: number;
  /** Called with the results of each request (auto/dynamic). Default {@link checkBatchResult}; null for none. */
  callback?: BatchCallback | null;
  /** Batch requests in flight at once (auto/dynamic). Default 1. */
  numWorkers?: number;
  /** Beyond the seed: replication consistency of the batch requests. */
  consistencyLevel?: ConsistencyLevel;
  /** Beyond the seed: a request never carries more than this many bytes of JSON (one oversized item goes alone). Default 10 MiB. */
  maxBatchBytes?: number;
  /** Beyond the seed: progress (items done, failed, rate) of the session. */
  onProgress?: ProgressCallback;
}

/** Arguments of `addDataObject` (seed: `add_data_object(data_object, class_name, uuid=None, vector=None, tenant=None)`). */
export interface AddDataObjectOptions {
  /** Property values. */
  dataObject: Record<string, unknown>;
  /** Class of the object. */
  className: string;
  /** Object id; a random UUID when omitted (so retries never duplicate the object). */
  uuid?: string;
  /** The object's vector. */
  vector?: number[] | Float32Array | Float64Array;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** Arguments of `addReference` (seed: `add_reference(from_object_uuid, from_object_class_name, ...)`). */
export interface AddReferenceOptions {
  /** Source object id. */
  fromObjectUuid: string;
  /** Source class. */
  fromObjectClassName: string;
  /** The reference property of the source class. */
  fromPropertyName: string;
  /** Target object id. */
  toObjectUuid: string;
  /** Target class (recommended). */
  toObjectClassName?: string;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** One object or reference the server did not confirm, with the reason. */
export interface BatchFailure<T> {
  /** What was added. */
  item: T;
  /** Why it failed: the server's message for the item, or the request's error. */
  error: Error;
}

/** An object as queued, with its encoded JSON. */
export interface QueuedObject {
  /** The object id. */
  readonly uuid: string;
  /** The REST body of the object (decoded from `json` on demand). */
  readonly body: Record<string, unknown>;
  /** `JSON.stringify(body)`, computed once for size splitting and sending. */
  readonly json: string;
}

/** An object as kept for the accounting: its id and JSON (the body is decoded on demand). */
class EncodedObject implements QueuedObject {
  constructor(
    readonly uuid: string,
    readonly json: string,
  ) {}
  get body(): Record<string, unknown> {
    return JSON.parse(this.json) as Record<string, unknown>;
  }
}

/** A reference as queued, with its encoded JSON. */
export interface QueuedReference {
  /** The REST body `{from, to, tenant?}`. */
  body: { from: string; to: string; tenant?: string };
  /** `JSON.stringify(body)`. */
  json: string;
}

/** Counts of one batch session: `added === confirmed + failed` once flushed. */
export interface BatchStats {
  /** Objects added with `addDataObject`. */
  objectsAdded: number;
  /** Objects the server confirmed. */
  objectsConfirmed: number;
  /** Objects that failed (see `failedObjects`). */
  objectsFailed: number;
  /** References added with `addReference`. */
  referencesAdded: number;
  /** References the server confirmed. */
  referencesConfirmed: number;
  /** References that failed (see `failedReferences`). */
  referencesFailed: number;
  /** Batch requests sent, retries included. */
  requests: number;
}

const DEFAULT_MAX_BATCH_BYTES = 10 * 1024 * 1024;

/**
 * Where requests end, as item indices (exclusive): at most `maxBytes` per request, an item counting
 * its size plus one separator (an item larger than that goes alone), never more than `maxCount` items.
 */
function requestEnds(sizes: readonly number[], maxBytes: number, maxCount: number): number[] {
  const ends: number[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]! + 1;
    if (count > 0 && (bytes + size > maxBytes || count >= maxCount)) {
      ends.push(i);
      count = 0;
      bytes = 0;
    }
    count++;
    bytes += size;
  }
  if (count > 0) ends.push(sizes.length);
  return ends;
}

/**
 * Splits queued items into requests: at most `maxBytes` of item JSON each (an item larger than that
 * goes alone), never more than `maxCount` items.
 */
export function splitBySize<T extends { json: string }>(
  items: T[],
  maxBytes: number,
  maxCount = Number.POSITIVE_INFINITY,
): T[][] {
  const ends = requestEnds(
    items.map((i) => Buffer.byteLength(i.json)),
    maxBytes,
    maxCount,
  );
  return ends.map((end, k) => items.slice(k === 0 ? 0 : ends[k - 1], end));
}

/** What surrounds the comma-separated objects in a `POST /v1/batch/objects` body (ASCII). */
const OBJECTS_OPEN = '{"fields":["ALL"],"objects":[';
const OBJECTS_CLOSE = ']}';
const COMMA = 0x2c;

/**
 * POST /v1/batch/objects for one request's objects (body built from the pre-encoded items). With
 * `needResults` false (no callback, auto mode) an answer without any `"errors"` and with one result
 * per item is not parsed at all: the server echoes every object with its vector, so parsing would cost
 * more memory and time than the request itself.
 */
export function batchObjectsOp(
  items: QueuedObject[],
  consistencyLevel?: string,
  needResults = true,
): Operation<BatchResultItem[]> {
  const body = `${OBJECTS_OPEN}${items.map((i) => i.json).join(',')}${OBJECTS_CLOSE}`;
  return objectsOp(body, items.length, consistencyLevel, needResults);
}

/** POST /v1/batch/objects with a body already encoded, holding `count` objects. */
function objectsOp(
  body: string | Buffer,
  count: number,
  consistencyLevel: string | undefined,
  needResults: boolean,
): Operation<BatchResultItem[]> {
  return {
    name: 'batch.createObjects',
    method: 'POST',
    path: `/v1/batch/objects${consistencyLevel ? `?consistency_level=${consistencyLevel}` : ''}`,
    rawBody: body,
    rawBytes: true,
    what: 'Create objects in batch',
    decode: (text) => decodeResults(text, count, 'objects', needResults),
  };
}

/** POST /v1/batch/references for one request's references. */
export function batchReferencesOp(
  items: QueuedReference[],
  consistencyLevel?: string,
  needResults = true,
): Operation<BatchResultItem[]> {
  return {
    name: 'batch.createReferences',
    method: 'POST',
    path: `/v1/batch/references${consistencyLevel ? `?consistency_level=${consistencyLevel}` : ''}`,
    rawBody: `[${items.map((i) => i.json).join(',')}]`,
    rawText: true,
    what: 'Create references in batch',
    decode: (text) => decodeResults(text, items.length, 'references', needResults),
  };
}

/** One request's worth of queued items: how to send them and each item again, for the accounting. */
interface RequestChunk<T> {
  readonly length: number;
  /** Sends the request once through the funnel (REST or gRPC, as the chunk was encoded). */
  send(
    conn: Connection,
    consistencyLevel: string | undefined,
    needResults: boolean,
  ): Promise<BatchResultItem[]>;
  /** Item `i`, as it goes into `failedObjects` / `failedReferences`. */
  item(i: number): T;
}

/** References are few and small: they stay queued as objects with their JSON. */
class ReferencesChunk implements RequestChunk<QueuedReference> {
  constructor(readonly items: QueuedReference[]) {}
  get length(): number {
    return this.items.length;
  }
  send(
    conn: Connection,
    consistencyLevel: string | undefined,
    needResults: boolean,
  ): Promise<BatchResultItem[]> {
    return conn.run(batchReferencesOp(this.items, consistencyLevel, needResults));
  }
  item(i: number): QueuedReference {
    return this.items[i]!;
  }
}

/**
 * One request's objects: the encoded body and, for the accounting, each object's id and where its JSON
 * sits in the body. Nothing else of the objects stays alive while the request is in flight.
 *
 * @internal Exported for its unit tests.
 */
export class ObjectsChunk implements RequestChunk<QueuedObject> {
  #starts: number[] | undefined;
  constructor(
    readonly body: Buffer,
    readonly uuids: string[],
    /** UTF-8 length of each object's JSON. */
    readonly lengths: number[],
  ) {}
  get length(): number {
    return this.uuids.length;
  }
  send(
    conn: Connection,
    consistencyLevel: string | undefined,
    needResults: boolean,
  ): Promise<BatchResultItem[]> {
    return conn.run(objectsOp(this.body, this.length, consistencyLevel, needResults));
  }

  /** Object `i` as a copy of its JSON: a slice would keep the whole request body alive with it. */
  item(i: number): QueuedObject {
    if (!this.#starts) {
      this.#starts = [];
      let at = OBJECTS_OPEN.length;
      for (const n of this.lengths) {
        this.#starts.push(at);
        at += n + 1;
      }
    }
    const start = this.#starts[i]!;
    const json = this.body.toString('utf8', start, start + this.lengths[i]!);
    return new EncodedObject(this.uuids[i]!, json);
  }
}

/**
 * The objects queued for the next request(s), encoded into one Buffer that is reused from batch to
 * batch.
 *
 * Why not a string per object: those strings live until their request is sent, long enough to be
 * promoted to V8's old generation, and building the body from them copies everything twice more (the
 * join, then the flattening of `open + join + close` when undici encodes it); all of it is garbage only
 * a full GC collects. Here each object's JSON string is copied into the buffer at once and dies young,
 * and a request body is one copy of a buffer range, sent as bytes; the server's answer (it echoes every
 * object with its vector) stays bytes too and is only scanned for errors unless a callback wants it.
 *
 * Layout: room for {@link OBJECTS_OPEN}, then the objects' JSON separated by commas. A request's body
 * is framed in place: the opening is written over the bytes just before its first object (the reserved
 * room, or objects of an earlier request whose body is already made) and the closing over the two bytes
 * after its last object, which are put back afterwards.
 *
 * @internal Exported for its unit tests.
 */
export class ObjectQueue {
  readonly #queue = new QueueBuffer();
  #end = OBJECTS_OPEN.length;
  #uuids: string[] = [];
  /** UTF-8 length of each object's JSON (request sizes). */
  #bytes: number[] = [];

  get length(): number {
    return this.#uuids.length;
  }

  push(uuid: string, json: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit, a comma, and room for the closing of the last request.
    const buf = this.#queue.reserve(this.#end, json.length * 3 + 1 + OBJECTS_CLOSE.length);
    if (this.#uuids.length > 0) buf[this.#end++] = COMMA;
    const written = buf.write(json, this.#end);
    this.#end += written;
    this.#uuids.push(uuid);
    this.#bytes.push(written);
  }

  /** Every queued object as requests (bodies encoded now, split by size and count); empties the queue. */
  take(maxBytes: number, maxCount: number): ObjectsChunk[] {
    const chunks: ObjectsChunk[] = [];
    for (const r of this.#requests(maxBytes, maxCount)) {
      // A copy: the queue's buffer is reused for the next objects while this request is in flight.
      chunks.push(new ObjectsChunk(Buffer.from(r.body), r.uuids, r.bytes));
    }
    return chunks;
  }

  /**
   * Frames each request's body in place and yields it as a view of the queue's buffer (valid until the
   * next step); empties the queue at the end.
   */
  *#requests(
    maxBytes: number,
    maxCount: number,
  ): Generator<{ body: Buffer; uuids: string[]; bytes: number[] }> {
    const buf = this.#queue.buf;
    let first = 0;
    let start = OBJECTS_OPEN.length; // byte offset of the request's first object
    for (const end of requestEnds(this.#bytes, maxBytes, maxCount)) {
      let stop = start - 1;
      for (let i = first; i < end; i++) stop += this.#bytes[i]! + 1;
      const from = start - OBJECTS_OPEN.length;
      buf.write(OBJECTS_OPEN, from, 'latin1');
      const after = [buf[stop]!, buf[stop + 1]!];
      buf.write(OBJECTS_CLOSE, stop, 'latin1');
      yield {
        body: buf.subarray(from, stop + OBJECTS_CLOSE.length),
        uuids: this.#uuids.slice(first, end),
        bytes: this.#bytes.slice(first, end),
      };
      buf[stop] = after[0]!;
      buf[stop + 1] = after[1]!;
      first = end;
      start = stop + 1;
    }
    this.#queue.reset();
    this.#end = OBJECTS_OPEN.length;
    this.#uuids = [];
    this.#bytes = [];
  }
}

/** One request's objects encoded for gRPC BatchObjects; failed objects are decoded back to REST bodies. */
class GrpcObjectsChunk implements RequestChunk<QueuedObject> {
  constructor(readonly objects: EncodedObjects) {}
  get length(): number {
    return this.objects.uuids.length;
  }
  send(conn: Connection, consistencyLevel: string | undefined): Promise<BatchResultItem[]> {
    return conn.runGrpc(batchObjectsGrpcOp(this.objects, consistencyLevel));
  }
  item(i: number): QueuedObject {
    const body = decodeObject(this.objects.bytes, this.objects.starts[i]!, this.objects.ends[i]!);
    return new EncodedObject(this.objects.uuids[i]!, JSON.stringify(body));
  }
}

/** Results of a batch answer all reporting success, without the echoed objects. */
const ALL_OK: BatchResultItem = Object.freeze({
  result: Object.freeze({ status: 'SUCCESS' }),
}) as BatchResultItem;

/** Occurrences of `needle` in `text`. */
function occurrences(text: string | Buffer, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function decodeResults(
  answer: unknown,
  expected: number,
  what: string,
  needResults: boolean,
): BatchResultItem[] {
  // Text (references) or bytes (objects): either is scanned without decoding it first.
  if (
    !needResults &&
    (typeof answer === 'string' || Buffer.isBuffer(answer)) &&
    !answer.includes('"errors"') &&
    occurrences(answer, '"result":') === expected
  ) {
    return new Array<BatchResultItem>(expected).fill(ALL_OK);
  }
  const text = Buffer.isBuffer(answer) ? answer.toString('utf8') : answer;
  let body: unknown;
  try {
    body = typeof text === 'string' ? JSON.parse(text) : text;
  } catch (err) {
    throw new ProtocolError(`batch ${what}: the server answered with malformed JSON`, { cause: err });
  }
  if (!Array.isArray(body) || body.length !== expected) {
    // Fewer answers than items would silently lose some: refuse the answer instead.
    throw new DbwireError(
      `batch ${what}: expected ${expected} results, got ${Array.isArray(body) ? body.length : typeof body}`,
      {
        code: 'ERR_BATCH_RESULT_MISMATCH',
      },
    );
  }
  return body as BatchResultItem[];
}

/** The server's messages for one item, or undefined when it succeeded. */
export function itemErrors(result: BatchResultItem): string[] | undefined {
  const r = result?.result;
  const errs = r?.errors?.error;
  if (Array.isArray(errs) && errs.length)
    return errs.map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
  if (r?.status === 'FAILED') return ['FAILED'];
  return undefined;
}

/** Options of `deleteObjects` (seed: `batch.delete_objects(class_name, where, output='minimal', dry_run=False)`). */
export interface DeleteObjectsOptions extends CallOptions {
  /** Class to delete from. */
  className: string;
  /** REST where filter (same shape as `withWhere`). */
  where: Record<string, unknown>;
  /** `minimal` (counts) or `verbose` (every object). Default `minimal`. */
  output?: 'minimal' | 'verbose';
  /** Only count what would be deleted. Default false. */
  dryRun?: boolean;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
  /** Replication consistency. */
  consistencyLevel?: ConsistencyLevel;
}

/** DELETE /v1/batch/objects. */
export function deleteObjectsOp(options: DeleteObjectsOptions): Operation<any> {
  if (typeof options?.where !== 'object' || options.where === null) {
    throw new UsageError('deleteObjects needs a where filter', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const output = options.output ?? 'minimal';
  if (output !== 'minimal' && output !== 'verbose')
    throw new UsageError('output must be "minimal" or "verbose"', { code: 'ERR_INVALID_ARGUMENT' });
  const params: string[] = [];
  if (options.consistencyLevel) params.push(`consistency_level=${options.consistencyLevel}`);
  if (options.tenant) params.push(`tenant=${encodeURIComponent(options.tenant)}`);
  return {
    name: 'batch.deleteObjects',
    method: 'DELETE',
    path: `/v1/batch/objects${params.length ? `?${params.join('&')}` : ''}`,
    body: {
      match: { class: capitalizeClassName(options.className), where: options.where },
      output,
      dryRun: options.dryRun ?? false,
    },
    what: 'Delete objects in batch',
    decode: (b) => b,
  };
}

/** The batch settings in force (`batch.config`), after `configure()` / `client.batch(...)`. */
export interface BatchSettings {
  batchSize: number | null;
  dynamic: boolean;
  creationTime: number;
  timeoutRetries: number;
  connectionErrorRetries: number;
  callback: BatchCallback | null;
  numWorkers: number;
  consistencyLevel: ConsistencyLevel | undefined;
  maxBatchBytes: number;
  onProgress: ProgressCallback | undefined;
}

function settingsFrom(o: BatchConfigureOptions = {}): BatchSettings {
  const bad = (what: string) => new UsageError(`batch configure: ${what}`, { code: 'ERR_INVALID_ARGUMENT' });
  const intAtLeast = (v: unknown, min: number, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw bad(`${name} must be an integer >= ${min}, got ${String(v)}`);
    return v;
  };
  const batchSize =
    o.batchSize === undefined || o.batchSize === null ? null : intAtLeast(o.batchSize, 1, 'batchSize', 1);
  const creationTime = o.creationTime ?? 10;
  if (typeof creationTime !== 'number' || !(creationTime > 0))
    throw bad(`creationTime must be a number of seconds > 0`);
  if (o.callback !== undefined && o.callback !== null && typeof o.callback !== 'function')
    throw bad('callback must be a function or null');
  const maxBatchBytes = intAtLeast(o.maxBatchBytes, 1, 'maxBatchBytes', DEFAULT_MAX_BATCH_BYTES);
  return {
    batchSize,
    dynamic: o.dynamic ?? false,
    creationTime,
    timeoutRetries: intAtLeast(o.timeoutRetries, 0, 'timeoutRetries', 3),
    connectionErrorRetries: intAtLeast(o.connectionErrorRetries, 0, 'connectionErrorRetries', 3),
    callback: o.callback === undefined ? checkBatchResult : o.callback,
    numWorkers: intAtLeast(o.numWorkers, 1, 'numWorkers', 1),
    consistencyLevel: o.consistencyLevel,
    maxBatchBytes,
    onProgress: o.onProgress,
  };
}

/** Makes instances of a subclass callable: the instance IS a function that calls `invoke`. */
class CallableBase {
  constructor() {
    const fn = function (this: unknown, ...args: unknown[]) {
      return (fn as unknown as { invoke(...a: unknown[]): unknown }).invoke(...args);
    };
    // biome-ignore lint/correctness/noConstructorReturn: the instance must be a function to be callable
    return Object.setPrototypeOf(fn, new.target.prototype);
  }
}

/** Calling the batch configures it (seed: `client.batch(batch_size=100, ...)`). */
export interface Batch {
  // biome-ignore lint/style/useShorthandFunctionType: the call signature merges into the class
  (options?: BatchConfigureOptions): Batch;
}

/** `client.batch` (seed: `weaviate.batch.Batch`). */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: adds the call signature of the seed's `__call__`
export class Batch extends CallableBase {
  readonly #conn: Connection;
  #settings: BatchSettings = settingsFrom();
  readonly #objects = new ObjectQueue();
  /** With a grpcPort: plain objects, encoded for gRPC BatchObjects (the others go to #objects). */
  readonly #grpcObjects = new GrpcObjectQueue();
  #references: QueuedReference[] = [];
  #recommendedObjects = 0;
  #recommendedReferences = 0;
  /** Dispatched requests not yet finished (each never rejects). */
  readonly #running = new Set<Promise<void>>();
  /** Objects requests not yet finished: references wait for these. */
  readonly #runningObjects = new Set<Promise<void>>();
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  #tracker: ProgressTracker | undefined;
  /** Counts of the session (since the last `configure` on an idle batch). */
  #stats: BatchStats = emptyStats();
  #failedObjects: BatchFailure<QueuedObject>[] = [];
  #failedReferences: BatchFailure<QueuedReference>[] = [];

  /** @internal */
  constructor(conn: Connection) {
    super();
    this.#conn = conn;
  }

  /** @internal The call signature. */
  invoke(options?: BatchConfigureOptions): Batch {
    return this.configure(options);
  }

  /**
   * Sets every batch option; options left out return to their defaults, as in the seed
   * (seed: `batch.configure(batch_size=None, dynamic=False, creation_time=10, timeout_retries=3,
   * connection_error_retries=3, callback=check_batch_result, num_workers=1)`).
   */
  configure(options: BatchConfigureOptions = {}): Batch {
    this.#settings = settingsFrom(options);
    const size = this.#settings.batchSize ?? 0;
    this.#recommendedObjects = size;
    this.#recommendedReferences = size;
    // A new session starts when the batch is idle; with items queued or in flight the counts go on,
    // so nothing added before the call escapes the accounting.
    if (this.#queuedObjects === 0 && this.#references.length === 0 && this.#running.size === 0) {
      this.#stats = emptyStats();
      this.#failedObjects = [];
      this.#failedReferences = [];
      this.#tracker = undefined;
    }
    return this;
  }

  /** Objects the server did not confirm since the session started (the last idle `configure`), with the reason. */
  get failedObjects(): readonly BatchFailure<QueuedObject>[] {
    return this.#failedObjects;
  }

  /** References the server did not confirm since the session started, with the reason. */
  get failedReferences(): readonly BatchFailure<QueuedReference>[] {
    return this.#failedReferences;
  }

  /** The current configuration. */
  get config(): Readonly<Omit<BatchSettings, 'onProgress'>> {
    const { onProgress: _p, ...rest } = this.#settings;
    return rest;
  }

  /** Dynamic batching's current object batch size (seed: `recommended_num_objects`). */
  get recommendedNumObjects(): number | null {
    return this.#settings.batchSize === null ? null : this.#recommendedObjects;
  }

  /** Dynamic batching's current reference batch size (seed: `recommended_num_references`). */
  get recommendedNumReferences(): number | null {
    return this.#settings.batchSize === null ? null : this.#recommendedReferences;
  }

  /** Counts of the session: after `flush()`, added = confirmed + failed for objects and references. */
  get stats(): Readonly<BatchStats> {
    return { ...this.#stats };
  }

  /** Objects queued and not yet sent (seed: `num_objects()`). */
  numObjects(): number {
    return this.#queuedObjects;
  }

  /** References queued and not yet sent (seed: `num_references()`). */
  numReferences(): number {
    return this.#references.length;
  }

  /** `[objects, references]` queued (seed: `shape`). */
  get shape(): [number, number] {
    return [this.#queuedObjects, this.#references.length];
  }

  /**
   * Queues an object and resolves with its id (seed: `add_data_object(...)`). In auto and dynamic
   * mode it may start a batch request first; it then resolves once the request is under way and a
   * worker is free (back-pressure), never waiting for the answer. Request failures never reject
   * here: they are counted and reported (callback, `failedObjects`).
   */
  async addDataObject(options: AddDataObjectOptions): Promise<string> {
    if (typeof options !== 'object' || options === null) {
      throw new UsageError('addDataObject takes { dataObject, className, uuid?, vector?, tenant? }', {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const uuid =
      options.uuid === undefined || options.uuid === null ? randomUUID() : getValidUuid(options.uuid);
    const body = objectBody(options.dataObject, options.className, uuid, options.vector, options.tenant);
    if (!(this.#conn.grpc && this.#grpcObjects.push(uuid, body)))
      this.#objects.push(uuid, JSON.stringify(body));
    this.#stats.objectsAdded++;
    await this.#autoCreate();
    return uuid;
  }

  /** Queues a reference (seed: `add_reference(...)`); see {@link addDataObject} for when it waits. */
  async addReference(options: AddReferenceOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) {
      throw new UsageError(
        'addReference takes { fromObjectUuid, fromObjectClassName, fromPropertyName, toObjectUuid, toObjectClassName? }',
        {
          code: 'ERR_INVALID_ARGUMENT',
        },
      );
    }
    const { fromObjectUuid, fromObjectClassName, fromPropertyName, toObjectUuid, toObjectClassName, tenant } =
      options;
    if (typeof fromPropertyName !== 'string' || fromPropertyName === '') {
      throw new UsageError('fromPropertyName must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
    }
    const body: QueuedReference['body'] = {
      from: `weaviate://localhost/${capitalizeClassName(fromObjectClassName)}/${getValidUuid(fromObjectUuid)}/${fromPropertyName}`,
      to: beacon(toObjectUuid, toObjectClassName),
    };
    if (tenant !== undefined) body.tenant = tenant;
    this.#references.push({ body, json: JSON.stringify(body) });
    this.#stats.referencesAdded++;
    await this.#autoCreate();
  }

  /** Whether auto or dynamic batching wants requests now; dispatches them. */
  async #autoCreate(): Promise<void> {
    const s = this.#settings;
    if (s.batchSize === null) return;
    if (!s.dynamic) {
      if (this.#queuedObjects + this.#references.length >= s.batchSize) await this.#dispatchAll();
      return;
    }
    if (this.#references.length >= this.#recommendedReferences) await this.#dispatchAll();
    else if (this.#queuedObjects >= this.#recommendedObjects) await this.#dispatchObjects();
  }

  /** Objects then references, as the seed orders them. */
  async #dispatchAll(): Promise<void> {
    await this.#dispatchObjects();
    await this.#dispatchReferences();
  }

  #dispatchObjects(): Promise<void> {
    return this.#dispatch('objects');
  }

  #dispatchReferences(): Promise<void> {
    return this.#dispatch('references');
  }

  /**
   * Takes the queued items of one kind once a worker is free (so dynamic batching uses the latest
   * recommendation), splits them by size and count, and starts one request per chunk as workers free
   * up. Resolves once the last request is under way, never waiting for answers.
   */
  async #dispatch(kind: 'objects' | 'references'): Promise<void> {
    if ((kind === 'objects' ? this.#queuedObjects : this.#references.length) === 0) return;
    await this.#acquire();
    const recommended = kind === 'objects' ? this.#recommendedObjects : this.#recommendedReferences;
    const max = this.#settings.dynamic ? Math.max(1, recommended) : Number.POSITIVE_INFINITY;
    const chunks = this.#takeQueued(kind, max);
    if (chunks.length === 0) {
      this.#release();
      return;
    }
    // References go out only after every objects request dispatched before them has finished.
    const before = kind === 'references' ? [...this.#runningObjects] : [];
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0) await this.#acquire();
      const chunk = chunks[i]!;
      const run = (async () => {
        try {
          if (before.length) await Promise.all(before);
          await this.#send<QueuedObject | QueuedReference>(kind, chunk, true);
        } catch {
          // Accounted inside; an auto-mode request never rejects.
        } finally {
          this.#release();
        }
      })();
      this.#running.add(run);
      if (kind === 'objects') this.#runningObjects.add(run);
      run.finally(() => {
        this.#running.delete(run);
        this.#runningObjects.delete(run);
      });
    }
  }

  /** Objects queued (both queues). */
  get #queuedObjects(): number {
    return this.#objects.length + this.#grpcObjects.length;
  }

  /** Empties both object queues into requests: gRPC ones first, then REST ones. */
  #takeObjects(maxBytes: number, maxCount: number): Array<RequestChunk<QueuedObject>> {
    const grpc = this.#grpcObjects.take(maxBytes, maxCount).map((o) => new GrpcObjectsChunk(o));
    return [...grpc, ...this.#objects.take(maxBytes, maxCount)];
  }

  /** Empties the queue of one kind into requests of at most `maxBatchBytes` and `maxCount` items. */
  #takeQueued(
    kind: 'objects' | 'references',
    maxCount: number,
  ): Array<RequestChunk<QueuedObject> | RequestChunk<QueuedReference>> {
    const maxBytes = this.#settings.maxBatchBytes;
    if (kind === 'objects') return this.#takeObjects(maxBytes, maxCount);
    const items = this.#references;
    this.#references = [];
    return splitBySize(items, maxBytes, maxCount).map((c) => new ReferencesChunk(c));
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#settings.numWorkers) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }

  /** Sends one request with the configured retries; returns the per-item results. */
  async #request(send: () => Promise<BatchResultItem[]>): Promise<BatchResultItem[]> {
    const s = this.#settings;
    let timeouts = 0;
    let connErrors = 0;
    for (;;) {
      this.#stats.requests++;
      try {
        return await send();
      } catch (err) {
        if (err instanceof TimeoutError && timeouts < s.timeoutRetries) {
          timeouts++;
          continue;
        }
        // Connection errors and server overload (429/503) share the connection retry budget.
        if (
          !(err instanceof TimeoutError) &&
          err instanceof DbwireError &&
          err.retryable &&
          connErrors < s.connectionErrorRetries
        ) {
          connErrors++;
          await sleep(Math.min(2000, 100 * 2 ** connErrors));
          continue;
        }
        throw err;
      }
    }
  }

  #progress(): ProgressTracker | undefined {
    if (!this.#settings.onProgress) return undefined;
    this.#tracker ??= new ProgressTracker(this.#settings.onProgress);
    return this.#tracker;
  }

  /**
   * Sends one batch request of `kind` (objects or references) and accounts for every item: confirmed,
   * or in the failures list with its error. `auto` sends report to the callback; manual sends throw.
   */
  async #send<T extends QueuedObject | QueuedReference>(
    kind: 'objects' | 'references',
    chunk: RequestChunk<T>,
    auto: boolean,
  ): Promise<BatchResultItem[]> {
    const started = performance.now();
    const { consistencyLevel, callback, dynamic } = this.#settings;
    const withResults = !auto || callback !== null;
    const failures = (kind === 'objects' ? this.#failedObjects : this.#failedReferences) as BatchFailure<T>[];
    let results: BatchResultItem[];
    try {
      results = await this.#request(() => chunk.send(this.#conn, consistencyLevel, withResults));
    } catch (err) {
      const items = this.#failAll(chunk, err, failures, kind);
      if (!auto) throw err;
      this.#notify(items.map((i) => failedResult(i.body, err)));
      return [];
    }
    let ok = 0;
    results.forEach((r, i) => {
      const errors = itemErrors(r);
      if (errors) failures.push({ item: chunk.item(i), error: new BatchItemError(errors) });
      else ok++;
    });
    const count = chunk.length;
    const failed = count - ok;
    const elapsed = performance.now() - started;
    if (kind === 'objects') {
      this.#stats.objectsConfirmed += ok;
      this.#stats.objectsFailed += failed;
      if (dynamic) this.#recommendedObjects = this.#recompute(this.#recommendedObjects, count, elapsed);
    } else {
      this.#stats.referencesConfirmed += ok;
      this.#stats.referencesFailed += failed;
      if (dynamic) this.#recommendedReferences = this.#recompute(this.#recommendedReferences, count, elapsed);
    }
    this.#progress()?.add(ok, failed);
    if (auto) this.#notify(results);
    return results;
  }

  /** Records every item of a request that failed as a whole; returns them. */
  #failAll<T>(
    chunk: RequestChunk<T>,
    err: unknown,
    into: BatchFailure<T>[],
    kind: 'objects' | 'references',
  ): T[] {
    const error = err instanceof Error ? err : new Error(String(err));
    const items: T[] = [];
    for (let i = 0; i < chunk.length; i++) items.push(chunk.item(i));
    for (const item of items) into.push({ item, error });
    if (kind === 'objects') this.#stats.objectsFailed += items.length;
    else this.#stats.referencesFailed += items.length;
    this.#progress()?.add(0, items.length);
    return items;
  }

  /** Dynamic batching: the size that would take `creationTime` at the rate just measured (at most doubling). */
  #recompute(current: number, sent: number, elapsedMs: number): number {
    const perSecond = sent / Math.max(elapsedMs / 1000, 1e-3);
    const target = Math.round(perSecond * this.#settings.creationTime);
    return Math.max(1, Math.min(target, Math.max(current, sent) * 2));
  }

  #notify(results: BatchResultItem[]): void {
    const cb = this.#settings.callback;
    if (cb) cb(results);
  }

  /**
   * Sends every queued object now (seed: `create_objects()`) and resolves with the per-object results.
   * A request that fails as a whole (after retries) rejects, its objects recorded in `failedObjects`.
   */
  async createObjects(): Promise<BatchResultItem[]> {
    await this.#drain();
    const chunks = this.#takeObjects(this.#settings.maxBatchBytes, Number.POSITIVE_INFINITY);
    const out: BatchResultItem[] = [];
    for (let i = 0; i < chunks.length; i++) {
      try {
        out.push(...(await this.#send('objects', chunks[i]!, false)));
      } catch (err) {
        // The later chunks were never sent: account for them too before rejecting.
        for (const rest of chunks.slice(i + 1))
          this.#failAll(rest, notSent(err), this.#failedObjects, 'objects');
        throw err;
      }
    }
    return out;
  }

  /** The seed's spelling in its manual error-handling example (`client.batch.create_object()`). */
  createObject(): Promise<BatchResultItem[]> {
    return this.createObjects();
  }

  /**
   * Sends every queued reference now (seed: `create_references()`) and resolves with the results.
   * A request that fails as a whole (after retries) rejects, its references recorded in `failedReferences`.
   */
  async createReferences(): Promise<BatchResultItem[]> {
    await this.#drain();
    const chunks = this.#takeQueued('references', Number.POSITIVE_INFINITY) as ReferencesChunk[];
    const out: BatchResultItem[] = [];
    for (let i = 0; i < chunks.length; i++) {
      try {
        out.push(...(await this.#send('references', chunks[i]!, false)));
      } catch (err) {
        for (const rest of chunks.slice(i + 1))
          this.#failAll(rest, notSent(err), this.#failedReferences, 'references');
        throw err;
      }
    }
    return out;
  }

  /** Waits for every request in flight. */
  async #drain(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running]);
  }

  /**
   * Sends everything still queued (objects, then references) and waits for every request in flight
   * (seed: `flush()`). Results go to the callback; failures to `failedObjects` / `failedReferences`.
   */
  async flush(): Promise<void> {
    await this.#dispatchObjects();
    await this.#dispatchReferences();
    await this.#drain();
    this.#tracker?.finish();
  }

  /** Same as `flush()`, for `await using batch = client.batch` (seed: leaving `with client.batch as batch:`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.flush();
  }

  /** Same as `flush()`: the explicit end of a batch session. */
  close(): Promise<void> {
    return this.flush();
  }

  /** Runs `fn` with this batch and flushes at the end, also when `fn` throws (seed: `with client.batch as batch:`). */
  async with<T>(fn: (batch: Batch) => Promise<T> | T): Promise<T> {
    let result: T;
    try {
      result = await fn(this);
    } catch (err) {
      await this.flush().catch(() => {});
      throw err;
    }
    await this.flush();
    return result;
  }

  /**
   * Deletes every object of a class that matches a where filter
   * (seed: `batch.delete_objects(class_name, where, output='minimal', dry_run=False)`).
   */
  deleteObjects(options: DeleteObjectsOptions): Promise<any> {
    return call(() => deleteObjectsOp(options), this.#conn, options);
  }
}

function emptyStats(): BatchStats {
  return {
    objectsAdded: 0,
    objectsConfirmed: 0,
    objectsFailed: 0,
    referencesAdded: 0,
    referencesConfirmed: 0,
    referencesFailed: 0,
    requests: 0,
  };
}

/** An object or reference the server refused inside an otherwise successful batch request. */
export class BatchItemError extends DbwireError {
  static override brandName = 'BatchItemError';
  static override readonly defaultCode: string = 'ERR_BATCH_ITEM';
  /** The server's messages for the item. */
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('; '));
    this.messages = messages;
  }
}

function failedResult(body: unknown, err: unknown): BatchResultItem {
  const message = err instanceof Error ? err.message : String(err);
  return { ...(body as Record<string, unknown>), result: { errors: { error: [{ message }] } } };
}

function notSent(err: unknown): Error {
  return new ConnectionError(
    `not sent: an earlier request of the same createObjects/createReferences call failed`,
    {
      code: 'ERR_BATCH_NOT_SENT',
      cause: err,
    },
  );
}
