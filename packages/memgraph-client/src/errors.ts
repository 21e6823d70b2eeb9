import {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  DbwireError,
  type DbwireErrorOptions,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';

/*
 * The errors of the Python driver the seed uses (neo4j.exceptions), on top of the dbwire hierarchy so
 * `instanceof`, `err.code`, `err.retryable` and `err.cause` work the same in every dbwire package.
 * Brands carry a Memgraph prefix so they never collide with other packages' classes of the same name;
 * `err.name` is the Python name.
 *
 *   Neo4jError          ServerError          the server answered with a failure; `code` is its code
 *     ClientError                            the query or its parameters are wrong (do not retry)
 *       CypherSyntaxError                    the query does not parse
 *       ConstraintError                      a constraint was violated
 *     TransientError                         may succeed when repeated; `retryable` says whether WE retry
 *     DatabaseError                          the server failed internally
 *   AuthError           AuthenticationError  wrong or missing credentials
 *   ServiceUnavailable  ConnectionError      no connection could be made or kept
 *   SessionExpired      ConnectionError      the connection died inside a session/transaction
 *   IncompleteCommit    ConnectionError      the connection died during COMMIT: outcome unknown
 *   BoltProtocolError   ProtocolError        the server's answer made no sense to the driver
 *   DriverError         UsageError           misuse: closed driver (SessionError, TransactionError,
 *                                            ResultConsumedError for closed sessions, transactions, results)
 *   ConfigurationError  UsageError           a bad URI, auth token or option, before any I/O
 */

/** Extra fields of a server-reported error. */
export interface ServerErrorDetails {
  /** The server's error code, e.g. `Memgraph.TransientError.MemgraphError.MemgraphError`. */
  serverCode?: string;
}

/** The server answered with a failure (the Python driver's `neo4j.exceptions.Neo4jError`). */
export class Neo4jError extends ServerError {
  static override brandName = 'MemgraphNeo4jError';
  static override readonly defaultCode: string = 'ERR_SERVER';
  /** The server's own error code; also `code`. */
  readonly serverCode: string;
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, { ...options, code: options.code ?? options.serverCode });
    this.name = 'Neo4jError';
    this.serverCode = options.serverCode ?? this.code;
  }
}

/** The request was wrong (bad Cypher, bad parameters, missing permission). Never retried. */
export class ClientError extends Neo4jError {
  static override brandName = 'MemgraphClientError';
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, { ...options, retryable: false });
    this.name = 'ClientError';
  }
}

/**
 * The query does not parse: Neo4j's `Neo.ClientError.Statement.SyntaxError`, or Memgraph's generic
 * client error code carrying a parser message (`line 1:0 mismatched input ...`).
 */
export class CypherSyntaxError extends ClientError {
  static override brandName = 'MemgraphCypherSyntaxError';
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, options);
    this.name = 'CypherSyntaxError';
  }
}

/** A uniqueness or existence constraint was violated. */
export class ConstraintError extends ClientError {
  static override brandName = 'MemgraphConstraintError';
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, options);
    this.name = 'ConstraintError';
  }
}

/**
 * The server calls the failure transient. `retryable` is true only for what this package retries
 * (see {@link isRetryableError}): Memgraph also sends some permanent failures with a TransientError code.
 */
export class TransientError extends Neo4jError {
  static override brandName = 'MemgraphTransientError';
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** The server failed internally. */
export class DatabaseError extends Neo4jError {
  static override brandName = 'MemgraphDatabaseError';
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, { ...options, retryable: false });
    this.name = 'DatabaseError';
  }
}

/** Credentials were refused (Neo4j `Neo.ClientError.Security.*`, Memgraph `Memgraph.ClientError.Security.*`). */
export class AuthError extends AuthenticationError {
  static override brandName = 'MemgraphAuthError';
  /** The server's own error code; also `code`. */
  readonly serverCode: string;
  constructor(message: string, options: DbwireErrorOptions & ServerErrorDetails = {}) {
    super(message, { ...options, code: options.code ?? options.serverCode ?? 'ERR_AUTH' });
    this.name = 'AuthError';
    this.serverCode = options.serverCode ?? this.code;
  }
}

/** No connection to the server could be made or kept (refused, reset, closed). */
export class ServiceUnavailable extends ConnectionError {
  static override brandName = 'MemgraphServiceUnavailable';
  static override readonly defaultCode: string = 'ERR_SERVICE_UNAVAILABLE';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'ServiceUnavailable';
  }
}

/** The connection a session or transaction was using died. */
export class SessionExpired extends ConnectionError {
  static override brandName = 'MemgraphSessionExpired';
  static override readonly defaultCode: string = 'ERR_SESSION_EXPIRED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'SessionExpired';
  }
}

/**
 * The connection failed while COMMIT was in flight: the transaction may or may not have been
 * committed. Never retried (repeating it could apply the changes twice); check the data, then decide.
 */
