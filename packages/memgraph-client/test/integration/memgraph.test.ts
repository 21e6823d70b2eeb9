import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestEndEvent, type RequestStartEvent } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  CancelledError,
  ClientError,
  CypherSyntaxError,
  type Driver,
  DriverError,
  GraphDatabase,
  isConflictError,
  Node,
  Path,
  READ_ACCESS,
  Relationship,
  RoutingControl,
  retryOnConflict,
  runConcurrentTransactions,
  SessionError,
  TimeoutError,
  TransactionError,
  toPlain,
  unitOfWork,
} from '../../src/index.js';
import {
  detectServer,
  dockerMode,
  externalAuthConfigured,
  type ServerKind,
  skipWithReason,
} from './server-kind.js';

// Against the real Bolt server ('bolt': Neo4j 5.26 standing in for Memgraph, auth off; 'bolt-auth':
// auth on; in docker mode, MEMGRAPH_URL's real Memgraph). Where the two servers differ (index DDL,
// batched implicit transactions, admin commands, error codes) a test uses the syntax of the server it
// detected. Every test labels its nodes with a per-run label and deletes them.

holdServerLock('bolt');

let url: string;
let driver: Driver;
let server: ServerKind;
/** The default database: `memgraph` on Memgraph, `neo4j` on the stand-in. */
let db: string;
const L = `T${process.pid}`;

beforeAll(async () => {
  url = (await useServer('bolt')).url as string;
  driver = GraphDatabase.driver(url, { auth: ['', ''] });
  await driver.verifyConnectivity();
  server = await detectServer(driver);
  db = server === 'memgraph' ? 'memgraph' : 'neo4j';
}, 300_000);

afterAll(async () => {
  await driver?.executeQuery(`MATCH (n:${L}) DETACH DELETE n`).catch(() => {});
  await driver?.close();
});

beforeEach(async () => {
  await clean();
});

async function count(where = ''): Promise<number> {
  const { records } = await driver.executeQuery(`MATCH (n:${L}) ${where} RETURN count(n) AS c`);
  return records[0]!.get('c') as number;
}

async function clean(): Promise<void> {
  await driver.executeQuery(`MATCH (n:${L}) DETACH DELETE n`);
}

/** Runs `fn` and returns the diagnostics `start` events this package published meanwhile. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<RequestStartEvent[]> {
  const starts: RequestStartEvent[] = [];
  const onStart = (m: unknown) => {
    if ((m as RequestStartEvent).database === 'memgraph') starts.push(m as RequestStartEvent);
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  try {
    await fn();
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  }
  return starts;
}

/** A query that runs for seconds on both servers without building a huge list in memory. */
const SLOW =
  'UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b WITH a WHERE a < 0 RETURN count(a) AS c';

