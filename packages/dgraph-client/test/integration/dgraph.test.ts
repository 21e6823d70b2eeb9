import { randomBytes } from 'node:crypto';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  api,
  CancelledError,
  DbwireError,
  DgraphClient,
  DgraphClientStub,
  DgraphServerError,
  grpc,
  Mutation,
  Operation,
  ReadOnlyError,
  ServerError,
  TimeoutError,
  Txn,
  TxnFinishedError,
  UsageError,
} from '../../src/index.js';
import { startGrpcProxy } from './tls-proxy.js';

const QUERY = '/api.Dgraph/Query';

async function waitFor(cond: () => boolean, ms = 3_000): Promise<void> {
  for (const until = Date.now() + ms; !cond() && Date.now() < until; )
    await new Promise((r) => setTimeout(r, 20));
}

// Every predicate of this file carries a random suffix, so suites sharing the server never collide
// and nothing here drops data it does not own.
const sfx = randomBytes(4).toString('hex');
const NAME = `name_${sfx}`;
const AGE = `age_${sfx}`;
const EMAIL = `email_${sfx}`;
const BALANCE = `balance_${sfx}`;

let addr: string;
let client: DgraphClient;

holdServerLock('dgraph');

beforeAll(async () => {
  const info = await useServer('dgraph');
  addr = info.endpoints[0]!;
  client = new DgraphClient(new DgraphClientStub(addr));
  await client.alter(
    new Operation({
      schema: `${NAME}: string @index(exact) .\n${AGE}: int .\n${EMAIL}: string @index(exact) @upsert .\n${BALANCE}: int .`,
    }),
  );
});

afterAll(() => client?.close());

async function names(value: string): Promise<Array<{ uid: string; [k: string]: unknown }>> {
  const res = await client
    .txn({ readOnly: true })
    .query(`query q($a: string) { all(func: eq(${NAME}, $a)) { uid ${NAME} ${AGE} ${EMAIL} } }`, {
      variables: { $a: value },
    });
  return res.data.all;
}

describe('mutations and queries', () => {
  it('setObj, query with variables, commit; JSON text and parsed access agree', async () => {
    const txn = client.txn();
    try {
      const res = await txn.mutate({ setObj: { uid: '_:alice', [NAME]: 'Alice', [AGE]: 30 } });
      expect(res.uids.alice).toMatch(/^0x[0-9a-f]+$/);
      const inTxn = await txn.query(`query all($a: string) { all(func: eq(${NAME}, $a)) { ${NAME} } }`, {
        variables: { $a: 'Alice' },
      });
      expect(inTxn.data.all).toEqual([{ [NAME]: 'Alice' }]);
      const ctx = await txn.commit();
      expect(ctx?.commitTs).toBeGreaterThan(0);
    } finally {
      await txn.discard();
    }
    const ppl = JSON.parse(
      (await client.txn({ readOnly: true }).query(`{ all(func: eq(${NAME}, "Alice")) { ${AGE} } }`)).json,
    );
    expect(ppl.all).toEqual([{ [AGE]: 30 }]);
  });

  it('uncommitted mutations are invisible outside and gone after discard', async () => {
    const txn = client.txn();
    await txn.mutate({ setNquads: `_:x <${NAME}> "Ghost" .` });
    expect(await names('Ghost')).toEqual([]);
    await txn.discard();
    await txn.discard();
    expect(await names('Ghost')).toEqual([]);
  });

  it('Mutation object, N-Quads with commitNow, delObj', async () => {
    const mu = new Mutation({ setJson: JSON.stringify({ [NAME]: 'Bob', [AGE]: 41 }) });
    await client.txn().mutate(mu, { commitNow: true });
    await client.txn().mutate({ setNquads: `_:c <${NAME}> "Carol" .`, commitNow: true });
    const [bob] = await names('Bob');
    expect(bob?.[AGE]).toBe(41);
    expect(await names('Carol')).toHaveLength(1);

    const txn = client.txn();
    const found = await txn.query(`query all($a: string) { all(func: eq(${NAME}, $a)) { uid } }`, {
      variables: { $a: 'Bob' },
    });
    const person = found.data.all[0];
    // Deleting a predicate in JSON: its value null.
    await txn.mutate({ delObj: { ...person, [NAME]: null, [AGE]: null } });
    await txn.commit();
    expect(await names('Bob')).toEqual([]);
  });

  it('delNquads deletes exactly the triple it names', async () => {
    const res = await client.txn().mutate({
      setNquads: `_:a <${NAME}> "DelA" .\n_:a <${AGE}> "7" .\n_:b <${NAME}> "DelB" .`,
      commitNow: true,
    });
    const a = res.uids.a!;
    await client.txn().mutate({ delNquads: `<${a}> <${NAME}> * .`, commitNow: true });
    expect(await names('DelA')).toEqual([]);
    expect(await names('DelB')).toHaveLength(1);
    // Only the named predicate went: the node keeps its age.
    const left = await client.txn({ readOnly: true }).query(`{ q(func: uid(${a})) { ${AGE} } }`);
    expect(left.data.q).toEqual([{ [AGE]: 7 }]);
  });

  it('createMutation + createRequest + doRequest, commitNow finishes the txn', async () => {
    const txn = client.txn();
    const mutation = txn.createMutation({ setNquads: `_:d <${NAME}> "Dave" .` });
    const request = txn.createRequest({ mutations: [mutation], commitNow: true });
    await txn.doRequest(request);
    expect(txn.finished).toBe(true);
    await expect(txn.commit()).rejects.toBeInstanceOf(TxnFinishedError);
    await txn.discard();
    expect(await names('Dave')).toHaveLength(1);

    const q = client.txn({ readOnly: true });
    const res = await q.doRequest(
      q.createRequest({ query: `{ all(func: eq(${NAME}, "Dave")) { ${NAME} } }` }),
    );
    expect(res.data.all).toEqual([{ [NAME]: 'Dave' }]);
  });

  it('typed query<T>() results', async () => {
    interface Row {
      all: Array<{ n: string }>;
    }
    const res = await client
      .txn({ readOnly: true })
      .query<Row>(`{ all(func: eq(${NAME}, "Carol")) { n: ${NAME} } }`);
    const first: string = res.data.all[0]!.n;
    expect(first).toBe('Carol');
  });

  it('RDF response format', async () => {
    const res = await client
      .txn({ readOnly: true })
      .queryRdf(`{ all(func: eq(${NAME}, "Carol")) { ${NAME} } }`);
    expect(res.rdf).toContain('"Carol"');
  });
});

