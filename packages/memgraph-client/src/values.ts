import {
  Node as DriverNode,
  Path as DriverPath,
  PathSegment as DriverPathSegment,
  Relationship as DriverRelationship,
  int,
  isDate,
  isDateTime,
  isDuration,
  isInt,
  isLocalDateTime,
  isLocalTime,
  isNode,
  isPath,
  isPoint,
  isRelationship,
  isTime,
  Record,
} from 'neo4j-driver-lite';

/*
 * Values out of and into the database, in one pass per record.
 *
 * The integer policy: Bolt integers are 64-bit; JavaScript numbers hold 53 bits exactly. A value
 * comes back as a `number` when it is within ±(2^53 − 1) and as a `bigint` beyond (never a lossy
 * number, never neo4j-driver's `{low, high}` Integer). With `useBigInt: true` every integer is a
 * `bigint`. Floats stay numbers. Going in, a whole `number` (`Number.isSafeInteger`) and a `bigint`
 * are sent as Bolt integers, so `{ id: 1 }` stores the integer 1 (neo4j-driver would send the float
 * 1.0); fractional numbers are sent as floats.
 *
 * Temporal and spatial values are neo4j-driver's classes (`Date`, `DateTime`, `Duration`, `Point`, ...),
 * untouched. Graph values are neo4j-driver's `Node`, `Relationship` and `Path` with their integer
 * properties converted and a few accessors of the seed's Python driver added (`get`, `nodes`, ...).
 */

/** Property values of nodes and relationships, after the integer policy. */
export type Properties = { [key: string]: any };

/** How integers come back: `number` when exact else `bigint` (default), or always `bigint`. */
export interface IntegerPolicy {
  readonly useBigInt: boolean;
}

/**
 * A node, as neo4j-driver's `Node` plus the Python driver's property accessors: `get(key)` (the
 * seed's `node.get("name")` / `node["name"]`), `keys()`, `values()` and `items()`.
 */
export class Node<P extends Properties = Properties> extends DriverNode<any, P> {
  /** The value of property `key`, or `defaultValue` (default `undefined`) when the node has none. */
  get<K extends keyof P & string>(key: K, defaultValue?: P[K]): P[K] | undefined {
    return Object.hasOwn(this.properties, key) ? this.properties[key] : defaultValue;
  }

  /** The node's property names (Python `keys()`). */
  keys(): Array<keyof P & string> {
    return Object.keys(this.properties) as Array<keyof P & string>;
  }

  /** The node's property values, in the order of {@link keys} (Python `values()`). */
  values(): Array<P[keyof P]> {
    return Object.values(this.properties) as Array<P[keyof P]>;
  }

  /** The node's properties as `[name, value]` pairs (Python `items()`). */
  items(): Array<[keyof P & string, P[keyof P]]> {
    return Object.entries(this.properties) as Array<[keyof P & string, P[keyof P]]>;
  }
}

/** A relationship, as neo4j-driver's `Relationship` plus `get(key)`, `keys()`, `values()` and `items()`. */
export class Relationship<P extends Properties = Properties> extends DriverRelationship<any, P> {
  /** The value of property `key`, or `defaultValue` (default `undefined`) when the relationship has none. */
  get<K extends keyof P & string>(key: K, defaultValue?: P[K]): P[K] | undefined {
    return Object.hasOwn(this.properties, key) ? this.properties[key] : defaultValue;
  }

  /** The relationship's property names (Python `keys()`). */
  keys(): Array<keyof P & string> {
    return Object.keys(this.properties) as Array<keyof P & string>;
  }

  /** The relationship's property values, in the order of {@link keys} (Python `values()`). */
  values(): Array<P[keyof P]> {
    return Object.values(this.properties) as Array<P[keyof P]>;
  }

  /** The relationship's properties as `[name, value]` pairs (Python `items()`). */
  items(): Array<[keyof P & string, P[keyof P]]> {
    return Object.entries(this.properties) as Array<[keyof P & string, P[keyof P]]>;
  }
}

/** A path: `start`, `end`, `segments`, `length`, plus the seed's `nodes` and `relationships` lists. */
export class Path extends DriverPath<any> {
  /** Every node along the path, from `start` to `end` (length + 1 nodes). */
  get nodes(): Node[] {
    const nodes: Node[] = [this.start as Node];
    for (const s of this.segments) nodes.push(s.end as Node);
    return nodes;
  }

