import { redact, redactDeep } from './redact.js';

/**
 * The error hierarchy every dbwire package shares.
 *
 * - `UsageError`: the caller passed something wrong; thrown before any I/O.
 * - `ConnectionError`: network, TLS, socket closed; `TimeoutError` and `CancelledError` are deadline
 *   outcomes.
 * - `ServerError`: the database answered "no"; its own code and message are kept.
 * - `ProtocolError`: the answer could not be understood (malformed frame, unexpected shape).
 * - `AuthenticationError`: credentials refused or could not be obtained.
 *
 * `instanceof` works across duplicate installs of @dbwire/core (two copies in one node_modules tree):
 * every instance carries the names of its class chain under a global symbol, and `Symbol.hasInstance`
 * checks that list instead of prototype identity.
 */

const BRAND = Symbol.for('dbwire.error');
const CHAIN = Symbol.for('dbwire.error.chain');

/** The family an error belongs to; every `DbwireError` has exactly one. */
export type ErrorKind =
  | 'usage'
  | 'connection'
  | 'timeout'
  | 'cancelled'
  | 'server'
  | 'protocol'
  | 'authentication'
  | 'unknown';

/** What a `DbwireError` is constructed with besides its message. */
export interface DbwireErrorOptions {
  /** Stable machine-readable code, e.g. `ERR_TIMEOUT` or a server's own code. */
  code?: string;
  cause?: unknown;
  /** True when repeating the same call may succeed (transient network failure, conflict, 503). */
  retryable?: boolean;
  /** Server-advised wait before a retry (Retry-After), used by `retry()`. */
  retryAfterMs?: number;
  /** Extra structured context; redacted before it is stored. */
  details?: Record<string, unknown>;
}

/** A class's brand: its own `brandName` when it declares one (survives minification), else its name. */
function brandOf(ctor: Function & { brandName?: string }): string {
  return Object.hasOwn(ctor, 'brandName') && ctor.brandName ? ctor.brandName : ctor.name;
}

const chainCache = new WeakMap<object, readonly string[]>();

function classChain(proto: object | null): readonly string[] {
  if (!proto) return [];
  const cached = chainCache.get(proto);
  if (cached) return cached;
  const names: string[] = [];
  for (
    let p: any = proto;
    p && p !== Error.prototype && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    names.push(brandOf(p.constructor));
  }
  const frozen = Object.freeze(names);
  chainCache.set(proto, frozen);
  return frozen;
}

/**
 * The base of every error a dbwire package throws: a stable `code`, a `kind`, a `retryable` flag, the
 * `cause`, and redacted `details`. Use `DbwireError.is(err)` or `instanceof`; both work across duplicate
 * installs of @dbwire/core.
 */
export class DbwireError extends Error {
  /** Name used for cross-copy `instanceof`; subclasses may override when their class name is mangled. */
  static brandName = 'DbwireError';
  static readonly defaultKind: ErrorKind = 'unknown';
  static readonly defaultCode: string = 'ERR_DBWIRE';

  readonly code: string;
  readonly retryable: boolean;
  readonly kind: ErrorKind;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  declare readonly [BRAND]: true;
  declare readonly [CHAIN]: readonly string[];

  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause) });
    const ctor = new.target as unknown as typeof DbwireError;
    this.name = brandOf(ctor);
    this.code = options.code ?? ctor.defaultCode;
    this.kind = ctor.defaultKind;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details =
      options.details === undefined ? undefined : (redactDeep(options.details) as Record<string, unknown>);
    Object.defineProperty(this, BRAND, { value: true });
    Object.defineProperty(this, CHAIN, { value: classChain(Object.getPrototypeOf(this)) });
  }

  /** Brand check that works across duplicate installs of @dbwire/core. */
  static is(value: unknown): value is DbwireError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** `instanceof` by brand: true when `value`'s class chain names this class, whichever copy made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!DbwireError.is(value)) return false;
    const chain = (value as unknown as Record<symbol, readonly string[]>)[CHAIN];
    // `this` is the class on the right of `instanceof` (a subclass inherits this method).
    // biome-ignore lint/complexity/noThisInStatic: dispatch on the subclass is the point
    return chain?.includes(brandOf(this)) ?? false;
  }

  /** A plain, redacted object for logs; never contains credentials. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause;
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(cause === undefined
        ? {}
        : {
            cause: DbwireError.is(cause)
              ? cause.toJSON()
              : cause instanceof Error
                ? {
                    name: cause.name,
                    message: redact(cause.message),
                    code: (cause as { code?: unknown }).code,
                  }
                : redactDeep(cause),
          }),
    };
  }
}

/** The caller passed something wrong; thrown before any I/O. Never retryable. */
export class UsageError extends DbwireError {
  static override brandName = 'UsageError';
  static override readonly defaultKind: ErrorKind = 'usage';
  static override readonly defaultCode: string = 'ERR_USAGE';
}

/** The network failed: refused, reset, closed, TLS. Retryable by default. */
export class ConnectionError extends DbwireError {
  static override brandName = 'ConnectionError';
  static override readonly defaultKind: ErrorKind = 'connection';
  static override readonly defaultCode: string = 'ERR_CONNECTION';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** A deadline (per-call `timeout` or `AbortSignal.timeout`) passed before the answer came. */
export class TimeoutError extends ConnectionError {
  static override brandName = 'TimeoutError';
  static override readonly defaultKind: ErrorKind = 'timeout';
  static override readonly defaultCode: string = 'ERR_TIMEOUT';
}

/** The caller's own AbortSignal fired. Never retried. */
export class CancelledError extends DbwireError {
  static override brandName = 'CancelledError';
  static override readonly defaultKind: ErrorKind = 'cancelled';
  static override readonly defaultCode: string = 'ERR_CANCELLED';
}

/** The database answered "no"; its own code and message are kept. */
export class ServerError extends DbwireError {
  static override brandName = 'ServerError';
  static override readonly defaultKind: ErrorKind = 'server';
  static override readonly defaultCode: string = 'ERR_SERVER';
}

/** The answer could not be understood (malformed frame, unexpected shape). */
export class ProtocolError extends DbwireError {
  static override brandName = 'ProtocolError';
  static override readonly defaultKind: ErrorKind = 'protocol';
  static override readonly defaultCode: string = 'ERR_PROTOCOL';
}

/** Credentials were refused or could not be obtained (login, token refresh, OIDC grant). */
export class AuthenticationError extends DbwireError {
  static override brandName = 'AuthenticationError';
  static override readonly defaultKind: ErrorKind = 'authentication';
  static override readonly defaultCode: string = 'ERR_AUTHENTICATION';
}

/** True when `err` is a dbwire error marked retryable (the default retry predicate). */
export function isRetryable(err: unknown): boolean {
  return DbwireError.is(err) && err.retryable;
}

/** Scrubs secrets from foreign errors in a cause chain (their messages are writable). */
function sanitizeCause(cause: unknown, depth = 0): unknown {
  if (depth > 8 || DbwireError.is(cause)) return cause;
  if (cause instanceof Error) {
    const clean = redact(cause.message);
    if (clean !== cause.message) {
      try {
        cause.message = clean;
        if (typeof cause.stack === 'string') cause.stack = redact(cause.stack);
      } catch {
        /* frozen error: leave it */
      }
    }
    if (cause.cause !== undefined) sanitizeCause(cause.cause, depth + 1);
    return cause;
  }
  if (typeof cause === 'string') return redact(cause);
  return cause;
}
