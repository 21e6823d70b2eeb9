/**
 * `client.schema` (seed: `weaviate.schema.Schema`): classes, properties, shards and tenants. The
 * request definitions (`*Op` functions) are pure; the methods validate, then run them through the
 * funnel. `create(schema)` orders classes so that every cross-reference points at a class that
 * already exists, and adds the references of cycles (Author ↔ Book) once both classes exist.
 */
import type { CallOptions } from '@dbwire/core';
import { type Connection, call, type Operation } from './connection.js';
import { SchemaValidationException } from './errors.js';

/** One property of a class, as Weaviate's REST API shapes it. */
export interface PropertyDefinition {
  /** Property name (camelCase by convention). */
  name: string;
  /** One primitive type (`text`, `int`, `number[]` ...) or the names of the classes it references. */
  dataType: string[];
  /** Free text. */
  description?: string;
  /** Anything else Weaviate accepts: `tokenization`, `indexFilterable`, `moduleConfig`, `nestedProperties` ... */
  [key: string]: unknown;
}

/** One class (collection) definition. */
export interface ClassDefinition {
  /** Class name, starting with a capital letter. */
  class: string;
  /** Free text. */
  description?: string;
  /** The class's properties. */
  properties?: PropertyDefinition[];
  /** e.g. `none` or `text2vec-transformers`. */
  vectorizer?: string;
  /** Anything else: `vectorIndexConfig`, `invertedIndexConfig`, `multiTenancyConfig`, `moduleConfig` ... */
  [key: string]: unknown;
}

/** A full schema as `schema.get()` returns it and `schema.create()` takes it. */
export interface SchemaDefinition {
  /** Every class. */
  classes: ClassDefinition[];
  /** Anything else the server reports. */
  [key: string]: unknown;
}

/** Shard status values (seed: `update_class_shard(class_name, status)`). */
export type ShardStatus = 'READY' | 'READONLY' | (string & {});

/** One shard of a class. */
export interface ShardInfo {
  /** Shard name. */
  name: string;
  /** `READY` or `READONLY`. */
  status: ShardStatus;
  /** Objects in the shard, when the server reports it. */
  vectorQueueSize?: number;
}

/** Tenant activity states; `HOT`/`COLD` are the names of the Python client v3. */
export const TenantActivityStatus = {
  /** Loaded and queryable (Weaviate 1.21+: `ACTIVE`). */
  HOT: 'HOT',
  /** Unloaded (Weaviate 1.21+: `INACTIVE`). */
  COLD: 'COLD',
  /** Loaded and queryable. */
  ACTIVE: 'ACTIVE',
  /** Unloaded, kept on local disk. */
  INACTIVE: 'INACTIVE',
  /** Moved to cloud storage. */
  OFFLOADED: 'OFFLOADED',
} as const;
/** One of the {@link TenantActivityStatus} values. */
export type TenantActivityStatus = (typeof TenantActivityStatus)[keyof typeof TenantActivityStatus];

/** A tenant of a multi-tenant class (seed: `weaviate.Tenant(name, activity_status)`). */
export class Tenant {
  /** Tenant name. */
  readonly name: string;
  /** Its activity state; undefined leaves the server default (active). */
  readonly activityStatus: TenantActivityStatus | undefined;
  constructor(
    name: string | { name: string; activityStatus?: TenantActivityStatus },
    options: { activityStatus?: TenantActivityStatus } = {},
  ) {
    const n = typeof name === 'string' ? name : name?.name;
    if (typeof n !== 'string' || n === '')
      throw new SchemaValidationException('Tenant name must be a non-empty string');
    this.name = n;
    this.activityStatus = typeof name === 'string' ? options.activityStatus : name.activityStatus;
  }

  /** The REST shape `{name, activityStatus}`. */
  toJSON(): { name: string; activityStatus?: string } {
    return this.activityStatus === undefined
      ? { name: this.name }
      : { name: this.name, activityStatus: this.activityStatus };
  }
}

