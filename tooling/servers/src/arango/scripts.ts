import type { IncomingHttpHeaders } from 'node:http';
import { jsonEqual, jsonSubset, type ParsedUrl, type RequestBody } from './recordings.js';

/**
 * Scripted mode: stateful sequences a test defines. Entries are tried in order before any recording;
 * the first entry that matches (and still has `times` left, and whose `when` state holds) answers.
 *
 * Two kinds of entry:
 * - static `{ match, respond, times?, when?, set? }`: a fixed answer. `when`/`set` read and write named
 *   script state (strings; an unset key reads as undefined), which lets a builder express "GET the
 *   transaction says running until PUT commits it".
 * - cursor `{ match, cursor, times? }`: each matching POST /_api/cursor creates a cursor instance with
 *   its own id and serves the rows in batches on POST/PUT /_api/cursor/<id> (and the
 *   POST /_api/cursor/<id>/<batchId> retry form); DELETE /_api/cursor/<id> closes it; an exhausted or
 *   closed cursor answers 404 errorNum 1600 like arangod. Batch bodies are built lazily once per
 *   entry and batch index and reused (only the small tail with the id differs per instance).
 */

export interface ScriptMatch {
  method?: string;
  /** Exact path after the `/_db/<name>` prefix is removed (e.g. `/_api/cursor`). */
  path?: string;
  /** Regular expression source tested against that path. */
  pathPattern?: string;
  /** Only requests for this database (`/_db/<name>/...`; no prefix = `_system`). */
  database?: string;
  /** Query parameters that must be present with these values (others are ignored). */
  query?: Record<string, string>;
  /** Request headers that must be present with these values (names case-insensitive). */
  headers?: Record<string, string>;
  /** Subset match on the JSON body (objects recursively; arrays and scalars by equality). */
  body?: unknown;
}

export interface ScriptResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; omit (or undefined) for an empty body. A string is sent as JSON too. */
  body?: unknown;
}

export interface StaticEntry {
  match: ScriptMatch;
  respond: ScriptResponse;
  /** How many times this entry may answer (default: unlimited). */
  times?: number;
  when?: Record<string, string>;
  set?: Record<string, string>;
}

export interface CursorSpec {
  /** Explicit rows ... */
  rows?: unknown[];
  /** ... or rows generated on the fly: `count` numbers (1..count) or documents of `collection`. */
  generate?: { count: number; shape: 'number' | 'document'; collection?: string };
  batchSize: number;
  /** Include `count` (the total) in every batch, as `count: true` queries do. */
  count?: boolean;
  /** Fixed cursor id for every instance (deterministic tests); default: a fresh id per instance. */
  id?: string;
}

export interface CursorEntry {
  match: ScriptMatch;
  cursor: CursorSpec;
  /** How many cursors this entry may create (default: unlimited). */
  times?: number;
}

export type ScriptEntry = StaticEntry | CursorEntry;

export interface ScriptRequest {
  method: string;
  url: ParsedUrl;
  headers: IncomingHttpHeaders;
  body: RequestBody;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Serialized answer, cached by the HTTP layer for replies that are reused (recordings). */
  wire?: Buffer;
  wireHead?: Buffer;
}

const MAX_LIVE_CURSORS = 10_000;
const MAX_RETIRED = 100_000;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', server: 'ArangoDB' } as const;

/** arangod's error body shape (see the recordings): `{ code, error: true, errorMessage, errorNum }`. */
export function errorBody(code: number, errorNum: number, errorMessage: string): Record<string, unknown> {
  return { code, error: true, errorMessage, errorNum };
}

interface LiveEntry {
  entry: ScriptEntry;
  left: number;
  pattern: RegExp | undefined;
  headers: Array<[string, string]>;
  /** Cursor entries: cached batch heads `{"result":[...],"hasMore":x`. */
  batches?: Buffer[];
}

interface CursorInstance {
  id: string;
  live: LiveEntry;
  /** Index of the next batch to serve. */
  next: number;
  total: number;
  batchCount: number;
}

export class ScriptEngine {
  private entries: LiveEntry[] = [];
  private readonly state = new Map<string, string>();
  private readonly cursors = new Map<string, CursorInstance>();
  private readonly retired = new Set<string>();
  private nextId = 880_001;

