/**
 * Server administration and monitoring on the database wrapper (`sysDb.time()`, `sysDb.readLog()`,
 * ...): the seed's "Server Administration" page. Mixed into `StandardDatabase` (see `./index.ts`);
 * `version`, `details`, `status` and `engine` live in `../database.ts`.
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import {
  DatabaseCompactError,
  DatabaseSupportInfoError,
  JWTSecretListError,
  JWTSecretReloadError,
  ServerEchoError,
  ServerEndpointsError,
  ServerIDError,
  ServerLicenseGetError,
  ServerLogLevelError,
  ServerLogLevelSetError,
  ServerMetricsError,
  ServerReadLogError,
  ServerReloadRoutingError,
  ServerRequiredDBVersionError,
  ServerRoleError,
  ServerShutdownError,
  ServerStatisticsError,
  ServerTimeError,
  ServerTLSError,
  ServerTLSReloadError,
} from './errors.js';
import { pick, stripEnvelope } from './util.js';

/** Options of `readLog` (seed: `read_log`); GET /_admin/log/entries. */
export interface ReadLogOptions extends CallOptions {
  /** Entries up to this level: "fatal", "error", "warning", "info", "debug" (or 0–4). */
  upto?: string | number;
  /** Only entries of exactly this level. */
  level?: string | number;
  /** Entries with an id of at least this. */
  start?: number;
  /** At most this many entries. */
  size?: number;
  /** Skip this many entries. */
  offset?: number;
  /** Only entries whose text contains this. */
  search?: string;
  /** "asc" or "desc" by id. */
  sort?: 'asc' | 'desc';
  /** In a cluster: the server whose log to read (forwarded by the coordinator). */
  serverId?: string;
}

/** One log entry of `readLog`. */
export interface LogEntry {
  id: number;
  topic: string;
  /** Level name, e.g. "INFO". */
  level: string;
  /** ISO 8601 time of the entry. */
  date: string;
  message: string;
  [k: string]: unknown;
}

/** What `readLog` returns: the total matching and the page of entries. */
export interface LogEntries {
  /** Number of entries matching the filters. */
  total: number;
  /** This page of entries. */
  messages: LogEntry[];
}

/** Options of `logLevels` / `setLogLevels`. */
export interface LogLevelOptions extends CallOptions {
  /** In a cluster: the server whose log levels to read or set. */
  serverId?: string;
  /** Also per-appender levels (ArangoDB 3.10+). */
  withAppenders?: boolean;
}

/**
 * The server administration calls of the database wrapper (seed: "Server Administration").
 * Applies to `StandardDatabase` (and its transaction, async and batch forms); not used on its own.
 */
