/**
 * Batch objects over gRPC (`weaviate.v1.Weaviate/BatchObjects`): pure translation of REST batch
 * bodies into `BatchObject` messages, and of the reply (it lists only the failed indexes) into the
 * per-object results the REST answer has.
 *
 * Why: the REST answer echoes every object with its vector (about 3.5 MB per 1,000 objects of 128
 * dimensions) and the server parses every number of the request as JSON; over gRPC a vector is 4
 * bytes per dimension and the reply is a few bytes. Only objects whose meaning cannot change on the
 * way are sent like this: scalar properties (text, number, boolean; Weaviate converts by its schema,
 * as it does for JSON) and one unnamed vector. Anything else in a request (arrays, nested objects,
 * references, geo or phone values, named vectors) sends that request over REST, unchanged.
 */
import type { GrpcOperation } from './connection.js';
import { WeaviateGrpcError } from './errors.js';
import type { google, weaviate } from './generated/weaviate.js';
import { CONSISTENCY } from './search.js';
import type { BatchResultItem } from './util.js';

const OBJECT_KEYS = new Set(['class', 'id', 'properties', 'vector', 'tenant']);

/** `BatchObject` messages for REST batch bodies, or undefined when one of them is not plain. */
export function toBatchObjects(
  bodies: ReadonlyArray<Record<string, unknown>>,
): weaviate.v1.IBatchObject[] | undefined {
  const out: weaviate.v1.IBatchObject[] = new Array(bodies.length);
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i]!;
    for (const k in b) if (!OBJECT_KEYS.has(k)) return undefined;
    if (typeof b.class !== 'string' || typeof b.id !== 'string') return undefined;
    if (b.tenant !== undefined && typeof b.tenant !== 'string') return undefined;
    const o: weaviate.v1.IBatchObject = {
      uuid: b.id,
      collection: b.class,
      tenant: b.tenant as string | undefined,
    };
    if (b.vector !== undefined && b.vector !== null) {
      const v = b.vector;
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) return undefined;
      o.vectorBytes = float32Bytes(v);
    }
    if (b.properties !== undefined && b.properties !== null) {
      const fields = scalarFields(b.properties);
      if (!fields) return undefined;
      o.properties = { nonRefProperties: { fields } };
    }
    out[i] = o;
  }
  return out;
}

/**
 * Little-endian float32 bytes. `Buffer.allocUnsafe` takes small vectors from Node's shared pool, so a
 * batch of them is a few pooled allocations rather than one ArrayBuffer per object.
 */
function float32Bytes(v: number[]): Uint8Array {
  const b = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i]!, i * 4);
  return b;
}

/** Scalar properties as Struct fields; undefined when any value is not a scalar. */
function scalarFields(properties: unknown): Record<string, google.protobuf.IValue> | undefined {
  if (typeof properties !== 'object' || Array.isArray(properties)) return undefined;
  const fields: Record<string, google.protobuf.IValue> = {};
  const p = properties as Record<string, unknown>;
  for (const k in p) {
    const v = p[k];
    // null and absent mean the same to Weaviate on create.
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') fields[k] = { stringValue: v };
    else if (typeof v === 'number' && Number.isFinite(v)) fields[k] = { numberValue: v };
    else if (typeof v === 'boolean') fields[k] = { boolValue: v };
    else return undefined;
  }
  return fields;
}

/** The REST-shaped result of every object of a request from the gRPC reply's failed indexes. */
export function fromBatchReply(
  reply: weaviate.v1.IBatchObjectsReply,
  objects: ReadonlyArray<weaviate.v1.IBatchObject>,
): BatchResultItem[] {
  const failed = new Map<number, string[]>();
  for (const e of reply.errors ?? []) {
    const at = e.index ?? 0;
    const list = failed.get(at) ?? [];
    list.push(e.error ?? 'unknown error');
    failed.set(at, list);
  }
  return objects.map((o, i) => {
    // What `check_batch_result` and the accounting read: id, class, tenant and result.errors.
    const r: BatchResultItem = { id: o.uuid!, class: o.collection!, result: { status: 'SUCCESS' } };
    if (o.tenant) r.tenant = o.tenant;
    const messages = failed.get(i);
    if (messages)
      r.result = { errors: { error: messages.map((message) => ({ message })) }, status: 'FAILED' };
    return r;
  });
}

/** BatchObjects for messages made by {@link toBatchObjects}; results shaped as REST's. */
export function batchObjectsGrpcOp(
  objects: weaviate.v1.IBatchObject[],
  consistencyLevel: string | undefined,
): GrpcOperation<BatchResultItem[]> {
  const what = 'Create objects in batch';
  return {
    name: 'batch.createObjects',
    rpc: 'BatchObjects',
    encode: (pb) =>
      pb.BatchObjectsRequest.encode({
        objects,
        consistencyLevel: consistencyLevel === undefined ? undefined : CONSISTENCY[consistencyLevel],
      }).finish(),
    decode: (reply, pb) => fromBatchReply(pb.BatchObjectsReply.decode(reply), objects),
    what,
    serverError: (message) => new WeaviateGrpcError(`${what}: ${message}`, [message]),
  };
}
