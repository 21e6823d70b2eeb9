/**
 * Cache configuration: the PROP_* property codes of the seed's table (codes from Ignite's
 * ClientCacheConfigurationSerializer), their enums, and the encoders for ops 1053/1054 and the decoder
 * of op 1055 CACHE_GET_CONFIGURATION.
 */
import {
  type BinaryContext,
  type BinaryReader,
  type BinaryWriter,
  prepareValue,
  readValue,
  resolveValue,
  writeValue,
} from './binary/index.js';
import { ParameterError, ParseError } from './errors.js';
import { compareVersions, type ProtocolVersion, VERSION_FEATURES } from './protocol/constants.js';

/** Cache property `PROP_NAME` (pygridgain prop_codes). */
export const PROP_NAME = 0;
/** Cache property `PROP_CACHE_MODE` (pygridgain prop_codes). */
export const PROP_CACHE_MODE = 1;
/** Cache property `PROP_CACHE_ATOMICITY_MODE` (pygridgain prop_codes). */
export const PROP_CACHE_ATOMICITY_MODE = 2;
/** Cache property `PROP_BACKUPS_NUMBER` (pygridgain prop_codes). */
export const PROP_BACKUPS_NUMBER = 3;
/** Cache property `PROP_WRITE_SYNCHRONIZATION_MODE` (pygridgain prop_codes). */
export const PROP_WRITE_SYNCHRONIZATION_MODE = 4;
/** Cache property `PROP_COPY_ON_READ` (pygridgain prop_codes). */
export const PROP_COPY_ON_READ = 5;
/** Cache property `PROP_READ_FROM_BACKUP` (pygridgain prop_codes). */
export const PROP_READ_FROM_BACKUP = 6;
/** Cache property `PROP_DATA_REGION_NAME` (pygridgain prop_codes). */
export const PROP_DATA_REGION_NAME = 100;
/** Cache property `PROP_IS_ONHEAP_CACHE_ENABLED` (pygridgain prop_codes). */
export const PROP_IS_ONHEAP_CACHE_ENABLED = 101;
/** Cache property `PROP_QUERY_ENTITIES` (pygridgain prop_codes). */
export const PROP_QUERY_ENTITIES = 200;
/** Cache property `PROP_QUERY_PARALLELISM` (pygridgain prop_codes). */
export const PROP_QUERY_PARALLELISM = 201;
/** Cache property `PROP_QUERY_DETAIL_METRIC_SIZE` (pygridgain prop_codes). */
export const PROP_QUERY_DETAIL_METRIC_SIZE = 202;
/** Cache property `PROP_SQL_SCHEMA` (pygridgain prop_codes). */
export const PROP_SQL_SCHEMA = 203;
/** Cache property `PROP_SQL_INDEX_INLINE_MAX_SIZE` (pygridgain prop_codes). */
export const PROP_SQL_INDEX_INLINE_MAX_SIZE = 204;
/** Cache property `PROP_SQL_ESCAPE_ALL` (pygridgain prop_codes). */
export const PROP_SQL_ESCAPE_ALL = 205;
/** Cache property `PROP_MAX_QUERY_ITERATORS` (pygridgain prop_codes). */
export const PROP_MAX_QUERY_ITERATORS = 206;
/** Cache property `PROP_REBALANCE_MODE` (pygridgain prop_codes). */
export const PROP_REBALANCE_MODE = 300;
/** Cache property `PROP_REBALANCE_DELAY` (pygridgain prop_codes). */
export const PROP_REBALANCE_DELAY = 301;
/** Cache property `PROP_REBALANCE_TIMEOUT` (pygridgain prop_codes). */
export const PROP_REBALANCE_TIMEOUT = 302;
/** Cache property `PROP_REBALANCE_BATCH_SIZE` (pygridgain prop_codes). */
export const PROP_REBALANCE_BATCH_SIZE = 303;
/** Cache property `PROP_REBALANCE_BATCHES_PREFETCH_COUNT` (pygridgain prop_codes). */
export const PROP_REBALANCE_BATCHES_PREFETCH_COUNT = 304;
/** Cache property `PROP_REBALANCE_ORDER` (pygridgain prop_codes). */
export const PROP_REBALANCE_ORDER = 305;
/** Cache property `PROP_REBALANCE_THROTTLE` (pygridgain prop_codes). */
export const PROP_REBALANCE_THROTTLE = 306;
/** Cache property `PROP_GROUP_NAME` (pygridgain prop_codes). */
export const PROP_GROUP_NAME = 400;
/** Cache property `PROP_CACHE_KEY_CONFIGURATION` (pygridgain prop_codes). */
export const PROP_CACHE_KEY_CONFIGURATION = 401;
/** Cache property `PROP_DEFAULT_LOCK_TIMEOUT` (pygridgain prop_codes). */
export const PROP_DEFAULT_LOCK_TIMEOUT = 402;
/** Cache property `PROP_MAX_CONCURRENT_ASYNC_OPERATIONS` (pygridgain prop_codes). */
export const PROP_MAX_CONCURRENT_ASYNC_OPERATIONS = 403;
/** Cache property `PROP_PARTITION_LOSS_POLICY` (pygridgain prop_codes). */
export const PROP_PARTITION_LOSS_POLICY = 404;
/** Cache property `PROP_EAGER_TTL` (pygridgain prop_codes). */
export const PROP_EAGER_TTL = 405;
/** Cache property `PROP_STATISTICS_ENABLED` (pygridgain prop_codes). */
export const PROP_STATISTICS_ENABLED = 406;
/** Expiry policy of the cache (protocol ≥ 1.6). */
export const PROP_EXPIRY_POLICY = 407;

