/**
 * Replication (`db.replication`, seed: "Replication"): dump batches, inventories, dumps, the logger,
 * the replication applier (ArangoDB ≤ 3.11; 3.12 no longer documents it) and `synchronize`.
 */
import { type CallOptions, registerSecret } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import {
  ReplicationApplierConfigError,
  ReplicationApplierConfigSetError,
  ReplicationApplierStartError,
  ReplicationApplierStateError,
  ReplicationApplierStopError,
  ReplicationClusterInventoryError,
  ReplicationDumpBatchCreateError,
  ReplicationDumpBatchDeleteError,
  ReplicationDumpBatchExtendError,
  ReplicationDumpError,
  ReplicationInventoryError,
  ReplicationLoggerFirstTickError,
  ReplicationLoggerStateError,
  ReplicationServerIDError,
  ReplicationSyncError,
} from './errors.js';
import { pick, required, segment, stripEnvelope } from './util.js';
import { type ReplicationChunk, replicationChunkDecoder } from './wal.js';

/** Options of `dump` (seed: `dump(collection, batch_id, lower, upper, chunk_size, ...)`). */
export interface ReplicationDumpOptions extends CallOptions {
  /** Collection to dump. */
  collection: string;
  /** Id of a dump batch (`createDumpBatch`). */
  batchId: string;
  /** Lower bound tick (`from`; servers before 3.7). */
  lower?: number;
  /** Upper bound tick (`to`; servers before 3.7). */
  upper?: number;
  chunkSize?: number;
  includeSystem?: boolean;
  /** Include tick values (servers before 3.7). */
  ticks?: number;
  /** Flush the WAL before dumping (servers before 3.7). */
  flush?: boolean;
  /** Parse the JSON lines (`content` is then an array). Default false. */
  deserialize?: boolean;
}

/** The seed's `set_applier_config` keyword arguments (`endpoint` is required). */
export interface ApplierConfigOptions extends CallOptions {
  /** Master endpoint, e.g. "tcp://master:8529". */
  endpoint: string;
  database?: string;
  username?: string;
  password?: string;
  maxConnectRetries?: number;
  connectTimeout?: number;
  requestTimeout?: number;
  chunkSize?: number;
  autoStart?: boolean;
  adaptivePolling?: boolean;
  includeSystem?: boolean;
  autoResync?: boolean;
  autoResyncRetries?: number;
  initialSyncMaxWaitTime?: number;
  connectionRetryWaitTime?: number;
  idleMinWaitTime?: number;
  idleMaxWaitTime?: number;
  requireFromPresent?: boolean;
  verbose?: boolean;
  /** Whether `restrictCollections` lists the collections to include or to exclude. */
  restrictType?: 'include' | 'exclude';
  /** Collections `restrictType` applies to. */
  restrictCollections?: string[];
}

const APPLIER_FIELDS: Record<string, string> = Object.fromEntries(
  [
    'endpoint',
    'database',
    'username',
    'password',
    'maxConnectRetries',
    'connectTimeout',
    'requestTimeout',
    'chunkSize',
    'autoStart',
    'adaptivePolling',
    'includeSystem',
    'autoResync',
    'autoResyncRetries',
    'initialSyncMaxWaitTime',
    'connectionRetryWaitTime',
    'idleMinWaitTime',
    'idleMaxWaitTime',
    'requireFromPresent',
    'verbose',
    'restrictType',
    'restrictCollections',
  ].map((k) => [k, k]),
);

/** The seed's `synchronize` keyword arguments. */
export interface SynchronizeOptions extends CallOptions {
  /** Master endpoint, e.g. "tcp://master:8529". */
  endpoint: string;
  database?: string;
  username?: string;
  password?: string;
  includeSystem?: boolean;
  /** Synchronise incrementally (only differences) instead of a full copy. */
  incremental?: boolean;
  /** Whether `restrictCollections` lists the collections to include or to exclude. */
  restrictType?: 'include' | 'exclude';
  /** Collections `restrictType` applies to. */
  restrictCollections?: string[];
  /** Seconds to wait for the master's initial sync (`initialSyncMaxWaitTime`). */
  initialSyncWaitTime?: number;
}

