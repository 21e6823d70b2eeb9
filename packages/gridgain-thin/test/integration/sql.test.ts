/**
 * client.sql / cache.sql / cache.selectRow against the real server: the seed's City example, every
 * column type, paging, early break, field names, DDL and DML, bad SQL.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ByteArrayObject,
  ByteObject,
  CacheError,
  Client,
  Decimal,
  DoubleObject,
  defineType,
  FloatObject,
  IntObject,
  LongObject,
  Op,
  PROP_NAME,
  PROP_QUERY_ENTITIES,
  PROP_SQL_SCHEMA,
  ShortObject,
  SQLError,
  StatementType,
  StringObject,
  Timestamp,
  TimestampObject,
  UUID,
} from '../../src/index.js';

let client: Client;
const tag = process.pid;
const tables: string[] = [];

/** Counts request-start events by operation name while `fn` runs. */
async function countOps<T>(fn: () => Promise<T>): Promise<[T, Map<string, number>]> {
  const counts = new Map<string, number>();
  const onStart = (msg: unknown) => {
    const e = msg as RequestStartEvent;
    if (e.database === 'gridgain') counts.set(e.operation, (counts.get(e.operation) ?? 0) + 1);
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  try {
    return [await fn(), counts];
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  }
}

async function table(name: string, ddl: string): Promise<string> {
  const t = `${name}_${tag}`;
  await client.sql(`DROP TABLE IF EXISTS ${t}`);
  await client.sql(ddl.replace('$T', t));
  tables.push(t);
  return t;
}

beforeAll(async () => {
  const info = await useServer('ignite');
  const [h, p] = info.endpoints[0]!.split(':');
  client = new Client();
  await client.connect(h!, Number(p));
});

afterAll(async () => {
  for (const t of tables) await client.sql(`DROP TABLE IF EXISTS ${t}`).catch(() => {});
  await client
    .getCache(`sqlpeople_${tag}`)
    .destroy()
    .catch(() => {});
  await client?.close();
});

describe('client.sql', () => {
  it("runs the seed's City example: DDL, index, parameterised INSERT, SELECT rows and field names", async () => {
    const city = `City_${tag}`;
    tables.push(city);
    await client.sql(`DROP TABLE IF EXISTS ${city}`);
    await client.sql(`CREATE TABLE ${city} (
    ID INT(11),
    Name CHAR(35),
    CountryCode CHAR(3),
    District CHAR(20),
    Population INT(11),
    PRIMARY KEY (ID, CountryCode)
) WITH "affinityKey=CountryCode"`);
    await client.sql(`CREATE INDEX idx_country_code_${tag} ON ${city} (CountryCode)`);
    const data = [
      [3793, 'New York', 'USA', 'New York', 8008278],
      [3794, 'Los Angeles', 'USA', 'California', 3694820],
      [3795, 'Chicago', 'USA', 'Illinois', 2896016],
      [3796, 'Houston', 'USA', 'Texas', 1953631],
      [3797, 'Philadelphia', 'USA', 'Pennsylvania', 1517550],
      [3798, 'Phoenix', 'USA', 'Arizona', 1321045],
      [3799, 'San Diego', 'USA', 'California', 1223400],
      [3800, 'Dallas', 'USA', 'Texas', 1188580],
    ];
    for (const row of data) {
      await client.sql(
        `INSERT INTO ${city}(ID, Name, CountryCode, District, Population) VALUES (?, ?, ?, ?, ?)`,
        { queryArgs: row },
      );
    }
    const rows: unknown[][] = [];
    for await (const c of client.sql(`SELECT * FROM ${city} ORDER BY ID`)) rows.push(c);
    expect(rows).toEqual(data);
    const cursor = await client.sql(`SELECT * FROM ${city}`, { includeFieldNames: true });
    const fieldNames = (await cursor.next()).value;
    expect(fieldNames).toEqual(['ID', 'NAME', 'COUNTRYCODE', 'DISTRICT', 'POPULATION']);
    expect(cursor.fieldNames).toEqual(fieldNames);
    expect((await cursor.getAll()).length).toBe(8);
  });

  it('every column type round-trips: written as query arguments, read back by SELECT', async () => {
    const t = await table(
      'Types',
      `CREATE TABLE $T (id INT PRIMARY KEY, b TINYINT, s SMALLINT, i INT, l BIGINT, f REAL, d DOUBLE,
       bo BOOLEAN, v VARCHAR, ch CHAR(1), dc DECIMAL(30, 10), ts TIMESTAMP, u UUID, bin BINARY(4))`,
    );
    const ts = new Timestamp(new Date('2024-02-29T12:34:56.789Z'), 123456);
    const u = new UUID('123e4567-e89b-12d3-a456-426614174000');
    const args = [
      [1, IntObject],
      [-7, ByteObject],
      [300, ShortObject],
      [70000, IntObject],
      [9223372036854775807n, LongObject],
      [1.5, FloatObject],
      [2.25, DoubleObject],
      true,
      'héllo ✓',
      'x',
      new Decimal('12345678901234567890.0123456789'),
      [ts, TimestampObject],
      u,
      [Buffer.from([1, 2, 0xfe, 0xff]), ByteArrayObject],
    ];
    await client.sql(`INSERT INTO ${t} VALUES (${args.map(() => '?').join(', ')})`, { queryArgs: args });
    const [row] = await (await client.sql(`SELECT * FROM ${t}`)).getAll();
    expect(row!.slice(0, 10)).toEqual([
      1,
      -7,
      300,
      70000,
      9223372036854775807n,
      1.5,
      2.25,
      true,
      'héllo ✓',
      'x',
    ]);
    expect(String(row![10])).toBe('12345678901234567890.0123456789');
    expect(row![11]).toBeInstanceOf(Timestamp);
    expect((row![11] as Timestamp).toISOString()).toBe('2024-02-29T12:34:56.789Z');
    expect((row![11] as Timestamp).nanos).toBe(123456);
    expect(String(row![12])).toBe(String(u));
    expect(Buffer.from(row![13] as Buffer)).toEqual(Buffer.from([1, 2, 0xfe, 0xff]));
    // and NULL in every column
    await client.sql(`INSERT INTO ${t} (id) VALUES (2)`);
    const [nulls] = await (await client.sql(`SELECT * FROM ${t} WHERE id = 2`)).getAll();
    expect(nulls).toEqual([2, ...new Array(13).fill(null)]);
  });

  it('pages: 2,500 rows at pageSize 100 are exactly 1 query + 24 page requests, rows in order', async () => {
    const t = await table('Paged', 'CREATE TABLE $T (id INT PRIMARY KEY, v VARCHAR)');
    await client.sql(`INSERT INTO ${t} (id, v) SELECT x, CONCAT('v', x) FROM SYSTEM_RANGE(1, 2500)`);
    const progress: number[] = [];
    const [ids, counts] = await countOps(async () => {
      const out: number[] = [];
      for await (const [id] of client.sql(`SELECT id, v FROM ${t} ORDER BY id`, {
        pageSize: 100,
        onProgress: (e) => progress.push(e.done),
      })) {
        out.push(id as number);
      }
      return out;
    });
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(counts.get('sql')).toBe(1);
    expect(counts.get('sql.page')).toBe(24);
    expect(counts.get('cursor.close')).toBeUndefined(); // the server closed it after the last page
    expect(progress.at(-1)).toBe(2500);
  });

  it('an early break frees the server cursor (one RESOURCE_CLOSE; the id is gone afterwards)', async () => {
    const t = await table('Early', 'CREATE TABLE $T (id INT PRIMARY KEY, v INT)');
    await client.sql(`INSERT INTO ${t} (id, v) SELECT x, x FROM SYSTEM_RANGE(1, 1000)`);
    const probe = (id: bigint) =>
      client._request(
        Op.QUERY_SQL_FIELDS_CURSOR_GET_PAGE,
        (w) => w.writeInt64(id),
        () => 1,
      );

    // control: a cursor left open still answers a page request
    const open = await client.sql(`SELECT id FROM ${t}`, { pageSize: 10 });
    expect(await probe(open.id)).toBe(1);
    await open.close();

    const cursor = await client.sql(`SELECT id FROM ${t}`, { pageSize: 10 });
    const [seen, counts] = await countOps(async () => {
      let n = 0;
      for await (const _ of cursor) if (++n === 5) break;
      return n;
    });
    expect(seen).toBe(5);
    expect(counts.get('cursor.close')).toBe(1);
    const err = await probe(cursor.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheError);
    expect((err as CacheError).status).toBe(1011); // RESOURCE_DOES_NOT_EXIST
  });

  it('DML returns the update count; statementType is enforced by the server', async () => {
    const t = await table('Dml', 'CREATE TABLE $T (id INT PRIMARY KEY, n INT)');
    const inserted = await (
      await client.sql(`INSERT INTO ${t} (id, n) VALUES (?, ?), (?, ?)`, { queryArgs: [1, 10, 2, 20] })
    ).getAll();
    expect(inserted).toEqual([[2]]);
    const updated = await (
      await client.sql(`UPDATE ${t} SET n = n + 1 WHERE id = ?`, { queryArgs: [2] })
    ).getAll();
    expect(updated).toEqual([[1]]);
    expect(await (await client.sql(`SELECT n FROM ${t} ORDER BY id`)).getAll()).toEqual([[10], [21]]);
    await expect(
      client.sql(`SELECT * FROM ${t}`, { statementType: StatementType.UPDATE }),
    ).rejects.toBeInstanceOf(SQLError);
  });

  it("bad SQL is a typed SQLError carrying the server's message", async () => {
    const err = await client.sql('SELEC nonsense FROM nowhere').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SQLError);
    expect((err as SQLError).message).toMatch(/syntax error/i);
    const missing = await client.sql(`SELECT * FROM NoSuchTable_${tag}`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SQLError);
    expect((missing as SQLError).message).toMatch(new RegExp(`NOSUCHTABLE_${tag}`, 'i'));
  });
});

