import { abortError, raceSignal } from './deadline.js';
import { AuthenticationError, DbwireError, UsageError } from './errors.js';
import { registerSecret, unregisterSecret } from './redact.js';

/**
 * Credential providers: anything that contributes auth headers to a request. Packages call
 * `headers(signal)` per request and `invalidate()` when the server rejected the credentials (401,
 * UNAUTHENTICATED), then retry once with fresh headers. Every secret a provider holds is registered
 * with `registerSecret()`, so it is masked in any error message.
 */

/** Anything that can contribute auth headers to a request; `invalidate()` after the server rejected them. */
export interface CredentialsProvider {
  /** The auth headers for one request; may fetch or refresh a token first, under `signal`. */
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /** Drops cached credentials after the server rejected them (401), so the next `headers()` renews. */
  invalidate?(): void;
}

const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

function requireString(value: unknown, what: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new UsageError(`${what} must be a non-empty string`, { code: 'ERR_INVALID_CREDENTIALS' });
  }
  if (/[\r\n]/.test(value)) {
    throw new UsageError(`${what} must not contain line breaks`, { code: 'ERR_INVALID_CREDENTIALS' });
  }
  return value;
}

function headerName(name: string | undefined, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || !HEADER_NAME_RE.test(name)) {
    throw new UsageError(`invalid header name ${JSON.stringify(name)}`, { code: 'ERR_INVALID_CREDENTIALS' });
  }
  return name.toLowerCase();
}

function headerValue(scheme: string | undefined, secret: string): string {
  return scheme ? `${scheme} ${secret}` : secret;
}

/** `Authorization: Basic base64(username:password)`. */
export class BasicCredentials implements CredentialsProvider {
  readonly username: string;
  readonly #value: string;

  constructor(username: string, password: string) {
    this.username = requireString(username, 'username', true);
    if (username.includes(':')) {
      throw new UsageError('username must not contain ":" for Basic authentication', {
        code: 'ERR_INVALID_CREDENTIALS',
      });
    }
    requireString(password, 'password', true);
    const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    registerSecret(password);
    registerSecret(encoded);
    this.#value = `Basic ${encoded}`;
  }

  /** The auth headers for one request. */
  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ authorization: this.#value });
  }

  /** A redacted description for logs: never the secret itself. */
  toJSON(): Record<string, unknown> {
    return { type: 'basic', username: this.username };
  }
}

/** `Authorization: Bearer <token>` with a fixed token. */
export class BearerToken implements CredentialsProvider {
  readonly #value: string;

  constructor(token: string) {
    requireString(token, 'token');
    registerSecret(token);
    this.#value = `Bearer ${token}`;
  }

  /** The auth headers for one request. */
  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ authorization: this.#value });
  }

  /** A redacted description for logs: never the secret itself. */
  toJSON(): Record<string, unknown> {
    return { type: 'bearer' };
  }
}

/**
 * A fixed API key in a header: by default `Authorization: Bearer <key>` (Weaviate); with
 * `{ header: 'x-api-key' }` the bare key in that header.
 */
export class ApiKey implements CredentialsProvider {
  readonly #header: string;
  readonly #value: string;