const CLASS_NAME = /^[A-Z][_0-9A-Za-z]*$/;

/** Capitalises the first letter, as Weaviate does with class names. */
export function capitalizeClassName(name: string): string {
  if (typeof name !== 'string' || name === '')
    throw new SchemaValidationException('class name must be a non-empty string');
  return name[0]!.toUpperCase() + name.slice(1);
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** True when a dataType entry names a class (a cross-reference) rather than a primitive type. */
export function isReferenceType(dataType: string): boolean {
  return /^[A-Z]/.test(dataType);
}

/** Checks a class definition before any request; throws SchemaValidationException. */
export function validateClass(def: unknown): asserts def is ClassDefinition {
  if (typeof def !== 'object' || def === null || Array.isArray(def)) {
    throw new SchemaValidationException('a class definition must be an object with a "class" name');
  }
  const c = def as ClassDefinition;
  if (typeof c.class !== 'string' || !CLASS_NAME.test(capitalizeClassName(c.class))) {
    throw new SchemaValidationException(
      `class name must match ${CLASS_NAME}, got ${JSON.stringify(c.class)}`,
    );
  }
  if (c.properties !== undefined) {
    if (!Array.isArray(c.properties))
      throw new SchemaValidationException(`class ${c.class}: "properties" must be an array`);
    for (const p of c.properties) validateProperty(p, c.class);
  }
}

/** Checks a property definition before any request; throws SchemaValidationException. */
export function validateProperty(def: unknown, className: string): asserts def is PropertyDefinition {
  const p = def as PropertyDefinition;
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || p.name === '') {
    throw new SchemaValidationException(`class ${className}: every property needs a "name"`);
  }
  if (
    !Array.isArray(p.dataType) ||
    p.dataType.length === 0 ||
    !p.dataType.every((t) => typeof t === 'string' && t)
  ) {
    throw new SchemaValidationException(
      `class ${className}, property ${p.name}: "dataType" must be a non-empty array of strings`,
    );
  }
}

/**
 * Plans `schema.create`: classes in an order where each class's references point at classes created
 * before it; references that cannot be satisfied that way (cycles, self-references, classes that
 * already exist on the server) are added as properties once every class exists.
 */
export function planSchemaCreation(
  classes: ClassDefinition[],
  existing: ReadonlySet<string> = new Set(),
): {
  classes: ClassDefinition[];
  laterProperties: Array<{ className: string; property: PropertyDefinition }>;
} {
  const byName = new Map<string, ClassDefinition>();
  for (const c of classes) {
    validateClass(c);
    const name = capitalizeClassName(c.class);
    if (byName.has(name)) throw new SchemaValidationException(`class ${name} appears twice in the schema`);
    byName.set(name, c);
  }
  const created = new Set<string>(existing);
  const order: ClassDefinition[] = [];
  const later: Array<{ className: string; property: PropertyDefinition }> = [];
  const refsOf = (c: ClassDefinition) =>
    new Set((c.properties ?? []).flatMap((p) => p.dataType.filter(isReferenceType).map(capitalizeClassName)));
  const pending = new Map(byName);
  while (pending.size > 0) {
    // Take every class whose references are all satisfied; when none is (a cycle), take the first.
    let progressed = false;
    for (const [name, c] of pending) {
      const refs = refsOf(c);
      if ([...refs].every((r) => created.has(r))) {
        order.push(c);
        created.add(name);
        pending.delete(name);
        progressed = true;
      }
    }
    if (!progressed) {
      const [name, c] = pending.entries().next().value as [string, ClassDefinition];
      const keep: PropertyDefinition[] = [];
      for (const p of c.properties ?? []) {
        if (p.dataType.some((t) => isReferenceType(t) && !created.has(capitalizeClassName(t))))
          later.push({ className: name, property: p });
        else keep.push(p);
      }
      order.push({ ...c, properties: keep });
      created.add(name);
      pending.delete(name);
    }
  }
  for (const { className } of later) {
    if (!byName.has(className)) throw new SchemaValidationException(`unknown class ${className}`);
  }
  for (const { property } of later) {
    for (const t of property.dataType) {
      if (isReferenceType(t) && !created.has(capitalizeClassName(t))) {
        throw new SchemaValidationException(
          `property ${property.name} references class ${t}, which is neither in the schema nor on the server`,
        );
      }
    }
  }
  return { classes: order, laterProperties: later };
}

