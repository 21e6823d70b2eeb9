import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Issuer, startIssuer } from './issuer.js';
import { OIDC_ADMIN, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, realmIssuerOptions } from './realm.js';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

describe('OIDC issuer', () => {
  let issuer: Issuer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${issuer.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as TokenAnswer };
  }

  const verify = (jwt: string) =>
    jwtVerify(jwt, jwks, { issuer: issuer.issuer, audience: OIDC_CLIENT_ID, algorithms: ['RS256'] });

  beforeAll(async () => {
    issuer = await startIssuer(realmIssuerOptions('127.0.0.1', 0));
    jwks = createRemoteJWKSet(new URL(`${issuer.issuer}/jwks`));
  });
  afterAll(() => issuer.close());

  it('publishes discovery with its own issuer, token endpoint and JWKS', async () => {
    const res = await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(issuer.issuer);
    expect(doc.token_endpoint).toBe(`${issuer.issuer}/token`);
    expect(doc.jwks_uri).toBe(`${issuer.issuer}/jwks`);
    expect(doc.grant_types_supported).toEqual(['password', 'client_credentials', 'refresh_token']);
  });

  it('password grant: a signed JWT for the user with aud = client id, a refresh token and an id token', async () => {
    const { status, body } = await token({
      grant_type: 'password',
      client_id: OIDC_CLIENT_ID,
      username: OIDC_ADMIN.username,
      password: OIDC_ADMIN.password,
      scope: 'openid offline_access',
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(15);
    expect(typeof body.refresh_token).toBe('string');
    const { payload } = await verify(body.access_token);
    expect(payload.preferred_username).toBe(OIDC_ADMIN.username);
    expect(payload.email).toBe(OIDC_ADMIN.email);
    expect(payload.azp).toBe(OIDC_CLIENT_ID);
    // exp rounds up to the next second, so the token lives at least expires_in seconds.
    expect(payload.exp! - payload.iat!).toBeGreaterThanOrEqual(15);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(16);
    expect((await verify(body.id_token!)).payload.sub).toBe(OIDC_ADMIN.username);
  });

  it('client credentials (Basic auth): a token for the service account, no refresh token', async () => {
    const basic = Buffer.from(`${OIDC_CLIENT_ID}:${OIDC_CLIENT_SECRET}`).toString('base64');
    const { status, body } = await token(
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${basic}` },
    );
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect((await verify(body.access_token)).payload.preferred_username).toBe(
      `service-account-${OIDC_CLIENT_ID}`,
    );
  });

  it('refresh grant: a new access token for the same user; revoked refresh tokens stop working', async () => {
    const first = await token({
      grant_type: 'password',
      client_id: OIDC_CLIENT_ID,
      username: OIDC_ADMIN.username,
      password: OIDC_ADMIN.password,
    });
    const before = issuer.stats.refresh_token;
    const refreshed = await token({
      grant_type: 'refresh_token',
      client_id: OIDC_CLIENT_ID,
      refresh_token: first.body.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    expect(issuer.stats.refresh_token).toBe(before + 1);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);
    expect((await verify(refreshed.body.access_token)).payload.sub).toBe(OIDC_ADMIN.username);

    expect((await fetch(`${issuer.issuer}/_dbwire/revoke-refresh-tokens`, { method: 'POST' })).status).toBe(
      204,
    );
    const again = await token({
      grant_type: 'refresh_token',
      client_id: OIDC_CLIENT_ID,
      refresh_token: refreshed.body.refresh_token!,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('dbwire_lifetime shortens one token', async () => {
    const { body } = await token({
      grant_type: 'client_credentials',
      client_id: OIDC_CLIENT_ID,
      client_secret: OIDC_CLIENT_SECRET,
      dbwire_lifetime: '1',
    });
    expect(body.expires_in).toBe(1);
    const claims = decodeJwt(body.access_token);
    expect(claims.exp! - claims.iat!).toBeGreaterThanOrEqual(1);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(2);
  });

  it('refuses bad requests with RFC 6749 errors', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [
        { grant_type: 'password', client_id: OIDC_CLIENT_ID, username: OIDC_ADMIN.username, password: 'x' },
        400,
        'invalid_grant',
      ],
      [{ grant_type: 'client_credentials', client_id: OIDC_CLIENT_ID }, 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials', client_id: OIDC_CLIENT_ID, client_secret: 'wrong' },
        401,
        'invalid_client',
      ],
      [
        { grant_type: 'password', client_id: 'someone-else', username: 'a', password: 'b' },
        401,
        'invalid_client',
      ],
      [{ grant_type: 'authorization_code', client_id: OIDC_CLIENT_ID }, 400, 'unsupported_grant_type'],
      [
        { grant_type: 'refresh_token', client_id: OIDC_CLIENT_ID, refresh_token: 'nope' },
        400,
        'invalid_grant',
      ],
    ];
    for (const [form, status, error] of cases) {
      const res = await token(form);
      expect([res.status, res.body.error]).toEqual([status, error]);
    }
  });
});
