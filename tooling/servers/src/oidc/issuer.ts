import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A minimal OpenID Connect issuer for the 'weaviate-oidc' test server (only what Weaviate and its
 * clients use), signing RS256 JWTs with `jose`.
 *
 * Why not `oidc-provider`: v9 has no resource-owner password grant (removed from OAuth 2.1; it would
 * be a hand-written custom grant anyway), and its JWT access tokens carry a resource indicator as
 * `aud`, while Weaviate (go-oidc `IDTokenVerifier`) wants the client id in `aud` unless the client
 * id check is switched off. Here every access token is a JWT that Weaviate verifies as it would one
 * from Keycloak: signature from `jwks_uri`, `iss`, `aud` ∋ client id, `exp` (no leeway).
 *
 * Endpoints (issuer = `http://host:port`):
 * - `GET /.well-known/openid-configuration`: discovery (issuer, token_endpoint, jwks_uri, ...);
 * - `GET /jwks`: the public signing key;
 * - `POST /token` (form-encoded; client auth by HTTP Basic or `client_id`/`client_secret` fields):
 *   `grant_type=password` (username, password, scope; client secret optional: public client allowed),
 *   `grant_type=client_credentials` (secret required; no refresh token),
 *   `grant_type=refresh_token` (refresh_token; a new refresh token is returned, the old one stays
 *   valid until it expires, so concurrent refreshes do not fail). Errors follow RFC 6749 §5.2:
 *   400/401 `{error, error_description}`.
 *   Answer: `{access_token, token_type: "Bearer", expires_in, scope, refresh_token?, id_token?}`
 *   (`id_token` when the scope has `openid`). Test-only form field `dbwire_lifetime` (1..3600 s)
 *   overrides the access token lifetime, e.g. to watch a token expire within two seconds. `exp` is
 *   rounded up to a whole second, so a token is valid for at least `expires_in` seconds.
 * - Test helpers: `GET /_dbwire/stats` → tokens issued per grant type and refused requests;
 *   `POST /_dbwire/revoke-refresh-tokens` → 204, every refresh token issued so far stops working.
 *
 * Access token claims: iss, sub, aud (= client id), azp, iat, exp, jti, scope, preferred_username,
 * email, groups. Client-credentials tokens name the service account `service-account-<client id>`.
 */

/** A user the password grant accepts. */
export interface IssuerUser {
  username: string;
  password: string;
  email: string;
  groups: string[];
}

/** Issuer settings. */
export interface IssuerOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  clientId: string;
  clientSecret: string;
  users: IssuerUser[];
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
}

/** Counts of what the token endpoint did. */
export interface IssuerStats {
  password: number;
  client_credentials: number;
  refresh_token: number;
  refused: number;
}

/** A running issuer. */
export interface Issuer {
  /** The issuer identifier and base URL, e.g. `http://127.0.0.1:8095`. */
  issuer: string;
  stats: IssuerStats;
  close(): Promise<void>;
}

interface RefreshGrant {
  clientId: string;
  subject: Subject;
  scope: string;
  expiresAt: number;
}

interface Subject {
  sub: string;
  username: string;
  email: string;
  groups: string[];
}