  get size(): number {
    return this.entries.length;
  }

  add(entries: ScriptEntry | ScriptEntry[]): number {
    const list = Array.isArray(entries) ? entries : [entries];
    for (const entry of list) this.entries.push(prepare(entry));
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
    this.state.clear();
    this.cursors.clear();
    this.retired.clear();
  }

  /** An answer from the script, or undefined to fall through to the recordings. */
  handle(req: ScriptRequest): Reply | undefined {
    if (this.entries.length === 0 && this.cursors.size === 0) return undefined;
    const seg = req.url.segments;
    if (seg[0] === '_api' && seg[1] === 'cursor' && seg.length >= 3 && seg.length <= 4) {
      const id = seg[2] as string;
      const instance = this.cursors.get(id);
      if (instance) return this.followUp(instance, req);
      if (this.retired.has(id)) return json(404, errorBody(404, 1600, 'cursor not found'));
    }
    for (const live of this.entries) {
      if (live.left <= 0 || !matches(live, req)) continue;
      const entry = live.entry;
      if ('cursor' in entry) {
        live.left--;
        return this.createCursor(live);
      }
      if (entry.when && !Object.entries(entry.when).every(([k, v]) => this.state.get(k) === v)) continue;
      live.left--;
      if (entry.set) for (const [k, v] of Object.entries(entry.set)) this.state.set(k, v);
      return staticReply(entry.respond);
    }
    return undefined;
  }

  private createCursor(live: LiveEntry): Reply {
    const spec = (live.entry as CursorEntry).cursor;
    const total = spec.rows ? spec.rows.length : (spec.generate?.count ?? 0);
    const batchSize = Math.max(1, Math.floor(spec.batchSize));
    const batchCount = Math.max(1, Math.ceil(total / batchSize));
    const id = spec.id ?? String(this.nextId++);
    const instance: CursorInstance = { id, live, next: 0, total, batchCount };
    if (batchCount > 1) {
      // Bounded like arangod's cursor TTL: abandoned cursors are evicted oldest first.
      if (this.cursors.size >= MAX_LIVE_CURSORS) {
        const oldest = this.cursors.keys().next().value as string;
        this.retire(oldest);
      }
      this.cursors.set(id, instance);
      this.retired.delete(id);
    }
    return this.batch(instance, 0, 201);
  }

  private followUp(instance: CursorInstance, req: ScriptRequest): Reply {
    const seg = req.url.segments;
    if (req.method === 'DELETE' && seg.length === 3) {
      this.retire(instance.id);
      return json(202, { id: instance.id, error: false, code: 202 });
    }
    if (req.method === 'POST' && seg.length === 4) {
      // Retry of an already served batch: batch ids are 1-based, and only the last one is kept.
      const wanted = Number(seg[3]) - 1;
      if (!Number.isInteger(wanted) || wanted < instance.next - 1 || wanted > instance.next || wanted < 0) {
        return json(400, errorBody(400, 10, `batch id ${seg[3]} is not the current or the next batch`));
      }
      if (wanted === instance.next) instance.next++;
      return this.batch(instance, wanted, 200);
    }
    if ((req.method === 'POST' || req.method === 'PUT') && seg.length === 3) {
      const index = instance.next;
      if (index >= instance.batchCount) {
        this.retire(instance.id);
        return json(404, errorBody(404, 1600, 'cursor not found'));
      }
      instance.next++;
      // arangod frees a cursor once its last batch is out: later fetches and DELETE get 1600.
      if (instance.next >= instance.batchCount) this.retire(instance.id);
      return this.batch(instance, index, 200);
    }
    return json(405, errorBody(405, 405, 'method not supported'));
  }

  private retire(id: string): void {
    this.cursors.delete(id);
    if (this.retired.size >= MAX_RETIRED) this.retired.clear();
    this.retired.add(id);
  }

