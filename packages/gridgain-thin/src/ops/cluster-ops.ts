/**
 * Cluster operations (protocol ≥ 1.7.0): 5000 CLUSTER_GET_STATE, 5001 CLUSTER_CHANGE_STATE,
 * 5100 CLUSTER_GROUP_GET_NODE_IDS. Layouts from Ignite's ClientClusterGetStateRequest,
 * ClientClusterChangeStateRequest and ClientClusterGroupGetNodeIds{Request,Response}.
 */

import { Op } from '../protocol/constants.js';
import { uuidString } from '../protocol/handshake.js';
import { defineOp, type Operation } from './operation.js';

/**
 * GET_STATE → `byte state` (ClusterState ordinal). A server without the CLUSTER_STATES feature answers
 * `bool active` instead: 1/0, the ordinals of ACTIVE/INACTIVE, so one decoder reads both.
 */
export function clusterGetStateOp(): Operation<number> {
  return defineOp('cluster.getState', Op.CLUSTER_GET_STATE, undefined, (r) => r.readUInt8(), {
    needs: 'BITMAP_FEATURES',
  });
}

/** CHANGE_STATE: `byte state` (no force-deactivation flag: that feature is not announced). */
export function clusterChangeStateOp(state: number): Operation<void> {
  return defineOp<void>('cluster.setState', Op.CLUSTER_CHANGE_STATE, (w) => w.writeInt8(state), undefined, {
    needs: 'BITMAP_FEATURES',
  });
}

/**
 * GROUP_GET_NODE_IDS: `long knownTopologyVersion | int projectionItems (0: the whole cluster)` →
 * `bool changed | [changed: long topVer | int n | (long msb, long lsb) × n]`. Asking with version -1
 * always gets the list.
 */
export function clusterNodeIdsOp(): Operation<string[]> {
  return defineOp(
    'cluster.nodeIds',
    Op.CLUSTER_GROUP_GET_NODE_IDS,
    (w) => {
      w.writeInt64(-1n);
      w.writeInt32(0);
    },
    (r) => {
      if (!r.readBool()) return [];
      r.readInt64();
      const n = r.readInt32();
      r.need(n * 16, 'node ids');
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(uuidString(r.readBytes(16)));
      return ids;
    },
    { needs: 'BITMAP_FEATURES' },
  );
}