class TokenError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const SUPPORTED_GRANTS = ['password', 'client_credentials', 'refresh_token'];

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(json)),
    ...headers,
  });
  res.end(json);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new TokenError(400, 'invalid_request', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Client id and secret from HTTP Basic (RFC 6749 §2.3.1: form-urlencoded parts) or the form. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id?: string; secret?: string } {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new TokenError(401, 'invalid_client', 'malformed Basic credentials');
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

/** Starts the issuer; resolves once it listens. */
export async function startIssuer(options: IssuerOptions): Promise<Issuer> {
  const host = options.host ?? '127.0.0.1';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = randomBytes(8).toString('hex');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const refreshTokens = new Map<string, RefreshGrant>();
  const stats: IssuerStats = { password: 0, client_credentials: 0, refresh_token: 0, refused: 0 };
  let issuer = '';

  // `exp` is rounded up to the next whole second, so a token stays valid for at least `expires_in`
  // seconds (at most one more): rounding down could hand out a 1 s token that is already expired.
  const sign = (claims: Record<string, unknown>, subject: Subject, lifetime: number, nowMs: number) =>
    new SignJWT({
      ...claims,
      preferred_username: subject.username,
      email: subject.email,
      groups: subject.groups,
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(subject.sub)
      .setAudience(options.clientId)
      .setIssuedAt(Math.floor(nowMs / 1000))
      .setExpirationTime(Math.ceil(nowMs / 1000 + lifetime))
      .setJti(randomUUID())
      .sign(privateKey);

  async function issue(
    grant: string,
    subject: Subject,
    scope: string,
    withRefresh: boolean,
    form: URLSearchParams,
  ): Promise<Record<string, unknown>> {
    const now = Date.now();
    let lifetime = options.accessTokenLifetimeSeconds;
    const override = form.get('dbwire_lifetime');
    if (override !== null) {
      lifetime = Number(override);
      if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 3600) {
        throw new TokenError(400, 'invalid_request', 'dbwire_lifetime must be an integer from 1 to 3600');
      }
    }
    const body: Record<string, unknown> = {
      access_token: await sign({ azp: options.clientId, scope }, subject, lifetime, now),
      token_type: 'Bearer',
      expires_in: lifetime,
      scope,
    };
    if (scope.split(' ').includes('openid')) {
      body.id_token = await sign({ azp: options.clientId }, subject, lifetime, now);
    }
    if (withRefresh) {
      const token = randomBytes(32).toString('base64url');
      refreshTokens.set(token, {
        clientId: options.clientId,
        subject,
        scope,
        expiresAt: Date.now() + options.refreshTokenLifetimeSeconds * 1000,
      });
      body.refresh_token = token;
      body.refresh_expires_in = options.refreshTokenLifetimeSeconds;
    }
    stats[grant as keyof IssuerStats]++;
    return body;
  }

  async function token(req: IncomingMessage): Promise<Record<string, unknown>> {
    const form = await readForm(req);
    const grant = form.get('grant_type');
    if (!grant) throw new TokenError(400, 'invalid_request', 'grant_type is missing');
    if (!SUPPORTED_GRANTS.includes(grant)) {
      throw new TokenError(400, 'unsupported_grant_type', `grant_type ${grant} is not supported`);
    }
    const client = clientCredentials(req, form);
    if (client.id !== options.clientId) throw new TokenError(401, 'invalid_client', 'unknown client');
    if (client.secret !== undefined && !sameSecret(client.secret, options.clientSecret)) {
      throw new TokenError(401, 'invalid_client', 'wrong client secret');
    }
    const scope = form.get('scope') ?? 'openid';
    switch (grant) {
      case 'password': {
        const user = options.users.find((u) => u.username === form.get('username'));
        if (!user || !sameSecret(form.get('password') ?? '', user.password)) {
          throw new TokenError(400, 'invalid_grant', 'invalid username or password');
        }
        const subject = {
          sub: user.username,
          username: user.username,
          email: user.email,
          groups: user.groups,
        };
        return issue(grant, subject, scope, true, form);
      }
      case 'client_credentials': {
        if (client.secret === undefined) {
          throw new TokenError(401, 'invalid_client', 'client_credentials needs the client secret');
        }
        const name = `service-account-${options.clientId}`;
        const subject = { sub: name, username: name, email: `${name}@clients.dbwire.test`, groups: [] };
        return issue(grant, subject, scope, false, form);
      }
      default: {
        const presented = form.get('refresh_token') ?? '';
        const stored = refreshTokens.get(presented);
        if (!stored || stored.expiresAt <= Date.now() || stored.clientId !== client.id) {
          if (stored && stored.expiresAt <= Date.now()) refreshTokens.delete(presented);
          throw new TokenError(400, 'invalid_grant', 'refresh token is invalid, expired or revoked');
        }
        return issue(grant, stored.subject, form.get('scope') ?? stored.scope, true, form);
      }
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        send(res, 200, {
          issuer,
          // No interactive login here; the endpoint exists because discovery documents must name one.
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          grant_types_supported: SUPPORTED_GRANTS,
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
          scopes_supported: ['openid', 'offline_access', 'profile', 'email'],
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'preferred_username', 'email', 'groups'],
        });
        return;
      case 'GET /jwks':
        send(res, 200, { keys: [publicJwk] });
        return;
      case 'POST /token':
        token(req).then(
          (body) => send(res, 200, body),
          (err: unknown) => {
            stats.refused++;
            if (err instanceof TokenError) {
              const headers: Record<string, string> =
                err.status === 401 ? { 'www-authenticate': 'Basic realm="dbwire-test"' } : {};
              send(res, err.status, { error: err.error, error_description: err.message }, headers);
            } else {
              send(res, 500, { error: 'server_error', error_description: (err as Error).message });
            }
          },
        );
        return;
      case 'GET /authorize':
        send(res, 400, {
          error: 'unsupported_response_type',
          error_description: 'no interactive login here',
        });
        return;
      case 'GET /_dbwire/stats':
        send(res, 200, stats);
        return;
      case 'POST /_dbwire/revoke-refresh-tokens':
        refreshTokens.clear();
        send(res, 204);
        return;
      default:
        send(res, 404, { error: 'not_found', error_description: `no route ${route}` });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
