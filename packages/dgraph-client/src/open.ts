import { ApiKey, BearerToken, registerSecret, type TlsOptions, UsageError } from '@dbwire/core';
import * as grpc from '@grpc/grpc-js';
import { DgraphClient } from './client.js';
import {
  callCredentialsFrom,
  DgraphClientStub,
  type DgraphClientStubOptions,
  sslCredentials,
} from './stub.js';

/** A parsed `dgraph://` connection string. */
export interface ConnectionString {
  hosts: string[];
  username?: string;
  password?: string;
  sslmode: 'disable' | 'require' | 'verify-ca';
  apikey?: string;
  bearertoken?: string;
  namespace?: number;
}

const PARAMS = new Set(['sslmode', 'apikey', 'bearertoken', 'namespace']);

/**
 * Parses `dgraph://[user:password@]host:port[,host2:port...][?sslmode=disable|require|verify-ca
 * &apikey=...|&bearertoken=...&namespace=N]` (the format of dgraph-js 24.2 / pydgraph `open`), with
 * several comma-separated hosts allowed. Throws `UsageError` naming the problem; never echoes the
 * password.
 */
export function parseConnectionString(connectionString: string): ConnectionString {
  const bad = (why: string) =>
    new UsageError(`Invalid connection string: ${why}`, { code: 'ERR_INVALID_CONNECTION_STRING' });
  if (typeof connectionString !== 'string') throw bad('expected a string');
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(\/?)(?:\?([^#]*))?$/.exec(connectionString.trim());
  if (!m) throw bad('expected dgraph://[user:password@]host:port[?params]');
  if (m[1]!.toLowerCase() !== 'dgraph') throw bad(`scheme must be 'dgraph', got '${m[1]}'`);
  let authority = m[2]!;
  let username: string | undefined;
  let password: string | undefined;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    password = colon >= 0 ? decode(userinfo.slice(colon + 1)) : undefined;
    if (password) registerSecret(password);
    if (!username) throw bad('username is empty');
    if (password === undefined || password === '') throw bad('password required when username is provided');
  }
  if (authority === '') throw bad('hostname required');
  const hosts = authority.split(',').map((h) => {
    const hm = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(h.trim());
    if (!hm) {
      if (/^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)$/.test(h.trim())) throw bad(`port required for host '${h.trim()}'`);
      throw bad(`malformed host '${h}'`);
    }
    const port = Number(hm[2]);
    if (port < 1 || port > 65535) throw bad(`port out of range in '${h}'`);
    return `${hm[1]}:${port}`;
  });
  const out: ConnectionString = { hosts, sslmode: 'disable' };
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  const params = new URLSearchParams(m[4] ?? '');
  for (const key of params.keys()) {
    if (!PARAMS.has(key)) throw bad(`unknown parameter '${key}' (known: ${[...PARAMS].join(', ')})`);
  }
  const sslmode = params.get('sslmode');
  if (sslmode !== null) {
    if (sslmode !== 'disable' && sslmode !== 'require' && sslmode !== 'verify-ca') {
      throw bad(`invalid sslmode '${sslmode}' (disable, require or verify-ca)`);
    }
    out.sslmode = sslmode;
  }
  const apikey = params.get('apikey');
  const bearertoken = params.get('bearertoken');
  if (apikey !== null && bearertoken !== null) throw bad('apikey and bearertoken cannot both be provided');
  if (apikey !== null) {
    if (apikey === '') throw bad('apikey is empty');
    registerSecret(apikey);
    out.apikey = apikey;
  }
  if (bearertoken !== null) {
    if (bearertoken === '') throw bad('bearertoken is empty');
    registerSecret(bearertoken);
    out.bearertoken = bearertoken;
  }
  const ns = params.get('namespace');
  if (ns !== null) {
    if (!/^\d+$/.test(ns)) throw bad(`namespace must be an integer >= 0, got '${ns}'`);
    if (username === undefined) throw bad('username/password required when namespace is provided');
    out.namespace = Number(ns);
  }
  if ((out.apikey || out.bearertoken) && sslmode === 'disable') {
    throw bad('apikey/bearertoken need TLS: use sslmode=verify-ca or require, not disable');
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Options of `open()`: stub options, TLS material, and how long the initial login may take. */
export interface OpenOptions extends Omit<DgraphClientStubOptions, 'tls'> {
  /** TLS settings (e.g. a private CA) used when the connection string asks for TLS. */
  tls?: TlsOptions;
  /** Seconds the initial login may take (default 30). */
  loginTimeout?: number;
}

/**
 * Opens a client from a connection string: one stub per host, TLS per `sslmode`, the API key or
 * bearer token sent as `authorization` on every call, and a login when credentials are given.
 * `client.close()` closes it.
 */
export async function open(connectionString: string, options: OpenOptions = {}): Promise<DgraphClient> {
  const cs = parseConnectionString(connectionString);
  const { tls, loginTimeout = 30, ...stubOptions } = options;
  const tlsWanted = cs.sslmode !== 'disable' || cs.apikey !== undefined || cs.bearertoken !== undefined;
  let creds: grpc.ChannelCredentials | undefined;
  if (tlsWanted) {
    creds = sslCredentials({
      ...tls,
      rejectUnauthorized: cs.sslmode === 'require' ? false : (tls?.rejectUnauthorized ?? true),
    });
    // Dgraph Cloud style: the API key bare, a bearer token with its scheme, in `authorization`.
    const provider =
      cs.apikey !== undefined
        ? new ApiKey(cs.apikey, { header: 'authorization', scheme: '' })
        : cs.bearertoken !== undefined
          ? new BearerToken(cs.bearertoken)
          : undefined;
    if (provider) creds = grpc.credentials.combineChannelCredentials(creds, callCredentialsFrom(provider));
  }
  const stubs = cs.hosts.map((h) => new DgraphClientStub(h, creds, stubOptions));
  const client = new DgraphClient(...stubs);
  if (cs.username !== undefined && cs.password !== undefined) {
    try {
      await client.login(cs.username, cs.password, cs.namespace ?? 0, { timeout: loginTimeout });
    } catch (err) {
      client.close();
      throw err;
    }
  }
  return client;
}
