/**
 * `query.get(...).do()` over gRPC: pure translation of a Get builder's arguments into a
 * `weaviate.v1.SearchRequest`, and of the `SearchReply` back into the very answer GraphQL gives
 * (`{ data: { Get: { Class: [ { ...properties, _additional: {...} } ] } } }`, same keys, same values).
 *
 * {@link toSearchRequest} returns undefined for anything it cannot express exactly (nested property
 * selections, references, hybrid, groupBy, reference paths in filters, named vectors ...);
 * the builder then sends GraphQL, so the answer never depends on the transport.
 */
import type { weaviate } from './generated/weaviate.js';

// Only types come from the generated codec here: it is loaded with grpc-js, on the first gRPC call.
/** What a Get builder collected (normalised values, keyed by GraphQL argument name). */
export interface GetSpec {
  className: string;
  properties: readonly string[];
  additional: readonly string[];
  args: ReadonlyMap<string, unknown>;
}

const NAME = /^[A-Za-z][_0-9A-Za-z]*$/;

/** `_additional` fields gRPC returns, and the MetadataRequest flag of each. */
const METADATA: Record<string, keyof weaviate.v1.IMetadataRequest> = {
  id: 'uuid',
  vector: 'vector',
  distance: 'distance',
  certainty: 'certainty',
  score: 'score',
  explainScore: 'explainScore',
  creationTimeUnix: 'creationTimeUnix',
  lastUpdateTimeUnix: 'lastUpdateTimeUnix',
  isConsistent: 'isConsistent',
};

/** `weaviate.v1.ConsistencyLevel` values. */
export const CONSISTENCY: Record<string, weaviate.v1.ConsistencyLevel> = { ONE: 1, QUORUM: 2, ALL: 3 };

/** `weaviate.v1.Filters.Operator` values of the where operators gRPC expresses as GraphQL does. */
const OPERATORS: Record<string, weaviate.v1.Filters.Operator> = {
  Equal: 1,
  NotEqual: 2,
  GreaterThan: 3,
  GreaterThanEqual: 4,
  LessThan: 5,
  LessThanEqual: 6,
  And: 7,
  Or: 8,
  Like: 10,
  IsNull: 11,
  ContainsAny: 12,
  ContainsAll: 13,
};

/** The SearchRequest for a Get query, or undefined when only GraphQL can express it exactly. */
export function toSearchRequest(spec: GetSpec): weaviate.v1.ISearchRequest | undefined {
  if (!spec.properties.every((p) => NAME.test(p))) return undefined;
  const metadata: weaviate.v1.IMetadataRequest = {};
  for (const field of spec.additional) {
    const flag = METADATA[field];
    if (!flag) return undefined;
    (metadata as Record<string, boolean>)[flag] = true;
  }
  // GraphQL derives certainty from the float32 distance in float64 (1 - d/2); gRPC sends it rounded
  // to float32. Ask for the distance too and derive it the same way.
  if (metadata.certainty) metadata.distance = true;
  const req: weaviate.v1.ISearchRequest = {
    collection: spec.className,
    properties: { nonRefProperties: [...spec.properties] },
    metadata,
    uses_123Api: true,
    uses_125Api: true,
    uses_127Api: true,
  };
  for (const [key, value] of spec.args) {
    if (!setArgument(req, key, value)) return undefined;
  }
  return req;
}

/** Puts one builder argument into the request; false when gRPC cannot carry it as GraphQL means it. */
function setArgument(req: weaviate.v1.ISearchRequest, key: string, value: unknown): boolean {
  switch (key) {
    case 'limit':
      req.limit = value as number;
      return true;
    case 'offset':
      req.offset = value as number;
      return true;
    case 'after':
      req.after = value as string;
      return true;
    case 'tenant':
      req.tenant = value as string;
      return true;
    case 'consistencyLevel':
      req.consistencyLevel = CONSISTENCY[value as string]!;
      return true;
    case 'sort': {
      const sortBy: weaviate.v1.ISortBy[] = [];
      for (const clause of value as Array<{ path: string[]; order?: string }>) {
        if (clause.path.length !== 1 || !NAME.test(clause.path[0]!)) return false;
        sortBy.push({ path: clause.path, ascending: clause.order !== 'desc' });
      }
      req.sortBy = sortBy;
      return true;
    }
    case 'where': {
      const filters = toFilters(value as Record<string, unknown>);
      if (!filters) return false;
      req.filters = filters;
      return true;
    }
    case 'nearVector': {
      const c = value as { vector: number[]; certainty?: number; distance?: number };
      if (!onlyKeys(c, ['vector', 'certainty', 'distance'])) return false;
      req.nearVector = { vectorBytes: float32Bytes(c.vector), certainty: c.certainty, distance: c.distance };
      return true;
    }
    case 'nearObject': {
      const c = value as { id?: string; certainty?: number; distance?: number };
      if (!onlyKeys(c, ['id', 'certainty', 'distance']) || c.id === undefined) return false;
      req.nearObject = { id: c.id, certainty: c.certainty, distance: c.distance };
      return true;
    }
    case 'nearText': {
      const c = value as {
        concepts: string[];
        certainty?: number;
        distance?: number;
        moveTo?: GqlMove;
        moveAwayFrom?: GqlMove;
      };
      if (!onlyKeys(c, ['concepts', 'certainty', 'distance', 'moveTo', 'moveAwayFrom'])) return false;
      const moveTo = c.moveTo && toMove(c.moveTo);
      const moveAway = c.moveAwayFrom && toMove(c.moveAwayFrom);
      if (moveTo === null || moveAway === null) return false;
      req.nearText = { query: c.concepts, certainty: c.certainty, distance: c.distance, moveTo, moveAway };
      return true;
    }
    case 'bm25': {
      const c = value as { query: string; properties?: string[] };
      req.bm25Search = { query: c.query, properties: c.properties ?? [] };
      return true;
    }
    default:
      return false;
  }
}

