import type { BinaryContext, BinaryTypeMeta, BinaryTypeRegistry } from './complex.js';

/**
 * A binary type registry that lives in memory only, with no server behind it: for encoding and decoding
 * offline (tests, fixtures, computing keys' hashes). It records the calls it receives.
 */
export class MemoryTypeRegistry implements BinaryTypeRegistry {
  readonly types = new Map<number, BinaryTypeMeta>();
  /** Every metadata `put`, in order. */
  readonly puts: BinaryTypeMeta[] = [];
  /** Every type id `fetch`ed, in order. */
  readonly fetches: number[] = [];

  get(typeId: number): BinaryTypeMeta | undefined {
    return this.types.get(typeId);
  }

  async fetch(typeId: number): Promise<BinaryTypeMeta | undefined> {
    this.fetches.push(typeId);
    return this.types.get(typeId);
  }

  async put(meta: BinaryTypeMeta): Promise<void> {
    this.puts.push(meta);
    this.types.set(meta.typeId, meta);
  }

  /** A `BinaryContext` over this registry. */
  context(): BinaryContext {
    return { registry: this };
  }
}
