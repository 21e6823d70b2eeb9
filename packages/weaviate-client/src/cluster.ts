/** `client.cluster` (seed: `weaviate.cluster.Cluster`): node status. */
import type { CallOptions } from '@dbwire/core';
import { type Connection, call, type Operation } from './connection.js';
import { capitalizeClassName } from './schema.js';

/** One node as `/v1/nodes` reports it. */
export interface NodeStatus {
  /** Node name. */
  name: string;
  /** `HEALTHY`, `UNHEALTHY`, `UNAVAILABLE`. */
  status: string;
  /** Server version. */
  version: string;
  /** Git hash of the build. */
  gitHash?: string;
  /** Object and shard counts. */
  stats?: { objectCount: number; shardCount: number };
  /** Shards (verbose output). */
  shards?: Array<{ name: string; class: string; objectCount: number; [key: string]: unknown }> | null;
  /** Anything else the server sends. */
  [key: string]: unknown;
}

/** GET /v1/nodes[/{class}]?output=. */
export function nodesOp(className?: string, output?: 'minimal' | 'verbose'): Operation<NodeStatus[]> {
  const path =
    className === undefined ? '/v1/nodes' : `/v1/nodes/${encodeURIComponent(capitalizeClassName(className))}`;
  return {
    name: 'cluster.getNodesStatus',
    method: 'GET',
    path: output ? `${path}?output=${output}` : path,
    what: 'Get nodes status',
    decode: (b) => (b?.nodes ?? []) as NodeStatus[],
  };
}

/** `client.cluster` (seed: `client.cluster`). */
export class Cluster {
  readonly #conn: Connection;
  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Every node's status (seed: `cluster.get_nodes_status(class_name=None, output=None)`). */
  getNodesStatus(
    options: CallOptions & { className?: string; output?: 'minimal' | 'verbose' } = {},
  ): Promise<NodeStatus[]> {
    return call(() => nodesOp(options.className, options.output), this.#conn, options);
  }
}
