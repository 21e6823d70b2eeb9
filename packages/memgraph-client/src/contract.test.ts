import { Neo4jError as DriverNeo4jError, int, Record, ResultSummary } from 'neo4j-driver-lite';
import { describe, expect, it } from 'vitest';
import { retryOnConflict } from './concurrency.js';
import { Driver } from './driver.js';
import {
  AuthError,
  ClientError,
  ConfigurationError,
  CypherSyntaxError,
  IncompleteCommit,
  isConflictError,
  isRetryableError,
  SessionExpired,
  TransientError,
} from './errors.js';
import { type DriverLike, Funnel } from './funnel.js';
import { type ManagedTransaction, unitOfWork } from './session.js';

/*
 * Memgraph-only behaviour, by contract: a test double stands where neo4j-driver's Driver would, and
 * feeds the client the exact codes, messages and result shapes Memgraph sends (protocols.md §4).
 * Everything else is tested against the real Bolt server in test/integration.
 */

const MG_TRANSIENT = 'Memgraph.TransientError.MemgraphError.MemgraphError';
const MG_CLIENT = 'Memgraph.ClientError.MemgraphError.MemgraphError';
const CONFLICT =
  'Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction is finished';
const SERIALIZATION =
  'Unable to commit due to serialization error. Try retrying this transaction when the conflicting transaction is finished.';

function mgError(message: string, code: string): DriverNeo4jError {
  return new DriverNeo4jError(message, code, '50N42', 'general processing exception');
}

/** A result as neo4j-driver hands it out: thenable, async-iterable, with keys() and summary(). */
function fakeResult(query: string, keys: string[], rows: unknown[][], failure?: Error) {
  const records = rows.map((r) => new Record(keys, r));
  const summary = new ResultSummary(query, {}, { type: 'r' }, 5.2);
  const settled = failure ? Promise.reject(failure) : Promise.resolve({ records, summary });
  settled.catch(() => {});
  return {
    keys: () => (failure ? Promise.reject(failure) : Promise.resolve(keys)),
    summary: () => settled.then((r) => r.summary),
    // biome-ignore lint/suspicious/noThenProperty: neo4j-driver results are thenables
    then: (a: any, b: any) => settled.then(a, b),
    async *[Symbol.asyncIterator]() {
      const r = await settled;
      yield* r.records;
    },
  };
}

interface Script {
  /** Answers each RUN: a result or an error, in order of calls. */
  run: (query: string, params: any, call: number) => ReturnType<typeof fakeResult>;
  /** Answers each COMMIT. */
  commit?: (call: number) => Promise<void>;
}

/** The test double: records what the client asked for. */
function fakeDriver(script: Script) {
  const log = {
    runs: [] as string[],
    begins: 0,
    commits: 0,
    rollbacks: 0,
    sessions: [] as any[],
    txConfigs: [] as unknown[],
  };
  const driver = {
    session(config: any) {
      log.sessions.push(config);
      return {
        run(query: string, params: any) {
          log.runs.push(query);
          return script.run(query, params, log.runs.length);
        },
        beginTransaction(txConfig?: unknown) {
          log.begins++;
          log.txConfigs.push(txConfig);
          let open = true;
          const tx = {
            run(query: string, params: any) {
              log.runs.push(query);
              return script.run(query, params, log.runs.length);
            },
            async commit() {
              log.commits++;
              open = false;
              await script.commit?.(log.commits);
            },
            async rollback() {
              log.rollbacks++;
              open = false;
            },
            isOpen: () => open,
            async close() {
              open = false;
            },
          };
          return Object.assign(Promise.resolve(tx), tx);
        },
        async close() {},
      };
    },
    async close() {},
    async verifyConnectivity() {},
    async getServerInfo() {
      return { address: 'fake:7687', agent: 'Memgraph/3.2.0', protocolVersion: 5.2 };
    },
  };
  const retry = {
    maxTransactionRetryTime: 5,
    initialRetryDelay: 0.001,
    retryDelayMultiplier: 1,
    retryDelayJitterFactor: 0,
  };
  const funnel = new Funnel(driver as unknown as DriverLike, 'fake:7687', { useBigInt: false }, retry);
  return { driver: new Driver(funnel), log };
}

