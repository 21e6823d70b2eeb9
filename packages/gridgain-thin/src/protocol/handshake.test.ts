import { ProtocolError } from '@dbwire/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureMask, hasFeature } from './constants.js';
import { decodeHandshake, encodeHandshake, uuidString } from './handshake.js';

describe('handshake encoding', () => {
  it('1.0.0: length, code 1, version, client type 2 and nothing else', () => {
    const b = encodeHandshake({ version: [1, 0, 0] });
    expect(b.toString('hex')).toBe(`08000000` + `01` + `0100` + `0000` + `0000` + `02`);
  });

  it('1.7.0 with features and credentials', () => {
    const b = encodeHandshake({
      version: [1, 7, 0],
      features: featureMask([11]),
      username: 'ignite',
      password: 'pw',
    });
    const body = b.subarray(4);
    expect(b.readInt32LE(0)).toBe(body.length);
    expect(body.subarray(0, 8).toString('hex')).toBe('01' + '0100' + '0700' + '0000' + '02');
    // byte array object: code 12, length 2, bit 11 = byte 1 bit 3
    expect(body.subarray(8, 15).toString('hex')).toBe('0c' + '02000000' + '0008');
    expect(body.subarray(15).toString('hex')).toBe(
      `09${'06000000'}${Buffer.from('ignite').toString('hex')}09${'02000000'}${Buffer.from('pw').toString('hex')}`,
    );
  });

  it('counts UTF-8 bytes, not characters, in credential strings (the pyignite bug)', () => {
    const b = encodeHandshake({ version: [1, 1, 0], username: 'ü', password: '€' });
    const body = b.subarray(4 + 8);
    expect(body.readInt32LE(1)).toBe(2);
    expect(body.readInt32LE(1 + 4 + 2 + 1)).toBe(3);
  });

  it('older versions omit credentials they cannot carry and the feature mask', () => {
    expect(encodeHandshake({ version: [1, 0, 0], username: 'u', password: 'p' }).length).toBe(12);
    expect(encodeHandshake({ version: [1, 6, 0], features: featureMask([11]) }).length).toBe(12);
  });
});

describe('handshake decoding', () => {
  it('success on 1.7.0 with features and node id', () => {
    const f = Buffer.concat([
      Buffer.from([1, 12]),
      Buffer.from([2, 0, 0, 0, 0x00, 0x08]),
      Buffer.from([10]),
      Buffer.from('0807060504030201100f0e0d0c0b0a09', 'hex'),
    ]);
    const r = decodeHandshake(f, [1, 7, 0]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(hasFeature(r.features, 11)).toBe(true);
    expect(hasFeature(r.features, 2)).toBe(false);
    expect(r.nodeId).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
  });

  it('success on 1.0.0 is a single byte', () => {
    expect(decodeHandshake(Buffer.from([1]), [1, 0, 0])).toEqual({
      ok: true,
      features: undefined,
      nodeId: undefined,
    });
  });

  it('failure carries the server version, message and status', () => {
    const msg = Buffer.from('Unsupported version.');
    const f = Buffer.concat([
      Buffer.from([0, 1, 0, 7, 0, 0, 0, 9]),
      Buffer.from([msg.length, 0, 0, 0]),
      msg,
      Buffer.from([0xd0, 0x07, 0, 0]),
    ]);
    expect(decodeHandshake(f, [1, 7, 1])).toEqual({
      ok: false,
      serverVersion: [1, 7, 0],
      message: 'Unsupported version.',
      status: 2000,
    });
  });

  it('uuidString formats msb/lsb little-endian longs', () => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(0x123e4567e89b12d3n, 0);
    b.writeBigUInt64LE(0xa456426614174000n, 8);
    expect(uuidString(b)).toBe('123e4567-e89b-12d3-a456-426614174000');
  });

  it('fuzz: any response bytes decode or throw ProtocolError (100k cases)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 48 }),
        fc.constantFrom([1, 0, 0], [1, 4, 0], [1, 7, 0]),
        (bytes, v) => {
          try {
            decodeHandshake(Buffer.from(bytes), v as [number, number, number]);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 100_000 },
    );
  }, 60_000);
});
