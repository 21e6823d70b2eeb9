/**
 * Errors of this package: the Python client v3 exception names, each a subclass of the matching
 * `@dbwire/core` error, so `DbwireError.is()`, `kind`, `code` and `retryable` work as everywhere else.
 * Server errors keep Weaviate's own messages (`messages`) and the HTTP status.
 */
import { AuthenticationError, ConnectionError, ServerError, UsageError } from '@dbwire/core';

/** Statuses worth repeating the same request for (the server was busy or a proxy failed). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Weaviate's error messages from an error body: `{error: [{message}]}`, `{message}` or plain text. */
export function serverMessages(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() ? [body.trim()] : [];
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { error?: unknown; message?: unknown; errors?: unknown };
  const out: string[] = [];
  for (const list of [b.error, b.errors]) {
    if (Array.isArray(list)) {
      for (const e of list) {
        const m = (e as { message?: unknown } | null)?.message;
        if (typeof m === 'string') out.push(m);
      }
    } else if (typeof list === 'string') out.push(list);
  }
  if (typeof b.message === 'string') out.push(b.message);
  return out;
}

/**
 * The server answered with a status the operation does not accept (seed:
 * `weaviate.UnexpectedStatusCodeException`). `statusCode` is the HTTP status, `json` the parsed body,
 * `messages` Weaviate's own error messages.
 */
export class UnexpectedStatusCodeException extends ServerError {
  static override brandName = 'UnexpectedStatusCodeException';
  static override readonly defaultCode: string = 'ERR_UNEXPECTED_STATUS';
  /** The HTTP status code. */
  readonly statusCode: number;
  /** The parsed response body (or its text when it was not JSON). */
  readonly json: unknown;
  /** Weaviate's error messages from the body. */
  readonly messages: string[];

  constructor(
    what: string,
    statusCode: number,
    body: unknown,
    options: { code?: string; cause?: unknown } = {},
  ) {
    const messages = serverMessages(body);
    const detail = messages.length
      ? messages.join('; ')
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
    super(`${what}! Unexpected status code: ${statusCode}, with response body: ${detail ?? ''}`, {
      ...options,
      retryable: RETRYABLE_STATUS.has(statusCode),
      details: { statusCode },
    });
    this.statusCode = statusCode;
    this.json = body;
    this.messages = messages;
  }
}

/** `dataObject.create` with an id that is already taken (seed: `ObjectAlreadyExistsException`). */
export class ObjectAlreadyExistsException extends UnexpectedStatusCodeException {
  static override brandName = 'ObjectAlreadyExistsException';
  static override readonly defaultCode: string = 'ERR_OBJECT_ALREADY_EXISTS';
}

/** Credentials were refused or could not be obtained (seed: `AuthenticationFailedException`). */
export class AuthenticationFailedException extends AuthenticationError {
  static override brandName = 'AuthenticationFailedException';
  static override readonly defaultCode: string = 'ERR_AUTHENTICATION_FAILED';
}

/** A schema or class definition is malformed; raised before any request (seed: `SchemaValidationException`). */
export class SchemaValidationException extends UsageError {
  static override brandName = 'SchemaValidationException';
  static override readonly defaultCode: string = 'ERR_SCHEMA_VALIDATION';
}

/** A backup or restore ended in FAILED (seed: `BackupFailedException`). */
export class BackupFailedException extends ServerError {
  static override brandName = 'BackupFailedException';
  static override readonly defaultCode: string = 'ERR_BACKUP_FAILED';
}

/** Weaviate did not become ready within `startupPeriod` (seed: `WeaviateStartUpError`). */
export class WeaviateStartUpError extends ConnectionError {
  static override brandName = 'WeaviateStartUpError';
  static override readonly defaultCode: string = 'ERR_STARTUP';
}

/** One GraphQL error as Weaviate reports it. */
export interface GraphQLErrorEntry {
  /** The server's message. */
  message: string;
  /** Where in the answer the error belongs. */
  path?: Array<string | number>;
  /** Where in the query text the error is. */
  locations?: Array<{ line: number; column: number }>;
}

/**
 * A GraphQL query answered with `errors` (unknown class, bad filter, missing vectorizer ...): the
 * call rejects with the server's messages instead of returning an empty result.
 */
export class WeaviateQueryError extends ServerError {
  static override brandName = 'WeaviateQueryError';
  static override readonly defaultCode: string = 'ERR_GRAPHQL';
  /** Every message of the `errors` array, in order. */
  readonly messages: string[];
  /** The `errors` array as received. */
  readonly errors: GraphQLErrorEntry[];
  /** Whatever `data` came with the errors (partial results), or null. */
  readonly data: unknown;

  constructor(errors: GraphQLErrorEntry[], data: unknown) {
    const messages = errors.map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
    super(`GraphQL query failed: ${messages.join('; ')}`);
    this.messages = messages;
    this.errors = errors;
    this.data = data ?? null;
  }
}

/**
 * Weaviate refused a whole gRPC request with its own message (the gRPC twin of
 * `UnexpectedStatusCodeException`; searches report `WeaviateQueryError` instead, as over GraphQL).
 */
export class WeaviateGrpcError extends ServerError {
  static override brandName = 'WeaviateGrpcError';
  static override readonly defaultCode: string = 'ERR_GRPC_REFUSED';
  /** The server's messages. */
  readonly messages: string[];

  constructor(message: string, messages: string[]) {
    super(message);
    this.messages = messages;
  }
}
