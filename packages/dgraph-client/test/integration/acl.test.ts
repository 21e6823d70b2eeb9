import { randomBytes } from 'node:crypto';
import { type ServerInfo, useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  DgraphClient,
  DgraphClientStub,
  grpc,
  isJwtExpired,
  JwtExpiredError,
  Operation,
  open,
  util,
} from '../../src/index.js';
import { holdServerLock } from './server-lock.js';

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
      .checkVersion(md)
      .then(() => raw.alter({ schema: `${NAME}: string @index(exact) .` }, md))
      .catch((e: unknown) => e);
    raw.close();
    expect(isJwtExpired(rawErr)).toBe(true);
    expect(util.isJwtExpired(rawErr)).toBe(true);

    // commit (of a txn started before the expiry)
    await txn.commit();
    expect(client.accessJwt).not.toBe(jwtBefore);

    const kinds: Array<[string, () => Promise<unknown>]> = [
      ['alter', () => client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }))],
      [
        'query',
        () => client.txn({ readOnly: true }).query(`{ q(func: eq(${NAME}, "before-expiry")) { ${NAME} } }`),
      ],
      ['mutate', () => client.txn().mutate({ setObj: { [NAME]: 'after-expiry' }, commitNow: true })],
      [
        'doRequest',
        () => {
          const t = client.txn();
          return t.doRequest(t.createRequest({ query: `{ q(func: eq(${NAME}, "after-expiry")) { uid } }` }));
        },
      ],
      ['runDql', () => client.runDql(`{ q(func: eq(${NAME}, "after-expiry")) { uid } }`, { readOnly: true })],
      ['listNamespaces', () => client.listNamespaces()],
      [
        'asyncAlter',
        () =>
          DgraphClient.handleAlterFuture(
            client.asyncAlter(new Operation({ schema: `${NAME}: string @index(exact) .` })),
          ),
      ],
      [
        'discard',
        async () => {
          const t = client.txn();
          await t.mutate({ setObj: { [NAME]: 'discarded' } });
          await sleep(ttlMs + 1_500);
          return t.discard();
        },
      ],
    ];
    for (const [kind, run] of kinds) {
      const jwt = client.accessJwt;
      if (kind !== 'discard') await sleep(ttlMs + 1_500);
      await expect(run(), kind).resolves.not.toThrow();
      expect(client.accessJwt, `${kind} should have refreshed the JWT`).not.toBe(jwt);
    }
    const res = await client
      .txn({ readOnly: true })
      .query(`{ q(func: eq(${NAME}, "before-expiry")) { ${NAME} } }`);
    expect(res.data.q).toHaveLength(1);
  }, 120_000);

  it('concurrent calls that all see an expired JWT all succeed after the (single-flight) refresh', async () => {
    await sleep(ttlMs + 1_500);
    const before = client.accessJwt;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.txn({ readOnly: true }).query(`{ q(func: has(${NAME})) { count(uid) } }`),
      ),
    );
    expect(results.every((r) => Array.isArray(r.data.q))).toBe(true);
    expect(client.accessJwt).not.toBe(before);
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
    const { api } = await import('../../src/index.js');
    const jwt = api.Jwt.decode(login.json);
    await sleep(ttlMs + 1_500);
    const md = new grpc.Metadata();
    md.set('accessJwt', jwt.accessJwt);
    const err = await raw.alter({ schema: `${NAME}: string @index(exact) .` }, md).catch((e: unknown) => e);
    raw.close();
    expect(isJwtExpired(err)).toBe(true);
    expect(JwtExpiredError).toBeDefined();
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
