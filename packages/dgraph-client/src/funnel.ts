import {
  abortError,
  type CallSite,
  DbwireError,
  raceSignal,
  registerSecret,
  TimeoutError,
  UsageError,
  unregisterSecret,
  withCallSite,
} from '@dbwire/core';
import * as grpc from '@grpc/grpc-js';
import {
  fromGrpcError,
  type GrpcServiceError,
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

interface Session {
  accessJwt: string;
  refreshJwt: string;
  /** Kept (in memory only) so an expired refresh token can fall back to a fresh login. */
  userid?: string;
  password?: string;
  namespace: number;
}

/**
 * The one place that does I/O for a DgraphClient and its transactions: stub selection and failover,
 * metadata (access JWT + caller metadata), deadline (`timeout` in seconds) and AbortSignal, the JWT
 * refresh-and-retry on expiry for every call kind, and gRPC status → typed dbwire errors carrying the
 * caller's stack.
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

  get loggedIn(): boolean {
    return this.#session !== undefined;
  }

  get accessJwt(): string | undefined {
    return this.#session?.accessJwt;
  }

  get refreshJwt(): string | undefined {
    return this.#session?.refreshJwt;
  }

  get namespace(): number {
    return this.#session?.namespace ?? 0;
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
   * UNAVAILABLE even when the request may have reached the server.
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
    let timeoutMs: number | undefined;
    if (timeout !== undefined) {
      if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
        throw withCallSite(
          new UsageError(`timeout must be a number of seconds > 0, got ${String(timeout)}`, {
            code: 'ERR_INVALID_TIMEOUT',
          }),
          site,
        );
      }
      timeoutMs = timeout * 1000;
    }
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const userMetadata = options?.metadata;
    const credentials = options?.credentials;
    const canRefresh = (method as MethodDef<any, any>) !== Methods.login;
    let tried: Set<DgraphClientStub> | undefined;
    let refreshed = false;
    for (;;) {
      if (signal?.aborted) throw withCallSite(abortError(signal, method.name), site);
      const stub = this.pick(tried);
      if (!stub) {
        throw withCallSite(
          this.stubs.every((s) => s.closed)
            ? new UsageError('DgraphClient: every DgraphClientStub is closed', { code: 'ERR_CLOSED' })
            : new UnavailableError(
                `${method.name}: no Dgraph alpha reachable (tried ${this.#describe(tried)})`,
              ),
          site,
        );
      }
      const gen = this.#jwtGen;
      try {
        if (stub.state() !== grpc.connectivityState.READY)
          await this.#connect(stub, method, deadline, signal);
        const metadata = this.#metadata(userMetadata, method);
        return await invoke(stub, method, request, metadata, deadline, credentials, signal);
      } catch (err) {
        if (signal?.aborted) throw withCallSite(abortError(signal, method.name), site);
        if (isGrpcError(err)) {
          if (err.code === GrpcStatus.UNAVAILABLE) {
            stub.downUntil = Date.now() + MARK_DOWN_MS;
            if ((idempotent || neverSent(err)) && this.stubs.length > 1) {
              tried ??= new Set();
              tried.add(stub);
              if (this.pick(tried)) continue;
            }
          }
          const mapped = fromGrpcError(err, method.name, stub.addr, timeoutMs);
          if (mapped instanceof JwtExpiredError && canRefresh && !refreshed && this.#session) {
            refreshed = true;
            try {
              await this.refresh(gen, options);
            } catch (refreshErr) {
              throw withCallSite(
                new JwtExpiredError(
                  `${method.name}: the access JWT expired and refreshing it failed: ${(refreshErr as Error).message}`,
                  { cause: refreshErr },
                ),
                site,
              );
            }
            continue;
          }
          throw withCallSite(mapped, site);
        }
        if (!DbwireError.is(err)) {
          // Thrown by grpc-js or the encoder before anything was sent.
          throw withCallSite(
            stub.closed
              ? new UsageError(`${method.name}: DgraphClientStub ${stub.addr} is closed`, {
                  code: 'ERR_CLOSED',
                  cause: err,
                })
              : new UsageError(`${method.name}: could not send the request: ${(err as Error).message}`, {
                  code: 'ERR_INVALID_REQUEST',
                  cause: err,
                }),
            site,
          );
        }
        if (err instanceof UnavailableError && this.stubs.length > 1) {
          // Connect timeout: the request never left, so any call may go elsewhere.
          tried ??= new Set();
          tried.add(stub);
          if (this.pick(tried)) continue;
        }
        throw withCallSite(err, site);
      }
    }
  }

  #describe(tried: ReadonlySet<DgraphClientStub> | undefined): string {
    return (tried ? [...tried] : this.stubs).map((s) => s.addr).join(', ');
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

  /**
   * Refreshes the access JWT (single flight): with the refresh token, or, if that fails, with the
   * user id and password of the last login. `seenGen` skips the refresh when another call already
   * refreshed since the failing call started.
   */
  refresh(seenGen: number, options?: DgraphCallOptions): Promise<void> {
    if (seenGen !== this.#jwtGen) return Promise.resolve();
    this.#refreshing ??= this.#doRefresh(options).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  get jwtGen(): number {
    return this.#jwtGen;
  }

  async #doRefresh(options?: DgraphCallOptions): Promise<void> {
    const session = this.#session;
    if (!session)
      throw new UsageError('retryLogin: not logged in (call login() first)', { code: 'ERR_NOT_LOGGED_IN' });
    const callOpts: DgraphCallOptions = {
      timeout: options?.timeout ?? 30,
      signal: options?.signal,
      credentials: options?.credentials,
    };
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
  const entries: Iterable<readonly [string, unknown]> = Array.isArray(init)
    ? (init as ReadonlyArray<readonly [string, unknown]>)
    : Object.entries(init);
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw new UsageError('metadata entries must be [key, value] pairs of strings', {
        code: 'ERR_INVALID_METADATA',
      });
    }
    const [key, value] = entry;
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

/** The `namespace` claim of an access JWT (0 when absent or unreadable). */
export function jwtNamespace(jwt: string): number {
  const claims = jwtClaims(jwt);
  const ns = claims?.namespace;
  return typeof ns === 'number' ? ns : 0;
}

/** The payload of a JWT, or undefined when it is not one. Signature not checked (the server does). */
export function jwtClaims(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export type { GrpcServiceError };
