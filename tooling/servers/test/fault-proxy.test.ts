import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arangoCredentials } from '../src/arango/credentials.js';
import { FaultProxy } from '../src/fault-proxy.js';
import { useServer } from '../src/index.js';

/** The fault proxy in front of the live arango-replay server (or the real one in docker mode). */

let proxy: FaultProxy;
let pool: Pool;

beforeAll(async () => {
  const info = await useServer('arango-replay');
  const target = new URL(String(info.url));
  proxy = await FaultProxy.start({ target: { host: target.hostname, port: Number(target.port || 80) } });
  pool = new Pool(`http://${proxy.host}:${proxy.port}`, { connections: 2 });
});

afterAll(async () => {
  await pool?.close();
  await proxy?.close();
});

/** The replay answers like a real server: without credentials, 401. */
function authorization(): string {
  const { username, password } = arangoCredentials();
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function version(): Promise<{ status: number; body: any }> {
  const res = await pool.request({
    path: '/_api/version',
    method: 'GET',
    headers: { authorization: authorization() },
  });
  return { status: res.statusCode, body: await res.body.json() };
}

describe('FaultProxy against arango-replay', () => {
  it('passes requests through', async () => {
    const r = await version();
    expect(r.status).toBe(200);
    expect(r.body.server).toBe('arango');
    expect(proxy.connections).toBeGreaterThan(0);
  });

  it('cutting a live connection fails the in-flight request with a socket error; restored proxy works', async () => {
    proxy.stall(10_000);
    const before = proxy.stats.up;
    const pending = version();
    const outcome = pending.then(
      () => undefined,
      (err: unknown) => err,
    );
    const until = Date.now() + 5000;
    while (proxy.stats.up === before && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(proxy.stats.up).toBeGreaterThan(before);
    proxy.cutAll();
    const err = (await outcome) as (Error & { code?: string }) | undefined;
    expect(err).toBeInstanceOf(Error);
    expect(err?.code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    proxy.restore();
    const again = await version();
    expect(again.status).toBe(200);
    expect(again.body.version).toBeDefined();
  });

  it('refuseNew makes fresh connections fail until restored', async () => {
    proxy.cutAll();
    proxy.refuseNew();
    await expect(version()).rejects.toMatchObject({
      code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/),
    });
    proxy.restore();
    expect((await version()).status).toBe(200);
  });
});
