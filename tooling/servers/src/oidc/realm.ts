import type { IssuerOptions } from './issuer.js';

/**
 * The fixed client and users of the local OIDC issuer that 'weaviate-oidc' trusts. Test-only values:
 * they protect nothing but a throwaway Weaviate on loopback.
 */

/** Port of the issuer; the issuer identifier is `http://127.0.0.1:8095`. */
export const OIDC_ISSUER_PORT = 8095;
export const OIDC_ISSUER_URL = `http://127.0.0.1:${OIDC_ISSUER_PORT}`;
export const OIDC_CLIENT_ID = 'dbwire-test';
export const OIDC_CLIENT_SECRET = 'dbwire-test-client-secret';
/** Short, so clients must refresh during a test run. */
export const OIDC_ACCESS_TOKEN_LIFETIME_SECONDS = 15;
export const OIDC_REFRESH_TOKEN_LIFETIME_SECONDS = 3600;

/** Admin on 'weaviate-oidc' (AUTHORIZATION_ADMINLIST_USERS). */
export const OIDC_ADMIN = {
  username: 'dbwire-admin',
  password: 'dbwire-admin-password',
  email: 'dbwire-admin@dbwire.test',
  groups: ['dbwire-admins'],
};

/** Read-only on 'weaviate-oidc' (AUTHORIZATION_ADMINLIST_READONLY_USERS). */
export const OIDC_READER = {
  username: 'dbwire-reader',
  password: 'dbwire-reader-password',
  email: 'dbwire-reader@dbwire.test',
  groups: ['dbwire-readers'],
};

/** The principal name Weaviate sees for client-credentials tokens (admin too). */
export const OIDC_SERVICE_ACCOUNT = `service-account-${OIDC_CLIENT_ID}`;

/** Options for `startIssuer` that 'weaviate-oidc' runs with. */
export function realmIssuerOptions(host = '127.0.0.1', port = OIDC_ISSUER_PORT): IssuerOptions {
  return {
    host,
    port,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    users: [OIDC_ADMIN, OIDC_READER],
    accessTokenLifetimeSeconds: OIDC_ACCESS_TOKEN_LIFETIME_SECONDS,
    refreshTokenLifetimeSeconds: OIDC_REFRESH_TOKEN_LIFETIME_SECONDS,
  };
}
