import { beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  SchemaValidationException,
  Tenant,
  TenantActivityStatus,
  UnexpectedStatusCodeException,
} from '../../src/index.js';
import { countRequests, dropAfterAll, uniqueClass, weaviateUrl } from './helpers.js';

let client: Client;
const Publication = uniqueClass('Publication');
const Article = uniqueClass('Article');
const Author = uniqueClass('Author');
const Plain = uniqueClass('Plain');
const Multi = uniqueClass('Multi');

beforeAll(async () => {
  client = new Client(await weaviateUrl());
});
dropAfterAll(() => client, [Author, Publication, Article, Plain, Multi]);

describe('schema.create (seed example)', () => {
  it('creates the seed schema in dependency order with its cross-references', async () => {
    const schema = {
      classes: [
        {
          class: Publication,
          description: 'A publication with an online source',
          properties: [
            { dataType: ['text'], description: 'Name of the publication', name: 'name' },
            { dataType: [Article], description: 'The articles this publication has', name: 'hasArticles' },
            {
              dataType: ['geoCoordinates'],
              description: 'Geo location of the HQ',
              name: 'headquartersGeoLocation',
            },
          ],
        },
        {
          class: Article,
          description: 'A written text, for example a news article or blog post',
          properties: [
            { dataType: ['text'], description: 'Title of the article', name: 'title' },
            { dataType: ['text'], description: 'The content of the article', name: 'content' },
          ],
        },
        {
          class: Author,
          description: 'The writer of an article',
          properties: [
            { dataType: ['text'], description: 'Name of the author', name: 'name' },
            { dataType: [Article], description: 'Articles this author wrote', name: 'wroteArticles' },
            {
              dataType: [Publication],
              description: 'The publication this author writes for',
              name: 'writesFor',
            },
          ],
        },
      ],
    };
    const { counts } = await countRequests(() => client.schema.create(schema));
    // Three classes, no cycle: exactly three class creations and no property added afterwards.
    expect(counts['schema.createClass']).toBe(3);
    expect(counts['schema.property.create']).toBeUndefined();
    const pub = await client.schema.get(Publication);
    expect(pub.properties.map((p: { name: string; dataType: string[] }) => [p.name, p.dataType])).toEqual([
      ['name', ['text']],
      ['hasArticles', [Article]],
      ['headquartersGeoLocation', ['geoCoordinates']],
    ]);
    const author = await client.schema.get(Author);
    expect(author.properties.map((p: { name: string }) => p.name)).toEqual([
      'name',
      'wroteArticles',
      'writesFor',
    ]);
    expect(await client.schema.contains(schema)).toBe(true);
    expect(await client.schema.contains(uniqueClass('Nope'))).toBe(false);
    expect(await client.schema.contains()).toBe(true);
    const all = await client.schema.get();
    const names = all.classes.map((c: { class: string }) => c.class);
    expect(names).toEqual(expect.arrayContaining([Publication, Article, Author]));
  });

  it('a class that already exists: UnexpectedStatusCodeException with the server message', async () => {
    const err = await client.schema.createClass({ class: Article }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).statusCode).toBe(422);
    expect((err as UnexpectedStatusCodeException).messages.join(' ')).toMatch(/already exists/i);
  });

  it('malformed definitions are SchemaValidationException before any request', async () => {
    const { counts } = await countRequests(async () => {
      await expect(client.schema.create({ classes: [{ class: 'x y' }] })).rejects.toBeInstanceOf(
        SchemaValidationException,
      );
      await expect(
        client.schema.createClass({ class: Plain, properties: [{ name: 'p', dataType: [] }] }),
      ).rejects.toBeInstanceOf(SchemaValidationException);
    });
    expect(counts).toEqual({});
  });

  it('an unknown data type is refused by the server with its message', async () => {
    const err = await client.schema
      .createClass({ class: uniqueClass('Bad'), properties: [{ name: 'p', dataType: ['notAType'] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).messages.join(' ')).toMatch(/notAType|data ?type/i);
  });
});

describe('createClass, property.create, updateConfig, shards, deleteClass', () => {
  it('runs the class life cycle', async () => {
    await client.schema.createClass({
      class: Plain,
      vectorizer: 'none',
      properties: [{ name: 'a', dataType: ['text'] }],
    });
    await client.schema.property.create(Plain, { name: 'b', dataType: ['int'] });
    expect((await client.schema.get(Plain)).properties.map((p: { name: string }) => p.name)).toEqual([
      'a',
      'b',
    ]);

    await client.schema.updateConfig(Plain, {
      description: 'updated',
      invertedIndexConfig: { bm25: { b: 0.7 } },
    });
    const updated = await client.schema.get(Plain);
    expect(updated.description).toBe('updated');
    expect(updated.invertedIndexConfig.bm25.b).toBe(0.7);

    const shards = await client.schema.getClassShards(Plain);
    expect(shards).toHaveLength(1);
    expect(shards[0]!.status).toBe('READY');
    await client.schema.updateClassShard(Plain, 'READONLY');
    expect((await client.schema.getClassShards(Plain))[0]!.status).toBe('READONLY');
    await client.schema.updateClassShard(Plain, 'READY', { shardName: shards[0]!.name });
    expect((await client.schema.getClassShards(Plain))[0]!.status).toBe('READY');

    await client.schema.deleteClass(Plain);
    expect(await client.schema.contains(Plain)).toBe(false);
  });
});

describe('tenants (seed: add/get/update/remove_class_tenants)', () => {
  it('adds, lists, deactivates and removes tenants', async () => {
    await client.schema.createClass({
      class: Multi,
      vectorizer: 'none',
      multiTenancyConfig: { enabled: true },
      properties: [{ name: 'x', dataType: ['text'] }],
    });
    await client.schema.addClassTenants(Multi, [new Tenant('tenantA'), new Tenant('tenantB'), 'tenantC']);
    const names = (await client.schema.getClassTenants(Multi)).map((t) => t.name).sort();
    expect(names).toEqual(['tenantA', 'tenantB', 'tenantC']);

    await client.schema.updateClassTenants(Multi, [
      new Tenant('tenantB', { activityStatus: TenantActivityStatus.COLD }),
    ]);
    const b = (await client.schema.getClassTenants(Multi)).find((t) => t.name === 'tenantB');
    expect(['COLD', 'INACTIVE']).toContain(b?.activityStatus);

    await client.schema.removeClassTenants(Multi, ['tenantC']);
    expect((await client.schema.getClassTenants(Multi)).map((t) => t.name).sort()).toEqual([
      'tenantA',
      'tenantB',
    ]);
  });
});
