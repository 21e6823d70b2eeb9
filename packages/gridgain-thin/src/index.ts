/**
 * @dbwire/gridgain-thin — the GridGain 8 / Apache Ignite 2.x thin-client protocol over node:net and
 * node:tls, with pygridgain's API in TypeScript.
 */

export {
  CancelledError,
  ConnectionError,
  DbwireError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';
export * from './binary/index.js';
export {
  Cache,
  type KeyOptions,
  type KeyValueOptions,
  PeekModes,
  type ScanOptions,
  type SelectRowOptions,
  type ValueOptions,
} from './cache.js';
export * from './cache-config.js';
export {
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  Client,
  type ClientOptions,
  type Node,
} from './client.js';
export { Cluster, type ClusterHost, ClusterState } from './cluster.js';
export {
  Connection,
  type ConnectionOptions,
  type RequestOptions,
  type RequestWriter,
  type ResponseReader,
} from './connection.js';
export { Cursor, CursorPromise, dict, ScanCursor, SqlFieldsCursor } from './cursor.js';
export {
  AuthenticationError,
  BinaryTypeError,
  CacheCreationError,
  CacheDoesNotExistError,
  CacheError,
  FunctionalityDisabledError,
  HandshakeError,
  NotSupportedByClusterError,
  ParameterError,
  ParseError,
  ReconnectError,
  SecurityViolationError,
  SocketError,
  SQLError,
  Status,
  statusError,
  TransactionConflictError,
  TransactionError,
} from './errors.js';
export type { OpContext, Operation, OpKey } from './ops/operation.js';
export { StatementType } from './ops/query-ops.js';
export {
  Feature,
  Op,
  type ProtocolVersion,
  SUPPORTED_VERSIONS,
  VERSION_FEATURES,
  versionString,
} from './protocol/constants.js';
export { FrameDecoder } from './protocol/frames.js';
export type { CacheRef, SqlOptions } from './sql.js';
export {
  Transaction,
  TransactionConcurrency,
  type TransactionDefaults,
  TransactionIsolation,
  type TxStartOptions,
} from './transaction.js';
