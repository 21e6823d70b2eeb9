import { describe, expect, it } from 'vitest';
import { google, weaviate } from './generated/weaviate.js';
import { fromBatchReply, toBatchObjects } from './grpc-batch.js';

const pb = weaviate.v1;
const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

describe('toBatchObjects', () => {
  it('plain objects become BatchObject messages: id, class, tenant, float32 vector, scalar properties', () => {
    const messages = toBatchObjects([
      {
        class: 'Article',
        id: id(1),
        tenant: 'tenantA',
        vector: [0.5, -1.25, 3],
        properties: { title: 'hello', wordCount: 42, ratio: 0.25, ok: true, gone: null },
      },
      { class: 'Article', id: id(2) },
    ]);
    expect(messages).toHaveLength(2);
    // Through the codec, as the server reads it.
    const request = pb.BatchObjectsRequest.decode(
      pb.BatchObjectsRequest.encode({ objects: messages!, consistencyLevel: 2 }).finish(),
    );
    const [a, b] = request.objects;
    expect([a!.uuid, a!.collection, a!.tenant]).toEqual([id(1), 'Article', 'tenantA']);
    const bytes = a!.vectorBytes!;
    expect([
      ...new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    ]).toEqual([0.5, -1.25, 3]);
    const fields = a!.properties!.nonRefProperties!.fields!;
    expect(Object.keys(fields).sort()).toEqual(['ok', 'ratio', 'title', 'wordCount']);
    expect(
      google.protobuf.Value.decode(google.protobuf.Value.encode(fields.title!).finish()).stringValue,
    ).toBe('hello');
    expect([fields.wordCount!.numberValue, fields.ratio!.numberValue, fields.ok!.boolValue]).toEqual([
      42,
      0.25,
      true,
    ]);
    expect([b!.uuid, b!.vectorBytes?.length, b!.properties]).toEqual([id(2), 0, null]);
    expect(request.consistencyLevel).toBe(2);
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
    ['no id', { class: 'A', properties: {} }],
  ])('a request with %s goes over REST (undefined)', (_what, body) => {
    expect(toBatchObjects([{ class: 'A', id: id(0) }, body])).toBeUndefined();
  });
});

describe('fromBatchReply', () => {
  it("gives every object REST's result shape; failed indexes carry the server's messages", () => {
    const objects = [0, 1, 2].map((n) => ({ uuid: id(n), collection: 'A', tenant: n === 2 ? 't' : '' }));
    const reply = pb.BatchObjectsReply.decode(
      pb.BatchObjectsReply.encode({
        took: 1,
        errors: [{ index: 1, error: 'invalid integer property' }],
      }).finish(),
    );
    expect(fromBatchReply(reply, objects)).toEqual([
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
