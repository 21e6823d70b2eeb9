import { type CredentialsProvider, captureCallSite, type TlsOptions, UsageError } from '@dbwire/core';
import * as grpc from '@grpc/grpc-js';
import { Funnel } from './funnel.js';
import { type api, type MethodDef, Methods } from './methods.js';
import type { DgraphCallOptions } from './types.js';

/** Options of one stub: grpc-js channel options plus a few of dbwire's own. */
export interface DgraphClientStubOptions extends grpc.ChannelOptions {
  /** TLS for the channel when no `credentials` are passed (CA, client cert/key, verification). */
  tls?: TlsOptions;
  /**
   * Seconds a call waits for the channel to connect before failing with `UnavailableError`
   * (default 10). Keeps calls to an unreachable host from hanging until the OS gives up.
   */
  connectTimeout?: number;
  /**
   * Auth headers for every call from a dbwire credentials provider (`new ApiKey(key, { scheme: '' })`,
   * `new BearerToken(token)`, a `RefreshingTokenProvider`, ...). Needs TLS (`tls` or secure
   * `credentials`): gRPC sends call credentials over TLS only.
   */
  auth?: CredentialsProvider;
}

const DEFAULT_CONNECT_TIMEOUT_S = 10;

/**
 * One gRPC channel to one Dgraph alpha (pydgraph's `DgraphClientStub`). Pass several to
 * `new DgraphClient(stub1, stub2)` to spread calls over alphas. `close()` each stub when done (or
 * `client.close()`, which closes them all).
 */
export class DgraphClientStub {
  readonly addr: string;
  /** @internal the grpc-js client doing the calls. */
  readonly grpcClient: grpc.Client;
  /** @internal milliseconds a call may wait for the channel to become ready. */
  readonly connectTimeoutMs: number;
  /** @internal epoch ms until which the funnel avoids this stub after it was unreachable. */
  downUntil = 0;
  #closed = false;
  #ownFunnel: Funnel | undefined;

  constructor(
    addr = 'localhost:9080',
    credentials?: grpc.ChannelCredentials,
    options?: DgraphClientStubOptions | ReadonlyArray<readonly [string, unknown]>,
  ) {
    if (typeof addr !== 'string' || addr.trim() === '') {
      throw new UsageError(
        `DgraphClientStub: addr must be a non-empty "host:port" string, got ${String(addr)}`,
        {
          code: 'ERR_INVALID_ADDRESS',
        },
      );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(addr)) {
      throw new UsageError(
        `DgraphClientStub: addr must be "host:port" (got "${addr}"); use open("dgraph://...") for connection strings`,
        { code: 'ERR_INVALID_ADDRESS' },
      );
    }
    if (credentials !== undefined && !(credentials instanceof grpc.ChannelCredentials)) {
      throw new UsageError(
        'DgraphClientStub: credentials must be grpc.ChannelCredentials (use the `grpc` export)',
        {
          code: 'ERR_INVALID_CREDENTIALS',
        },
      );
    }
    const opts: DgraphClientStubOptions = Array.isArray(options)
      ? Object.fromEntries(options as ReadonlyArray<readonly [string, unknown]>)
      : { ...((options as DgraphClientStubOptions | undefined) ?? {}) };
    const { tls, connectTimeout, auth, ...channelOptions } = opts;
    if (connectTimeout !== undefined && !(typeof connectTimeout === 'number' && connectTimeout > 0)) {
      throw new UsageError(
        `DgraphClientStub: connectTimeout must be a number of seconds > 0, got ${connectTimeout}`,
        {
          code: 'ERR_INVALID_TIMEOUT',
        },
      );
    }
    this.addr = addr;
    this.connectTimeoutMs = (connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000;
    let creds = credentials ?? (tls ? sslCredentials(tls) : grpc.credentials.createInsecure());
    if (auth !== undefined) {
      if (typeof auth?.headers !== 'function') {
        throw new UsageError('DgraphClientStub: auth must be a CredentialsProvider (with headers())', {
          code: 'ERR_INVALID_CREDENTIALS',
        });
      }
      if (!creds._isSecure()) {
        throw new UsageError('DgraphClientStub: auth needs TLS (pass tls options or secure credentials)', {
          code: 'ERR_INVALID_CREDENTIALS',
        });
      }
      creds = grpc.credentials.combineChannelCredentials(creds, callCredentialsFrom(auth));
    }
    if (tls?.servername !== undefined) channelOptions['grpc.ssl_target_name_override'] = tls.servername;
    this.grpcClient = new grpc.Client(addr, creds, {
      // Dgraph answers can be large (whole subgraphs): lift grpc-js's 4 MiB receive cap.
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      ...channelOptions,
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the channel; calls in flight fail, later calls through this stub are refused. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.grpcClient.close();
  }

  /** `using stub = ...`: closes the stub. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal one unary call; the funnel adds metadata, deadlines, retries and error mapping. */
  unary<Req, Res>(
    method: MethodDef<Req, Res>,
    request: Req,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, value?: Res) => void,
  ): grpc.ClientUnaryCall {
    return this.grpcClient.makeUnaryRequest(
      method.path,
      method.serialize,
      method.deserialize,
      request,
      metadata,
      options,
      callback,
    );
  }

  /** @internal the channel's state, optionally starting a connection attempt when idle. */
  state(connect = false): grpc.connectivityState {
    return this.grpcClient.getChannel().getConnectivityState(connect);
  }

  /**
   * @internal resolves once the channel is READY or has failed to connect (then the call itself
   * fails fast with UNAVAILABLE), or after `timeoutMs` (then the caller reports a connect timeout).
   * Returns false on timeout.
   */
  waitConnected(timeoutMs: number): Promise<boolean> {
    const channel = this.grpcClient.getChannel();
    const until = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = (): void => {
        const state = channel.getConnectivityState(true);
        if (
          state === grpc.connectivityState.READY ||
          state === grpc.connectivityState.TRANSIENT_FAILURE ||
          state === grpc.connectivityState.SHUTDOWN
        ) {
          resolve(true);
          return;
        }
        if (Date.now() >= until) {
          resolve(false);
          return;
        }
        channel.watchConnectivityState(state, until, (err) => {
          if (err) resolve(false);
          else check();
        });
      };
      check();
    });
  }

