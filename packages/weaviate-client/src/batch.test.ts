import { describe, expect, it } from 'vitest';
import { batchObjectsOp, batchReferencesOp, itemErrors, splitBySize } from './batch.js';

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
    expect(JSON.parse(op.rawBody!)).toEqual({ fields: ['ALL'], objects: [{ class: 'A' }, { class: 'B' }] });
    expect(() => op.decode([{}], 200)).toThrow(
      expect.objectContaining({ code: 'ERR_BATCH_RESULT_MISMATCH' }),
    );
  });

  it('references: a JSON array; item errors from errors.error or status FAILED', () => {
    const op = batchReferencesOp([{ body: { from: 'f', to: 't' }, json: '{"from":"f","to":"t"}' }]);
    expect(JSON.parse(op.rawBody!)).toEqual([{ from: 'f', to: 't' }]);
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
