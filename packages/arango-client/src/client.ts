import { createRequire } from 'node:module';
import { type HostEndpoint, parseHosts, type TlsOptions } from '@dbwire/core';
import type { Dispatcher } from 'undici';
import { type AuthOptions, Connection, type ConnectionOptions, serverError } from './connection.js';
import { StandardDatabase } from './database.js';
import { ArangoClientError, ServerConnectionError } from './errors.js';

/** Options of `new ArangoClient()` (seed: the `ArangoClient` keyword arguments). */
export interface ArangoClientOptions {
  /** One URL, a comma-separated list, or an array. Default `http://127.0.0.1:8529`. */
  hosts?: string | string[];
  /** How a host is picked per request when several are given. Default "roundrobin". */
  hostResolver?: 'roundrobin' | 'random';
  /** Turns a request body into JSON text. Default `JSON.stringify`. */
  serializer?: (value: unknown) => string;
  /** Turns JSON text of an answer into a value. Default `JSON.parse`. */
  deserializer?: (text: string) => unknown;
  /** Milliseconds (headers and each body chunk). Default 60 000. */
  requestTimeout?: number;
  /** Extra attempts on other hosts after connection errors or 503 (safe requests only). */
  maxRetries?: number;
  /** Keep-alive sockets per host. Default 32. */
  poolSize?: number;
  /** HTTP/1.1 pipelining depth per socket. Default 1. */
  pipelining?: number;
  keepAliveTimeout?: number;
  /**
   * Record the synchronous caller stack at every call (default false: async errors already carry the
   * caller's frames through V8 async stack traces; see ConnectionOptions).
   */
  captureStackTraces?: boolean;
  tls?: TlsOptions;
  /** An undici `Dispatcher` to send every request through (the seed's `http_client`). */
  httpClient?: Dispatcher;
}

/** Options of `client.db()`: credentials, verification and the auth method. */
export interface DbOptions {
  username?: string;
  password?: string;
  /** Check the connection and credentials right away (GET /_api/version). */
  verify?: boolean;
  authMethod?: 'basic' | 'jwt';
  /** A ready JWT instead of username/password. */
  userToken?: string;
}

// Read once, on first use: src/ and dist/ both sit one level below the package root.
let packageVersion: string | undefined;

/** Parses `hosts` (array or comma-separated string, core `parseHosts`) into http(s) origins. */
export function parseHostList(hosts: string | string[] | undefined): string[] {
  let endpoints: HostEndpoint[];
  try {
    endpoints = parseHosts(hosts ?? 'http://127.0.0.1:8529', { scheme: 'http', port: 8529 });
  } catch (err) {
    throw new ArangoClientError(`bad hosts: ${(err as Error).message}`, { cause: err });
  }
  return endpoints.map((e) => {
    if (e.scheme !== 'http' && e.scheme !== 'https') {
      throw new ArangoClientError(`bad host URL "${e.raw}": protocol must be http or https`);
    }
    return e.url;
  });
}

/** Entry point: `const db = await new ArangoClient({ hosts }).db('test', { username, password })`. */
export class ArangoClient {
  readonly hosts: readonly string[];
  readonly #options: ConnectionOptions;
  readonly #connections = new Map<string, Connection>();

  constructor(options: ArangoClientOptions = {}) {
    this.hosts = parseHostList(options.hosts);
    if (
      options.hostResolver !== undefined &&
      options.hostResolver !== 'roundrobin' &&
      options.hostResolver !== 'random'
    ) {
      throw new ArangoClientError(
        `hostResolver must be "roundrobin" or "random", got "${options.hostResolver}"`,
      );
    }
    this.#options = { ...options, hosts: [...this.hosts] };
  }

  /** The version of this package (`@dbwire/arango-client`), read from its package.json. */
  get version(): string {
    packageVersion ??= (createRequire(import.meta.url)('../package.json') as { version: string }).version;
    return packageVersion;
  }

  /** A database wrapper; connections (and their socket pools) are shared per credentials. */
  async db(name = '_system', o: DbOptions = {}): Promise<StandardDatabase> {
    if (typeof name !== 'string' || !name)
      throw new ArangoClientError('database name must be a non-empty string');
    const auth: AuthOptions = {
      username: o.userToken !== undefined ? o.username : (o.username ?? 'root'),
      password: o.password ?? '',
      authMethod: o.authMethod ?? 'basic',
      userToken: o.userToken,
    };
    if (auth.authMethod !== 'basic' && auth.authMethod !== 'jwt') {
      throw new ArangoClientError(`authMethod must be "basic" or "jwt", got "${String(auth.authMethod)}"`);
    }
    const key = JSON.stringify([auth.username, auth.password, auth.authMethod, auth.userToken]);
    let conn = this.#connections.get(key);
    if (!conn) {
      conn = new Connection(this.#options, auth);
      this.#connections.set(key, conn);
    }
    const db = new StandardDatabase(conn, name, auth.username);
    if (o.verify) {
      const req = { method: 'GET' as const, endpoint: '/_api/version', db: name };
      const res = await conn.send(req);
      if (res.status !== 200) throw serverError(ServerConnectionError, req, res);
    }
    return db;
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    const conns = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(conns.map((c) => c.close()));
  }

  /** Closes the client when an `await using` scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
