import { ServerError, UsageError } from '@dbwire/core';
import { errnoMessages } from './errno.js';

/** The request as sent, kept on server errors (seed: `exc.request`). Credentials are never kept. */
export interface ArangoRequestInfo {
  /** HTTP method, lower case as the seed shows it ("post"). */
  readonly method: string;
  /** API endpoint starting with `/_api` (or `/_admin`, `/_open`). */
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly params: Record<string, string>;
  readonly data: unknown;
}

/** The response as received (seed: `exc.response`). */
export interface ArangoResponseInfo {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly url: string;
  readonly isSuccess: boolean;
  readonly body: unknown;
  readonly rawBody: string;
  readonly statusText: string;
  readonly statusCode: number;
  readonly errorCode: number | null;
  readonly errorMessage: string | null;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** The reason phrase of an HTTP status ("Not Found"), or an empty string. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

/**
 * Base of every error raised by this package (`instanceof ArangoError` holds for both server and
 * client errors). It is a marker: server errors extend core's `ServerError`, client errors core's
 * `UsageError`, so `DbwireError.is()` and the core `kind`/`retryable` fields work too.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: a marker class for `instanceof ArangoError`
export abstract class ArangoError {
  /** True for every server and client error of this package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof ArangoServerError || value instanceof ArangoClientError;
  }
}

/** A non-2xx answer from ArangoDB; per-operation subclasses name the failed call. */
export class ArangoServerError extends ServerError {
  static override brandName = 'ArangoServerError';
  readonly source = 'server' as const;
  /** The server's raw `errorMessage` (null when the body had none). */
  readonly errorMessage: string | null;
  /**
   * ArangoDB `errorNum` (compare with `errno.*`); the HTTP status when the answer carried no
   * `errorNum` (as python-arango does). `response.errorCode` keeps the body's own value (or null).
   */
  readonly errorCode: number;
  readonly url: string;
  readonly httpMethod: string;
  readonly httpCode: number;
  readonly httpHeaders: Record<string, string>;
  declare readonly response: ArangoResponseInfo;
  declare readonly request: ArangoRequestInfo;

  constructor(response: ArangoResponseInfo, request: ArangoRequestInfo, message?: string) {
    const errMessage =
      response.errorMessage ??
      (response.errorCode !== null ? errnoMessages.get(response.errorCode) : undefined);
    const text =
      message ??
      (errMessage
        ? `[HTTP ${response.statusCode}][ERR ${response.errorCode ?? '?'}] ${errMessage}`
        : `[HTTP ${response.statusCode}] ${response.statusText || 'request failed'}`);
    super(text, {
      code: response.errorCode !== null ? `ARANGO_${response.errorCode}` : `HTTP_${response.statusCode}`,
      retryable: response.statusCode === 503 || response.errorCode === 1200,
    });
    this.errorMessage = response.errorMessage;
    this.errorCode = response.errorCode ?? response.statusCode;
    this.url = response.url;
    this.httpMethod = response.method;
    this.httpCode = response.statusCode;
    this.httpHeaders = response.headers;
    // Non-enumerable: errors stay readable in logs and never dump request bodies by accident.
    Object.defineProperty(this, 'response', { value: response, enumerable: false });
    Object.defineProperty(this, 'request', { value: request, enumerable: false });
  }
}

/** An error raised by the client itself (bad input, malformed handle); no HTTP details. */
export class ArangoClientError extends UsageError {
  static override brandName = 'ArangoClientError';
  readonly source = 'client' as const;
  readonly errorCode = null;
  readonly errorMessage = null;
  readonly url = null;
  readonly httpMethod = null;
  readonly httpCode = null;
  readonly httpHeaders = null;
  readonly response = null;
  readonly request = null;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'ERR_ARANGO_CLIENT', cause: options.cause });
  }
}

/** A document (or handle) could not be understood: missing `_id`/`_key`, wrong collection, bad id. */
export class DocumentParseError extends ArangoClientError {
  static override brandName = 'DocumentParseError';
}
/** The cursor was used in a state that does not allow the call (e.g. `pop()` on an empty batch). */
export class CursorStateError extends ArangoClientError {
  static override brandName = 'CursorStateError';
}
export class CursorEmptyError extends CursorStateError {
  static override brandName = 'CursorEmptyError';
}
export class TransactionStateError extends ArangoClientError {
  static override brandName = 'TransactionStateError';
}

// --- Server error subclasses: the seed's per-operation names -------------------------------------

/** The constructor of a server error class (what the operations throw on failure). */
export type ServerErrorClass = new (
  response: ArangoResponseInfo,
  request: ArangoRequestInfo,
  message?: string,
) => ArangoServerError;

