/**
 * Batch objects over gRPC (`weaviate.v1.Weaviate/BatchObjects`): the operation for a request the
 * {@link GrpcObjectQueue} encoded, and the reply (it lists only the failed indexes) as the per-object
 * results the REST answer has.
 *
 * Why: the REST answer echoes every object with its vector (about 3.5 MB per 1,000 objects of 128
 * dimensions) and the server parses every number of the request as JSON; over gRPC a vector is 4
 * bytes per dimension and the reply is a few bytes.
 */
import type { GrpcOperation } from './connection.js';
import { WeaviateGrpcError } from './errors.js';
import type { weaviate } from './generated/weaviate.js';
import { batchObjectsRequest, type EncodedObjects } from './grpc-object-queue.js';
import type { BatchResultItem } from './util.js';

/** The REST-shaped result of every object of a request from the gRPC reply's failed indexes. */
export function fromBatchReply(
  reply: weaviate.v1.IBatchObjectsReply,
  objects: EncodedObjects,
): BatchResultItem[] {
  const failed = new Map<number, string[]>();
  for (const e of reply.errors ?? []) {
    const at = e.index ?? 0;
    const list = failed.get(at) ?? [];
    list.push(e.error ?? 'unknown error');
    failed.set(at, list);
  }
  return objects.uuids.map((id, i) => {
    // What `check_batch_result` and the accounting read: id, class, tenant and result.
    const r: BatchResultItem = { id, class: objects.classes[i]!, result: { status: 'SUCCESS' } };
    const tenant = objects.tenants[i];
    if (tenant) r.tenant = tenant;
    const messages = failed.get(i);
    if (messages)
      r.result = { errors: { error: messages.map((message) => ({ message })) }, status: 'FAILED' };
    return r;
  });
}

/** BatchObjects for one encoded request; results shaped as REST's. */
export function batchObjectsGrpcOp(
  objects: EncodedObjects,
  consistencyLevel: string | undefined,
): GrpcOperation<BatchResultItem[]> {
  const what = 'Create objects in batch';
  return {
    name: 'batch.createObjects',
    rpc: 'BatchObjects',
    encode: () => batchObjectsRequest(objects.bytes, consistencyLevel),
    decode: (reply, pb) => fromBatchReply(pb.BatchObjectsReply.decode(reply), objects),
    what,
    serverError: (message) => new WeaviateGrpcError(`${what}: ${message}`, [message]),
  };
}
