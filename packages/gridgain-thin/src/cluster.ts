/**
 * The cluster API (pygridgain's `client.get_cluster()`): the cluster's state and its nodes. Each method
 * builds an operation (ops/cluster-ops.ts) and hands it to the client's funnel.
 */
import type { RequestOptions } from './connection.js';
import { ParameterError } from './errors.js';
import { clusterChangeStateOp, clusterGetStateOp, clusterNodeIdsOp } from './ops/cluster-ops.js';
import type { Operation } from './ops/operation.js';

/** Cluster states (Ignite `ClusterState` ordinals), as pygridgain's `ClusterState`. */
export const ClusterState = { INACTIVE: 0, ACTIVE: 1, ACTIVE_READ_ONLY: 2 } as const;
/** One of the `ClusterState` values. */
export type ClusterState = (typeof ClusterState)[keyof typeof ClusterState];

/** What a Cluster needs from its client: the funnel. */
export interface ClusterHost {
  /** Runs one operation through the client's funnel (deadline, typed errors, diagnostics). */
  _execute<T>(op: Operation<T>, options?: RequestOptions): Promise<T>;
}

/** The cluster a client is connected to (protocol ≥ 1.7.0). */
export class Cluster {
  readonly #client: ClusterHost;

  /** @internal Use `client.getCluster()`. */
  constructor(client: ClusterHost) {
    this.#client = client;
  }

  /** The cluster's state (pygridgain's `get_state`). */
  getState(options?: RequestOptions): Promise<ClusterState> {
    return this.#client._execute(clusterGetStateOp(), options) as Promise<ClusterState>;
  }

  /**
   * Changes the cluster's state (pygridgain's `set_state`): ACTIVE, ACTIVE_READ_ONLY (reads only) or
   * INACTIVE. Deactivating a cluster without persistence discards the data of its caches.
   */
  setState(state: ClusterState, options?: RequestOptions): Promise<void> {
    if (
      state !== ClusterState.INACTIVE &&
      state !== ClusterState.ACTIVE &&
      state !== ClusterState.ACTIVE_READ_ONLY
    ) {
      return Promise.reject(new ParameterError(`state must be one of ClusterState, got ${String(state)}`));
    }
    return this.#client._execute(clusterChangeStateOp(state), options);
  }

  /** Ids of the cluster's nodes (server and thick-client nodes), as the answering node sees them. */
  nodeIds(options?: RequestOptions): Promise<string[]> {
    return this.#client._execute(clusterNodeIdsOp(), options);
  }
}
