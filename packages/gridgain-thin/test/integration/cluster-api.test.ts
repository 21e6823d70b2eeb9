import { DbwireError } from '@dbwire/core';
import { igniteNodes, useServer, withLock } from '@dbwire/test-servers';
import { describe, expect, it } from 'vitest';
import { CERT_REQUIRED, Client, ClusterState, Feature, PROP_NAME } from '../../src/index.js';

const hasBit = (mask: Buffer | undefined, bit: number) =>
  mask !== undefined && ((mask[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;

describe('cluster API', () => {
  it('ignite-cluster: the state is ACTIVE and the node list is the 3 nodes Ignite runs', async () => {
    // Never judge the cluster's readiness while another suite has a node stopped on purpose.
    const info = await withLock('ignite-cluster-topology', () => useServer('ignite-cluster'));
    const client = new Client();
    await client.connect(
      info.endpoints.map((e): [string, number] => [e.split(':')[0]!, Number(e.split(':')[1])]),
    );
    try {
      // The handshake announces what the client implements; the server echoes what both support.
      for (const bit of [
        Feature.CLUSTER_API,
        Feature.CLUSTER_GROUPS,
        Feature.HEARTBEAT,
        Feature.ALL_AFFINITY_MAPPINGS,
      ]) {
        expect(hasBit(client.features, bit), `feature bit ${bit}`).toBe(true);
      }
      const cluster = client.getCluster();
      expect(await cluster.getState()).toBe(ClusterState.ACTIVE);
      const ids = await cluster.nodeIds();
      const running = (await igniteNodes(info)).filter((n) => n.running).map((n) => n.id);
      expect(ids.sort()).toEqual(running.sort());
      await expect(cluster.setState(7 as ClusterState)).rejects.toThrow(/ClusterState/);
    } finally {
      await client.close();
    }
  });

  it('ignite-secure (persistent): ACTIVE_READ_ONLY refuses writes with a typed error, ACTIVE takes them again', async () => {
    const info = await useServer('ignite-secure');
    const tls = info.tls as { ca: string; cert: string; key: string };
    const client = new Client({
      sslCertReqs: CERT_REQUIRED,
      sslKeyfile: tls.key,
      sslCertfile: tls.cert,
      sslCaCertfile: tls.ca,
      username: info.username as string,
      password: info.password as string,
    });
    const [host, port] = info.endpoints[0]!.split(':');
    await client.connect(host!, Number(port));
    const cluster = client.getCluster();
    try {
      const cache = await client.getOrCreateCache({ [PROP_NAME]: `cluster-state-${process.pid}` });
      await cache.put('k', 'before');
      await cluster.setState(ClusterState.ACTIVE_READ_ONLY);
      expect(await cluster.getState()).toBe(ClusterState.ACTIVE_READ_ONLY);
      expect(await cache.get('k')).toBe('before');
      const err = await cache.put('k', 'during').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(DbwireError.is(err)).toBe(true);
      expect(String((err as Error).message)).toMatch(/read-only|read only/i);
      await cluster.setState(ClusterState.ACTIVE);
      expect(await cluster.getState()).toBe(ClusterState.ACTIVE);
      await cache.put('k', 'after');
      expect(await cache.get('k')).toBe('after');
      await cache.destroy();
    } finally {
      await cluster.setState(ClusterState.ACTIVE).catch(() => undefined);
      await client.close();
    }
  });
});
