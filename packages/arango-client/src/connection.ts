/**
 * The funnel: the only place in this package that does I/O. One undici `Pool` per host (keep-alive),
 * host selection and failover, deadlines, auth (basic or JWT with refresh), caller stacks, the
 * keep-alive reset retry, and JSON (de)serialisation hooks. Every public method builds a plain
 * `ArangoRequest` and hands it to `send()`.
 */
import {
  type CallOptions,
  type CallSite,
  ConnectionError,
  captureCallSite,
  Deadline,
  HostPool,
  jwtExpiry,
  RefreshingTokenProvider,
  registerSecret,
  ServerError,
  TimeoutError,
  type TlsOptions,
  toNodeTlsOptions,
  traceRequest,
  withCallSite,
} from '@dbwire/core';
import type { Dispatcher, Pool } from 'undici';
import {
  ArangoClientError,
  type ArangoRequestInfo,
  type ArangoResponseInfo,
  type ArangoServerError,
  JWTAuthError,
  type ServerErrorClass,
  statusText,
} from './errors.js';

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A query parameter value (undefined and null are left out). */
export type QueryValue = string | number | boolean | null | undefined;

/** A request as the public API builds it: plain data, no I/O. */
export interface ArangoRequest {
  method: HttpMethod;
  /** Database-relative endpoint, already URL-encoded, starting with `/_api`, `/_admin` or `/_open`. */
  endpoint: string;
  /** Database name, or null for server-level endpoints (`/_open/auth`, `/_admin/compact`). */
  db: string | null;
  query?: Record<string, QueryValue> | undefined;
  headers?: Record<string, string> | undefined;
  /** Serialised with the client's `serializer` (JSON by default). */
  body?: unknown;
  /** Sent as is (e.g. JSON lines for bulk import, a zip for Foxx uploads). */
  rawBody?: string | Uint8Array | undefined;
  /** Read the answer as bytes: `body` is a Buffer and `rawBody` is empty (Foxx downloads). */
  binary?: boolean | undefined;
  /** Safe to repeat (retry on reset, failover). GET and HEAD are always safe. */
  idempotent?: boolean | undefined;
  /** Host index the request must go to (cursor batches are pinned to their coordinator). */
  host?: number | undefined;
  /** Name of the operation in diagnostics events (default: method and API area, see `operationOf`). */
  operation?: string | undefined;
}

/** A response as the API shapes it. */
export interface ArangoResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  rawBody: string;
  /** Index of the host that answered. */
  host: number;
  url: string;
  /** Caller stack captured when the call started. */
  site: CallSite | undefined;
}

/** Decodes one answer of an operation: its result, or a thrown typed error. May be async (drains). */
export type Decode<T> = (res: ArangoResponse) => T | Promise<T>;

/** Where the API wrappers' calls run (the seed's `context`). */
export type ExecutionContext = 'default' | 'transaction' | 'async' | 'batch';

/** What the public API needs from a connection; transactions wrap it to add their header. */
export interface Executor {
  /** Sends one request and resolves to the answer, whatever its status. */
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse>;
  readonly extraHeaders?: Record<string, string> | undefined;
  /** Set by deferred executors ("async", "batch"); otherwise derived from `extraHeaders`. */
  readonly context?: ExecutionContext | undefined;
  /**
   * Deferred executors run an operation themselves: they send (or queue) `req` and return a job whose
   * result is `decode` applied to the answer when it arrives. Absent: send now and decode.
   */
  run?<T>(req: ArangoRequest, decode: Decode<T>, options?: CallOptions): Promise<T>;
  /** The executor follow-up requests (cursor batches) use; a deferred executor's plain one. */
  readonly direct?: Executor | undefined;
}

