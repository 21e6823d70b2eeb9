/**
 * The @dbwire/memgraph-client quickstart: the seed's (Python Neo4j driver against Memgraph) walkthrough
 * in TypeScript, against the local 'bolt' server (Neo4j standing in for Memgraph; MEMGRAPH_URL points
 * it at a real Memgraph): connect, create, read with a property map, process nodes, relationships and
 * paths, a managed transaction, an explicit transaction that rolls back, an implicit streaming query,
 * and concurrent writers with conflict retries. Nodes carry a per-run label and are deleted at the end.
 */
import {
  GraphDatabase,
  type ManagedTransaction,
  RoutingControl,
  runConcurrentTransactions,
} from '@dbwire/memgraph-client';
import { useServer } from '@dbwire/test-servers';

export async function run(log: (s: string) => void): Promise<void> {
  const info = await useServer('bolt');
  const URI = info.url as string;
  const P = `DemoPerson${process.pid}`;

  // --- Connect without authentication (Memgraph's default)
  await using driver = GraphDatabase.driver(URI, { auth: ['', ''] });
  const server = await driver.getServerInfo();
  log(`connected to ${server.agent} at ${server.address} (Bolt ${server.protocolVersion})`);
  try {
    // --- Run a create query, with a property map
    const created = await driver.executeQuery(
      `CREATE (a:${P} {name: $name, age: $age})-[:KNOWS {since: 2015}]->(b:${P} {name: $friend, age: 35})`,
      { name: 'John', age: 31, friend: 'Mike' },
    );
    const c = created.summary.counters;
    log(
      `created ${c.nodesCreated} nodes, ${c.relationshipsCreated} relationship, ${c.propertiesSet} properties`,
    );

    // --- Run a read query; process the Node result
    const { records, summary } = await driver.executeQuery(
      `MATCH (n:${P}) RETURN n ORDER BY n.name`,
      {},
      { routing: RoutingControl.READ },
    );
    for (const record of records) {
      const node = record.get('n');
      log(`node ${node.labels} name=${node.get('name')} age=${node.get('age')}`);
    }
    log(`query type ${summary.queryType}, first record after ${summary.resultAvailableAfter} ms`);

    // --- Relationship and Path results
    const rel = await driver.executeQuery(`MATCH p = (:${P})-[r:KNOWS]->(:${P}) RETURN r, p`);
    const r = rel.records[0]?.get('r');
    const p = rel.records[0]?.get('p');
    log(`relationship ${r.type} since ${r.get('since')}`);
    log(`path ${p.nodes.map((n: { get(k: string): unknown }) => n.get('name')).join(' -> ')}`);

    // --- Integers never lose precision
    const big = await driver.executeQuery('RETURN $x AS x, 9007199254740993 AS y', { x: 2n ** 60n });
    log(
      `integers: ${big.records[0]?.get('x')} (${typeof big.records[0]?.get('x')}), ${big.records[0]?.get('y')}`,
    );

    // --- Managed transactions
    await using session = driver.session();
    const setAge = async (tx: ManagedTransaction, name: string, age: number) => {
      const result = await tx.run(`MATCH (n:${P} {name: $name}) SET n.age = $age RETURN n.age AS age`, {
        name,
        age,
      });
      return (await result.single())?.get('age');
    };
    log(`executeWrite set John's age to ${await session.executeWrite(setAge, 'John', 32)}`);

    // --- Explicit transaction that rolls back
    const tx = await session.beginTransaction();
    try {
      await tx.run(`MATCH (n:${P} {name: 'John'}) SET n.age = 0`);
      await tx.rollback();
    } finally {
      await tx.close();
    }
    const john = await driver.executeQuery(`MATCH (n:${P} {name: 'John'}) RETURN n.age AS age`);
    log(`after rollback John is still ${john.records[0]?.get('age')}`);

    // --- Implicit transaction, records streamed
    let sum = 0;
    for await (const record of await session.run('UNWIND range(1, 10000) AS i RETURN i'))
      sum += record.get('i');
    log(`streamed 10000 records, sum ${sum}`);

    // --- Concurrent transactions with conflict retries
    await driver.executeQuery(`CREATE (:${P} {name: 'counter', value: 0})`);
    const chunks = Array.from({ length: 8 }, (_, i) => Array.from({ length: 100 }, (_, j) => i * 100 + j));
    const done = await runConcurrentTransactions(
      driver,
      chunks,
      async (t, chunk) => {
        await t.run(`UNWIND $ids AS id CREATE (:${P} {item: id})`, { ids: chunk });
        await t.run(`MATCH (c:${P} {name: 'counter'}) SET c.value = c.value + 1`);
      },
      { concurrency: 4, maxRetries: 50, initialRetryDelay: 0.01 },
    );
    const counter = await driver.executeQuery(`MATCH (c:${P} {name: 'counter'}) RETURN c.value AS v`);
    log(
      `${done.completed} chunks by 4 sessions, ${done.conflictsRetried} conflicts retried, counter = ${counter.records[0]?.get('v')}`,
    );
  } finally {
    await driver.executeQuery(`MATCH (n:${P}) DETACH DELETE n`).catch(() => {});
  }
}