  private batch(instance: CursorInstance, index: number, code: number): Reply {
    if (index === 0) instance.next = 1;
    const live = instance.live;
    const spec = (live.entry as CursorEntry).cursor;
    const hasMore = index + 1 < instance.batchCount;
    live.batches ??= [];
    let head = live.batches[index];
    if (!head) {
      head = Buffer.from(`{"result":${JSON.stringify(batchRows(spec, index))},"hasMore":${hasMore}`);
      live.batches[index] = head;
    }
    let tail = '';
    if (hasMore) tail += `,"id":${JSON.stringify(instance.id)}`;
    if (spec.count) tail += `,"count":${instance.total}`;
    tail += `,"extra":${EXTRA},"cached":false`;
    if (hasMore) tail += `,"nextBatchId":"${index + 2}"`;
    tail += `,"error":false,"code":${code}}`;
    return { status: code, headers: { ...JSON_HEADERS }, body: Buffer.concat([head, Buffer.from(tail)]) };
  }
}

/** The `extra` member of a cursor answer, shaped like the recorded ones (RestCursorCreateCursor*). */
const EXTRA = JSON.stringify({
  warnings: [],
  stats: {
    writesExecuted: 0,
    writesIgnored: 0,
    documentLookups: 0,
    seeks: 0,
    scannedFull: 0,
    scannedIndex: 0,
    searchParallelism: 1,
    cursorsCreated: 0,
    cursorsRearmed: 0,
    cacheHits: 0,
    cacheMisses: 0,
    filtered: 0,
    httpRequests: 0,
    executionTime: 0.000177,
    peakMemoryUsage: 0,
    intermediateCommits: 0,
  },
});

function batchRows(spec: CursorSpec, index: number): unknown[] {
  const from = index * spec.batchSize;
  if (spec.rows) return spec.rows.slice(from, from + spec.batchSize);
  const gen = spec.generate;
  if (!gen) return [];
  const to = Math.min(gen.count, from + spec.batchSize);
  const out: unknown[] = [];
  const coll = gen.collection ?? 'products';
  for (let i = from + 1; i <= to; i++) {
    // Document shape of the recorded `products` rows: _key, _id, _rev plus user attributes.
    out.push(
      gen.shape === 'number'
        ? i
        : { _key: String(i), _id: `${coll}/${i}`, _rev: `_l6zh${i.toString(36).padStart(6, '0')}`, value: i },
    );
  }
  return out;
}

function prepare(entry: ScriptEntry): LiveEntry {
  if (
    typeof entry !== 'object' ||
    entry === null ||
    typeof entry.match !== 'object' ||
    entry.match === null
  ) {
    throw new TypeError('a script entry needs a `match` object');
  }
  if ('cursor' in entry) {
    const c = entry.cursor;
    if (typeof c !== 'object' || c === null || !(c.batchSize >= 1)) {
      throw new TypeError('a cursor entry needs `cursor.batchSize` >= 1');
    }
    if (!Array.isArray(c.rows) && !(c.generate && c.generate.count >= 0)) {
      throw new TypeError('a cursor entry needs `cursor.rows` (array) or `cursor.generate.count`');
    }
  } else if (
    typeof entry.respond !== 'object' ||
    entry.respond === null ||
    !Number.isInteger(entry.respond.status)
  ) {
    throw new TypeError('a static script entry needs `respond.status` (integer)');
  }
  const m = entry.match;
  return {
    entry,
    left: entry.times ?? Number.POSITIVE_INFINITY,
    pattern: m.pathPattern ? new RegExp(m.pathPattern) : undefined,
    headers: Object.entries(m.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  };
}

function matches(live: LiveEntry, req: ScriptRequest): boolean {
  const m = live.entry.match;
  if (m.method && m.method.toUpperCase() !== req.method) return false;
  if (m.path !== undefined && m.path !== req.url.path) return false;
  if (live.pattern && !live.pattern.test(req.url.path)) return false;
  if (m.database !== undefined && m.database !== (req.url.database ?? '_system')) return false;
  for (const [k, v] of live.headers) if (req.headers[k] !== v) return false;
  if (m.query) {
    const q = new URLSearchParams(req.url.rawQuery);
    for (const [k, v] of Object.entries(m.query)) if (q.get(k) !== v) return false;
  }
  if (m.body !== undefined) {
    if (req.body.kind !== 'json') return false;
    if (!jsonSubset(m.body, req.body.json)) return false;
  }
  return true;
}

function staticReply(r: ScriptResponse): Reply {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.body));
  if (r.body === undefined && !r.headers?.['content-type'])
    headers['content-type'] = 'text/plain; charset=utf-8';
  return { status: r.status, headers, body };
}

