import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthApiKey,
  AuthBearerToken,
  AuthClientCredentials,
  AuthClientPassword,
  AuthenticationFailedException,
  Client,
} from '../../src/index.js';
import { uniqueClass } from './helpers.js';

/** HTTP statuses undici saw, from its own diagnostics channel (the 401 retry inside the funnel included). */
function watchStatuses(): { statuses: number[]; stop: () => void } {
  const statuses: number[] = [];
  const on = (m: unknown) => statuses.push((m as { response: { statusCode: number } }).response.statusCode);
  subscribe('undici:request:headers', on);
  return { statuses, stop: () => unsubscribe('undici:request:headers', on) };
}

describe('API key (weaviate-auth)', () => {
  let url: string;
  let apiKey: string;
  beforeAll(async () => {
    const info = await useServer('weaviate-auth');
    url = info.endpoints[0]!;
    apiKey = info.apiKey as string;
  });

  it('AuthApiKey(key) and AuthApiKey({ apiKey }) reach the schema', async () => {
    for (const auth of [new AuthApiKey(apiKey), new AuthApiKey({ apiKey })]) {
      const client = new Client(url, { authClientSecret: auth });
      try {
        const schema = await client.schema.get();
        expect(Array.isArray(schema.classes)).toBe(true);
      } finally {
        await client.close();
      }
    }
  });

  it('a wrong key and no key: AuthenticationFailedException with the server message, key never shown', async () => {
    const wrong = new Client(url, { authClientSecret: new AuthApiKey('wrong-key-123456') });
    const none = new Client(url);
    try {
      const err = await wrong.schema.get().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationFailedException);
      expect(String((err as Error).message)).not.toContain('wrong-key-123456');
      expect(String((err as Error).message)).toMatch(/401/);
      await expect(none.schema.get()).rejects.toBeInstanceOf(AuthenticationFailedException);
      // Probes stay anonymous: readiness works without credentials.
      expect(await none.isReady()).toBe(true);
    } finally {
      await wrong.close();
      await none.close();
    }
  });
});

describe('OIDC (weaviate-oidc with a local issuer, short-lived tokens)', () => {
  let info: Awaited<ReturnType<typeof useServer>>;
  let url: string;
  const made: Client[] = [];
  const client = (auth: ConstructorParameters<typeof Client>[1]) => {
    const c = new Client(url, auth);
    made.push(c);
    return c;
  };

  beforeAll(async () => {
    info = await useServer('weaviate-oidc');
    url = info.endpoints[0]!;
  });
  afterAll(async () => {
    for (const c of made) await c.close();
  });

  it('getOpenidConfiguration names the issuer and the client id', async () => {
    const cfg = await client({}).getOpenidConfiguration();
    expect(cfg?.clientId).toBe(info.clientId);
    expect(cfg?.href).toBe(`${info.issuer as string}/.well-known/openid-configuration`);
  });

  it('AuthClientPassword: calls keep working across token lifetimes, refreshed before expiry (no 401)', async () => {
    const c = client({
      authClientSecret: new AuthClientPassword({
        username: info.username as string,
        password: info.password as string,
      }),
    });
    const lifetimeMs = (info.accessTokenLifetimeSeconds as number) * 1000;
    const watch = watchStatuses();
    const until = Date.now() + 2 * lifetimeMs + 1000;
    let calls = 0;
    try {
      while (Date.now() < until) {
        expect(Array.isArray((await c.schema.get()).classes)).toBe(true);
        calls++;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      watch.stop();
    }
    expect(calls).toBeGreaterThan(10);
    expect(watch.statuses.filter((s) => s === 401)).toEqual([]);
  }, 120_000);

  it('AuthClientCredentials: the service account gets in', async () => {
    const c = client({
      authClientSecret: new AuthClientCredentials({ clientSecret: info.clientSecret as string }),
    });
    const name = uniqueClass('Oidc');
    await c.schema.createClass({ class: name, vectorizer: 'none' });
    expect(await c.schema.contains(name)).toBe(true);
    await c.schema.deleteClass(name);
  });

  it('a wrong password: AuthenticationFailedException naming the issuer refusal', async () => {
    const c = client({
      authClientSecret: new AuthClientPassword({ username: info.username as string, password: 'wrong' }),
    });
    const err = await c.schema.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationFailedException);
    expect((err as Error).message).toMatch(/invalid_grant|refused/);
  });

  it('AuthBearerToken with a refresh token: renewed through the issuer after expiresIn', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: info.clientId as string,
      client_secret: info.clientSecret as string,
      username: info.username as string,
      password: info.password as string,
      scope: 'openid offline_access',
    });
    const res = await fetch(`${info.issuer as string}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const tokens = (await res.json()) as { access_token: string; refresh_token: string };
    expect(typeof tokens.refresh_token).toBe('string');
    const c = client({
      authClientSecret: new AuthBearerToken({
        accessToken: tokens.access_token,
        expiresIn: 2,
        refreshToken: tokens.refresh_token,
      }),
    });
    expect(Array.isArray((await c.schema.get()).classes)).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect(Array.isArray((await c.schema.get()).classes)).toBe(true);
  });

  it('AuthBearerToken without a refresh token: after expiry a clear AuthenticationFailedException, no request', async () => {
    const c = client({
      authClientSecret: new AuthBearerToken({ accessToken: 'eyJ.fake.token', expiresIn: 1 }),
    });
    await new Promise((r) => setTimeout(r, 1100));
    const watch = watchStatuses();
    try {
      const err = await c.schema.get().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationFailedException);
      expect((err as AuthenticationFailedException).code).toBe('ERR_TOKEN_EXPIRED');
    } finally {
      watch.stop();
    }
    expect(watch.statuses).toEqual([]);
  });
});
