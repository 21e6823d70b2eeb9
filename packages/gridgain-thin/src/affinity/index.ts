/**
 * Partition awareness (pure parts): the Java-compatible affinity hash of a key, Ignite's rendezvous
 * partition formula, the op 1101 CACHE_PARTITIONS codec, the partition → node table and the router
 * that keeps it fresh. The funnel (client) owns the connections and asks the router for node ids.
 */
export {
  type CacheKeyConfig,
  type CachePartitions,
  compareTopology,
  type PartitionGroup,
  readCachePartitionsResponse,
  type TopologyVersion,
  writeCachePartitionsRequest,
} from './cache-partitions.js';
export { type AffinityKeyFields, affinityHashCode, binaryFieldHash } from './key-hash.js';
export { DEFAULT_PARTITION_COUNT, partitionMask, rendezvousPartition } from './partition.js';
export { type FetchPartitions, PartitionRouter } from './router.js';
export { AffinityTable, type CacheRoute, partitionIn } from './table.js';