describe('upserts', () => {
  it('upsert block updates exactly the matched node', async () => {
    await client.txn().mutate({ setObj: { [EMAIL]: `u1@${sfx}`, [NAME]: 'Up1' }, commitNow: true });
    await client.txn().mutate({ setObj: { [EMAIL]: `u2@${sfx}`, [NAME]: 'Up2' }, commitNow: true });
    const txn = client.txn();
    const query = `{ u as var(func: eq(${EMAIL}, "u1@${sfx}")) }`;
    const mutation = txn.createMutation({
      setNquads: `uid(u) <${NAME}> "Up1-renamed" .\nuid(u) <${AGE}> "25" .`,
    });
    const request = txn.createRequest({ query, mutations: [mutation], commitNow: true });
    await txn.doRequest(request);
    const renamed = await names('Up1-renamed');
    expect(renamed).toHaveLength(1);
    expect(renamed[0]![AGE]).toBe(25);
    expect(renamed[0]![EMAIL]).toBe(`u1@${sfx}`);
    expect(await names('Up2')).toHaveLength(1);
    expect(await names('Up1')).toEqual([]);

    // The same upsert with no match creates nothing new for uid(u).
    const txn2 = client.txn();
    const none = `{ u as var(func: eq(${EMAIL}, "nobody@${sfx}")) }`;
    await txn2.doRequest(
      txn2.createRequest({
        query: none,
        mutations: [txn2.createMutation({ setNquads: `uid(u) <${NAME}> "Nobody" .` })],
        commitNow: true,
      }),
    );
    // Dgraph allocates a fresh node for an empty uid() variable: exactly one, never touching others.
    expect(await names('Nobody')).toHaveLength(1);
    expect(await names('Up2')).toHaveLength(1);
  });

  it('conditional upsert runs only when the condition holds', async () => {
    await client.txn().mutate({ setObj: { [EMAIL]: `wrong@${sfx}`, [NAME]: 'Cond' }, commitNow: true });
    const run = async (email: string) => {
      const txn = client.txn();
      const query = `{ user as var(func: eq(${EMAIL}, "${email}")) }`;
      const mutation = txn.createMutation({
        cond: '@if(eq(len(user), 1))',
        setNquads: `uid(user) <${EMAIL}> "correct@${sfx}" .`,
      });
      const request = txn.createRequest({ mutations: [mutation], query, commitNow: true });
      return txn.doRequest(request);
    };
    await run(`wrong@${sfx}`);
    const after = await names('Cond');
    expect(after).toHaveLength(1);
    expect(after[0]![EMAIL]).toBe(`correct@${sfx}`);
    // Condition false now (no node has the wrong email any more): nothing changes.
    const res = await run(`wrong@${sfx}`);
    expect(Object.keys(res.uids)).toEqual([]);
    const again = await names('Cond');
    expect(again).toEqual(after);
  });
});

