/**
 * Objects queued for gRPC `BatchObjects`, encoded as protobuf the moment they are added, into one
 * buffer reused from batch to batch.
 *
 * Why encode by hand, at once: a queued object then costs its wire size (a 128-d vector is 512 bytes,
 * against ~2.7 KB as JSON) and leaves no garbage behind (no JSON text, no message objects, no
 * per-vector buffer), so an import allocates a fraction of what the JSON path does and V8 has
 * little to collect while requests are in flight. The layout is the protobuf wire format of
 * `weaviate.v1.BatchObjectsRequest` (field numbers from protos/weaviate/v1/batch.proto and
 * google/protobuf/struct.proto); the unit tests decode it with the generated codec.
 *
 * Only plain objects are taken (see {@link GrpcObjectQueue.push}); the others stay JSON, for REST.
 */

import { QueueBuffer } from './queue-buffer.js';
import { CONSISTENCY } from './search.js';

/** Wire types. */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** BatchObjectsRequest.objects (1), BatchObjectsRequest.consistency_level (2). */
const REQ_OBJECTS = tag(1, LEN);
const REQ_CONSISTENCY = tag(2, VARINT);
/** BatchObject: uuid (1), properties (3), collection (4), tenant (5), vector_bytes (6). */
const OBJ_UUID = tag(1, LEN);
const OBJ_PROPERTIES = tag(3, LEN);
const OBJ_COLLECTION = tag(4, LEN);
const OBJ_TENANT = tag(5, LEN);
const OBJ_VECTOR = tag(6, LEN);
/** BatchObject.Properties.non_ref_properties (1); Struct.fields (1) entries: key (1), value (2). */
const PROPS_STRUCT = tag(1, LEN);
const STRUCT_FIELD = tag(1, LEN);
const ENTRY_KEY = tag(1, LEN);
const ENTRY_VALUE = tag(2, LEN);
/** google.protobuf.Value: number_value (2), string_value (3), bool_value (4). */
const VALUE_NUMBER = tag(2, FIXED64);
const VALUE_STRING = tag(3, LEN);
const VALUE_BOOL = tag(4, VARINT);

const OBJECT_KEYS = new Set(['class', 'id', 'properties', 'vector', 'tenant']);

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Bytes of a length-delimited field with `len` bytes of payload (tag < 128). */
const lenField = (len: number) => 1 + varintSize(len) + len;

/** A plain scalar property value (what Weaviate converts by its schema, as it does for JSON). */
type Scalar = string | number | boolean;

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** One request's objects, encoded; `uuids` and each object's range for the accounting. */
export interface EncodedObjects {
  /** The objects part of a BatchObjectsRequest (append the consistency level to complete it). */
  bytes: Buffer;
  uuids: string[];
  /** Class and tenant of each object (for the per-object results). */
  classes: string[];
  tenants: Array<string | undefined>;
  /** Where each BatchObject message starts and ends in `bytes`. */
  starts: number[];
  ends: number[];
}

export class GrpcObjectQueue {
  readonly #queue = new QueueBuffer();
  #end = 0;
  #uuids: string[] = [];
  #classes: string[] = [];
  #tenants: Array<string | undefined> = [];
  /** Byte offsets of each queued entry (tag + length + message) and of its message. */
  #entryStarts: number[] = [];
  #msgStarts: number[] = [];

  get length(): number {
    return this.#uuids.length;
  }

