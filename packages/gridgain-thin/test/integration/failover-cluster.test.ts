import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DbwireError, DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import {
  igniteNodes,
  igniteStartNode,
  igniteStopNode,
  type ServerInfo,
  useServer,
  withLock,
} from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheMode,
  Client,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_MODE,
  PROP_NAME,
  PROP_WRITE_SYNCHRONIZATION_MODE,
  WriteSynchronizationMode,
} from '../../src/index.js';

/**
 * A node of the real 3-node cluster dies in the middle of a partition-aware put/get workload (the
 * launcher stops it: its sockets close, as in a crash). Proof: every acknowledged write is readable
 * afterwards, every failed call failed with a typed dbwire error, every call settled (nothing hangs),
 * and once the node is back the client routes to it again without being told.
 *
 * The cache has one backup and FULL_SYNC writes: with Ignite's default PRIMARY_SYNC a write is
 * acknowledged before its backup has it, so the cluster itself may lose it with its primary.
 * The test holds the 'ignite-cluster-topology' lock (see partition-awareness.test.ts).
 */

const STOPPED = 2; // thin port 10812: the proxy-based failover suite uses nodes 0 and 1 only
let info: ServerInfo;

beforeAll(async () => {
  // Never judge the cluster's readiness while another suite has a node stopped on purpose.
  info = await withLock('ignite-cluster-topology', () => useServer('ignite-cluster'));
  for (const n of await igniteNodes(info)) if (!n.running) await igniteStartNode(info, n.index);
});

afterAll(async () => {
  for (const n of await igniteNodes(info).catch(() => []))
    if (!n.running) await igniteStartNode(info, n.index);
});

const endpoints = (): [string, number][] =>
  info.endpoints.map((e): [string, number] => [e.split(':')[0]!, Number(e.split(':')[1])]);

describe('failover on ignite-cluster: a node stops during a put/get workload', () => {
  it(
    'nothing acknowledged is lost, every failure is typed, nothing hangs; the node is used again after it returns',
    () =>
      withLock('ignite-cluster-topology', async () => {
        for (const n of await igniteNodes(info)) if (!n.running) await igniteStartNode(info, n.index);
        const client = new Client({ partitionAware: true, timeout: 15 });
        await client.connect(endpoints());
        const hostsSeen: string[] = [];
        const onStart = (msg: unknown) => {
          const e = msg as RequestStartEvent;
          if (e.database === 'gridgain' && e.operation === 'cache.put') hostsSeen.push(e.host ?? '?');
        };
        subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
        try {
          const name = `failover-cluster-${process.pid}`;
          const cache = await client.getOrCreateCache({
            [PROP_NAME]: name,
            [PROP_CACHE_MODE]: CacheMode.PARTITIONED,
            [PROP_BACKUPS_NUMBER]: 1,
            [PROP_WRITE_SYNCHRONIZATION_MODE]: WriteSynchronizationMode.FULL_SYNC,
          });
          const acked = new Map<string, number>();
          const failures: unknown[] = [];
          let started = 0;
          let settled = 0;
          let stopAt = 0;
          let ackedAfterStop = 0;
          let running = true;
          /** Counts a call when it starts and when it settles, whatever the outcome. */
          const track = async <T>(call: () => Promise<T>): Promise<T> => {
            started++;
            try {
              return await call();
            } finally {
              settled++;
            }
          };
          const worker = async (w: number) => {
            for (let j = 0; running; j++) {
              const key = `w${w}-${j}`;
              try {
                await track(() => cache.put(key, j));
                acked.set(key, j);
                if (stopAt > 0) ackedAfterStop++;
                const v = await track(() => cache.get(key));
                expect(v).toBe(j);
              } catch (err) {
                failures.push(err);
              }
            }
          };
          const workers = Array.from({ length: 16 }, (_, w) => worker(w));
          // Time-boxed phases sized by progress, not by the clock: the machine may be slow.
          const waitFor = async (done: () => boolean, maxMs: number) => {
            const end = Date.now() + maxMs;
            while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
          };
          await waitFor(() => acked.size >= 200, 30_000);
          const before = acked.size;
          stopAt = Date.now();
          const states = await igniteStopNode(info, STOPPED);
          expect(states[STOPPED]!.running).toBe(false);
          await waitFor(() => ackedAfterStop >= 200, 30_000);
          running = false;
          // Nothing hangs: every worker's last call settles well within the call timeout.
          await Promise.race([
            Promise.all(workers),
            new Promise((_, reject) => setTimeout(() => reject(new Error('workload hung')), 20_000)),
          ]);
          expect(settled).toBe(started);
          expect(before).toBeGreaterThanOrEqual(200);
          expect(ackedAfterStop).toBeGreaterThanOrEqual(200);
          for (const err of failures) {
            expect(DbwireError.is(err), String(err)).toBe(true);
          }
          // Every acknowledged write is readable, checked through a plain client on a surviving node.
          const reader = new Client({ timeout: 15 });
          await reader.connect(endpoints().slice(0, 1));
          try {
            const keys = [...acked.keys()];
            for (let i = 0; i < keys.length; i += 500) {
              const batch = keys.slice(i, i + 500);
              const got = await reader.getCache(name).getAll(batch);
              const missing = batch.filter((k) => got[k] !== acked.get(k));
              expect(missing).toEqual([]);
            }
          } finally {
            await reader.close();
          }
          console.info(
            `failover-cluster: ${acked.size} writes acknowledged (${ackedAfterStop} after the stop), ` +
              `${failures.length} failed calls: ${[...new Set(failures.map((e) => (e as DbwireError).code))].join(', ') || 'none'}`,
          );

          // The node comes back with a new node id: the client reconnects on its own, the topology change
          // refreshes the mappings, and keys are routed to it again.
          await igniteStartNode(info, STOPPED);
          const back = `127.0.0.1:${10810 + STOPPED}`;
          const deadline = Date.now() + 60_000;
          let routedBack = false;
          for (let j = 0; !routedBack && Date.now() < deadline; j++) {
            hostsSeen.length = 0;
            for (let k = 0; k < 50; k++) await cache.put(`after-${j}-${k}`, k);
            routedBack = hostsSeen.includes(back);
            if (!routedBack) await new Promise((r) => setTimeout(r, 250));
          }
          expect(routedBack).toBe(true);
          await cache.destroy();
        } finally {
          unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
          await client.close();
        }
      }),
    600_000,
  );
});