describe('transactions', () => {
  it('two concurrent transactions on one node: the second commit gets AbortedError', async () => {
    const setup = await client
      .txn()
      .mutate({ setObj: { uid: '_:acct', [NAME]: 'Acct', [BALANCE]: 100 }, commitNow: true });
    const uid = setup.uids.acct!;
    const t1 = client.txn();
    const t2 = client.txn();
    const q = `{ a(func: uid(${uid})) { ${BALANCE} } }`;
    await t1.query(q);
    await t2.query(q);
    await t1.mutate({ setObj: { uid, [BALANCE]: 90 } });
    await t2.mutate({ setObj: { uid, [BALANCE]: 80 } });
    await t1.commit();
    const err = await t2.commit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toBeInstanceOf(ServerError);
    expect(DbwireError.is(err)).toBe(true);
    expect((err as AbortedError).code).toBe('ERR_ABORTED');
    expect((err as AbortedError).retryable).toBe(true);
    // The caller's stack is attached.
    expect((err as Error).stack).toContain('called from');
    await t2.discard();
    const res = await client.txn({ readOnly: true }).query(q);
    expect(res.data.a[0][BALANCE]).toBe(90);
  });

  it('withTxn reruns the whole function after AbortedError', async () => {
    const setup = await client
      .txn()
      .mutate({ setObj: { uid: '_:w', [NAME]: 'W', [BALANCE]: 0 }, commitNow: true });
    const uid = setup.uids.w!;
    let attempts = 0;
    let interfered = false;
    const result = await client.withTxn(
      async (txn) => {
        attempts++;
        const res = await txn.query(`{ a(func: uid(${uid})) { ${BALANCE} } }`);
        const balance: number = res.data.a[0][BALANCE];
        if (!interfered) {
          interfered = true;
          await client.txn().mutate({ setObj: { uid, [BALANCE]: 1000 }, commitNow: true });
        }
        await txn.mutate({ setObj: { uid, [BALANCE]: balance + 1 } });
        return balance + 1;
      },
      { initialDelayMs: 10 },
    );
    expect(attempts).toBe(2);
    expect(result).toBe(1001);
    const res = await client.txn({ readOnly: true }).query(`{ a(func: uid(${uid})) { ${BALANCE} } }`);
    expect(res.data.a[0][BALANCE]).toBe(1001);
  });

  it('read-only and best-effort reads; read-only refuses mutations and commit', async () => {
    const ro = client.txn({ readOnly: true });
    const first = await ro.query(`{ all(func: eq(${NAME}, "Carol")) { ${NAME} } }`);
    expect(first.data.all).toHaveLength(1);
    expect(ro.startTs).toBeGreaterThan(0);
    await expect(ro.mutate({ setObj: { [NAME]: 'nope' } })).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(client.txn({ readOnly: true }).commit()).rejects.toBeInstanceOf(UsageError);

    const be = client.txn({ readOnly: true, bestEffort: true });
    const res = await be.query(`{ all(func: eq(${NAME}, "Carol")) { ${NAME} } }`);
    expect(res.data.all).toEqual([{ [NAME]: 'Carol' }]);
    expect(() => client.txn({ bestEffort: true })).toThrowError(/read-only/);
  });

  it('bestEffort and readOnly are on the wire (the request as the server receives it)', async () => {
    const proxy = await startGrpcProxy(addr, { tls: false });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      await client.txn().mutate({ setObj: { [NAME]: 'BestEffort' }, commitNow: true });
      // A best-effort read is served at the alpha's latest applied timestamp without asking zero, so
      // it may briefly miss a write just committed: read until the row shows (bounded), as users must.
      const query = `{ all(func: eq(${NAME}, "BestEffort")) { ${NAME} } }`;
      let res = await viaProxy.txn({ readOnly: true, bestEffort: true }).query(query);
      for (const until = Date.now() + 10_000; res.data.all.length === 0 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 50));
        res = await viaProxy.txn({ readOnly: true, bestEffort: true }).query(query);
      }
      expect(res.data.all).toEqual([{ [NAME]: 'BestEffort' }]);
      await viaProxy.txn({ readOnly: true }).query(`{ all(func: eq(${NAME}, "BestEffort")) { uid } }`);
      const sent = proxy.calls.map((c) => api.Request.decode(c.body));
      const bestEffortReads = sent.slice(0, -1);
      expect(bestEffortReads.length).toBeGreaterThanOrEqual(1);
      expect(bestEffortReads.map((r) => [r.readOnly, r.bestEffort])).toEqual(
        bestEffortReads.map(() => [true, true]),
      );
      expect([sent.at(-1)!.readOnly, sent.at(-1)!.bestEffort]).toEqual([true, false]);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('await using discards automatically', async () => {
    let txnRef: Txn | undefined;
    {
      await using txn = client.txn();
      txnRef = txn;
      await txn.mutate({ setNquads: `_:u <${NAME}> "Scoped" .` });
    }
    expect(txnRef.finished).toBe(true);
    expect(await names('Scoped')).toEqual([]);
  });

  it('async variants and handle*Future helpers', async () => {
    const payload = await DgraphClient.handleAlterFuture(
      client.asyncAlter(new Operation({ schema: `${NAME}: string @index(exact, term) .` })),
    );
    expect(payload).toBeInstanceOf(api.Payload);
    const tokenizers = async () =>
      (await client.txn({ readOnly: true }).query(`schema(pred: [${NAME}]) { tokenizer }`)).data.schema[0]
        .tokenizer;
    expect(await tokenizers()).toEqual(['exact', 'term']);
    await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
    expect(await tokenizers()).toEqual(['exact']);
    const txn = client.txn();
    const future = txn.asyncMutation({ setNquads: `_:f <${NAME}> "Future" .` });
    await Txn.handleMutateFuture(txn, future, false);
    await txn.commit();
    const q = client.txn({ readOnly: true });
    const res = await Txn.handleQueryFuture(q.asyncQuery(`{ all(func: eq(${NAME}, "Future")) { ${NAME} } }`));
    expect(res.data.all).toHaveLength(1);
  });
});