/* biome-ignore-start lint/complexity/noStaticOnlyClass: error classes */
export class ServerConnectionError extends ArangoServerError {
  static override brandName = 'ServerConnectionError';
}
export class ServerVersionError extends ArangoServerError {
  static override brandName = 'ServerVersionError';
}
export class ServerDetailsError extends ArangoServerError {
  static override brandName = 'ServerDetailsError';
}
export class ServerStatusError extends ArangoServerError {
  static override brandName = 'ServerStatusError';
}
export class ServerEngineError extends ArangoServerError {
  static override brandName = 'ServerEngineError';
}
export class JWTAuthError extends ArangoServerError {
  static override brandName = 'JWTAuthError';
}

export class DatabaseListError extends ArangoServerError {
  static override brandName = 'DatabaseListError';
}
export class DatabasePropertiesError extends ArangoServerError {
  static override brandName = 'DatabasePropertiesError';
}
export class DatabaseCreateError extends ArangoServerError {
  static override brandName = 'DatabaseCreateError';
}
export class DatabaseDeleteError extends ArangoServerError {
  static override brandName = 'DatabaseDeleteError';
}

export class CollectionListError extends ArangoServerError {
  static override brandName = 'CollectionListError';
}
export class CollectionPropertiesError extends ArangoServerError {
  static override brandName = 'CollectionPropertiesError';
}
export class CollectionConfigureError extends ArangoServerError {
  static override brandName = 'CollectionConfigureError';
}
export class CollectionStatisticsError extends ArangoServerError {
  static override brandName = 'CollectionStatisticsError';
}
export class CollectionRevisionError extends ArangoServerError {
  static override brandName = 'CollectionRevisionError';
}
export class CollectionChecksumError extends ArangoServerError {
  static override brandName = 'CollectionChecksumError';
}
export class CollectionCreateError extends ArangoServerError {
  static override brandName = 'CollectionCreateError';
}
export class CollectionDeleteError extends ArangoServerError {
  static override brandName = 'CollectionDeleteError';
}
export class CollectionRenameError extends ArangoServerError {
  static override brandName = 'CollectionRenameError';
}
export class CollectionTruncateError extends ArangoServerError {
  static override brandName = 'CollectionTruncateError';
}
export class CollectionLoadError extends ArangoServerError {
  static override brandName = 'CollectionLoadError';
}
export class CollectionUnloadError extends ArangoServerError {
  static override brandName = 'CollectionUnloadError';
}
export class CollectionResponsibleShardError extends ArangoServerError {
  static override brandName = 'CollectionResponsibleShardError';
}

export class DocumentCountError extends ArangoServerError {
  static override brandName = 'DocumentCountError';
}
export class DocumentInError extends ArangoServerError {
  static override brandName = 'DocumentInError';
}
export class DocumentGetError extends ArangoServerError {
  static override brandName = 'DocumentGetError';
}
export class DocumentKeysError extends ArangoServerError {
  static override brandName = 'DocumentKeysError';
}
export class DocumentIDsError extends ArangoServerError {
  static override brandName = 'DocumentIDsError';
}
export class DocumentInsertError extends ArangoServerError {
  static override brandName = 'DocumentInsertError';
}
export class DocumentUpdateError extends ArangoServerError {
  static override brandName = 'DocumentUpdateError';
}
export class DocumentReplaceError extends ArangoServerError {
  static override brandName = 'DocumentReplaceError';
}
export class DocumentDeleteError extends ArangoServerError {
  static override brandName = 'DocumentDeleteError';
}
export class DocumentRevisionError extends ArangoServerError {
  static override brandName = 'DocumentRevisionError';
}

export class IndexListError extends ArangoServerError {
  static override brandName = 'IndexListError';
}
export class IndexCreateError extends ArangoServerError {
  static override brandName = 'IndexCreateError';
}
export class IndexDeleteError extends ArangoServerError {
  static override brandName = 'IndexDeleteError';
}
export class IndexLoadError extends ArangoServerError {
  static override brandName = 'IndexLoadError';
}

export class GraphListError extends ArangoServerError {
  static override brandName = 'GraphListError';
}
export class GraphCreateError extends ArangoServerError {
  static override brandName = 'GraphCreateError';
}
export class GraphDeleteError extends ArangoServerError {
  static override brandName = 'GraphDeleteError';
}
export class GraphPropertiesError extends ArangoServerError {
  static override brandName = 'GraphPropertiesError';
}
export class GraphTraverseError extends ArangoServerError {
  static override brandName = 'GraphTraverseError';
}
export class VertexCollectionListError extends ArangoServerError {
  static override brandName = 'VertexCollectionListError';
}
export class VertexCollectionCreateError extends ArangoServerError {
  static override brandName = 'VertexCollectionCreateError';
}
export class VertexCollectionDeleteError extends ArangoServerError {
  static override brandName = 'VertexCollectionDeleteError';
}
export class EdgeDefinitionListError extends ArangoServerError {
  static override brandName = 'EdgeDefinitionListError';
}
export class EdgeDefinitionCreateError extends ArangoServerError {
  static override brandName = 'EdgeDefinitionCreateError';
}
export class EdgeDefinitionReplaceError extends ArangoServerError {
  static override brandName = 'EdgeDefinitionReplaceError';
}
export class EdgeDefinitionDeleteError extends ArangoServerError {
  static override brandName = 'EdgeDefinitionDeleteError';
}
export class EdgeListError extends ArangoServerError {
  static override brandName = 'EdgeListError';
}

