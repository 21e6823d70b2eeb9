/**
 * The funnel: the only place in this package that does I/O. Every public method builds a plain
 * {@link Operation} (method, path, body, which statuses are answers, how to decode them) and hands it
 * to {@link Connection.run}, which adds headers and credentials, applies the call's timeout and
 * AbortSignal, sends it over one keep-alive undici pool, maps failures to typed errors, retries once
 * after a refused token, publishes diagnostics events and appends the caller's frames to errors.
 */
import {
  awaitWithCallers,
  type CallOptions,
  ConnectionError,
  type CredentialsProvider,
  Deadline,
  ProtocolError,
  registerSecret,
  sleep,
  TimeoutError,
  traceRequest,
  UsageError,
} from '@dbwire/core';
import type { Dispatcher, Pool } from 'undici';
import {
  AuthenticationFailedException,
  UnexpectedStatusCodeException,
  WeaviateStartUpError,
} from './errors.js';
import { type Codec, type GrpcMethod, GrpcTransport, grpcEndpoint } from './grpc.js';

/** HTTP methods the REST API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request as the public API describes it: plain data, no I/O. */
export interface Operation<T> {
  /** Diagnostics name in the seed's vocabulary, e.g. `schema.get`, `batch.createObjects`. */
  name: string;
  method: HttpMethod;
  /** Path under the server root, starting with `/v1/`, already URL-encoded (query string included). */
  path: string;
  /** Serialised as JSON. */
  body?: unknown;
  /** Already serialised JSON, as text or UTF-8 bytes (batches encode themselves to measure their size). */
  rawBody?: string | Uint8Array;
  /** Statuses that are answers rather than errors. Default `[200]`. */
  ok?: readonly number[];
  /** Turns the parsed body of an accepted status into the method's result. */
  decode: (body: any, status: number) => T;
  /** Start of the error message for other statuses, e.g. `Create class`. */
  what: string;
  /** Maps a refused status to a more specific error than UnexpectedStatusCodeException. */
  refine?: (status: number, body: unknown) => Error | undefined;
  /** Sent without credentials (OIDC discovery). */
  anonymous?: boolean;
  /** Safe to send twice (reads, GraphQL). GET and HEAD always are. */
  idempotent?: boolean;
  /**
   * For accepted statuses, hand `decode` the response text instead of parsed JSON (large batch
   * answers that often need no parsing at all).
   */
  rawText?: boolean;
  /**
   * For accepted statuses, hand `decode` the response as one Buffer, never a string (batch answers
   * echo every object with its vector; mostly they need only a scan for errors).
   */
  rawBytes?: boolean;
}

/**
 * One call of Weaviate's gRPC API, as plain data: the funnel runs it with the same deadline,
 * credentials, diagnostics and errors as a REST {@link Operation}.
 */
export interface GrpcOperation<T> {
  /** Diagnostics name, the same as the REST twin's (`query.get`, `batch.createObjects`). */
  name: string;
  rpc: GrpcMethod;
  /** Encodes the request message with the generated codec. */
  encode: (codec: Codec) => Uint8Array;
  /** Turns the reply bytes into the method's result. */
  decode: (reply: Buffer, codec: Codec) => T;
  /** Start of error messages, e.g. `GraphQL query`. */
  what: string;
  /** The error for a request Weaviate refused with its own message (the REST twin's error class). */
  serverError: (message: string) => Error;
}

/** What the client needs from a source of credentials; resolved lazily on the first request. */
export type CredentialsFactory = (conn: Connection) => CredentialsProvider;

/** Options of the funnel (the `Client` constructor forwards them). */
export interface ConnectionOptions {
  /** Base URL of Weaviate, e.g. `http://localhost:8080`. */
  url: string;
  /** Source of auth headers, or none for anonymous access. */
  credentials?: CredentialsFactory | undefined;
  /** Headers sent with every request (module API keys such as `X-OpenAI-Api-Key`). */
  additionalHeaders?: Record<string, string> | undefined;
  /** `[connect, read]` seconds, or one number for both. Default `[10, 60]`. */
  timeoutConfig?: number | readonly [number, number] | undefined;
  /** Seconds the first request waits for `/v1/.well-known/ready`. Default: no wait. */
  startupPeriod?: number | undefined;
  /** Keep-alive sockets in the pool. Default 64. */
  connections?: number | undefined;
  /** Weaviate's gRPC port: searches and batches that gRPC can carry go over it. Default: REST only. */
  grpcPort?: number | undefined;
  /** Host of the gRPC port. Default: the host of `url`. */
  grpcHost?: string | undefined;
  /** TLS on the gRPC channel. Default: true when `url` is https. */
  grpcSecure?: boolean | undefined;
}

