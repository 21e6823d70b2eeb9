import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheAtomicityMode,
  CacheCreationError,
  CacheMode,
  Client,
  defineType,
  IndexType,
  IntObject,
  ParameterError,
  PartitionLossPolicy,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_ATOMICITY_MODE,
  PROP_CACHE_KEY_CONFIGURATION,
  PROP_CACHE_MODE,
  PROP_COPY_ON_READ,
  PROP_DATA_REGION_NAME,
  PROP_DEFAULT_LOCK_TIMEOUT,
  PROP_EAGER_TTL,
  PROP_EXPIRY_POLICY,
  PROP_GROUP_NAME,
  PROP_IS_ONHEAP_CACHE_ENABLED,
  PROP_MAX_CONCURRENT_ASYNC_OPERATIONS,
  PROP_MAX_QUERY_ITERATORS,
  PROP_NAME,
  PROP_PARTITION_LOSS_POLICY,
  PROP_QUERY_DETAIL_METRIC_SIZE,
  PROP_QUERY_ENTITIES,
  PROP_QUERY_PARALLELISM,
  PROP_READ_FROM_BACKUP,
  PROP_REBALANCE_BATCH_SIZE,
  PROP_REBALANCE_BATCHES_PREFETCH_COUNT,
  PROP_REBALANCE_DELAY,
  PROP_REBALANCE_MODE,
  PROP_REBALANCE_ORDER,
  PROP_REBALANCE_THROTTLE,
  PROP_REBALANCE_TIMEOUT,
  PROP_SQL_ESCAPE_ALL,
  PROP_SQL_INDEX_INLINE_MAX_SIZE,
  PROP_SQL_SCHEMA,
  PROP_STATISTICS_ENABLED,
  PROP_WRITE_SYNCHRONIZATION_MODE,
  RebalanceMode,
  WriteSynchronizationMode,
} from '../../src/index.js';

let client: Client;
const created: string[] = [];
const tag = `${process.pid}`;

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
});

afterAll(async () => {
  for (const name of created)
    await client
      .getCache(name)
      .destroy()
      .catch(() => {});
  await client?.close();
});

