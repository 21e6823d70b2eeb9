/**
 * The gRPC side of the funnel: one lazily opened HTTP/2 channel to Weaviate's gRPC port
 * (`weaviate.v1.Weaviate`), unary calls that carry bytes the caller already encoded, and the mapping of
 * gRPC statuses to this package's errors. Only `Connection` uses this module; it adds the deadline,
 * credentials, diagnostics and caller frames exactly as for REST.
 *
 * grpc-js is imported on the first call, so a client that never uses gRPC never loads it.
 */
import { ConnectionError, ProtocolError, TimeoutError, UsageError } from '@dbwire/core';
import type * as grpcTypes from '@grpc/grpc-js';
import { AuthenticationFailedException } from './errors.js';
import type { weaviate } from './generated/weaviate.js';

/** The generated protobuf codec of `weaviate.v1` (loaded with grpc-js, on the first gRPC call). */
export type Codec = typeof weaviate.v1;

/** Where the gRPC API listens (the `Client` option `grpcPort` and friends). */
export interface GrpcEndpoint {
  host: string;
  port: number;
  secure: boolean;
}

/** The unary RPCs of `weaviate.v1.Weaviate` this package calls. */
export type GrpcMethod = 'Search' | 'BatchObjects' | 'BatchReferences';

/** gRPC status codes (numeric, as on the wire) this module tells apart. */
const Status = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const identity = (b: Buffer): Buffer => b;

/** Checks and fills a gRPC endpoint from the client options; undefined when gRPC is off. */
export function grpcEndpoint(
  restUrl: URL,
  port: number | undefined,
  host: string | undefined,
  secure: boolean | undefined,
): GrpcEndpoint | undefined {
  if (port === undefined || port === null) {
    if (host !== undefined || secure !== undefined)
      throw new UsageError('grpcHost and grpcSecure need grpcPort', { code: 'ERR_INVALID_ARGUMENT' });
    return undefined;
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new UsageError(`grpcPort must be a TCP port 1..65535, got ${String(port)}`, {
      code: 'ERR_INVALID_ARGUMENT',
    });
  if (
    host !== undefined &&
    (typeof host !== 'string' || host === '' || /[/:]/.test(host.replace(/^\[.*\]$/, '')))
  )
    throw new UsageError(`grpcHost must be a host name or address, got ${String(host)}`, {
      code: 'ERR_INVALID_ARGUMENT',
    });
  return { host: host ?? restUrl.hostname, port, secure: secure ?? restUrl.protocol === 'https:' };
}

/** One channel, opened on first use. */
export class GrpcTransport {
  readonly endpoint: GrpcEndpoint;
  /** `host:port` for diagnostics events and messages. */
  readonly address: string;
  readonly #connectMs: number;
  #client: Promise<grpcTypes.Client> | undefined;
  #grpc: typeof grpcTypes | undefined;
  #codec: Codec | undefined;
  #closed = false;

  constructor(endpoint: GrpcEndpoint, connectMs: number) {
    this.endpoint = endpoint;
    const h =
      endpoint.host.includes(':') && !endpoint.host.startsWith('[') ? `[${endpoint.host}]` : endpoint.host;
    this.address = `${h}:${endpoint.port}`;
    this.#connectMs = connectMs;
  }

  #open(): Promise<grpcTypes.Client> {
    // The generated codec is a separate file (see scripts/bundle.mjs), loaded only here.
    this.#client ??= Promise.all([import('@grpc/grpc-js'), import('./generated/weaviate.js')]).then(
      ([grpc, gen]) => {
        this.#grpc = grpc;
        this.#codec = gen.weaviate.v1;
        const creds = this.endpoint.secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
        return new grpc.Client(this.address, creds, {
          // Weaviate's default gRPC message limit is 100 MB (GRPC_MAX_MESSAGE_SIZE); accept answers up
          // to that instead of grpc-js's 4 MB default, which a page of large vectors can exceed.
          'grpc.max_receive_message_length': 104_857_600,
          'grpc.max_send_message_length': 104_857_600,
          'grpc.keepalive_time_ms': 30_000,
        });
      },
    );
    return this.#client;
  }

  /**
   * One unary call. `request` is already encoded; the answer comes back as bytes. Rejects with the
   * package's typed errors; `signal` cancels the call on the server too (RST_STREAM).
   */
  async unary<T>(
    method: GrpcMethod,
    encode: (codec: Codec) => Uint8Array,
    decode: (reply: Buffer, codec: Codec) => T,
    headers: Record<string, string>,
    deadlineMs: number,
    signal: AbortSignal | undefined,
    what: string,
    serverError: (message: string) => Error,
  ): Promise<T> {
    if (this.#closed)
      throw new ConnectionError('the client is closed', { code: 'ERR_CLOSED', retryable: false });
    const client = await this.#open();
    const grpc = this.#grpc!;
    const codec = this.#codec!;
    const request = encode(codec);
    const metadata = new grpc.Metadata();
    for (const k in headers) {
      // HTTP/2 reserves these; grpc-js sets its own.
      if (k === 'content-type' || k === 'accept') continue;
      metadata.set(k, headers[k]!);
    }
    const deadline = Date.now() + deadlineMs;
    await this.#ready(client, deadline, what, signal);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const call = client.makeUnaryRequest<Buffer, Buffer>(
        `/weaviate.v1.Weaviate/${method}`,
        identity,
        identity,
        Buffer.from(request.buffer, request.byteOffset, request.byteLength),
        metadata,
        { deadline },
        (err, value) => {
          if (onAbort) signal!.removeEventListener('abort', onAbort);
          if (err) reject(grpcError(err, what, this.address, deadlineMs, serverError));
          else resolve(value!);
        },
      );
      if (signal) {
        onAbort = () => call.cancel();
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    try {
      return decode(reply, codec);
    } catch (err) {
      throw new ProtocolError(
        `${what}: could not decode Weaviate's gRPC ${method} reply: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Waits for the channel (bounded by the connect timeout), so an unreachable port fails fast and typed. */
  async #ready(
    client: grpcTypes.Client,
    deadline: number,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const grpc = this.#grpc!;
    if (client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY) return;
    const until = Math.min(deadline, Date.now() + this.#connectMs);
    await new Promise<void>((resolve, reject) => {
      // The caller's abort ends the wait at once (the funnel turns it into CancelledError).
      const onAbort = () => reject(signal!.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      client.waitForReady(until, (err) => {
        signal?.removeEventListener('abort', onAbort);
        if (!err) resolve();
        else
          reject(
            new ConnectionError(
              `${what}: Weaviate's gRPC port ${this.address} is not reachable: ${err.message}`,
              {
                code: 'ERR_GRPC_UNAVAILABLE',
                cause: err,
                retryable: true,
                details: { notSent: true },
              },
            ),
          );
      });
    });
  }

  close(): void {
    this.#closed = true;
    void this.#client?.then((c) => c.close()).catch(() => {});
  }
}

