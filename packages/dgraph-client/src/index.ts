/**
 * @dbwire/dgraph-client — Dgraph over gRPC with pydgraph's API, translated to TypeScript.
 *
 *   const stub = new DgraphClientStub('localhost:9080');
 *   const client = new DgraphClient(stub);
 *   await client.alter(new Operation({ schema: 'name: string @index(exact) .' }));
 */
import { isAbortedError, isJwtExpired, isRetriableError } from './errors.js';

export {
  ApiKey,
  AuthenticationError,
  BearerToken,
  CancelledError,
  ConnectionError,
  DbwireError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';
export * as grpc from '@grpc/grpc-js';
export {
  DgraphClient,
  type Namespace,
  type RunDqlOptions,
  TXN_RETRY_POLICY,
  type WithTxnOptions,
  type WithTxnPolicy,
} from './client.js';
export {
  AbortedError,
  DgraphServerError,
  type GrpcDetails,
  GrpcStatus,
  isAbortedError,
  isJwtExpired,
  isRetriableError,
  JwtExpiredError,
  ReadOnlyError,
  RetriableError,
  TransactionError,
  TxnFinishedError,
  UnavailableError,
} from './errors.js';
export type { Long } from './generated/api.js';
export { api } from './methods.js';
export { type ConnectionString, type OpenOptions, open, parseConnectionString } from './open.js';
export { type Latency, Response } from './response.js';
export { callCredentialsFrom, DgraphClientStub, type DgraphClientStubOptions } from './stub.js';
export {
  type CreateMutationOptions,
  type CreateRequestOptions,
  type MutateOptions,
  type QueryOptions,
  Txn,
  type TxnOptions,
  type Variables,
} from './txn.js';
export {
  type Bytes,
  type DgraphCallOptions,
  DROP_OPS,
  type DropOpName,
  type MetadataInit,
  Mutation,
  type MutationInit,
  Operation,
  type OperationInit,
  Request,
  type RespFormat,
  type TxnContext,
} from './types.js';

/** pydgraph's `util` module: `util.isJwtExpired(err)` and friends. */
export const util = Object.freeze({
  /** pydgraph's `util.is_jwt_expired`. */
  isJwtExpired,
  /** pydgraph's `util.is_aborted_error`. */
  isAbortedError,
  /** pydgraph's `util.is_retriable_error`. */
  isRetriableError,
  /** True for errors caused by connection trouble (unreachable alpha, broken channel). */
  isConnectionError: (err: unknown): boolean =>
    err instanceof Error &&
    'kind' in err &&
    ((err as { kind: string }).kind === 'connection' || (err as { kind: string }).kind === 'timeout'),
});
