/**
 * Deferred execution contexts: async jobs (`x-arango-async: store`) and batches. Both are executors
 * that implement `run(req, decode)`: every API wrapper's operation (see `ApiGroup._run`) goes through
 * it unchanged, and the executor returns a job whose `result()` applies the operation's own decoder
 * to the answer when it arrives, so a failed job re-throws the operation's own error class.
 */
import type { CallOptions } from '@dbwire/core';
import type { ApiGroup } from './aql.js';
import {
  type ArangoRequest,
  type ArangoResponse,
  type Decode,
  type Executor,
  requestPath,
  serverError,
} from './connection.js';
import {
  AsyncExecuteError,
  AsyncJobCancelError,
  AsyncJobClearError,
  AsyncJobResultError,
  AsyncJobStatusError,
  BatchExecuteError,
  BatchJobResultError,
  BatchStateError,
} from './errors.js';

// --- async jobs ------------------------------------------------------------------------------------

/** An operation running on the server in the background (seed: `AsyncJob`). */
export class AsyncJob<T = unknown> {
  /** The server's job id (`x-arango-async-id`). */
  readonly id: string;
  readonly #exec: Executor;
  readonly #db: string;
  readonly #decode: Decode<T>;
  #cancelled = false;

  constructor(exec: Executor, db: string, id: string, decode: Decode<T>) {
    this.#exec = exec;
    this.#db = db;
    this.id = id;
    this.#decode = decode;
  }

