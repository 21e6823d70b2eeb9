import type * as OAuth from 'oauth4webapi';
import { jwtExpiry, RefreshingTokenProvider, type TokenSet } from './credentials.js';
import { AuthenticationError, TimeoutError, UsageError } from './errors.js';
import { registerSecret } from './redact.js';

let oauthModule: typeof OAuth | undefined;

/**
 * oauth4webapi is loaded on the first token request, not at import: most applications never run an
 * OAuth grant, and loading it at start-up would cost every one of them.
 */
async function loadOAuth(): Promise<void> {
  oauthModule ??= await import('oauth4webapi');
}

/** The loaded library; everything that calls it runs after `loadOAuth()` in the provider's fetchToken. */
function oauth(): typeof OAuth {
  if (!oauthModule) throw new Error('internal: oauth4webapi used before it was loaded');
  return oauthModule;
}

/**
 * OAuth2 / OpenID Connect grants (resource-owner password, client credentials, refresh token) built on
 * oauth4webapi. The authorization server is found by OIDC discovery (`issuer` or `discoveryUrl`) or
 * given directly (`tokenEndpoint`). Each grant returns a `RefreshingTokenProvider`; once the server has
 * handed out a refresh token, renewals use the refresh-token grant, falling back to the original grant
 * when the refresh token is refused.
 */
export interface OidcOptions {
  /** Issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer?: string;
  /** Full URL of the discovery document (when it is not under the issuer). */
  discoveryUrl?: string;
  /** Token endpoint, skipping discovery. */
  tokenEndpoint?: string;
  clientId: string;
  /** Confidential clients: sent with HTTP Basic (or in the form when the server only supports that). */
  clientSecret?: string;
  scope?: string;
  /** Extra `audience` form field (Auth0-style issuers). */
  audience?: string;
  /** Allow plain-http issuers and endpoints (local issuers in tests). Off by default. */
  allowInsecureHttp?: boolean;
  /** Limit for each discovery or token request, so a stalled issuer never hangs a call. Default 30000 ms. */
  requestTimeoutMs?: number;
}

type Grant = (ctx: OidcContext, signal: AbortSignal | undefined) => Promise<Response>;

interface Resolved {
  as: OAuth.AuthorizationServer;
  auth: OAuth.ClientAuth;
}

class OidcContext {
  readonly client: OAuth.Client;
  readonly #options: OidcOptions;
  #resolved: Promise<Resolved> | undefined;