describe('cache.sql and cache.selectRow', () => {
  it("query the cache's own schema and value type, returning typed objects", async () => {
    const Person = defineType(`SqlRowPerson${tag}`, { name: StringObject, age: IntObject });
    const cache = await client.createCache({
      [PROP_NAME]: `sqlpeople_${tag}`,
      [PROP_SQL_SCHEMA]: `S${tag}`,
      [PROP_QUERY_ENTITIES]: [
        {
          table_name: 'PEOPLE',
          key_type_name: 'java.lang.Long',
          key_field_name: 'ID',
          value_type_name: `SqlRowPerson${tag}`,
          query_fields: [
            { name: 'ID', type_name: 'java.lang.Long', is_key_field: true },
            { name: 'name', type_name: 'java.lang.String' },
            { name: 'age', type_name: 'java.lang.Integer' },
          ],
        },
      ],
    });
    await cache.put(1, new Person({ name: 'Ada', age: 36 }));
    await cache.put(2, new Person({ name: 'Linus', age: 28 }));
    // no schema named: the cache's schema is used
    expect(await (await cache.sql('SELECT name FROM PEOPLE ORDER BY ID')).getAll()).toEqual([
      ['Ada'],
      ['Linus'],
    ]);
    const rows: [unknown, unknown][] = [];
    for await (const entry of cache.selectRow('age > ?', { queryArgs: [30] })) rows.push(entry);
    expect(rows.length).toBe(1);
    expect(rows[0]![0]).toBe(1);
    expect(rows[0]![1]).toBeInstanceOf(Person);
    expect((rows[0]![1] as { name: string }).name).toBe('Ada');
  });
});