describe('per-call options', () => {
  it('metadata (auth-token) and call credentials are accepted per call', async () => {
    // The seed's form, no annotation: pairs inferred as string[][].
    const metadata = [['auth-token', 'the-auth-token-value']];
    await client.alter(new Operation({ schema: `${AGE}: int .` }), { metadata });
    const callCreds = grpc.credentials.createFromMetadataGenerator((_ctx, cb) => {
      const md = new grpc.Metadata();
      md.set('x-dbwire-test', '1');
      cb(null, md);
    });
    // grpc-js sends call credentials only over TLS (tls.test.ts checks they arrive); on plaintext the
    // call still goes through without them.
    expect(await client.checkVersion({ credentials: callCreds })).toMatch(/^v25/);
  });

  it('timeout exceeded → TimeoutError; AbortSignal → CancelledError; neither hangs', async () => {
    const slow = `{ all(func: has(${NAME})) { ${NAME} } }`;
    const started = Date.now();
    await expect(client.txn({ readOnly: true }).query(slow, { timeout: 0.001 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.txn({ readOnly: true }).query(slow, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('abort of a call in flight: CancelledError, and the server-side stream is cancelled', async () => {
    // The proxy holds Dgraph's answer for 5 s, so the call is on the server when the caller aborts.
    const proxy = await startGrpcProxy(addr, { tls: false, delayMs: () => 5_000 });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      const controller = new AbortController();
      const seen = proxy.nextCall(QUERY);
      const started = Date.now();
      const call = viaProxy
        .txn({ readOnly: true })
        .query(`{ q(func: has(${NAME})) { uid } }`, { signal: controller.signal })
        .catch((e: unknown) => e);
      const onServer = await seen;
      controller.abort();
      const err = await call;
      expect(err).toBeInstanceOf(CancelledError);
      expect((err as Error).stack).toContain('called from');
      expect(Date.now() - started).toBeLessThan(2_000);
      await waitFor(() => onServer.clientReset !== undefined);
      // RST_STREAM(CANCEL) from the client, passed on to the alpha's still-open stream.
      expect(onServer.clientReset).toBe(8);
      expect(onServer.resetForwarded).toBe(true);
      expect(onServer.answered).toBe(false);

      // AbortSignal.timeout() firing while the call is in flight: TimeoutError.
      const timed = await viaProxy
        .txn({ readOnly: true })
        .query(`{ q(func: has(${NAME})) { uid } }`, { signal: AbortSignal.timeout(300) })
        .catch((e: unknown) => e);
      expect(timed).toBeInstanceOf(TimeoutError);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('withTxn({ signal }) cancels the transaction call in flight, not only the retry loop', async () => {
    const proxy = await startGrpcProxy(addr, { tls: false, delayMs: () => 5_000 });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      const controller = new AbortController();
      const seen = proxy.nextCall(QUERY);
      const started = Date.now();
      const run = viaProxy
        .withTxn((txn) => txn.query(`{ q(func: has(${NAME})) { uid } }`), { signal: controller.signal })
        .catch((e: unknown) => e);
      const onServer = await seen;
      controller.abort();
      expect(await run).toBeInstanceOf(CancelledError);
      expect(Date.now() - started).toBeLessThan(2_000);
      await waitFor(() => onServer.clientReset !== undefined);
      expect(onServer.clientReset).toBe(8);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('raw stub calls: per-call timeout, typed errors with caller frames', async () => {
    const stub = new DgraphClientStub(addr);
    try {
      expect((await stub.checkVersion({ timeout: 5 })).tag).toMatch(/^v25\./);
      const bad = await stub.alter({ schema: `${NAME}: strin .` }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(DgraphServerError);
      expect((bad as Error).stack).toContain('called from');
      const slow = await stub
        .query({ query: `{ q(func: has(${NAME})) { uid } }`, readOnly: true }, { timeout: 0.001 })
        .catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(TimeoutError);
      await expect(stub.checkVersion({ timeout: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_TIMEOUT' });
    } finally {
      stub.close();
    }
    await expect(stub.checkVersion()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('transaction-level defaults apply to every call of the txn', async () => {
    const txn = client.txn({ readOnly: true, timeout: 0.001 });
    await expect(txn.query(`{ all(func: has(${NAME})) { uid } }`)).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('schema and drops', () => {
  it('runInBackground index build, dropAttr and dropOp ATTR', async () => {
    const P1 = `tmp1_${sfx}`;
    const P2 = `tmp2_${sfx}`;
    await client.alter(
      new Operation({ schema: `${P1}: string @index(term) .\n${P2}: string .`, runInBackground: true }),
    );
    await client.txn().mutate({ setObj: { [P1]: 'one', [P2]: 'two' }, commitNow: true });
    const has = async (p: string) =>
      (await client.txn({ readOnly: true }).query(`{ q(func: has(${p})) { uid } }`)).data.q?.length ?? 0;
    expect(await has(P2)).toBe(1);
    await client.alter(new Operation({ dropAttr: P2 }));
    expect(await has(P2)).toBe(0);
    await client.alter(new Operation({ dropOp: 'ATTR', dropValue: P1 }));
    expect(await has(P1)).toBe(0);
  });
});

describe('drop all / drop data (this file holds the server lock)', () => {
  it('dropOp DATA keeps the schema; dropAll removes data and schema', async () => {
    await client.txn().mutate({ setObj: { [NAME]: 'to-be-dropped' }, commitNow: true });
    await client.dropData();
    expect(await names('to-be-dropped')).toEqual([]);
    const schema = await client.txn({ readOnly: true }).query(`schema(pred: [${NAME}]) { type index }`);
    expect(schema.data.schema).toEqual([
      expect.objectContaining({ predicate: NAME, type: 'string', index: true }),
    ]);

    await client.txn().mutate({ setObj: { [NAME]: 'to-be-dropped' }, commitNow: true });
    await client.alter(new Operation({ dropAll: true }));
    const after = await client.txn({ readOnly: true }).query(`schema(pred: [${NAME}]) { type }`);
    expect(after.data.schema ?? []).toEqual([]);
    const count = await client.txn({ readOnly: true }).query(`{ q(func: has(${NAME})) { count(uid) } }`);
    expect(count.data.q[0].count).toBe(0);
    // Leave the schema in place for whatever runs next in this file.
    await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .\n${AGE}: int .` }));
  });
});

describe('v25 RPCs', () => {
  it('checkVersion, runDql (query and mutation), allocateUids/Timestamps', async () => {
    expect(await client.checkVersion()).toMatch(/^v25\./);
    const mut = await client.runDql(`{ set { _:r <${NAME}> "ViaRunDQL" . } }`);
    expect(Object.keys(mut.uids)).toHaveLength(1);
    const res = await client.runDql(`query q($n: string) { q(func: eq(${NAME}, $n)) { ${NAME} } }`, {
      vars: { $n: 'ViaRunDQL' },
      readOnly: true,
    });
    expect(res.data.q).toEqual([{ [NAME]: 'ViaRunDQL' }]);
    const [start, end] = await client.allocateUids(100);
    expect(end - start).toBe(100);
    const [ts1, ts2] = await client.allocateTimestamps(5);
    expect(ts2 - ts1).toBe(5);
    await expect(client.allocateUids(0)).rejects.toBeInstanceOf(UsageError);
  });
});