export class AQLQueryExplainError extends ArangoServerError {
  static override brandName = 'AQLQueryExplainError';
}
export class AQLQueryValidateError extends ArangoServerError {
  static override brandName = 'AQLQueryValidateError';
}
export class AQLQueryExecuteError extends ArangoServerError {
  static override brandName = 'AQLQueryExecuteError';
}
export class AQLQueryListError extends ArangoServerError {
  static override brandName = 'AQLQueryListError';
}
export class AQLQueryClearError extends ArangoServerError {
  static override brandName = 'AQLQueryClearError';
}
export class AQLQueryTrackingGetError extends ArangoServerError {
  static override brandName = 'AQLQueryTrackingGetError';
}
export class AQLQueryTrackingSetError extends ArangoServerError {
  static override brandName = 'AQLQueryTrackingSetError';
}
export class AQLQueryKillError extends ArangoServerError {
  static override brandName = 'AQLQueryKillError';
}
export class AQLQueryRulesGetError extends ArangoServerError {
  static override brandName = 'AQLQueryRulesGetError';
}
export class AQLFunctionListError extends ArangoServerError {
  static override brandName = 'AQLFunctionListError';
}
export class AQLFunctionCreateError extends ArangoServerError {
  static override brandName = 'AQLFunctionCreateError';
}
export class AQLFunctionDeleteError extends ArangoServerError {
  static override brandName = 'AQLFunctionDeleteError';
}
export class AQLCachePropertiesError extends ArangoServerError {
  static override brandName = 'AQLCachePropertiesError';
}
export class AQLCacheConfigureError extends ArangoServerError {
  static override brandName = 'AQLCacheConfigureError';
}
export class AQLCacheEntriesError extends ArangoServerError {
  static override brandName = 'AQLCacheEntriesError';
}
export class AQLCacheClearError extends ArangoServerError {
  static override brandName = 'AQLCacheClearError';
}
export class AQLPlanCacheError extends ArangoServerError {
  static override brandName = 'AQLPlanCacheError';
}

export class CursorNextError extends ArangoServerError {
  static override brandName = 'CursorNextError';
}
export class CursorCloseError extends ArangoServerError {
  static override brandName = 'CursorCloseError';
}

export class TransactionInitError extends ArangoServerError {
  static override brandName = 'TransactionInitError';
}
export class TransactionStatusError extends ArangoServerError {
  static override brandName = 'TransactionStatusError';
}
export class TransactionCommitError extends ArangoServerError {
  static override brandName = 'TransactionCommitError';
}
export class TransactionAbortError extends ArangoServerError {
  static override brandName = 'TransactionAbortError';
}
export class TransactionExecuteError extends ArangoServerError {
  static override brandName = 'TransactionExecuteError';
}

// arango-exec: async and batch execution (src/execution.ts).
/** The server did not accept an async request (anything but 202). */
export class AsyncExecuteError extends ArangoServerError {
  static override brandName = 'AsyncExecuteError';
}
/** Listing async jobs failed. */
export class AsyncJobListError extends ArangoServerError {
  static override brandName = 'AsyncJobListError';
}
/** Cancelling an async job failed ("job <id> not found" when it already finished). */
export class AsyncJobCancelError extends ArangoServerError {
  static override brandName = 'AsyncJobCancelError';
}
/** Reading an async job's status failed. */
export class AsyncJobStatusError extends ArangoServerError {
  static override brandName = 'AsyncJobStatusError';
}
/** Fetching an async job's result failed ("job <id> not done" / "not found"). */
export class AsyncJobResultError extends ArangoServerError {
  static override brandName = 'AsyncJobResultError';
}
/** Clearing async job results failed ("job <id> not found" once its result was fetched). */
export class AsyncJobClearError extends ArangoServerError {
  static override brandName = 'AsyncJobClearError';
}
/** The batch request itself failed (its parts keep their own errors). */
export class BatchExecuteError extends ArangoServerError {
  static override brandName = 'BatchExecuteError';
}
/** A batch was used after commit (or committed twice). */
export class BatchStateError extends ArangoClientError {
  static override brandName = 'BatchStateError';
}
/** A batch job's result was asked for before the batch was committed. */
export class BatchJobResultError extends ArangoClientError {
  static override brandName = 'BatchJobResultError';
}
/* biome-ignore-end lint/complexity/noStaticOnlyClass: error classes */
