/**
 * `Client` (seed: `weaviate.Client(url, auth_client_secret=None, timeout_config=(10, 60),
 * additional_headers=None, startup_period=5)`): holds the funnel and the seed's sub-APIs
 * (`schema`, `dataObject`, `batch`, `query`, `backup`, `cluster`).
 */
import type { CallOptions } from '@dbwire/core';
import { UsageError } from '@dbwire/core';
import {
  type AuthCredentials,
  credentialsFactory,
  getOpenidConfigurationOp,
  type OpenidConfiguration,
} from './auth.js';
import { Backup } from './backup.js';
import { Batch } from './batch.js';
import { Cluster } from './cluster.js';
import { Connection, type Operation } from './connection.js';
import { DataObject } from './data.js';
import { Query } from './query.js';
import { Schema } from './schema.js';

/** Options of the `Client` constructor (seed keywords in camelCase). */
export interface ClientOptions {
  /** Base URL, when not given as the first argument (seed: `Client(url=...)`). */
  url?: string;
  /** `AuthClientPassword`, `AuthClientCredentials`, `AuthBearerToken` or `AuthApiKey` (seed: `auth_client_secret`). */
  authClientSecret?: AuthCredentials | null;
  /** Headers sent with every request, e.g. module API keys (seed: `additional_headers`). */
  additionalHeaders?: Record<string, string> | null;
  /** `[connect, read]` timeouts in seconds, or one number for both (seed: `timeout_config`). Default `[10, 60]`. */
  timeoutConfig?: number | [number, number];
  /**
   * Seconds the first request waits for Weaviate to report ready (seed: `startup_period`, which the
   * Python client spends in its constructor). Default 0: no wait.
   */
  startupPeriod?: number | null;
  /** Beyond the seed: keep-alive sockets to the server. Default 64. */
  connections?: number;
  /**
   * Weaviate's gRPC port (50051 in Weaviate's own images; the Python client 3.22+ calls it
   * `grpc_port_experimental`). When given, `query.get(...).do()` is sent as a gRPC Search whenever
   * gRPC can express the whole query (answers are the same objects in the same shape), which costs
   * the server and the client less than GraphQL; anything else goes to GraphQL as before.
   * Default: REST and GraphQL only.
   */
  grpcPort?: number;
  /** Same as `grpcPort` (the Python client's name). */
  grpcPortExperimental?: number;
  /** Host of the gRPC port. Default: the host of `url`. */
  grpcHost?: string;
  /** TLS on the gRPC channel. Default: true when `url` is https. */
  grpcSecure?: boolean;
}

/** The answer of `/v1/meta`. */
export interface Meta {
  /** Server hostname as Weaviate sees it. */
  hostname: string;
  /** Server version, e.g. `1.39.0`. */
  version: string;
  /** Enabled modules and their metadata. */
  modules: Record<string, unknown>;
  /** Anything else the server sends. */
  [key: string]: unknown;
}

/** GET a `/.well-known` probe: true on 200, false on 503 or any other status. */
function probeOp(name: 'isReady' | 'isLive', path: string): Operation<boolean> {
  return {
    name,
    method: 'GET',
    path,
    ok: [200, 204, 503, 404],
    what: name,
    decode: (_b, status) => status === 200 || status === 204,
  };
}

/** GET /v1/meta. */
export function metaOp(): Operation<Meta> {
  return { name: 'getMeta', method: 'GET', path: '/v1/meta', what: 'Get meta', decode: (b) => b as Meta };
}

/** A Weaviate client (seed: `weaviate.Client`). */
export class Client {
  /** Schema, properties, shards, tenants (seed: `client.schema`). */
  readonly schema: Schema;
  /** Single objects and references (seed: `client.data_object`). */
  readonly dataObject: DataObject;
  /** Bulk import; also callable to configure (seed: `client.batch`). */
  readonly batch: Batch;
  /** GraphQL builders and raw queries (seed: `client.query`). */
  readonly query: Query;
  /** Backups (seed: `client.backup`). */
  readonly backup: Backup;
  /** Node status (seed: `client.cluster`). */
  readonly cluster: Cluster;
  readonly #conn: Connection;

  /** `new Client('http://localhost:8080', { authClientSecret })` or `new Client({ url, ... })`. */
  constructor(url: string | ClientOptions, options: ClientOptions = {}) {
    const opts = typeof url === 'string' ? { ...options, url } : { ...url };
    if (typeof opts.url !== 'string') {
      throw new UsageError('Client needs a url, e.g. new Client("http://localhost:8080")', {
        code: 'ERR_INVALID_URL',
      });
    }
    this.#conn = new Connection({
      url: opts.url,
      credentials: credentialsFactory(opts.authClientSecret),
      additionalHeaders: opts.additionalHeaders ?? undefined,
      timeoutConfig: opts.timeoutConfig,
      startupPeriod: opts.startupPeriod ?? undefined,
      connections: opts.connections,
      grpcPort: opts.grpcPort ?? opts.grpcPortExperimental,
      grpcHost: opts.grpcHost,
      grpcSecure: opts.grpcSecure,
    });
    this.schema = new Schema(this.#conn);
    this.dataObject = new DataObject(this.#conn);
    this.batch = new Batch(this.#conn);
    this.query = new Query(this.#conn);
    this.backup = new Backup(this.#conn);
    this.cluster = new Cluster(this.#conn);
  }

  /** The base URL. */
  get url(): string {
    return this.#conn.url;
  }

  /** `[connect, read]` timeouts in seconds (seed: `timeout_config`). */
  get timeoutConfig(): [number, number] {
    return [...this.#conn.timeoutConfig];
  }

  /** Whether Weaviate is ready to serve (seed: `is_ready()`); false when it cannot be reached. */
  async isReady(options?: CallOptions): Promise<boolean> {
    try {
      return await this.#conn.run(probeOp('isReady', '/v1/.well-known/ready'), options);
    } catch (err) {
      if (options?.signal?.aborted) throw err;
      return false;
    }
  }

  /** Whether Weaviate is alive (seed: `is_live()`); false when it cannot be reached. */
  async isLive(options?: CallOptions): Promise<boolean> {
    try {
      return await this.#conn.run(probeOp('isLive', '/v1/.well-known/live'), options);
    } catch (err) {
      if (options?.signal?.aborted) throw err;
      return false;
    }
  }

  /** Version, hostname and modules (seed: `get_meta()`). */
  getMeta(options?: CallOptions): Promise<Meta> {
    return this.#conn.run(metaOp(), options);
  }

  /** The server's OIDC configuration, or null when it has none (seed: `get_openid_configuration()`). */
  getOpenidConfiguration(options?: CallOptions): Promise<OpenidConfiguration | null> {
    return this.#conn.run(getOpenidConfigurationOp(), options);
  }

  /** Closes the keep-alive connections; later calls fail with ConnectionError `ERR_CLOSED`. */
  close(): Promise<void> {
    return this.#conn.close();
  }

  /** `await using client = new Client(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
