/**
 * Pure GraphQL text building for the query builders: input values, where filters and the search
 * operators (nearText, nearVector, nearObject, bm25, hybrid, sort). Every argument is checked here,
 * before any request, so a malformed filter is a UsageError naming the problem rather than a
 * server-side parse error.
 */
import { UsageError } from '@dbwire/core';

/** A where filter (seed: `where_filter = {"path": [...], "operator": ..., "valueInt": ...}`). */
export interface WhereFilter {
  /** Property path, e.g. `['wordCount']` or `'wordCount'`; references: `['inPublication', 'Publication', 'name']`. */
  path?: string | string[];
  /** Comparison or `And` / `Or`. */
  operator: string;
  /** Sub-filters of `And` / `Or`. */
  operands?: WhereFilter[];
  /** Integer value (checked: must be an integer). */
  valueInt?: number | number[];
  /** Floating-point value. */
  valueNumber?: number | number[];
  /** Text value. */
  valueText?: string | string[];
  /** Deprecated string type value. */
  valueString?: string | string[];
  /** Boolean value. */
  valueBoolean?: boolean | boolean[];
  /** RFC 3339 date. */
  valueDate?: string | string[];
  /** `{ geoCoordinates: { latitude, longitude }, distance: { max } }`. */
  valueGeoRange?: { geoCoordinates: { latitude: number; longitude: number }; distance: { max: number } };
  /** Array forms as the REST API names them; sent as the plain key in GraphQL. */
  valueIntArray?: number[];
  /** Array of numbers. */
  valueNumberArray?: number[];
  /** Array of texts. */
  valueTextArray?: string[];
  /** Array of strings. */
  valueStringArray?: string[];
  /** Array of booleans. */
  valueBooleanArray?: boolean[];
  /** Array of dates. */
  valueDateArray?: string[];
}

/** Move a nearText search towards or away from concepts or objects. */
export interface Move {
  /** Concepts to move towards/away from. */
  concepts?: string | string[];
  /** Objects to move towards/away from: `{ id }` or `{ beacon }`. */
  objects?: Array<{ id?: string; beacon?: string }> | { id?: string; beacon?: string };
  /** 0..1. */
  force: number;
}

/** nearText content (seed: `near_text_filter`). */
export interface NearTextContent {
  /** What to search for. */
  concepts: string | string[];
  /** Minimum certainty 0..1 (mutually exclusive with distance). */
  certainty?: number;
  /** Maximum distance. */
  distance?: number;
  /** Move the query vector towards these. */
  moveTo?: Move;
  /** Move the query vector away from these. */
  moveAwayFrom?: Move;
  /** Spelling correction (text-spellcheck module). */
  autocorrect?: boolean;
  /** Named vectors to search. */
  targetVectors?: string[];
}

/** nearVector content. */
export interface NearVectorContent {
  /** The query vector. */
  vector: number[] | Float32Array | Float64Array;
  /** Minimum certainty 0..1. */
  certainty?: number;
  /** Maximum distance. */
  distance?: number;
  /** Named vectors to search. */
  targetVectors?: string[];
}

/** nearObject content. */
export interface NearObjectContent {
  /** Object id. */
  id?: string;
  /** Object beacon. */
  beacon?: string;
  /** Minimum certainty 0..1. */
  certainty?: number;
  /** Maximum distance. */
  distance?: number;
  /** Named vectors to search. */
  targetVectors?: string[];
}

/** One sort clause. */
export interface SortClause {
  /** Property path. */
  path: string | string[];
  /** Direction. Default ascending. */
  order?: 'asc' | 'desc';
}

/** Keys whose string values are GraphQL enum literals, not strings. */
const ENUM_KEYS = new Set(['operator', 'fusionType', 'order']);

const COMPARISON = new Set([
  'Equal',
  'NotEqual',
  'GreaterThan',
  'GreaterThanEqual',
  'LessThan',
  'LessThanEqual',
  'Like',
  'WithinGeoRange',
  'IsNull',
  'ContainsAny',
  'ContainsAll',
  'ContainsNone',
]);
const LOGICAL = new Set(['And', 'Or', 'Not']);
const VALUE_KEYS = [
  'valueInt',
  'valueNumber',
  'valueText',
  'valueString',
  'valueBoolean',
  'valueDate',
  'valueGeoRange',
  'valueIntArray',
  'valueNumberArray',
  'valueTextArray',
  'valueStringArray',
  'valueBooleanArray',
  'valueDateArray',
];

