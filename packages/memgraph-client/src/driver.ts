import { type Config as DriverOptions, driver as openDriver, type ServerInfo } from 'neo4j-driver-lite';
import { type Auth, toAuthToken } from './auth.js';
import { ConfigurationError, fromDriverError } from './errors.js';
import { type CallOptions, type DriverLike, Funnel } from './funnel.js';
import { checkDatabaseName, checkQuery } from './query.js';
import { type AccessMode, READ_ACCESS, Session, type SessionConfig, WRITE_ACCESS } from './session.js';
import { parseStorageInfo, type StorageInfo, type StorageInfoOptions, storageInfoQuery } from './storage.js';
import type { EagerResult } from './summary.js';
import { type Properties, toDriverParams } from './values.js';

/** Python `neo4j.RoutingControl`: whether `executeQuery` runs a read or a write transaction. */
export const RoutingControl = Object.freeze({
  /** A read transaction (access mode `r`; on an HA cluster, any replica). */
  READ: 'READ',
  /** A write transaction (the default; on an HA cluster, the main instance). */
  WRITE: 'WRITE',
} satisfies { [name: string]: 'READ' | 'WRITE' });

/** `RoutingControl.READ` or `RoutingControl.WRITE`. */
export type RoutingControl = (typeof RoutingControl)[keyof typeof RoutingControl];

/**
 * Options of `GraphDatabase.driver(uri, {...})`, named as the seed's Python driver names them.
 * Durations are in SECONDS, as in the seed (neo4j-driver's own JavaScript options take milliseconds).
 */
export interface DriverConfig {
  /** `[user, password]` (empty strings: no authentication), `basicAuth(...)` or `ssoAuth(...)`. */
  auth?: Auth;
  /** Return every integer as a `bigint` (default: `number` when exact, `bigint` beyond 2^53). */
  useBigInt?: boolean;
  /** Managed transactions: total time retries may take, seconds (default 30). */
  maxTransactionRetryTime?: number;
  /** Managed transactions: wait before the first retry, seconds (default 1). */
  initialRetryDelay?: number;
  /** Managed transactions: factor applied to the wait after each retry (default 2). */
  retryDelayMultiplier?: number;
  /** Managed transactions: random spread of each wait, 0..1 (default 0.2). */
  retryDelayJitterFactor?: number;
  /** Connections kept per server (default 100). */
  maxConnectionPoolSize?: number;
  /** Seconds to wait for a free pooled connection (default 60). */
  connectionAcquisitionTimeout?: number;
  /** Seconds to establish a connection (default 30). */
  connectionTimeout?: number;
  /** Seconds after which a pooled connection is replaced (default 3600). */
  maxConnectionLifetime?: number;
  /** Records pulled per batch when streaming (default 1000). */
  fetchSize?: number;
  /** Sent to the server at connection time. */
  userAgent?: string;
  /**
   * For `bolt://`: encrypt with TLS (default false). For Memgraph Cloud use a `bolt+ssc://`
   * (self-signed) or `bolt+s://` URI instead.
   */
  encrypted?: boolean;
}

/** Options of `driver.executeQuery(query, parameters, {...})` (Python's `database_=`, `routing_=`, ...). */
export interface QueryConfig extends CallOptions {
  /** The database to run in (default: the server's default, `memgraph` on Memgraph). */
  database?: string;
  /** `RoutingControl.WRITE` (default) or `RoutingControl.READ`. */
  routing?: RoutingControl;
  /** Run as this user (needs the impersonation privilege on the server). */
  impersonatedUser?: string;
}

/** Options of the database helpers. */
export interface AdminOptions extends CallOptions {
  /** The database to send the command to (only needed for Neo4j, whose admin commands go to `system`). */
  database?: string;
}

const SCHEMES = new Set(['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']);

function secondsToMs(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a finite number of seconds >= 0, got ${String(value)}`);
  }
  return Math.round(value * 1000);
}

function number(name: string, value: number | undefined, min: number, max = Number.POSITIVE_INFINITY) {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be a number within ${min}..${max}, got ${String(value)}`);
  }
}

/** `host:port` of a Bolt URI, checking its scheme. */
export function parseUri(uri: string): { scheme: string; host: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigurationError(`invalid URI ${JSON.stringify(uri)}: expected e.g. bolt://localhost:7687`, {
      code: 'ERR_INVALID_URI',
    });
  }
  const scheme = url.protocol.slice(0, -1);
  if (!SCHEMES.has(scheme)) {
    throw new ConfigurationError(
      `unsupported URI scheme "${scheme}": use bolt:// (default), bolt+ssc:// or bolt+s:// (TLS), or neo4j:// only for a Memgraph HA coordinator`,
      { code: 'ERR_INVALID_URI' },
    );
  }
  return { scheme, host: `${url.hostname}:${url.port || '7687'}` };
}