/** pygridgain spells these two without the `_NUMBER`/`_METRIC` variants in older releases. */
export const PROP_BACKUPS = PROP_BACKUPS_NUMBER;
/** Cache property `PROP_QUERY_DETAIL_METRICS_SIZE` (pygridgain prop_codes). */
export const PROP_QUERY_DETAIL_METRICS_SIZE = PROP_QUERY_DETAIL_METRIC_SIZE;
/** Cache property `PROP_IS_ONHEAPCACHE_ENABLED` (pygridgain prop_codes). */
export const PROP_IS_ONHEAPCACHE_ENABLED = PROP_IS_ONHEAP_CACHE_ENABLED;

/** `CacheMode` values, as pygridgain names them. */
export const CacheMode = { REPLICATED: 1, PARTITIONED: 2 } as const;
/** `CacheAtomicityMode` values, as pygridgain names them. */
export const CacheAtomicityMode = { TRANSACTIONAL: 0, ATOMIC: 1 } as const;
/** `WriteSynchronizationMode` values, as pygridgain names them. */
export const WriteSynchronizationMode = { FULL_SYNC: 0, FULL_ASYNC: 1, PRIMARY_SYNC: 2 } as const;
/** `RebalanceMode` values, as pygridgain names them. */
export const RebalanceMode = { SYNC: 0, ASYNC: 1, NONE: 2 } as const;
/** `PartitionLossPolicy` values, as pygridgain names them. */
export const PartitionLossPolicy = {
  READ_ONLY_SAFE: 0,
  READ_ONLY_ALL: 1,
  READ_WRITE_SAFE: 2,
  READ_WRITE_ALL: 3,
  IGNORE: 4,
} as const;
/** `IndexType` values, as pygridgain names them. */
export const IndexType = { SORTED: 0, FULLTEXT: 1, GEOSPATIAL: 2 } as const;

/** A FieldNameAlias of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface FieldNameAlias {
  fieldName: string;
  alias: string;
}

/** A QueryField of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface QueryField {
  name: string;
  typeName: string;
  isKeyField?: boolean;
  isNotnullConstraintField?: boolean;
  defaultValue?: unknown;
  /** Decimal precision; -1 (default) means the cluster default. Protocol ≥ 1.2. */
  precision?: number;
  /** Decimal scale; -1 (default) means the cluster default. Protocol ≥ 1.2. */
  scale?: number;
}

/** A IndexField of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface IndexField {
  name: string;
  isDescending?: boolean;
}

/** A QueryIndex of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface QueryIndex {
  indexName: string;
  /** `IndexType.SORTED` (default), `FULLTEXT` or `GEOSPATIAL`. */
  indexType?: number;
  /** -1 (default) means the cluster default. */
  inlineSize?: number;
  fields: IndexField[];
}