// ---- operations (pure) ------------------------------------------------------------------------

/** GET /v1/schema or /v1/schema/{class}. */
export function getSchemaOp(className?: string): Operation<any> {
  return className === undefined
    ? { name: 'schema.get', method: 'GET', path: '/v1/schema', what: 'Get schema', decode: (b) => b }
    : {
        name: 'schema.get',
        method: 'GET',
        path: `/v1/schema/${enc(capitalizeClassName(className))}`,
        what: `Get class ${className}`,
        decode: (b) => b,
      };
}

/** POST /v1/schema. */
export function createClassOp(def: ClassDefinition): Operation<void> {
  return {
    name: 'schema.createClass',
    method: 'POST',
    path: '/v1/schema',
    body: def,
    what: `Create class ${def.class}`,
    decode: () => undefined,
  };
}

/** POST /v1/schema/{class}/properties. */
export function createPropertyOp(className: string, property: PropertyDefinition): Operation<void> {
  return {
    name: 'schema.property.create',
    method: 'POST',
    path: `/v1/schema/${enc(capitalizeClassName(className))}/properties`,
    body: property,
    what: `Add property ${property.name} to class ${className}`,
    decode: () => undefined,
  };
}

/** DELETE /v1/schema/{class}. */
export function deleteClassOp(className: string): Operation<void> {
  return {
    name: 'schema.deleteClass',
    method: 'DELETE',
    path: `/v1/schema/${enc(capitalizeClassName(className))}`,
    what: `Delete class ${className}`,
    decode: () => undefined,
  };
}

/** PUT /v1/schema/{class} with the merged definition. */
export function updateClassOp(def: ClassDefinition): Operation<void> {
  return {
    name: 'schema.updateConfig',
    method: 'PUT',
    path: `/v1/schema/${enc(capitalizeClassName(def.class))}`,
    body: def,
    what: `Update class ${def.class}`,
    decode: () => undefined,
  };
}

/** GET /v1/schema/{class}/shards. */
export function getShardsOp(className: string, tenant?: string): Operation<ShardInfo[]> {
  return {
    name: 'schema.getClassShards',
    method: 'GET',
    path: `/v1/schema/${enc(capitalizeClassName(className))}/shards${tenant ? `?tenant=${enc(tenant)}` : ''}`,
    what: `Get shards of class ${className}`,
    decode: (b) => b as ShardInfo[],
  };
}

/** PUT /v1/schema/{class}/shards/{shard}. */
export function updateShardOp(
  className: string,
  shard: string,
  status: ShardStatus,
): Operation<{ status: string }> {
  return {
    name: 'schema.updateClassShard',
    method: 'PUT',
    path: `/v1/schema/${enc(capitalizeClassName(className))}/shards/${enc(shard)}`,
    body: { status },
    what: `Update shard ${shard} of class ${className}`,
    decode: (b) => b,
  };
}

function tenantsOp<T>(
  name: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  className: string,
  body: unknown,
  decode: (b: any) => T,
): Operation<T> {
  return {
    name,
    method,
    path: `/v1/schema/${enc(capitalizeClassName(className))}/tenants`,
    body,
    what: `${name} for class ${className}`,
    decode,
  };
}

function tenantList(
  tenants: Array<Tenant | string>,
  what: string,
): Array<{ name: string; activityStatus?: string }> {
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw new SchemaValidationException(`${what}: tenants must be a non-empty array of Tenant or names`);
  }
  return tenants.map((t) =>
    (typeof t === 'string' ? new Tenant(t) : t instanceof Tenant ? t : new Tenant(t)).toJSON(),
  );
}

