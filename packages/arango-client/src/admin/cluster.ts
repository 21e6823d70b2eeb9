/**
 * Cluster administration (`sysDb.cluster`, seed: "Clusters" → "Administration"). Coordinator load
 * balancing across several hosts is the connection's job (`ArangoClient({ hosts, hostResolver })`).
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import { ArangoClientError } from '../errors.js';
import {
  ClusterEndpointsError,
  ClusterHealthError,
  ClusterMaintenanceModeError,
  ClusterServerEngineError,
  ClusterServerIDError,
  ClusterServerRoleError,
  ClusterServerStatisticsError,
  ClusterServerVersionError,
} from './errors.js';
import { required, stripEnvelope } from './util.js';

/** The cluster API wrapper (`sysDb.cluster`; seed: `Cluster`). */
export class Cluster extends ApiGroup {
  /** This server's id in the cluster (seed: `server_id`). */
  async serverId(options?: CallOptions): Promise<string> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/server/id', db: null },
      ClusterServerIDError,
      options,
      (body) => body.id,
    );
  }

  /** This server's role: "COORDINATOR", "PRIMARY", "SINGLE", ... (seed: `server_role`). */
  async serverRole(options?: CallOptions): Promise<string> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/server/role', db: null },
      ClusterServerRoleError,
      options,
      (body) => body.role,
    );
  }

  /** Health of every server: `{ ClusterId, Health: { <id>: { Role, Status, ... } } }` (seed: `health`). */
  async health(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      { method: 'GET', endpoint: '/_admin/cluster/health', db: null },
      ClusterHealthError,
      options,
      stripEnvelope,
    );
  }

  /** Statistics of one DB-Server (seed: `statistics(server_id)`; `?DBserver=`). */
  async statistics(serverId: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'GET',
        endpoint: '/_admin/cluster/statistics',
        db: null,
        query: { DBserver: required('serverId', serverId) },
      },
      ClusterServerStatisticsError,
      options,
      stripEnvelope,
    );
  }

  /** Version of one server, asked through the coordinator (aioarangodb: `server_version`). */
  async serverVersion(serverId: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'GET',
        endpoint: '/_admin/cluster/nodeVersion',
        db: null,
        query: { ServerID: required('serverId', serverId) },
      },
      ClusterServerVersionError,
      options,
    );
  }

  /** Storage engine of one server, asked through the coordinator (aioarangodb: `server_engine`). */
  async serverEngine(serverId: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'GET',
        endpoint: '/_admin/cluster/nodeEngine',
        db: null,
        query: { ServerID: required('serverId', serverId) },
      },
      ClusterServerEngineError,
      options,
    );
  }

  /**
   * Turns the supervision maintenance mode "on" (for 60 minutes) or "off", or on for a number of
   * seconds (seed: `toggle_maintenance_mode`). Returns the server's answer.
   */
  async toggleMaintenanceMode(
    mode: 'on' | 'off' | number,
    options?: CallOptions,
  ): Promise<Record<string, any>> {
    if (mode !== 'on' && mode !== 'off' && !(typeof mode === 'number' && mode > 0)) {
      throw new ArangoClientError(
        `maintenance mode must be "on", "off" or seconds, got ${JSON.stringify(mode)}`,
      );
    }
    return this._call(
      { method: 'PUT', endpoint: '/_admin/cluster/maintenance', db: null, body: String(mode) },
      ClusterMaintenanceModeError,
      options,
      stripEnvelope,
    );
  }

  /** The coordinators' endpoints, e.g. `['tcp://127.0.0.1:8529', ...]` (seed: `endpoints`). */
  async endpoints(options?: CallOptions): Promise<string[]> {
    return this._call(
      { method: 'GET', endpoint: '/_api/cluster/endpoints', db: null },
      ClusterEndpointsError,
      options,
      (body) => (body.endpoints as Array<{ endpoint: string }>).map((e) => e.endpoint),
    );
  }
}
