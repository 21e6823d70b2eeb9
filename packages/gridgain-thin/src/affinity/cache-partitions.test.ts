import { ProtocolError } from '@dbwire/core';
import { describe, expect, it } from 'vitest';
import {
  BinaryObject,
  BinaryReader,
  BinaryWriter,
  defineType,
  fieldIdOf,
  IntObject,
  MemoryTypeRegistry,
  prepareValue,
  readValue,
  StringObject,
  TypeCode,
  typeIdOf,
  writeValue,
} from '../binary/index.js';
import { readCachePartitionsResponse, writeCachePartitionsRequest } from './cache-partitions.js';
import { affinityHashCode, binaryFieldHash } from './key-hash.js';
import { rendezvousPartition } from './partition.js';
import { AffinityTable } from './table.js';

const NODE_A = '11111111-2222-3333-4444-555555555555';
const NODE_B = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function writeUuid(w: BinaryWriter, id: string): void {
  const hex = id.replace(/-/g, '');
  w.writeUInt8(TypeCode.UUID);
  w.writeInt64(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)));
  w.writeInt64(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)));
}

interface GroupSpec {
  applicable: boolean;
  caches: [number, [number, number][]][];
  nodes?: [string, number[]][];
  dflt?: boolean;
}

/** An op 1101 answer laid out as ClientCachePartitionsResponse writes it. */
function answer(topVer: bigint, minor: number, groups: GroupSpec[], allMappings: boolean): BinaryReader {
  const w = new BinaryWriter();
  w.writeInt64(topVer);
  w.writeInt32(minor);
  w.writeInt32(groups.length);
  for (const g of groups) {
    w.writeBool(g.applicable);
    w.writeInt32(g.caches.length);
    if (!g.applicable) {
      for (const [id] of g.caches) w.writeInt32(id);
      continue;
    }
    for (const [id, cfgs] of g.caches) {
      w.writeInt32(id);
      w.writeInt32(cfgs.length);
      for (const [t, f] of cfgs) {
        w.writeInt32(t);
        w.writeInt32(f);
      }
    }
    w.writeInt32(g.nodes!.length);
    for (const [node, parts] of g.nodes!) {
      writeUuid(w, node);
      w.writeInt32(parts.length);
      for (const p of parts) w.writeInt32(p);
    }
    if (allMappings) w.writeBool(g.dflt ?? true);
  }
  return new BinaryReader(w.toBuffer());
}

const evens = (n: number) => Array.from({ length: n / 2 }, (_, i) => 2 * i);
const odds = (n: number) => Array.from({ length: n / 2 }, (_, i) => 2 * i + 1);

describe('op 1101 CACHE_PARTITIONS codec', () => {
  it('request: cache ids, preceded by the custom-mappings flag only with ALL_AFFINITY_MAPPINGS', () => {
    const w = new BinaryWriter();
    writeCachePartitionsRequest(w, [7, -3], false);
    expect(w.toBuffer().toString('hex')).toBe('0200000007000000fdffffff');
    const w2 = new BinaryWriter();
    writeCachePartitionsRequest(w2, [7], true);
    expect(w2.toBuffer().toString('hex')).toBe('000100000007000000');
  });

  for (const allMappings of [false, true]) {
    it(`response: groups, key configurations, partition owners (ALL_AFFINITY_MAPPINGS ${allMappings})`, () => {
      const r = answer(
        5n,
        2,
        [
          {
            applicable: true,
            caches: [
              [100, [[typeIdOf('PersonKey'), fieldIdOf('companyId')]]],
              [101, []],
            ],
            nodes: [
              [NODE_A, evens(16)],
              [NODE_B, odds(16)],
            ],
          },
          { applicable: false, caches: [[200, []]] },
        ],
        allMappings,
      );
      const res = readCachePartitionsResponse(r, allMappings);
      expect(r.remaining).toBe(0);
      expect(res.topologyVersion).toEqual({ major: 5n, minor: 2 });
      expect(res.groups).toHaveLength(2);
      const [g, replicated] = res.groups;
      expect(g!.applicable).toBe(true);
      expect(g!.caches.map((c) => c.cacheId)).toEqual([100, 101]);
      expect([...g!.caches[0]!.keyFields]).toEqual([[typeIdOf('PersonKey'), fieldIdOf('companyId')]]);
      expect(g!.primaries).toHaveLength(16);
      expect(g!.primaries[0]).toBe(NODE_A);
      expect(g!.primaries[1]).toBe(NODE_B);
      expect(g!.primaries[15]).toBe(NODE_B);
      expect(replicated).toEqual({
        applicable: false,
        caches: [{ cacheId: 200, keyFields: new Map() }],
        primaries: [],
        defaultAffinity: true,
      });
    });
  }

  it('a gap or a duplicate in the partition owners leaves the group unrouted', () => {
    const gap = readCachePartitionsResponse(
      answer(1n, 0, [{ applicable: true, caches: [[1, []]], nodes: [[NODE_A, [0, 1, 3]]] }], false),
      false,
    );
    expect(gap.groups[0]!.primaries).toEqual([]);
    const dup = readCachePartitionsResponse(
      answer(
        1n,
        0,
        [
          {
            applicable: true,
            caches: [[1, []]],
            nodes: [
              [NODE_A, [0, 1]],
              [NODE_B, [1, 2]],
            ],
          },
        ],
        false,
      ),
      false,
    );
    expect(dup.groups[0]!.primaries).toEqual([]);
  });

  it('rejects implausible counts and truncated answers with ProtocolError', () => {
    const w = new BinaryWriter();
    w.writeInt64(1n);
    w.writeInt32(0);
    w.writeInt32(1_000_000);
    expect(() => readCachePartitionsResponse(new BinaryReader(w.toBuffer()), false)).toThrow(
      /implausible group count/,
    );
    const full = answer(1n, 0, [{ applicable: true, caches: [[1, []]], nodes: [[NODE_A, [0, 1]]] }], false);
    const cut = new BinaryReader(full.buf, 0, full.buf.length - 2);
    expect(() => readCachePartitionsResponse(cut, false)).toThrow(ProtocolError);
    const noNodes = new BinaryReader(full.buf, 0, full.buf.length - 30);
    expect(() => readCachePartitionsResponse(noNodes, false)).toThrow(ProtocolError);
  });
});

