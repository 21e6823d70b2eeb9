import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, CancelledError, TimeoutError, UsageError } from './errors.js';
import { oidcClientCredentials, oidcPasswordGrant, oidcRefreshToken } from './oauth.js';

/**
 * A tiny OIDC issuer: discovery document plus a token endpoint that checks client authentication and
 * the form fields of each grant, issuing opaque tokens with refresh-token rotation.
 */
const CLIENT_ID = 'dbwire-test';
const CLIENT_SECRET = 'S3cret-client:value';
const USER = 'alice';
const PASSWORD = 'alice-Pa55!word';

interface Seen {
  path: string;
  form: Record<string, string>;
  authorization: string | undefined;
}

class Issuer {
  server!: Server;
  base = '';
  seen: Seen[] = [];
  discoveries: string[] = [];
  authMethods: string[] | undefined = ['client_secret_basic', 'client_secret_post'];
  issuerOverride: string | undefined;
  tokenFailure: { status: number; body: string; type: string } | undefined;
  stall = false;
  liveRefreshTokens = new Set<string>();
  #n = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.seen = [];
    this.discoveries = [];
    this.authMethods = ['client_secret_basic', 'client_secret_post'];
    this.issuerOverride = undefined;
    this.tokenFailure = undefined;
    this.stall = false;
  }

  get grants(): string[] {
    return this.seen.map((s) => s.form.grant_type!);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    if (
      req.method === 'GET' &&
      (url.pathname.endsWith('/.well-known/openid-configuration') || url.pathname === '/alt/meta.json')
    ) {
      this.discoveries.push(url.pathname);
      const issuer =
        this.issuerOverride ?? (url.pathname.startsWith('/realms/') ? `${this.base}/realms/test` : this.base);
      return json(res, 200, {
        issuer,
        token_endpoint: `${this.base}/token`,
        grant_types_supported: ['password', 'client_credentials', 'refresh_token'],
        ...(this.authMethods ? { token_endpoint_auth_methods_supported: this.authMethods } : {}),
      });
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = Object.fromEntries(new URLSearchParams(body));
      this.seen.push({ path: url.pathname, form, authorization: req.headers.authorization });
      if (this.stall) return;
      if (this.tokenFailure) {
        res.writeHead(this.tokenFailure.status, { 'content-type': this.tokenFailure.type });
        return void res.end(this.tokenFailure.body);
      }
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded;charset=UTF-8') {
        return json(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
      }
      const client = this.#client(req, form);
      if (!client)
        return json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
      switch (form.grant_type) {
        case 'password':
          if (form.username !== USER || form.password !== PASSWORD) {
            return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
          }
          return json(res, 200, this.#issue(true));
        case 'client_credentials':
          if (client === 'public') return json(res, 400, { error: 'unauthorized_client' });
          return json(res, 200, this.#issue(false));
        case 'refresh_token':
          if (!form.refresh_token || !this.liveRefreshTokens.delete(form.refresh_token)) {
            return json(res, 400, { error: 'invalid_grant', error_description: 'Token is not active' });
          }
          return json(res, 200, this.#issue(true));
        default:
          return json(res, 400, { error: 'unsupported_grant_type' });
      }
    }
    json(res, 404, { error: 'not_found' });
  }

  /** 'confidential' when Basic or form credentials match, 'public' for the public client, else undefined. */
  #client(req: IncomingMessage, form: Record<string, string>): string | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64')
        .toString()
        .split(':')
        .map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
      return id === CLIENT_ID && secret === CLIENT_SECRET ? 'confidential' : undefined;
    }
    if (form.client_secret !== undefined) {
      return form.client_id === CLIENT_ID && form.client_secret === CLIENT_SECRET
        ? 'confidential'
        : undefined;
    }
    return form.client_id === 'public-cli' ? 'public' : undefined;
  }

  #issue(withRefresh: boolean): Record<string, unknown> {
    const n = ++this.#n;
    const out: Record<string, unknown> = {
      access_token: `at-${n}-opaque`,
      token_type: 'Bearer',
      expires_in: 300,
    };
    if (withRefresh) {
      out.refresh_token = `rt-${n}-opaque`;
      this.liveRefreshTokens.add(`rt-${n}-opaque`);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const issuer = new Issuer();
beforeAll(() => issuer.start());
afterAll(() => issuer.stop());
beforeEach(() => issuer.reset());

const base = () => ({
  issuer: issuer.base,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  allowInsecureHttp: true,
});

describe('oidcPasswordGrant', () => {
  it('discovers the issuer and runs the password grant with Basic client auth', async () => {
    const before = Date.now();
    const p = oidcPasswordGrant({ ...base(), username: USER, password: PASSWORD, scope: 'openid profile' });
    const h = await p.headers();
    expect(h.authorization).toMatch(/^Bearer at-\d+-opaque$/);
    expect(issuer.discoveries).toEqual(['/.well-known/openid-configuration']);
    expect(issuer.seen).toHaveLength(1);
    const [req] = issuer.seen;
    expect(req!.form).toMatchObject({
      grant_type: 'password',
      username: USER,
      password: PASSWORD,
      scope: 'openid profile',
    });
    expect(req!.form.client_secret).toBeUndefined();
    expect(req!.authorization).toMatch(/^Basic /);
    const tokens = p.current()!;
    expect(tokens.refreshToken).toMatch(/^rt-\d+-opaque$/);
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
    // Cached: no second request.
    await p.headers();
    expect(issuer.seen).toHaveLength(1);
  });

  it('uses the refresh-token grant after the first token, and the password grant again when it is refused', async () => {
    const p = oidcPasswordGrant({ ...base(), username: USER, password: PASSWORD });
    await p.getToken();
    const firstRefresh = p.current()!.refreshToken!;
    p.invalidate();
    const second = await p.getToken();
    expect(issuer.grants).toEqual(['password', 'refresh_token']);
    expect(issuer.seen[1]!.form.refresh_token).toBe(firstRefresh);
    expect(second).not.toBe(firstRefresh);
    // Server forgets the refresh token: fall back to the password grant.
    issuer.liveRefreshTokens.clear();
    p.invalidate();
    await p.getToken();
    expect(issuer.grants).toEqual(['password', 'refresh_token', 'refresh_token', 'password']);
    expect(issuer.discoveries).toHaveLength(1);
  });

  it('wrong password → AuthenticationError naming the OAuth error, never the password', async () => {
    const p = oidcPasswordGrant({ ...base(), username: USER, password: 'Wr0ng-password!' });
    const err = (await p.getToken().catch((e) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('ERR_OAUTH_TOKEN');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('invalid_grant (Invalid user credentials) [HTTP 400]');
    const all = `${err.message}${err.stack}${JSON.stringify(err)}`;
    expect(all).not.toContain('Wr0ng-password!');
    expect(all).not.toContain(CLIENT_SECRET);
  });

  it('wrong client secret → invalid_client, secret not shown', async () => {
    const p = oidcPasswordGrant({
      ...base(),
      clientSecret: 'Not-the-secret-42',
      username: USER,
      password: PASSWORD,
    });
    const err = (await p.getToken().catch((e) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('invalid_client');
    expect(`${err.message}${JSON.stringify(err)}`).not.toContain('Not-the-secret-42');
  });

  it('a public client sends client_id in the form and no Authorization header', async () => {
    const p = oidcPasswordGrant({
      issuer: issuer.base,
      clientId: 'public-cli',
      allowInsecureHttp: true,
      username: USER,
      password: PASSWORD,
    });
    await p.getToken();
    expect(issuer.seen[0]!.authorization).toBeUndefined();
    expect(issuer.seen[0]!.form.client_id).toBe('public-cli');
  });

  it('validates its options before any request', () => {
    const ok = { ...base(), username: USER, password: PASSWORD };
    expect(() => oidcPasswordGrant({ ...ok, username: '' })).toThrow(/username/);
    expect(() => oidcPasswordGrant({ ...ok, password: undefined as unknown as string })).toThrow(/password/);
    expect(() => oidcPasswordGrant({ ...ok, clientId: '' })).toThrow(/clientId/);
    expect(() => oidcPasswordGrant({ ...ok, issuer: undefined })).toThrow(
      /one of issuer, discoveryUrl or tokenEndpoint/,
    );
    expect(() => oidcPasswordGrant({ ...ok, issuer: 'not a url' })).toThrow(/not a valid URL/);
    expect(() => oidcPasswordGrant({ ...ok, clientSecret: 5 as unknown as string })).toThrow(/clientSecret/);
    expect(() => oidcPasswordGrant(undefined as never)).toThrow(UsageError);
    expect(issuer.seen).toHaveLength(0);
  });

  it('refuses plain-http issuers unless allowInsecureHttp is set', () => {
    let err: unknown;
    try {
      oidcPasswordGrant({ issuer: issuer.base, clientId: CLIENT_ID, username: USER, password: PASSWORD });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('ERR_INVALID_OIDC_OPTIONS');
    expect((err as Error).message).toMatch(/plain http.*allowInsecureHttp/);
  });
});

describe('oidcClientCredentials', () => {
  it('posts client_credentials with scope and audience straight to a token endpoint', async () => {
    const p = oidcClientCredentials({
      tokenEndpoint: `${issuer.base}/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scope: 'db:read',
      audience: 'https://db.example',
      allowInsecureHttp: true,
    });
    expect(await p.getToken()).toMatch(/^at-\d+-opaque$/);
    expect(issuer.discoveries).toHaveLength(0);
    expect(issuer.seen[0]!.form).toMatchObject({
      grant_type: 'client_credentials',
      scope: 'db:read',
      audience: 'https://db.example',
    });
    expect(p.current()!.refreshToken).toBeUndefined();
    p.invalidate();
    await p.getToken();
    expect(issuer.grants).toEqual(['client_credentials', 'client_credentials']);
  });

  it('sends the secret in the form when the issuer only supports client_secret_post', async () => {
    issuer.authMethods = ['client_secret_post'];
    const p = oidcClientCredentials(base());
    await p.getToken();
    expect(issuer.seen[0]!.authorization).toBeUndefined();
    expect(issuer.seen[0]!.form).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it('uses Basic when the issuer does not list auth methods', async () => {
    issuer.authMethods = undefined;
    await oidcClientCredentials(base()).getToken();
    expect(issuer.seen[0]!.authorization).toMatch(/^Basic /);
  });

  it('reads an explicit discoveryUrl, with or without an issuer', async () => {
    const p = oidcClientCredentials({
      ...base(),
      issuer: undefined,
      discoveryUrl: `${issuer.base}/alt/meta.json`,
    });
    await p.getToken();
    expect(issuer.discoveries).toEqual(['/alt/meta.json']);
    const q = oidcClientCredentials({ ...base(), discoveryUrl: `${issuer.base}/alt/meta.json` });
    await q.getToken();
    issuer.issuerOverride = 'http://elsewhere.example';
    const r = oidcClientCredentials({ ...base(), discoveryUrl: `${issuer.base}/alt/meta.json` });
    await expect(r.getToken()).rejects.toThrow(/issuer/);
  });

  it('discovers under an issuer path (Keycloak realms)', async () => {
    const p = oidcClientCredentials({ ...base(), issuer: `${issuer.base}/realms/test` });
    await p.getToken();
    expect(issuer.discoveries).toEqual(['/realms/test/.well-known/openid-configuration']);
  });

  it('an issuer mismatch in discovery is an AuthenticationError, retried on the next call', async () => {
    issuer.issuerOverride = 'https://other.example';
    const p = oidcClientCredentials(base());
    const err = await p.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/issuer/);
    issuer.issuerOverride = undefined;
    await expect(p.getToken()).resolves.toMatch(/^at-/);
    expect(issuer.discoveries).toHaveLength(2);
  });

  it('a discovery document without token_endpoint is reported', async () => {
    const srv = createServer((req, res) => {
      const addr = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      json(res, 200, { issuer: addr, authorization_endpoint: `${addr}/auth`, path: req.url });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const p = oidcClientCredentials({ issuer: url, clientId: 'x', allowInsecureHttp: true });
      const err = await p.getToken().catch((e) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err.code).toBe('ERR_OIDC_DISCOVERY');
      expect(err.message).toMatch(/no token_endpoint/);
    } finally {
      srv.close();
    }
  });

  it('an unreachable issuer is a retryable AuthenticationError', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const p = oidcClientCredentials({
      issuer: `http://127.0.0.1:${port}`,
      clientId: 'x',
      allowInsecureHttp: true,
    });
    const err = await p.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('ERR_OIDC_DISCOVERY');
    expect(err.retryable).toBe(true);
  });

  it('a 5xx non-JSON token answer is a retryable AuthenticationError', async () => {
    issuer.tokenFailure = { status: 502, body: '<html>bad gateway</html>', type: 'text/html' };
    const err = await oidcClientCredentials(base())
      .getToken()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('ERR_OAUTH_TOKEN');
    expect(err.message).toContain('[HTTP 502]');
    expect(err.retryable).toBe(true);
  });

  it('a 200 answer without a token type is a protocol failure of the grant', async () => {
    issuer.tokenFailure = {
      status: 200,
      body: JSON.stringify({ access_token: 'x' }),
      type: 'application/json',
    };
    const err = await oidcClientCredentials(base())
      .getToken()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.retryable).toBe(false);
  });

  it('a stalled issuer fails after requestTimeoutMs instead of hanging', async () => {
    issuer.stall = true;
    const p = oidcClientCredentials({ ...base(), requestTimeoutMs: 100 });
    const started = Date.now();
    const err = await p.getToken().catch((e) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.retryable).toBe(true);
    expect(err.cause).toBeInstanceOf(TimeoutError);
    expect(err.cause.code).toBe('ERR_OIDC_TIMEOUT');
    expect(err.message).toContain('timed out after 100 ms');
    expect(() => oidcClientCredentials({ ...base(), requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
  });

  it('an unreachable token endpoint is a retryable AuthenticationError naming it', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const endpoint = `http://127.0.0.1:${port}/token`;
    const p = oidcClientCredentials({ tokenEndpoint: endpoint, clientId: 'x', allowInsecureHttp: true });
    const err = await p.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('ERR_OAUTH_UNREACHABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(endpoint);
  });

  it("the caller's AbortSignal cancels a stalled token request", async () => {
    issuer.stall = true;
    const p = oidcClientCredentials(base());
    const ac = new AbortController();
    const pending = p.getToken(ac.signal).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await pending).toBeInstanceOf(CancelledError);
  });
});

describe('oidcRefreshToken', () => {
  it('starts from the given refresh token and follows rotation', async () => {
    const seed = oidcPasswordGrant({ ...base(), username: USER, password: PASSWORD });
    await seed.getToken();
    const given = seed.current()!.refreshToken!;
    issuer.reset();
    const p = oidcRefreshToken({ ...base(), refreshToken: given, scope: 'openid' });
    await p.getToken();
    expect(issuer.seen[0]!.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: given,
      scope: 'openid',
    });
    const rotated = p.current()!.refreshToken!;
    expect(rotated).not.toBe(given);
    p.invalidate();
    await p.getToken();
    expect(issuer.seen[1]!.form.refresh_token).toBe(rotated);
  });

  it('a revoked refresh token fails with AuthenticationError (no other grant to fall back to)', async () => {
    const p = oidcRefreshToken({ ...base(), refreshToken: 'rt-never-issued' });
    const err = await p.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('invalid_grant');
    expect(err.message).not.toContain('rt-never-issued');
    expect(() => oidcRefreshToken({ ...base(), refreshToken: '' })).toThrow(UsageError);
  });
});