function json(status: number, body: unknown): Reply {
  return { status, headers: { ...JSON_HEADERS }, body: Buffer.from(JSON.stringify(body)) };
}

// ---------------------------------------------------------------------------------------------------
// Builders for the stateful cases the arango-client suites need. Bodies follow the recorded shapes.
// ---------------------------------------------------------------------------------------------------

/**
 * Cursor paging: POST /_api/cursor (matching `query`/`body` when given) answers the first batch with
 * `id` and `hasMore: true`; POST or PUT /_api/cursor/<id> serve the next batches; DELETE closes.
 */
export function cursorPaging(options: {
  rows: unknown[];
  batchSize: number;
  query?: string;
  body?: Record<string, unknown>;
  id?: string;
  count?: boolean;
  database?: string;
  times?: number;
}): CursorEntry {
  const body = { ...(options.body ?? {}), ...(options.query !== undefined ? { query: options.query } : {}) };
  return {
    match: {
      method: 'POST',
      path: '/_api/cursor',
      ...(Object.keys(body).length > 0 ? { body } : {}),
      ...(options.database ? { database: options.database } : {}),
    },
    cursor: {
      rows: options.rows,
      batchSize: options.batchSize,
      count: options.count ?? true,
      ...(options.id ? { id: options.id } : {}),
    },
    ...(options.times !== undefined ? { times: options.times } : {}),
  };
}

/**
 * A large cursor generated on the fly (benchmark: 100k rows in 1k batches by default). Batch bodies
 * are serialized on first use and cached, so repeated drains cost one Buffer.concat per batch.
 */
export function bigCursor(
  options: {
    rows?: number;
    batchSize?: number;
    shape?: 'number' | 'document';
    collection?: string;
    query?: string;
    database?: string;
  } = {},
): CursorEntry {
  return {
    match: {
      method: 'POST',
      path: '/_api/cursor',
      ...(options.query !== undefined ? { body: { query: options.query } } : {}),
      ...(options.database ? { database: options.database } : {}),
    },
    cursor: {
      generate: {
        count: options.rows ?? 100_000,
        shape: options.shape ?? 'document',
        ...(options.collection ? { collection: options.collection } : {}),
      },
      batchSize: options.batchSize ?? 1000,
      count: true,
    },
  };
}

/**
 * Async job: the request matched by `match` with `x-arango-async: store` answers 202 with
 * `x-arango-async-id`; the first `pendingPolls` GET or PUT /_api/job/<id> answer 204 (pending), then GET answers 200 and
 * PUT /_api/job/<id> answers the stored result once (with `x-arango-async-id`, as recorded) and 404 after;
 * PUT /_api/job/<id>/cancel and DELETE /_api/job/<id> answer `{ result: true }`.
 */