  /**
   * Encodes a REST batch body `{ class, id, properties?, vector?, tenant? }` and queues it. Returns
   * false, queuing nothing, when the object is not plain: a property that is not text, a finite
   * number or a boolean (null is left out, as Weaviate does on create), named vectors, any other key.
   */
  push(uuid: string, body: Record<string, unknown>): boolean {
    for (const k in body) if (!OBJECT_KEYS.has(k)) return false;
    const cls = body.class;
    const tenant = body.tenant;
    const vector = body.vector;
    const properties = body.properties;
    if (typeof cls !== 'string' || (tenant !== undefined && typeof tenant !== 'string')) return false;
    if (vector !== undefined && vector !== null) {
      if (!Array.isArray(vector)) return false;
      for (const x of vector) if (typeof x !== 'number') return false;
    }
    let structSize = 0;
    // key, value, key bytes, Value message bytes, string value bytes
    const entries: Array<[string, Scalar, number, number, number]> = [];
    if (properties !== undefined && properties !== null) {
      if (typeof properties !== 'object' || Array.isArray(properties)) return false;
      const p = properties as Record<string, unknown>;
      for (const key in p) {
        const v = p[key];
        if (v === null || v === undefined) continue;
        if (!isScalar(v)) return false;
        const keyLen = Buffer.byteLength(key);
        const strLen = typeof v === 'string' ? Buffer.byteLength(v) : 0;
        const valueLen = typeof v === 'number' ? 9 : typeof v === 'boolean' ? 2 : lenField(strLen);
        const entryLen = lenField(keyLen) + lenField(valueLen);
        entries.push([key, v, keyLen, valueLen, strLen]);
        structSize += lenField(entryLen);
      }
    }
    const uuidLen = Buffer.byteLength(uuid);
    const clsLen = Buffer.byteLength(cls);
    const tenantLen = tenant ? Buffer.byteLength(tenant) : 0;
    const vecLen = Array.isArray(vector) ? vector.length * 4 : 0;
    const propsLen = properties ? lenField(structSize) : 0;
    const msgLen =
      lenField(uuidLen) +
      (properties ? lenField(propsLen) : 0) +
      lenField(clsLen) +
      (tenantLen ? lenField(tenantLen) : 0) +
      (vecLen ? lenField(vecLen) : 0);

    const b = this.#queue.reserve(this.#end, lenField(msgLen));
    this.#entryStarts.push(this.#end);
    let at = this.#end;
    b[at++] = REQ_OBJECTS;
    at = writeVarint(b, at, msgLen);
    this.#msgStarts.push(at);
    at = writeString(b, at, OBJ_UUID, uuid, uuidLen);
    if (properties) {
      b[at++] = OBJ_PROPERTIES;
      at = writeVarint(b, at, propsLen);
      b[at++] = PROPS_STRUCT;
      at = writeVarint(b, at, structSize);
      for (const [key, v, keyLen, valueLen, strLen] of entries) {
        b[at++] = STRUCT_FIELD;
        at = writeVarint(b, at, lenField(keyLen) + lenField(valueLen));
        at = writeString(b, at, ENTRY_KEY, key, keyLen);
        b[at++] = ENTRY_VALUE;
        at = writeVarint(b, at, valueLen);
        if (typeof v === 'number') {
          b[at++] = VALUE_NUMBER;
          at = b.writeDoubleLE(v, at);
        } else if (typeof v === 'boolean') {
          b[at++] = VALUE_BOOL;
          b[at++] = v ? 1 : 0;
        } else {
          at = writeString(b, at, VALUE_STRING, v, strLen);
        }
      }
    }
    at = writeString(b, at, OBJ_COLLECTION, cls, clsLen);
    if (tenantLen) at = writeString(b, at, OBJ_TENANT, tenant as string, tenantLen);
    if (vecLen) {
      b[at++] = OBJ_VECTOR;
      at = writeVarint(b, at, vecLen);
      for (const x of vector as number[]) at = b.writeFloatLE(x, at);
    }
    this.#end = at;
    this.#uuids.push(uuid);
    this.#classes.push(cls);
    this.#tenants.push(tenant as string | undefined);
    return true;
  }