/** neo4j-driver options from ours (validated). */
export function driverOptions(config: DriverConfig): DriverOptions {
  number('maxConnectionPoolSize', config.maxConnectionPoolSize, 1);
  number('fetchSize', config.fetchSize, -1);
  const out: DriverOptions = {
    // Integers stay lossless neo4j Integers inside the driver; values.ts applies our policy.
    disableLosslessIntegers: false,
    useBigInt: false,
    // neo4j-driver's own retry executor is not used (see funnel.ts); keep its budget minimal anyway.
    maxTransactionRetryTime: 0,
  };
  if (config.maxConnectionPoolSize !== undefined) out.maxConnectionPoolSize = config.maxConnectionPoolSize;
  const acquisition = secondsToMs('connectionAcquisitionTimeout', config.connectionAcquisitionTimeout);
  if (acquisition !== undefined) out.connectionAcquisitionTimeout = acquisition;
  const connect = secondsToMs('connectionTimeout', config.connectionTimeout);
  if (connect !== undefined) out.connectionTimeout = connect;
  const lifetime = secondsToMs('maxConnectionLifetime', config.maxConnectionLifetime);
  if (lifetime !== undefined) out.maxConnectionLifetime = lifetime;
  if (config.fetchSize !== undefined) out.fetchSize = config.fetchSize;
  if (config.userAgent !== undefined) out.userAgent = config.userAgent;
  if (config.encrypted !== undefined) out.encrypted = config.encrypted;
  return out;
}

/**
 * The entry point (Python `neo4j.GraphDatabase`): `GraphDatabase.driver(uri, { auth })`.
 */
export const GraphDatabase = Object.freeze({
  /**
   * Creates a driver for `uri` (`bolt://host:7687`; `bolt+ssc://` / `bolt+s://` for TLS, e.g. Memgraph
   * Cloud). Nothing is sent until the first query or `verifyConnectivity()`. Bad options fail here
   * with a ConfigurationError.
   */
  driver(uri: string, config: DriverConfig = {}): Driver {
    const { host } = parseUri(uri);
    const token = toAuthToken(config.auth);
    const options = driverOptions(config);
    const retry = {
      maxTransactionRetryTime: config.maxTransactionRetryTime ?? 30,
      initialRetryDelay: config.initialRetryDelay ?? 1,
      retryDelayMultiplier: config.retryDelayMultiplier ?? 2,
      retryDelayJitterFactor: config.retryDelayJitterFactor ?? 0.2,
    };
    checkRetry(retry);
    let handle: DriverLike;
    try {
      handle = openDriver(uri, token, options);
    } catch (err) {
      throw new ConfigurationError(`GraphDatabase.driver: ${(err as Error).message}`, { cause: err });
    }
    return new Driver(new Funnel(handle, host, { useBigInt: config.useBigInt === true }, retry));
  },
});

function checkRetry(r: {
  maxTransactionRetryTime: number;
  initialRetryDelay: number;
  retryDelayMultiplier: number;
  retryDelayJitterFactor: number;
}): void {
  secondsToMs('maxTransactionRetryTime', r.maxTransactionRetryTime);
  secondsToMs('initialRetryDelay', r.initialRetryDelay);
  number('retryDelayMultiplier', r.retryDelayMultiplier, 1);
  number('retryDelayJitterFactor', r.retryDelayJitterFactor, 0, 1);
}

/**
 * A driver: a pool of Bolt connections to one Memgraph (Python `neo4j.Driver`). Share one per
 * application; close it with `close()` or `await using`.
 */
export class Driver implements AsyncDisposable {
  readonly #funnel: Funnel;

  /** @internal Use `GraphDatabase.driver(uri, config)`. */
  constructor(funnel: Funnel) {
    this.#funnel = funnel;
  }

  /**
   * Runs one query in a managed transaction and returns every record (Python `driver.execute_query`):
   * `const { records, summary, keys } = await driver.executeQuery(query, parameters, { database })`.
   * Retried on transient failures like `executeWrite`.
   */
  async executeQuery(query: string, parameters?: Properties, config: QueryConfig = {}): Promise<EagerResult> {
    const funnel = this.#funnel;
    funnel.assertOpen('executeQuery');
    // A managed transaction: USE DATABASE is never allowed here (memgraph/documentation#594).
    checkQuery(query, parameters, { database: config.database, inTransaction: true });
    const routing = config.routing ?? RoutingControl.WRITE;
    if (routing !== RoutingControl.READ && routing !== RoutingControl.WRITE) {
      throw new ConfigurationError(
        `routing must be RoutingControl.READ or RoutingControl.WRITE, got ${String(routing)}`,
      );
    }
    const session = funnel.driver.session({
      defaultAccessMode: routing === RoutingControl.READ ? READ_ACCESS : WRITE_ACCESS,
      database: config.database,
      impersonatedUser: config.impersonatedUser,
      bookmarks: [],
    });
    const params = toDriverParams(parameters);
    try {
      return await funnel.managed(
        'executeQuery',
        session,
        (tx) => funnel.collect('executeQuery', tx.run(query, params)),
        undefined,
        config,
        () => {
          session.close().catch(() => {});
        },
      );
    } finally {
      await session.close().catch(() => {});
    }
  }