  /** Every relationship along the path, in order. */
  get relationships(): Relationship[] {
    return this.segments.map((s) => s.relationship as Relationship);
  }
}

/** Converts one value read from the database according to `policy`. */
export function fromDriver(value: unknown, policy: IntegerPolicy): any {
  if (value === null || typeof value !== 'object') return value;
  if (isInt(value)) {
    if (policy.useBigInt) return value.toBigInt();
    return value.inSafeRange() ? value.toNumber() : value.toBigInt();
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = fromDriver(value[i], policy);
    return out;
  }
  if (isNode(value)) {
    return new Node(
      fromDriver(value.identity, policy),
      value.labels,
      convertProps(value.properties, policy),
      value.elementId,
    );
  }
  if (isRelationship(value)) return relationshipFrom(value, policy);
  if (isPath(value)) {
    const segments = value.segments.map(
      (s) =>
        new DriverPathSegment(
          fromDriver(s.start, policy),
          relationshipFrom(s.relationship, policy),
          fromDriver(s.end, policy),
        ),
    );
    return new Path(fromDriver(value.start, policy), fromDriver(value.end, policy), segments);
  }
  if (Object.getPrototypeOf(value) === Object.prototype) return convertProps(value as Properties, policy);
  // Temporal, spatial and anything else: as neo4j-driver gives them.
  return value;
}

function relationshipFrom(r: DriverRelationship, policy: IntegerPolicy): Relationship {
  return new Relationship(
    fromDriver(r.identity, policy),
    fromDriver(r.start, policy),
    fromDriver(r.end, policy),
    r.type,
    convertProps(r.properties, policy),
    r.elementId,
    r.startNodeElementId,
    r.endNodeElementId,
  );
}

function convertProps(props: Properties, policy: IntegerPolicy): Properties {
  const out: Properties = {};
  for (const key in props) out[key] = fromDriver(props[key], policy);
  return out;
}

/**
 * Converts a record's fields in place and returns it. Records come fresh from neo4j-driver for each
 * result and are not shared, so rewriting their field array avoids allocating a second record per row
 * (this is the hot path of streaming).
 */
export function recordFromDriver(record: Record, policy: IntegerPolicy): Record {
  const fields = (record as unknown as { _fields: unknown[] })._fields;
  for (let i = 0; i < fields.length; i++) {
    const raw = fields[i];
    if (raw !== null && typeof raw === 'object') fields[i] = fromDriver(raw, policy);
  }
  return record;
}

/** Converts query parameters: whole numbers and bigints become Bolt integers, recursively. */
export function toDriverParams(params: Properties | undefined): Properties | undefined {
  if (params === undefined || params === null) return params;
  return toDriver(params) as Properties;
}

function toDriver(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? int(value) : value;
  if (typeof value === 'bigint') return int(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toDriver(value[i]);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const out: Properties = {};
  for (const key in value as Properties) out[key] = toDriver((value as Properties)[key]);
  return out;
}

/**
 * A JSON-ready copy of a value read from the database: nodes, relationships and paths become plain
 * objects, `bigint` becomes a decimal string, temporal values ISO strings, points `{srid, x, y[, z]}`,
 * records plain objects keyed by column.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  if (isInt(value)) return value.inSafeRange() ? value.toNumber() : value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Record) return toPlain(value.toObject());
  if (isNode(value)) {
    return { elementId: value.elementId, labels: [...value.labels], properties: toPlain(value.properties) };
  }
  if (isRelationship(value)) {
    return {
      elementId: value.elementId,
      type: value.type,
      startNodeElementId: value.startNodeElementId,
      endNodeElementId: value.endNodeElementId,
      properties: toPlain(value.properties),
    };
  }
  if (isPath(value)) {
    return {
      start: toPlain(value.start),
      end: toPlain(value.end),
      segments: value.segments.map((s) => ({
        start: toPlain(s.start),
        relationship: toPlain(s.relationship),
        end: toPlain(s.end),
      })),
    };
  }
  if (isPoint(value)) {
    const p: { srid: unknown; x: number; y: number; z?: number } = {
      srid: toPlain(value.srid),
      x: value.x,
      y: value.y,
    };
    if (value.z !== undefined) p.z = value.z;
    return p;
  }
  if (
    isDate(value) ||
    isDateTime(value) ||
    isLocalDateTime(value) ||
    isLocalTime(value) ||
    isTime(value) ||
    isDuration(value)
  ) {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
  return out;
}
