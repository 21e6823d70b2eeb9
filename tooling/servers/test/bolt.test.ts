import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerInfo, useServer } from '../src/index.js';
import { boltHandshake } from '../src/servers/bolt.js';

/** Smoke tests: the Neo4j Bolt stand-ins answer real Bolt handshakes and Cypher through neo4j-driver. */

const drivers: Driver[] = [];
function driver(url: string, user: string, password: string): Driver {
  const d = neo4j.driver(url, neo4j.auth.basic(user, password), { connectionTimeout: 5000 });
  drivers.push(d);
  return d;
}

afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
});

describe('bolt (auth disabled)', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('bolt');
  });

  it('negotiates a Bolt 5.x version in a raw handshake', async () => {
    expect(info.endpoints).toEqual(['bolt://127.0.0.1:7687']);
    const res = await boltHandshake({ port: 7687 });
    expect(res.ok).toBe(true);
    expect(res.version).toMatch(/^5\.[0-4]$/);
  });

  it('runs RETURN 1 and a write/read round trip through neo4j-driver', async () => {
    const d = driver(info.url as string, 'anyone', 'anything');
    const session = d.session();
    try {
      const one = await session.run('RETURN 1 AS x');
      expect(one.records[0]?.get('x').toNumber()).toBe(1);
      const tag = `smoke-${Date.now()}`;
      await session.run('CREATE (:Smoke {tag: $tag})', { tag });
      const back = await session.run('MATCH (n:Smoke {tag: $tag}) RETURN count(n) AS c', { tag });
      expect(back.records[0]?.get('c').toNumber()).toBe(1);
    } finally {
      await session.close();
    }
    const server = await d.getServerInfo();
    expect(server.agent).toMatch(/^Neo4j\/5\.26\./);
  });
});

describe('bolt-auth (auth enabled)', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('bolt-auth');
  });

  it('accepts neo4j/testpassword without a forced password change', async () => {
    expect(info.endpoints).toEqual(['bolt://127.0.0.1:7688']);
    const d = driver(info.url as string, info.username as string, info.password as string);
    const session = d.session();
    try {
      const res = await session.run('RETURN 1 AS x');
      expect(res.records[0]?.get('x').toNumber()).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('refuses a wrong password', async () => {
    const d = driver(info.url as string, 'neo4j', 'wrong-password');
    const session = d.session();
    try {
      await expect(session.run('RETURN 1')).rejects.toMatchObject({
        code: 'Neo.ClientError.Security.Unauthorized',
      });
    } finally {
      await session.close();
    }
  });
});