/** Options of a `Connection` (the client passes its own through). */
export interface ConnectionOptions {
  hosts: string[];
  hostResolver?: 'roundrobin' | 'random';
  /** Values to JSON text. Default `JSON.stringify`. */
  serializer?: (value: unknown) => string;
  /** JSON text to values. Default `JSON.parse`. */
  deserializer?: (text: string) => unknown;
  /** Milliseconds a request may wait for the server (headers and each body chunk). Default 60 000. */
  requestTimeout?: number;
  /** Extra attempts on other hosts after connection errors or 503 (safe requests only). Default hosts-1, at least 1. */
  maxRetries?: number;
  /** Keep-alive sockets per host. Default 32. */
  poolSize?: number;
  /** Requests in flight per socket (HTTP/1.1 pipelining). Default 1. */
  pipelining?: number;
  /** Idle keep-alive sockets are closed after this many ms (below the server's 300 s). Default 4 000. */
  keepAliveTimeout?: number;
  /**
   * Also record the synchronous caller stack when each call starts (core `captureCallSite`), for
   * callers outside an async function. Default false: every async error already carries the caller's
   * frames through V8's async stack traces, because one await chain runs from the public method to
   * the socket (no queue or callback breaks it, unlike arangojs #599). Measured cost of turning it
   * on: ~15–20 % of document GET throughput.
   */
  captureStackTraces?: boolean;
  tls?: TlsOptions;
  /**
   * The seed's `http_client`: an undici `Dispatcher` (e.g. an `Agent` or `ProxyAgent` with your own
   * connect options) used for every host instead of the client's own pools; never closed by the client.
   */
  httpClient?: Dispatcher;
  /** Milliseconds a failed host is skipped. Default 5 000. */
  markDownMs?: number;
}

/** Credentials of a `Connection`: basic, JWT login, or a ready JWT. */
export interface AuthOptions {
  username?: string | undefined;
  password?: string | undefined;
  authMethod?: 'basic' | 'jwt' | undefined;
  /** A ready JWT (superuser or user token). */
  userToken?: string | undefined;
}

const KEEPALIVE_RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNABORTED',
]);
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface Host {
  origin: string;
  /** Opened on the first request to this host (see `loadUndici`). */
  pool: Dispatcher | undefined;
  poolOptions: Pool.Options;
}

let undici: Promise<typeof import('undici')> | undefined;

/**
 * undici is imported on the first request, not when the package is imported: loading it is most of
 * this package's start-up time, and an application that builds a client at start-up should not pay
 * for it before it talks to ArangoDB.
 */
function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici');
  return undici;
}

/** Encodes a query object; undefined and null values are left out. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  let out = '';
  for (const key in query) {
    const v = query[key];
    if (v === undefined || v === null) continue;
    out += `${out ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`;
  }
  return out;
}

/**
 * The operation name of a request in diagnostics events: `req.operation`, or the method and the API
 * area without names, keys or query (`POST /_api/document`, `PUT /_api/job`), so no user data leaks.
 */
export function operationOf(req: ArangoRequest): string {
  if (req.operation !== undefined) return req.operation;
  const e = req.endpoint;
  const second = e.indexOf('/', 1);
  const third = second === -1 ? -1 : e.indexOf('/', second + 1);
  return `${req.method} ${third === -1 ? e : e.slice(0, third)}`;
}