describe('cache administration', () => {
  it('createCache, cacheNames, getCache, destroy', async () => {
    const name = `cfg-basic-${tag}`;
    const cache = await client.createCache(name);
    created.push(name);
    expect(await client.cacheNames()).toContain(name);
    await expect(client.createCache(name)).rejects.toBeInstanceOf(CacheCreationError);
    const again = await client.getOrCreateCache(name);
    await again.put('k', 1);
    expect(await client.getCache(name).get('k')).toBe(1);
    await cache.destroy();
    expect(await client.cacheNames()).not.toContain(name);
  });

  it('every PROP_* of the seed table is accepted and read back', async () => {
    const name = `cfg-all-${tag}`;
    const settings = {
      [PROP_NAME]: name,
      [PROP_CACHE_MODE]: CacheMode.PARTITIONED,
      [PROP_CACHE_ATOMICITY_MODE]: CacheAtomicityMode.TRANSACTIONAL,
      [PROP_BACKUPS_NUMBER]: 2,
      [PROP_WRITE_SYNCHRONIZATION_MODE]: WriteSynchronizationMode.FULL_SYNC,
      [PROP_COPY_ON_READ]: false,
      [PROP_READ_FROM_BACKUP]: false,
      [PROP_DATA_REGION_NAME]: 'default',
      [PROP_IS_ONHEAP_CACHE_ENABLED]: true,
      [PROP_QUERY_PARALLELISM]: 2,
      [PROP_QUERY_DETAIL_METRIC_SIZE]: 10,
      [PROP_SQL_SCHEMA]: 'CFGSCHEMA',
      [PROP_SQL_INDEX_INLINE_MAX_SIZE]: 20,
      [PROP_SQL_ESCAPE_ALL]: true,
      [PROP_MAX_QUERY_ITERATORS]: 200,
      [PROP_REBALANCE_MODE]: RebalanceMode.SYNC,
      [PROP_REBALANCE_DELAY]: 10,
      [PROP_REBALANCE_TIMEOUT]: 5000,
      [PROP_REBALANCE_BATCH_SIZE]: 4096,
      [PROP_REBALANCE_BATCHES_PREFETCH_COUNT]: 4,
      [PROP_REBALANCE_ORDER]: 3,
      [PROP_REBALANCE_THROTTLE]: 7,
      [PROP_GROUP_NAME]: `group-${tag}`,
      [PROP_CACHE_KEY_CONFIGURATION]: [{ type_name: 'PersonKey', affinity_key_field_name: 'companyId' }],
      [PROP_DEFAULT_LOCK_TIMEOUT]: 1500,
      [PROP_MAX_CONCURRENT_ASYNC_OPERATIONS]: 300,
      [PROP_PARTITION_LOSS_POLICY]: PartitionLossPolicy.READ_WRITE_SAFE,
      [PROP_EAGER_TTL]: false,
      [PROP_STATISTICS_ENABLED]: true,
      [PROP_EXPIRY_POLICY]: { create: 60_000, update: -1, access: -2 },
    };
    const cache = await client.createCache(settings);
    created.push(name);
    const back = await cache.settings();
    const { [PROP_CACHE_KEY_CONFIGURATION]: keys, [PROP_EXPIRY_POLICY]: expiry, ...scalars } = settings;
    for (const [code, value] of Object.entries(scalars)) {
      expect([code, back[Number(code)]]).toEqual([code, value]);
    }
    expect(back[PROP_CACHE_KEY_CONFIGURATION]).toEqual([
      { typeName: 'PersonKey', affinityKeyFieldName: 'companyId' },
    ]);
    expect(keys).toHaveLength(1);
    expect(back[PROP_EXPIRY_POLICY]).toEqual(expiry);
  });

  it('the seed example: cache key configuration plus a GenericObjectMeta-style key type', async () => {
    const name = `my_cache-${tag}`;
    const myCache = await client.createCache({
      [PROP_NAME]: name,
      [PROP_BACKUPS_NUMBER]: 2,
      [PROP_CACHE_KEY_CONFIGURATION]: [{ type_name: 'PersonKey', affinity_key_field_name: 'companyId' }],
    });
    created.push(name);
    const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });
    const personKey = new PersonKey({ personId: 1, companyId: 1 });
    await myCache.put(personKey, 'test');
    expect(await myCache.get(personKey)).toBe('test');
    expect(await myCache.get(new PersonKey({ personId: 1, companyId: 1 }))).toBe('test');
    expect(await myCache.get(new PersonKey({ personId: 2, companyId: 1 }))).toBeNull();
  });

  it('query entities with fields, aliases, indexes, precision/scale and defaults', async () => {
    const name = `cfg-qe-${tag}`;
    const cache = await client.createCache({
      [PROP_NAME]: name,
      [PROP_SQL_SCHEMA]: 'PUBLIC',
      [PROP_QUERY_ENTITIES]: [
        {
          table_name: `PRODUCT_${tag}`,
          key_field_name: 'ID',
          key_type_name: 'java.lang.Integer',
          value_type_name: `Product${tag}`,
          field_name_aliases: [{ field_name: 'TITLE', alias: 'NAME' }],
          query_fields: [
            {
              name: 'ID',
              type_name: 'java.lang.Integer',
              is_key_field: true,
              is_notnull_constraint_field: true,
            },
            { name: 'TITLE', type_name: 'java.lang.String', default_value: 'untitled' },
            { name: 'PRICE', type_name: 'java.math.BigDecimal', precision: 10, scale: 2 },
            { name: 'QTY', type_name: 'java.lang.Integer', default_value: 0 },
          ],
          query_indexes: [
            {
              index_name: `IDX_PRICE_${tag}`,
              index_type: IndexType.SORTED,
              inline_size: 16,
              fields: [{ name: 'PRICE', is_descending: true }],
            },
          ],
        },
      ],
    });
    created.push(name);
    const [entity] = (await cache.settings())[PROP_QUERY_ENTITIES] as Array<Record<string, any>>;
    expect(entity).toBeDefined();
    expect(entity!.tableName).toBe(`PRODUCT_${tag}`);
    expect(entity!.keyFieldName).toBe('ID');
    expect(entity!.keyTypeName).toBe('java.lang.Integer');
    expect(entity!.valueTypeName).toBe(`Product${tag}`);
    expect(entity!.fieldNameAliases).toContainEqual({ fieldName: 'TITLE', alias: 'NAME' });
    const byName = Object.fromEntries(
      (entity!.queryFields as Array<Record<string, unknown>>).map((f) => [f.name, f]),
    );
    expect(byName.ID).toMatchObject({
      typeName: 'java.lang.Integer',
      isKeyField: true,
      isNotnullConstraintField: true,
    });
    expect(byName.TITLE).toMatchObject({ defaultValue: 'untitled', precision: -1, scale: -1 });
    expect(byName.PRICE).toMatchObject({ typeName: 'java.math.BigDecimal', precision: 10, scale: 2 });
    expect(entity!.queryIndexes).toEqual([
      {
        indexName: `IDX_PRICE_${tag}`,
        indexType: IndexType.SORTED,
        inlineSize: 16,
        fields: [{ name: 'PRICE', isDescending: true }],
      },
    ]);
  });

  it('bad settings are ParameterErrors naming the property', async () => {
    await expect(client.createCache({ [PROP_NAME]: 'x', [PROP_BACKUPS_NUMBER]: 'two' })).rejects.toThrow(
      /PROP_BACKUPS_NUMBER must be a 32-bit integer/,
    );
    await expect(client.createCache({ [PROP_NAME]: 'x', 9999: 1 })).rejects.toBeInstanceOf(ParameterError);
    await expect(
      client.createCache({ [PROP_NAME]: 'x', [PROP_QUERY_ENTITIES]: [{ table_name: 'T' }] }),
    ).rejects.toThrow(/keyTypeName/);
  });
});