export class IncompleteCommit extends ConnectionError {
  static override brandName = 'MemgraphIncompleteCommit';
  static override readonly defaultCode: string = 'ERR_INCOMPLETE_COMMIT';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, { ...options, retryable: false });
    this.name = 'IncompleteCommit';
  }
}

/** The server sent something the driver could not understand. */
export class BoltProtocolError extends ProtocolError {
  static override brandName = 'MemgraphBoltProtocolError';
  static override readonly defaultCode: string = 'ERR_BOLT_PROTOCOL';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'BoltProtocolError';
  }
}

/** Misuse of the driver, e.g. using it after `close()`. */
export class DriverError extends UsageError {
  static override brandName = 'MemgraphDriverError';
  static override readonly defaultCode: string = 'ERR_DRIVER_CLOSED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'DriverError';
  }
}

/** Misuse of a session: closed, or a second transaction while one is open. */
export class SessionError extends DriverError {
  static override brandName = 'MemgraphSessionError';
  static override readonly defaultCode: string = 'ERR_SESSION_CLOSED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'SessionError';
  }
}

/** Misuse of a transaction: already committed, rolled back or closed. */
export class TransactionError extends DriverError {
  static override brandName = 'MemgraphTransactionError';
  static override readonly defaultCode: string = 'ERR_TRANSACTION_CLOSED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'TransactionError';
  }
}

/** A result was read after it had been consumed or its transaction had ended. */
export class ResultConsumedError extends DriverError {
  static override brandName = 'MemgraphResultConsumedError';
  static override readonly defaultCode: string = 'ERR_RESULT_CONSUMED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'ResultConsumedError';
  }
}

/** A bad URI, auth token or option, reported before any I/O. */
export class ConfigurationError extends UsageError {
  static override brandName = 'MemgraphConfigurationError';
  static override readonly defaultCode: string = 'ERR_CONFIGURATION';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

// ---------------------------------------------------------------------------------------------------
// The retry rule: one place decides what is retried.

/** Messages Memgraph sends for write-write conflicts between concurrent transactions. */
const MEMGRAPH_CONFLICT =
  /Cannot resolve conflicting transactions|Unable to commit due to serialization error/i;
/** Memgraph lock timeouts on storage access: transient, safe to repeat. */
const MEMGRAPH_STORAGE_ACCESS = /Cannot get (?:shared|unique|read-only)?\s*access to the storage/i;
/** Neo4j's deadlock code (the test stand-in produces it when two transactions lock in opposite order). */
const NEO4J_DEADLOCK = 'Neo.TransientError.Transaction.DeadlockDetected';
/** Neo4j transient codes that mean "someone stopped this on purpose": never retried. */
const NEO4J_NOT_RETRIED = new Set([
  'Neo.TransientError.Transaction.Terminated',
  'Neo.TransientError.Transaction.LockClientStopped',
]);

function serverFields(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof Neo4jError || err instanceof AuthError)
    return { code: err.serverCode, message: err.message };
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    return { code: (err as unknown as { code: string }).code, message: err.message };
  }
  return undefined;
}

/**
 * True when `err` is a write-write conflict between concurrent transactions: Memgraph's
 * "Cannot resolve conflicting transactions" and "Unable to commit due to serialization error"
 * (whatever code they arrive with), or Neo4j's `DeadlockDetected`. Rerunning the whole transaction is
 * the fix. This is the predicate of {@link retryOnConflict} and the worker pool.
 */
export function isConflictError(err: unknown): boolean {
  const f = serverFields(err);
  if (!f) return false;
  return MEMGRAPH_CONFLICT.test(f.message) || f.code === NEO4J_DEADLOCK;
}

/**
 * The retry rule of managed transactions (`executeRead`, `executeWrite`, `executeQuery`):
 *
 * | failure                                                            | retried |
 * |--------------------------------------------------------------------|---------|
 * | conflict ({@link isConflictError})                                 | yes     |
 * | Memgraph "Cannot get ... access to the storage" (lock timeout)     | yes     |
 * | other `Memgraph.TransientError.*` (Memgraph sends permanent errors with it too) | no |
 * | other `Neo.TransientError.*` except Terminated / LockClientStopped | yes     |
 * | connection lost before COMMIT (ServiceUnavailable, SessionExpired) | yes     |
 * | connection lost during COMMIT (IncompleteCommit)                   | no      |
 * | ClientError, DatabaseError, AuthError, usage errors, timeouts      | no      |
 */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof IncompleteCommit) return false;
  if (err instanceof ServiceUnavailable || err instanceof SessionExpired) return true;
  const f = serverFields(err);
  if (!f) return false;
  if (MEMGRAPH_CONFLICT.test(f.message) || f.code === NEO4J_DEADLOCK) return true;
  if (f.code.startsWith('Memgraph.TransientError.')) return MEMGRAPH_STORAGE_ACCESS.test(f.message);
  if (f.code.startsWith('Neo.TransientError.')) return !NEO4J_NOT_RETRIED.has(f.code);
  return f.code === 'ServiceUnavailable' || f.code === 'SessionExpired';
}

