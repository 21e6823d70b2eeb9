/**
 * Errors of @dbwire/gridgain-thin, named as pygridgain.exceptions names them, on the shared dbwire
 * hierarchy (so `instanceof ConnectionError` / `ServerError` / `UsageError` work across packages).
 */
import {
  AuthenticationError,
  ConnectionError,
  type DbwireErrorOptions,
  ProtocolError,
  ServerError,
  UsageError,
} from '@dbwire/core';

/** The connection broke (reset, closed, TLS failure) while a call used it. Retryable on the next node. */
export class SocketError extends ConnectionError {
  static override brandName = 'GridGainSocketError';
  static override readonly defaultCode: string = 'ERR_SOCKET';
}

/** No node of the list could be reached (pygridgain's ReconnectError). */
export class ReconnectError extends ConnectionError {
  static override brandName = 'GridGainReconnectError';
  static override readonly defaultCode: string = 'ERR_RECONNECT';
}

/** The server refused the handshake for a reason other than credentials (e.g. unsupported version). */
export class HandshakeError extends ConnectionError {
  static override brandName = 'GridGainHandshakeError';
  static override readonly defaultCode: string = 'ERR_HANDSHAKE';
  readonly serverVersion: string | undefined;
  readonly status: number | undefined;
  constructor(
    message: string,
    options: DbwireErrorOptions & { serverVersion?: string; status?: number } = {},
  ) {
    super(message, { retryable: false, ...options });
    this.serverVersion = options.serverVersion;
    this.status = options.status;
  }
}

/** A response that cannot be parsed (pygridgain's ParseError). */
export class ParseError extends ProtocolError {
  static override brandName = 'GridGainParseError';
  static override readonly defaultCode: string = 'ERR_PROTOCOL_PARSE';
}

/** A bad argument (pygridgain's ParameterError); thrown before any I/O. */
export class ParameterError extends UsageError {
  static override brandName = 'GridGainParameterError';
  static override readonly defaultCode: string = 'ERR_PARAMETER';
}

/** The connected server lacks the protocol version or feature an operation needs. */
export class NotSupportedByClusterError extends UsageError {
  static override brandName = 'GridGainNotSupportedByClusterError';
  static override readonly defaultCode: string = 'ERR_NOT_SUPPORTED_BY_CLUSTER';
}

/** The server answered an operation with a non-zero status. `status` is the server's own code. */
export class CacheError extends ServerError {
  static override brandName = 'GridGainCacheError';
  static override readonly defaultCode: string = 'ERR_CACHE';
  readonly status: number;
  constructor(message: string, status: number, options: DbwireErrorOptions = {}) {
    super(message, { code: `IGNITE_STATUS_${status}`, ...options });
    this.status = status;
  }
}

/** Creating a cache failed (status 1001 CACHE_EXISTS among others). */
export class CacheCreationError extends CacheError {
  static override brandName = 'GridGainCacheCreationError';
}

/** Status 1000 CACHE_DOES_NOT_EXIST. */
export class CacheDoesNotExistError extends CacheError {
  static override brandName = 'GridGainCacheDoesNotExistError';
}

/** Status 1012 SECURITY_VIOLATION. */
export class SecurityViolationError extends CacheError {
  static override brandName = 'GridGainSecurityViolationError';
}

/** Status 100 FUNCTIONALITY_DISABLED (e.g. compute without tasks allowed). */
export class FunctionalityDisabledError extends CacheError {
  static override brandName = 'GridGainFunctionalityDisabledError';
}

/** SQL failed on the server (part 2 of this package uses it for `sql()`). */
export class SQLError extends CacheError {
  static override brandName = 'GridGainSQLError';
}

/**
 * A transaction failed on the server: started on an ATOMIC cache, unknown id (1021), too many open
 * on the connection (1020), commit refused. The server's status and message are kept.
 */
export class TransactionError extends CacheError {
  static override brandName = 'GridGainTransactionError';
}

/**
 * An optimistic SERIALIZABLE transaction (or one whose lock wait timed out) could not commit because
 * another transaction changed what it read. Retryable: run the whole transaction again.
 */
export class TransactionConflictError extends TransactionError {
  static override brandName = 'GridGainTransactionConflictError';
  constructor(message: string, status: number, options: DbwireErrorOptions = {}) {
    super(message, status, { retryable: true, ...options });
  }
}

/** Binary type registration or lookup failed. */
export class BinaryTypeError extends CacheError {
  static override brandName = 'GridGainBinaryTypeError';
}

/** Server status codes (ClientStatus in the Ignite sources). */
export const Status = {
  SUCCESS: 0,
  FAILED: 1,
  INVALID_OP_CODE: 2,
  FUNCTIONALITY_DISABLED: 100,
  CACHE_DOES_NOT_EXIST: 1000,
  CACHE_EXISTS: 1001,
  TOO_MANY_CURSORS: 1010,
  RESOURCE_DOES_NOT_EXIST: 1011,
  SECURITY_VIOLATION: 1012,
  TX_LIMIT_EXCEEDED: 1020,
  TX_NOT_FOUND: 1021,
  TOO_MANY_COMPUTE_TASKS: 1030,
  AUTH_FAILED: 2000,
} as const;

/** Maps a failed response to its typed error, keeping the server's status and message. */
export function statusError(status: number, message: string | null, op: number): CacheError {
  const text = `${message ?? 'server returned an error'} (status ${status}, op ${op})`;
  switch (status) {
    case Status.CACHE_DOES_NOT_EXIST:
      return new CacheDoesNotExistError(text, status);
    case Status.CACHE_EXISTS:
      return new CacheCreationError(text, status);
    case Status.SECURITY_VIOLATION:
      return new SecurityViolationError(text, status);
    case Status.FUNCTIONALITY_DISABLED:
      return new FunctionalityDisabledError(text, status);
    case Status.TX_LIMIT_EXCEEDED:
    case Status.TX_NOT_FOUND:
      return new TransactionError(text, status);
    default:
      if (op === 4000 || op === 4001) {
        if (/optimistic|conflict|version|concurrent/i.test(message ?? ''))
          return new TransactionConflictError(text, status);
        return new TransactionError(text, status);
      }
      if (op === 2002 || op === 2004 || op === 2003 || op === 2005) return new SQLError(text, status);
      if (op >= 1050 && op <= 1054) return new CacheCreationError(text, status);
      if (op >= 3000 && op <= 3004) return new BinaryTypeError(text, status);
      return new CacheError(text, status);
  }
}

export { AuthenticationError };
