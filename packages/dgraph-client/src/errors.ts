import {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  type DbwireError,
  type DbwireErrorOptions,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';

/*
 * Brands (`brandName`) carry a Dgraph prefix so `instanceof` never confuses these with other dbwire
 * packages' classes of the same name; `err.name` is the class name users see.
 */

/**
 * Dgraph's errors, named as pydgraph names them, on top of the dbwire hierarchy (so `instanceof`
 * works across duplicate installs and `err.code`, `err.retryable`, `err.cause` are always there).
 *
 *   AbortedError       ServerError       a conflicting transaction committed first: rerun the txn
 *   RetriableError     ServerError       the server asks for a retry ("Please retry", indexing running)
 *   DgraphServerError  ServerError       any other answer of the server (bad DQL, bad schema, ...)
 *   TransactionError   UsageError        misuse of a transaction; TxnFinishedError, ReadOnlyError
 *   JwtExpiredError    AuthenticationError the access JWT expired and could not be refreshed
 *   UnavailableError   ConnectionError   no alpha reachable (gRPC UNAVAILABLE)
 */

/** gRPC status codes (numeric, as on the wire). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The gRPC detail a server-side error keeps. */
export interface GrpcDetails {
  /** The gRPC status code of the failed call, when there was one. */
  grpcCode?: number;
}

/** A transaction conflicted with one that committed first. Rerun the whole transaction. */
export class AbortedError extends ServerError {
  static override brandName = 'DgraphAbortedError';
  static override readonly defaultCode: string = 'ERR_ABORTED';
  readonly grpcCode: number | undefined;
  constructor(
    message = 'Transaction has been aborted. Please retry',
    options: DbwireErrorOptions & GrpcDetails = {},
  ) {
    super(message, { retryable: true, ...options });
    this.name = 'AbortedError';
    this.grpcCode = options.grpcCode;
  }
}

/** Any other error answer from Dgraph: its gRPC code and message are kept. */
export class DgraphServerError extends ServerError {
  static override brandName = 'DgraphServerError';
  static override readonly defaultCode: string = 'ERR_DGRAPH';
  readonly grpcCode: number | undefined;
  constructor(message: string, options: DbwireErrorOptions & GrpcDetails = {}) {
    super(message, options);
    this.name = 'DgraphServerError';
    this.grpcCode = options.grpcCode;
  }
}

/** The server asked the client to try again later (pydgraph's `RetriableError`). */
export class RetriableError extends DgraphServerError {
  static override brandName = 'DgraphRetriableError';
  static override readonly defaultCode: string = 'ERR_RETRIABLE';
  constructor(message: string, options: DbwireErrorOptions & GrpcDetails = {}) {
    super(message, { retryable: true, ...options });
    this.name = 'RetriableError';
  }
}

/** A transaction was used in a way it does not allow (pydgraph's `TransactionError`). */
export class TransactionError extends UsageError {
  static override brandName = 'DgraphTransactionError';
  static override readonly defaultCode: string = 'ERR_TXN';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'TransactionError';
  }
}

/** The transaction was already committed or discarded. */
export class TxnFinishedError extends TransactionError {
  static override brandName = 'DgraphTxnFinishedError';
  static override readonly defaultCode: string = 'ERR_TXN_FINISHED';
  constructor(
    message = 'Transaction has already been committed or discarded',
    options: DbwireErrorOptions = {},
  ) {
    super(message, options);
    this.name = 'TxnFinishedError';
  }
}

/** A read-only transaction was asked to mutate or commit. */
export class ReadOnlyError extends TransactionError {
  static override brandName = 'DgraphReadOnlyError';
  static override readonly defaultCode: string = 'ERR_READ_ONLY';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'ReadOnlyError';
  }
}

/** The access JWT expired and the refresh (or the call after it) failed too. */
export class JwtExpiredError extends AuthenticationError {
  static override brandName = 'DgraphJwtExpiredError';
  static override readonly defaultCode: string = 'ERR_JWT_EXPIRED';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'JwtExpiredError';
  }
}

/** No Dgraph alpha could be reached for the call (gRPC UNAVAILABLE on every stub tried). */
export class UnavailableError extends ConnectionError {
  static override brandName = 'DgraphUnavailableError';
  static override readonly defaultCode: string = 'ERR_UNAVAILABLE';
  constructor(message: string, options: DbwireErrorOptions = {}) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

/** The shape of a gRPC error as @grpc/grpc-js reports it. */
export interface GrpcServiceError extends Error {
  code: number;
  details: string;
}

/** True for an error as grpc-js reports a failed call (numeric `code`, string `details`). */
export function isGrpcError(err: unknown): err is GrpcServiceError {
  return (
    err instanceof Error &&
    typeof (err as Partial<GrpcServiceError>).code === 'number' &&
    typeof (err as Partial<GrpcServiceError>).details === 'string'
  );
}

const JWT_EXPIRED = /token is expired|jwt is expired|token has expired|token expired/i;

/**
 * True when `err` says the access JWT expired (pydgraph's `util.is_jwt_expired`). Accepts raw gRPC
 * errors, dbwire errors (their cause chain) and plain errors (by message).
 */
export function isJwtExpired(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof JwtExpiredError) return true;
    if (JWT_EXPIRED.test(e.message)) return true;
    if (isGrpcError(e) && JWT_EXPIRED.test(e.details)) return true;
  }
  return false;
}

