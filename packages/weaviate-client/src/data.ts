/**
 * `client.dataObject` and `client.dataObject.reference` (seed: `weaviate.data.DataObject` and
 * `weaviate.data.references.Reference`): single objects over `/v1/objects`. Pure `*Op` definitions
 * next to the methods that validate their arguments and run them through the funnel.
 */
import { randomUUID } from 'node:crypto';
import { type CallOptions, UsageError } from '@dbwire/core';
import { type Connection, call, type Operation } from './connection.js';
import { ObjectAlreadyExistsException } from './errors.js';
import { capitalizeClassName } from './schema.js';
import { getValidUuid } from './util.js';

/** How many replicas must acknowledge (seed: `weaviate.data.replication.ConsistencyLevel`). */
export const ConsistencyLevel = {
  /** One replica. */
  ONE: 'ONE',
  /** A majority of replicas. */
  QUORUM: 'QUORUM',
  /** Every replica. */
  ALL: 'ALL',
} as const;
/** One of the {@link ConsistencyLevel} values. */
export type ConsistencyLevel = (typeof ConsistencyLevel)[keyof typeof ConsistencyLevel];

/** An object as Weaviate returns it. */
export interface WeaviateObject<P = Record<string, unknown>> {
  /** Class name. */
  class: string;
  /** Object id. */
  id: string;
  /** Property values. */
  properties: P;
  /** The vector, when asked for (`withVector`). */
  vector?: number[];
  /** Tenant of a multi-tenant class. */
  tenant?: string;
  /** Creation time, ms since epoch. */
  creationTimeUnix?: number;
  /** Last update time, ms since epoch. */
  lastUpdateTimeUnix?: number;
  /** `_additional` fields asked for. */
  additional?: Record<string, unknown>;
  /** Anything else the server sends. */
  [key: string]: unknown;
}