/** A QueryEntity of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface QueryEntity {
  tableName?: string | null;
  keyFieldName?: string | null;
  keyTypeName: string;
  valueFieldName?: string | null;
  valueTypeName: string;
  fieldNameAliases?: FieldNameAlias[];
  queryFields?: QueryField[];
  queryIndexes?: QueryIndex[];
}

/** A CacheKeyConfiguration of a cache configuration (the seed's fields, camelCase or snake_case). */
export interface CacheKeyConfiguration {
  typeName: string;
  affinityKeyFieldName: string;
}

/**
 * pygridgain's `ExpiryPolicy`: durations in milliseconds for entries created, updated and accessed;
 * -1 eternal, -2 leave unchanged (the default), 0 expire at once. A plain `{ create: 1000 }` is
 * accepted wherever an ExpiryPolicy is.
 */
export class ExpiryPolicy {
  /** Lifetime after creation, in ms. */
  create?: number;
  /** Lifetime after an update, in ms. */
  update?: number;
  /** Lifetime after an access, in ms. */
  access?: number;

  /** `new ExpiryPolicy({ create: 60_000 })`. */
  constructor(durations: { create?: number; update?: number; access?: number } = {}) {
    if (durations.create !== undefined) this.create = durations.create;
    if (durations.update !== undefined) this.update = durations.update;
    if (durations.access !== undefined) this.access = durations.access;
  }
}

/**
 * A cache configuration keyed by PROP_* codes, as pygridgain's settings dict:
 * `{ [PROP_NAME]: 'my_cache', [PROP_CACHE_MODE]: CacheMode.REPLICATED }`. Nested objects accept the
 * seed's snake_case names (`type_name`, `affinity_key_field_name`, ...) as well as camelCase.
 */
export type CacheSettings = { [code: number]: unknown };

/** How a property's value is written on the wire. */
export type Kind = 'string' | 'int' | 'long' | 'bool' | 'entities' | 'keys' | 'expiry';

