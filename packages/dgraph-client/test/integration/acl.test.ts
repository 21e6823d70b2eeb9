import { randomBytes } from 'node:crypto';
import { type ServerInfo, useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  api,
  CancelledError,
  DgraphClient,
  DgraphClientStub,
  grpc,
  isJwtExpired,
  JwtExpiredError,
  Operation,
  open,
  util,
} from '../../src/index.js';
import { startGrpcProxy } from './tls-proxy.js';

const LOGIN = '/api.Dgraph/Login';

const sfx = randomBytes(4).toString('hex');
const NAME = `aname_${sfx}`;
let info: ServerInfo;
let addr: string;
let user: string;
let password: string;
let ttlMs: number;
let client: DgraphClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

holdServerLock('dgraph-acl');

beforeAll(async () => {
  info = await useServer('dgraph-acl');
  addr = info.endpoints[0]!;
  user = (info.user as string | undefined) ?? 'groot';
  password = (info.password as string | undefined) ?? 'password';
  ttlMs = (info.accessTtlMs as number | undefined) ?? 5_000;
  client = new DgraphClient(new DgraphClientStub(addr));
  await client.login(user, password);
  await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
});

afterAll(() => client?.close());

describe('ACL login', () => {
  it('calls without login are refused; a wrong password is an AuthenticationError', async () => {
    const anon = new DgraphClient(new DgraphClientStub(addr));
    try {
      await expect(anon.alter(new Operation({ schema: `${NAME}: string .` }))).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      await expect(anon.login(user, `${password}-wrong`)).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      anon.close();
    }
  });

  it('an expired access JWT is refreshed and the call retried, for every call kind', async () => {
    // Set up a transaction before the JWT expires, then use it across the expiry.
    const txn = client.txn();
    await txn.mutate({ setObj: { [NAME]: 'before-expiry' } });
    const jwtBefore = client.accessJwt;
    await sleep(ttlMs + 1_500);

    // The old token really is expired: a raw stub call with it fails, and isJwtExpired says so.
    const raw = new DgraphClientStub(addr);
    const md = new grpc.Metadata();
    md.set('accessJwt', jwtBefore!);
    const rawErr = await raw
      .checkVersion({ metadata: md })
      .then(() => raw.alter({ schema: `${NAME}: string @index(exact) .` }, { metadata: md }))
      .catch((e: unknown) => e);
    raw.close();
    expect(isJwtExpired(rawErr)).toBe(true);
    expect(util.isJwtExpired(rawErr)).toBe(true);

    // commit (of a txn started before the expiry)
    await txn.commit();
    expect(client.accessJwt).not.toBe(jwtBefore);

    // Each call kind, after its own expiry: what it answers proves the call really ran after the refresh.
    const schemaIndex = async () =>
      (await client.txn({ readOnly: true }).query(`schema(pred: [${NAME}]) { tokenizer }`)).data.schema[0]
        .tokenizer;
    const kinds: Array<[string, () => Promise<unknown>]> = [
      [
        'alter',
        async () => {
          await client.alter(new Operation({ schema: `${NAME}: string @index(exact, term) .` }));
          expect(await schemaIndex()).toEqual(['exact', 'term']);
        },
      ],
      [
        'query',
        async () => {
          const res = await client
            .txn({ readOnly: true })
            .query(`{ q(func: eq(${NAME}, "before-expiry")) { ${NAME} } }`);
          expect(res.data.q).toEqual([{ [NAME]: 'before-expiry' }]);
        },
      ],
      [
        'mutate',
        async () => {
          const res = await client.txn().mutate({ setObj: { [NAME]: 'after-expiry' }, commitNow: true });
          expect(Object.keys(res.uids)).toHaveLength(1);
        },
      ],
      [
        'doRequest',
        async () => {
          const t = client.txn();
          const res = await t.doRequest(
            t.createRequest({ query: `{ q(func: eq(${NAME}, "after-expiry")) { ${NAME} } }` }),
          );
          expect(res.data.q).toEqual([{ [NAME]: 'after-expiry' }]);
        },
      ],
      [
        'runDql',
        async () => {
          const res = await client.runDql(`{ q(func: eq(${NAME}, "after-expiry")) { ${NAME} } }`, {
            readOnly: true,
          });
          expect(res.data.q).toEqual([{ [NAME]: 'after-expiry' }]);
        },
      ],
      ['listNamespaces', async () => expect((await client.listNamespaces()).has(0)).toBe(true)],
      [
        'asyncAlter',
        async () => {
          await DgraphClient.handleAlterFuture(
            client.asyncAlter(new Operation({ schema: `${NAME}: string @index(exact) .` })),
          );
          expect(await schemaIndex()).toEqual(['exact']);
        },
      ],
      [
        'discard',
        async () => {
          const t = client.txn();
          await t.mutate({ setObj: { [NAME]: 'discarded' } });
          await sleep(ttlMs + 1_500);
          await t.discard();
          expect(t.finished).toBe(true);
          const left = await client
            .txn({ readOnly: true })
            .query(`{ q(func: eq(${NAME}, "discarded")) { uid } }`);
          expect(left.data.q ?? []).toEqual([]);
        },
      ],
    ];
    for (const [kind, run] of kinds) {
      const jwt = client.accessJwt;
      if (kind !== 'discard') await sleep(ttlMs + 1_500);
      await run();
      expect(client.accessJwt, `${kind} should have refreshed the JWT`).not.toBe(jwt);
    }
    const res = await client
      .txn({ readOnly: true })
      .query(`{ q(func: eq(${NAME}, "before-expiry")) { ${NAME} } }`);
    expect(res.data.q).toHaveLength(1);
  }, 120_000);

  it('single flight: N concurrent calls that see an expired JWT cause exactly one Login RPC', async () => {
    const proxy = await startGrpcProxy(addr, { tls: false });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      await viaProxy.login(user, password);
      await sleep(ttlMs + 1_500);
      const logins = () => proxy.calls.filter((c) => c.path === LOGIN).length;
      expect(logins()).toBe(1);
      const before = viaProxy.accessJwt;
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          viaProxy.txn({ readOnly: true }).query(`{ q(func: has(${NAME})) { count(uid) } }`),
        ),
      );
      expect(results.map((r) => typeof r.data.q[0].count)).toEqual(Array(8).fill('number'));
      expect(logins()).toBe(2);
      // The one refresh used the refresh token, not the password.
      const refresh = api.LoginRequest.decode(proxy.calls.filter((c) => c.path === LOGIN)[1]!.body);
      expect(refresh.refreshToken).not.toBe('');
      expect(refresh.password).toBe('');
      expect(viaProxy.accessJwt).not.toBe(before);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  }, 30_000);

  it('one caller aborting while the shared refresh runs fails only that caller; the others succeed', async () => {
    // The Login answer is held for 1.5 s: the refresh is in flight when the first caller gives up.
    const proxy = await startGrpcProxy(addr, { tls: false, delayMs: (p) => (p === LOGIN ? 1_500 : 0) });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      await viaProxy.login(user, password);
      await sleep(ttlMs + 1_500);
      const q = `{ q(func: has(${NAME})) { count(uid) } }`;
      const controller = new AbortController();
      // The first caller meets the expired JWT and starts the refresh ...
      const loginSeen = proxy.nextCall(LOGIN);
      const first = viaProxy.txn({ readOnly: true }).query(q, { signal: controller.signal });
      await loginSeen;
      // ... the others meet it while the refresh is in flight and wait for the same one ...
      const others = Array.from({ length: 4 }, () => viaProxy.txn({ readOnly: true }).query(q));
      await sleep(300);
      // ... and then the first caller gives up.
      controller.abort();
      const firstErr = await first.catch((e: unknown) => e);
      expect(firstErr).toBeInstanceOf(CancelledError);
      const results = await Promise.allSettled(others);
      expect(results.map((r) => r.status)).toEqual(Array(4).fill('fulfilled'));
      expect(proxy.calls.filter((c) => c.path === LOGIN)).toHaveLength(2);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  }, 30_000);

  it('a refresh that fails surfaces as JwtExpiredError (refresh token, then password, both refused)', async () => {
    let refuseLogin = false;
    const proxy = await startGrpcProxy(addr, {
      tls: false,
      refuse: (p) => (refuseLogin && p === LOGIN ? { code: 16, message: 'proxy: login refused' } : undefined),
    });
    const viaProxy = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      await viaProxy.login(user, password);
      refuseLogin = true;
      await sleep(ttlMs + 1_500);
      const err = await viaProxy
        .txn({ readOnly: true })
        .query(`{ q(func: has(${NAME})) { count(uid) } }`)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JwtExpiredError);
      expect((err as JwtExpiredError).code).toBe('ERR_JWT_EXPIRED');
      expect((err as Error).message).toMatch(/refreshing it failed: .*login refused/);
      expect((err as Error).stack).toContain('called from');
      // Refresh token first, then the remembered password: two Login RPCs after the first login.
      expect(proxy.calls.filter((c) => c.path === LOGIN)).toHaveLength(3);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  }, 30_000);

  it('retryLogin() refreshes explicitly; without a session it is a UsageError', async () => {
    const before = client.accessJwt;
    await sleep(1_100); // JWT timestamps have one-second resolution
    await client.retryLogin();
    expect(client.accessJwt).not.toBe(before);
    await client.txn().retryLogin();
    const anon = new DgraphClient(new DgraphClientStub(addr));
    await expect(anon.retryLogin()).rejects.toThrowError(/not logged in/);
    anon.close();
  });

  it('without refresh, an expired JWT surfaces as JwtExpiredError (raw stub, as pydgraph async calls)', async () => {
    const raw = new DgraphClientStub(addr);
    const login = await raw.login({ userid: user, password });
    const jwt = api.Jwt.decode(login.json);
    await sleep(ttlMs + 1_500);
    const md = new grpc.Metadata();
    md.set('accessJwt', jwt.accessJwt);
    const err = await raw
      .alter({ schema: `${NAME}: string @index(exact) .` }, { metadata: md })
      .catch((e: unknown) => e);
    raw.close();
    expect(isJwtExpired(err)).toBe(true);
    // The raw stub call goes through the funnel: a typed error with the caller's frames.
    expect(err).toBeInstanceOf(JwtExpiredError);
    expect((err as JwtExpiredError).code).toBe('ERR_JWT_EXPIRED');
    expect((err as Error).stack).toContain('called from');
  }, 30_000);
});

