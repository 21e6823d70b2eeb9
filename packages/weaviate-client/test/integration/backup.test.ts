import { beforeAll, describe, expect, it } from 'vitest';
import { BackupFailedException, Client, UnexpectedStatusCodeException } from '../../src/index.js';
import { dropAfterAll, uniqueClass, weaviateUrl } from './helpers.js';

let client: Client;
const Kept = uniqueClass('Kept');

beforeAll(async () => {
  client = new Client(await weaviateUrl());
  await client.schema.createClass({
    class: Kept,
    vectorizer: 'none',
    properties: [{ name: 'n', dataType: ['int'] }],
  });
  for (let i = 0; i < 5; i++) await client.dataObject.create({ n: i }, Kept);
});
dropAfterAll(() => client, [Kept]);

describe('backups on the filesystem backend (seed: client.backup)', () => {
  it('creates a backup of one class, deletes the class, restores it with its objects', async () => {
    const id = `b-${Kept.toLowerCase()}`;
    const created = await client.backup.create(id, 'filesystem', {
      includeClasses: Kept,
      waitForCompletion: true,
      pollIntervalMs: 200,
    });
    expect(created.status).toBe('SUCCESS');
    expect((await client.backup.getCreateStatus(id, 'filesystem')).status).toBe('SUCCESS');

    await client.schema.deleteClass(Kept);
    const restored = await client.backup.restore(id, 'filesystem', {
      includeClasses: [Kept],
      waitForCompletion: true,
      pollIntervalMs: 200,
    });
    expect(restored.status).toBe('SUCCESS');
    expect((await client.backup.getRestoreStatus(id, 'filesystem')).status).toBe('SUCCESS');
    const count = await client.query.aggregate(Kept).withMetaCount().do();
    expect(count.data.Aggregate[Kept]![0]!.meta.count).toBe(5);
  });

  it('restoring into an existing class fails with the server message', async () => {
    const id = `c-${Kept.toLowerCase()}`;
    await client.backup.create(id, 'filesystem', {
      includeClasses: [Kept],
      waitForCompletion: true,
      pollIntervalMs: 200,
    });
    const err = await client.backup
      .restore(id, 'filesystem', { includeClasses: [Kept], waitForCompletion: true, pollIntervalMs: 200 })
      .catch((e: unknown) => e);
    expect(err instanceof UnexpectedStatusCodeException || err instanceof BackupFailedException).toBe(true);
    expect((err as Error).message).toMatch(/exist/i);
  });

  it('an unknown backend is refused by the server', async () => {
    await expect(client.backup.create('x1', 'nosuchbackend')).rejects.toBeInstanceOf(
      UnexpectedStatusCodeException,
    );
  });
});

describe('cluster (seed: client.cluster.get_nodes_status)', () => {
  it('reports the single node as healthy, with shard details in verbose output', async () => {
    const nodes = await client.cluster.getNodesStatus();
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ name: 'node1', status: 'HEALTHY' });
    expect(nodes[0]!.version).toMatch(/^1\./);
    const verbose = await client.cluster.getNodesStatus({ className: Kept, output: 'verbose' });
    expect(verbose[0]!.shards?.some((s) => s.class === Kept)).toBe(true);
  });
});