/** `client.schema.property` (seed: `weaviate.schema.properties.Property`). */
export class Property {
  readonly #conn: Connection;
  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Adds a property to an existing class (seed: `property.create(schema_class_name, schema_property)`). */
  create(schemaClassName: string, schemaProperty: PropertyDefinition, options?: CallOptions): Promise<void> {
    try {
      capitalizeClassName(schemaClassName);
      validateProperty(schemaProperty, schemaClassName);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#conn.run(createPropertyOp(schemaClassName, schemaProperty), options);
  }
}

/** `client.schema` (seed: `weaviate.schema.Schema`). */
export class Schema {
  /** Property operations (seed: `client.schema.property`). */
  readonly property: Property;
  readonly #conn: Connection;

  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
    this.property = new Property(conn);
  }

  /** The full schema, or one class's definition (seed: `schema.get(class_name=None)`). */
  get(className?: string, options?: CallOptions): Promise<any> {
    return call(() => getSchemaOp(className), this.#conn, options);
  }

  /**
   * Creates every class of a schema (seed: `schema.create(schema)`): classes in dependency order,
   * references of cycles added once both ends exist. Classes already on the server are an error
   * (as with `createClass`), raised before anything is created.
   */
  async create(schema: SchemaDefinition | ClassDefinition[], options?: CallOptions): Promise<void> {
    const classes = Array.isArray(schema) ? schema : schema?.classes;
    if (!Array.isArray(classes))
      throw new SchemaValidationException('schema must be an object with a "classes" array');
    const plan = planSchemaCreation(classes);
    for (const c of plan.classes) await this.#conn.run(createClassOp(c), options);
    for (const { className, property } of plan.laterProperties) {
      await this.#conn.run(createPropertyOp(className, property), options);
    }
  }

  /**
   * Creates one class (seed: `schema.create_class(schema_class)`); its cross-reference properties may
   * point at itself or at classes that already exist.
   */
  async createClass(schemaClass: ClassDefinition, options?: CallOptions): Promise<void> {
    validateClass(schemaClass);
    const self = capitalizeClassName(schemaClass.class);
    const selfRefs = (schemaClass.properties ?? []).filter((p) =>
      p.dataType.some((t) => isReferenceType(t) && capitalizeClassName(t) === self),
    );
    const first = selfRefs.length
      ? { ...schemaClass, properties: (schemaClass.properties ?? []).filter((p) => !selfRefs.includes(p)) }
      : schemaClass;
    await this.#conn.run(createClassOp(first), options);
    for (const p of selfRefs) await this.#conn.run(createPropertyOp(self, p), options);
  }

  /** Deletes a class and all its objects (seed: `schema.delete_class(class_name)`). */
  deleteClass(className: string, options?: CallOptions): Promise<void> {
    return call(() => deleteClassOp(className), this.#conn, options);
  }

  /** Deletes every class (seed: `schema.delete_all()`). */
  async deleteAll(options?: CallOptions): Promise<void> {
    const schema = (await this.get(undefined, options)) as SchemaDefinition;
    for (const c of schema.classes ?? []) await this.deleteClass(c.class, options);
  }

  /**
   * Without an argument: whether the schema has any class. With a schema, a class definition or a
   * class name: whether every class it names exists (seed: `schema.contains(schema=None)`).
   */
  async contains(
    schema?: SchemaDefinition | ClassDefinition | string,
    options?: CallOptions,
  ): Promise<boolean> {
    const current = (await this.get(undefined, options)) as SchemaDefinition;
    const names = new Set((current.classes ?? []).map((c) => c.class));
    if (schema === undefined || schema === null) return names.size > 0;
    const wanted =
      typeof schema === 'string'
        ? [schema]
        : Array.isArray((schema as SchemaDefinition).classes)
          ? (schema as SchemaDefinition).classes.map((c) => c.class)
          : [(schema as ClassDefinition).class];
    return wanted.every((n) => typeof n === 'string' && n !== '' && names.has(capitalizeClassName(n)));
  }

  /**
   * Changes the mutable parts of a class's configuration (seed: `schema.update_config(class_name, config)`):
   * the current definition is read, `config` merged in (nested objects merged key by key), and written back.
   */
  async updateConfig(
    className: string,
    config: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<void> {
    if (typeof config !== 'object' || config === null)
      throw new SchemaValidationException('config must be an object');
    const current = (await this.get(className, options)) as ClassDefinition;
    await this.#conn.run(updateClassOp(deepMerge(current, config) as ClassDefinition), options);
  }

  /** The shards of a class (seed: `schema.get_class_shards(class_name)`). */
  getClassShards(className: string, options?: CallOptions & { tenant?: string }): Promise<ShardInfo[]> {
    return call(() => getShardsOp(className, options?.tenant), this.#conn, options);
  }

  /**
   * Sets a shard's status, or every shard's when `shardName` is omitted
   * (seed: `schema.update_class_shard(class_name, status, shard_name=None)`).
   */
  async updateClassShard(
    className: string,
    status: ShardStatus,
    options: CallOptions & { shardName?: string } = {},
  ): Promise<Array<{ status: string }>> {
    if (typeof status !== 'string' || status === '')
      throw new SchemaValidationException('status must be a string such as READY or READONLY');
    const names =
      options.shardName !== undefined
        ? [options.shardName]
        : (await this.getClassShards(className, options)).map((s) => s.name);
    const out: Array<{ status: string }> = [];
    for (const shard of names)
      out.push(await this.#conn.run(updateShardOp(className, shard, status), options));
    return out;
  }

  /** Adds tenants (seed: `schema.add_class_tenants(class_name, tenants)`). */
  addClassTenants(className: string, tenants: Array<Tenant | string>, options?: CallOptions): Promise<void> {
    return call(
      () =>
        tenantsOp(
          'schema.addClassTenants',
          'POST',
          className,
          tenantList(tenants, 'addClassTenants'),
          () => undefined,
        ),
      this.#conn,
      options,
    );
  }

  /** Lists tenants (seed: `schema.get_class_tenants(class_name)`). */
  getClassTenants(className: string, options?: CallOptions): Promise<Tenant[]> {
    return call(
      () =>
        tenantsOp(
          'schema.getClassTenants',
          'GET',
          className,
          undefined,
          (b: Array<{ name: string; activityStatus?: TenantActivityStatus }>) =>
            (b ?? []).map(
              (t) =>
                new Tenant(
                  t.name,
                  t.activityStatus === undefined ? {} : { activityStatus: t.activityStatus },
                ),
            ),
        ),
      this.#conn,
      options,
    );
  }

  /** Changes tenants' activity status (seed: `schema.update_class_tenants(class_name, tenants)`). */
  updateClassTenants(
    className: string,
    tenants: Array<Tenant | string>,
    options?: CallOptions,
  ): Promise<void> {
    return call(
      () =>
        tenantsOp(
          'schema.updateClassTenants',
          'PUT',
          className,
          tenantList(tenants, 'updateClassTenants'),
          () => undefined,
        ),
      this.#conn,
      options,
    );
  }

  /** Removes tenants and their data (seed: `schema.remove_class_tenants(class_name, tenants)`). */
  removeClassTenants(className: string, tenants: string[], options?: CallOptions): Promise<void> {
    return call(
      () => {
        if (
          !Array.isArray(tenants) ||
          tenants.length === 0 ||
          !tenants.every((t) => typeof t === 'string' && t)
        ) {
          throw new SchemaValidationException(
            'removeClassTenants: tenants must be a non-empty array of names',
          );
        }
        return tenantsOp('schema.removeClassTenants', 'DELETE', className, tenants, () => undefined);
      },
      this.#conn,
      options,
    );
  }
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return patch;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}