  /** Opens a session (Python `driver.session(database=..., ...)`); close it when done. */
  session(config: SessionConfig = {}): Session {
    this.#funnel.assertOpen('session');
    const mode = config.defaultAccessMode;
    if (mode !== undefined && mode !== READ_ACCESS && mode !== WRITE_ACCESS) {
      throw new ConfigurationError(
        `defaultAccessMode must be READ_ACCESS or WRITE_ACCESS, got ${String(mode)}`,
      );
    }
    if (config.fetchSize !== undefined) number('fetchSize', config.fetchSize, -1);
    return new Session(this.#funnel, { ...config });
  }

  /** Connects and authenticates once; fails with a typed error when that is impossible. */
  async verifyConnectivity(options?: CallOptions): Promise<void> {
    await this.getServerInfo(options);
  }

  /** The server's address, agent (e.g. `Memgraph/3.2.0`) and Bolt protocol version. */
  async getServerInfo(options?: CallOptions): Promise<ServerInfo> {
    const funnel = this.#funnel;
    funnel.assertOpen('getServerInfo');
    return funnel.call('verifyConnectivity', () => funnel.driver.getServerInfo(), options);
  }

  /**
   * The names of the databases (Memgraph `SHOW DATABASES`; multi-tenancy needs an Enterprise licence,
   * otherwise only `memgraph` exists).
   */
  async listDatabases(options: AdminOptions = {}): Promise<string[]> {
    const { records } = await this.#autoCommit('SHOW DATABASES', options, READ_ACCESS);
    const names: string[] = [];
    for (const r of records) {
      const key = r.keys.find((k) => k === 'Name' || k === 'name') ?? r.keys[0];
      const name = key === undefined ? undefined : r.get(key);
      if (typeof name === 'string' && !names.includes(name)) names.push(name);
    }
    return names;
  }

  /** `CREATE DATABASE <name>` (Memgraph Enterprise). The name is checked before anything is sent. */
  async createDatabase(name: string, options: AdminOptions = {}): Promise<void> {
    await this.#autoCommit(`CREATE DATABASE ${checkDatabaseName(name)}`, options, WRITE_ACCESS);
  }

  /** `DROP DATABASE <name>` (with `force: true`, `DROP DATABASE <name> FORCE`, even while in use). */
  async dropDatabase(name: string, options: AdminOptions & { force?: boolean } = {}): Promise<void> {
    const { force, ...rest } = options;
    await this.#autoCommit(
      `DROP DATABASE ${checkDatabaseName(name)}${force ? ' FORCE' : ''}`,
      rest,
      WRITE_ACCESS,
    );
  }

  /**
   * Memgraph's `SHOW STORAGE INFO` parsed (both the pre-3.11 field names and the current ones).
   * `{ on: 'current' }` or `{ on: '<db>' }` asks for one database's figures.
   */
  async storageInfo(options: StorageInfoOptions & AdminOptions = {}): Promise<StorageInfo> {
    const { on, ...rest } = options;
    if (on !== undefined && on !== 'current') checkDatabaseName(on);
    const { records } = await this.#autoCommit(storageInfoQuery({ on }), rest, READ_ACCESS);
    return parseStorageInfo(records.map((r) => [r.get(0), r.get(1)] as const));
  }

  /**
   * Runs an admin or info query in an implicit transaction: Memgraph refuses info and multi-database
   * queries inside explicit transactions, which is what executeQuery uses.
   */
  async #autoCommit(query: string, options: AdminOptions, mode: AccessMode): Promise<EagerResult> {
    const { database, timeout, signal } = options;
    const session = this.session({ database, defaultAccessMode: mode });
    try {
      const result = await session.run(query, undefined, { timeout, signal });
      return await result.collect();
    } finally {
      await session.close();
    }
  }

  /** Closes every pooled connection; later calls fail with DriverError. */
  async close(): Promise<void> {
    const funnel = this.#funnel;
    if (funnel.closed) return;
    funnel.closed = true;
    try {
      await funnel.driver.close();
    } catch (err) {
      throw fromDriverError(err, 'close');
    }
  }

  /** `await using driver = GraphDatabase.driver(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