  /** Every queued object as requests of at most `maxBytes` and `maxCount` objects; empties the queue. */
  take(maxBytes: number, maxCount: number): EncodedObjects[] {
    const out: EncodedObjects[] = [];
    const n = this.#uuids.length;
    let first = 0;
    const endOf = (i: number) => (i + 1 < n ? this.#entryStarts[i + 1]! : this.#end);
    while (first < n) {
      // At least one object per request; then as many as fit both limits.
      let last = first + 1;
      while (last < n && last - first < maxCount && endOf(last) - this.#entryStarts[first]! <= maxBytes)
        last++;
      const from = this.#entryStarts[first]!;
      const to = last < n ? this.#entryStarts[last]! : this.#end;
      // A copy: the buffer is reused for the next objects while this request is in flight.
      const bytes = Buffer.from(this.#queue.buf.subarray(from, to));
      const starts: number[] = [];
      const ends: number[] = [];
      for (let i = first; i < last; i++) {
        starts.push(this.#msgStarts[i]! - from);
        ends.push(endOf(i) - from);
      }
      out.push({
        bytes,
        uuids: this.#uuids.slice(first, last),
        classes: this.#classes.slice(first, last),
        tenants: this.#tenants.slice(first, last),
        starts,
        ends,
      });
      first = last;
    }
    this.#queue.reset();
    this.#end = 0;
    this.#uuids = [];
    this.#classes = [];
    this.#tenants = [];
    this.#entryStarts = [];
    this.#msgStarts = [];
    return out;
  }
}

function writeVarint(b: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    b[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  b[at++] = n;
  return at;
}

function writeString(b: Buffer, at: number, tagByte: number, s: string, len: number): number {
  b[at++] = tagByte;
  at = writeVarint(b, at, len);
  return at + b.write(s, at);
}

/** A complete BatchObjectsRequest: the encoded objects plus the consistency level. */
export function batchObjectsRequest(objects: Buffer, consistencyLevel: string | undefined): Buffer {
  const level = consistencyLevel === undefined ? undefined : CONSISTENCY[consistencyLevel];
  if (level === undefined) return objects;
  return Buffer.concat([objects, Buffer.from([REQ_CONSISTENCY, level])]);
}

/** Reads one encoded BatchObject back as the REST body it came from (for `failedObjects`). */
export function decodeObject(b: Buffer, start: number, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let properties: Record<string, unknown> | undefined;
  let at = start;
  while (at < end) {
    const t = b[at++]!;
    let len: number;
    [len, at] = readVarint(b, at);
    const stop = at + len;
    if (t === OBJ_UUID) out.id = b.toString('utf8', at, stop);
    else if (t === OBJ_COLLECTION) out.class = b.toString('utf8', at, stop);
    else if (t === OBJ_TENANT) out.tenant = b.toString('utf8', at, stop);
    else if (t === OBJ_VECTOR) {
      const v: number[] = [];
      for (let i = at; i < stop; i += 4) v.push(b.readFloatLE(i));
      out.vector = v;
    } else if (t === OBJ_PROPERTIES) properties = decodeProperties(b, at, stop);
    at = stop;
  }
  if (properties) out.properties = properties;
  return out;
}

function decodeProperties(b: Buffer, start: number, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Properties { 1: Struct { 1: entry { 1: key, 2: Value } ... } }
  const [structLen, first] = readVarint(b, start + 1);
  let at = first;
  const structEnd = Math.min(end, at + structLen);
  while (at < structEnd) {
    let entryLen: number;
    [entryLen, at] = readVarint(b, at + 1);
    const entryEnd = at + entryLen;
    let keyLen: number;
    [keyLen, at] = readVarint(b, at + 1);
    const key = b.toString('utf8', at, at + keyLen);
    at += keyLen;
    [, at] = readVarint(b, at + 1);
    const t = b[at]!;
    if (t === VALUE_NUMBER) out[key] = b.readDoubleLE(at + 1);
    else if (t === VALUE_BOOL) out[key] = b[at + 1] === 1;
    else if (t === VALUE_STRING) {
      const [sLen, s] = readVarint(b, at + 1);
      out[key] = b.toString('utf8', s, s + sLen);
    }
    at = entryEnd;
  }
  return out;
}

function readVarint(b: Buffer, at: number): [number, number] {
  let n = 0;
  let mul = 1;
  for (;;) {
    const byte = b[at++]!;
    n += (byte & 0x7f) * mul;
    if (byte < 0x80) return [n, at];
    mul *= 128;
  }
}
