import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  Client,
  ConnectionError,
  TimeoutError,
  UnexpectedStatusCodeException,
  UsageError,
  WeaviateStartUpError,
} from '../../src/index.js';
import { weaviateUrl } from './helpers.js';

let url: string;
let client: Client;
/** A loopback listener that accepts connections and never answers: a server that hangs. */
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  url = await weaviateUrl();
  client = new Client(url);
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  await client?.close();
  silent?.close();
});

describe('Client basics (seed: is_ready, is_live, get_meta, get_openid_configuration)', () => {
  it('isReady and isLive are true on the running server', async () => {
    expect(await client.isReady()).toBe(true);
    expect(await client.isLive()).toBe(true);
  });

  it('getMeta reports the server version and hostname', async () => {
    const meta = await client.getMeta();
    expect(meta.version).toMatch(/^1\.\d+\.\d+/);
    expect(typeof meta.hostname).toBe('string');
    expect(meta.modules).toHaveProperty('backup-filesystem');
  });

  it('getOpenidConfiguration is null on a server without OIDC', async () => {
    expect(await client.getOpenidConfiguration()).toBeNull();
  });

  it('accepts the seed keyword form new Client({ url, additionalHeaders })', async () => {
    const c = new Client({ url, additionalHeaders: { HeaderKey: 'HeaderValue' } });
    try {
      expect((await c.getMeta()).version).toBe((await client.getMeta()).version);
    } finally {
      await c.close();
    }
  });
});

describe('failures are typed and never hang', () => {
  it('an unreachable server: isReady is false, other calls reject with ConnectionError', async () => {
    const c = new Client('http://127.0.0.1:9', { timeoutConfig: [2, 2] });
    try {
      expect(await c.isReady()).toBe(false);
      const err = await c.getMeta().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).code).toBe('ECONNREFUSED');
    } finally {
      await c.close();
    }
  });

  it('a server that never answers: the read timeout (timeoutConfig) fails the call with TimeoutError', async () => {
    const c = new Client(`http://127.0.0.1:${silentPort}`, { timeoutConfig: [2, 1] });
    const started = Date.now();
    try {
      const err = await c.getMeta().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await c.close();
    }
  });

  it('a per-call timeout and an AbortSignal: TimeoutError and CancelledError', async () => {
    const c = new Client(`http://127.0.0.1:${silentPort}`);
    try {
      const t0 = Date.now();
      await expect(c.getMeta({ timeout: 200 })).rejects.toBeInstanceOf(TimeoutError);
      expect(Date.now() - t0).toBeLessThan(2_000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await expect(c.schema.get(undefined, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    } finally {
      await c.close();
    }
  });

  it('startupPeriod: a server that is not ready fails with WeaviateStartUpError after the period', async () => {
    const c = new Client('http://127.0.0.1:9', { startupPeriod: 1 });
    const t0 = Date.now();
    try {
      await expect(c.getMeta()).rejects.toBeInstanceOf(WeaviateStartUpError);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    } finally {
      await c.close();
    }
    const ok = new Client(url, { startupPeriod: 5 });
    try {
      expect((await ok.getMeta()).version).toMatch(/^1\./);
    } finally {
      await ok.close();
    }
  });

  it('unknown class: UnexpectedStatusCodeException with status and server message', async () => {
    const err = await client.schema.get('NoSuchClassAnywhere').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).statusCode).toBe(404);
  });

  it('bad input is a UsageError before any I/O', () => {
    expect(() => new Client('localhost:8080')).toThrow(UsageError);
    expect(() => new Client(url, { timeoutConfig: [0, 1] })).toThrow(UsageError);
  });

  it('a closed client rejects with ERR_CLOSED', async () => {
    const c = new Client(url);
    await c.close();
    await expect(c.getMeta()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});
