import { describe, expect, it } from 'vitest';
import { weaviate } from './generated/weaviate.js';
import { fromBatchReply } from './grpc-batch.js';
import { batchObjectsRequest, decodeObject, GrpcObjectQueue } from './grpc-object-queue.js';

const pb = weaviate.v1;
const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

describe('GrpcObjectQueue (hand-encoded BatchObjectsRequest)', () => {
  const first = {
    class: 'Article',
    id: id(1),
    tenant: 'tenantA',
    vector: [0.5, -1.25, 3],
    properties: { title: 'héllo ✓ 😀', wordCount: 42, ratio: 0.25, ok: true, no: false, gone: null },
  };
  const second = { class: 'Article', id: id(2), properties: {} };
  const third = { class: 'Article', id: id(3), vector: Array.from({ length: 200 }, (_, i) => i / 7) };

  it('the generated codec reads every field as written: ids, classes, tenant, float32 vectors, typed values', () => {
    const q = new GrpcObjectQueue();
    for (const o of [first, second, third]) expect(q.push(o.id, o)).toBe(true);
    const [req] = q.take(10 * 1024 * 1024, 100);
    const decoded = pb.BatchObjectsRequest.decode(batchObjectsRequest(req!.bytes, 'QUORUM'));
    expect(decoded.consistencyLevel).toBe(2);
    const [a, b, c] = decoded.objects;
    expect([a!.uuid, a!.collection, a!.tenant, b!.uuid, c!.uuid]).toEqual([
      id(1),
      'Article',
      'tenantA',
      id(2),
      id(3),
    ]);
    const f32 = (u: Uint8Array) => [
      ...new Float32Array(u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength)),
    ];
    expect(f32(a!.vectorBytes!)).toEqual([0.5, -1.25, 3]);
    expect(f32(c!.vectorBytes!)).toEqual(third.vector.map(Math.fround));
    const fields = a!.properties!.nonRefProperties!.fields!;
    expect(Object.keys(fields).sort()).toEqual(['no', 'ok', 'ratio', 'title', 'wordCount']);
    expect(fields.title!.stringValue).toBe('héllo ✓ 😀');
    expect([
      fields.wordCount!.numberValue,
      fields.ratio!.numberValue,
      fields.ok!.boolValue,
      fields.no!.boolValue,
    ]).toEqual([42, 0.25, true, false]);
    expect(Object.keys(b!.properties!.nonRefProperties!.fields!)).toEqual([]);
    expect(req!.classes).toEqual(['Article', 'Article', 'Article']);
    expect(req!.tenants).toEqual(['tenantA', undefined, undefined]);
  });

  it('decodeObject gives back each REST body (null properties left out, vectors as float32)', () => {
    const q = new GrpcObjectQueue();
    for (const o of [first, second, third]) q.push(o.id, o);
    const [req] = q.take(10 * 1024 * 1024, 100);
    const bodies = req!.uuids.map((_, i) => decodeObject(req!.bytes, req!.starts[i]!, req!.ends[i]!));
    const { gone: _gone, ...kept } = first.properties;
    expect(bodies).toEqual([
      { ...first, properties: kept },
      second,
      { ...third, vector: third.vector.map(Math.fround) },
    ]);
  });

  it('splits by count and by bytes, at least one object per request, and reuses the buffer', () => {
    const q = new GrpcObjectQueue();
    for (let i = 0; i < 10; i++) q.push(id(i), { ...third, id: id(i) });
    const byCount = q.take(10 * 1024 * 1024, 4);
    expect(byCount.map((r) => r.uuids.length)).toEqual([4, 4, 2]);
    for (let i = 0; i < 10; i++) q.push(id(i), { ...third, id: id(i) });
    const oneSize = byCount[0]!.bytes.length / 4;
    const bySize = q.take(oneSize * 3, 100);
    expect(bySize.map((r) => r.uuids.length)).toEqual([3, 3, 3, 1]);
    expect(q.take(1, 1)).toEqual([]);
    for (let i = 0; i < 3; i++) q.push(id(i), { ...third, id: id(i) });
    const [alone] = q.take(1, 100); // over the byte limit: still one object per request
    expect(alone!.uuids).toEqual([id(0)]);
    expect(pb.BatchObjectsRequest.decode(alone!.bytes).objects.map((o) => o.uuid)).toEqual([id(0)]);
  });

  it.each([
    ['an array property', { class: 'A', id: id(1), properties: { tags: ['a'] } }],
    ['a nested object', { class: 'A', id: id(1), properties: { inner: { k: 1 } } }],
    [
      'a reference (beacons)',
      { class: 'A', id: id(1), properties: { ref: [{ beacon: 'weaviate://localhost/B/x' }] } },
    ],
    ['named vectors', { class: 'A', id: id(1), vectors: { a: [1] } }],
    ['a non-finite number', { class: 'A', id: id(1), properties: { x: Number.NaN } }],
    ['a vector with a non-number', { class: 'A', id: id(1), vector: [1, '2'] }],
  ])('refuses an object with %s (it stays JSON, for REST) and queues nothing', (_what, body) => {
    const q = new GrpcObjectQueue();
    expect(q.push(id(1), body)).toBe(false);
    expect(q.length).toBe(0);
  });
});

describe('fromBatchReply', () => {
  it("gives every object REST's result shape; failed indexes carry the server's messages", () => {
    const q = new GrpcObjectQueue();
    for (let n = 0; n < 3; n++) q.push(id(n), { class: 'A', id: id(n), ...(n === 2 ? { tenant: 't' } : {}) });
    const [objects] = q.take(1024, 10);
    const reply = pb.BatchObjectsReply.decode(
      pb.BatchObjectsReply.encode({
        took: 1,
        errors: [{ index: 1, error: 'invalid integer property' }],
      }).finish(),
    );
    expect(fromBatchReply(reply, objects!)).toEqual([
      { id: id(0), class: 'A', result: { status: 'SUCCESS' } },
      {
        id: id(1),
        class: 'A',
        result: { errors: { error: [{ message: 'invalid integer property' }] }, status: 'FAILED' },
      },
      { id: id(2), class: 'A', tenant: 't', result: { status: 'SUCCESS' } },
    ]);
  });
});
