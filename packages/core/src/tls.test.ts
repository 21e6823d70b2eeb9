import { describe, expect, it } from 'vitest';
import { toNodeTlsOptions } from './tls.js';

describe('toNodeTlsOptions', () => {
  it('verifies by default and sets SNI from a host name', () => {
    expect(toNodeTlsOptions({}, 'db.example')).toEqual({
      rejectUnauthorized: true,
      servername: 'db.example',
    });
    expect(toNodeTlsOptions({})).toEqual({ rejectUnauthorized: true });
  });

  it('never sends an IP address as SNI', () => {
    expect(toNodeTlsOptions({}, '10.0.0.1')).toEqual({ rejectUnauthorized: true });
    expect(toNodeTlsOptions({}, '::1')).toEqual({ rejectUnauthorized: true });
  });

  it('copies every given field; insecure only when asked', () => {
    const out = toNodeTlsOptions(
      {
        ca: 'CA',
        cert: 'CERT',
        key: Buffer.from('KEY'),
        passphrase: 'pp',
        servername: 'name.example',
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.3',
        ciphers: 'HIGH',
      },
      'other.example',
    );
    expect(out).toEqual({
      ca: 'CA',
      cert: 'CERT',
      key: Buffer.from('KEY'),
      passphrase: 'pp',
      servername: 'name.example',
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      ciphers: 'HIGH',
    });
  });
});