/** A normalised nearText move (concepts, objects by id or beacon, force). */
interface GqlMove {
  force: number;
  concepts?: string[];
  objects?: Array<{ id?: string; beacon?: string }>;
}

/** A move as gRPC has it, or null when it names objects by beacon (GraphQL only). */
function toMove(m: GqlMove): weaviate.v1.NearTextSearch.IMove | null {
  const uuids: string[] = [];
  for (const o of m.objects ?? []) {
    if (typeof o.id !== 'string' || o.beacon !== undefined) return null;
    uuids.push(o.id);
  }
  return { force: m.force, concepts: m.concepts ?? [], uuids };
}

function onlyKeys(o: object, keys: string[]): boolean {
  for (const k in o) {
    if ((o as Record<string, unknown>)[k] !== undefined && !keys.includes(k)) return false;
  }
  return true;
}

/** Little-endian float32 bytes, as Weaviate reads `vector_bytes`. */
function float32Bytes(vector: number[]): Uint8Array {
  const f = new Float32Array(vector);
  return new Uint8Array(f.buffer);
}

/** A normalised where filter as gRPC Filters, or undefined for what GraphQL alone expresses. */
function toFilters(f: Record<string, unknown>): weaviate.v1.IFilters | undefined {
  const operator = OPERATORS[f.operator as string];
  if (operator === undefined) return undefined;
  if (f.operands) {
    const filters: weaviate.v1.IFilters[] = [];
    for (const o of f.operands as Array<Record<string, unknown>>) {
      const sub = toFilters(o);
      if (!sub) return undefined;
      filters.push(sub);
    }
    return { operator, filters };
  }
  const path = f.path as string[];
  // Reference paths, `id` and the underscore meta properties are spelled differently over gRPC.
  if (path.length !== 1 || !NAME.test(path[0]!) || path[0] === 'id') return undefined;
  const out: weaviate.v1.IFilters = { operator, target: { property: path[0]! } };
  if ('valueInt' in f) {
    const v = f.valueInt;
    if (Array.isArray(v)) out.valueIntArray = { values: v };
    else out.valueInt = v as number;
  } else if ('valueNumber' in f) {
    const v = f.valueNumber;
    if (Array.isArray(v)) out.valueNumberArray = { values: v };
    else out.valueNumber = v as number;
  } else if ('valueText' in f || 'valueString' in f) {
    const v = f.valueText ?? f.valueString;
    if (Array.isArray(v)) out.valueTextArray = { values: v };
    else out.valueText = v as string;
  } else if ('valueBoolean' in f) {
    const v = f.valueBoolean;
    if (Array.isArray(v)) out.valueBooleanArray = { values: v };
    else out.valueBoolean = v as boolean;
  } else {
    // Dates and geo ranges: GraphQL only.
    return undefined;
  }
  return out;
}

/** The GraphQL-shaped answer of a SearchReply for `spec`. */
export function fromSearchReply(
  reply: weaviate.v1.SearchReply,
  spec: GetSpec,
): { data: { Get: Record<string, Array<Record<string, unknown>>> } } {
  // Weaviate's JSON has its keys in byte order (Go maps); build each object in that order too.
  const keys = [...spec.properties];
  if (spec.additional.length) keys.push('_additional');
  keys.sort();
  const extra = [...spec.additional].sort();
  const objects: Array<Record<string, unknown>> = new Array(reply.results.length);
  for (let i = 0; i < reply.results.length; i++) {
    const r = reply.results[i]!;
    const fields = r.properties?.nonRefProps?.fields ?? {};
    const o: Record<string, unknown> = {};
    for (const k of keys) {
      if (k === '_additional') {
        o._additional = additional(r.metadata, extra);
        continue;
      }
      // GraphQL answers null for a requested property the object does not have.
      const v = fields[k];
      o[k] = v === undefined ? null : fromValue(v);
    }
    objects[i] = o;
  }
  return { data: { Get: { [spec.className]: objects } } };
}