export class ServerAdministration extends ApiGroup {
  /** The database version this server requires (seed: `required_db_version`). */
  async requiredDbVersion(options?: CallOptions): Promise<string> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/database/target-version', db: null },
      ServerRequiredDBVersionError,
      options,
      (body) => body.version,
    );
  }

  /** The server's clock as a `Date` (seed: `time`, a `datetime`). */
  async time(options?: CallOptions): Promise<Date> {
    return this._call(
      this._req('GET', '/_admin/time'),
      ServerTimeError,
      options,
      (body) => new Date(body.time * 1000),
    );
  }

  /**
   * The server's role: "SINGLE", "COORDINATOR", "PRIMARY" (DB-Server), "SECONDARY", "AGENT" or
   * "UNDEFINED" (seed: `role`).
   */
  async role(options?: CallOptions): Promise<string> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/server/role', db: null },
      ServerRoleError,
      options,
      (body) => body.role,
    );
  }

  /** This server's id in a cluster (GET /_admin/server/id; single servers answer an error). */
  async serverId(options?: CallOptions): Promise<string> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/server/id', db: null },
      ServerIDError,
      options,
      (body) => body.id,
    );
  }

  /**
   * Server statistics (system, client, http, server groups); with `description`, what each figure
   * means instead (seed: `statistics(description=False)`).
   */
  async statistics(o: CallOptions & { description?: boolean } = {}): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', o.description ? '/_admin/statistics-description' : '/_admin/statistics'),
      ServerStatisticsError,
      o,
      stripEnvelope,
    );
  }

  /** Server log entries, filtered and paged (seed: `read_log`; GET /_admin/log/entries). */
  async readLog(o: ReadLogOptions = {}): Promise<LogEntries> {
    const query = pick(o, {
      upto: 'upto',
      level: 'level',
      start: 'start',
      size: 'size',
      offset: 'offset',
      search: 'search',
      sort: 'sort',
      serverId: 'serverId',
    }) as Record<string, string | number>;
    return this._call(
      { method: 'GET', endpoint: '/_admin/log/entries', db: null, query },
      ServerReadLogError,
      o,
      (body) => ({ total: body.total, messages: body.messages }),
    );
  }

  /** Log level per topic, e.g. `{ agency: 'INFO', ... }` (seed: `log_levels`). */
  async logLevels(o: LogLevelOptions = {}): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'GET',
        endpoint: '/_admin/log/level',
        db: null,
        query: { serverId: o.serverId, withAppenders: o.withAppenders },
      },
      ServerLogLevelError,
      o,
    );
  }

  /**
   * Sets log levels per topic and returns all levels (seed: `set_log_levels(**kwargs)`):
   * `setLogLevels({ agency: 'DEBUG', collector: 'INFO', threads: 'WARNING' })`.
   */
  async setLogLevels(levels: Record<string, string>, o: LogLevelOptions = {}): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'PUT',
        endpoint: '/_admin/log/level',
        db: null,
        body: levels,
        query: { serverId: o.serverId, withAppenders: o.withAppenders },
      },
      ServerLogLevelSetError,
      o,
    );
  }

  /** The request as the server saw it (seed: `echo`; POST /_admin/echo, no body). */
  async echo(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('POST', '/_admin/echo'), ServerEchoError, options);
  }

  /** Rebuilds the routing table from the `_routing` collection (seed: `reload_routing`). */
  async reloadRouting(options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('POST', '/_admin/routing/reload'),
      ServerReloadRoutingError,
      options,
      () => true,
    );
  }

  /** Server metrics in Prometheus text format (seed: `metrics`; GET /_admin/metrics). */
  async metrics(o: CallOptions & { serverId?: string } = {}): Promise<string> {
    return this._call(
      this._req('GET', '/_admin/metrics', { query: { serverId: o.serverId } }),
      ServerMetricsError,
      o,
      (body) => (typeof body === 'string' ? body : JSON.stringify(body)),
    );
  }

  /** License state: `diskUsage`, `upgrading`, and the license details on Enterprise servers. */
  async license(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_admin/license'), ServerLicenseGetError, options, stripEnvelope);
  }

  /**
   * Deployment and host facts for ArangoDB support (python-arango: `support_info`); always asked
   * through `_system`.
   */
  async supportInfo(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/support-info', db: '_system' },
      DatabaseSupportInfoError,
      options,
    );
  }

  /** The endpoints the server listens on, e.g. `[{ endpoint: 'http://0.0.0.0:8529' }]`. */
  async endpoints(options?: CallOptions): Promise<Array<{ endpoint: string }>> {
    return this._call(
      { method: 'GET', endpoint: '/_api/endpoint', db: '_system' },
      ServerEndpointsError,
      options,
    );
  }

  /**
   * Compacts the data of all databases (PUT /_admin/compact; python-arango: `compact`). May take
   * long: give a `timeout` that fits your data.
   */
  async compact(
    o: CallOptions & { changeLevel?: boolean; compactBottomMostLevel?: boolean } = {},
  ): Promise<Record<string, any>> {
    const body = pick(o, { changeLevel: 'changeLevel', compactBottomMostLevel: 'compactBottomMostLevel' });
    return this._call(
      {
        method: 'PUT',
        endpoint: '/_admin/compact',
        db: null,
        body: Object.keys(body).length ? body : undefined,
      },
      DatabaseCompactError,
      o,
      stripEnvelope,
    );
  }

  /** Starts a server shutdown (aioarangodb: `shutdown`); with `soft`, waits for running work. */
  async shutdown(o: CallOptions & { soft?: boolean } = {}): Promise<boolean> {
    return this._call(
      this._req('DELETE', '/_admin/shutdown', { query: { soft: o.soft } }),
      ServerShutdownError,
      o,
      () => true,
    );
  }

  /** The server's TLS keyfile, CA and SNI data: hashes and dates, never key material (aioarangodb: `tls`). */
  async tls(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_admin/server/tls'), ServerTLSError, options, (body) => body.result);
  }

  /** Reloads the TLS keyfile, CA and SNI files from disk; returns the new data (aioarangodb: `reload_tls`). */
  async reloadTls(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      { method: 'POST', endpoint: '/_admin/server/tls', db: null },
      ServerTLSReloadError,
      options,
      (body) => body.result,
    );
  }

  /** SHA-256 hashes of the active and passive JWT secrets (aioarangodb: `jwt_secrets`). */
  async jwtSecrets(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_admin/server/jwt'),
      JWTSecretListError,
      options,
      (body) => body.result,
    );
  }

  /** Reloads the JWT secrets from disk; returns their hashes (aioarangodb: `reload_jwt_secrets`). */
  async reloadJwtSecrets(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      { method: 'POST', endpoint: '/_admin/server/jwt', db: null },
      JWTSecretReloadError,
      options,
      (body) => body.result,
    );
  }
}
