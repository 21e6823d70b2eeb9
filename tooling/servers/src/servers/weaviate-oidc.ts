/**
 * 'weaviate-oidc': Weaviate v1.39.0 with OIDC authentication (anonymous access off), trusting a local
 * OIDC issuer (../oidc/issuer.ts) that tooling/servers starts on 127.0.0.1:8095 before Weaviate (which
 * fetches the issuer's discovery document at start-up) and stops with it.
 *
 * | process  | ports                                                                   |
 * |----------|-------------------------------------------------------------------------|
 * | issuer   | 8095 (issuer `http://127.0.0.1:8095`, token endpoint `/token`)          |
 * | Weaviate | REST 8083, gRPC 8553, gossip/data 7104/7105, raft/raft RPC 8304/8305   |
 *
 * Issuer: client `dbwire-test` / `dbwire-test-client-secret`; grants password, client_credentials,
 * refresh_token; access tokens live 15 s (`accessTokenLifetimeSeconds`) so clients must refresh.
 * Weaviate: `AUTHENTICATION_OIDC_CLIENT_ID=dbwire-test` (tokens' `aud`), username claim
 * `preferred_username`, groups claim `groups`, scopes `openid,offline_access`; admin list:
 * `dbwire-admin` (password grant) and `service-account-dbwire-test` (client credentials); read-only:
 * `dbwire-reader`. Values in ../oidc/realm.ts.
 *
 * Docker mode (an external OIDC-enabled Weaviate and the issuer it trusts), all required together:
 * `WEAVIATE_OIDC_URL`, `WEAVIATE_OIDC_ISSUER`, `WEAVIATE_OIDC_USERNAME`, `WEAVIATE_OIDC_PASSWORD`,
 * `WEAVIATE_OIDC_CLIENT_ID`, `WEAVIATE_OIDC_CLIENT_SECRET`, `WEAVIATE_OIDC_TOKEN_LIFETIME` (seconds);
 * optional `WEAVIATE_OIDC_GRPC` (default: the URL's host, port 50051). docker-compose.yml runs this
 * same issuer next to the Weaviate image.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { spawnNodeService, tsxLoader } from '../node-service.js';
import {
  OIDC_ACCESS_TOKEN_LIFETIME_SECONDS,
  OIDC_ADMIN,
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  OIDC_ISSUER_PORT,
  OIDC_ISSUER_URL,
  OIDC_READER,
  OIDC_SERVICE_ACCOUNT,
} from '../oidc/realm.js';
import { httpOk, tcpOpen, waitUntil } from '../probe.js';
import type { Logger, ServerDef, ServerInfo } from '../types.js';
import {
  grpcFromUrl,
  provisionWeaviate,
  startWeaviate,
  WEAVIATE_VERSION,
  type WeaviateLayout,
  weaviateReady,
} from './weaviate.js';

const layout: WeaviateLayout = {
  name: 'weaviate-oidc',
  http: 8083,
  grpc: 8553,
  gossip: 7104,
  raft: 8304,
  auth: false,
  vectorizer: false,
};

const issuerMain = join(dirname(fileURLToPath(import.meta.url)), '..', 'oidc', 'main.ts');
const discoveryUrl = `${OIDC_ISSUER_URL}/.well-known/openid-configuration`;

const oidcEnv: NodeJS.ProcessEnv = {
  AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'false',
  AUTHENTICATION_OIDC_ENABLED: 'true',
  AUTHENTICATION_OIDC_ISSUER: OIDC_ISSUER_URL,
  AUTHENTICATION_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
  AUTHENTICATION_OIDC_USERNAME_CLAIM: 'preferred_username',
  AUTHENTICATION_OIDC_GROUPS_CLAIM: 'groups',
  AUTHENTICATION_OIDC_SCOPES: 'openid,offline_access',
  AUTHORIZATION_ADMINLIST_ENABLED: 'true',
  AUTHORIZATION_ADMINLIST_USERS: `${OIDC_ADMIN.username},${OIDC_SERVICE_ACCOUNT}`,
  AUTHORIZATION_ADMINLIST_READONLY_USERS: OIDC_READER.username,
};

/** A client-credentials access token from the local issuer (for the readiness probe). */
async function probeToken(): Promise<string | undefined> {
  try {
    const res = await fetch(`${OIDC_ISSUER_URL}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
      }).toString(),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    return ((await res.json()) as { access_token: string }).access_token;
  } catch {
    return undefined;
  }
}

async function start(log: Logger): Promise<void> {
  if (await tcpOpen(OIDC_ISSUER_PORT)) {
    throw new Error(`weaviate-oidc: port ${OIDC_ISSUER_PORT} (OIDC issuer) is already in use`);
  }
  spawnNodeService(layout.name, issuerMain, ['--port', String(OIDC_ISSUER_PORT)], { log: 'issuer.log' });
  await waitUntil(() => httpOk(discoveryUrl), 60_000, `weaviate-oidc issuer on ${OIDC_ISSUER_URL}`, 100);
  log(`[weaviate-oidc] OIDC issuer ready on ${OIDC_ISSUER_URL}`);
  await startWeaviate(layout, log, oidcEnv);
}

/** Issuer discovery, then Weaviate REST ready and gRPC health SERVING with a token. */
async function ready(): Promise<boolean> {
  if (!(await httpOk(discoveryUrl))) return false;
  const token = await probeToken();
  if (!token) return false;
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return weaviateReady(layout, md);
}

function localInfo(): ServerInfo {
  const url = `http://127.0.0.1:${layout.http}`;
  return {
    name: 'weaviate-oidc',
    external: false,
    endpoints: [url],
    url,
    grpc: `127.0.0.1:${layout.grpc}`,
    issuer: OIDC_ISSUER_URL,
    username: OIDC_ADMIN.username,
    password: OIDC_ADMIN.password,
    readonlyUsername: OIDC_READER.username,
    readonlyPassword: OIDC_READER.password,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    accessTokenLifetimeSeconds: OIDC_ACCESS_TOKEN_LIFETIME_SECONDS,
  };
}

const externalVars = [
  'WEAVIATE_OIDC_URL',
  'WEAVIATE_OIDC_ISSUER',
  'WEAVIATE_OIDC_USERNAME',
  'WEAVIATE_OIDC_PASSWORD',
  'WEAVIATE_OIDC_CLIENT_ID',
  'WEAVIATE_OIDC_CLIENT_SECRET',
  'WEAVIATE_OIDC_TOKEN_LIFETIME',
];

function external(): ServerInfo | undefined {
  const set = externalVars.filter((v) => process.env[v]);
  if (set.length === 0) {
    if (process.env.WEAVIATE_OIDC_GRPC)
      throw new Error('WEAVIATE_OIDC_GRPC is set without WEAVIATE_OIDC_URL');
    return undefined;
  }
  const missing = externalVars.filter((v) => !process.env[v]);
  if (missing.length > 0) {
    throw new Error(
      `weaviate-oidc docker mode needs all of ${externalVars.join(', ')}; missing: ${missing.join(', ')}`,
    );
  }
  const lifetime = Number(process.env.WEAVIATE_OIDC_TOKEN_LIFETIME);
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new Error(
      `WEAVIATE_OIDC_TOKEN_LIFETIME must be a positive integer (seconds), got "${process.env.WEAVIATE_OIDC_TOKEN_LIFETIME}"`,
    );
  }
  const url = process.env.WEAVIATE_OIDC_URL!;
  return {
    name: 'weaviate-oidc',
    external: true,
    endpoints: [url],
    url,
    grpc: process.env.WEAVIATE_OIDC_GRPC ?? grpcFromUrl(url, 50051),
    issuer: process.env.WEAVIATE_OIDC_ISSUER,
    username: process.env.WEAVIATE_OIDC_USERNAME,
    password: process.env.WEAVIATE_OIDC_PASSWORD,
    clientId: process.env.WEAVIATE_OIDC_CLIENT_ID,
    clientSecret: process.env.WEAVIATE_OIDC_CLIENT_SECRET,
    accessTokenLifetimeSeconds: lifetime,
  };
}

export const weaviateOidcServers: ServerDef[] = [
  {
    name: 'weaviate-oidc',
    description: `Weaviate ${WEAVIATE_VERSION} (REST 8083, gRPC 8553), OIDC via a local issuer on ${OIDC_ISSUER_PORT} (password, client credentials, refresh; ${OIDC_ACCESS_TOKEN_LIFETIME_SECONDS} s tokens)`,
    envVars: [...externalVars, 'WEAVIATE_OIDC_GRPC'],
    external,
    provision: async (log) => {
      tsxLoader();
      await provisionWeaviate(log);
    },
    start,
    ready,
    readyTimeoutMs: 120_000,
    info: localInfo,
  },
];