function additional(
  m: weaviate.v1.IMetadataResult | null | undefined,
  fields: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    switch (f) {
      case 'id':
        out.id = m?.id || null;
        break;
      case 'vector':
        out.vector = m?.vectorBytes?.length
          ? float32List(m.vectorBytes)
          : m?.vector?.length
            ? m.vector.map(shortest32)
            : null;
        break;
      case 'distance':
        out.distance = m?.distancePresent ? shortest32(m.distance!) : null;
        break;
      case 'certainty':
        out.certainty = m?.distancePresent
          ? 1 - m.distance! / 2
          : m?.certaintyPresent
            ? shortest32(m.certainty!)
            : null;
        break;
      case 'score':
        out.score = m?.scorePresent ? String(shortest32(m.score!)) : null;
        break;
      case 'explainScore':
        out.explainScore = m?.explainScorePresent ? m.explainScore : null;
        break;
      case 'creationTimeUnix':
        out.creationTimeUnix = m?.creationTimeUnixPresent ? String(toNumber(m.creationTimeUnix!)) : null;
        break;
      case 'lastUpdateTimeUnix':
        out.lastUpdateTimeUnix = m?.lastUpdateTimeUnixPresent
          ? String(toNumber(m.lastUpdateTimeUnix!))
          : null;
        break;
      case 'isConsistent':
        out.isConsistent = m?.isConsistentPresent ? m.isConsistent : null;
        break;
    }
  }
  return out;
}

/** One property value as GraphQL's JSON has it. */
function fromValue(v: weaviate.v1.IValue): unknown {
  if (v.textValue != null) return v.textValue;
  if (v.numberValue != null) return v.numberValue;
  if (v.intValue != null) return toNumber(v.intValue);
  if (v.boolValue != null) return v.boolValue;
  if (v.dateValue != null) return v.dateValue;
  if (v.uuidValue != null) return v.uuidValue;
  if (v.listValue != null) return fromList(v.listValue);
  if (v.objectValue != null) return fromProperties(v.objectValue);
  if (v.geoValue != null)
    return {
      latitude: shortest32(v.geoValue.latitude ?? 0),
      longitude: shortest32(v.geoValue.longitude ?? 0),
    };
  if (v.blobValue != null) return v.blobValue;
  if (v.phoneValue != null) {
    const p = v.phoneValue;
    return {
      countryCode: toNumber(p.countryCode ?? 0),
      defaultCountry: p.defaultCountry ?? '',
      input: p.input ?? '',
      internationalFormatted: p.internationalFormatted ?? '',
      national: toNumber(p.national ?? 0),
      nationalFormatted: p.nationalFormatted ?? '',
      valid: p.valid ?? false,
    };
  }
  return null;
}

function fromProperties(p: weaviate.v1.IProperties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = p.fields ?? {};
  for (const k in fields) out[k] = fromValue(fields[k]!);
  return out;
}

function fromList(l: weaviate.v1.IListValue): unknown[] {
  if (l.textValues) return l.textValues.values ?? [];
  if (l.numberValues) return float64List(l.numberValues.values);
  if (l.intValues) return int64List(l.intValues.values);
  if (l.boolValues) return l.boolValues.values ?? [];
  if (l.dateValues) return l.dateValues.values ?? [];
  if (l.uuidValues) return l.uuidValues.values ?? [];
  if (l.objectValues) return (l.objectValues.values ?? []).map(fromProperties);
  return [];
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function float64List(bytes: Uint8Array | null | undefined): number[] {
  if (!bytes) return [];
  const d = view(bytes);
  const out = new Array<number>(bytes.byteLength >> 3);
  for (let i = 0; i < out.length; i++) out[i] = d.getFloat64(i * 8, true);
  return out;
}

function int64List(bytes: Uint8Array | null | undefined): number[] {
  if (!bytes) return [];
  const d = view(bytes);
  const out = new Array<number>(bytes.byteLength >> 3);
  for (let i = 0; i < out.length; i++) out[i] = Number(d.getBigInt64(i * 8, true));
  return out;
}

function float32List(bytes: Uint8Array): number[] {
  const d = view(bytes);
  const out = new Array<number>(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = shortest32(d.getFloat32(i * 4, true));
  return out;
}

/**
 * A float32 as Weaviate's JSON prints it: the shortest decimal that reads back as the same float32
 * (Go's `strconv.FormatFloat(f, 'g', -1, 32)`), so gRPC answers equal GraphQL's digit for digit.
 */
export function shortest32(f: number): number {
  if (!Number.isFinite(f) || f === 0) return f;
  // A decimal that reads back as f stays one with more digits, so search from 6 digits (most
  // float32s need 7 to 9) in whichever direction finds the shortest.
  let d = Number(f.toPrecision(6));
  if (Math.fround(d) !== f) {
    for (let p = 7; p <= 9; p++) {
      d = Number(f.toPrecision(p));
      if (Math.fround(d) === f) return d;
    }
    return f;
  }
  for (let p = 5; p >= 1; p--) {
    const shorter = Number(f.toPrecision(p));
    if (Math.fround(shorter) !== f) break;
    d = shorter;
  }
  return d;
}

function toNumber(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}
