/**
 * `client.query` (seed: `weaviate.gql.Query`): the GraphQL builders `get` and `aggregate`, and `raw`.
 * A builder collects arguments (each checked at once, before any request), `build()` renders the
 * query text (pure, unit-tested), and `do()` posts it to `/v1/graphql` through the funnel. An answer
 * with `errors` rejects with `WeaviateQueryError` carrying the server's messages.
 */
import type { CallOptions } from '@dbwire/core';
import { UsageError } from '@dbwire/core';
import type { Connection, GrpcOperation, Operation } from './connection.js';
import type { ConsistencyLevel } from './data.js';
import { type GraphQLErrorEntry, serverMessages, WeaviateQueryError } from './errors.js';
import type { weaviate } from './generated/weaviate.js';
import {
  additionalFields,
  checkCount,
  gqlValue,
  type NearObjectContent,
  type NearTextContent,
  type NearVectorContent,
  normalizeNearObject,
  normalizeNearText,
  normalizeNearVector,
  normalizeSort,
  normalizeWhere,
  type SortClause,
  type WhereFilter,
} from './graphql.js';
import { capitalizeClassName } from './schema.js';
import { fromSearchReply, type GetSpec, toSearchRequest } from './search.js';
import { getValidUuid } from './util.js';

/** The answer of a GraphQL query. */
export interface GraphQLResponse<D = any> {
  /** The `data` object. */
  data: D;
}

/** The answer of `query.get<T>(className, ...)`: `data.Get[className]` is a list of T. */
export type GetResponse<T> = GraphQLResponse<{
  Get: Record<string, Array<T & { _additional?: Record<string, any> }>>;
}>;

/** POST /v1/graphql; `errors` in the answer reject with WeaviateQueryError. */
export function graphqlOp<D>(query: string, name: string): Operation<GraphQLResponse<D>> {
  return {
    name,
    method: 'POST',
    path: '/v1/graphql',
    body: { query },
    // Weaviate's GraphQL has no mutations: a query can always be repeated.
    idempotent: true,
    what: 'GraphQL query',
    // Weaviate answers some invalid queries with 422 (and an `errors` or `error` array): still a query error.
    refine: (status, b) => {
      const errors = (b as { errors?: GraphQLErrorEntry[] } | undefined)?.errors;
      if (Array.isArray(errors) && errors.length)
        return new WeaviateQueryError(errors, (b as { data?: unknown }).data);
      if (status === 422) {
        const messages = serverMessages(b);
        if (messages.length)
          return new WeaviateQueryError(
            messages.map((message) => ({ message })),
            null,
          );
      }
      return undefined;
    },
    decode: (b) => {
      const errors = (b as { errors?: GraphQLErrorEntry[] } | undefined)?.errors;
      if (Array.isArray(errors) && errors.length)
        throw new WeaviateQueryError(errors, (b as { data?: unknown }).data);
      if (typeof b !== 'object' || b === null || !('data' in b)) {
        throw new WeaviateQueryError([{ message: `the answer has no data: ${JSON.stringify(b)}` }], null);
      }
      return b as GraphQLResponse<D>;
    },
  };
}

/** A Get query as a gRPC Search; the reply is turned into GraphQL's answer. */
function searchOp(
  request: weaviate.v1.ISearchRequest,
  spec: GetSpec,
): GrpcOperation<GraphQLResponse<{ Get: Record<string, Array<Record<string, unknown>>> }>> {
  return {
    name: 'query.get',
    rpc: 'Search',
    encode: (pb) => pb.SearchRequest.encode(request).finish(),
    decode: (reply, pb) => fromSearchReply(pb.SearchReply.decode(reply), spec),
    what: 'GraphQL query',
    serverError: (message) => new WeaviateQueryError([{ message }], null),
  };
}

function usage(message: string): UsageError {
  return new UsageError(message, { code: 'ERR_INVALID_QUERY' });
}

function propertiesList(properties: string | string[] | undefined | null): string[] {
  if (properties === undefined || properties === null) return [];
  const list = typeof properties === 'string' ? [properties] : properties;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p.trim() !== '')) {
    throw usage('properties must be a property name or an array of names');
  }
  return list;
}

/** Arguments shared by `get` and `aggregate`. */
abstract class Builder {
  protected readonly conn: Connection;
  protected readonly className: string;
  /** Rendered arguments in the order they were given, keyed so a repeated call replaces. */
  protected readonly args = new Map<string, string>();
  /** The same arguments as checked values (what a gRPC request is built from). */
  protected readonly values = new Map<string, unknown>();

  /** @internal Builders come from `client.query.get()` / `client.query.aggregate()`. */
  constructor(conn: Connection, className: string) {
    if (typeof className !== 'string' || className === '')
      throw usage('className must be a non-empty string');
    this.conn = conn;
    this.className = capitalizeClassName(className);
  }

  protected set(key: string, value: unknown): this {
    this.args.set(key, gqlValue(value, key));
    this.values.set(key, value);
    return this;
  }

