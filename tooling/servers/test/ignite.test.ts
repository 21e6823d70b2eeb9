import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ServerInfo, useServer, withLock } from '../src/index.js';
import { serverDef } from '../src/registry.js';
import { igniteHandshake } from '../src/servers/ignite.js';

/** Smoke tests: the Ignite servers answer real thin-client handshakes (protocol 1.7.0). */

function port(endpoint: string): number {
  return Number(endpoint.split(':').pop());
}

/** Feature bit n of the server's mask (byte n/8, bit n%8). */
function hasFeature(mask: Buffer | undefined, bit: number): boolean {
  return mask !== undefined && ((mask[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

describe('ignite (1 node)', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('ignite');
  });

  it('accepts a 1.7.0 handshake and reports its node id and feature mask', async () => {
    expect(info.endpoints).toEqual(['127.0.0.1:10800']);
    // Propose every known feature but USER_ATTRIBUTES (bit 0): bits 1..18.
    const res = await igniteHandshake({
      port: port(info.endpoints[0]!),
      features: Buffer.from([0xfe, 0xff, 0x07]),
    });
    expect(res.ok).toBe(true);
    expect(res.version).toBe('1.7.0');
    expect(res.nodeId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.nodeId).toBe((info.nodeIds as string[])[0]);
    // The server answers the subset it supports: EXECUTE_TASK_BY_NAME (1), CLUSTER_STATES (2) and
    // HEARTBEAT (11) are Apache 2.17 features; USER_ATTRIBUTES (0) was not proposed.
    expect(hasFeature(res.features, 1)).toBe(true);
    expect(hasFeature(res.features, 2)).toBe(true);
    expect(hasFeature(res.features, 11)).toBe(true);
    expect(hasFeature(res.features, 0)).toBe(false);
    const none = await igniteHandshake({ port: port(info.endpoints[0]!) });
    expect(none.ok).toBe(true);
    expect(hasFeature(none.features, 1)).toBe(false);
    expect(info.computeTasks).toContain('dbwire.EchoTask');
  });

  it('refuses the GridGain-only 1.7.1 and offers 1.7.0 instead', async () => {
    const res = await igniteHandshake({ port: port(info.endpoints[0]!), version: [1, 7, 1] });
    expect(res.ok).toBe(false);
    expect(res.version).toBe('1.7.0');
  });

  it('accepts an older protocol (1.4.0) without a feature mask', async () => {
    const res = await igniteHandshake({ port: port(info.endpoints[0]!), version: [1, 4, 0] });
    expect(res.ok).toBe(true);
    expect(res.features).toBeUndefined();
    expect(res.nodeId).toBe((info.nodeIds as string[])[0]);
  });
});

describe('ignite-cluster (3 nodes in one JVM)', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('ignite-cluster');
  });

  it('answers a handshake on each of the 3 thin ports, each from a different node', () =>
    // Not while another suite has a node stopped (they hold this lock meanwhile).
    withLock('ignite-cluster-topology', async () => {
      expect(info.endpoints).toEqual(['127.0.0.1:10810', '127.0.0.1:10811', '127.0.0.1:10812']);
      const results = await Promise.all(info.endpoints.map((e) => igniteHandshake({ port: port(e) })));
      for (const r of results) expect(r.ok).toBe(true);
      const ids = results.map((r) => r.nodeId);
      expect(new Set(ids).size).toBe(3);
      expect(ids).toEqual(serverDef('ignite-cluster').info().nodeIds);
    }));
});

describe('ignite-secure (auth + mutual TLS)', () => {
  let info: ServerInfo;
  let tls: ConnectionOptions;
  let p: number;
  beforeAll(async () => {
    info = await useServer('ignite-secure');
    const paths = info.tls as { ca: string; cert: string; key: string };
    tls = { ca: readFileSync(paths.ca), cert: readFileSync(paths.cert), key: readFileSync(paths.key) };
    p = port(info.endpoints[0]!);
  });

  it('accepts the default superuser and the launcher-created user over TLS with a client cert', async () => {
    const admin = await igniteHandshake({ port: p, tls, user: 'ignite', password: 'ignite' });
    expect(admin.ok).toBe(true);
    expect(admin.nodeId).toBe((info.nodeIds as string[])[0]);
    const user = await igniteHandshake({ port: p, tls, user: 'dbwire', password: 'dbwire-pass' });
    expect(user.ok).toBe(true);
  });

  it('refuses a wrong password with AUTH_FAILED (2000)', async () => {
    const res = await igniteHandshake({ port: p, tls, user: 'ignite', password: 'not-the-password' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(2000);
    expect(res.message).toMatch(/password is incorrect/i);
  });

  it('refuses a handshake without credentials', async () => {
    const res = await igniteHandshake({ port: p, tls });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(2000);
  });

  it('refuses a TLS client without a certificate', async () => {
    await expect(
      igniteHandshake({ port: p, tls: { ca: tls.ca }, user: 'ignite', password: 'ignite' }),
    ).rejects.toThrow();
  });

  it('refuses plain TCP', async () => {
    await expect(
      igniteHandshake({ port: p, user: 'ignite', password: 'ignite', timeoutMs: 2000 }),
    ).rejects.toThrow();
  });
});
