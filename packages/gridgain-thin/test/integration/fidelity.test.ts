/** The seed's names and forms, as a user translating the seed writes them. */
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cache,
  Client,
  ExpiryPolicy,
  GenericObjectMeta,
  IntObject,
  StringObject,
} from '../../src/index.js';

let client: Client;
let endpoint: string;
const tag = process.pid;
const caches: Cache[] = [];

beforeAll(async () => {
  const info = await useServer('ignite');
  endpoint = info.endpoints[0]!;
  const [h, p] = endpoint.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
});

afterAll(async () => {
  for (const c of caches) await c.destroy().catch(() => {});
  await client?.close();
});

describe('seed fidelity', () => {
  it('cache.clear(keys) clears only those keys; clear() clears everything', async () => {
    const c = await client.getOrCreateCache(`fid-clear-${tag}`);
    caches.push(c);
    await c.putAll({ a: 1, b: 2, c: 3 });
    await c.clear(['a', 'b']);
    expect(await c.getAll(['a', 'b', 'c'])).toEqual({ c: 3 });
    await c.clear();
    expect(await c.getSize()).toBe(0);
  });

  it('GenericObjectMeta options form; a class extending it reads back as that class', async () => {
    class PersonKey extends GenericObjectMeta({
      typeName: `FidPersonKey${tag}`,
      schema: { personId: IntObject, companyId: IntObject },
    }) {}
    const c = await client.getOrCreateCache(`fid-meta-${tag}`);
    caches.push(c);
    const personKey = new PersonKey({ personId: 1, companyId: 1 });
    await c.put(personKey, 'test');
    expect(await c.get(personKey)).toBe('test');
    await c.put('k', new PersonKey({ personId: 2, companyId: 3 }));
    const back = await c.get('k');
    expect(back).toBeInstanceOf(PersonKey);
    expect(back).toEqual(new PersonKey({ personId: 2, companyId: 3 }));
  });

  it('connect() targets 127.0.0.1:10800; a plain nodes array needs no `as const`', async () => {
    const plain = new Client();
    if (endpoint === '127.0.0.1:10800') {
      await plain.connect();
      expect(plain.currentNode).toBe('127.0.0.1:10800');
      await plain.close();
    }
    const [h, p] = endpoint.split(':');
    const nodes = [
      [h!, Number(p)],
      ['127.0.0.1', 1],
    ];
    await plain.connect(nodes);
    expect(plain.currentNode).toBe(endpoint);
    await plain.close();
  });

  it('binary-type calls by the seed names: putBinaryType, getBinaryType, queryBinaryType, registerBinaryType', async () => {
    const name = `FidPut${tag}`;
    await client.putBinaryType(name, { schema: { name: StringObject, n: IntObject } });
    const meta = await client.getBinaryType(name);
    expect(meta?.typeName).toBe(name);
    expect(meta?.fields.map((f) => f.name)).toEqual(['name', 'n']);
    expect(await client.getBinaryType(`NoSuchType${tag}`)).toBeUndefined();
    const cls = await client.queryBinaryType(name);
    expect(cls?.typeName).toBe(name);

    class Registered extends GenericObjectMeta(`FidReg${tag}`, { x: IntObject }) {}
    await client.registerBinaryType(Registered);
    expect((await client.getBinaryType(`FidReg${tag}`))?.fields.map((f) => f.name)).toEqual(['x']);
    expect(await client.queryBinaryType(`FidReg${tag}`)).toBe(Registered);
  });

  it('getCacheNames, withExpirePolicy and ExpiryPolicy', async () => {
    const c = await client.getOrCreateCache(`fid-names-${tag}`);
    caches.push(c);
    expect(await client.getCacheNames()).toContain(`fid-names-${tag}`);
    const ttl = c.withExpirePolicy(new ExpiryPolicy({ create: 60_000 }));
    expect(ttl.expiryPolicy).toEqual({ create: 60_000, update: -2, access: -2 });
    await ttl.put('x', 1);
    expect(await c.get<number>('x')).toBe(1);
  });
});
