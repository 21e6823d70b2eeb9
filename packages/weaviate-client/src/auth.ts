/**
 * The seed's auth configurations. Each turns into a core `CredentialsProvider` the funnel asks for
 * headers on every request. The OIDC flows read Weaviate's `/v1/.well-known/openid-configuration`
 * (the issuer's discovery URL and the client id Weaviate expects) on first use, then let core's
 * single-flight refreshing provider fetch tokens and renew them before they expire; a token that can
 * no longer be renewed rejects with `AuthenticationFailedException`.
 */
import {
  ApiKey,
  AuthenticationError,
  type CredentialsProvider,
  oidcClientCredentials,
  oidcPasswordGrant,
  oidcRefreshToken,
  type RefreshingTokenProvider,
  registerSecret,
  UsageError,
} from '@dbwire/core';
import type { Connection, CredentialsFactory, Operation } from './connection.js';
import { AuthenticationFailedException } from './errors.js';

/** Weaviate's answer on `/v1/.well-known/openid-configuration`. */
export interface OpenidConfiguration {
  /** The identity provider's discovery document URL. */
  href: string;
  /** The client id Weaviate accepts tokens for. */
  clientId: string;
  /** Scopes Weaviate asks clients to request. */
  scopes?: string[];
}

/** GET /v1/.well-known/openid-configuration, anonymous; null when the server has no OIDC (404). */
export function getOpenidConfigurationOp(): Operation<OpenidConfiguration | null> {
  return {
    name: 'getOpenidConfiguration',
    method: 'GET',
    path: '/v1/.well-known/openid-configuration',
    ok: [200, 404],
    anonymous: true,
    what: 'Get OpenID configuration',
    decode: (body, status) => (status === 404 ? null : (body as OpenidConfiguration)),
  };
}

/** Any of the four auth configurations the `Client` accepts as `authClientSecret`. */
export type AuthCredentials = AuthClientPassword | AuthClientCredentials | AuthBearerToken | AuthApiKey;

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`${what} must be a non-empty string`, { code: 'ERR_INVALID_CREDENTIALS' });
  }
  return value;
}

/** Resource-owner password flow (seed: `weaviate.AuthClientPassword(username, password, scope)`). */
export class AuthClientPassword {
  /** The user name at the identity provider. */
  readonly username: string;
  /** Space-separated scopes; default `offline_access` so a refresh token is issued. */
  readonly scope: string | undefined;
  readonly #password: string;
  constructor(options: { username: string; password: string; scope?: string }) {
    this.username = requireString(options?.username, 'AuthClientPassword username');
    if (typeof options.password !== 'string') {
      throw new UsageError('AuthClientPassword password must be a string', {
        code: 'ERR_INVALID_CREDENTIALS',
      });
    }
    registerSecret(options.password);
    this.#password = options.password;
    this.scope = options.scope;
  }

  /** @internal The provider the funnel uses. */
  toFactory(): CredentialsFactory {
    return oidcFactory((config) =>
      oidcPasswordGrant({
        ...oidcBase(config, this.scope ?? 'offline_access'),
        username: this.username,
        password: this.#password,
      }),
    );
  }

  /** Never shows the password. */
  toJSON(): Record<string, unknown> {
    return { type: 'AuthClientPassword', username: this.username, scope: this.scope };
  }
}