/** `/_db/<name>` + endpoint + query string: the path a request goes to. */
export function requestPath(req: ArangoRequest): string {
  const q = req.query ? encodeQuery(req.query) : '';
  return req.db === null ? req.endpoint + q : `/_db/${encodeURIComponent(req.db)}${req.endpoint}${q}`;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The request as the seed's `exc.request` shows it, without credentials. */
export function requestInfo(req: ArangoRequest, extra?: Record<string, string>): ArangoRequestInfo {
  const params: Record<string, string> = {};
  if (req.query) for (const k in req.query) if (req.query[k] != null) params[k] = String(req.query[k]);
  return {
    method: req.method.toLowerCase(),
    endpoint: req.endpoint,
    headers: { ...extra, ...req.headers },
    params,
    data: req.rawBody instanceof Uint8Array ? `<${req.rawBody.byteLength} bytes>` : (req.rawBody ?? req.body),
  };
}

/** The response as the seed's `exc.response` shows it. */
export function responseInfo(req: ArangoRequest, res: ArangoResponse): ArangoResponseInfo {
  const body = res.body;
  const isObj = typeof body === 'object' && body !== null;
  return {
    method: req.method.toLowerCase(),
    headers: flatHeaders(res.headers),
    url: res.url,
    isSuccess: res.status >= 200 && res.status < 300,
    body,
    rawBody: res.rawBody,
    statusText: statusText(res.status),
    statusCode: res.status,
    errorCode: isObj && typeof body.errorNum === 'number' ? body.errorNum : null,
    errorMessage: isObj && typeof body.errorMessage === 'string' ? body.errorMessage : null,
  };
}

/** Builds the typed server error for a failed response, with the caller's stack attached. */
export function serverError(
  Err: ServerErrorClass,
  req: ArangoRequest,
  res: ArangoResponse,
  extraHeaders?: Record<string, string>,
  message?: string,
): ArangoServerError {
  return withCallSite(new Err(responseInfo(req, res), requestInfo(req, extraHeaders), message), res.site);
}

export class Connection implements Executor {
  readonly hosts: readonly string[];
  /** Serialises request bodies (the client's `serializer`). */
  readonly serialize: (value: unknown) => string;
  /** Parses JSON answers (the client's `deserializer`). */
  readonly deserialize: (text: string) => unknown;
  readonly username: string | undefined;
  readonly extraHeaders = undefined;
  readonly #hosts: Host[];
  /** Host selection and mark-down (core): holds indexes into #hosts. */
  readonly #pool: HostPool<number>;
  readonly #requestTimeout: number;
  readonly #maxRetries: number;
  readonly #capture: boolean;
  readonly #ownsPools: boolean;
  #closed = false;
  // Header objects are built once and reused for every request (rebuilt only when a JWT changes).
  #getHeaders: Record<string, string>;
  #bodyHeaders: Record<string, string>;
  readonly #auth: AuthOptions;
  /** JWT via /_open/auth, refreshed before expiry by core's single-flight provider (authMethod 'jwt'). */
  readonly #tokens: RefreshingTokenProvider | undefined;
  #jwt: string | undefined;

  constructor(options: ConnectionOptions, auth: AuthOptions = {}) {
    if (!options.hosts.length) throw new ArangoClientError('at least one host is required');
    this.hosts = options.hosts;
    this.serialize = options.serializer ?? JSON.stringify;
    this.deserialize = options.deserializer ?? JSON.parse;
    this.#requestTimeout = options.requestTimeout ?? 60_000;
    this.#maxRetries = options.maxRetries ?? Math.max(1, options.hosts.length - 1);
    this.#capture = options.captureStackTraces ?? false;
    this.#ownsPools = options.httpClient === undefined;
    this.#auth = auth;
    this.username = auth.username;
    const poolOptions = {
      connections: options.poolSize ?? 32,
      pipelining: options.pipelining ?? 1,
      keepAliveTimeout: options.keepAliveTimeout ?? 4_000,
      keepAliveMaxTimeout: 30_000,
      headersTimeout: this.#requestTimeout,
      bodyTimeout: this.#requestTimeout,
    };
    this.#hosts = options.hosts.map((origin) => {
      const url = new URL(origin);
      const connect =
        url.protocol === 'https:' && options.tls ? toNodeTlsOptions(options.tls, url.hostname) : undefined;
      return {
        origin: url.origin,
        pool: options.httpClient,
        poolOptions: connect ? { ...poolOptions, connect } : poolOptions,
      };
    });
    this.#pool = new HostPool(
      this.#hosts.map((_, i) => i),
      { resolver: options.hostResolver ?? 'roundrobin', markDownMs: options.markDownMs ?? 5_000 },
    );
    if (auth.password !== undefined) registerSecret(auth.password);
    if (auth.userToken !== undefined) {
      registerSecret(auth.userToken);
      this.#jwt = auth.userToken;
    }
    this.#tokens =
      auth.authMethod === 'jwt' && auth.userToken === undefined
        ? new RefreshingTokenProvider({ fetchToken: (signal) => this.#login(signal), refreshEarlyMs: 30_000 })
        : undefined;
    this.#getHeaders = {};
    this.#bodyHeaders = {};
    this.#rebuildHeaders();
  }

  #authorization(): string | undefined {
    if (this.#jwt !== undefined) return `bearer ${this.#jwt}`;
    const { username, password, authMethod } = this.#auth;
    if (authMethod === 'jwt' || username === undefined) return undefined;
    const basic = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    registerSecret(basic.slice(6));
    return basic;
  }

  #rebuildHeaders(): void {
    const auth = this.#authorization();
    const base: Record<string, string> = { accept: 'application/json' };
    if (auth) base.authorization = auth;
    this.#getHeaders = base;
    this.#bodyHeaders = { ...base, 'content-type': 'application/json' };
  }

  /** POST /_open/auth: the JWT for username/password (called by the token provider). */
  async #login(signal?: AbortSignal): Promise<{ token: string; expiresAt?: number }> {
    const req: ArangoRequest = {
      method: 'POST',
      endpoint: '/_open/auth',
      db: null,
      body: { username: this.#auth.username ?? 'root', password: this.#auth.password ?? '' },
    };
    const res = await this.#run(req, signal ? { signal } : undefined, undefined, this.#bodyHeadersNoAuth());
    if (res.status !== 200 || typeof res.body?.jwt !== 'string') {
      throw serverError(JWTAuthError, { ...req, body: { username: this.#auth.username } }, res);
    }
    const token = res.body.jwt as string;
    const expiresAt = jwtExpiry(token);
    return expiresAt === undefined ? { token } : { token, expiresAt };
  }

  /** Current JWT from the provider; header objects are rebuilt only when it changed. */
  async #ensureToken(force: boolean): Promise<void> {
    const tokens = this.#tokens as RefreshingTokenProvider;
    if (force) tokens.invalidate();
    const jwt = await tokens.getToken();
    if (jwt !== this.#jwt) {
      this.#jwt = jwt;
      this.#rebuildHeaders();
    }
  }

  #bodyHeadersNoAuth(): Record<string, string> {
    return { accept: 'application/json', 'content-type': 'application/json' };
  }

  /** Sends one request; failover, retries, deadline and auth are handled here. */
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    const site = this.#capture ? captureCallSite(this.send) : undefined;
    if (this.#closed) {
      return Promise.reject(
        withCallSite(new ArangoClientError('the client is closed', { code: 'ERR_CLOSED' }), site),
      );
    }
    const sent =
      this.#auth.authMethod === 'jwt' && this.#auth.userToken === undefined
        ? this.#sendJwt(req, options, site)
        : this.#run(req, options, site);
    // Diagnostics (core): free when nobody subscribes to the dbwire:request:* channels.
    const trace = traceRequest('arango', operationOf(req));
    if (!trace) return sent;
    return sent.then(
      (res) => {
        trace.host = this.#hosts[res.host]?.origin;
        if (res.status < 400) trace.end();
        else {
          const num = (res.body as { errorNum?: unknown } | undefined)?.errorNum;
          const code = typeof num === 'number' ? `ARANGO_${num}` : `HTTP_${res.status}`;
          trace.error(new ServerError(`HTTP ${res.status}`, { code, retryable: res.status === 503 }));
        }
        return res;
      },
      (err: unknown) => {
        trace.error(err);
        throw err;
      },
    );
  }

  async #sendJwt(
    req: ArangoRequest,
    options: CallOptions | undefined,
    site: CallSite | undefined,
  ): Promise<ArangoResponse> {
    try {
      await this.#ensureToken(false);
    } catch (err) {
      throw withCallSite(err, site);
    }
    const res = await this.#run(req, options, site);
    if (res.status !== 401) return res;
    // The server no longer accepts the token (expired early, secret rotated): log in again once.
    await this.#ensureToken(true);
    return this.#run(req, options, site);
  }

  #run(
    req: ArangoRequest,
    options: CallOptions | undefined,
    site: CallSite | undefined,
    baseHeaders?: Record<string, string>,
  ): Promise<ArangoResponse> {
    let headers =
      baseHeaders ??
      (req.body !== undefined || req.rawBody !== undefined ? this.#bodyHeaders : this.#getHeaders);
    if (req.headers) headers = { ...headers, ...req.headers };
    if (!options || (options.timeout === undefined && options.signal === undefined)) {
      return this.#attempts(req, undefined, site, headers);
    }
    return this.#withDeadline(req, options, site, headers);
  }

  async #withDeadline(
    req: ArangoRequest,
    options: CallOptions,
    site: CallSite | undefined,
    headers: Record<string, string>,
  ): Promise<ArangoResponse> {
    const deadline = new Deadline(options, `${req.method} ${req.endpoint}`);
    try {
      if (deadline.aborted) throw withCallSite(deadline.error(), site);
      return await this.#attempts(req, deadline, site, headers);
    } finally {
      deadline.dispose();
    }
  }

  async #openPool(host: Host): Promise<Dispatcher> {
    const { Pool } = await loadUndici();
    // Two first requests may race here: the first to finish creates the pool, the other uses it.
    host.pool ??= new Pool(host.origin, host.poolOptions);
    return host.pool;
  }

  async #attempts(
    req: ArangoRequest,
    deadline: Deadline | undefined,
    site: CallSite | undefined,
    headers: Record<string, string>,
  ): Promise<ArangoResponse> {
    const path = requestPath(req);
    const body =
      req.rawBody !== undefined ? req.rawBody : req.body !== undefined ? this.serialize(req.body) : undefined;
    const safe = req.idempotent ?? (req.method === 'GET' || req.method === 'HEAD');
    const pinned = req.host;
    let hostIdx = pinned ?? this.#pool.next();
    let failovers = 0;
    let resetRetried = false;
    for (;;) {
      const host = this.#hosts[hostIdx];
      if (!host) throw withCallSite(new ArangoClientError(`no host with index ${hostIdx}`), site);
      try {
        const pool = host.pool ?? (await this.#openPool(host));
        const res = await pool.request(
          this.#ownsPools
            ? { origin: host.origin, method: req.method, path, headers, body, signal: deadline?.signal }
            : {
                origin: host.origin,
                method: req.method,
                path,
                headers,
                body,
                signal: deadline?.signal,
                // A user dispatcher has its own defaults: requestTimeout still applies per request.
                headersTimeout: this.#requestTimeout,
                bodyTimeout: this.#requestTimeout,
              },
        );
        let rawBody = '';
        let parsed: unknown;
        if (req.method === 'HEAD') {
          await res.body.dump();
        } else if (req.binary) {
          parsed = Buffer.from(await res.body.arrayBuffer());
        } else {
          rawBody = await res.body.text();
          if (rawBody.length > 0) {
            const ct = res.headers['content-type'];
            if (ct === undefined || (typeof ct === 'string' && ct.includes('json'))) {
              try {
                parsed = this.deserialize(rawBody);
              } catch {
                parsed = rawBody;
              }
            } else parsed = rawBody;
          }
        }
        if (
          res.statusCode === 503 &&
          pinned === undefined &&
          safe &&
          this.#hosts.length > 1 &&
          failovers < this.#maxRetries
        ) {
          this.#pool.markDown(hostIdx);
          failovers++;
          hostIdx = this.#nextHost(hostIdx);
          continue;
        }
        return {
          status: res.statusCode,
          headers: res.headers,
          body: parsed,
          rawBody,
          host: hostIdx,
          url: host.origin + path,
          site,
        };
      } catch (err) {
        if (deadline?.aborted) throw withCallSite(deadline.error(), site);
        const code = (err as { code?: string }).code ?? '';
        const causeCode = ((err as { cause?: { code?: string } }).cause?.code ?? '') as string;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
          throw withCallSite(
            new TimeoutError(`${req.method} ${req.endpoint} timed out after ${this.#requestTimeout} ms`, {
              cause: err,
            }),
            site,
          );
        }
        if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
          if (this.#closed)
            throw withCallSite(new ArangoClientError('the client is closed', { code: 'ERR_CLOSED' }), site);
        }
        const notSent = NOT_SENT_CODES.has(code) || NOT_SENT_CODES.has(causeCode);
        const reset = KEEPALIVE_RESET_CODES.has(code) || KEEPALIVE_RESET_CODES.has(causeCode);
        // A pooled keep-alive socket closed by the server: repeat once on the same host when safe.
        if (reset && safe && !resetRetried) {
          resetRetried = true;
          continue;
        }
        if (
          (notSent || (reset && safe)) &&
          pinned === undefined &&
          this.#hosts.length > 1 &&
          failovers < this.#maxRetries
        ) {
          this.#pool.markDown(hostIdx);
          failovers++;
          hostIdx = this.#nextHost(hostIdx);
          continue;
        }
        const message = (err as Error).message ?? String(err);
        throw withCallSite(
          new ConnectionError(`${req.method} ${host.origin}${req.endpoint} failed: ${message}`, {
            code: code || causeCode || 'ERR_CONNECTION',
            cause: err,
            retryable: notSent || safe,
          }),
          site,
        );
      }
    }
  }

  /** The host after `current` that is not marked down (or simply the next one when all are). */
  #nextHost(current: number): number {
    const n = this.#hosts.length;
    for (let i = 1; i <= n; i++) {
      const idx = (current + i) % n;
      if (!this.#pool.isDown(idx)) return idx;
    }
    return (current + 1) % n;
  }

  /** Closes every pool; in-flight requests finish first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPools) await Promise.all(this.#hosts.map((h) => h.pool?.close().catch(() => {})));
  }

  get closed(): boolean {
    return this.#closed;
  }
}

/** Adds fixed headers (e.g. `x-arango-trx-id`) to every request of an executor. */
export class HeaderExecutor implements Executor {
  readonly extraHeaders: Record<string, string>;
  readonly #inner: Executor;
  constructor(inner: Executor, headers: Record<string, string>) {
    this.#inner = inner;
    this.extraHeaders = { ...inner.extraHeaders, ...headers };
  }
  /** Sends one request and resolves to the answer, whatever its status. */
  send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    return this.#inner.send({ ...req, headers: { ...this.extraHeaders, ...req.headers } }, options);
  }
}