/** Per-call options of the write methods. */
export interface WriteOptions extends CallOptions {
  /** Object id; generated (random UUID) when omitted. */
  uuid?: string;
  /** The object's vector (classes without a vectorizer). */
  vector?: number[];
  /** Replication consistency. */
  consistencyLevel?: ConsistencyLevel;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** Options of `get` / `getById`. */
export interface GetOptions extends CallOptions {
  /** `_additional` fields to include, e.g. `classification`, `featureProjection`. */
  additionalProperties?: string[];
  /** Include the vector. */
  withVector?: boolean;
  /** Class of the object (faster, and required when ids repeat across classes). */
  className?: string;
  /** Read from this node. */
  nodeName?: string;
  /** Replication consistency. */
  consistencyLevel?: ConsistencyLevel;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** Options of the listing form of `get` (no uuid). */
export interface ListOptions extends GetOptions {
  /** Maximum objects returned. */
  limit?: number;
  /** Cursor: objects after this id. */
  after?: string;
  /** Skip this many objects. */
  offset?: number;
  /** Sort by these properties, e.g. `{ path: ['name'], order: 'asc' }`. */
  sort?: { path: string[]; order?: 'asc' | 'desc' } | Array<{ path: string[]; order?: 'asc' | 'desc' }>;
}

/** Options of methods addressing one object by id. */
export interface ObjectOptions extends CallOptions {
  /** Class of the object. */
  className?: string;
  /** Replication consistency. */
  consistencyLevel?: ConsistencyLevel;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** The answer of `validate` (seed: `{'error': ..., 'valid': bool}`). */
export interface ValidationResult {
  /** Server messages when invalid, else null. */
  error: Array<{ message: string }> | null;
  /** True when the object would be accepted. */
  valid: boolean;
}

function invalid(message: string): UsageError {
  return new UsageError(message, { code: 'ERR_INVALID_ARGUMENT' });
}

/**
 * Query parameters; `consistency_level` is checked first, so a level the server does not know is the
 * caller's UsageError before any request (the server would answer 400).
 */
function query(params: Record<string, string | number | undefined>): string {
  const level = params.consistency_level;
  if (level !== undefined && level !== 'ONE' && level !== 'QUORUM' && level !== 'ALL') {
    throw invalid(`consistencyLevel must be ONE, QUORUM or ALL, got ${JSON.stringify(level)}`);
  }
  let out = '';
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out += `${out ? '&' : '?'}${k}=${encodeURIComponent(String(v))}`;
  }
  return out;
}

function objectPath(uuid: string, className: string | undefined): string {
  const id = getValidUuid(uuid);
  return className
    ? `/v1/objects/${encodeURIComponent(capitalizeClassName(className))}/${id}`
    : `/v1/objects/${id}`;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${what} must be a plain object of property values`);
  }
  return value as Record<string, unknown>;
}

function checkVector(vector: unknown): number[] | undefined {
  if (vector === undefined || vector === null) return undefined;
  if (!Array.isArray(vector) && !ArrayBuffer.isView(vector))
    throw invalid('vector must be an array of numbers');
  const out = Array.from(vector as ArrayLike<number>);
  if (!out.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw invalid('vector must contain only finite numbers');
  return out;
}

/** The REST body of one object. */
export function objectBody(
  dataObject: unknown,
  className: string,
  uuid: string | undefined,
  vector: unknown,
  tenant: string | undefined,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    class: capitalizeClassName(className),
    properties: requireObject(dataObject, 'dataObject'),
  };
  if (uuid !== undefined) body.id = getValidUuid(uuid);
  const v = checkVector(vector);
  if (v) body.vector = v;
  if (tenant !== undefined) body.tenant = tenant;
  return body;
}

/** POST /v1/objects; resolves with the id. 422 "already exists" becomes ObjectAlreadyExistsException. */
export function createObjectOp(body: Record<string, unknown>, consistencyLevel?: string): Operation<string> {
  return {
    name: 'dataObject.create',
    method: 'POST',
    path: `/v1/objects${query({ consistency_level: consistencyLevel })}`,
    body,
    what: 'Creating object',
    decode: (b) => b.id as string,
    refine: (status, b) =>
      status === 422 && /already exists/i.test(JSON.stringify(b))
        ? new ObjectAlreadyExistsException('Creating object', status, b)
        : undefined,
  };
}

/** GET /v1/objects/{class}/{id}; null on 404. */
export function getObjectOp(uuid: string, options: GetOptions = {}): Operation<WeaviateObject | null> {
  const include = [...(options.additionalProperties ?? [])];
  if (options.withVector) include.push('vector');
  return {
    name: 'dataObject.get',
    method: 'GET',
    path:
      objectPath(uuid, options.className) +
      query({
        include: include.length ? include.join(',') : undefined,
        consistency_level: options.consistencyLevel,
        node_name: options.nodeName,
        tenant: options.tenant,
      }),
    ok: [200, 404],
    what: 'Get object',
    decode: (b, status) => (status === 404 ? null : (b as WeaviateObject)),
  };
}

/** GET /v1/objects?class=...: a page of objects. */
export function listObjectsOp(
  options: ListOptions = {},
): Operation<{ objects: WeaviateObject[]; totalResults?: number; deprecations?: unknown } | null> {
  const include = [...(options.additionalProperties ?? [])];
  if (options.withVector) include.push('vector');
  const sorts = options.sort === undefined ? [] : Array.isArray(options.sort) ? options.sort : [options.sort];
  return {
    name: 'dataObject.get',
    method: 'GET',
    path:
      '/v1/objects' +
      query({
        class: options.className === undefined ? undefined : capitalizeClassName(options.className),
        include: include.length ? include.join(',') : undefined,
        limit: options.limit,
        after: options.after,
        offset: options.offset,
        sort: sorts.length ? sorts.map((s) => s.path.join('.')).join(',') : undefined,
        order: sorts.length ? sorts.map((s) => s.order ?? 'asc').join(',') : undefined,
        consistency_level: options.consistencyLevel,
        node_name: options.nodeName,
        tenant: options.tenant,
      }),
    ok: [200, 404],
    what: 'Get objects',
    decode: (b, status) => (status === 404 ? null : b),
  };
}

/** HEAD /v1/objects/{class}/{id}: 204 exists, 404 not. */
export function existsOp(uuid: string, options: ObjectOptions = {}): Operation<boolean> {
  return {
    name: 'dataObject.exists',
    method: 'HEAD',
    path:
      objectPath(uuid, options.className) +
      query({ consistency_level: options.consistencyLevel, tenant: options.tenant }),
    ok: [204, 200, 404],
    what: 'Object exists',
    decode: (_b, status) => status !== 404,
  };
}

/** PATCH (merge) or PUT (replace) /v1/objects/{class}/{id}. */
export function writeObjectOp(
  kind: 'update' | 'replace',
  body: Record<string, unknown>,
  uuid: string,
  consistencyLevel?: string,
): Operation<void> {
  return {
    name: `dataObject.${kind}`,
    method: kind === 'update' ? 'PATCH' : 'PUT',
    path: objectPath(uuid, body.class as string) + query({ consistency_level: consistencyLevel }),
    body: { ...body, id: getValidUuid(uuid) },
    ok: [200, 204],
    what: kind === 'update' ? 'Update object' : 'Replace object',
    decode: () => undefined,
  };
}

/** DELETE /v1/objects/{class}/{id}. */
export function deleteObjectOp(uuid: string, options: ObjectOptions = {}): Operation<void> {
  return {
    name: 'dataObject.delete',
    method: 'DELETE',
    path:
      objectPath(uuid, options.className) +
      query({ consistency_level: options.consistencyLevel, tenant: options.tenant }),
    ok: [204, 200],
    what: 'Delete object',
    decode: () => undefined,
  };
}

/** POST /v1/objects/validate: 200 valid, 422 invalid (with the server's messages). */
export function validateOp(body: Record<string, unknown>): Operation<ValidationResult> {
  return {
    name: 'dataObject.validate',
    method: 'POST',
    path: '/v1/objects/validate',
    body: { ...body, id: body.id ?? randomUUID() },
    idempotent: true,
    ok: [200, 422],
    what: 'Validate object',
    decode: (b, status) =>
      status === 200 ? { error: null, valid: true } : { error: b?.error ?? [], valid: false },
  };
}

/** `weaviate://localhost/{Class}/{id}` (the class part omitted when unknown). */
export function beacon(uuid: string, className?: string): string {
  const id = getValidUuid(uuid);
  return className
    ? `weaviate://localhost/${capitalizeClassName(className)}/${id}`
    : `weaviate://localhost/${id}`;
}

/** Options of the reference methods. */
export interface ReferenceOptions extends CallOptions {
  /** Class of the source object. */
  fromClassName?: string;
  /** Class of the target object. */
  toClassName?: string;
  /** Replication consistency. */
  consistencyLevel?: ConsistencyLevel;
  /** Tenant of a multi-tenant class. */
  tenant?: string;
}

/** POST / PUT / DELETE /v1/objects/{class}/{id}/references/{property}. */
export function referenceOp(
  kind: 'add' | 'update' | 'delete',
  fromUuid: string,
  fromPropertyName: string,
  body: unknown,
  options: ReferenceOptions,
): Operation<void> {
  if (typeof fromPropertyName !== 'string' || fromPropertyName === '')
    throw invalid('fromPropertyName must be a non-empty string');
  return {
    name: `dataObject.reference.${kind}`,
    method: kind === 'add' ? 'POST' : kind === 'update' ? 'PUT' : 'DELETE',
    path:
      `${objectPath(fromUuid, options.fromClassName)}/references/${encodeURIComponent(fromPropertyName)}` +
      query({ consistency_level: options.consistencyLevel, tenant: options.tenant }),
    body,
    ok: [200, 204],
    what: `Reference ${kind}`,
    decode: () => undefined,
  };
}

/** `client.dataObject.reference` (seed: `weaviate.data.references.Reference`). */
export class Reference {
  readonly #conn: Connection;
  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Adds a reference (seed: `reference.add(from_uuid, from_property_name, to_uuid, ...)`). */
  add(
    fromUuid: string,
    fromPropertyName: string,
    toUuid: string,
    options: ReferenceOptions = {},
  ): Promise<void> {
    return call(
      () =>
        referenceOp(
          'add',
          fromUuid,
          fromPropertyName,
          { beacon: beacon(toUuid, options.toClassName) },
          options,
        ),
      this.#conn,
      options,
    );
  }

  /**
   * Replaces every reference of the property (seed: `reference.update(from_uuid, from_property_name, to_uuids, ...)`);
   * `toClassNames` gives the class of each target (one name for all, or one per uuid).
   */
  update(
    fromUuid: string,
    fromPropertyName: string,
    toUuids: string | string[],
    options: Omit<ReferenceOptions, 'toClassName'> & { toClassNames?: string | string[] } = {},
  ): Promise<void> {
    return call(
      () => {
        const ids = Array.isArray(toUuids) ? toUuids : [toUuids];
        const classes = options.toClassNames;
        if (Array.isArray(classes) && classes.length !== ids.length) {
          throw invalid('toClassNames must have one class per uuid');
        }
        const body = ids.map((id, i) => ({
          beacon: beacon(id, Array.isArray(classes) ? classes[i] : classes),
        }));
        return referenceOp('update', fromUuid, fromPropertyName, body, options);
      },
      this.#conn,
      options,
    );
  }

  /** Removes one reference (seed: `reference.delete(from_uuid, from_property_name, to_uuid, ...)`). */
  delete(
    fromUuid: string,
    fromPropertyName: string,
    toUuid: string,
    options: ReferenceOptions = {},
  ): Promise<void> {
    return call(
      () =>
        referenceOp(
          'delete',
          fromUuid,
          fromPropertyName,
          { beacon: beacon(toUuid, options.toClassName) },
          options,
        ),
      this.#conn,
      options,
    );
  }
}

/** `client.dataObject` (seed: `client.data_object`). */
export class DataObject {
  /** Cross-references (seed: `client.data_object.reference`). */
  readonly reference: Reference;
  readonly #conn: Connection;

  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
    this.reference = new Reference(conn);
  }

  /** Creates an object and resolves with its id (seed: `data_object.create(data_object, class_name, uuid=None, vector=None, ...)`). */
  create(
    dataObject: Record<string, unknown>,
    className: string,
    options: WriteOptions = {},
  ): Promise<string> {
    return call(
      () =>
        createObjectOp(
          objectBody(dataObject, className, options.uuid, options.vector, options.tenant),
          options.consistencyLevel,
        ),
      this.#conn,
      options,
    );
  }

  /** One object by id, or null (seed: `data_object.get_by_id(uuid, ...)`). */
  getById<P = Record<string, unknown>>(
    uuid: string,
    options: GetOptions = {},
  ): Promise<WeaviateObject<P> | null> {
    return call(() => getObjectOp(uuid, options), this.#conn, options) as Promise<WeaviateObject<P> | null>;
  }

  /**
   * With a uuid: that object (null when absent). Without: a page of objects `{ objects, ... }`
   * (seed: `data_object.get(uuid=None, ...)`).
   */
  get<P = Record<string, unknown>>(
    uuid?: string | null,
    options: ListOptions = {},
  ): Promise<WeaviateObject<P> | { objects: WeaviateObject<P>[]; totalResults?: number } | null> {
    if (uuid !== undefined && uuid !== null) return this.getById<P>(uuid, options);
    return call(() => listObjectsOp(options), this.#conn, options) as Promise<{
      objects: WeaviateObject<P>[];
    } | null>;
  }

  /** Whether an object exists (seed: `data_object.exists(uuid, class_name=None, ...)`). */
  exists(uuid: string, options: ObjectOptions = {}): Promise<boolean> {
    return call(() => existsOp(uuid, options), this.#conn, options);
  }

  /** Merges properties into an object (PATCH; seed: `data_object.update(data_object, class_name, uuid, ...)`). */
  update(
    dataObject: Record<string, unknown>,
    className: string,
    uuid: string,
    options: Omit<WriteOptions, 'uuid'> = {},
  ): Promise<void> {
    return call(
      () =>
        writeObjectOp(
          'update',
          objectBody(dataObject, className, undefined, options.vector, options.tenant),
          uuid,
          options.consistencyLevel,
        ),
      this.#conn,
      options,
    );
  }

  /** Replaces an object (PUT; seed: `data_object.replace(data_object, class_name, uuid, ...)`). */
  replace(
    dataObject: Record<string, unknown>,
    className: string,
    uuid: string,
    options: Omit<WriteOptions, 'uuid'> = {},
  ): Promise<void> {
    return call(
      () =>
        writeObjectOp(
          'replace',
          objectBody(dataObject, className, undefined, options.vector, options.tenant),
          uuid,
          options.consistencyLevel,
        ),
      this.#conn,
      options,
    );
  }

  /** Deletes an object (seed: `data_object.delete(uuid, class_name=None, ...)`). */
  delete(uuid: string, options: ObjectOptions = {}): Promise<void> {
    return call(() => deleteObjectOp(uuid, options), this.#conn, options);
  }

  /** Asks the server whether an object would be valid (seed: `data_object.validate(data_object, class_name, uuid=None, vector=None)`). */
  validate(
    dataObject: Record<string, unknown>,
    className: string,
    options: CallOptions & { uuid?: string; vector?: number[] } = {},
  ): Promise<ValidationResult> {
    return call(
      () => validateOp(objectBody(dataObject, className, options.uuid, options.vector, undefined)),
      this.#conn,
      options,
    );
  }
}
