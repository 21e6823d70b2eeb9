import { ProtocolError } from '@dbwire/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frames.js';

function frame(body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeInt32LE(body.length);
  return Buffer.concat([h, body]);
}

describe('FrameDecoder', () => {
  it('returns one frame from one chunk, without the length prefix', () => {
    const d = new FrameDecoder();
    const out = d.push(frame(Buffer.from('hello')));
    expect(out.map((b) => b.toString())).toEqual(['hello']);
    expect(d.buffered).toBe(0);
  });

  it('assembles a frame split at every possible byte boundary', () => {
    const whole = Buffer.concat([frame(Buffer.from('abcdef')), frame(Buffer.from('xyz'))]);
    for (let cut = 0; cut <= whole.length; cut++) {
      for (let cut2 = cut; cut2 <= whole.length; cut2++) {
        const d = new FrameDecoder();
        const got = [
          ...d.push(whole.subarray(0, cut)),
          ...d.push(whole.subarray(cut, cut2)),
          ...d.push(whole.subarray(cut2)),
        ];
        expect(got.map((b) => b.toString())).toEqual(['abcdef', 'xyz']);
        expect(d.buffered).toBe(0);
      }
    }
  });

  it('returns every coalesced frame of a chunk, including empty ones', () => {
    const d = new FrameDecoder();
    const chunk = Buffer.concat([frame(Buffer.from('a')), frame(Buffer.alloc(0)), frame(Buffer.from('bc'))]);
    expect(d.push(chunk).map((b) => b.toString())).toEqual(['a', '', 'bc']);
  });

  it('copies frames: later changes to the socket chunk do not alter a returned frame', () => {
    const d = new FrameDecoder();
    const chunk = frame(Buffer.from('keep'));
    const [f] = d.push(chunk);
    chunk.fill(0);
    expect(f!.toString()).toBe('keep');
    // also on the slow path (frame spread over two chunks)
    const c1 = frame(Buffer.from('split-me')).subarray(0, 7);
    const c2 = frame(Buffer.from('split-me')).subarray(7);
    d.push(Buffer.from(c1));
    const [g] = d.push(c2);
    c2.fill(0);
    expect(g!.toString()).toBe('split-me');
  });

  it('rejects negative and oversized lengths with ProtocolError', () => {
    const neg = Buffer.alloc(4);
    neg.writeInt32LE(-5);
    expect(() => new FrameDecoder().push(neg)).toThrow(ProtocolError);
    const big = Buffer.alloc(4);
    big.writeInt32LE(1000);
    expect(() => new FrameDecoder(100).push(big)).toThrow(/invalid frame length 1000/);
    // the same when the length itself arrives split
    const d = new FrameDecoder(100);
    d.push(big.subarray(0, 2));
    expect(() => d.push(big.subarray(2))).toThrow(ProtocolError);
  });

  it('property: any frames cut into any chunks come out identical and in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(60), { maxLength: 12 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map((b) => frame(Buffer.from(b))));
          const points = [...new Set(cuts.map((c) => Math.min(c, stream.length)))].sort((a, b) => a - b);
          const d = new FrameDecoder();
          const out: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            out.push(...d.push(stream.subarray(prev, p)));
            prev = p;
          }
          expect(out.map((b) => b.toString('hex'))).toEqual(
            bodies.map((b) => Buffer.from(b).toString('hex')),
          );
          expect(d.buffered).toBe(0);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('fuzz: garbage chunks yield frames or a ProtocolError, never another error (100k cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: 1, maxLength: 6 }), (chunks) => {
        const d = new FrameDecoder(64);
        try {
          for (const c of chunks) {
            for (const f of d.push(Buffer.from(c))) expect(f.length).toBeLessThanOrEqual(64);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 100_000 },
    );
  }, 60_000);
});
