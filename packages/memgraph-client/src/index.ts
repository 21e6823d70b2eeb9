/**
 * @dbwire/memgraph-client: the seed's Memgraph guide (the Python Neo4j driver v5 against Memgraph) as a
 * TypeScript client on neo4j-driver-lite. Start with `GraphDatabase.driver(uri, { auth })`.
 */
export {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  DbwireError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';
export {
  Date,
  DateTime,
  Duration,
  LocalDateTime,
  LocalTime,
  type Notification,
  PathSegment,
  Point,
  Record,
  type ServerInfo,
  Time,
} from 'neo4j-driver-lite';
export {
  type Auth,
  type AuthToken,
  basicAuth,
  type SsoAuthOptions,
  type SsoScheme,
  ssoAuth,
} from './auth.js';
export {
  type ConcurrentOptions,
  type ConcurrentResult,
  ConcurrentWorkError,
  type ConflictRetryOptions,
  retryOnConflict,
  runConcurrentTransactions,
} from './concurrency.js';
export {
  type AdminOptions,
  Driver,
  type DriverConfig,
  GraphDatabase,
  type QueryConfig,
  RoutingControl,
} from './driver.js';
export {
  AuthError,
  BoltProtocolError,
  ClientError,
  ConfigurationError,
  ConstraintError,
  CypherSyntaxError,
  DatabaseError,
  DriverError,
  IncompleteCommit,
  isConflictError,
  isRetryableError,
  Neo4jError,
  ResultConsumedError,
  type ServerErrorDetails,
  ServiceUnavailable,
  SessionError,
  SessionExpired,
  TransactionError,
  TransientError,
} from './errors.js';
export type { CallOptions } from './funnel.js';
export { Result } from './result.js';
export {
  type AccessMode,
  ManagedTransaction,
  READ_ACCESS,
  type RunOptions,
  Session,
  type SessionConfig,
  Transaction,
  type TransactionConfig,
  type TransactionFunction,
  type UnitOfWorkDecorator,
  unitOfWork,
  WRITE_ACCESS,
} from './session.js';
export { parseStorageInfo, type StorageInfo, type StorageInfoOptions } from './storage.js';
export type { EagerResult, QueryType, ResultSummary, SummaryCounters } from './summary.js';
export { Node, Path, type Properties, Relationship, toPlain } from './values.js';