  constructor(key: string, options: { header?: string; scheme?: string } = {}) {
    requireString(key, 'API key');
    this.#header = headerName(options.header, 'authorization');
    const scheme = options.scheme ?? (this.#header === 'authorization' ? 'Bearer' : undefined);
    if (scheme !== undefined) requireString(scheme, 'scheme', true);
    registerSecret(key);
    this.#value = headerValue(scheme, key);
  }

  /** The auth headers for one request. */
  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ [this.#header]: this.#value });
  }

  /** A redacted description for logs: never the secret itself. */
  toJSON(): Record<string, unknown> {
    return { type: 'apiKey', header: this.#header };
  }
}

/** A token as a provider caches it: the token, when it expires, and the refresh token if any. */
export interface TokenSet {
  token: string;
  /** Epoch ms when the token stops being valid. */
  expiresAt?: number;
  refreshToken?: string;
}

/** How a `RefreshingTokenProvider` obtains tokens and when it renews them. */
export interface RefreshingTokenProviderOptions {
  /** Obtains a new token; `previous` is the last token set (with its refresh token) when there was one. */
  fetchToken: (signal?: AbortSignal, previous?: TokenSet) => Promise<TokenSet>;
  /** Refresh this long before `expiresAt` (at most half the token's lifetime). Default 30000 ms. */
  refreshEarlyMs?: number;
  /** Clock in ms since the epoch; tests pass a fake one. Default `Date.now`. */
  now?: () => number;
  /** Header to set. Default 'authorization'. */
  header?: string;
  /** Scheme before the token. Default 'Bearer' for the authorization header, none otherwise. */
  scheme?: string;
}

/** How many superseded tokens stay registered as secrets (late errors may still echo them). */
const RETIRED_SECRETS_KEPT = 4;

interface Flight {
  promise: Promise<TokenSet>;
  controller: AbortController;
  /** Callers still waiting; the shared fetch is aborted only when every waiter gave up. */
  waiters: number;
  /** True once a caller without a signal joined: nobody can cancel the fetch then. */
  pinned: boolean;
}

/**
 * An expiring token fetched on demand: cached until `refreshEarlyMs` before `expiresAt`, refreshed by
 * one shared fetch however many callers ask at once (single flight). A failed fetch rejects with
 * `AuthenticationError` (the original error kept as `cause`, secrets masked); if a refresh that was
 * only early fails while the old token is still valid, the old token is used.
 */
export class RefreshingTokenProvider implements CredentialsProvider {
  readonly #fetchToken: RefreshingTokenProviderOptions['fetchToken'];
  readonly #refreshEarlyMs: number;
  readonly #now: () => number;
  readonly #header: string;
  readonly #scheme: string | undefined;
  #tokens: TokenSet | undefined;
  /** When the current token must be renewed: `refreshEarlyMs` before expiry, capped at half its lifetime. */
  #refreshAt = Number.POSITIVE_INFINITY;
  /** The last token set, kept after `invalidate()` so its refresh token can still be used. */
  #previous: TokenSet | undefined;
  #flight: Flight | undefined;
  readonly #retired: string[] = [];

  constructor(options: RefreshingTokenProviderOptions) {
    if (!options || typeof options.fetchToken !== 'function') {
      throw new UsageError('RefreshingTokenProvider needs a fetchToken function', {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const early = options.refreshEarlyMs ?? 30_000;
    if (typeof early !== 'number' || !Number.isFinite(early) || early < 0) {
      throw new UsageError(`refreshEarlyMs must be a finite number >= 0, got ${String(early)}`, {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    this.#fetchToken = options.fetchToken;
    this.#refreshEarlyMs = early;
    this.#now = options.now ?? Date.now;
    this.#header = headerName(options.header, 'authorization');
    this.#scheme = options.scheme ?? (this.#header === 'authorization' ? 'Bearer' : undefined);
  }

  /** The cached token set, or undefined before the first fetch and after `invalidate()`. */
  current(): TokenSet | undefined {
    return this.#tokens;
  }

  /** Forgets the cached token (the server rejected it); the next call fetches a new one. */
  /** Forgets the cached token after the server rejected it; the next call fetches a new one. */
  invalidate(): void {
    if (this.#tokens) this.#previous = this.#tokens;
    this.#tokens = undefined;
  }

  /** `Authorization: Bearer <token>`, fetching or refreshing the token first when needed. */
  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    const token = await this.getToken(signal);
    return { [this.#header]: headerValue(this.#scheme, token) };
  }

  /** The current token; concurrent callers share one refresh, each waiting under its own signal. */
  getToken(signal?: AbortSignal): Promise<string> {
    const tokens = this.#tokens;
    if (tokens) {
      if (this.#now() < this.#refreshAt) return Promise.resolve(tokens.token);
    }
    return this.#refresh(tokens, signal);
  }

  async #refresh(stale: TokenSet | undefined, signal: AbortSignal | undefined): Promise<string> {
    if (signal?.aborted) throw abortError(signal, 'token refresh');
    const flight = this.#join(signal);
    try {
      const fresh = await (signal
        ? raceSignal(flight.promise, signal, () => abortError(signal, 'token refresh'))
        : flight.promise);
      return fresh.token;
    } catch (err) {
      if (signal?.aborted) throw err;
      // An early refresh failed but the token we had is still good: keep using it.
      if (stale && stale === this.#tokens && stale.expiresAt !== undefined && this.#now() < stale.expiresAt) {
        return stale.token;
      }
      throw err;
    } finally {
      flight.waiters--;
      if (signal && flight.waiters === 0 && !flight.pinned && this.#flight === flight) {
        flight.controller.abort(signal.reason);
      }
    }
  }

  #join(signal: AbortSignal | undefined): Flight {
    let flight = this.#flight;
    if (!flight) {
      const controller = new AbortController();
      const previous = this.#tokens ?? this.#previous;
      const created: Flight = { controller, waiters: 0, pinned: false, promise: undefined as never };
      created.promise = this.#run(controller.signal, previous).finally(() => {
        if (this.#flight === created) this.#flight = undefined;
      });
      created.promise.catch(() => {});
      this.#flight = flight = created;
    }
    flight.waiters++;
    if (!signal) flight.pinned = true;
    return flight;
  }

  async #run(signal: AbortSignal, previous: TokenSet | undefined): Promise<TokenSet> {
    let next: TokenSet;
    try {
      next = await this.#fetchToken(signal, previous);
      if (!next || typeof next.token !== 'string' || next.token.length === 0) {
        throw new TypeError('fetchToken resolved without a token');
      }
    } catch (err) {
      if (signal.aborted) throw abortError(signal, 'token refresh');
      throw toAuthenticationError(err);
    }
    registerSecret(next.token);
    registerSecret(next.refreshToken);
    const old = this.#tokens ?? this.#previous;
    if (old && old.token !== next.token) this.#retire(old.token);
    this.#tokens = { ...next };
    const { expiresAt } = next;
    if (typeof expiresAt === 'number' && !Number.isNaN(expiresAt)) {
      const now = this.#now();
      // Short-lived tokens would otherwise be refreshed on every call.
      this.#refreshAt = expiresAt - Math.min(this.#refreshEarlyMs, Math.max(0, (expiresAt - now) / 2));
    } else {
      this.#refreshAt = Number.POSITIVE_INFINITY;
    }
    this.#previous = undefined;
    return this.#tokens;
  }

  #retire(token: string): void {
    this.#retired.push(token);
    while (this.#retired.length > RETIRED_SECRETS_KEPT) unregisterSecret(this.#retired.shift());
  }

  /** A redacted description for logs: never the secret itself. */
  toJSON(): Record<string, unknown> {
    return { type: 'refreshingToken', expiresAt: this.#tokens?.expiresAt };
  }
}

function toAuthenticationError(err: unknown): DbwireError {
  if (err instanceof AuthenticationError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const retryable = DbwireError.is(err) ? err.retryable : isTransient(err);
  return new AuthenticationError(`access token request failed (${detail})`, {
    code: 'ERR_TOKEN_REFRESH',
    cause: err,
    retryable,
  });
}

/** Network-level failures (fetch failed, connection refused) and 5xx answers are worth retrying. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof TypeError && /fetch failed|network/i.test(err.message)) return true;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** Decodes a JWT's `exp` (no verification) — used to schedule refreshes of server-issued JWTs. */
export function jwtExpiry(jwt: string): number | undefined {
  if (typeof jwt !== 'string') return undefined;
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
