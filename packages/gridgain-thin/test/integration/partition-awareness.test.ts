import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import {
  igniteNodes,
  ignitePrimaryValues,
  igniteStartNode,
  type ServerInfo,
  useServer,
  withLock,
} from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheAtomicityMode,
  CacheMode,
  Client,
  DateObject,
  DoubleObject,
  defineType,
  IntObject,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_ATOMICITY_MODE,
  PROP_CACHE_KEY_CONFIGURATION,
  PROP_CACHE_MODE,
  PROP_NAME,
  type TypeHint,
  UUID,
} from '../../src/index.js';

/**
 * Partition awareness on the real 3-node cluster: for 10,000 keys of every key type, the node the
 * client sends `put` to (the `host` of its diagnostics event) is the node Ignite itself holds the entry
 * on as PRIMARY (asked through the launcher's control endpoint, `localEntries(PRIMARY)` on each node),
 * and the per-node counts of key operations match Ignite's per-node primary counts.
 *
 * Each test holds the 'ignite-cluster-topology' lock, which the failover suite also takes while it
 * stops a node: a topology change in the middle would move primaries under the comparison.
 */

const N = 10_000;
let info: ServerInfo;
let client: Client;
/** host ("127.0.0.1:port") by node id. */
const hostOf = new Map<string, string>();
const hosts: string[] = [];
const onStart = (msg: unknown) => {
  const e = msg as RequestStartEvent;
  if (e.database === 'gridgain' && (e.operation === 'cache.put' || e.operation === 'cache.get')) {
    hosts.push(e.host ?? '?');
  }
};

beforeAll(async () => {
  // Never judge the cluster's readiness while another suite has a node stopped on purpose.
  info = await withLock('ignite-cluster-topology', () => useServer('ignite-cluster'));
  client = new Client({ partitionAware: true });
  await client.connect(
    info.endpoints.map((e): [string, number] => [e.split(':')[0]!, Number(e.split(':')[1])]),
  );
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
});

afterAll(async () => {
  unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  await client?.close();
});

const PersonKey = defineType('dbwire.pa.PersonKey', { personId: IntObject, companyId: IntObject });

interface KeyKind {
  name: string;
  key: (i: number) => unknown;
  hint?: TypeHint;
  keyConfig?: boolean;
}

const kinds: KeyKind[] = [
  { name: 'string', key: (i) => `key-${i}-é😀` },
  { name: 'int', key: (i) => Math.imul(i, 0x9e3779b1), hint: IntObject },
  { name: 'long', key: (i) => BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n) },
  {
    name: 'uuid',
    key: (i) => UUID.fromBits(BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n), BigInt(i * 7919)),
  },
  { name: 'double', key: (i) => i * 1.37 - 5000, hint: DoubleObject },
  { name: 'date', key: (i) => new Date(1_700_000_000_000 + i * 86_400_123), hint: DateObject },
  { name: 'binary-object', key: (i) => new PersonKey({ personId: i, companyId: i % 97 }) },
  {
    name: 'affinity-key-field',
    key: (i) => new PersonKey({ personId: i, companyId: Math.imul(i, 31) }),
    keyConfig: true,
  },
];

async function cacheFor(kind: KeyKind) {
  const name = `pa-${kind.name}-${process.pid}`;
  const settings: Record<number, unknown> = {
    [PROP_NAME]: name,
    [PROP_CACHE_MODE]: CacheMode.PARTITIONED,
    [PROP_BACKUPS_NUMBER]: 1,
  };
  if (kind.keyConfig) {
    settings[PROP_CACHE_KEY_CONFIGURATION] = [
      { typeName: 'dbwire.pa.PersonKey', affinityKeyFieldName: 'companyId' },
    ];
  }
  const cache = await client.getOrCreateCache(settings);
  return { name, cache };
}