describe('AffinityTable', () => {
  const parts16 = (owner: (p: number) => string): [string, number[]][] => {
    const by = new Map<string, number[]>();
    for (let p = 0; p < 16; p++) by.set(owner(p), [...(by.get(owner(p)) ?? []), p]);
    return [...by];
  };

  it('routes a key to the owner of its partition; REPLICATED caches and unknown caches are not routed', () => {
    const t = new AffinityTable();
    t.update(
      readCachePartitionsResponse(
        answer(
          3n,
          0,
          [
            { applicable: true, caches: [[1, []]], nodes: parts16((p) => (p < 8 ? NODE_A : NODE_B)) },
            { applicable: false, caches: [[2, []]] },
          ],
          false,
        ),
        false,
      ),
    );
    for (const key of ['a', 'b', 'my key', 42, 'x'.repeat(100)]) {
      const p = rendezvousPartition(affinityHashCode(key, undefined), 16);
      expect(t.partitionOf(1, key)).toBe(p);
      expect(t.nodeFor(1, key)).toBe(p < 8 ? NODE_A : NODE_B);
    }
    expect(t.route(2)).toBeNull();
    expect(t.nodeFor(2, 'a')).toBeUndefined();
    expect(t.route(3)).toBeUndefined();
  });

  it('a newer topology marks the mappings stale; its answer replaces them; an older answer is ignored', () => {
    const t = new AffinityTable();
    const at = (v: bigint, owner: string) =>
      readCachePartitionsResponse(
        answer(v, 0, [{ applicable: true, caches: [[1, []]], nodes: parts16(() => owner) }], false),
        false,
      );
    t.update(at(3n, NODE_A));
    expect(t.stale).toBe(false);
    expect(t.observe({ major: 3n, minor: 0 })).toBe(false);
    expect(t.observe({ major: 4n, minor: 0 })).toBe(true);
    expect(t.stale).toBe(true);
    expect(t.nodeFor(1, 'k')).toBe(NODE_A); // still usable while the refresh runs
    t.update(at(4n, NODE_B));
    expect(t.stale).toBe(false);
    expect(t.nodeFor(1, 'k')).toBe(NODE_B);
    t.update(at(3n, NODE_A));
    expect(t.nodeFor(1, 'k')).toBe(NODE_B);
    expect(t.topologyVersion).toEqual({ major: 4n, minor: 0 });
  });
});

describe('affinity key fields', () => {
  const Key = defineType('dbwire.AffKey', { id: IntObject, region: StringObject });
  const fields = new Map([[typeIdOf('dbwire.AffKey'), fieldIdOf('region')]]);

  it('an instance hashes its affinity field; without a configuration, the whole object', () => {
    const k = new Key({ id: 5, region: 'eu-west' });
    expect(affinityHashCode(k, undefined, fields)).toBe(affinityHashCode('eu-west', undefined));
    expect(affinityHashCode(k, undefined)).not.toBe(affinityHashCode('eu-west', undefined));
    // a null affinity field falls back to the whole key, as Ignite's mapper does
    const n = new Key({ id: 5, region: null });
    expect(affinityHashCode(n, undefined, fields)).toBe(affinityHashCode(n, undefined));
  });

  it('a BinaryObject read from the wire: the field is found through its (compact) footer', async () => {
    const registry = new MemoryTypeRegistry();
    const ctx = { registry };
    const key = new Key({ id: 9, region: 'ap-south' });
    await prepareValue(key, undefined, ctx);
    expect(registry.get(typeIdOf('dbwire.AffKey'))?.schemas).toHaveLength(1);
    const w = new BinaryWriter();
    writeValue(w, key, undefined, ctx);
    const obj = readValue(new BinaryReader(w.toBuffer()));
    expect(obj).toBeInstanceOf(BinaryObject);
    const bo = obj as BinaryObject;
    expect(binaryFieldHash(bo, fieldIdOf('region'), ctx)).toBe(affinityHashCode('ap-south', undefined));
    expect(binaryFieldHash(bo, fieldIdOf('id'), ctx)).toBe(9);
    expect(binaryFieldHash(bo, fieldIdOf('nope'), ctx)).toBeUndefined();
    expect(affinityHashCode(bo, undefined, fields, ctx)).toBe(affinityHashCode('ap-south', undefined));
    expect(affinityHashCode(bo, undefined, new Map(), ctx)).toBe(bo.hashCode);
    // without the schema (compact footer, unknown type) the whole object is hashed
    expect(affinityHashCode(bo, undefined, fields, { registry: new MemoryTypeRegistry() })).toBe(bo.hashCode);
  });
});
