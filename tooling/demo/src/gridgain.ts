/**
 * The @dbwire/gridgain-thin quickstart: the seed's (pygridgain) walkthrough in TypeScript, against the
 * local 'ignite' server. Each block matches a README section.
 */
import {
  CacheAtomicityMode,
  CacheMode,
  CharObject,
  Client,
  dict,
  GenericObjectMeta,
  IntObject,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_ATOMICITY_MODE,
  PROP_CACHE_KEY_CONFIGURATION,
  PROP_CACHE_MODE,
  PROP_NAME,
  ReconnectError,
  ShortObject,
  SocketError,
  TransactionConcurrency,
  TransactionIsolation,
} from '@dbwire/gridgain-thin';
import { useServer } from '@dbwire/test-servers';

export async function run(log: (s: string) => void): Promise<void> {
  const info = await useServer('ignite');
  const [host, portText] = info.endpoints[0]!.split(':');
  const port = Number(portText);
  const tag = process.pid;

  // --- Connecting to the cluster
  {
    const client = new Client();
    await client.connect(host!, port);
    log(`connected: ${client}`);
    await client.close();
  }

  // --- Client failover: a node list; the unreachable node is skipped
  {
    const nodes = [
      ['127.0.0.1', 1], // nothing listens here
      [host!, port],
    ];
    const client = new Client({ timeout: 40.0 });
    await client.connect(nodes);
    log(`Connected to ${client}`);
    const myCache = await client.getOrCreateCache({
      [PROP_NAME]: `my_cache_${tag}`,
      [PROP_CACHE_MODE]: CacheMode.REPLICATED,
    });
    await myCache.put('test_key', 0);
    for (let i = 0; i < 3; i++) {
      try {
        const testValue = await myCache.get<number>('test_key');
        await myCache.put('test_key', (testValue ?? 0) + 1);
      } catch (e) {
        if (!(e instanceof SocketError)) throw e;
        log(`Error: ${e.message}`);
      }
    }
    log(`test_key after the loop: ${await myCache.get('test_key')}`);
    await myCache.destroy();
    await client.close();
    const nobody = new Client({ timeout: 2 });
    try {
      await nobody.connect([['127.0.0.1', 1]]);
    } catch (e) {
      log(`no node reachable -> ${e instanceof ReconnectError ? 'ReconnectError' : String(e)}`);
    }
  }

  const client = new Client();
  await client.connect(host!, port);
  try {
    // --- Creating a cache with properties and a complex key type
    const myCache = await client.createCache({
      [PROP_NAME]: `my_cache_cfg_${tag}`,
      [PROP_BACKUPS_NUMBER]: 2,
      [PROP_CACHE_KEY_CONFIGURATION]: [{ type_name: 'PersonKey', affinity_key_field_name: 'companyId' }],
    });
    class PersonKey extends GenericObjectMeta({
      typeName: 'PersonKey',
      schema: { personId: IntObject, companyId: IntObject },
    }) {}
    const personKey = new PersonKey({ personId: 1, companyId: 1 });
    await myCache.put(personKey, 'test');
    log(`get(personKey) = ${await myCache.get(personKey)}`);
    const settings = await myCache.settings();
    log(`backups read back: ${settings[PROP_BACKUPS_NUMBER]}`);
    await myCache.destroy();

    // --- Key-value API
    const kv = await client.createCache(`my cache ${tag}`);
    await kv.put('my key', 42);
    log(`get('my key') = ${await kv.get('my key')}`); // 42
    log(`get('non-existent key') = ${await kv.get('non-existent key')}`); // null
    log(`getAll = ${JSON.stringify(await kv.getAll(['my key', 'non-existent key', 'other-key']))}`); // {"my key":42}

    // --- Type hints
    await kv.put('my key', 42, { valueHint: ShortObject });
    await kv.put('a', 1);
    await kv.put('a', 2, { keyHint: CharObject });
    log(`get('a') = ${await kv.get('a')}`); // 1
    log(`get('a', CharObject) = ${await kv.get('a', { keyHint: CharObject })}`); // 2
    await kv.removeKeys(['a', ['a', CharObject]]);
    log(`size after removeKeys = ${await kv.getSize()}`); // 1
    await kv.destroy();

    // --- Transactions
    const cache = await client.getOrCreateCache({
      [PROP_NAME]: `tx_cache_${tag}`,
      [PROP_CACHE_ATOMICITY_MODE]: CacheAtomicityMode.TRANSACTIONAL,
    });
    const key = 1;
    {
      await using tx = await client.txStart({ timeout: 2000, label: 'tx-sync' });
      await cache.put(key, 'success');
      await tx.commit();
    }
    {
      await using tx = await client.txStart({
        isolation: TransactionIsolation.REPEATABLE_READ,
        concurrency: TransactionConcurrency.PESSIMISTIC,
      });
      await cache.put(key, 'success');
      await tx.commit();
    }
    {
      await using tx = await client.txStart();
      await cache.put(key, 'rolled back');
      // no commit: leaving the block rolls back
      void tx;
    }
    log(`after the transactions: ${await cache.get(key)}`); // success
    await cache.destroy();

    // --- Scan queries
    const scanCache = await client.createCache(`myCache_${tag}`);
    const entries: Record<string, number> = {};
    for (let v = 0; v < 20; v++) entries[`key_${v}`] = v;
    await scanCache.putAll(entries);
    const result = await scanCache.scan();
    let n = 0;
    for await (const [k, v] of result) if (n++ < 3) log(`${k} ${v}`);
    log(`... ${n} elements in total`);
    log(`dict(scan) has ${Object.keys(await dict(scanCache.scan())).length} keys`);
    await scanCache.destroy();

    // --- Executing SQL statements (the seed's City example)
    const City = `City_${tag}`;
    await client.sql(`CREATE TABLE ${City} (
    ID INT(11),
    Name CHAR(35),
    CountryCode CHAR(3),
    District CHAR(20),
    Population INT(11),
    PRIMARY KEY (ID, CountryCode)
) WITH "affinityKey=CountryCode"`);
    await client.sql(`CREATE INDEX idx_country_code_${tag} ON ${City} (CountryCode)`);
    const CITY_INSERT_QUERY = `INSERT INTO ${City}(
    ID, Name, CountryCode, District, Population
) VALUES (?, ?, ?, ?, ?)`;
    const CITY_DATA = [
      [3793, 'New York', 'USA', 'New York', 8008278],
      [3794, 'Los Angeles', 'USA', 'California', 3694820],
      [3795, 'Chicago', 'USA', 'Illinois', 2896016],
      [3796, 'Houston', 'USA', 'Texas', 1953631],
      [3797, 'Philadelphia', 'USA', 'Pennsylvania', 1517550],
      [3798, 'Phoenix', 'USA', 'Arizona', 1321045],
      [3799, 'San Diego', 'USA', 'California', 1223400],
      [3800, 'Dallas', 'USA', 'Texas', 1188580],
    ];
    for (const row of CITY_DATA) {
      await client.sql(CITY_INSERT_QUERY, { queryArgs: row });
    }
    const CITY_SELECT_QUERY = `SELECT * FROM ${City}`;
    const cities = await client.sql(CITY_SELECT_QUERY);
    for await (const city of cities) {
      log(city.join(' '));
    }
    const fieldNames = (await (await client.sql(CITY_SELECT_QUERY, { includeFieldNames: true })).next())
      .value;
    log(`field names: ${JSON.stringify(fieldNames)}`);
    await client.sql(`DROP TABLE ${City}`);
  } finally {
    await client.close();
  }
}
