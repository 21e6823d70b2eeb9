import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  igniteCreateCache,
  igniteNodes,
  ignitePrimary,
  ignitePrimaryPartitions,
  igniteStartNode,
  igniteStopNode,
  type ServerInfo,
  useServer,
  withLock,
} from '../src/index.js';
import { serverDef } from '../src/registry.js';
import { igniteHandshake } from '../src/servers/ignite.js';

/**
 * The launcher's control endpoint on the real 3-node cluster: Ignite's own answer to "which node is
 * primary for this key", and stopping/restarting one node. Node 2 (thin port 10812) is the one stopped:
 * the gridgain-thin failover suite uses only nodes 0 and 1.
 */

let info: ServerInfo;
beforeAll(async () => {
  info = await useServer('ignite-cluster');
});

afterAll(async () => {
  // Never leave the shared cluster short of a node.
  const nodes = await igniteNodes(info).catch(() => []);
  for (const n of nodes) if (!n.running) await igniteStartNode(info, n.index);
});

describe('ignite-cluster control endpoint', () => {
  it('lists the 3 running nodes with the ids their thin ports announce', async () => {
    const nodes = await igniteNodes(info);
    expect(nodes.map((n) => [n.index, n.thinPort, n.running])).toEqual([
      [0, 10810, true],
      [1, 10811, true],
      [2, 10812, true],
    ]);
    const ids = await Promise.all(
      nodes.map((n) => igniteHandshake({ port: n.thinPort }).then((r) => r.nodeId)),
    );
    expect(nodes.map((n) => n.id)).toEqual(ids);
  });

  it('primary(cache, key): a node of the cluster that owns the partition Ignite gives the key', async () => {
    const nodes = await igniteNodes(info);
    const cache = 'dbwire-control-probe';
    await igniteCreateCache(info, cache);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const p = await ignitePrimary(info, cache, 'int', i);
      const owner = nodes.find((n) => n.id === p.nodeId);
      expect(owner?.thinPort).toBe(p.thinPort);
      expect(p.partition).toBeGreaterThanOrEqual(0);
      expect(p.partition).toBeLessThan(1024);
      seen.add(p.nodeId);
    }
    expect(seen.size).toBe(3);
    const parts = await ignitePrimaryPartitions(info, cache);
    expect(Object.keys(parts).sort()).toEqual(nodes.map((n) => n.id).sort());
    expect(Object.values(parts).reduce((s, p) => s + p.length, 0)).toBe(1024);
    const p7 = await ignitePrimary(info, cache, 'string', 'my key');
    expect(parts[p7.nodeId]).toContain(p7.partition);
  });

  it(
    'stops node 2 and starts it again; readiness holds while it is stopped on purpose',
    () =>
      // The topology lock: the gridgain-thin partition-awareness suites must not see this stop.
      withLock('ignite-cluster-topology', async () => {
        const before = await igniteNodes(info);
        const oldId = before[2]!.id;
        const after = await igniteStopNode(info, 2);
        expect(after.map((n) => n.running)).toEqual([true, true, false]);
        await expect(igniteHandshake({ port: 10812, timeoutMs: 2000 })).rejects.toThrow();
        expect((await igniteHandshake({ port: 10810 })).ok).toBe(true);
        // Another suite asking for the cluster now must not restart the JVM under this one.
        expect(await serverDef('ignite-cluster').ready()).toBe(true);
        const parts = await ignitePrimaryPartitions(info, 'dbwire-control-probe');
        expect(Object.keys(parts)).toHaveLength(2);
        expect(Object.values(parts).reduce((s, p) => s + p.length, 0)).toBe(1024);

        const restarted = await igniteStartNode(info, 2);
        expect(restarted.map((n) => n.running)).toEqual([true, true, true]);
        const newId = restarted[2]!.id;
        expect(newId).not.toBe(oldId);
        expect((await igniteHandshake({ port: 10812 })).nodeId).toBe(newId);
        expect(serverDef('ignite-cluster').info().nodeIds).toEqual(restarted.map((n) => n.id));
        expect(await serverDef('ignite-cluster').ready()).toBe(true);
      }),
    600_000,
  );

  it('bad requests are HTTP errors, not hangs', async () => {
    await expect(igniteStopNode(info, 7)).rejects.toThrow(/HTTP 400.*no node 7/);
    await expect(ignitePrimary(info, 'dbwire-control-probe', 'int', 'x')).rejects.toThrow(/HTTP 400/);
    await expect(ignitePrimary(info, 'no-such-cache', 'int', 1)).rejects.toThrow(/HTTP 400.*no cache/);
  });
});