/** Client-credentials flow for service accounts (seed: `weaviate.AuthClientCredentials(client_secret, scope)`). */
export class AuthClientCredentials {
  /** Space-separated scopes requested with the token. */
  readonly scope: string | undefined;
  readonly #clientSecret: string;
  constructor(options: { clientSecret: string; scope?: string }) {
    this.#clientSecret = requireString(options?.clientSecret, 'AuthClientCredentials clientSecret');
    registerSecret(this.#clientSecret);
    this.scope = options.scope;
  }

  /** @internal The provider the funnel uses. */
  toFactory(): CredentialsFactory {
    return oidcFactory((config) =>
      oidcClientCredentials({ ...oidcBase(config, this.scope), clientSecret: this.#clientSecret }),
    );
  }

  /** Never shows the secret. */
  toJSON(): Record<string, unknown> {
    return { type: 'AuthClientCredentials', scope: this.scope };
  }
}

/**
 * A token obtained elsewhere (seed: `weaviate.AuthBearerToken(access_token, expires_in, refresh_token)`).
 * Used as is until `expiresIn` seconds (default 60) have passed; then renewed with the refresh token
 * through the issuer Weaviate names. Without a refresh token, an expired token fails the call with
 * `AuthenticationFailedException` instead of sending a request bound to be refused.
 */
export class AuthBearerToken {
  /** Seconds the access token is valid from construction. */
  readonly expiresIn: number;
  readonly #accessToken: string;
  readonly #refreshToken: string | undefined;
  constructor(options: { accessToken: string; expiresIn?: number; refreshToken?: string }) {
    this.#accessToken = requireString(options?.accessToken, 'AuthBearerToken accessToken');
    const expiresIn = options.expiresIn ?? 60;
    if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new UsageError(
        `AuthBearerToken expiresIn must be a number of seconds > 0, got ${String(expiresIn)}`,
        {
          code: 'ERR_INVALID_CREDENTIALS',
        },
      );
    }
    this.expiresIn = expiresIn;
    if (options.refreshToken !== undefined)
      requireString(options.refreshToken, 'AuthBearerToken refreshToken');
    this.#refreshToken = options.refreshToken;
    registerSecret(this.#accessToken);
    registerSecret(this.#refreshToken);
  }

  /** @internal The provider the funnel uses. */
  toFactory(): CredentialsFactory {
    const expiresAt = Date.now() + this.expiresIn * 1000;
    const access = this.#accessToken;
    const refresh = this.#refreshToken;
    return (conn) => {
      const renew = refresh
        ? oidcFactory((config) =>
            oidcRefreshToken({ ...oidcBase(config, undefined), refreshToken: refresh }),
          )(conn)
        : undefined;
      let useGiven = true;
      return {
        headers(signal?: AbortSignal): Promise<Record<string, string>> {
          // The given token until shortly before it expires (or the server refused it), then renewals.
          if (useGiven && Date.now() < expiresAt - Math.min(30_000, (expiresAt - Date.now()) / 2)) {
            return Promise.resolve({ authorization: `Bearer ${access}` });
          }
          useGiven = false;
          if (!renew) {
            return Promise.reject(
              new AuthenticationFailedException(
                'the bearer token has expired and no refresh token was given (AuthBearerToken refreshToken)',
                { code: 'ERR_TOKEN_EXPIRED' },
              ),
            );
          }
          return renew.headers(signal);
        },
        invalidate(): void {
          useGiven = false;
          renew?.invalidate?.();
        },
      };
    };
  }

  /** Never shows the tokens. */
  toJSON(): Record<string, unknown> {
    return { type: 'AuthBearerToken', expiresIn: this.expiresIn };
  }
}

/** A Weaviate API key, sent as `Authorization: Bearer <key>` (seed: `weaviate.AuthApiKey(api_key)`). */
export class AuthApiKey {
  readonly #provider: ApiKey;
  constructor(apiKey: string | { apiKey: string }) {
    const key = typeof apiKey === 'string' ? apiKey : apiKey?.apiKey;
    this.#provider = new ApiKey(requireString(key, 'AuthApiKey apiKey'));
  }

  /** @internal The provider the funnel uses. */
  toFactory(): CredentialsFactory {
    return () => this.#provider;
  }

  /** Never shows the key. */
  toJSON(): Record<string, unknown> {
    return { type: 'AuthApiKey' };
  }
}

/** Turns any of the auth configurations into the funnel's credentials factory. */
export function credentialsFactory(auth: AuthCredentials | undefined | null): CredentialsFactory | undefined {
  if (auth === undefined || auth === null) return undefined;
  if (
    auth instanceof AuthClientPassword ||
    auth instanceof AuthClientCredentials ||
    auth instanceof AuthBearerToken ||
    auth instanceof AuthApiKey
  ) {
    return auth.toFactory();
  }
  throw new UsageError(
    'authClientSecret must be an AuthClientPassword, AuthClientCredentials, AuthBearerToken or AuthApiKey',
    { code: 'ERR_INVALID_CREDENTIALS' },
  );
}

function oidcBase(config: OpenidConfiguration, scope: string | undefined) {
  const scopes = [...(scope ? scope.split(/\s+/) : []), ...(config.scopes ?? [])].filter(Boolean);
  const out = {
    discoveryUrl: config.href,
    clientId: config.clientId,
    // The issuer is the one Weaviate was configured to trust; plain http happens only for local issuers.
    allowInsecureHttp: config.href.startsWith('http:'),
    requestTimeoutMs: 30_000,
  };
  return scopes.length ? { ...out, scope: [...new Set(scopes)].join(' ') } : out;
}

/**
 * A provider that first reads Weaviate's OIDC configuration (anonymous request) and then builds the
 * grant's refreshing provider; a server without OIDC fails with a clear message.
 */
function oidcFactory(make: (config: OpenidConfiguration) => RefreshingTokenProvider): CredentialsFactory {
  return (conn: Connection) => {
    let inner: Promise<RefreshingTokenProvider> | undefined;
    let resolved: RefreshingTokenProvider | undefined;
    const resolve = (signal?: AbortSignal): Promise<RefreshingTokenProvider> => {
      if (!inner) {
        const pending = conn.run(getOpenidConfigurationOp(), signal ? { signal } : {}).then((config) => {
          if (!config) {
            throw new AuthenticationFailedException(
              `Weaviate at ${conn.url} has no OIDC configured (/v1/.well-known/openid-configuration is 404): use AuthApiKey or anonymous access`,
              { code: 'ERR_OIDC_NOT_CONFIGURED' },
            );
          }
          resolved = make(config);
          return resolved;
        });
        inner = pending;
        pending.catch(() => {
          if (inner === pending) inner = undefined;
        });
      }
      return inner;
    };
    const provider: CredentialsProvider = {
      async headers(signal?: AbortSignal) {
        const p = await resolve(signal);
        try {
          return await p.headers(signal);
        } catch (err) {
          throw asAuthFailure(err);
        }
      },
      invalidate() {
        resolved?.invalidate();
      },
    };
    return provider;
  };
}

function asAuthFailure(err: unknown): unknown {
  if (err instanceof AuthenticationFailedException || !(err instanceof AuthenticationError)) return err;
  return new AuthenticationFailedException(err.message, {
    code: err.code,
    cause: err,
    retryable: err.retryable,
  });
}
