import {
  abortError,
  type CallSite,
  DbwireError,
  Deadline,
  raceSignal,
  registerSecret,
  TimeoutError,
  traceRequest,
  UsageError,
  unregisterSecret,
  withCallSite,
} from '@dbwire/core';
import * as grpc from '@grpc/grpc-js';
import {
  fromGrpcError,
  GrpcStatus,
  isGrpcError,
  JwtExpiredError,
  neverSent,
  UnavailableError,
} from './errors.js';
import { api, type MethodDef, Methods } from './methods.js';
import type { DgraphClientStub } from './stub.js';
import type { DgraphCallOptions, MetadataInit } from './types.js';

/** How long a stub that failed to connect is skipped while others are available. */
const MARK_DOWN_MS = 5_000;

/**
 * Seconds the shared JWT refresh may take. It is its own call, not any caller's: callers that give up
 * (abort, deadline) stop waiting for it, but it runs on for the callers that are still waiting.
 */
const REFRESH_TIMEOUT_S = 30;

interface Session {
  accessJwt: string;
  refreshJwt: string;
  /** Kept (in memory only) so an expired refresh token can fall back to a fresh login. */
  userid?: string;
  password?: string;
  namespace: number;
}

/**
 * The one place that does I/O for a DgraphClient, its transactions and the raw calls of a
 * DgraphClientStub: stub selection and failover, metadata (access JWT + caller metadata), deadline
 * (`timeout` in seconds), connect timeout and AbortSignal, the JWT refresh-and-retry on expiry,
 * diagnostics events, and gRPC status → typed dbwire errors carrying the caller's stack.
 */
export class Funnel {
  readonly stubs: readonly DgraphClientStub[];
  #next = 0;
  #session: Session | undefined;
  /** Bumped on every login/refresh so concurrent expiries share one refresh. */
  #jwtGen = 0;
  #refreshing: Promise<void> | undefined;
  /** Metadata holding only the access JWT (or nothing); reused by every call that adds none. */
  #baseMetadata = new grpc.Metadata();

  constructor(stubs: readonly DgraphClientStub[]) {
    this.stubs = stubs;
  }

  get accessJwt(): string | undefined {
    return this.#session?.accessJwt;
  }

