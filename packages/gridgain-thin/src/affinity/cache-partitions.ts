/**
 * Op 1101 CACHE_PARTITIONS (protocol ≥ 1.4.0): which node is primary for each partition of the asked
 * caches, and their key configurations. Pure encode/decode; the layout comes from Ignite's
 * ClientCachePartitionsRequest / ClientCachePartitionsResponse / ClientCachePartitionAwarenessGroup:
 *
 *   request:  [ALL_AFFINITY_MAPPINGS: bool withCustomMappings] int n, int cacheId × n
 *   response: long topVer, int minorTopVer, int groupCount, groups:
 *             bool applicable, int cacheCount,
 *             applicable:  (int cacheId, int keyCfgCount, (int keyTypeId, int affinityFieldId) ×) ×,
 *                          int nodeCount, (UUID nodeId, int partCount, int partition ×) ×,
 *                          [ALL_AFFINITY_MAPPINGS: bool defaultAffinity]
 *             otherwise:   int cacheId ×
 *
 * Only PARTITIONED caches with the RendezvousAffinityFunction and no custom key mapper are applicable;
 * a REPLICATED cache comes back not applicable (any node serves it).
 */
import { ProtocolError } from '@dbwire/core';
import type { BinaryReader, BinaryWriter } from '../binary/index.js';
import { TypeCode } from '../binary/index.js';
import { uuidString } from '../protocol/handshake.js';

/** Ignite's affinity topology version: major (topology changes) and minor (e.g. cache starts). */
export interface TopologyVersion {
  readonly major: bigint;
  readonly minor: number;
}

/** Negative when `a` is older than `b`, 0 when equal. */
export function compareTopology(a: TopologyVersion, b: TopologyVersion): number {
  return a.major === b.major ? a.minor - b.minor : a.major < b.major ? -1 : 1;
}

/** One cache of a partition group: its id and affinity key fields (key type id → field id). */
export interface CacheKeyConfig {
  readonly cacheId: number;
  readonly keyFields: ReadonlyMap<number, number>;
}

/** Caches sharing one partition → node assignment. */
export interface PartitionGroup {
  /** False for caches the client cannot route (REPLICATED, custom affinity): any node serves them. */
  readonly applicable: boolean;
  readonly caches: readonly CacheKeyConfig[];
  /**
   * Primary node id of each partition (index = partition). Empty when not applicable, or when the
   * server's answer did not cover every partition exactly once (then routing is not attempted).
   */
  readonly primaries: readonly string[];
  /** ALL_AFFINITY_MAPPINGS only: the cache uses the default (rendezvous) affinity. True otherwise. */
  readonly defaultAffinity: boolean;
}

/** A decoded op 1101 answer. */
export interface CachePartitions {
  readonly topologyVersion: TopologyVersion;
  readonly groups: readonly PartitionGroup[];
}

/** Writes the op 1101 request payload. `allAffinityMappings`: the ALL_AFFINITY_MAPPINGS feature was negotiated. */
export function writeCachePartitionsRequest(
  w: BinaryWriter,
  cacheIds: readonly number[],
  allAffinityMappings: boolean,
): void {
  if (allAffinityMappings) w.writeBool(false); // no custom (non-rendezvous) mappings: we cannot use them
  w.writeInt32(cacheIds.length);
  for (const id of cacheIds) w.writeInt32(id);
}

/** Ignite allows at most 65 000 partitions per cache. */
const MAX_PARTITIONS = 65_000;

function count(r: BinaryReader, what: string, minBytesEach: number): number {
  const n = r.readInt32();
  if (n < 0 || n * minBytesEach > r.remaining) {
    throw new ProtocolError(`cache partitions answer: implausible ${what} count ${n}`, {
      code: 'ERR_PROTOCOL_MALFORMED',
    });
  }
  return n;
}

function readNodeId(r: BinaryReader): string {
  const code = r.readUInt8();
  if (code !== TypeCode.UUID) {
    throw new ProtocolError(`cache partitions answer: node id has type code ${code}`, {
      code: 'ERR_PROTOCOL_MALFORMED',
    });
  }
  return uuidString(r.readBytes(16));
}

/** Reads the op 1101 response payload. */
export function readCachePartitionsResponse(r: BinaryReader, allAffinityMappings: boolean): CachePartitions {
  const major = r.readInt64();
  const minor = r.readInt32();
  const groups: PartitionGroup[] = [];
  const groupCount = count(r, 'group', 5);
  for (let g = 0; g < groupCount; g++) {
    const applicable = r.readBool();
    const cacheCount = count(r, 'cache', 4);
    const caches: CacheKeyConfig[] = [];
    if (!applicable) {
      for (let c = 0; c < cacheCount; c++) caches.push({ cacheId: r.readInt32(), keyFields: new Map() });
      groups.push({ applicable, caches, primaries: [], defaultAffinity: true });
      continue;
    }
    for (let c = 0; c < cacheCount; c++) {
      const cacheId = r.readInt32();
      const keyFields = new Map<number, number>();
      const cfgCount = count(r, 'key configuration', 8);
      for (let k = 0; k < cfgCount; k++) keyFields.set(r.readInt32(), r.readInt32());
      caches.push({ cacheId, keyFields });
    }
    const nodeCount = count(r, 'node', 21);
    const owner = new Map<number, string>();
    let duplicate = false;
    let max = -1;
    for (let n = 0; n < nodeCount; n++) {
      const nodeId = readNodeId(r);
      const parts = count(r, 'partition', 4);
      for (let p = 0; p < parts; p++) {
        const part = r.readInt32();
        if (part < 0 || part >= MAX_PARTITIONS) {
          throw new ProtocolError(`cache partitions answer: partition ${part} out of range`, {
            code: 'ERR_PROTOCOL_MALFORMED',
          });
        }
        if (owner.has(part)) duplicate = true;
        owner.set(part, nodeId);
        if (part > max) max = part;
      }
    }
    const defaultAffinity = allAffinityMappings ? r.readBool() : true;
    // The partition count is not sent: it is the number of partitions, each owned by one primary.
    // A gap or a duplicate means we cannot know it, so this group is not routed.
    const complete = !duplicate && owner.size === max + 1;
    const primaries: string[] = complete ? new Array<string>(max + 1) : [];
    if (complete) for (const [part, nodeId] of owner) primaries[part] = nodeId;
    groups.push({ applicable, caches, primaries, defaultAffinity });
  }
  return { topologyVersion: { major, minor }, groups };
}
