import { useServer } from '@dbwire/test-servers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, generateUuid5, UnexpectedStatusCodeException, WeaviateQueryError } from '../../src/index.js';
import { countRequests, dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

/**
 * Multi-tenancy on the real server: one class, two tenants holding different objects. Every read
 * names a tenant and must see exactly that tenant's objects; a read without one is the server's
 * error, typed. Both query paths run: GraphQL (no gRPC port) and gRPC Search (with one).
 */
let client: Client;
let grpcClient: Client;
const Note = uniqueClass('TenantNote');
const tenantA = 'tenantA';
const tenantB = 'tenantB';
/** Ids per tenant, written by batch with `tenant` (A: 3 objects, B: 5), so counts tell them apart. */
const idsOf: Record<string, string[]> = { [tenantA]: [], [tenantB]: [] };

beforeAll(async () => {
  const url = await weaviateUrl();
  client = new Client(url);
  const grpc = (await useServer('weaviate')).grpc as string;
  grpcClient = new Client(url, { grpcPort: Number(grpc.split(':').pop()) });
  await client.schema.createClass({
    class: Note,
    vectorizer: 'none',
    multiTenancyConfig: { enabled: true },
    properties: [{ name: 'title', dataType: ['text'] }],
  });
  await client.schema.addClassTenants(Note, [tenantA, tenantB]);
  client.batch.configure({ batchSize: 100, callback: null });
  await client.batch.with(async (b) => {
    for (const [tenant, n] of [
      [tenantA, 3],
      [tenantB, 5],
    ] as const) {
      for (let i = 0; i < n; i++) {
        idsOf[tenant]!.push(
          await b.addDataObject({
            dataObject: { title: `${tenant} note ${i}` },
            className: Note,
            uuid: generateUuid5(`${tenant}-${i}`),
            vector: vectorFor(i),
            tenant,
          }),
        );
      }
    }
  });
  expect(client.batch.stats.objectsConfirmed).toBe(8);
  expect(client.batch.failedObjects).toEqual([]);
});
dropAfterAll(() => {
  void grpcClient?.close();
  return client;
}, [Note]);

const sorted = (xs: string[]) => [...xs].sort();

describe('withTenant on query.get and query.aggregate', () => {
  for (const path of ['GraphQL', 'gRPC'] as const) {
    it(`query.get (${path}) sees exactly its tenant's objects, ids and titles`, async () => {
      const c = path === 'GraphQL' ? client : grpcClient;
      for (const tenant of [tenantA, tenantB]) {
        const { result, counts } = await countRequests(() =>
          c.query.get(Note, ['title']).withAdditional('id').withTenant(tenant).withLimit(100).do(),
        );
        const rows = result.data.Get[Note]!;
        expect(sorted(rows.map((r) => r._additional!.id))).toEqual(sorted(idsOf[tenant]!));
        expect(rows.every((r) => String(r.title).startsWith(`${tenant} `))).toBe(true);
        // One request: the tenant travels with the query, no follow-up lookups.
        expect(counts).toEqual({ 'query.get': 1 });
      }
    });
  }

  it('query.aggregate meta count per tenant: 3 and 5', async () => {
    for (const [tenant, n] of [
      [tenantA, 3],
      [tenantB, 5],
    ] as const) {
      const res = await client.query.aggregate(Note).withMetaCount().withTenant(tenant).do();
      expect(res.data.Aggregate[Note]).toEqual([{ meta: { count: n } }]);
    }
  });

  for (const path of ['GraphQL', 'gRPC'] as const) {
    it(`query.get (${path}) without a tenant on a multi-tenant class: WeaviateQueryError with the server's message`, async () => {
      const c = path === 'GraphQL' ? client : grpcClient;
      const err = await c.query
        .get(Note, ['title'])
        .do()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WeaviateQueryError);
      expect((err as Error).message).toMatch(/multi-tenancy enabled, but request was without tenant/);
    });
  }

  it("query.aggregate without a tenant: WeaviateQueryError with the server's message", async () => {
    const err = await client.query
      .aggregate(Note)
      .withMetaCount()
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as Error).message).toMatch(/multi-tenancy enabled, but request was without tenant/);
  });

  it("an unknown tenant: WeaviateQueryError naming it (the server's message)", async () => {
    const err = await client.query
      .get(Note, ['title'])
      .withTenant('noSuchTenant')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeaviateQueryError);
    expect((err as Error).message).toMatch(/noSuchTenant/);
  });
});

describe('dataObject with tenant', () => {
  it('create / get / exists / delete act in the named tenant only', async () => {
    const id = await client.dataObject.create({ title: 'only in A' }, Note, {
      uuid: generateUuid5('only-in-A'),
      vector: vectorFor(99),
      tenant: tenantA,
    });
    expect(id).toBe(generateUuid5('only-in-A'));

    const inA = await client.dataObject.getById(id, { className: Note, tenant: tenantA });
    expect(inA).toMatchObject({ id, class: Note, tenant: tenantA, properties: { title: 'only in A' } });
    expect(await client.dataObject.getById(id, { className: Note, tenant: tenantB })).toBeNull();
    expect(await client.dataObject.exists(id, { className: Note, tenant: tenantA })).toBe(true);
    expect(await client.dataObject.exists(id, { className: Note, tenant: tenantB })).toBe(false);

    // A list read by tenant: A now has 4, B still 5.
    const listA = (await client.dataObject.get(null, { className: Note, tenant: tenantA, limit: 100 })) as {
      objects: Array<{ id: string }>;
    };
    const listB = (await client.dataObject.get(null, { className: Note, tenant: tenantB, limit: 100 })) as {
      objects: Array<{ id: string }>;
    };
    expect(sorted(listA.objects.map((o) => o.id))).toEqual(sorted([...idsOf[tenantA]!, id]));
    expect(sorted(listB.objects.map((o) => o.id))).toEqual(sorted(idsOf[tenantB]!));

    await client.dataObject.delete(id, { className: Note, tenant: tenantA });
    expect(await client.dataObject.exists(id, { className: Note, tenant: tenantA })).toBe(false);
    const after = await client.query.aggregate(Note).withMetaCount().withTenant(tenantA).do();
    expect(after.data.Aggregate[Note]).toEqual([{ meta: { count: 3 } }]);
  });

  it("create without a tenant on a multi-tenant class: a typed error with the server's message", async () => {
    const err = await client.dataObject.create({ title: 'nowhere' }, Note).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).statusCode).toBe(422);
    expect((err as Error).message).toMatch(/has multi-tenancy enabled, but request was without tenant/);
  });

  it('batch.deleteObjects with tenant deletes in that tenant only', async () => {
    const extra = await client.dataObject.create({ title: 'doomed' }, Note, {
      vector: vectorFor(5),
      tenant: tenantB,
    });
    const res = await client.batch.deleteObjects({
      className: Note,
      where: { path: ['title'], operator: 'Equal', valueText: 'doomed' },
      tenant: tenantB,
    });
    expect(res.results).toMatchObject({ matches: 1, successful: 1, failed: 0 });
    expect(await client.dataObject.exists(extra, { className: Note, tenant: tenantB })).toBe(false);
    const counts = await Promise.all(
      [tenantA, tenantB].map((t) => client.query.aggregate(Note).withMetaCount().withTenant(t).do()),
    );
    expect(counts.map((r) => r.data.Aggregate[Note]![0]!.meta.count)).toEqual([3, 5]);
  });
});