  /** A where filter (seed: `with_where(content)`). */
  withWhere(content: WhereFilter): this {
    return this.set('where', normalizeWhere(content));
  }

  /** Vector search by text (seed: `with_near_text(content)`); needs a vectorizer on the class. */
  withNearText(content: NearTextContent): this {
    this.oneSearch('nearText');
    return this.set('nearText', normalizeNearText(content));
  }

  /** Vector search by vector (seed: `with_near_vector(content)`). */
  withNearVector(content: NearVectorContent): this {
    this.oneSearch('nearVector');
    return this.set('nearVector', normalizeNearVector(content));
  }

  /** Vector search by another object (seed: `with_near_object(content)`). */
  withNearObject(content: NearObjectContent): this {
    this.oneSearch('nearObject');
    const c = normalizeNearObject(content);
    if (typeof c.id === 'string') c.id = getValidUuid(c.id);
    return this.set('nearObject', c);
  }

  /** Tenant of a multi-tenant class (seed: `with_tenant(tenant)`). */
  withTenant(tenant: string): this {
    if (typeof tenant !== 'string' || tenant === '') throw usage('tenant must be a non-empty string');
    return this.set('tenant', tenant);
  }

  /** Maximum results (seed: `with_limit(limit)`). */
  withLimit(limit: number): this {
    return this.set('limit', checkCount(limit, 'limit', 1));
  }

  /** Only one search operator per query: mixing them is a UsageError. */
  protected oneSearch(kind: string): void {
    for (const other of ['nearText', 'nearVector', 'nearObject', 'bm25', 'hybrid']) {
      if (other !== kind && this.args.has(other))
        throw usage(`${kind} cannot be combined with ${other} in one query`);
    }
  }

  protected argsText(): string {
    if (this.args.size === 0) return '';
    return `(${[...this.args].map(([k, v]) => `${k}: ${v}`).join(' ')})`;
  }

  /** The query text. */
  abstract build(): string;
}

/** `client.query.get(className, properties)` (seed: `weaviate.gql.get.GetBuilder`). */
export class GetBuilder<T = Record<string, unknown>> extends Builder {
  readonly #properties: string[];
  readonly #additional: string[] = [];

  /** @internal */
  constructor(conn: Connection, className: string, properties?: string | string[] | null) {
    super(conn, className);
    this.#properties = propertiesList(properties);
  }

  /** Keyword search (seed: `with_bm25(query, properties=None)`). */
  withBm25(query: string, properties?: string[]): this {
    if (typeof query !== 'string') throw usage('bm25 query must be a string');
    this.oneSearch('bm25');
    return this.set(
      'bm25',
      properties === undefined ? { query } : { query, properties: propertiesList(properties) },
    );
  }

  /**
   * Hybrid keyword + vector search (seed: `with_hybrid(query, alpha=None, vector=None, properties=None, fusion_type=None)`).
   */
  withHybrid(
    query: string,
    options: {
      alpha?: number;
      vector?: number[];
      properties?: string[];
      fusionType?: 'rankedFusion' | 'relativeScoreFusion';
    } = {},
  ): this {
    if (typeof query !== 'string') throw usage('hybrid query must be a string');
    if (
      options.alpha !== undefined &&
      (typeof options.alpha !== 'number' || options.alpha < 0 || options.alpha > 1)
    ) {
      throw usage('hybrid alpha must be within 0..1');
    }
    this.oneSearch('hybrid');
    return this.set('hybrid', {
      query,
      alpha: options.alpha,
      vector: options.vector,
      properties: options.properties === undefined ? undefined : propertiesList(options.properties),
      fusionType: options.fusionType,
    });
  }

  /** Skips results (seed: `with_offset(offset)`). */
  withOffset(offset: number): this {
    return this.set('offset', checkCount(offset, 'offset'));
  }

  /** Cursor: results after this object id (seed: `with_after(after_uuid)`). */
  withAfter(afterUuid: string): this {
    return this.set('after', getValidUuid(afterUuid));
  }

  /** Sort order (seed: `with_sort(content)`). */
  withSort(content: SortClause | SortClause[]): this {
    return this.set('sort', normalizeSort(content));
  }

  /**
   * Replication consistency of the read. Weaviate's GraphQL offers this argument only when some class
   * is replicated (replication factor > 1), so on a single node the GraphQL query fails with the
   * server's "Unknown argument" message; over gRPC (`grpcPort`) it works on every server.
   */
  withConsistencyLevel(level: ConsistencyLevel): this {
    if (level !== 'ONE' && level !== 'QUORUM' && level !== 'ALL')
      throw usage('consistency level must be ONE, QUORUM or ALL');
    this.args.set('consistencyLevel', level);
    this.values.set('consistencyLevel', level);
    return this;
  }