  #req(method: ArangoRequest['method'], suffix = ''): ArangoRequest {
    return { method, endpoint: `/_api/job/${encodeURIComponent(this.id)}${suffix}`, db: this.#db };
  }
  #notFound(Err: typeof AsyncJobStatusError, req: ArangoRequest, res: ArangoResponse): Error {
    const extra = this.#exec.extraHeaders;
    return res.status === 404
      ? withMessage(Err, req, res, extra, `job ${this.id} not found`)
      : serverError(Err, req, res, extra);
  }

  /**
   * "pending" (queued or running), "done" (finished, result stored) or "cancelled" (this job was
   * cancelled with `cancel()` and the server holds no result for it). GET /_api/job/<id>.
   */
  async status(options?: CallOptions): Promise<'pending' | 'done' | 'cancelled'> {
    const req = this.#req('GET');
    const res = await this.#exec.send(req, options);
    if (res.status === 204) return this.#cancelled ? 'cancelled' : 'pending';
    if (res.status === 200) return 'done';
    if (res.status === 404 && this.#cancelled) return 'cancelled';
    throw this.#notFound(AsyncJobStatusError, req, res);
  }

  /**
   * The operation's result (PUT /_api/job/<id>, which also removes it from the server). A failed
   * operation re-throws its own error class (e.g. `AQLQueryExecuteError` with httpCode 400 and
   * errorCode 1501); a job still running is an `AsyncJobResultError` ("job <id> not done").
   */
  async result(options?: CallOptions): Promise<T> {
    const req = this.#req('PUT');
    const res = await this.#exec.send(req, options);
    // The stored answer of the operation carries the job id; the job API's own answers do not.
    if (res.headers['x-arango-async-id'] !== undefined) return this.#decode(res);
    if (res.status === 204)
      throw withMessage(AsyncJobResultError, req, res, this.#exec.extraHeaders, `job ${this.id} not done`);
    throw this.#notFound(AsyncJobResultError, req, res);
  }

  /** Cancels a job still queued or running; false when missing and `ignoreMissing`. */
  async cancel(o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    const req = this.#req('PUT', '/cancel');
    const res = await this.#exec.send(req, o);
    if (res.status === 200) {
      this.#cancelled = true;
      return true;
    }
    if (res.status === 404 && o.ignoreMissing) return false;
    throw this.#notFound(AsyncJobCancelError, req, res);
  }

  /** Deletes the job's stored result from the server; false when missing and `ignoreMissing`. */
  async clear(o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    const req = this.#req('DELETE');
    const res = await this.#exec.send(req, o);
    if (res.status === 200) return true;
    if (res.status === 404 && o.ignoreMissing) return false;
    throw this.#notFound(AsyncJobClearError, req, res);
  }
}

function withMessage(
  Err: typeof AsyncJobStatusError,
  req: ArangoRequest,
  res: ArangoResponse,
  extra: Record<string, string> | undefined,
  message: string,
): Error {
  return serverError(Err, req, res, extra, message);
}

/**
 * The executor of `db.beginAsyncExecution()`: each operation goes out with `x-arango-async: store`
 * (or `true` without `returnResult`), the server answers 202 at once, and the caller gets an
 * `AsyncJob` (or null).
 */
export class AsyncExecutor implements Executor {
  readonly context = 'async' as const;
  readonly direct: Executor;
  readonly extraHeaders: Record<string, string> | undefined;
  readonly #db: string;
  readonly #returnResult: boolean;

  constructor(base: Executor, db: string, returnResult: boolean) {
    this.direct = base.direct ?? base;
    this.extraHeaders = base.extraHeaders;
    this.#db = db;
    this.#returnResult = returnResult;
  }
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    return this.direct.send(req, options);
  }
  async run<T>(req: ArangoRequest, decode: Decode<T>, options?: CallOptions): Promise<T> {
    const async = this.#returnResult ? 'store' : 'true';
    const sent = { ...req, headers: { ...req.headers, 'x-arango-async': async } };
    const res = await this.direct.send(sent, options);
    if (res.status !== 202) throw serverError(AsyncExecuteError, sent, res, this.extraHeaders);
    // Typed by the AsyncDatabase mapping: the wrapper's Promise<R> is a Promise<AsyncJob<R>> here.
    if (!this.#returnResult) return null as T;
    const id = res.headers['x-arango-async-id'];
    if (typeof id !== 'string' || !id) {
      throw withMessage(AsyncExecuteError, sent, res, this.extraHeaders, 'the server returned no job id');
    }
    return new AsyncJob(this.direct, this.#db, id, decode) as T;
  }
}

// --- batches ---------------------------------------------------------------------------------------

/** 3.12 has no /_api/batch: "unknown path" (404 errorNum 404), or 405/501 from older proxies. */
function isMissingEndpoint(res: ArangoResponse): boolean {
  if (res.status === 405 || res.status === 501) return true;
  if (res.status !== 404) return false;
  const num = (res.body as { errorNum?: unknown } | undefined)?.errorNum;
  return num === undefined || num === 404;
}

/** A queued operation of a batch (seed: `BatchJob`); its result is available after `commit()`. */
export class BatchJob<T = unknown> {
  /** Position of the job in its batch (also its multipart `Content-Id`). */
  readonly id: string;
  readonly #decode: Decode<T>;
  #answer: ArangoResponse | undefined;
  #failure: unknown;

  constructor(id: string, decode: Decode<T>) {
    this.id = id;
    this.#decode = decode;
  }
  /** @internal Called by the batch on commit. */
  _settle(answer: ArangoResponse | undefined, failure?: unknown): void {
    this.#answer = answer;
    this.#failure = failure;
  }
  /** "pending" before the batch is committed, "done" once its answer arrived. */
  async status(): Promise<'pending' | 'done'> {
    return this.#answer !== undefined || this.#failure !== undefined ? 'done' : 'pending';
  }
  /** The operation's result; a failed operation re-throws its own error class. */
  async result(): Promise<T> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#answer === undefined) throw new BatchJobResultError('result not available yet');
    return this.#decode(this.#answer);
  }
}

/** How `commit()` sends a batch. */
export type BatchMode = 'auto' | 'multipart' | 'requests';

/** Options of `db.beginBatchExecution()` and `db.batch()`. */
export interface BatchOptions {
  /** Keep a BatchJob per queued call (default true); false: calls resolve to null. */
  returnResult?: boolean;
  /**
   * "multipart": one POST /_api/batch per database (ArangoDB ≤ 3.11); "requests": each queued call
   * as its own request (ArangoDB 3.12 removed /_api/batch); "auto" (default): multipart, and once a
   * server answers that it has no batch endpoint, requests from then on.
   */
  mode?: BatchMode;
  /**
   * Requests in flight at once in "requests" mode. Default 1: queue order, as the batch endpoint
   * executed its parts; raise it when the queued calls do not depend on each other.
   */
  concurrency?: number;
}

interface Queued {
  req: ArangoRequest;
  job: BatchJob<unknown>;
  options: CallOptions | undefined;
}

/** Servers (per base executor) that answered that they have no /_api/batch. */
const noBatchEndpoint = new WeakSet<Executor>();

/** The executor of `db.beginBatchExecution()`: operations are queued until `commit()`. */
export class BatchExecutor implements Executor {
  readonly context = 'batch' as const;
  readonly direct: Executor;
  readonly extraHeaders: Record<string, string> | undefined;
  readonly #returnResult: boolean;
  readonly #mode: BatchMode;
  readonly #concurrency: number;
  #queue: Queued[] = [];
  #committed = false;

  constructor(base: Executor, o: BatchOptions = {}) {
    this.direct = base.direct ?? base;
    this.extraHeaders = base.extraHeaders;
    this.#returnResult = o.returnResult ?? true;
    this.#mode = o.mode ?? 'auto';
    if (!['auto', 'multipart', 'requests'].includes(this.#mode))
      throw new BatchStateError(`mode must be "auto", "multipart" or "requests", got "${String(o.mode)}"`);
    this.#concurrency = o.concurrency ?? 1;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1)
      throw new BatchStateError('concurrency must be a positive integer');
  }
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    return this.direct.send(req, options);
  }
  get committed(): boolean {
    return this.#committed;
  }
  async run<T>(req: ArangoRequest, decode: Decode<T>, options?: CallOptions): Promise<T> {
    if (this.#committed) throw new BatchStateError('the batch was committed and cannot be reused');
    const job = new BatchJob<T>(String(this.#queue.length + 1), decode);
    this.#queue.push({ req, job: job as BatchJob<unknown>, options });
    // Typed by the BatchDatabase mapping: the wrapper's Promise<R> is a Promise<BatchJob<R>> here.
    return (this.#returnResult ? job : null) as T;
  }
  /** The queued jobs (null without `returnResult`). */
  queuedJobs(): BatchJob<unknown>[] | null {
    return this.#returnResult ? this.#queue.map((q) => q.job) : null;
  }

  /**
   * Sends every queued call. A transport failure of the batch request rejects `commit()` and is
   * also what each unsent job's `result()` throws: no queued call is dropped silently.
   */
  async commit(options?: CallOptions): Promise<BatchJob<unknown>[] | null> {
    if (this.#committed) throw new BatchStateError('the batch was already committed');
    this.#committed = true;
    const queue = this.#queue;
    if (queue.length > 0) {
      const base = this.direct;
      let multipart = this.#mode === 'multipart' || (this.#mode === 'auto' && !noBatchEndpoint.has(base));
      if (multipart) {
        const sent = await this.#sendMultipart(queue, options);
        if (!sent) {
          if (this.#mode === 'multipart')
            throw new BatchStateError(
              'the server has no batch endpoint (ArangoDB 3.12+): use mode "requests"',
            );
          noBatchEndpoint.add(base);
          multipart = false;
        }
      }
      if (!multipart) await this.#sendEach(queue);
    }
    return this.#returnResult ? queue.map((q) => q.job) : null;
  }

  /** Each call as its own request, `concurrency` at a time, in queue order. */
  async #sendEach(queue: Queued[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const q = queue[next++] as Queued;
        try {
          q.job._settle(await this.direct.send(q.req, q.options));
        } catch (err) {
          q.job._settle(undefined, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
  }

  /**
   * One POST /_api/batch per database; false when the server has no batch endpoint (then nothing
   * was executed: the first request already says so).
   */
  async #sendMultipart(queue: Queued[], options: CallOptions | undefined): Promise<boolean> {
    const byDb = new Map<string | null, Queued[]>();
    for (const q of queue) {
      const list = byDb.get(q.req.db);
      if (list) list.push(q);
      else byDb.set(q.req.db, [q]);
    }
    let first = true;
    for (const [db, parts] of byDb) {
      const boundary = `dbwire-batch-${Math.random().toString(36).slice(2)}`;
      const req: ArangoRequest = {
        method: 'POST',
        endpoint: '/_api/batch',
        db,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        rawBody: encodeBatch(parts, boundary, (v) => this.#serialize(v)),
      };
      let res: ArangoResponse;
      try {
        res = await this.direct.send(req, options);
      } catch (err) {
        for (const p of parts) p.job._settle(undefined, err);
        throw err;
      }
      if (first && isMissingEndpoint(res)) return false;
      first = false;
      if (res.status !== 200) {
        const err = serverError(BatchExecuteError, { ...req, rawBody: undefined }, res, this.extraHeaders);
        for (const p of parts) p.job._settle(undefined, err);
        throw err;
      }
      const ct = String(res.headers['content-type'] ?? '');
      const answers = decodeBatch(
        String(res.rawBody ?? ''),
        /boundary=([^;\s]+)/.exec(ct)?.[1]?.replace(/^"|"$/g, '') ?? boundary,
        res,
      );
      parts.forEach((p, i) => {
        const a = answers.get(p.job.id) ?? answers.get(`#${i}`);
        if (a) p.job._settle(a);
        else
          p.job._settle(
            undefined,
            serverError(
              BatchExecuteError,
              p.req,
              res,
              this.extraHeaders,
              `no answer for batch part ${p.job.id}`,
            ),
          );
      });
    }
    return true;
  }

  #serialize(value: unknown): string {
    const d = this.direct as { serialize?: (v: unknown) => string };
    return d.serialize ? d.serialize(value) : JSON.stringify(value);
  }
}

/** The multipart body of POST /_api/batch: one `application/x-arango-batchpart` per call. Pure. */
export function encodeBatch(
  parts: Array<{ req: ArangoRequest; job: { id: string } }>,
  boundary: string,
  serialize: (value: unknown) => string = JSON.stringify,
): string {
  let out = '';
  for (const { req, job } of parts) {
    // Parts run in the database of the batch request: their path has no /_db/<name> prefix.
    const path = requestPath({ ...req, db: null });
    let head = `${req.method} ${path} HTTP/1.1\r\n`;
    const body =
      req.rawBody !== undefined
        ? typeof req.rawBody === 'string'
          ? req.rawBody
          : Buffer.from(req.rawBody).toString('latin1')
        : req.body !== undefined
          ? serialize(req.body)
          : undefined;
    for (const [k, v] of Object.entries(req.headers ?? {})) head += `${k}: ${v}\r\n`;
    if (body !== undefined && !req.headers?.['content-type']) head += 'content-type: application/json\r\n';
    out +=
      `--${boundary}\r\ncontent-type: application/x-arango-batchpart\r\ncontent-id: ${job.id}\r\n\r\n` +
      `${head}\r\n${body ?? ''}\r\n`;
  }
  return `${out}--${boundary}--\r\n`;
}

/**
 * The answers of a batch, by `Content-Id` (and `#<index>` for parts without one). Each part's body
 * runs up to the next boundary line (the part's own Content-Length is not trusted). Pure.
 */
export function decodeBatch(
  text: string,
  boundary: string,
  outer: Pick<ArangoResponse, 'host' | 'url' | 'site'>,
): Map<string, ArangoResponse> {
  const out = new Map<string, ArangoResponse>();
  const delimiter = new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*(?:\\r?\\n|$)`);
  const chunks = text.split(delimiter).slice(1);
  let index = 0;
  for (const chunk of chunks) {
    if (!chunk.trim()) continue;
    const [partHead, http] = splitHead(chunk);
    const contentId = /(?:^|\n)content-id:[ \t]*([^\r\n]*)/i.exec(partHead)?.[1]?.trim();
    const [responseHead, rawBody] = splitHead(http);
    const lines = responseHead.split(/\r?\n/);
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyText = rawBody.replace(/\s+$/, '');
    let body: unknown = bodyText;
    if (bodyText && (headers['content-type'] ?? 'json').includes('json')) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = bodyText;
      }
    } else if (!bodyText) body = undefined;
    const res: ArangoResponse = {
      status,
      headers,
      body,
      rawBody: bodyText,
      host: outer.host,
      url: outer.url,
      site: outer.site,
    };
    out.set(`#${index++}`, res);
    if (contentId) out.set(contentId, res);
  }
  return out;
}

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// --- types of the deferred database wrappers ------------------------------------------------------

/** The job type of a context: `AsyncJob<T>` or `BatchJob<T>` (null without `returnResult`). */
export type JobOf<K extends 'async' | 'batch', R extends boolean, T> = R extends false
  ? null
  : K extends 'async'
    ? AsyncJob<T>
    : BatchJob<T>;

/**
 * A wrapper as seen in a deferred context: every method returning `Promise<T>` returns the job
 * instead (`Promise<AsyncJob<T>>` / `Promise<BatchJob<T>>`); child wrappers (`aql`,
 * `collection()`, `graph()`, ...) are mapped the same way; `context` is "async" or "batch".
 */
export type Deferred<W, K extends 'async' | 'batch', R extends boolean> = {
  [P in keyof W]: P extends 'context'
    ? K
    : W[P] extends (...args: infer A) => Promise<infer T>
      ? (...args: A) => Promise<JobOf<K, R, T>>
      : W[P] extends (...args: infer A) => infer G
        ? G extends ApiGroup
          ? (...args: A) => Deferred<G, K, R>
          : W[P]
        : W[P] extends ApiGroup
          ? Deferred<W[P], K, R>
          : W[P];
};