  // The raw RPCs, as pydgraph's stub has them, with its per-call `timeout`, `metadata` and
  // `credentials` (plus `signal`). They go through the same funnel as the client's calls (deadline,
  // connect timeout, typed errors, caller frames, diagnostics) but hold no login session: the
  // access JWT, if any, is the caller's to pass in `metadata`; use DgraphClient for login handling.

  /** pydgraph's `stub.login(login_req, timeout, metadata, credentials)`: the raw Login RPC. */
  login(request: api.ILoginRequest, options?: DgraphCallOptions): Promise<api.Response> {
    return this.#funnel().call(Methods.login, request, options, captureCallSite(this.login));
  }

  /** pydgraph's `stub.alter(operation, ...)`: the raw Alter RPC. */
  alter(operation: api.IOperation, options?: DgraphCallOptions): Promise<api.Payload> {
    return this.#funnel().call(Methods.alter, operation, options, captureCallSite(this.alter));
  }

  /** pydgraph's `stub.query(req, ...)`: the raw Query RPC (queries, mutations, upserts). */
  query(request: api.IRequest, options?: DgraphCallOptions): Promise<api.Response> {
    return this.#funnel().call(Methods.query, request, options, captureCallSite(this.query));
  }

  /** pydgraph's `stub.commit_or_abort(txn_context, ...)`: the raw CommitOrAbort RPC. */
  commitOrAbort(context: api.ITxnContext, options?: DgraphCallOptions): Promise<api.TxnContext> {
    return this.#funnel().call(Methods.commitOrAbort, context, options, captureCallSite(this.commitOrAbort));
  }

  /** pydgraph's `stub.check_version(check, ...)`: the raw CheckVersion RPC. */
  checkVersion(options?: DgraphCallOptions): Promise<api.Version> {
    return this.#funnel().call(Methods.checkVersion, {}, options, captureCallSite(this.checkVersion));
  }

  /** A session-less funnel over this stub alone, made on the first raw call. */
  #funnel(): Funnel {
    this.#ownFunnel ??= new Funnel([this]);
    return this.#ownFunnel;
  }
}

/** grpc-js SSL channel credentials from dbwire's TLS options (verification on unless disabled). */
export function sslCredentials(tls: TlsOptions): grpc.ChannelCredentials {
  const toBuf = (v: string | Buffer | undefined): Buffer | null =>
    v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);
  const ca = Array.isArray(tls.ca)
    ? Buffer.concat(tls.ca.map((c) => Buffer.concat([toBuf(c) as Buffer, Buffer.from('\n')])))
    : toBuf(tls.ca as string | Buffer | undefined);
  const verify: grpc.VerifyOptions = {};
  if (tls.rejectUnauthorized === false) {
    verify.rejectUnauthorized = false;
    verify.checkServerIdentity = () => undefined;
  }
  return grpc.credentials.createSsl(ca, toBuf(tls.key), toBuf(tls.cert), verify);
}

/** gRPC call credentials that ask a dbwire `CredentialsProvider` for its headers on every call. */
export function callCredentialsFrom(provider: CredentialsProvider): grpc.CallCredentials {
  return grpc.credentials.createFromMetadataGenerator((_context, callback) => {
    provider.headers().then(
      (headers) => {
        const md = new grpc.Metadata();
        for (const [k, v] of Object.entries(headers)) md.set(k, v);
        callback(null, md);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  });
}