describe('partition awareness on ignite-cluster (3 nodes)', () => {
  for (const kind of kinds) {
    it(
      `${kind.name} keys: every put goes to the node Ignite holds the key on as primary (${N} keys)`,
      () =>
        withLock('ignite-cluster-topology', async () => {
          for (const n of await igniteNodes(info)) if (!n.running) await igniteStartNode(info, n.index);
          hostOf.clear();
          for (const n of await igniteNodes(info)) hostOf.set(n.id!, `127.0.0.1:${n.thinPort}`);
          const { name, cache } = await cacheFor(kind);
          hosts.length = 0;
          for (let i = 0; i < N; i++) {
            const k = kind.key(i);
            await cache.put(kind.hint ? [k, kind.hint] : k, i);
          }
          expect(hosts).toHaveLength(N);
          const primaries = await ignitePrimaryValues(info, name);
          const expected = new Array<string>(N);
          let stored = 0;
          for (const [nodeId, values] of Object.entries(primaries)) {
            for (const v of values) {
              expected[Number(v)] = hostOf.get(nodeId)!;
              stored++;
            }
          }
          expect(stored).toBe(N);
          const mismatches = hosts.flatMap((h, i) => (h === expected[i] ? [] : [i]));
          expect(mismatches).toEqual([]);
          // The spread: each of the 3 nodes took exactly its primaries' share, and a real share of it.
          const perHost = new Map<string, number>();
          for (const h of hosts) perHost.set(h, (perHost.get(h) ?? 0) + 1);
          expect(perHost.size).toBe(3);
          for (const [nodeId, values] of Object.entries(primaries)) {
            expect(perHost.get(hostOf.get(nodeId)!)).toBe(values.length);
            expect(values.length).toBeGreaterThan(N / 6);
          }
          // Reads are routed the same way.
          hosts.length = 0;
          for (let i = 0; i < 300; i++) {
            const k = kind.key(i);
            expect(await cache.get(kind.hint ? [k, kind.hint] : k)).toBe(i);
          }
          expect(hosts).toEqual(expected.slice(0, 300));
          await cache.destroy();
        }),
      600_000,
    );
  }

  it(
    'inside a transaction every key operation stays on the transaction’s connection (no routing)',
    () =>
      withLock('ignite-cluster-topology', async () => {
        const name = `pa-tx-${process.pid}`;
        const cache = await client.getOrCreateCache({
          [PROP_NAME]: name,
          [PROP_CACHE_MODE]: CacheMode.PARTITIONED,
          [PROP_CACHE_ATOMICITY_MODE]: CacheAtomicityMode.TRANSACTIONAL,
        });
        // Outside a transaction these 60 keys go to all 3 nodes…
        hosts.length = 0;
        for (let i = 0; i < 60; i++) await cache.put(`tx-${i}`, -1);
        expect(new Set(hosts).size).toBe(3);
        // …inside one, all to the connection the transaction started on.
        hosts.length = 0;
        const tx = await client.txStart();
        for (let i = 0; i < 60; i++) await cache.put(`tx-${i}`, i);
        expect(await cache.get('tx-7')).toBe(7);
        await tx.commit();
        expect(hosts).toHaveLength(61);
        expect(new Set(hosts).size).toBe(1);
        expect(await cache.get('tx-59')).toBe(59);
        await cache.destroy();
      }),
    120_000,
  );

  it(
    'a primary the client has no address for, and a REPLICATED cache: any connected node serves the key',
    () =>
      withLock('ignite-cluster-topology', async () => {
        hostOf.clear();
        for (const n of await igniteNodes(info)) hostOf.set(n.id!, `127.0.0.1:${n.thinPort}`);
        const two = new Client({ partitionAware: true });
        const eps = info.endpoints
          .slice(0, 2)
          .map((e): [string, number] => [e.split(':')[0]!, Number(e.split(':')[1])]);
        await two.connect(eps);
        try {
          const name = `pa-two-${process.pid}`;
          const cache = await two.getOrCreateCache({
            [PROP_NAME]: name,
            [PROP_CACHE_MODE]: CacheMode.PARTITIONED,
          });
          hosts.length = 0;
          for (let i = 0; i < 300; i++) await cache.put(`two-${i}`, i);
          const primaries = await ignitePrimaryValues(info, name);
          const known = new Set(eps.map(([h, p]) => `${h}:${p}`));
          let elsewhere = 0;
          for (const [nodeId, values] of Object.entries(primaries)) {
            const host = hostOf.get(nodeId)!;
            for (const v of values) {
              const i = Number(v);
              if (known.has(host)) expect(hosts[i]).toBe(host);
              else {
                elsewhere++;
                expect(known.has(hosts[i]!)).toBe(true); // forwarded by a node it is connected to
              }
            }
          }
          expect(elsewhere).toBeGreaterThan(30);
          await cache.destroy();

          const replicated = await two.getOrCreateCache({
            [PROP_NAME]: `${name}-r`,
            [PROP_CACHE_MODE]: CacheMode.REPLICATED,
          });
          hosts.length = 0;
          for (let i = 0; i < 30; i++) await replicated.put(`r-${i}`, i);
          expect(new Set(hosts).size).toBe(1); // not routed: the default connection
          expect(await replicated.get('r-29')).toBe(29);
          await replicated.destroy();
        } finally {
          await two.close();
        }
      }),
    120_000,
  );
});