/** Maps a failed call to this package's errors, keeping the server's message. */
function grpcError(
  err: grpcTypes.ServiceError,
  what: string,
  address: string,
  deadlineMs: number,
  serverError: (message: string) => Error,
): Error {
  const message = err.details || err.message;
  switch (err.code) {
    case Status.UNAUTHENTICATED:
    case Status.PERMISSION_DENIED:
      return new AuthenticationFailedException(`${what}: Weaviate refused the credentials: ${message}`, {
        cause: err,
        details: { grpcCode: err.code },
      });
    case Status.DEADLINE_EXCEEDED:
      return new TimeoutError(`${what} timed out after ${deadlineMs} ms (timeoutConfig read)`, {
        cause: err,
      });
    case Status.UNAVAILABLE:
      return new ConnectionError(`${what}: gRPC ${address} unavailable: ${message}`, {
        code: 'ERR_GRPC_UNAVAILABLE',
        cause: err,
        retryable: true,
      });
    case Status.CANCELLED:
      return new ConnectionError(`${what}: the call was cancelled: ${message}`, {
        code: 'ERR_CANCELLED',
        cause: err,
      });
    case Status.UNIMPLEMENTED:
    case Status.INTERNAL:
      return new ProtocolError(`${what}: ${message}`, { cause: err, details: { grpcCode: err.code } });
    default:
      // Weaviate's Search refuses credentials with a plain Go error ("extract auth: unauthorized: ..."),
      // which gRPC sends as UNKNOWN.
      if (err.code === Status.UNKNOWN && /^extract auth: /.test(message))
        return new AuthenticationFailedException(`${what}: Weaviate refused the credentials: ${message}`, {
          cause: err,
          details: { grpcCode: err.code },
        });
      // Weaviate answers bad requests (unknown class, bad filter, missing vectorizer) with UNKNOWN or
      // INVALID_ARGUMENT and its own message: the operation turns it into the error its REST twin gives.
      return serverError(message);
  }
}
