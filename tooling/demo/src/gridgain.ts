/**
 * The @dbwire/gridgain-thin quickstart: the seed's (pygridgain) walkthrough in TypeScript, against the
 * local 'ignite' server. Each block matches a README section.
 */
import {
  CacheMode,
  CharObject,
  Client,
  defineType,
  IntObject,
  PROP_BACKUPS_NUMBER,
  PROP_CACHE_KEY_CONFIGURATION,
  PROP_CACHE_MODE,
  PROP_NAME,
  ReconnectError,
  ShortObject,
  SocketError,
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
    const nodes: Array<[string, number]> = [
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
        const testValue = (await myCache.get('test_key')) as number;
        await myCache.put('test_key', testValue + 1);
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
    const PersonKey = defineType('PersonKey', { personId: IntObject, companyId: IntObject });
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
  } finally {
    await client.close();
  }
}