describe('connecting', () => {
  it('without authentication: empty user and password, verifyConnectivity, server info', async () => {
    const info = await driver.getServerInfo();
    expect(info.agent).toMatch(/^(Neo4j|Memgraph)\//);
    expect(info.address).toBe(url.replace('bolt://', ''));
  });

  it('with authentication: right credentials work, wrong ones are an AuthError with the server code', async (ctx) => {
    if (dockerMode && !externalAuthConfigured) {
      skipWithReason(
        ctx,
        "docker-compose's Memgraph runs without auth; set BOLT_AUTH_URL (or BOLT_USER/BOLT_PASSWORD) to test it",
      );
    }
    const auth = await useServer('bolt-auth');
    const user = auth.username as string;
    const password = auth.password as string;
    await using good = GraphDatabase.driver(auth.url as string, { auth: [user, password] });
    const { records } = await good.executeQuery('RETURN 1 AS one');
    expect(records[0]!.get('one')).toBe(1);
    await using bad = GraphDatabase.driver(auth.url as string, { auth: [user, 'wrong-password'] });
    const started = Date.now();
    const err = await bad.executeQuery('RETURN 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toMatch(/^(Neo|Memgraph)\.ClientError\.Security\./);
    expect((err as Error).message).not.toContain('wrong-password');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 300_000);

  it('impersonation where the server does not support it: a typed ClientError, no hang', async () => {
    const err = await driver.executeQuery('RETURN 1', {}, { impersonatedUser: 'somebody' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Neo4j Community (like Memgraph without the privilege) refuses impersonation.
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toMatch(/ClientError/);
    const session = driver.session({ impersonatedUser: 'somebody' });
    const err2 = await session.run('RETURN 1').catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ClientError);
    await session.close();
  });

  it('a closed driver and a closed session fail with usage errors before any I/O', async () => {
    const d = GraphDatabase.driver(url);
    const s = d.session();
    await s.close();
    // No request may start: the diagnostics channel sees none.
    const requests = await requestsDuring(async () => {
      await expect(s.run('RETURN 1')).rejects.toBeInstanceOf(SessionError);
      await d.close();
      await expect(d.executeQuery('RETURN 1')).rejects.toBeInstanceOf(DriverError);
      await expect(d.verifyConnectivity()).rejects.toBeInstanceOf(DriverError);
    });
    expect(requests).toHaveLength(0);
  });
});

describe('executeQuery', () => {
  it('returns records, keys and a summary with the query counters of a write', async () => {
    const { records, summary, keys } = await driver.executeQuery(
      `CREATE (a:${L}:Person {name: $name, age: $age})-[:KNOWS {since: 2020}]->(b:${L}:Person {name: 'Bob'}) RETURN a.name AS name`,
      { name: 'Alice', age: 30 },
      { database: db },
    );
    expect(keys).toEqual(['name']);
    expect(records.map((r) => r.get('name'))).toEqual(['Alice']);
    expect(summary.counters).toMatchObject({
      nodesCreated: 2,
      relationshipsCreated: 1,
      propertiesSet: 4,
      labelsAdded: 4,
      nodesDeleted: 0,
      containsUpdates: true,
    });
    expect(summary.queryType).toBe('rw');
    expect(summary.query).toContain('CREATE');

    const read = await driver.executeQuery(`MATCH (n:${L}) RETURN n`, {}, { routing: RoutingControl.READ });
    expect(read.records).toHaveLength(2);
    expect(read.summary.counters.containsUpdates).toBe(false);
    expect(read.summary.queryType).toBe('r');

    const del = await driver.executeQuery(
      `MATCH (n:${L} {name: 'Bob'}) SET n.x = 1 REMOVE n:Person DETACH DELETE n`,
    );
    expect(del.summary.counters).toMatchObject({
      nodesDeleted: 1,
      relationshipsDeleted: 1,
      propertiesSet: 1,
      labelsRemoved: 1,
    });
    // Index DDL: Memgraph's syntax differs and it refuses DDL inside an explicit transaction, so
    // both run as implicit transactions.
    const [create, drop] =
      server === 'memgraph'
        ? [`CREATE INDEX ON :${L}(name)`, `DROP INDEX ON :${L}(name)`]
        : [`CREATE INDEX idx_${L} IF NOT EXISTS FOR (n:${L}) ON (n.name)`, `DROP INDEX idx_${L}`];
    await using session = driver.session();
    const idx = await (await session.run(create)).consume();
    expect(idx.counters.indexesAdded).toBe(1);
    const dropIdx = await (await session.run(drop)).consume();
    expect(dropIdx.counters.indexesRemoved).toBe(1);
    await clean();
  });

  it('bad Cypher is a CypherSyntaxError with the server code; nothing is retried', async () => {
    let err: unknown;
    const requests = await requestsDuring(async () => {
      err = await driver.executeQuery('RETRUN 1').catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(CypherSyntaxError);
    expect((err as CypherSyntaxError).code).toBe(
      server === 'memgraph'
        ? 'Memgraph.ClientError.MemgraphError.MemgraphError'
        : 'Neo.ClientError.Statement.SyntaxError',
    );
    expect((err as CypherSyntaxError).retryable).toBe(false);
    // Exactly one RUN went out: a syntax error is not retried.
    expect(requests.map((r) => r.operation)).toEqual(['executeQuery']);
    // The caller's frame is on the stack even though the error was born in a socket callback.
    expect((err as Error).stack).toContain('memgraph.test.ts');
  });

  it('a READ routed query cannot write (access mode reaches the server)', async () => {
    const err = await driver
      .executeQuery(`CREATE (:${L})`, {}, { routing: RoutingControl.READ })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(await count()).toBe(0);
  });

  it('client-side timeout and AbortSignal: TimeoutError / CancelledError promptly', async () => {
    const slow = SLOW;
    let started = Date.now();
    const t = await driver.executeQuery(slow, {}, { timeout: 0.3 }).catch((e: unknown) => e);
    expect(t).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    started = Date.now();
    const c = await driver.executeQuery(slow, {}, { signal: ac.signal }).catch((e: unknown) => e);
    expect(c).toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('results', () => {
  it('Node, Relationship and Path have the seed shapes', async () => {
    const { records } = await driver.executeQuery(
      `CREATE p = (a:${L} {name: 'A', n: 1})-[r:KNOWS {since: 2020}]->(b:${L} {name: 'B'})-[:LIKES]->(c:${L} {name: 'C'}) RETURN a, r, p`,
    );
    const a = records[0]!.get('a') as Node;
    expect(a).toBeInstanceOf(Node);
    expect(a.labels).toEqual([L]);
    expect(a.get('name')).toBe('A');
    expect(a.properties).toEqual({ name: 'A', n: 1 });
    expect(typeof a.elementId).toBe('string');
    const r = records[0]!.get('r') as Relationship;
    expect(r).toBeInstanceOf(Relationship);
    expect(r.type).toBe('KNOWS');
    expect(r.get('since')).toBe(2020);
    expect(r.startNodeElementId).toBe(a.elementId);
    const p = records[0]!.get('p') as Path;
    expect(p).toBeInstanceOf(Path);
    expect(p.start.elementId).toBe(a.elementId);
    expect(p.nodes.map((n) => n.get('name'))).toEqual(['A', 'B', 'C']);
    expect(p.relationships.map((x) => x.type)).toEqual(['KNOWS', 'LIKES']);
    expect(p.segments).toHaveLength(2);
    expect(records[0]!.toObject().a).toBe(a);
    const plain = JSON.parse(JSON.stringify(toPlain(records[0]!))) as { a: { properties: object } };
    expect(plain.a.properties).toEqual({ name: 'A', n: 1 });
    await clean();
  });

  it('integers: numbers up to ±(2^53 - 1), bigint beyond, both ways, exact', async () => {
    const { records } = await driver.executeQuery(
      'RETURN $max AS max, $min AS min, $above AS above, $below AS below, 9223372036854775807 AS i64, -9223372036854775807 - 1 AS i64min, $whole AS whole, valueType($whole) AS wt, 1.5 AS f',
      {
        max: Number.MAX_SAFE_INTEGER,
        min: Number.MIN_SAFE_INTEGER,
        above: 2n ** 53n,
        below: -(2n ** 53n) - 1n,
        whole: 7,
      },
    );
    const r = records[0]!;
    expect(r.get('max')).toBe(9007199254740991);
    expect(r.get('min')).toBe(-9007199254740991);
    expect(r.get('above')).toBe(9007199254740992n);
    expect(r.get('below')).toBe(-9007199254740993n);
    expect(r.get('i64')).toBe(9223372036854775807n);
    expect(r.get('i64min')).toBe(-9223372036854775808n);
    expect(r.get('whole')).toBe(7);
    expect(r.get('wt')).toMatch(/^INTEGER/); // a whole JS number is sent as a Bolt integer, not a float
    expect(r.get('f')).toBe(1.5);

    await using big = GraphDatabase.driver(url, { useBigInt: true });
    const b = await big.executeQuery('RETURN 1 AS one, $x AS x', { x: 2 });
    expect(b.records[0]!.get('one')).toBe(1n);
    expect(b.records[0]!.get('x')).toBe(2n);
  });

  it('temporal and spatial values come back as neo4j-driver maps them', async () => {
    const { records } = await driver.executeQuery(
      "RETURN date('2024-05-06') AS d, datetime('2024-05-06T07:08:09Z') AS dt, duration('P1DT2H') AS du, point({x: 1.5, y: 2.5}) AS p",
    );
    const r = records[0]!;
    expect(String(r.get('d'))).toBe('2024-05-06');
    // Neo4j sends a UTC offset; Memgraph may send a zone id (…Z[Etc/UTC]): the instant is the same.
    expect(String(r.get('dt'))).toMatch(/^2024-05-06T07:08:09Z/);
    expect(String(r.get('du'))).toBe('P0M1DT7200S');
    expect(toPlain(r.get('p'))).toEqual({ srid: 7203, x: 1.5, y: 2.5 });
  });

  it('streams 100k records as an async iterable, every record exactly once, and collects them too', async () => {
    await using session = driver.session({ fetchSize: 5000 });
    const result = await session.run('UNWIND range(1, 100000) AS i RETURN i');
    expect(result.keys()).toEqual(['i']);
    let n = 0;
    let sum = 0;
    for await (const record of result) {
      n++;
      sum += record.get('i') as number;
    }
    expect(n).toBe(100_000);
    expect(sum).toBe((100_000 * 100_001) / 2);
    const eager = await (await session.run('UNWIND range(1, 100000) AS i RETURN i')).collect();
    expect(eager.records).toHaveLength(100_000);
    // A result can be read once.
    await expect(result.collect()).rejects.toMatchObject({ code: 'ERR_RESULT_CONSUMED' });
  });

  it('stopping a stream early releases the session for the next query', async () => {
    await using session = driver.session({ fetchSize: 100 });
    const result = await session.run('UNWIND range(1, 100000) AS i RETURN i');
    let n = 0;
    for await (const _ of result) if (++n === 10) break;
    expect(n).toBe(10);
    const next = await (await session.run('RETURN 2 AS two')).single();
    expect(next?.get('two')).toBe(2);
  });
});

describe('sessions and transactions', () => {
  it('managed transactions: executeWrite commits, executeRead reads, extra arguments pass through', async () => {
    await using session = driver.session({ database: 'neo4j' });
    const created = await session.executeWrite(
      async (tx, name: string, age: number) => {
        const result = await tx.run(`CREATE (n:${L} {name: $name, age: $age}) RETURN n`, { name, age });
        return (await result.collect()).summary.counters.nodesCreated;
      },
      'Alice',
      33,
    );
    expect(created).toBe(1);
    const ages = await session.executeRead(async (tx) => {
      const result = await tx.run(`MATCH (n:${L}) RETURN n.age AS age`);
      return (await result.data()).map((row) => row.age);
    });
    expect(ages).toEqual([33]);
    // A READ transaction refuses writes.
    const err = await session.executeRead((tx) => tx.run(`CREATE (:${L})`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    await clean();
  });

  it('a failing transaction function rolls back and its error comes out unchanged, run once', async () => {
    await using session = driver.session();
    let calls = 0;
    const boom = new Error('application says no');
    const err = await session
      .executeWrite(async (tx) => {
        calls++;
        await tx.run(`CREATE (:${L})`);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(calls).toBe(1);
    expect(await count()).toBe(0);
  });

  // That the timeout also reaches the server (BEGIN's tx_timeout) is a contract test; here: the bound.
  it('unitOfWork timeout bounds a managed transaction: TimeoutError within seconds', async () => {
    await using session = driver.session();
    const slow = unitOfWork({ timeout: 0.5 })((tx) => tx.run(SLOW));
    const started = Date.now();
    const err = await session.executeRead(slow).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('explicit transactions: commit keeps, rollback discards, a finished transaction refuses more', async () => {
    await using session = driver.session();
    const tx = await session.beginTransaction();
    await tx.run(`CREATE (:${L} {v: 1})`);
    await tx.run(`CREATE (:${L} {v: 2})`);
    await tx.commit();
    expect(await count()).toBe(2);
    await expect(tx.run('RETURN 1')).rejects.toBeInstanceOf(TransactionError);

    const tx2 = await session.beginTransaction();
    await tx2.run(`CREATE (:${L} {v: 3})`);
    // One transaction at a time per session.
    await expect(session.run('RETURN 1')).rejects.toMatchObject({ code: 'ERR_SESSION_BUSY' });
    await tx2.rollback();
    expect(await count()).toBe(2);

    {
      await using tx3 = await session.beginTransaction();
      await tx3.run(`CREATE (:${L} {v: 4})`);
      // leaving the block without commit rolls back
    }
    expect(await count()).toBe(2);
    await clean();
  });

  it('implicit transactions: session.run, batched commits (PERIODIC COMMIT / IN TRANSACTIONS), READ_ACCESS sessions', async () => {
    await using session = driver.session();
    const result = await session.run(
      server === 'memgraph'
        ? `USING PERIODIC COMMIT 100 UNWIND range(1, 1000) AS i CREATE (:${L} {i: i})`
        : `UNWIND range(1, 1000) AS i CALL { WITH i CREATE (:${L} {i: i}) } IN TRANSACTIONS OF 100 ROWS`,
    );
    const summary = await result.consume();
    expect(summary.counters.nodesCreated).toBe(1000);
    expect(await count()).toBe(1000);
    await using reader = driver.session({ defaultAccessMode: READ_ACCESS });
    const single = await (await reader.run(`MATCH (n:${L}) RETURN count(n) AS c`)).single();
    expect(single?.get('c')).toBe(1000);
    await clean();
  });

  it('a database that does not exist: a typed ClientError', async () => {
    const err = await driver.executeQuery('RETURN 1', {}, { database: 'nosuchdb' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    // Neo4j names the failure; Memgraph sends its generic code (unknown database, or no licence).
    expect((err as ClientError).code).toMatch(
      server === 'memgraph' ? /^Memgraph\.ClientError\./ : /DatabaseNotFound/,
    );
  });

  it('listDatabases reads SHOW DATABASES; createDatabase failures are typed', async () => {
    // Neo4j runs admin commands against `system`; Memgraph needs no database option.
    const admin = server === 'memgraph' ? {} : { database: 'system' };
    expect(await driver.listDatabases(admin)).toContain(db);
    const created = await driver.createDatabase('tenant_x', admin).then(
      () => true,
      (e: unknown) => e,
    );
    if (created === true) {
      // Memgraph Enterprise: the database exists until dropped.
      expect(await driver.listDatabases(admin)).toContain('tenant_x');
      await driver.dropDatabase('tenant_x', admin);
      expect(await driver.listDatabases(admin)).not.toContain('tenant_x');
    } else {
      // Neo4j Community, like Memgraph without a licence, has one database.
      expect(created).toBeInstanceOf(ClientError);
    }
  });
});

describe('conflicts and concurrency', () => {
  /** Two transactions lock two nodes in opposite order: the server detects a deadlock in one of them. */
  async function deadlockPair(
    run: (first: string, second: string, barrier: () => Promise<void>) => Promise<number>,
  ): Promise<number[]> {
    await driver.executeQuery(`CREATE (:${L} {k: 'a', v: 0}), (:${L} {k: 'b', v: 0})`);
    let arrived = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let used = false;
    const barrier = async () => {
      if (used) return; // only the first attempts meet
      arrived++;
      if (arrived === 2) {
        used = true;
        release();
      }
      await Promise.race([gate, new Promise((r) => setTimeout(r, 5_000))]);
    };
    return Promise.all([run('a', 'b', barrier), run('b', 'a', barrier)]);
  }

  // Neo4j detects a deadlock; Memgraph (no locks, first writer wins) refuses the second writer with
  // "Cannot resolve conflicting transactions". Either way a real conflict the helpers must retry.
  it('retryOnConflict completes both transactions of a real deadlock / write-write conflict', async () => {
    const conflicts: unknown[] = [];
    const attempts = await deadlockPair(async (first, second, barrier) => {
      await using session = driver.session();
      let n = 0;
      await retryOnConflict(
        session,
        async (tx) => {
          n++;
          await tx.run(`MATCH (n:${L} {k: $k}) SET n.v = n.v + 1`, { k: first });
          await barrier();
          await tx.run(`MATCH (n:${L} {k: $k}) SET n.v = n.v + 1`, { k: second });
        },
        {
          maxRetries: 10,
          initialRetryDelay: 0.05,
          backoffFactor: 1.5,
          jitter: 0.2,
          onRetry: (e) => conflicts.push(e),
        },
      );
      return n;
    });
    expect(conflicts.length).toBeGreaterThanOrEqual(1);
    expect(conflicts.every(isConflictError)).toBe(true);
    expect(attempts[0]! + attempts[1]!).toBe(2 + conflicts.length);
    const { records } = await driver.executeQuery(`MATCH (n:${L}) RETURN n.k AS k, n.v AS v ORDER BY k`);
    expect(records.map((r) => [r.get('k'), r.get('v')])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    await clean();
  });

  it('executeWrite retries a real deadlock / write-write conflict on its own and both transactions commit once', async () => {
    const attempts = await deadlockPair(async (first, second, barrier) => {
      await using session = driver.session();
      let n = 0;
      await session.executeWrite(async (tx) => {
        n++;
        await tx.run(`MATCH (n:${L} {k: $k}) SET n.v = n.v + 1`, { k: first });
        await barrier();
        await tx.run(`MATCH (n:${L} {k: $k}) SET n.v = n.v + 1`, { k: second });
      });
      return n;
    });
    expect(attempts[0]! + attempts[1]!).toBeGreaterThanOrEqual(3);
    const { records } = await driver.executeQuery(`MATCH (n:${L}) RETURN sum(n.v) AS total`);
    expect(records[0]!.get('total')).toBe(4);
    await clean();
  });

  it('runConcurrentTransactions: every chunk committed exactly once by 4 sessions, progress reported to the end', async () => {
    await driver.executeQuery(`CREATE (:${L} {k: 'counter', v: 0})`);
    const chunks = Array.from({ length: 20 }, (_, i) => Array.from({ length: 50 }, (_, j) => i * 50 + j));
    const progress: number[] = [];
    const result = await runConcurrentTransactions(
      driver,
      chunks,
      async (tx, chunk) => {
        await tx.run(`UNWIND $ids AS id CREATE (:${L} {id: id})`, { ids: chunk });
        // Every chunk also touches one shared node: concurrent writers contend for it.
        await tx.run(`MATCH (c:${L} {k: 'counter'}) SET c.v = c.v + 1`);
      },
      { concurrency: 4, maxRetries: 50, initialRetryDelay: 0.01, onProgress: (p) => progress.push(p.done) },
    );
    expect(result.completed).toBe(20);
    expect(await count('WHERE n.id IS NOT NULL')).toBe(1000);
    const { records } = await driver.executeQuery(`MATCH (c:${L} {k: 'counter'}) RETURN c.v AS v`);
    expect(records[0]!.get('v')).toBe(20);
    // Reports are throttled (core ProgressTracker), never go backwards, and the last one says 20 of 20.
    expect(progress.at(-1)).toBe(20);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await clean();
  });
});

describe('diagnostics', () => {
  it('publishes one start and one end per request, with operation and host, never the query', async () => {
    const starts: RequestStartEvent[] = [];
    const ends: RequestEndEvent[] = [];
    const onStart = (m: unknown) => starts.push(m as RequestStartEvent);
    const onEnd = (m: unknown) => ends.push(m as RequestEndEvent);
    const onError = (m: unknown) => ends.push(m as RequestEndEvent);
    subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
    subscribe(DIAGNOSTICS_CHANNELS.end, onEnd);
    subscribe(DIAGNOSTICS_CHANNELS.error, onError);
    try {
      await driver.executeQuery('RETURN $secret AS s', { secret: 'top-secret-value' });
      await driver.executeQuery('RETRUN 1').catch(() => {});
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
      unsubscribe(DIAGNOSTICS_CHANNELS.end, onEnd);
      unsubscribe(DIAGNOSTICS_CHANNELS.error, onError);
    }
    const mine = starts.filter((s) => s.database === 'memgraph');
    // executeQuery = RUN+PULL, then COMMIT; the failed one = RUN only.
    expect(mine.map((s) => s.operation)).toEqual(['executeQuery', 'executeQuery.commit', 'executeQuery']);
    expect(mine.every((s) => s.host === url.replace('bolt://', ''))).toBe(true);
    expect(ends.filter((e) => mine.some((s) => s.requestId === e.requestId))).toHaveLength(3);
    const failed = ends.find((e) => 'errorCode' in e) as { errorCode?: string } | undefined;
    expect(failed?.errorCode).toBe(
      server === 'memgraph'
        ? 'Memgraph.ClientError.MemgraphError.MemgraphError'
        : 'Neo.ClientError.Statement.SyntaxError',
    );
    const text = JSON.stringify([...starts, ...ends]);
    expect(text).not.toContain('top-secret-value');
    expect(text).not.toContain('RETURN');
  });
});
