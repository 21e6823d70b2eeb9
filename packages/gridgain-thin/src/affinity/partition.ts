/**
 * The partition of a key under Ignite's RendezvousAffinityFunction (the default affinity function):
 * a power-of-two partition count masks the spread hash, any other count takes `|h % parts|`. This is
 * `RendezvousAffinityFunction.calculatePartition` (Ignite 2.x), reproduced on int32 arithmetic.
 */

/** Ignite's default number of partitions per cache (`RendezvousAffinityFunction.DFLT_PARTITION_COUNT`). */
export const DEFAULT_PARTITION_COUNT = 1024;

/** `parts - 1` when `parts` is a power of two, else -1 (Java `calculateMask`). */
export function partitionMask(parts: number): number {
  return (parts & (parts - 1)) === 0 ? parts - 1 : -1;
}

/**
 * Partition of a key whose (affinity) Java `hashCode()` is `hash`, for a cache of `parts` partitions.
 * `mask` may be passed when known (see `partitionMask`) to skip recomputing it on hot paths.
 */
export function rendezvousPartition(hash: number, parts: number, mask = partitionMask(parts)): number {
  if (mask >= 0) return (hash ^ (hash >>> 16)) & mask;
  // Java's `%` keeps the dividend's sign, as JS's does on int32 values; U.safeAbs then drops it.
  return Math.abs((hash | 0) % parts);
}