/** Errors of undici that mean the request never reached the server (safe to repeat). */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);
/** A pooled keep-alive socket the server closed: a GET may be repeated once. */
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const EMPTY_OPTIONS: CallOptions = {};

function parseTimeouts(value: ConnectionOptions['timeoutConfig']): [number, number] {
  const pair: readonly unknown[] =
    value === undefined ? [10, 60] : typeof value === 'number' ? [value, value] : value;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v))
  ) {
    throw new UsageError(
      `timeoutConfig must be a number of seconds > 0 or a [connect, read] pair, got ${JSON.stringify(value)}`,
      {
        code: 'ERR_INVALID_ARGUMENT',
      },
    );
  }
  return [pair[0] as number, pair[1] as number];
}

/** Splits a base URL into the pool origin and a path prefix (Weaviate behind a sub-path). */
function parseUrl(url: string): { origin: string; prefix: string; host: string; parsed: URL } {
  if (typeof url !== 'string' || url === '') {
    throw new UsageError('url must be a non-empty string such as "http://localhost:8080"', {
      code: 'ERR_INVALID_URL',
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`url is not a valid URL: ${url}`, { code: 'ERR_INVALID_URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`url must use http or https, got ${parsed.protocol}`, { code: 'ERR_INVALID_URL' });
  }
  return { origin: parsed.origin, prefix: parsed.pathname.replace(/\/+$/, ''), host: parsed.host, parsed };
}

export class Connection {
  /** The base URL as given. */
  readonly url: string;
  /** `host:port` for diagnostics events. */
  readonly host: string;
  /** `[connect, read]` seconds. */
  readonly timeoutConfig: [number, number];
  readonly #origin: string;
  readonly #prefix: string;
  readonly #poolOptions: Pool.Options;
  #pool: Dispatcher | undefined;
  #poolOpening: Promise<Dispatcher> | undefined;
  readonly #readMs: number;
  readonly #headers: Record<string, string>;
  readonly #jsonHeaders: Record<string, string>;
  readonly #factory: CredentialsFactory | undefined;
  readonly #grpc: GrpcTransport | undefined;
  #credentials: CredentialsProvider | undefined;
  #startup: Promise<void> | undefined;
  /** Seconds the first request waits for readiness (0: no wait). */
  #startupPeriod = 0;
  #closed = false;

  constructor(options: ConnectionOptions) {
    const { origin, prefix, host, parsed } = parseUrl(options.url);
    this.url = options.url;
    this.host = host;
    this.#origin = origin;
    this.#prefix = prefix;
    this.timeoutConfig = parseTimeouts(options.timeoutConfig);
    const [connectS, readS] = this.timeoutConfig;
    this.#readMs = readS * 1000;
    const extra = options.additionalHeaders ?? {};
    if (typeof extra !== 'object' || extra === null) {
      throw new UsageError('additionalHeaders must be an object of header names to values', {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const base: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(extra)) {
      if (typeof v !== 'string' || /[\r\n]/.test(v)) {
        throw new UsageError(`additional header ${k} must be a single-line string`, {
          code: 'ERR_INVALID_ARGUMENT',
        });
      }
      // Module keys (X-OpenAI-Api-Key ...) are secrets: keep them out of any error message.
      if (/key|token|secret|authorization/i.test(k)) registerSecret(v);
      base[k.toLowerCase()] = v;
    }
    this.#headers = base;
    this.#jsonHeaders = { ...base, 'content-type': 'application/json' };
    this.#factory = options.credentials;
    const endpoint = grpcEndpoint(parsed, options.grpcPort, options.grpcHost, options.grpcSecure);
    this.#grpc = endpoint && new GrpcTransport(endpoint, connectS * 1000);
    this.#poolOptions = {
      connections: options.connections ?? 64,
      keepAliveTimeout: 4_000,
      connect: { timeout: connectS * 1000 },
      headersTimeout: this.#readMs,
      bodyTimeout: this.#readMs,
    };
    const period = options.startupPeriod;
    if (period !== undefined && period !== null) {
      if (typeof period !== 'number' || !(period >= 0)) {
        throw new UsageError(`startupPeriod must be a number of seconds >= 0, got ${String(period)}`, {
          code: 'ERR_INVALID_ARGUMENT',
        });
      }
      this.#startupPeriod = period;
    }
  }

  /**
   * undici is imported on the first request, not when the package is imported: loading it is most
   * of the package's start-up time, and an application that builds a client at start-up should not
   * pay for it before it talks to Weaviate.
   */
  #openPool(): Promise<Dispatcher> {
    this.#poolOpening ??= import('undici').then(({ Pool }) => {
      this.#pool = new Pool(this.#origin, this.#poolOptions);
      return this.#pool;
    });
    return this.#poolOpening;
  }

  /** Credentials, created on first use (OIDC needs the server's discovery document first). */
  get credentials(): CredentialsProvider | undefined {
    if (!this.#credentials && this.#factory) this.#credentials = this.#factory(this);
    return this.#credentials;
  }

  /** Runs one operation through the funnel. */
  run<T>(op: Operation<T>, options: CallOptions = EMPTY_OPTIONS): Promise<T> {
    return awaitWithCallers(
      this.#traced(op.name, this.host, `${op.method} ${op.path}`, options, (d) => this.#authed(op, d)),
    );
  }

  /** True when the client was given a gRPC port: operations gRPC can carry go there. */
  get grpc(): boolean {
    return this.#grpc !== undefined;
  }

  /** Runs one gRPC operation through the funnel (needs `grpc`). */
  runGrpc<T>(op: GrpcOperation<T>, options: CallOptions = EMPTY_OPTIONS): Promise<T> {
    const transport = this.#grpc;
    if (!transport) return Promise.reject(new UsageError('no grpcPort configured', { code: 'ERR_NO_GRPC' }));
    return awaitWithCallers(
      this.#traced(op.name, transport.address, `gRPC ${op.rpc}`, options, (d) =>
        this.#grpcAuthed(transport, op, d),
      ),
    );
  }

  async #traced<T>(
    name: string,
    host: string,
    label: string,
    options: CallOptions,
    send: (deadline: Deadline | undefined) => Promise<T>,
  ): Promise<T> {
    if (this.#closed)
      throw new ConnectionError('the client is closed', { code: 'ERR_CLOSED', retryable: false });
    if (this.#startupPeriod > 0) {
      this.#startup ??= this.#waitForStartup(this.#startupPeriod);
      await this.#startup;
    }
    const trace = traceRequest('weaviate', name, host);
    try {
      const result = await this.#withDeadline(label, options, send);
      trace?.end();
      return result;
    } catch (err) {
      trace?.error(err);
      throw err;
    }
  }

  async #withDeadline<T>(
    label: string,
    options: CallOptions,
    send: (deadline: Deadline | undefined) => Promise<T>,
  ): Promise<T> {
    if (options.timeout === undefined && options.signal === undefined) return send(undefined);
    const deadline = new Deadline(options, label);
    try {
      if (deadline.aborted) throw deadline.error();
      return await send(deadline);
    } catch (err) {
      if (deadline.aborted) throw deadline.error();
      throw err;
    } finally {
      deadline.dispose();
    }
  }

  /** Credentials as gRPC metadata, one retry after UNAUTHENTICATED with fresh ones (as for REST's 401). */
  async #grpcAuthed<T>(
    transport: GrpcTransport,
    op: GrpcOperation<T>,
    deadline: Deadline | undefined,
  ): Promise<T> {
    const creds = this.credentials;
    const send = async () => {
      const headers = creds
        ? { ...this.#headers, ...(await creds.headers(deadline?.signal)) }
        : this.#headers;
      return transport.unary(
        op.rpc,
        op.encode,
        op.decode,
        headers,
        deadline?.remainingMs() ?? this.#readMs,
        deadline?.signal,
        op.what,
        op.serverError,
      );
    };
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof AuthenticationFailedException) || !creds?.invalidate) throw err;
      creds.invalidate();
      return send();
    }
  }

  async #authed<T>(op: Operation<T>, deadline: Deadline | undefined): Promise<T> {
    const creds = op.anonymous ? undefined : this.credentials;
    const body = op.rawBody ?? (op.body === undefined ? undefined : JSON.stringify(op.body));
    let headers = body === undefined ? this.#headers : this.#jsonHeaders;
    if (creds) headers = { ...headers, ...(await creds.headers(deadline?.signal)) };
    let res = await this.#send(op, headers, body, deadline);
    if (res.status === 401 && creds?.invalidate) {
      // The token expired early or was revoked: fetch a fresh one and try once more.
      creds.invalidate();
      headers = {
        ...(body === undefined ? this.#headers : this.#jsonHeaders),
        ...(await creds.headers(deadline?.signal)),
      };
      res = await this.#send(op, headers, body, deadline);
    }
    return this.#decode(op, res);
  }

  #decode<T>(op: Operation<T>, res: { status: number; body: unknown }): T {
    const ok = op.ok ?? [200];
    if (ok.includes(res.status)) return op.decode(res.body, res.status);
    const refined = op.refine?.(res.status, res.body);
    if (refined) throw refined;
    if (res.status === 401) {
      throw new AuthenticationFailedException(
        `${op.what}: Weaviate refused the credentials (401)${describe(res.body)}`,
        { details: { statusCode: 401 } },
      );
    }
    throw new UnexpectedStatusCodeException(op.what, res.status, res.body);
  }

  async #send(
    op: Operation<unknown>,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    deadline: Deadline | undefined,
  ): Promise<{ status: number; body: unknown }> {
    const path = this.#prefix + op.path;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await (this.#pool ?? (await this.#openPool())).request({
          origin: this.#origin,
          method: op.method,
          path,
          headers,
          body,
          signal: deadline?.signal,
        });
        if (op.method === 'HEAD') {
          await res.body.dump();
          return { status: res.statusCode, body: undefined };
        }
        if (op.rawBytes && (op.ok ?? [200]).includes(res.statusCode)) {
          return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
        }
        const text = await res.body.text();
        return {
          status: res.statusCode,
          body:
            op.rawText && (op.ok ?? [200]).includes(res.statusCode)
              ? text
              : parseBody(text, res.headers['content-type'], op, res.statusCode),
        };
      } catch (err) {
        if (deadline?.aborted) throw deadline.error();
        if (DbwireErrorLike(err)) throw err;
        const code = errorCode(err);
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
          throw new TimeoutError(
            `${op.method} ${op.path} timed out after ${this.#readMs} ms (timeoutConfig read)`,
            {
              cause: err,
            },
          );
        }
        if (this.#closed)
          throw new ConnectionError('the client is closed', {
            code: 'ERR_CLOSED',
            cause: err,
            retryable: false,
          });
        // A keep-alive socket the server closed while it sat idle (or while our event loop was busy):
        // a request that is safe to repeat goes again once, on a fresh socket.
        if (
          attempt === 1 &&
          RESET.has(code) &&
          (op.idempotent || op.method === 'GET' || op.method === 'HEAD')
        )
          continue;
        throw new ConnectionError(
          `${op.method} ${this.#origin}${op.path} failed: ${(err as Error).message ?? err}`,
          {
            code: code || 'ERR_CONNECTION',
            cause: err,
            retryable: true,
            details: { notSent: NOT_SENT.has(code) },
          },
        );
      }
    }
  }

  async #waitForStartup(periodS: number): Promise<void> {
    const until = Date.now() + periodS * 1000;
    let last: unknown;
    for (;;) {
      try {
        const res = await (this.#pool ?? (await this.#openPool())).request({
          origin: this.#origin,
          method: 'GET',
          path: `${this.#prefix}/v1/.well-known/ready`,
        });
        await res.body.dump();
        if (res.statusCode === 200) return;
        last = `status ${res.statusCode}`;
      } catch (err) {
        last = err;
      }
      if (Date.now() >= until) {
        this.#startup = undefined;
        throw new WeaviateStartUpError(
          `Weaviate did not start up in ${periodS} seconds at ${this.url}: ${last instanceof Error ? last.message : String(last)}`,
          { cause: last instanceof Error ? last : undefined },
        );
      }
      await sleep(Math.min(1000, Math.max(0, until - Date.now())));
    }
  }

  /** Closes the pool; requests in flight finish first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#grpc?.close();
    const pool = this.#pool ?? (await this.#poolOpening?.catch(() => undefined));
    await pool?.close().catch(() => {});
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }
}

function DbwireErrorLike(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as Record<symbol, unknown>)[Symbol.for('dbwire.error')] === true
  );
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return '';
}

function describe(body: unknown): string {
  if (body === undefined || body === '') return '';
  return `: ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

function parseBody(
  text: string,
  contentType: string | string[] | undefined,
  op: Operation<unknown>,
  status: number,
): unknown {
  if (text.length === 0) return undefined;
  const ct = Array.isArray(contentType) ? contentType[0] : contentType;
  if (ct !== undefined && !ct.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    if (status >= 200 && status < 300) {
      throw new ProtocolError(`${op.what}: the server answered ${status} with malformed JSON`, {
        cause: err,
      });
    }
    return text;
  }
}

/** Builds an operation (its validation errors reject before any I/O) and runs it through the funnel. */
export function call<T>(
  build: () => Operation<T>,
  conn: Connection,
  options: CallOptions | undefined,
): Promise<T> {
  let op: Operation<T>;
  try {
    op = build();
  } catch (err) {
    return Promise.reject(err);
  }
  return conn.run(op, options);
}