describe('Memgraph conflict rule', () => {
  it('conflict and serialization messages are conflicts and retried; other Memgraph transients are not', () => {
    expect(isConflictError(mgError(CONFLICT, MG_TRANSIENT))).toBe(true);
    expect(isConflictError(mgError(SERIALIZATION, MG_TRANSIENT))).toBe(true);
    expect(isRetryableError(mgError(SERIALIZATION, MG_TRANSIENT))).toBe(true);
    const terminated = mgError(
      'Transaction was asked to abort because of transaction timeout.',
      MG_TRANSIENT,
    );
    expect(isConflictError(terminated)).toBe(false);
    expect(isRetryableError(terminated)).toBe(false);
    const storage = mgError(
      'Cannot get shared access to the storage. Try stopping other queries.',
      MG_TRANSIENT,
    );
    expect(isConflictError(storage)).toBe(false);
    expect(isRetryableError(storage)).toBe(true);
    expect(isRetryableError(mgError('Invalid query.', MG_CLIENT))).toBe(false);
    expect(isConflictError(mgError('x', 'Neo.TransientError.Transaction.DeadlockDetected'))).toBe(true);
    expect(isRetryableError(mgError('x', 'Neo.TransientError.Transaction.Terminated'))).toBe(false);
  });

  it('executeQuery reruns the transaction on a conflict at COMMIT and succeeds', async () => {
    const { driver, log } = fakeDriver({
      run: (q) => fakeResult(q, ['x'], [[int(1)]]),
      commit: async (n) => {
        if (n < 3) throw mgError(SERIALIZATION, MG_TRANSIENT);
      },
    });
    const { records } = await driver.executeQuery('CREATE (n) RETURN 1 AS x');
    expect(records[0]!.get('x')).toBe(1);
    expect(log.begins).toBe(3);
    expect(log.commits).toBe(3);
  });

  it('a permanent error sent as Memgraph.TransientError is typed and NOT retried', async () => {
    const { driver, log } = fakeDriver({
      run: (q) =>
        fakeResult(
          q,
          [],
          [],
          mgError('Transaction was asked to abort because of transaction timeout.', MG_TRANSIENT),
        ),
    });
    const err = await driver.executeQuery('MATCH (n) RETURN n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).code).toBe(MG_TRANSIENT);
    expect((err as TransientError).retryable).toBe(false);
    expect(log.begins).toBe(1);
  });

  it('a conflict that arrives with the ClientError code is still a retryable TransientError', async () => {
    const { driver, log } = fakeDriver({
      run: (q, _p, n) =>
        n === 1 ? fakeResult(q, [], [], mgError(CONFLICT, MG_CLIENT)) : fakeResult(q, ['x'], [[1]]),
    });
    await driver.executeQuery('CREATE (n)');
    expect(log.begins).toBe(2);
  });

  it('a lost connection during COMMIT is IncompleteCommit and never retried', async () => {
    const { driver, log } = fakeDriver({
      run: (q) => fakeResult(q, ['x'], [[1]]),
      commit: async () => {
        throw new DriverNeo4jError(
          'Connection was closed by server',
          'SessionExpired',
          '08000',
          'connection',
        );
      },
    });
    const err = await driver.executeQuery('CREATE (n)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteCommit);
    expect((err as IncompleteCommit).code).toBe('ERR_INCOMPLETE_COMMIT');
    expect(log.commits).toBe(1);
    expect(log.begins).toBe(1);
  });

  it('a lost connection before COMMIT is retried', async () => {
    const { driver, log } = fakeDriver({
      run: (q, _p, n) =>
        n === 1
          ? fakeResult(q, [], [], new DriverNeo4jError('Connection reset', 'SessionExpired', '08000', 'c'))
          : fakeResult(q, ['x'], [[1]]),
    });
    await driver.executeQuery('CREATE (n)');
    expect(log.begins).toBe(2);
    expect(log.commits).toBe(1);
  });

  it('retryOnConflict reruns on conflicts only and rethrows anything else at once', async () => {
    const { driver, log } = fakeDriver({
      run: (q, _p, n) =>
        n <= 2 ? fakeResult(q, [], [], mgError(CONFLICT, MG_TRANSIENT)) : fakeResult(q, ['x'], [[1]]),
    });
    const session = driver.session();
    let attempts = 0;
    await retryOnConflict(
      session,
      async (tx) => {
        attempts++;
        await tx.run('CREATE (n)');
      },
      { maxRetries: 5, initialRetryDelay: 0.001, backoffFactor: 1, jitter: 0 },
    );
    expect(attempts).toBe(3);
    expect(log.commits).toBe(1);
    expect(log.rollbacks).toBe(2);

    attempts = 0;
    const storage = mgError('Cannot get shared access to the storage.', MG_TRANSIENT);
    const other = fakeDriver({ run: (q) => fakeResult(q, [], [], storage) });
    const err = await retryOnConflict(other.driver.session(), async (tx) => {
      attempts++;
      await tx.run('CREATE (n)');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(attempts).toBe(1);
    await session.close();
  });

  it('retryOnConflict gives up after maxRetries and rethrows the conflict', async () => {
    const { driver, log } = fakeDriver({
      run: (q) => fakeResult(q, [], [], mgError(CONFLICT, MG_TRANSIENT)),
    });
    const err = await retryOnConflict(driver.session(), (tx) => tx.run('CREATE (n)'), {
      maxRetries: 2,
      initialRetryDelay: 0,
    }).catch((e: unknown) => e);
    expect(isConflictError(err)).toBe(true);
    expect(log.begins).toBe(3);
  });
});

describe('Memgraph errors', () => {
  it('Memgraph.ClientError.Security.Unauthenticated is an AuthError with the server code', async () => {
    const { driver } = fakeDriver({
      run: (q) =>
        fakeResult(
          q,
          [],
          [],
          mgError('Authentication failure', 'Memgraph.ClientError.Security.Unauthenticated'),
        ),
    });
    const err = await driver.executeQuery('RETURN 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('Memgraph.ClientError.Security.Unauthenticated');
  });

  it('a Memgraph parse error (generic code, parser message) is a CypherSyntaxError, run once', async () => {
    const { driver, log } = fakeDriver({
      run: (q) =>
        fakeResult(q, [], [], mgError("line 1:0 mismatched input 'RETRUN' expecting <EOF>", MG_CLIENT)),
    });
    const err = await driver.executeQuery('RETRUN 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CypherSyntaxError);
    expect((err as ClientError).serverCode).toBe(MG_CLIENT);
    expect((err as Error).message).toContain('mismatched input');
    expect(log.begins).toBe(1);
  });

  it('any other Memgraph query error is a plain ClientError keeping code and message', async () => {
    const { driver } = fakeDriver({
      run: (q) => fakeResult(q, [], [], mgError('Unbound variable: x.', MG_CLIENT)),
    });
    const err = await driver.executeQuery('RETURN x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).not.toBeInstanceOf(CypherSyntaxError);
    expect((err as ClientError).serverCode).toBe(MG_CLIENT);
    expect((err as Error).message).toContain('Unbound variable');
  });

  it('session errors keep their type through a session', async () => {
    const { driver } = fakeDriver({
      run: (q) => fakeResult(q, [], [], new DriverNeo4jError('gone', 'SessionExpired', '08000', 'c')),
    });
    const session = driver.session();
    const err = await session.run('RETURN 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionExpired);
  });
});

describe('multi-tenancy', () => {
  it('USE DATABASE in a session pinned to a database is a UsageError before any I/O', async () => {
    const { driver, log } = fakeDriver({ run: (q) => fakeResult(q, [], []) });
    const session = driver.session({ database: 'tenant1' });
    const err = await session.run('USE DATABASE tenant2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).code).toBe('ERR_USE_DATABASE');
    const inTx = await driver.executeQuery('USE DATABASE tenant2').catch((e: unknown) => e);
    expect((inTx as ConfigurationError).code).toBe('ERR_USE_DATABASE');
    expect(log.runs).toEqual([]);
    // Without a pinned database, an implicit transaction may switch.
    await driver.session().run('USE DATABASE tenant2');
    expect(log.runs).toEqual(['USE DATABASE tenant2']);
  });

  it('the database option reaches the driver session; bookmarks are never passed on', async () => {
    const { driver, log } = fakeDriver({ run: (q) => fakeResult(q, ['x'], [[1]]) });
    await driver.executeQuery('RETURN 1 AS x', {}, { database: 'tenant1', routing: 'READ' });
    expect(log.sessions[0]).toMatchObject({ database: 'tenant1', defaultAccessMode: 'READ', bookmarks: [] });
  });

  it('listDatabases reads the Name column of SHOW DATABASES; create/drop send the Cypher', async () => {
    const { driver, log } = fakeDriver({
      run: (q) =>
        q === 'SHOW DATABASES' ? fakeResult(q, ['Name'], [['memgraph'], ['tenant1']]) : fakeResult(q, [], []),
    });
    expect(await driver.listDatabases()).toEqual(['memgraph', 'tenant1']);
    await driver.createDatabase('tenant2');
    await driver.dropDatabase('tenant2', { force: true });
    expect(log.runs).toEqual(['SHOW DATABASES', 'CREATE DATABASE tenant2', 'DROP DATABASE tenant2 FORCE']);
    expect(log.begins).toBe(0); // info and multi-database queries run in implicit transactions
    const bad = await driver.createDatabase('x; MATCH (n) DETACH DELETE n').catch((e: unknown) => e);
    expect((bad as ConfigurationError).code).toBe('ERR_INVALID_DATABASE_NAME');
  });

  it('storageInfo parses the pre-3.11 answer', async () => {
    const rows = [
      ['name', 'memgraph'],
      ['vertex_count', int(10)],
      ['edge_count', int(4)],
      ['average_degree', 0.8],
      ['memory_res', '43.16MiB'],
      ['peak_memory_res', '43.16MiB'],
      ['unreleased_delta_objects', int(0)],
      ['disk_usage', '104.46KiB'],
      ['memory_tracked', '8.52MiB'],
      ['allocation_limit', '58.55GiB'],
      ['global_isolation_level', 'SNAPSHOT_ISOLATION'],
      ['session_isolation_level', ''],
      ['next_session_isolation_level', ''],
      ['storage_mode', 'IN_MEMORY_TRANSACTIONAL'],
    ];
    const { driver, log } = fakeDriver({ run: (q) => fakeResult(q, ['storage info', 'value'], rows) });
    const info = await driver.storageInfo();
    expect(log.runs).toEqual(['SHOW STORAGE INFO']);
    expect(info.vertexCount).toBe(10);
    expect(info.edgeCount).toBe(4);
    expect(info.memoryRes).toBe(Math.round(43.16 * 1024 * 1024));
    expect(info.memoryTracked).toBe(Math.round(8.52 * 1024 * 1024));
    expect(info.allocationLimit).toBe(Math.round(58.55 * 1024 ** 3));
    expect(info.storageMode).toBe('IN_MEMORY_TRANSACTIONAL');
    expect(info.globalIsolationLevel).toBe('SNAPSHOT_ISOLATION');
    expect(info.name).toBe('memgraph');
  });

  it('storageInfo parses the 3.11+ instance-level and per-database answers', async () => {
    const instance = [
      ['memory_res', '100.00MiB'],
      ['peak_memory_res', '120.00MiB'],
      ['memory_tracked', '50.00MiB'],
      ['allocation_limit', '1.00GiB'],
      ['global_isolation_level', 'SNAPSHOT_ISOLATION'],
      ['global_storage_mode', 'IN_MEMORY_ANALYTICAL'],
    ];
    const perDb = [
      ['name', 'tenant1'],
      ['vertex_count', int(7)],
      ['edge_count', int(2)],
      ['db_memory_tracked', '2.00MiB'],
    ];
    const { driver, log } = fakeDriver({
      run: (q) => fakeResult(q, ['storage info', 'value'], q.includes(' ON ') ? perDb : instance),
    });
    const inst = await driver.storageInfo();
    expect(inst.storageMode).toBe('IN_MEMORY_ANALYTICAL');
    expect(inst.memoryTracked).toBe(50 * 1024 * 1024);
    expect(inst.vertexCount).toBeUndefined();
    const db = await driver.storageInfo({ on: 'current' });
    expect(db.vertexCount).toBe(7);
    expect(db.memoryTracked).toBe(2 * 1024 * 1024);
    await driver.storageInfo({ on: 'tenant1' });
    expect(log.runs).toEqual([
      'SHOW STORAGE INFO',
      'SHOW STORAGE INFO ON CURRENT DATABASE',
      'SHOW STORAGE INFO ON DATABASE tenant1',
    ]);
  });
});

describe('transaction options', () => {
  it('unitOfWork({ timeout, metadata }) reaches BEGIN as milliseconds, on every attempt', async () => {
    const { driver, log } = fakeDriver({
      run: (q) => fakeResult(q, ['x'], [[1]]),
      commit: async (n) => {
        if (n === 1) throw mgError(SERIALIZATION, MG_TRANSIENT);
      },
    });
    const session = driver.session();
    const work = unitOfWork({ timeout: 2.5, metadata: { app: 'demo' } })((tx: ManagedTransaction) =>
      tx.run('CREATE (n)'),
    );
    await session.executeWrite(work);
    expect(log.txConfigs).toEqual([
      { timeout: 2500, metadata: { app: 'demo' } },
      { timeout: 2500, metadata: { app: 'demo' } },
    ]);
    // Without unitOfWork nothing is sent.
    await session.executeWrite((tx) => tx.run('CREATE (n)'));
    expect(log.txConfigs[2]).toBeUndefined();
    await session.close();
  });
});
