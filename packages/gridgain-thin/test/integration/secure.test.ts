import { type ServerInfo, useServer } from '@dbwire/test-servers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CERT_NONE,
  CERT_REQUIRED,
  Client,
  ConnectionError,
  PROP_NAME,
} from '../../src/index.js';

let info: ServerInfo;
let host: string;
let port: number;
let tls: { ca: string; cert: string; key: string };

beforeAll(async () => {
  info = await useServer('ignite-secure');
  const [h, p] = info.endpoints[0]!.split(':');
  host = h!;
  port = Number(p);
  tls = info.tls as typeof tls;
});

const creds = () => ({ username: info.username as string, password: info.password as string });

describe('authentication and mutual TLS (ignite-secure)', () => {
  it('the seed example: credentials plus client certificate, CERT_REQUIRED', async () => {
    const client = new Client({
      sslCertReqs: CERT_REQUIRED,
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCaCertfile: tls.ca,
      ...creds(),
    });
    await client.connect(host, port);
    try {
      const cache = await client.getOrCreateCache({ [PROP_NAME]: `secure-${process.pid}` });
      await cache.put('k', 'over mTLS');
      expect(await cache.get('k')).toBe('over mTLS');
      await cache.destroy();
    } finally {
      await client.close();
    }
  });

  it('the second user works too', async () => {
    const users = info.users as Array<{ username: string; password: string }>;
    const other = users[1]!;
    const client = new Client({
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCaCertfile: tls.ca,
      ...other,
    });
    await client.connect(host, port);
    expect(await client.cacheNames()).toBeInstanceOf(Array);
    await client.close();
  });

  it('a wrong password is an AuthenticationError (not retried on other nodes, no secret in the message)', async () => {
    const client = new Client({
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCaCertfile: tls.ca,
      username: 'ignite',
      password: 'definitely-wrong-pw',
    });
    const err = await client.connect(host, port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(String((err as Error).message)).not.toContain('definitely-wrong-pw');
  });

  it('without a client certificate the server refuses the TLS session', async () => {
    const client = new Client({ sslCaCertfile: tls.ca, ...creds(), timeout: 5 });
    await expect(client.connect(host, port)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('without the CA the server certificate is rejected unless CERT_NONE', async () => {
    const strict = new Client({ sslKeyfile: tls.key, sslCertfile: tls.cert, ...creds(), timeout: 5 });
    const err = await strict.connect(host, port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(String((err as Error).message)).toMatch(/certificate/i);
    const lax = new Client({
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCertReqs: CERT_NONE,
      ...creds(),
    });
    await lax.connect(host, port);
    expect(lax.connected).toBe(true);
    await lax.close();
  });

  it('credentials turn TLS on by default; useSsl: false sends them in clear (refused by this TLS port)', async () => {
    const plain = new Client({ ...creds(), useSsl: false, timeout: 5 });
    await expect(plain.connect(host, port)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('pinning the TLS version and ciphers', async () => {
    const client = new Client({
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCaCertfile: tls.ca,
      sslVersion: 'TLSv1.2',
      sslCiphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256',
      ...creds(),
    });
    await client.connect(host, port);
    expect(client.connected).toBe(true);
    await client.close();
  });
});

describe('authentication on a server without it (ignite)', () => {
  it('credentials with useSsl: false are accepted by a server with authentication off', async () => {
    const plainInfo = await useServer('ignite');
    const [h, p] = plainInfo.endpoints[0]!.split(':');
    const client = new Client({ username: 'ignite', password: 'ignite', useSsl: false });
    await client.connect(h!, Number(p));
    expect(await client.cacheNames()).toBeInstanceOf(Array);
    await client.close();
  });
});