  /** Round-robin over stubs, skipping closed ones and (while others are up) ones marked down. */
  pick(exclude?: ReadonlySet<DgraphClientStub>): DgraphClientStub | undefined {
    const stubs = this.stubs;
    const n = stubs.length;
    if (n === 1) {
      const only = stubs[0]!;
      return only.closed || exclude?.has(only) ? undefined : only;
    }
    const now = Date.now();
    let fallback: DgraphClientStub | undefined;
    for (let i = 0; i < n; i++) {
      const stub = stubs[(this.#next + i) % n]!;
      if (stub.closed || exclude?.has(stub)) continue;
      if (stub.downUntil > now) {
        fallback ??= stub;
        continue;
      }
      this.#next = (this.#next + i + 1) % n;
      return stub;
    }
    return fallback;
  }

  /**
   * Runs one RPC. `idempotent` (default: the method's own flag) allows failover to another stub after
   * UNAVAILABLE even when the request may have reached the server. Every rejection is a DbwireError
   * with the frames of `site` (the public method's caller) appended.
   */
  async call<Req, Res>(
    method: MethodDef<Req, Res>,
    request: Req,
    options: DgraphCallOptions | undefined,
    site: CallSite | undefined,
    idempotent = method.idempotent,
  ): Promise<Res> {
    const timeout = options?.timeout;
    const signal = options?.signal;
    if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) {
      throw withCallSite(
        new UsageError(`timeout must be a number of seconds > 0, got ${String(timeout)}`, {
          code: 'ERR_INVALID_TIMEOUT',
        }),
        site,
      );
    }
    const timeoutMs = timeout === undefined ? undefined : timeout * 1000;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const canRefresh = (method as MethodDef<any, any>) !== Methods.login;
    let tried: Set<DgraphClientStub> | undefined;
    let refreshed = false;
    for (;;) {
      if (signal?.aborted) throw withCallSite(abortError(signal, method.name), site);
      const stub = this.pick(tried);
      if (!stub) throw withCallSite(this.#noStub(method, tried), site);
      const gen = this.#jwtGen;
      const trace = traceRequest('dgraph', method.op, stub.addr);
      let error: DbwireError;
      let failover = false;
      try {
        if (stub.state() !== grpc.connectivityState.READY)
          await this.#connect(stub, method, deadline, signal);
        const metadata = this.#metadata(options?.metadata, method);
        const result = await invoke(stub, method, request, metadata, deadline, options?.credentials, signal);
        trace?.end();
        return result;
      } catch (err) {
        if (signal?.aborted) error = abortError(signal, method.name);
        else if (isGrpcError(err)) {
          if (err.code === GrpcStatus.UNAVAILABLE) {
            stub.downUntil = Date.now() + MARK_DOWN_MS;
            failover = idempotent || neverSent(err);
          }
          error = fromGrpcError(err, method.name, stub.addr, timeoutMs);
        } else if (DbwireError.is(err)) {
          error = err;
          // A connect timeout: the request never left, so any call may go elsewhere.
          failover = err instanceof UnavailableError;
        } else {
          // Thrown by grpc-js or the encoder before anything was sent.
          const why = stub.closed ? `DgraphClientStub ${stub.addr} is closed` : 'could not send the request';
          error = new UsageError(`${method.name}: ${why}: ${(err as Error).message}`, {
            code: stub.closed ? 'ERR_CLOSED' : 'ERR_INVALID_REQUEST',
            cause: err,
          });
        }
        trace?.error(error);
      }
      if (failover && this.stubs.length > 1) {
        tried ??= new Set();
        tried.add(stub);
        if (this.pick(tried)) continue;
      }
      if (error instanceof JwtExpiredError && canRefresh && !refreshed && this.#session) {
        refreshed = true;
        try {
          await this.refresh(gen, options, method.name, deadline);
        } catch (refreshErr) {
          throw withCallSite(refreshErr, site);
        }
        continue;
      }
      throw withCallSite(error, site);
    }
  }

  #noStub(method: MethodDef<any, any>, tried: ReadonlySet<DgraphClientStub> | undefined): DbwireError {
    if (this.stubs.every((s) => s.closed)) {
      const which =
        this.stubs.length === 1 ? `DgraphClientStub ${this.stubs[0]!.addr} is` : 'every DgraphClientStub is';
      return new UsageError(`${method.name}: ${which} closed`, { code: 'ERR_CLOSED' });
    }
    const addrs = (tried ? [...tried] : this.stubs).map((s) => s.addr).join(', ');
    return new UnavailableError(`${method.name}: no Dgraph alpha reachable (tried ${addrs})`);
  }

  /** Waits (bounded) for a not-yet-connected channel so calls to unreachable hosts never hang. */
  async #connect(
    stub: DgraphClientStub,
    method: MethodDef<any, any>,
    deadline: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const left = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
    const wait = Math.min(stub.connectTimeoutMs, Math.max(0, left));
    const waiting = stub.waitConnected(wait);
    const ok = await (signal ? raceSignal(waiting, signal, () => abortError(signal, method.name)) : waiting);
    if (ok) return;
    stub.downUntil = Date.now() + MARK_DOWN_MS;
    if (wait < stub.connectTimeoutMs) {
      throw new TimeoutError(`${method.name}: timed out connecting to Dgraph at ${stub.addr}`, {
        code: 'ERR_TIMEOUT',
      });
    }
    throw new UnavailableError(
      `${method.name}: could not connect to Dgraph at ${stub.addr} within ${stub.connectTimeoutMs / 1000} s`,
      { code: 'ERR_CONNECT_TIMEOUT' },
    );
  }

  #metadata(user: MetadataInit | undefined, method: MethodDef<any, any>): grpc.Metadata {
    const namespaced = method === Methods.runDql && this.#session !== undefined;
    if (user === undefined && !namespaced) return this.#baseMetadata;
    const md = this.#baseMetadata.clone();
    // RunDQL reads the namespace from metadata, not from the JWT (as pydgraph does).
    if (namespaced) md.set('namespace', String(this.#session!.namespace));
    if (user !== undefined) mergeMetadata(md, user);
    return md;
  }

  /** Stores a login result and rebuilds the shared metadata. */
  setSession(jwt: api.Jwt, login: { userid?: string; password?: string; namespace?: number }): void {
    const accessJwt = jwt.accessJwt;
    if (!accessJwt) throw new JwtExpiredError('Login answered without an access JWT', { code: 'ERR_LOGIN' });
    // Mask the tokens in any error text; forget the ones they replace (no growth per refresh).
    const previous = this.#session;
    if (previous) {
      unregisterSecret(previous.accessJwt);
      if (previous.refreshJwt) unregisterSecret(previous.refreshJwt);
    }
    registerSecret(accessJwt);
    if (jwt.refreshJwt) registerSecret(jwt.refreshJwt);
    if (login.password) registerSecret(login.password);
    this.#session = {
      accessJwt,
      refreshJwt: jwt.refreshJwt,
      userid: login.userid ?? this.#session?.userid,
      password: login.password ?? this.#session?.password,
      namespace: login.namespace ?? this.#session?.namespace ?? jwtNamespace(accessJwt),
    };
    const md = new grpc.Metadata();
    md.set('accessJwt', accessJwt);
    this.#baseMetadata = md;
    this.#jwtGen++;
  }

  /** The login generation: pass it to `refresh()` so a refresh that already happened is not repeated. */
  get jwtGen(): number {
    return this.#jwtGen;
  }