/** Wire kind of every property code. */
export const PROP_KINDS: ReadonlyMap<number, Kind> = new Map<number, Kind>([
  [PROP_NAME, 'string'],
  [PROP_CACHE_MODE, 'int'],
  [PROP_CACHE_ATOMICITY_MODE, 'int'],
  [PROP_BACKUPS_NUMBER, 'int'],
  [PROP_WRITE_SYNCHRONIZATION_MODE, 'int'],
  [PROP_COPY_ON_READ, 'bool'],
  [PROP_READ_FROM_BACKUP, 'bool'],
  [PROP_DATA_REGION_NAME, 'string'],
  [PROP_IS_ONHEAP_CACHE_ENABLED, 'bool'],
  [PROP_QUERY_ENTITIES, 'entities'],
  [PROP_QUERY_PARALLELISM, 'int'],
  [PROP_QUERY_DETAIL_METRIC_SIZE, 'int'],
  [PROP_SQL_SCHEMA, 'string'],
  [PROP_SQL_INDEX_INLINE_MAX_SIZE, 'int'],
  [PROP_SQL_ESCAPE_ALL, 'bool'],
  [PROP_MAX_QUERY_ITERATORS, 'int'],
  [PROP_REBALANCE_MODE, 'int'],
  [PROP_REBALANCE_DELAY, 'long'],
  [PROP_REBALANCE_TIMEOUT, 'long'],
  [PROP_REBALANCE_BATCH_SIZE, 'int'],
  [PROP_REBALANCE_BATCHES_PREFETCH_COUNT, 'long'],
  [PROP_REBALANCE_ORDER, 'int'],
  [PROP_REBALANCE_THROTTLE, 'long'],
  [PROP_GROUP_NAME, 'string'],
  [PROP_CACHE_KEY_CONFIGURATION, 'keys'],
  [PROP_DEFAULT_LOCK_TIMEOUT, 'long'],
  [PROP_MAX_CONCURRENT_ASYNC_OPERATIONS, 'int'],
  [PROP_PARTITION_LOSS_POLICY, 'int'],
  [PROP_EAGER_TTL, 'bool'],
  [PROP_STATISTICS_ENABLED, 'bool'],
  [PROP_EXPIRY_POLICY, 'expiry'],
]);

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function pick<T>(obj: Record<string, unknown>, camel: string, snake: string): T | undefined {
  const v = obj[camel] ?? obj[snake];
  return v as T | undefined;
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ParameterError(`${what} must be an object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ParameterError(`${what} must be an array, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${typeof v === 'object' ? '' : String(v)}`.trim();
}

function optString(v: unknown, what: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ParameterError(`${what} must be a string, got ${describe(v)}`);
  return v;
}

function reqString(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new ParameterError(`${what} must be a non-empty string, got ${describe(v)}`);
  }
  return v;
}

function int32(v: unknown, what: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new ParameterError(`${what} must be a 32-bit integer, got ${describe(v)}`);
  }
  return v;
}

function int64(v: unknown, what: string): number | bigint {
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new ParameterError(`${what} is out of the 64-bit range`);
    return v;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new ParameterError(`${what} must be an integer (number or bigint), got ${describe(v)}`);
  }
  return v;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new ParameterError(`${what} must be a boolean, got ${describe(v)}`);
  return v;
}

/** Validated, normalised settings, ready to encode. Throws ParameterError (before any I/O). */
export interface NormalisedSettings {
  name: string;
  props: Array<[number, Kind, unknown]>;
}

/** Validates a settings object (or a cache name) into the list of properties to send. */
export function normaliseSettings(settings: string | CacheSettings): NormalisedSettings {
  if (typeof settings === 'string') {
    return { name: reqString(settings, 'cache name'), props: [[PROP_NAME, 'string', settings]] };
  }
  const rec = asRecord(settings, 'cache settings');
  const props: Array<[number, Kind, unknown]> = [];
  let name: string | undefined;
  for (const [key, raw] of Object.entries(rec)) {
    const code = Number(key);
    const kind = PROP_KINDS.get(code);
    if (kind === undefined) {
      throw new ParameterError(`unknown cache property code ${key}; use the PROP_* constants`);
    }
    if (raw === undefined) continue;
    const what = `cache property ${propName(code)}`;
    switch (kind) {
      case 'string':
        if (code === PROP_NAME) {
          name = reqString(raw, what);
          props.push([code, kind, name]);
        } else props.push([code, kind, optString(raw, what)]);
        break;
      case 'int':
        props.push([code, kind, int32(raw, what)]);
        break;
      case 'long':
        props.push([code, kind, int64(raw, what)]);
        break;
      case 'bool':
        props.push([code, kind, bool(raw, what)]);
        break;
      case 'entities':
        props.push([code, kind, asArray(raw, what).map((e, i) => normaliseEntity(e, `${what}[${i}]`))]);
        break;
      case 'keys':
        props.push([code, kind, asArray(raw, what).map((k, i) => normaliseKeyConfig(k, `${what}[${i}]`))]);
        break;
      case 'expiry':
        props.push([code, kind, raw === null ? null : normaliseExpiry(raw, what)]);
        break;
    }
  }
  if (name === undefined) throw new ParameterError('cache settings must contain PROP_NAME (the cache name)');
  return { name, props };
}

/** Validates an expiry policy into wire durations (ms; -2 for unset). */
export function normaliseExpiry(raw: unknown, what: string): Required<ExpiryPolicy> {
  const rec = asRecord(raw, what);
  const d = (v: unknown, k: string) => {
    if (v === undefined || v === null) return -2;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -2) {
      throw new ParameterError(`${what}.${k} must be milliseconds >= 0, -1 (eternal) or -2 (unchanged)`);
    }
    return v;
  };
  return {
    create: d(rec.create, 'create'),
    update: d(rec.update, 'update'),
    access: d(rec.access, 'access'),
  };
}

function normaliseKeyConfig(raw: unknown, what: string): CacheKeyConfiguration {
  const rec = asRecord(raw, what);
  return {
    typeName: reqString(pick(rec, 'typeName', 'type_name'), `${what}.typeName`),
    affinityKeyFieldName: reqString(
      pick(rec, 'affinityKeyFieldName', 'affinity_key_field_name'),
      `${what}.affinityKeyFieldName`,
    ),
  };
}

function normaliseEntity(raw: unknown, what: string): Required<QueryEntity> {
  const rec = asRecord(raw, what);
  return {
    tableName: optString(pick(rec, 'tableName', 'table_name'), `${what}.tableName`),
    keyFieldName: optString(pick(rec, 'keyFieldName', 'key_field_name'), `${what}.keyFieldName`),
    keyTypeName: reqString(pick(rec, 'keyTypeName', 'key_type_name'), `${what}.keyTypeName`),
    valueFieldName: optString(pick(rec, 'valueFieldName', 'value_field_name'), `${what}.valueFieldName`),
    valueTypeName: reqString(pick(rec, 'valueTypeName', 'value_type_name'), `${what}.valueTypeName`),
    fieldNameAliases: asArray(
      pick(rec, 'fieldNameAliases', 'field_name_aliases'),
      `${what}.fieldNameAliases`,
    ).map((a, i) => {
      const r = asRecord(a, `${what}.fieldNameAliases[${i}]`);
      return {
        fieldName: reqString(pick(r, 'fieldName', 'field_name'), `${what}.fieldNameAliases[${i}].fieldName`),
        alias: reqString(r.alias, `${what}.fieldNameAliases[${i}].alias`),
      };
    }),
    queryFields: asArray(pick(rec, 'queryFields', 'query_fields'), `${what}.queryFields`).map((f, i) => {
      const r = asRecord(f, `${what}.queryFields[${i}]`);
      const w = `${what}.queryFields[${i}]`;
      return {
        name: reqString(r.name, `${w}.name`),
        typeName: reqString(pick(r, 'typeName', 'type_name'), `${w}.typeName`),
        isKeyField: bool(pick(r, 'isKeyField', 'is_key_field') ?? false, `${w}.isKeyField`),
        isNotnullConstraintField: bool(
          pick(r, 'isNotnullConstraintField', 'is_notnull_constraint_field') ?? false,
          `${w}.isNotnullConstraintField`,
        ),
        defaultValue: pick(r, 'defaultValue', 'default_value') ?? null,
        precision: int32(r.precision, `${w}.precision`, -1),
        scale: int32(r.scale, `${w}.scale`, -1),
      };
    }),
    queryIndexes: asArray(pick(rec, 'queryIndexes', 'query_indexes'), `${what}.queryIndexes`).map((x, i) => {
      const r = asRecord(x, `${what}.queryIndexes[${i}]`);
      const w = `${what}.queryIndexes[${i}]`;
      const indexType = int32(pick(r, 'indexType', 'index_type'), `${w}.indexType`, IndexType.SORTED);
      if (indexType < 0 || indexType > 255)
        throw new ParameterError(`${w}.indexType must fit an unsigned byte`);
      return {
        indexName: reqString(pick(r, 'indexName', 'index_name'), `${w}.indexName`),
        indexType,
        inlineSize: int32(pick(r, 'inlineSize', 'inline_size'), `${w}.inlineSize`, -1),
        fields: asArray(r.fields, `${w}.fields`).map((f, j) => {
          const fr = asRecord(f, `${w}.fields[${j}]`);
          return {
            name: reqString(fr.name, `${w}.fields[${j}].name`),
            isDescending: bool(
              pick(fr, 'isDescending', 'is_descending') ?? false,
              `${w}.fields[${j}].isDescending`,
            ),
          };
        }),
      };
    }),
  };
}

/** Registers complex default values (query fields) with the server before encoding. */
export function prepareSettings(s: NormalisedSettings, ctx: BinaryContext): Promise<unknown> | undefined {
  let pending: Array<Promise<void>> | undefined;
  for (const [, kind, value] of s.props) {
    if (kind !== 'entities') continue;
    for (const e of value as Required<QueryEntity>[]) {
      for (const f of e.queryFields) {
        const p = prepareValue(f.defaultValue, undefined, ctx);
        if (p) {
          pending ??= [];
          pending.push(p);
        }
      }
    }
  }
  return pending ? Promise.all(pending) : undefined;
}

/** Body of ops 1053/1054: `int length | short count | (short code, value)*`. */
export function writeSettings(
  w: BinaryWriter,
  s: NormalisedSettings,
  version: ProtocolVersion,
  ctx: BinaryContext,
): void {
  const precision = compareVersions(version, VERSION_FEATURES.QUERY_ENTITY_PRECISION_AND_SCALE) >= 0;
  const at = w.reserveInt32();
  w.writeInt16(s.props.length);
  for (const [code, kind, value] of s.props) {
    w.writeInt16(code);
    switch (kind) {
      case 'string':
        writeNullableString(w, value as string | null);
        break;
      case 'int':
        w.writeInt32(value as number);
        break;
      case 'long':
        w.writeInt64(value as number | bigint);
        break;
      case 'bool':
        w.writeBool(value as boolean);
        break;
      case 'keys': {
        const keys = value as CacheKeyConfiguration[];
        w.writeInt32(keys.length);
        for (const k of keys) {
          w.writeUtf8String(k.typeName);
          w.writeUtf8String(k.affinityKeyFieldName);
        }
        break;
      }
      case 'entities': {
        const entities = value as Required<QueryEntity>[];
        w.writeInt32(entities.length);
        for (const e of entities) writeEntity(w, e, precision, ctx);
        break;
      }
      case 'expiry': {
        const p = value as Required<ExpiryPolicy> | null;
        w.writeBool(p !== null);
        if (p) {
          w.writeInt64(p.create);
          w.writeInt64(p.update);
          w.writeInt64(p.access);
        }
        break;
      }
    }
  }
  w.patchInt32(at, w.length - at - 4);
}

function writeNullableString(w: BinaryWriter, s: string | null | undefined): void {
  if (s === null || s === undefined) w.writeInt8(101);
  else w.writeUtf8String(s);
}

function writeEntity(
  w: BinaryWriter,
  e: Required<QueryEntity>,
  precision: boolean,
  ctx: BinaryContext,
): void {
  writeNullableString(w, e.keyTypeName);
  writeNullableString(w, e.valueTypeName);
  writeNullableString(w, e.tableName);
  writeNullableString(w, e.keyFieldName);
  writeNullableString(w, e.valueFieldName);
  w.writeInt32(e.queryFields.length);
  for (const f of e.queryFields) {
    w.writeUtf8String(f.name);
    w.writeUtf8String(f.typeName);
    w.writeBool(f.isKeyField ?? false);
    w.writeBool(f.isNotnullConstraintField ?? false);
    writeValue(w, f.defaultValue ?? null, undefined, ctx);
    if (precision) {
      w.writeInt32(f.precision ?? -1);
      w.writeInt32(f.scale ?? -1);
    }
  }
  w.writeInt32(e.fieldNameAliases.length);
  for (const a of e.fieldNameAliases) {
    w.writeUtf8String(a.fieldName);
    w.writeUtf8String(a.alias);
  }
  w.writeInt32(e.queryIndexes.length);
  for (const x of e.queryIndexes) {
    w.writeUtf8String(x.indexName);
    w.writeUInt8(x.indexType ?? IndexType.SORTED);
    w.writeInt32(x.inlineSize ?? -1);
    w.writeInt32(x.fields.length);
    for (const f of x.fields) {
      w.writeUtf8String(f.name);
      w.writeBool(f.isDescending ?? false);
    }
  }
}

function str(r: BinaryReader): string | null {
  return r.readUtf8String();
}

function count(r: BinaryReader, what: string): number {
  const n = r.readInt32();
  if (n < 0 || n > r.remaining) {
    // Every element takes at least one byte: a larger count is garbage, not a reason to allocate.
    throw new ParseError(
      `malformed cache configuration: ${what} count ${n} exceeds the ${r.remaining} remaining bytes`,
    );
  }
  return n;
}

/**
 * Reads op 1055's answer into a settings object keyed by PROP_* codes. Default values of query
 * fields are decoded with the codec; complex ones may need type metadata, hence the Promise.
 */
export function readSettings(
  r: BinaryReader,
  version: ProtocolVersion,
  ctx: BinaryContext,
): CacheSettings | Promise<CacheSettings> {
  const precision = compareVersions(version, VERSION_FEATURES.QUERY_ENTITY_PRECISION_AND_SCALE) >= 0;
  const expiry = compareVersions(version, VERSION_FEATURES.EXPIRY_POLICY) >= 0;
  r.readInt32(); // length
  const s: CacheSettings = {};
  s[PROP_CACHE_ATOMICITY_MODE] = r.readInt32();
  s[PROP_BACKUPS_NUMBER] = r.readInt32();
  s[PROP_CACHE_MODE] = r.readInt32();
  s[PROP_COPY_ON_READ] = r.readBool();
  s[PROP_DATA_REGION_NAME] = str(r);
  s[PROP_EAGER_TTL] = r.readBool();
  s[PROP_STATISTICS_ENABLED] = r.readBool();
  s[PROP_GROUP_NAME] = str(r);
  s[PROP_DEFAULT_LOCK_TIMEOUT] = r.readLong();
  s[PROP_MAX_CONCURRENT_ASYNC_OPERATIONS] = r.readInt32();
  s[PROP_MAX_QUERY_ITERATORS] = r.readInt32();
  s[PROP_NAME] = str(r);
  s[PROP_IS_ONHEAP_CACHE_ENABLED] = r.readBool();
  s[PROP_PARTITION_LOSS_POLICY] = r.readInt32();
  s[PROP_QUERY_DETAIL_METRIC_SIZE] = r.readInt32();
  s[PROP_QUERY_PARALLELISM] = r.readInt32();
  s[PROP_READ_FROM_BACKUP] = r.readBool();
  s[PROP_REBALANCE_BATCH_SIZE] = r.readInt32();
  s[PROP_REBALANCE_BATCHES_PREFETCH_COUNT] = r.readLong();
  s[PROP_REBALANCE_DELAY] = r.readLong();
  s[PROP_REBALANCE_MODE] = r.readInt32();
  s[PROP_REBALANCE_ORDER] = r.readInt32();
  s[PROP_REBALANCE_THROTTLE] = r.readLong();
  s[PROP_REBALANCE_TIMEOUT] = r.readLong();
  s[PROP_SQL_ESCAPE_ALL] = r.readBool();
  s[PROP_SQL_INDEX_INLINE_MAX_SIZE] = r.readInt32();
  s[PROP_SQL_SCHEMA] = str(r);
  s[PROP_WRITE_SYNCHRONIZATION_MODE] = r.readInt32();
  const keys: CacheKeyConfiguration[] = [];
  for (let i = count(r, 'key configuration'); i > 0; i--) {
    keys.push({ typeName: str(r) ?? '', affinityKeyFieldName: str(r) ?? '' });
  }
  s[PROP_CACHE_KEY_CONFIGURATION] = keys;
  const entities: QueryEntity[] = [];
  const pending: Array<Promise<unknown>> = [];
  for (let i = count(r, 'query entity'); i > 0; i--) entities.push(readEntity(r, precision, ctx, pending));
  s[PROP_QUERY_ENTITIES] = entities;
  if (expiry && r.remaining > 0) {
    s[PROP_EXPIRY_POLICY] = r.readBool()
      ? { create: r.readLong(), update: r.readLong(), access: r.readLong() }
      : null;
  }
  return pending.length === 0 ? s : Promise.all(pending).then(() => s);
}

function readEntity(
  r: BinaryReader,
  precision: boolean,
  ctx: BinaryContext,
  pending: Array<Promise<unknown>>,
): QueryEntity {
  const keyTypeName = str(r) ?? '';
  const valueTypeName = str(r) ?? '';
  const tableName = str(r);
  const keyFieldName = str(r);
  const valueFieldName = str(r);
  const queryFields: QueryField[] = [];
  for (let i = count(r, 'query field'); i > 0; i--) {
    const f: QueryField = {
      name: str(r) ?? '',
      typeName: str(r) ?? '',
      isKeyField: r.readBool(),
      isNotnullConstraintField: r.readBool(),
      defaultValue: null,
    };
    const raw = readValue(r, ctx);
    const resolved = resolveValue(raw, ctx);
    if (resolved instanceof Promise) {
      pending.push(
        resolved.then((v) => {
          f.defaultValue = v;
        }),
      );
    } else f.defaultValue = resolved;
    if (precision) {
      f.precision = r.readInt32();
      f.scale = r.readInt32();
    }
    queryFields.push(f);
  }
  const fieldNameAliases: FieldNameAlias[] = [];
  for (let i = count(r, 'alias'); i > 0; i--)
    fieldNameAliases.push({ fieldName: str(r) ?? '', alias: str(r) ?? '' });
  const queryIndexes: QueryIndex[] = [];
  for (let i = count(r, 'index'); i > 0; i--) {
    const indexName = str(r) ?? '';
    const indexType = r.readInt8() & 0xff;
    const inlineSize = r.readInt32();
    const fields: IndexField[] = [];
    for (let j = count(r, 'index field'); j > 0; j--)
      fields.push({ name: str(r) ?? '', isDescending: r.readBool() });
    queryIndexes.push({ indexName, indexType, inlineSize, fields });
  }
  return {
    tableName,
    keyFieldName,
    keyTypeName,
    valueFieldName,
    valueTypeName,
    fieldNameAliases,
    queryFields,
    queryIndexes,
  };
}

const PROP_NAMES = new Map<number, string>([
  [PROP_NAME, 'PROP_NAME'],
  [PROP_CACHE_MODE, 'PROP_CACHE_MODE'],
  [PROP_CACHE_ATOMICITY_MODE, 'PROP_CACHE_ATOMICITY_MODE'],
  [PROP_BACKUPS_NUMBER, 'PROP_BACKUPS_NUMBER'],
  [PROP_WRITE_SYNCHRONIZATION_MODE, 'PROP_WRITE_SYNCHRONIZATION_MODE'],
  [PROP_COPY_ON_READ, 'PROP_COPY_ON_READ'],
  [PROP_READ_FROM_BACKUP, 'PROP_READ_FROM_BACKUP'],
  [PROP_DATA_REGION_NAME, 'PROP_DATA_REGION_NAME'],
  [PROP_IS_ONHEAP_CACHE_ENABLED, 'PROP_IS_ONHEAP_CACHE_ENABLED'],
  [PROP_QUERY_ENTITIES, 'PROP_QUERY_ENTITIES'],
  [PROP_QUERY_PARALLELISM, 'PROP_QUERY_PARALLELISM'],
  [PROP_QUERY_DETAIL_METRIC_SIZE, 'PROP_QUERY_DETAIL_METRIC_SIZE'],
  [PROP_SQL_SCHEMA, 'PROP_SQL_SCHEMA'],
  [PROP_SQL_INDEX_INLINE_MAX_SIZE, 'PROP_SQL_INDEX_INLINE_MAX_SIZE'],
  [PROP_SQL_ESCAPE_ALL, 'PROP_SQL_ESCAPE_ALL'],
  [PROP_MAX_QUERY_ITERATORS, 'PROP_MAX_QUERY_ITERATORS'],
  [PROP_REBALANCE_MODE, 'PROP_REBALANCE_MODE'],
  [PROP_REBALANCE_DELAY, 'PROP_REBALANCE_DELAY'],
  [PROP_REBALANCE_TIMEOUT, 'PROP_REBALANCE_TIMEOUT'],
  [PROP_REBALANCE_BATCH_SIZE, 'PROP_REBALANCE_BATCH_SIZE'],
  [PROP_REBALANCE_BATCHES_PREFETCH_COUNT, 'PROP_REBALANCE_BATCHES_PREFETCH_COUNT'],
  [PROP_REBALANCE_ORDER, 'PROP_REBALANCE_ORDER'],
  [PROP_REBALANCE_THROTTLE, 'PROP_REBALANCE_THROTTLE'],
  [PROP_GROUP_NAME, 'PROP_GROUP_NAME'],
  [PROP_CACHE_KEY_CONFIGURATION, 'PROP_CACHE_KEY_CONFIGURATION'],
  [PROP_DEFAULT_LOCK_TIMEOUT, 'PROP_DEFAULT_LOCK_TIMEOUT'],
  [PROP_MAX_CONCURRENT_ASYNC_OPERATIONS, 'PROP_MAX_CONCURRENT_ASYNC_OPERATIONS'],
  [PROP_PARTITION_LOSS_POLICY, 'PROP_PARTITION_LOSS_POLICY'],
  [PROP_EAGER_TTL, 'PROP_EAGER_TTL'],
  [PROP_STATISTICS_ENABLED, 'PROP_STATISTICS_ENABLED'],
  [PROP_EXPIRY_POLICY, 'PROP_EXPIRY_POLICY'],
]);

/** The PROP_* constant name of a property code (for error messages). */
export function propName(code: number): string {
  return PROP_NAMES.get(code) ?? `property ${code}`;
}
