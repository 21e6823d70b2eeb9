import { registerSecret } from '@dbwire/core';
import { type AuthToken, auth as driverAuth } from 'neo4j-driver-lite';
import { ConfigurationError } from './errors.js';

/** The auth token the driver sends at connection time (neo4j-driver's `AuthToken`). */
export type { AuthToken };

/**
 * What `GraphDatabase.driver(uri, { auth })` accepts: a `[user, password]` pair (the seed's
 * `auth=("", "")`; empty strings mean "no authentication", Memgraph's default) or a token from
 * {@link basicAuth} / {@link ssoAuth}.
 */
export type Auth = readonly [user: string, password: string] | AuthToken;

/** The SSO schemes Memgraph's auth modules understand (`--auth-module-mappings`). */
export type SsoScheme = 'oidc-entra-id' | 'oidc-okta' | 'oidc-custom' | 'saml-entra-id' | 'saml-okta';

const SSO_SCHEMES: ReadonlySet<string> = new Set([
  'oidc-entra-id',
  'oidc-okta',
  'oidc-custom',
  'saml-entra-id',
  'saml-okta',
]);

/** Options of {@link ssoAuth}. */
export interface SsoAuthOptions {
  /** The auth module mapping configured on the server. */
  scheme: SsoScheme;
  /** The access token (a JWT for OIDC, the SAML response for SAML), obtained by your application. */
  accessToken: string;
  /** The ID token; optional when the server takes the username from an access-token claim. */
  idToken?: string;
}

/** Username and password authentication (Python `neo4j.basic_auth(user, password)`). */
export function basicAuth(user: string, password: string, realm?: string): AuthToken {
  if (typeof user !== 'string' || typeof password !== 'string') {
    throw new ConfigurationError('basicAuth(user, password): both must be strings', {
      code: 'ERR_INVALID_AUTH',
    });
  }
  if (password) registerSecret(password);
  return driverAuth.basic(user, password, realm);
}

/**
 * Single sign-on for Memgraph Enterprise: the custom auth token Memgraph expects, i.e. an empty
 * principal, the scheme, and credentials `access_token=<token>;id_token=<token>` (the seed builds
 * the same `neo4j.Auth(scheme=..., credentials=..., principal="")`). The tokens are registered as
 * secrets so they never appear in error messages.
 */
export function ssoAuth(options: SsoAuthOptions): AuthToken {
  const { scheme, accessToken, idToken } = options ?? ({} as SsoAuthOptions);
  if (!SSO_SCHEMES.has(scheme)) {
    throw new ConfigurationError(
      `ssoAuth: scheme must be one of ${[...SSO_SCHEMES].join(', ')}, got ${String(scheme)}`,
      { code: 'ERR_INVALID_AUTH' },
    );
  }
  checkToken('accessToken', accessToken);
  if (idToken !== undefined) checkToken('idToken', idToken);
  registerSecret(accessToken);
  if (idToken) registerSecret(idToken);
  const credentials =
    idToken === undefined ? `access_token=${accessToken}` : `access_token=${accessToken};id_token=${idToken}`;
  return driverAuth.custom('', credentials, '', scheme);
}

function checkToken(name: string, token: unknown): void {
  if (typeof token !== 'string' || token === '') {
    throw new ConfigurationError(`ssoAuth: ${name} must be a non-empty string`, { code: 'ERR_INVALID_AUTH' });
  }
  if (token.includes(';')) {
    throw new ConfigurationError(`ssoAuth: ${name} must not contain ';' (it separates the tokens)`, {
      code: 'ERR_INVALID_AUTH',
    });
  }
}

/** The token to hand neo4j-driver for the `auth` option (undefined → no authentication). */
export function toAuthToken(auth: Auth | undefined): AuthToken {
  if (auth === undefined || auth === null) return driverAuth.none() as AuthToken;
  if (Array.isArray(auth)) {
    if (auth.length !== 2 || typeof auth[0] !== 'string' || typeof auth[1] !== 'string') {
      throw new ConfigurationError('auth must be a [user, password] pair of strings', {
        code: 'ERR_INVALID_AUTH',
      });
    }
    return basicAuth(auth[0], auth[1]);
  }
  const token = auth as AuthToken;
  if (typeof token !== 'object' || typeof token.scheme !== 'string') {
    throw new ConfigurationError('auth must be [user, password], basicAuth(...) or ssoAuth(...)', {
      code: 'ERR_INVALID_AUTH',
    });
  }
  if (typeof token.credentials === 'string' && token.credentials) registerSecret(token.credentials);
  return token;
}