  /**
   * Refreshes the access JWT (single flight): with the refresh token, or, if that fails, with the
   * user id and password of the last login. `seenGen` skips the refresh when another call already
   * refreshed since the failing call started. The refresh itself runs under its own timeout and no
   * caller's signal; each caller waits for it only as long as its own `signal` and `deadline` (epoch
   * ms) allow, so one caller giving up never fails the others.
   */
  async refresh(
    seenGen: number,
    options: DgraphCallOptions | undefined,
    what: string,
    deadline?: number,
  ): Promise<void> {
    if (seenGen !== this.#jwtGen) return;
    if (!this.#session) {
      throw new UsageError(`${what}: not logged in (call login() first)`, { code: 'ERR_NOT_LOGGED_IN' });
    }
    if (!this.#refreshing) {
      const shared = this.#doRefresh(options?.credentials).finally(() => {
        this.#refreshing = undefined;
      });
      // Every waiter may have given up by the time it settles: never an unhandled rejection.
      shared.catch(() => {});
      this.#refreshing = shared;
    }
    const shared = this.#refreshing;
    const left =
      deadline !== undefined
        ? deadline - Date.now()
        : options?.timeout !== undefined
          ? options.timeout * 1000
          : undefined;
    const wait = new Deadline(
      { timeout: left === undefined ? undefined : Math.max(0, left), signal: options?.signal },
      `${what}: refreshing the access JWT`,
    );
    try {
      wait.throwIfAborted();
      await (wait.signal ? raceSignal(shared, wait.signal, () => wait.error()) : shared);
    } catch (err) {
      // This caller's own signal or deadline: its CancelledError / TimeoutError, as for any call.
      if (wait.aborted) throw err;
      // The shared refresh failed: a fresh error per waiter, so each carries its own caller's frames.
      throw new JwtExpiredError(
        `${what}: the access JWT expired and refreshing it failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    } finally {
      wait.dispose();
    }
  }

  async #doRefresh(credentials: grpc.CallCredentials | undefined): Promise<void> {
    const session = this.#session!;
    // Per-call credentials go along: they may be what lets the call through a proxy.
    const callOpts: DgraphCallOptions = { timeout: REFRESH_TIMEOUT_S, credentials };
    let firstErr: unknown;
    if (session.refreshJwt) {
      try {
        const res = await this.call(Methods.login, { refreshToken: session.refreshJwt }, callOpts, undefined);
        this.setSession(api.Jwt.decode(res.json), {});
        return;
      } catch (err) {
        firstErr = err;
      }
    }
    if (session.userid !== undefined && session.password !== undefined) {
      const res = await this.call(
        Methods.login,
        { userid: session.userid, password: session.password, namespace: session.namespace },
        callOpts,
        undefined,
      );
      this.setSession(api.Jwt.decode(res.json), {});
      return;
    }
    throw (
      firstErr ?? new JwtExpiredError('refresh jwt should not be empty', { code: 'ERR_NO_REFRESH_TOKEN' })
    );
  }
}

/** One unary call with deadline, call credentials and cancellation on `signal`. */
function invoke<Req, Res>(
  stub: DgraphClientStub,
  method: MethodDef<Req, Res>,
  request: Req,
  metadata: grpc.Metadata,
  deadline: number | undefined,
  credentials: grpc.CallCredentials | undefined,
  signal: AbortSignal | undefined,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const callOptions: grpc.CallOptions = {};
    if (deadline !== undefined) callOptions.deadline = deadline;
    if (credentials !== undefined) callOptions.credentials = credentials;
    let onAbort: (() => void) | undefined;
    const call = stub.unary(method, request, metadata, callOptions, (err, value) => {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as Res);
    });
    if (signal) {
      // Cancelling the gRPC call sends RST_STREAM(CANCEL): the server stops working on it too.
      onAbort = () => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/** Adds caller metadata (grpc.Metadata, object or pairs) onto `md`. */
export function mergeMetadata(md: grpc.Metadata, init: MetadataInit): void {
  if (init instanceof grpc.Metadata) {
    md.merge(init);
    return;
  }
  const entries: Iterable<ReadonlyArray<unknown>> = Array.isArray(init)
    ? (init as ReadonlyArray<ReadonlyArray<unknown>>)
    : Object.entries(init);
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw new UsageError('metadata entries must be [key, value] pairs of strings', {
        code: 'ERR_INVALID_METADATA',
      });
    }
    const [key, value] = entry as [string, unknown];
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new UsageError(`metadata "${key}" must be a string or Buffer`, { code: 'ERR_INVALID_METADATA' });
    }
    try {
      md.add(key, value);
    } catch (err) {
      throw new UsageError(`invalid metadata "${key}": ${(err as Error).message}`, {
        code: 'ERR_INVALID_METADATA',
        cause: err,
      });
    }
  }
}

/** The `namespace` claim of an access JWT (0 when absent or unreadable). Signature not checked. */
export function jwtNamespace(jwt: string): number {
  const part = jwt.split('.')[1];
  if (!part) return 0;
  try {
    const ns = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { namespace?: unknown })
      .namespace;
    return typeof ns === 'number' ? ns : 0;
  } catch {
    return 0;
  }
}
