// arango-admin: the administration APIs (users, tasks, views, analyzers, WAL, Foxx, Pregel, ...).
export * from './admin/index.js';
export {
  ApiGroup,
  AQL,
  AQLPlanCache,
  AQLQueryCache,
  cursorBody,
  type ExecuteOptions,
  type TrackingProperties,
} from './aql.js';
export { ArangoClient, type ArangoClientOptions, type DbOptions, parseHostList } from './client.js';
export {
  Collection,
  type CollectionProperties,
  type DeleteOptions,
  type Document,
  type DocumentMetadata,
  type Filters,
  type IndexInfo,
  type InsertOptions,
  type ReadOptions,
  type ReplaceOptions,
  StandardCollection,
  type UpdateOptions,
} from './collection.js';
export {
  type ArangoRequest,
  type ArangoResponse,
  type AuthOptions,
  Connection,
  type ConnectionOptions,
  type Decode,
  type ExecutionContext,
  type Executor,
  type HttpMethod,
  type QueryValue,
} from './connection.js';
export { Cursor, type CursorStatistics } from './cursor.js';
export {
  type AsyncDatabase,
  type BatchDatabase,
  type CreateCollectionOptions,
  type DatabaseUser,
  StandardDatabase,
  TransactionDatabase,
  type TransactionOptions,
} from './database.js';
export { type ErrnoName, errno, errnoMessages } from './errno.js';
export * from './errors.js';
// arango-exec: async and batch execution.
export {
  AsyncJob,
  BatchJob,
  type BatchMode,
  type BatchOptions,
  type Deferred,
  decodeBatch,
  encodeBatch,
  type JobOf,
} from './execution.js';
export {
  EdgeCollection,
  type EdgeDefinition,
  Graph,
  type GraphProperties,
  type TraverseOptions,
  VertexCollection,
} from './graph.js';
export type { DocumentSelector } from './handles.js';