/** True for AbortedError and for raw gRPC ABORTED / FAILED_PRECONDITION answers. */
export function isAbortedError(err: unknown): boolean {
  if (err instanceof AbortedError) return true;
  return isGrpcError(err) && (err.code === GrpcStatus.ABORTED || err.code === GrpcStatus.FAILED_PRECONDITION);
}

/** True for errors the server marks as worth a retry (pydgraph's `util.is_retriable_error`). */
export function isRetriableError(err: unknown): boolean {
  if (err instanceof RetriableError) return true;
  const msg = err instanceof Error ? (isGrpcError(err) ? err.details : err.message) : String(err);
  return /Please retry|opIndexing is already running/.test(msg);
}

/** Why a connection-level failure happened, when grpc-js tells us the request never left. */
export function neverSent(err: GrpcServiceError): boolean {
  return (
    err.code === GrpcStatus.UNAVAILABLE &&
    /No connection established|ECONNREFUSED|Name resolution failed|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|Connection dropped before/i.test(
      err.details,
    )
  );
}

/** The answer came from something that is not a gRPC server (e.g. Dgraph's HTTP port). */
const NOT_GRPC = /http1\.x|HTTP status code|Protocol error/i;
/** The same, as grpc-js reports it under INTERNAL/UNIMPLEMENTED (a reset or garbled HTTP/2 answer). */
const NOT_GRPC_INTERNAL = /http1\.x|HTTP status code|Protocol error|Received RST_STREAM|malformed/i;

function notGrpc(what: string, address: string, details: string, cause: unknown): UnavailableError {
  return new UnavailableError(
    `${what}: ${address} does not speak gRPC (${details}). Is this Dgraph alpha's gRPC port (9080 by default), not its HTTP port (8080)?`,
    { code: 'ERR_NOT_GRPC', cause, retryable: false },
  );
}

/**
 * Maps a gRPC failure of `what` against `address` to the typed error users catch (`timeoutMs`, the
 * call's own timeout, goes into the TimeoutError's message).
 */
export function fromGrpcError(
  err: GrpcServiceError,
  what: string,
  address: string,
  timeoutMs?: number,
): DbwireError {
  const code = err.code;
  const details = err.details || err.message;
  const grpc = { grpcCode: code, cause: err };
  switch (code) {
    case GrpcStatus.ABORTED:
    case GrpcStatus.FAILED_PRECONDITION:
      return new AbortedError(details || undefined, grpc);
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new TimeoutError(
        `${what} against ${address} timed out${timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`} (${details})`,
        { code: 'ERR_TIMEOUT', cause: err },
      );
    case GrpcStatus.CANCELLED:
      return new CancelledError(`${what} was cancelled (${details})`, { cause: err });
    case GrpcStatus.UNAVAILABLE:
      if (NOT_GRPC.test(details)) return notGrpc(what, address, details, err);
      return new UnavailableError(`${what}: Dgraph at ${address} is unavailable: ${details}`, { cause: err });
    case GrpcStatus.UNAUTHENTICATED:
      if (JWT_EXPIRED.test(details)) return new JwtExpiredError(`${what}: ${details}`, { cause: err });
      return new AuthenticationError(`${what}: ${details}`, { code: 'ERR_UNAUTHENTICATED', cause: err });
    case GrpcStatus.PERMISSION_DENIED:
      return new AuthenticationError(`${what}: permission denied: ${details}`, {
        code: 'ERR_PERMISSION_DENIED',
        cause: err,
      });
    case GrpcStatus.INTERNAL:
    case GrpcStatus.UNIMPLEMENTED:
      if (
        code === GrpcStatus.INTERNAL &&
        /parsing error|index out of range|invalid wire type/i.test(details)
      ) {
        return new ProtocolError(`${what}: could not decode the answer from ${address}: ${details}`, {
          code: 'ERR_PROTOCOL',
          cause: err,
        });
      }
      if (NOT_GRPC_INTERNAL.test(details)) return notGrpc(what, address, details, err);
      break;
  }
  if (JWT_EXPIRED.test(details)) return new JwtExpiredError(`${what}: ${details}`, { cause: err });
  if (/invalid username or password/i.test(details)) {
    return new AuthenticationError(`${what}: ${details}`, { code: 'ERR_LOGIN_FAILED', cause: err });
  }
  if (/Please retry|opIndexing is already running/.test(details)) {
    return new RetriableError(`${what}: ${details}`, grpc);
  }
  return new DgraphServerError(`${what}: ${details}`, { code: 'ERR_DGRAPH', ...grpc });
}