function usage(message: string): UsageError {
  return new UsageError(message, { code: 'ERR_INVALID_QUERY' });
}

/** A JavaScript value as a GraphQL input literal; `enumKey` marks string values to print bare. */
export function gqlValue(value: unknown, key?: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (key !== undefined && ENUM_KEYS.has(key)) {
      if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(value))
        throw usage(`${key} must be a name, got ${JSON.stringify(value)}`);
      return value;
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw usage(`${key ?? 'value'} must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return `[${Array.from(value as ArrayLike<unknown>)
      .map((v) => gqlValue(v, key))
      .join(', ')}]`;
  }
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(`${k}: ${gqlValue(v, k)}`);
    }
    return `{${parts.join(' ')}}`;
  }
  throw usage(`${key ?? 'value'} of type ${typeof value} cannot be sent in a GraphQL query`);
}

/** Checks and normalises a where filter for GraphQL (path as array, `*Array` keys renamed). */
export function normalizeWhere(filter: unknown, at = 'where'): Record<string, unknown> {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw usage(`${at} filter must be an object with an operator`);
  }
  const f = filter as Record<string, unknown>;
  const op = f.operator;
  if (typeof op !== 'string' || (!COMPARISON.has(op) && !LOGICAL.has(op))) {
    throw usage(
      `${at}: unknown operator ${JSON.stringify(op)}; one of ${[...LOGICAL, ...COMPARISON].join(', ')}`,
    );
  }
  if (LOGICAL.has(op)) {
    if (!Array.isArray(f.operands) || f.operands.length === 0)
      throw usage(`${at}: operator ${op} needs a non-empty operands array`);
    return { operator: op, operands: f.operands.map((o, i) => normalizeWhere(o, `${at}.operands[${i}]`)) };
  }
  const path = typeof f.path === 'string' ? [f.path] : f.path;
  if (!Array.isArray(path) || path.length === 0 || !path.every((p) => typeof p === 'string' && p)) {
    throw usage(`${at}: operator ${op} needs a path (a property name or an array of names)`);
  }
  const values = VALUE_KEYS.filter((k) => f[k] !== undefined);
  if (values.length !== 1) {
    throw usage(
      `${at}: exactly one value field (${VALUE_KEYS.slice(0, 7).join(', ')} ...) is needed, got ${values.length ? values.join(', ') : 'none'}`,
    );
  }
  const key = values[0]!;
  const value = f[key];
  const baseKey = key.endsWith('Array') ? key.slice(0, -5) : key;
  if (baseKey === 'valueInt') {
    const ints = Array.isArray(value) ? value : [value];
    if (!ints.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      throw usage(`${at}: valueInt must be an integer (use valueNumber for ${JSON.stringify(value)})`);
    }
  }
  if (baseKey === 'valueNumber') {
    const nums = Array.isArray(value) ? value : [value];
    if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw usage(`${at}: valueNumber must be a finite number`);
  }
  if (op === 'IsNull' && typeof value !== 'boolean') throw usage(`${at}: IsNull takes valueBoolean`);
  const out: Record<string, unknown> = { path, operator: op };
  out[baseKey] = value;
  return out;
}

function checkCertaintyDistance(c: { certainty?: unknown; distance?: unknown }, what: string): void {
  if (c.certainty !== undefined && c.distance !== undefined)
    throw usage(`${what}: give certainty or distance, not both`);
  if (c.certainty !== undefined && (typeof c.certainty !== 'number' || c.certainty < 0 || c.certainty > 1)) {
    throw usage(`${what}: certainty must be a number within 0..1`);
  }
  if (c.distance !== undefined && typeof c.distance !== 'number')
    throw usage(`${what}: distance must be a number`);
}

function normalizeMove(move: unknown, what: string): Record<string, unknown> {
  const m = move as Move;
  if (typeof m !== 'object' || m === null)
    throw usage(`${what} must be an object with force and concepts or objects`);
  if (typeof m.force !== 'number' || m.force < 0 || m.force > 1)
    throw usage(`${what}.force must be a number within 0..1`);
  if (m.concepts === undefined && m.objects === undefined) throw usage(`${what} needs concepts or objects`);
  const out: Record<string, unknown> = { force: m.force };
  if (m.concepts !== undefined) out.concepts = typeof m.concepts === 'string' ? [m.concepts] : m.concepts;
  if (m.objects !== undefined) out.objects = Array.isArray(m.objects) ? m.objects : [m.objects];
  return out;
}

/** Checks and normalises nearText content. */
export function normalizeNearText(content: unknown): Record<string, unknown> {
  const c = content as NearTextContent;
  if (typeof c !== 'object' || c === null) throw usage('nearText content must be an object with concepts');
  const concepts = typeof c.concepts === 'string' ? [c.concepts] : c.concepts;
  if (!Array.isArray(concepts) || concepts.length === 0 || !concepts.every((x) => typeof x === 'string')) {
    throw usage('nearText needs concepts: a string or an array of strings');
  }
  checkCertaintyDistance(c, 'nearText');
  const out: Record<string, unknown> = { ...c, concepts };
  if (c.moveTo !== undefined) out.moveTo = normalizeMove(c.moveTo, 'nearText.moveTo');
  if (c.moveAwayFrom !== undefined) out.moveAwayFrom = normalizeMove(c.moveAwayFrom, 'nearText.moveAwayFrom');
  return out;
}

/** Checks and normalises nearVector content. */
export function normalizeNearVector(content: unknown): Record<string, unknown> {
  const c = content as NearVectorContent;
  if (typeof c !== 'object' || c === null) throw usage('nearVector content must be an object with a vector');
  const v = c.vector;
  if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as ArrayLike<number>).length === 0) {
    throw usage('nearVector needs a non-empty vector');
  }
  checkCertaintyDistance(c, 'nearVector');
  return { ...c, vector: Array.from(v as ArrayLike<number>) };
}

/** Checks and normalises nearObject content. */
export function normalizeNearObject(content: unknown): Record<string, unknown> {
  const c = content as NearObjectContent;
  if (typeof c !== 'object' || c === null || (c.id === undefined && c.beacon === undefined)) {
    throw usage('nearObject needs an id or a beacon');
  }
  if (c.id !== undefined && c.beacon !== undefined) throw usage('nearObject: give id or beacon, not both');
  checkCertaintyDistance(c, 'nearObject');
  return { ...c };
}

/** Checks and normalises sort clauses. */
export function normalizeSort(content: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(content) ? content : [content];
  if (list.length === 0) throw usage('sort needs at least one clause');
  return list.map((s, i) => {
    const c = s as SortClause;
    if (typeof c !== 'object' || c === null) throw usage(`sort[${i}] must be { path, order? }`);
    const path = typeof c.path === 'string' ? [c.path] : c.path;
    if (!Array.isArray(path) || path.length === 0) throw usage(`sort[${i}] needs a path`);
    if (c.order !== undefined && c.order !== 'asc' && c.order !== 'desc')
      throw usage(`sort[${i}].order must be asc or desc`);
    return c.order === undefined ? { path } : { path, order: c.order };
  });
}

/** A non-negative integer argument (limit, offset ...). */
export function checkCount(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw usage(`${what} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

/** The `_additional { ... }` selection from a name, a list, or `{ name: [subfields] }`. */
export function additionalFields(properties: unknown): string[] {
  if (typeof properties === 'string') return [properties];
  if (Array.isArray(properties)) {
    if (!properties.every((p) => typeof p === 'string'))
      throw usage('withAdditional takes names, an array of names or { name: [fields] }');
    return properties;
  }
  if (typeof properties === 'object' && properties !== null) {
    return Object.entries(properties).map(([k, v]) => {
      const sub = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(sub) || !sub.every((s) => typeof s === 'string'))
        throw usage(`withAdditional ${k}: subfields must be names`);
      return `${k}{${sub.join(' ')}}`;
    });
  }
  throw usage('withAdditional takes names, an array of names or { name: [fields] }');
}