  constructor(options: OidcOptions) {
    if (!options || typeof options !== 'object') {
      throw usage('OIDC options are required');
    }
    if (typeof options.clientId !== 'string' || options.clientId === '') {
      throw usage('OIDC clientId must be a non-empty string');
    }
    const where = [options.issuer, options.discoveryUrl, options.tokenEndpoint].filter(
      (v) => v !== undefined,
    );
    if (where.length === 0) throw usage('OIDC needs one of issuer, discoveryUrl or tokenEndpoint');
    for (const key of ['issuer', 'discoveryUrl', 'tokenEndpoint'] as const) {
      const value = options[key];
      if (value === undefined) continue;
      const url = parseUrl(value, key);
      if (url.protocol === 'http:' && !options.allowInsecureHttp) {
        throw usage(
          `OIDC ${key} ${value} uses plain http: use https, or set allowInsecureHttp for a local issuer`,
        );
      }
    }
    if (options.clientSecret !== undefined && typeof options.clientSecret !== 'string') {
      throw usage('OIDC clientSecret must be a string');
    }
    const timeout = options.requestTimeoutMs;
    if (
      timeout !== undefined &&
      (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))
    ) {
      throw usage(`OIDC requestTimeoutMs must be a finite number > 0, got ${String(timeout)}`);
    }
    registerSecret(options.clientSecret);
    this.#options = options;
    this.client = { client_id: options.clientId };
  }

  get where(): string {
    const o = this.#options;
    return o.issuer ?? o.discoveryUrl ?? o.tokenEndpoint!;
  }

  get timeoutMs(): number {
    return this.#options.requestTimeoutMs ?? 30_000;
  }

  get scopeParams(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.#options.scope) out.scope = this.#options.scope;
    if (this.#options.audience) out.audience = this.#options.audience;
    return out;
  }

  requestOptions(signal: AbortSignal | undefined): { signal?: AbortSignal } {
    const opts: { signal?: AbortSignal; [OAuth.allowInsecureRequests]?: boolean } = {};
    if (signal) opts.signal = signal;
    if (this.#options.allowInsecureHttp) opts[oauth().allowInsecureRequests] = true;
    return opts;
  }

  resolve(signal: AbortSignal | undefined): Promise<Resolved> {
    if (!this.#resolved) {
      const pending = this.#discover(signal);
      this.#resolved = pending;
      // A failed discovery is retried on the next token request.
      pending.catch(() => {
        if (this.#resolved === pending) this.#resolved = undefined;
      });
    }
    return this.#resolved;
  }

  async #discover(signal: AbortSignal | undefined): Promise<Resolved> {
    const { issuer, discoveryUrl, tokenEndpoint, clientSecret } = this.#options;
    let as: OAuth.AuthorizationServer;
    if (tokenEndpoint !== undefined) {
      as = { issuer: issuer ?? new URL(tokenEndpoint).origin, token_endpoint: tokenEndpoint };
    } else {
      const opts: OAuth.DiscoveryRequestOptions = this.requestOptions(signal);
      let target: URL;
      if (discoveryUrl !== undefined) {
        target = new URL(discoveryUrl);
        opts[oauth().customFetch] = (_url, init) => fetch(discoveryUrl, init);
      } else {
        target = new URL(issuer!);
      }
      const response = await discoveryRequest(target, opts);
      // With only a discovery URL, the expected issuer is the one the document names.
      const expected =
        issuer !== undefined ? new URL(issuer) : await issuerOf(response.clone(), discoveryUrl!);
      try {
        as = await oauth().processDiscoveryResponse(expected, response);
      } catch (err) {
        throw new AuthenticationError(
          `OIDC discovery document at ${target.href} is unusable: ${(err as Error).message}`,
          { code: 'ERR_OIDC_DISCOVERY', cause: err },
        );
      }
      if (!as.token_endpoint) {
        throw new AuthenticationError(
          `OIDC issuer ${as.issuer} has no token_endpoint in its discovery document`,
          {
            code: 'ERR_OIDC_DISCOVERY',
          },
        );
      }
    }
    let auth: OAuth.ClientAuth;
    if (clientSecret === undefined) auth = oauth().None();
    else {
      const methods = as.token_endpoint_auth_methods_supported;
      auth =
        methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
          ? oauth().ClientSecretPost(clientSecret)
          : oauth().ClientSecretBasic(clientSecret);
    }
    return { as, auth };
  }

  async token(
    grant: Grant,
    signal: AbortSignal | undefined,
    previous: TokenSet | undefined,
  ): Promise<TokenSet> {
    const { as } = await this.resolve(signal);
    let response: Response;
    try {
      response = await grant(this, signal);
    } catch (err) {
      if (err instanceof TypeError && err.message === 'fetch failed') {
        throw new AuthenticationError(
          `token endpoint ${as.token_endpoint} could not be reached: ${err.message}`,
          {
            code: 'ERR_OAUTH_UNREACHABLE',
            cause: err,
            retryable: true,
          },
        );
      }
      throw err;
    }
    let body: OAuth.TokenEndpointResponse;
    try {
      body = await oauth().processGenericTokenEndpointResponse(as, this.client, response);
    } catch (err) {
      throw describeTokenError(err, as);
    }
    const expiresAt =
      typeof body.expires_in === 'number'
        ? Date.now() + body.expires_in * 1000
        : jwtExpiry(body.access_token);
    const refreshToken = body.refresh_token ?? previous?.refreshToken;
    const out: TokenSet = { token: body.access_token };
    if (expiresAt !== undefined) out.expiresAt = expiresAt;
    if (refreshToken !== undefined) out.refreshToken = refreshToken;
    return out;
  }
}

async function discoveryRequest(url: URL, opts: OAuth.DiscoveryRequestOptions): Promise<Response> {
  try {
    return await oauth().discoveryRequest(url, opts);
  } catch (err) {
    throw new AuthenticationError(`OIDC discovery at ${url.href} failed: ${(err as Error)?.message ?? err}`, {
      code: 'ERR_OIDC_DISCOVERY',
      cause: err,
      retryable: err instanceof TypeError,
    });
  }
}

async function issuerOf(response: Response, discoveryUrl: string): Promise<URL> {
  let issuer: unknown;
  try {
    issuer = ((await response.json()) as { issuer?: unknown } | null)?.issuer;
  } catch {
    /* reported below */
  }
  if (typeof issuer !== 'string') {
    throw new AuthenticationError(`OIDC discovery document at ${discoveryUrl} has no issuer`, {
      code: 'ERR_OIDC_DISCOVERY',
    });
  }
  return parseUrl(issuer, 'issuer');
}

function describeTokenError(err: unknown, as: OAuth.AuthorizationServer): unknown {
  if (err instanceof oauth().ResponseBodyError) {
    const desc = err.error_description ? ` (${err.error_description})` : '';
    return new AuthenticationError(
      `token endpoint of ${as.issuer} refused the request: ${err.error}${desc} [HTTP ${err.status}]`,
      { code: 'ERR_OAUTH_TOKEN', cause: err, retryable: err.status >= 500 || err.status === 429 },
    );
  }
  if (err instanceof oauth().WWWAuthenticateChallengeError) {
    return new AuthenticationError(
      `token endpoint of ${as.issuer} rejected the client credentials [HTTP ${err.status}]`,
      { code: 'ERR_OAUTH_TOKEN', cause: err },
    );
  }
  if (err instanceof oauth().OperationProcessingError) {
    const status = (err.cause as { status?: unknown } | undefined)?.status;
    return new AuthenticationError(
      `unexpected answer from the token endpoint of ${as.issuer}: ${err.message}${
        typeof status === 'number' ? ` [HTTP ${status}]` : ''
      }`,
      { code: 'ERR_OAUTH_TOKEN', cause: err, retryable: typeof status === 'number' && status >= 500 },
    );
  }
  return err;
}

function usage(message: string): UsageError {
  return new UsageError(message, { code: 'ERR_INVALID_OIDC_OPTIONS' });
}

function parseUrl(value: unknown, what: string): URL {
  if (typeof value !== 'string') throw usage(`OIDC ${what} must be a URL string`);
  try {
    return new URL(value);
  } catch {
    throw usage(`OIDC ${what} is not a valid URL: ${value}`);
  }
}

/** Runs the refresh-token grant when the last token set has a refresh token, else (or when refused) `primary`. */
function provider(
  ctx: OidcContext,
  primary: Grant | undefined,
  initialRefreshToken?: string,
): RefreshingTokenProvider {
  return new RefreshingTokenProvider({
    fetchToken: async (outer, previous) => {
      await loadOAuth();
      const timeout = AbortSignal.timeout(ctx.timeoutMs);
      const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
      try {
        return await fetchWith(ctx, primary, initialRefreshToken, signal, previous);
      } catch (err) {
        if (timeout.aborted && !outer?.aborted) {
          throw new TimeoutError(`OIDC request to ${ctx.where} timed out after ${ctx.timeoutMs} ms`, {
            code: 'ERR_OIDC_TIMEOUT',
            cause: err,
          });
        }
        throw err;
      }
    },
  });
}

async function fetchWith(
  ctx: OidcContext,
  primary: Grant | undefined,
  initialRefreshToken: string | undefined,
  signal: AbortSignal,
  previous: TokenSet | undefined,
): Promise<TokenSet> {
  const refreshToken = previous?.refreshToken ?? initialRefreshToken;
  if (refreshToken !== undefined) {
    const seed: TokenSet = { token: '', refreshToken };
    try {
      return await ctx.token(refreshGrant(refreshToken), signal, previous ?? seed);
    } catch (err) {
      // A refused refresh token: start over with the original grant when there is one.
      if (
        !primary ||
        !(err instanceof AuthenticationError) ||
        err.code !== 'ERR_OAUTH_TOKEN' ||
        err.retryable
      ) {
        throw err;
      }
    }
  }
  return ctx.token(primary!, signal, undefined);
}

function refreshGrant(refreshToken: string): Grant {
  return async (ctx, signal) => {
    const { as, auth } = await ctx.resolve(signal);
    return oauth().refreshTokenGrantRequest(as, ctx.client, auth, refreshToken, {
      ...ctx.requestOptions(signal),
      additionalParameters: ctx.scopeParams,
    });
  };
}

/** Resource-owner password grant (Keycloak direct access grants, Weaviate OIDC username/password). */
export function oidcPasswordGrant(
  options: OidcOptions & { username: string; password: string },
): RefreshingTokenProvider {
  if (typeof options?.username !== 'string' || options.username === '') {
    throw usage('OIDC username must be a non-empty string');
  }
  if (typeof options.password !== 'string') throw usage('OIDC password must be a string');
  registerSecret(options.password);
  const ctx = new OidcContext(options);
  const { username, password } = options;
  return provider(ctx, async (c, signal) => {
    const { as, auth } = await c.resolve(signal);
    return oauth().genericTokenEndpointRequest(
      as,
      c.client,
      auth,
      'password',
      { username, password, ...c.scopeParams },
      c.requestOptions(signal),
    );
  });
}

/** Client credentials grant (service accounts). */
export function oidcClientCredentials(options: OidcOptions): RefreshingTokenProvider {
  const ctx = new OidcContext(options);
  return provider(ctx, async (c, signal) => {
    const { as, auth } = await c.resolve(signal);
    return oauth().clientCredentialsGrantRequest(as, c.client, auth, c.scopeParams, c.requestOptions(signal));
  });
}

/** Refresh-token grant from a refresh token the user already has; rotated refresh tokens are followed. */
export function oidcRefreshToken(options: OidcOptions & { refreshToken: string }): RefreshingTokenProvider {
  if (typeof options?.refreshToken !== 'string' || options.refreshToken === '') {
    throw usage('OIDC refreshToken must be a non-empty string');
  }
  registerSecret(options.refreshToken);
  return provider(new OidcContext(options), undefined, options.refreshToken);
}