  /**
   * Groups results (seed: `with_group_by(properties, groups, objects_per_group)`); read the groups from
   * `_additional { group { ... } }`.
   */
  withGroupBy(properties: string[], groups: number, objectsPerGroup: number): this {
    return this.set('groupBy', {
      path: propertiesList(properties),
      groups: checkCount(groups, 'groups', 1),
      objectsPerGroup: checkCount(objectsPerGroup, 'objectsPerGroup', 1),
    });
  }

  /** `_additional` fields: `'id'`, `['id', 'distance']` or `{ featureProjection: ['vector'] }` (seed: `with_additional(properties)`). */
  withAdditional(properties: string | string[] | Record<string, string | string[]>): this {
    for (const f of additionalFields(properties)) if (!this.#additional.includes(f)) this.#additional.push(f);
    return this;
  }

  /** The query text (seed: `build()`). */
  build(): string {
    const fields = [...this.#properties];
    if (this.#additional.length) fields.push(`_additional{${this.#additional.join(' ')}}`);
    if (fields.length === 0) throw usage('get needs properties or withAdditional fields');
    return `{Get{${this.className}${this.argsText()}{${fields.join(' ')}}}}`;
  }

  /**
   * Runs the query (seed: `do()`). With a `grpcPort` on the client, a query gRPC can express exactly
   * goes as a gRPC Search; the answer is the same either way.
   */
  do(options?: CallOptions): Promise<GetResponse<T>> {
    let text: string;
    try {
      text = this.build();
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.conn.grpc) {
      const spec: GetSpec = {
        className: this.className,
        properties: this.#properties,
        additional: this.#additional,
        args: this.values,
      };
      const request = toSearchRequest(spec);
      if (request) return this.conn.runGrpc(searchOp(request, spec), options) as Promise<GetResponse<T>>;
    }
    return this.conn.run(graphqlOp(text, 'query.get'), options) as Promise<GetResponse<T>>;
  }
}

/** `client.query.aggregate(className)` (seed: `weaviate.gql.aggregate.AggregateBuilder`). */
export class AggregateBuilder extends Builder {
  readonly #fields: string[] = [];

  /** Fields to aggregate, e.g. `'wordCount { mean maximum }'` (seed: `with_fields(field)`). */
  withFields(field: string): this {
    if (typeof field !== 'string' || field.trim() === '')
      throw usage('withFields takes the fields as GraphQL text');
    this.#fields.push(field.trim());
    return this;
  }

  /** Adds `meta { count }` (seed: `with_meta_count()`). */
  withMetaCount(): this {
    if (!this.#fields.includes('meta{count}')) this.#fields.push('meta{count}');
    return this;
  }

  /** Groups by properties and adds `groupedBy { path value }` (seed: `with_group_by_filter(properties)`). */
  withGroupByFilter(properties: string | string[]): this {
    this.set('groupBy', propertiesList(properties));
    if (!this.#fields.includes('groupedBy{path value}')) this.#fields.push('groupedBy{path value}');
    return this;
  }

  /** Same as {@link withGroupByFilter}. */
  withGroupBy(properties: string | string[]): this {
    return this.withGroupByFilter(properties);
  }

  /** With a vector search: how many objects to aggregate over (seed: `with_object_limit(limit)`). */
  withObjectLimit(limit: number): this {
    return this.set('objectLimit', checkCount(limit, 'objectLimit', 1));
  }

  /** The query text (seed: `build()`). */
  build(): string {
    if (this.#fields.length === 0) throw usage('aggregate needs withFields or withMetaCount');
    return `{Aggregate{${this.className}${this.argsText()}{${this.#fields.join(' ')}}}}`;
  }

  /** Runs the query (seed: `do()`). */
  do(
    options?: CallOptions,
  ): Promise<GraphQLResponse<{ Aggregate: Record<string, Array<Record<string, any>>> }>> {
    let text: string;
    try {
      text = this.build();
    } catch (err) {
      return Promise.reject(err);
    }
    return this.conn.run(graphqlOp(text, 'query.aggregate'), options);
  }
}

/** `client.query` (seed: `weaviate.gql.Query`). */
export class Query {
  readonly #conn: Connection;
  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** A Get query on a class (seed: `query.get(class_name, properties)`). */
  get<T = Record<string, unknown>>(className: string, properties?: string | string[] | null): GetBuilder<T> {
    return new GetBuilder<T>(this.#conn, className, properties);
  }

  /** An Aggregate query on a class (seed: `query.aggregate(class_name)`). */
  aggregate(className: string): AggregateBuilder {
    return new AggregateBuilder(this.#conn, className);
  }

  /** Runs GraphQL text as is (seed: `query.raw(gql_query)`). */
  raw<D = any>(gqlQuery: string, options?: CallOptions): Promise<GraphQLResponse<D>> {
    if (typeof gqlQuery !== 'string' || gqlQuery.trim() === '') {
      return Promise.reject(usage('raw takes the GraphQL query text'));
    }
    return this.#conn.run(graphqlOp<D>(gqlQuery, 'query.raw'), options);
  }
}