describe('namespaces (v25) and open()', () => {
  it('create, log into (open() with ?namespace=), isolate, list and drop a namespace', async () => {
    const ns = await client.createNamespace();
    expect(ns).toBeGreaterThan(0);
    expect((await client.listNamespaces()).has(ns)).toBe(true);

    const nsClient = await open(`dgraph://${user}:${password}@${addr}?namespace=${ns}`);
    try {
      await nsClient.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
      await nsClient.txn().mutate({ setObj: { [NAME]: 'in-namespace' }, commitNow: true });
      const inside = await nsClient.runDql(`{ q(func: eq(${NAME}, "in-namespace")) { ${NAME} } }`, {
        readOnly: true,
      });
      expect(inside.data.q).toHaveLength(1);
      const outside = await client
        .txn({ readOnly: true })
        .query(`{ q(func: eq(${NAME}, "in-namespace")) { uid } }`);
      expect(outside.data.q ?? []).toHaveLength(0);
      // Only the guardian of the galaxy may drop all.
      await expect(nsClient.alter(new Operation({ dropAll: true }))).rejects.toBeInstanceOf(
        AuthenticationError,
      );
    } finally {
      nsClient.close();
    }
    await client.dropNamespace(ns);
    expect((await client.listNamespaces()).has(ns)).toBe(false);
  }, 60_000);

  it('allocateNamespaces leases ids', async () => {
    const [start, end] = await client.allocateNamespaces(2);
    expect(end - start).toBe(2);
  });
});
