import { describe, expect, it } from 'vitest';
import { batchObjectsOp, batchReferencesOp, itemErrors, ObjectQueue, splitBySize } from './batch.js';

const item = (n: number) => ({ json: 'x'.repeat(n) });

describe('splitBySize', () => {
  it('never exceeds the byte budget (item bytes + separators) or the count', () => {
    const chunks = splitBySize([item(10), item(10), item(10), item(10), item(10)], 25);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(splitBySize([item(1), item(1), item(1)], 1000, 2).map((c) => c.length)).toEqual([2, 1]);
  });

  it('sends an item larger than the budget alone instead of dropping it', () => {
    const chunks = splitBySize([item(5), item(100), item(5)], 20);
    expect(chunks.map((c) => c.map((i) => i.json.length))).toEqual([[5], [100], [5]]);
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    const wide = { json: 'é'.repeat(10) }; // 20 bytes
    expect(splitBySize([wide, wide], 30).map((c) => c.length)).toEqual([1, 1]);
  });
});

describe('batch operations', () => {
  it('objects: one JSON body from the pre-encoded items; a short answer is refused, not dropped', () => {
    const op = batchObjectsOp(
      [
        { uuid: 'a', body: {}, json: '{"class":"A"}' },
        { uuid: 'b', body: {}, json: '{"class":"B"}' },
      ],
      'QUORUM',
    );
    expect(op.path).toBe('/v1/batch/objects?consistency_level=QUORUM');
    expect(JSON.parse(String(op.rawBody!))).toEqual({
      fields: ['ALL'],
      objects: [{ class: 'A' }, { class: 'B' }],
    });
    expect(() => op.decode([{}], 200)).toThrow(
      expect.objectContaining({ code: 'ERR_BATCH_RESULT_MISMATCH' }),
    );
  });

  it('references: a JSON array; item errors from errors.error or status FAILED', () => {
    const op = batchReferencesOp([{ body: { from: 'f', to: 't' }, json: '{"from":"f","to":"t"}' }]);
    expect(JSON.parse(String(op.rawBody!))).toEqual([{ from: 'f', to: 't' }]);
    expect(itemErrors({ result: { status: 'SUCCESS' } })).toBeUndefined();
    expect(itemErrors({ result: { errors: { error: [{ message: 'no such prop' }] } } })).toEqual([
      'no such prop',
    ]);
    expect(itemErrors({ result: { status: 'FAILED' } })).toEqual(['FAILED']);
  });

  it('without a callback, an all-success answer is counted, not parsed; any error means a full parse', () => {
    const items = [
      { uuid: 'a', body: {}, json: '{}' },
      { uuid: 'b', body: {}, json: '{}' },
    ];
    const op = batchObjectsOp(items, undefined, false);
    const ok = '[{"id":"a","result":{"status":"SUCCESS"}},{"id":"b","result":{"status":"SUCCESS"}}]';
    expect(op.decode(ok, 200)).toEqual([
      { result: { status: 'SUCCESS' } },
      { result: { status: 'SUCCESS' } },
    ]);
    const bad =
      '[{"id":"a","result":{"status":"SUCCESS"}},{"id":"b","result":{"errors":{"error":[{"message":"m"}]}}}]';
    expect(op.decode(bad, 200)[1]).toEqual({ id: 'b', result: { errors: { error: [{ message: 'm' }] } } });
    // One result short: parsed, and refused as a mismatch rather than counted as success.
    expect(() => op.decode('[{"id":"a","result":{}}]', 200)).toThrow(
      expect.objectContaining({ code: 'ERR_BATCH_RESULT_MISMATCH' }),
    );
  });
});

describe('ObjectQueue (objects encoded into one reused buffer)', () => {
  // Objects with 1-, 2-, 3- and 4-byte UTF-8 characters, so byte and UTF-16 offsets differ.
  const texts = ['plain', 'é café', '€ ≠ ∞', '😀 emoji', `${'x'.repeat(3000)}ü`];
  const objects = Array.from({ length: 50 }, (_, i) => ({
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    properties: { n: i, text: texts[i % texts.length] },
    vector: [i / 7, i, 0.5],
  }));
  const fill = (queue: ObjectQueue) => {
    for (const o of objects) queue.push(o.id, JSON.stringify(o));
  };

  it('every request body is exactly its objects, and every object is found again in it', () => {
    const queue = new ObjectQueue();
    fill(queue);
    expect(queue.length).toBe(50);
    // 4000 bytes: the 3 KB objects go (nearly) alone, so there are many requests, framed mid-buffer.
    const chunks = queue.take(4000, 7);
    expect(queue.length).toBe(0);
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    expect(chunks.every((c) => c.length <= 7 && Buffer.byteLength(c.body) <= 4000 + 30)).toBe(true);
    const sent = chunks.flatMap((c) => (JSON.parse(c.body.toString()) as { objects: unknown[] }).objects);
    expect(sent).toEqual(objects);
    const items = chunks.flatMap((c) => Array.from({ length: c.length }, (_, i) => c.item(i)));
    expect(items.map((i) => i.uuid)).toEqual(objects.map((o) => o.id));
    expect(items.map((i) => i.json)).toEqual(objects.map((o) => JSON.stringify(o)));
    expect(items[3]!.body).toEqual(objects[3]);
  });

  it('one request when within limits; the buffer is reused with nothing left of the last batch', () => {
    const queue = new ObjectQueue();
    fill(queue); // about 40 KB of JSON: beyond the initial buffer, so it grows once
    const [first, ...rest] = queue.take(10 * 1024 * 1024, Number.POSITIVE_INFINITY);
    expect(rest).toEqual([]);
    expect(JSON.parse(first!.body.toString())).toEqual({ fields: ['ALL'], objects });
    queue.push(objects[1]!.id, JSON.stringify(objects[1]));
    const [again] = queue.take(10 * 1024 * 1024, Number.POSITIVE_INFINITY);
    expect(again!.body.toString()).toBe(`{"fields":["ALL"],"objects":[${JSON.stringify(objects[1])}]}`);
    expect(queue.take(100, 1)).toEqual([]);
  });
});