// ---------------------------------------------------------------------------------------------------
// Mapping neo4j-driver failures to the classes above.

/** The shape of neo4j-driver's `Neo4jError` that the mapping reads. */
interface DriverFailure extends Error {
  code?: unknown;
}

const SECURITY = /^(?:Neo|Memgraph)\.ClientError\.Security\./;
/**
 * Memgraph sends parse errors with its generic `Memgraph.ClientError.MemgraphError.MemgraphError`
 * code; only the parser's `line <l>:<c> ...` message tells them apart, so that is what makes a
 * `CypherSyntaxError` there (Neo4j has a dedicated `Neo.ClientError.Statement.SyntaxError` code).
 */
const MEMGRAPH_SYNTAX = /^line \d+:\d+ /;
/**
 * neo4j-driver's messages for bytes it cannot read as Bolt (handshake answer, PackStream, message
 * signature). They arrive without a code, like its client-side validation errors, so the message is
 * what tells a broken server or proxy from a caller's mistake.
 */
const BOLT_GARBAGE =
  /Unknown Bolt protocol version|Unknown packed value|Unknown structure|Unexpected message|Unknown message|could not be parsed|Failed to parse/i;
const CLOSED_DRIVER = /Pool is closed|driver (?:has been|is) closed/i;
const CLOSED_SESSION = /closed session|session (?:has been|is) closed/i;
const CLOSED_TX =
  /transaction has been (?:committed|rolled back|closed)|Cannot run query in this transaction/i;

/**
 * Maps whatever neo4j-driver (or the server through it) threw during `what` to a typed dbwire error.
 * `inCommit` marks a failure of COMMIT itself, where a lost connection means the outcome is unknown.
 */
export function fromDriverError(err: unknown, what: string, inCommit = false): DbwireError {
  if (DbwireError.is(err)) return err;
  if (!(err instanceof Error)) {
    return new ServerError(`${what} failed: ${String(err)}`, { code: 'ERR_UNKNOWN' });
  }
  const failure = err as DriverFailure;
  const code = typeof failure.code === 'string' ? failure.code : '';
  const message = err.message;
  if (code === 'ServiceUnavailable' || code === 'SessionExpired') {
    if (inCommit) {
      return new IncompleteCommit(
        `${what}: the connection failed while COMMIT was in flight; the transaction may or may not have been committed (${message})`,
        { cause: err },
      );
    }
    return code === 'ServiceUnavailable'
      ? new ServiceUnavailable(`${what}: ${message}`, { cause: err })
      : new SessionExpired(`${what}: ${message}`, { cause: err });
  }
  if (code === 'ProtocolError') return new BoltProtocolError(`${what}: ${message}`, { cause: err });
  if (SECURITY.test(code)) return new AuthError(`${what}: ${message}`, { serverCode: code, cause: err });
  if (code.includes('.TransientError.')) {
    return new TransientError(`${what}: ${message}`, {
      serverCode: code,
      cause: err,
      retryable: isRetryableError(err),
    });
  }
  if (code.includes('.ClientError.')) {
    // Memgraph sends conflicts with its generic code too; they stay retryable.
    if (MEMGRAPH_CONFLICT.test(message)) {
      return new TransientError(`${what}: ${message}`, { serverCode: code, cause: err, retryable: true });
    }
    const Cls =
      /\.Statement\.SyntaxError$/.test(code) ||
      (code.startsWith('Memgraph.') && MEMGRAPH_SYNTAX.test(message))
        ? CypherSyntaxError
        : /\.Schema\.ConstraintValidationFailed$/.test(code)
          ? ConstraintError
          : ClientError;
    return new Cls(`${what}: ${message}`, { serverCode: code, cause: err });
  }
  if (code.includes('.DatabaseError.')) {
    return new DatabaseError(`${what}: ${message}`, { serverCode: code, cause: err });
  }
  if (CLOSED_DRIVER.test(message)) {
    return new DriverError(`${what}: the driver is closed`, { cause: err });
  }
  if (CLOSED_SESSION.test(message)) return new SessionError(`${what}: ${message}`, { cause: err });
  if (CLOSED_TX.test(message)) return new TransactionError(`${what}: ${message}`, { cause: err });
  if (/timed? ?out/i.test(message) && /connect/i.test(message)) {
    return new TimeoutError(`${what}: ${message}`, { code: 'ERR_CONNECT_TIMEOUT', cause: err });
  }
  if (err.name === 'AbortError') return new CancelledError(`${what} was cancelled`, { cause: err });
  if (BOLT_GARBAGE.test(message)) return new BoltProtocolError(`${what}: ${message}`, { cause: err });
  if (code === '' || code === 'N/A') {
    // The driver rejected the call before sending it (bad parameter type, bad config).
    return new ConfigurationError(`${what}: ${message}`, { code: 'ERR_INVALID_REQUEST', cause: err });
  }
  return new Neo4jError(`${what}: ${message}`, { serverCode: code, cause: err });
}
