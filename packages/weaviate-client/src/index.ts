/**
 * @dbwire/weaviate-client: the Weaviate Python client v3 API in TypeScript, over REST and GraphQL
 * (undici). Start with {@link Client}.
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
  AuthApiKey,
  AuthBearerToken,
  AuthClientCredentials,
  AuthClientPassword,
  type AuthCredentials,
  type OpenidConfiguration,
} from './auth.js';
export { Backup, type BackupOptions, type BackupStatus } from './backup.js';
export {
  type AddDataObjectOptions,
  type AddReferenceOptions,
  Batch,
  type BatchCallback,
  type BatchConfigureOptions,
  type BatchFailure,
  BatchItemError,
  type BatchSettings,
  type BatchStats,
  type DeleteObjectsOptions,
  type QueuedObject,
  type QueuedReference,
} from './batch.js';
export { Client, type ClientOptions, type Meta } from './client.js';
export { Cluster, type NodeStatus } from './cluster.js';
export {
  ConsistencyLevel,
  DataObject,
  type GetOptions,
  type ListOptions,
  type ObjectOptions,
  Reference,
  type ReferenceOptions,
  type ValidationResult,
  type WeaviateObject,
  type WriteOptions,
} from './data.js';
export {
  AuthenticationFailedException,
  BackupFailedException,
  type GraphQLErrorEntry,
  ObjectAlreadyExistsException,
  SchemaValidationException,
  UnexpectedStatusCodeException,
  WeaviateGrpcError,
  WeaviateQueryError,
  WeaviateStartUpError,
} from './errors.js';
export type {
  Move,
  NearObjectContent,
  NearTextContent,
  NearVectorContent,
  SortClause,
  WhereFilter,
} from './graphql.js';
export { AggregateBuilder, GetBuilder, type GetResponse, type GraphQLResponse, Query } from './query.js';
export {
  type ClassDefinition,
  Property,
  type PropertyDefinition,
  Schema,
  type SchemaDefinition,
  type ShardInfo,
  type ShardStatus,
  Tenant,
  TenantActivityStatus,
} from './schema.js';
export { type BatchResultItem, checkBatchResult, generateUuid5, getValidUuid } from './util.js';