export function asyncJob(options: {
  match: ScriptMatch;
  jobId: string;
  result: ScriptResponse;
  pendingPolls?: number;
}): StaticEntry[] {
  const id = options.jobId;
  const key = `job:${id}`;
  const jobPath = `/_api/job/${id}`;
  const notFound = { status: 404, body: errorBody(404, 404, 'not found') };
  const entries: StaticEntry[] = [
    {
      match: { ...options.match, headers: { ...(options.match.headers ?? {}), 'x-arango-async': 'store' } },
      respond: { status: 202, headers: { 'x-arango-async-id': id } },
      times: 1,
      set: { [key]: 'stored' },
    },
    {
      match: { method: 'GET', path: jobPath },
      respond: { status: 404, body: errorBody(404, 404, 'not found') },
      when: { [key]: 'gone' },
    },
    { match: { method: 'PUT', path: jobPath }, respond: notFound, when: { [key]: 'gone' } },
    { match: { method: 'DELETE', path: jobPath }, respond: notFound, when: { [key]: 'gone' } },
    // A job whose result was fetched (or that was cleared) no longer exists: cancel is a 404 too.
    { match: { method: 'PUT', path: `${jobPath}/cancel` }, respond: notFound, when: { [key]: 'gone' } },
    {
      match: { method: 'PUT', path: `${jobPath}/cancel` },
      respond: { status: 200, body: { result: true } },
      when: { [key]: 'stored' },
      set: { [key]: 'gone' },
    },
    {
      match: { method: 'DELETE', path: jobPath },
      respond: { status: 200, body: { result: true } },
      set: { [key]: 'gone' },
    },
  ];
  const polls = options.pendingPolls ?? 0;
  if (polls > 0) {
    // One budget for GET and PUT polls together (DELETE and cancel are matched above).
    entries.push({
      match: { path: jobPath },
      respond: { status: 204 },
      times: polls,
      when: { [key]: 'stored' },
    });
  }
  entries.push(
    { match: { method: 'GET', path: jobPath }, respond: { status: 200 }, when: { [key]: 'stored' } },
    {
      match: { method: 'PUT', path: jobPath },
      respond: {
        ...options.result,
        headers: { ...(options.result.headers ?? {}), 'x-arango-async-id': id },
      },
      when: { [key]: 'stored' },
      set: { [key]: 'gone' },
    },
  );
  return entries;
}

/**
 * Stream transaction: POST /_api/transaction/begin answers 201 `{ result: { id, status: 'running' } }`;
 * GET /_api/transaction/<id> reports the status; PUT commits, DELETE aborts (repeating the same
 * outcome is idempotent, the other one answers 409 errorNum 1653 as arangod does for a finished
 * transaction).
 */
export function streamTransaction(options: {
  id: string;
  collections?: Record<string, unknown>;
  database?: string;
}): StaticEntry[] {
  const { id } = options;
  const key = `trx:${id}`;
  const path = `/_api/transaction/${id}`;
  const db = options.database ? { database: options.database } : {};
  const status = (code: number, s: string) => ({
    status: code,
    body: { code, error: false, result: { id, status: s } },
  });
  const finished = (s: string) => ({
    status: 409,
    body: errorBody(409, 1653, `transaction '${id}' not running: ${s}`),
  });
  return [
    {
      match: {
        method: 'POST',
        path: '/_api/transaction/begin',
        ...db,
        ...(options.collections ? { body: { collections: options.collections } } : {}),
      },
      respond: status(201, 'running'),
      times: 1,
      set: { [key]: 'running' },
    },
    ...(['running', 'committed', 'aborted'] as const).map((s) => ({
      match: { method: 'GET', path, ...db },
      respond: status(200, s),
      when: { [key]: s },
    })),
    {
      match: { method: 'PUT', path, ...db },
      respond: status(200, 'committed'),
      when: { [key]: 'running' },
      set: { [key]: 'committed' },
    },
    {
      match: { method: 'PUT', path, ...db },
      respond: status(200, 'committed'),
      when: { [key]: 'committed' },
    },
    { match: { method: 'PUT', path, ...db }, respond: finished('aborted'), when: { [key]: 'aborted' } },
    {
      match: { method: 'DELETE', path, ...db },
      respond: status(200, 'aborted'),
      when: { [key]: 'running' },
      set: { [key]: 'aborted' },
    },
    { match: { method: 'DELETE', path, ...db }, respond: status(200, 'aborted'), when: { [key]: 'aborted' } },
    {
      match: { method: 'DELETE', path, ...db },
      respond: finished('committed'),
      when: { [key]: 'committed' },
    },
  ];
}

/**
 * Failover: the first `times` requests matching `match` (default: every request) answer 503 with
 * `x-arango-endpoint: <endpoint>` and errorNum 1496 ("not a leader"), as an active-failover follower
 * does; afterwards requests reach the recordings (or later entries) as usual.
 */
export function failover503(options: { times: number; endpoint: string; match?: ScriptMatch }): StaticEntry {
  return {
    match: options.match ?? {},
    respond: {
      status: 503,
      headers: { 'x-arango-endpoint': options.endpoint },
      body: errorBody(503, 1496, 'not a leader'),
    },
    times: options.times,
  };
}

/** Re-exported so tests can compare bodies the way the server does. */
export { jsonEqual };