/** The replication API wrapper (`db.replication`; seed: `Replication`). */
export class Replication extends ApiGroup {
  /** Collections and indexes of the database, or of all with `allDatabases` (seed: `inventory`). */
  async inventory(
    o: CallOptions & { batchId: string; includeSystem?: boolean; allDatabases?: boolean },
  ): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/replication/inventory', {
        query: {
          batchId: required('batchId', o?.batchId),
          includeSystem: o.includeSystem,
          global: o.allDatabases,
        },
      }),
      ReplicationInventoryError,
      o,
      stripEnvelope,
    );
  }

  /** Creates a dump batch: `{ id, lastTick }` (seed: `create_dump_batch(ttl)`; seconds). */
  async createDumpBatch(o: CallOptions & { ttl?: number } = {}): Promise<{ id: string; lastTick: string }> {
    return this._call(
      this._req('POST', '/_api/replication/batch', { body: pick(o, { ttl: 'ttl' }) }),
      ReplicationDumpBatchCreateError,
      o,
      (body) => ({ id: String(body.id), lastTick: String(body.lastTick) }),
    );
  }

  /** Extends a dump batch's lifetime (seed: `extend_dump_batch(batch_id, ttl)`). Returns true. */
  async extendDumpBatch(batchId: string, o: CallOptions & { ttl: number }): Promise<boolean> {
    return this._call(
      this._req('PUT', `/_api/replication/batch/${segment('batchId', batchId)}`, { body: { ttl: o?.ttl } }),
      ReplicationDumpBatchExtendError,
      o,
      () => true,
    );
  }

  /** Deletes a dump batch (seed: `delete_dump_batch`). Returns true. */
  async deleteDumpBatch(batchId: string, options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('DELETE', `/_api/replication/batch/${segment('batchId', batchId)}`),
      ReplicationDumpBatchDeleteError,
      options,
      () => true,
    );
  }

  /** The documents of one collection as JSON lines, with the replication headers (seed: `dump`). */
  async dump(o: ReplicationDumpOptions): Promise<ReplicationChunk> {
    const query = pick(o, {
      collection: 'collection',
      batchId: 'batchId',
      chunkSize: 'chunkSize',
      lower: 'from',
      upper: 'to',
      includeSystem: 'includeSystem',
      ticks: 'ticks',
      flush: 'flush',
    }) as Record<string, string | number | boolean>;
    required('collection', o?.collection);
    required('batchId', o.batchId);
    const req = this._req('GET', '/_api/replication/dump', { query });
    const decode = replicationChunkDecoder(ReplicationDumpError, o.deserialize);
    return this._run(req, (res) => decode(res, req), o);
  }

  /** Collections and indexes of a cluster, from a coordinator (seed: `cluster_inventory`). */
  async clusterInventory(o: CallOptions & { includeSystem?: boolean } = {}): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/replication/clusterInventory', { query: { includeSystem: o.includeSystem } }),
      ReplicationClusterInventoryError,
      o,
      stripEnvelope,
    );
  }

  /** State of the replication logger: `{ state, server, clients }` (seed: `logger_state`). */
  async loggerState(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/replication/logger-state'),
      ReplicationLoggerStateError,
      options,
      stripEnvelope,
    );
  }

  /** The first tick the logger still has (seed: `logger_first_tick`). */
  async loggerFirstTick(options?: CallOptions): Promise<string> {
    return this._call(
      this._req('GET', '/_api/replication/logger-first-tick'),
      ReplicationLoggerFirstTickError,
      options,
      (body) => body.firstTick,
    );
  }

  /** The replication applier's configuration (seed: `applier_config`). */
  async applierConfig(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/replication/applier-config'),
      ReplicationApplierConfigError,
      options,
      stripEnvelope,
    );
  }

  /** Sets the applier's configuration and returns it (seed: `set_applier_config`). */
  async setApplierConfig(o: ApplierConfigOptions): Promise<Record<string, any>> {
    required('endpoint', o?.endpoint);
    registerSecret(o.password);
    return this._call(
      this._req('PUT', '/_api/replication/applier-config', { body: pick(o, APPLIER_FIELDS) }),
      ReplicationApplierConfigSetError,
      o,
      stripEnvelope,
    );
  }

  /** The applier's state: `{ state: { running, phase, progress, ... }, server, endpoint }` (seed: `applier_state`). */
  async applierState(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/replication/applier-state'),
      ReplicationApplierStateError,
      options,
      stripEnvelope,
    );
  }

  /** Starts the applier, optionally from a tick (seed: `start_applier(last_tick)`); returns its state. */
  async startApplier(o: CallOptions & { lastTick?: string } = {}): Promise<Record<string, any>> {
    return this._call(
      this._req('PUT', '/_api/replication/applier-start', { query: { from: o.lastTick } }),
      ReplicationApplierStartError,
      o,
      stripEnvelope,
    );
  }

  /** Stops the applier; returns its state (seed: `stop_applier`). */
  async stopApplier(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('PUT', '/_api/replication/applier-stop'),
      ReplicationApplierStopError,
      options,
      stripEnvelope,
    );
  }

  /** This server's replication id (seed: `server_id`). */
  async serverId(options?: CallOptions): Promise<string> {
    return this._call(
      this._req('GET', '/_api/replication/server-id'),
      ReplicationServerIDError,
      options,
      (body) => String(body.serverId),
    );
  }

  /** Copies data from a remote (master) endpoint once (seed: `synchronize`). */
  async synchronize(o: SynchronizeOptions): Promise<Record<string, any>> {
    required('endpoint', o?.endpoint);
    registerSecret(o.password);
    const body = pick(o, {
      endpoint: 'endpoint',
      database: 'database',
      username: 'username',
      password: 'password',
      includeSystem: 'includeSystem',
      incremental: 'incremental',
      restrictType: 'restrictType',
      restrictCollections: 'restrictCollections',
      initialSyncWaitTime: 'initialSyncMaxWaitTime',
    });
    return this._call(
      this._req('PUT', '/_api/replication/sync', { body }),
      ReplicationSyncError,
      o,
      stripEnvelope,
    );
  }
}
