import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { onTestFinished as after, afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  ConnectionError,
  DgraphClient,
  DgraphClientStub,
  DgraphServerError,
  Operation,
  TimeoutError,
  TxnFinishedError,
  UnavailableError,
  UsageError,
} from '../../src/index.js';
import { startGrpcProxy } from './tls-proxy.js';

const sfx = randomBytes(4).toString('hex');
const NAME = `ename_${sfx}`;
let addr: string;
let client: DgraphClient;

holdServerLock('dgraph');

beforeAll(async () => {
  const info = await useServer('dgraph');
  addr = info.endpoints[0]!;
  client = new DgraphClient(new DgraphClientStub(addr));
  await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
});

afterAll(() => client?.close());

/**
 * A host that never answers: it accepts TCP and stays silent, so the gRPC/HTTP2 handshake never
 * completes — the loopback stand-in for an unreachable address (tests send no traffic off this machine).
 */
async function silentHost(): Promise<{ addr: string; close: () => void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    addr: `127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A plain TCP forwarder to the real server, so one "alpha" can be stopped mid-test. */
async function forwarder(target: string): Promise<{ addr: string; stop: () => Promise<void> }> {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect(port, host);
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: local } = server.address() as { port: number };
  return {
    addr: `127.0.0.1:${local}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('bad input → typed errors, no hang', () => {
  it('malformed DQL → DgraphServerError with the server message; the txn is finished', async () => {
    const txn = client.txn();
    const err = await txn.query(`{ all(func: eq(${NAME}, "x") { uid }`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DgraphServerError);
    expect((err as Error).message).toMatch(/Unclosed|lexing|brackets/i);
    await expect(txn.query('{ q(func: has(x)) { uid } }')).rejects.toBeInstanceOf(TxnFinishedError);
  });

  it('invalid schema → DgraphServerError', async () => {
    const err = await client.alter(new Operation({ schema: `${NAME}: strin .` })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DgraphServerError);
    expect((err as Error).message).toMatch(/Undefined Type|strin/);
  });

  it('invalid mutation payload → DgraphServerError', async () => {
    const err = await client
      .txn()
      .mutate({ setNquads: 'this is not an nquad', commitNow: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DgraphServerError);
  });

  it('bad arguments are UsageErrors with a specific code, before any I/O, with the caller frames', async () => {
    const proxy = await startGrpcProxy(addr, { tls: false });
    const c = new DgraphClient(new DgraphClientStub(`127.0.0.1:${proxy.port}`));
    try {
      const bad: Array<[() => Promise<unknown>, string]> = [
        [() => c.txn().query(42 as never), 'ERR_INVALID_ARGUMENT'],
        [() => c.alter({ schema: 5 } as never), 'ERR_INVALID_ARGUMENT'],
        [() => c.alter({ schema_: 'x' } as never), 'ERR_UNKNOWN_OPTION'],
        [() => c.runDql(''), 'ERR_INVALID_ARGUMENT'],
        [() => c.runDql('{ q() }', { respFormat: 'XML' as never }), 'ERR_INVALID_ARGUMENT'],
        [() => c.txn().query('{ q(func: has(x)) { uid } }', { timeout: Number.NaN }), 'ERR_INVALID_TIMEOUT'],
        [() => c.login('groot', 'pw', -1), 'ERR_INVALID_ARGUMENT'],
        [() => c.dropPredicate(''), 'ERR_INVALID_ARGUMENT'],
        [() => c.dropType(''), 'ERR_INVALID_ARGUMENT'],
        [() => c.setSchema(''), 'ERR_INVALID_ARGUMENT'],
        [() => c.allocateUids(0), 'ERR_INVALID_ARGUMENT'],
        [() => c.txn().mutate({ set_obj: {} } as never), 'ERR_UNKNOWN_OPTION'],
        [() => c.txn().mutate({}), 'ERR_EMPTY_MUTATION'],
        [() => c.txn().query('{}', { metadata: [['k']] }), 'ERR_INVALID_METADATA'],
        [() => c.retryLogin(), 'ERR_NOT_LOGGED_IN'],
      ];
      for (const [call, code] of bad) {
        const err = await call().catch((e: unknown) => e);
        expect(err, code).toBeInstanceOf(UsageError);
        expect((err as UsageError).code).toBe(code);
        expect((err as Error).stack).toContain('errors.test.ts');
      }
      expect(proxy.calls).toEqual([]);
    } finally {
      c.close();
      await proxy.close();
    }
  });

  it("wrong port (Dgraph's HTTP port) → ConnectionError with a gRPC-port hint", async () => {
    const info = await useServer('dgraph');
    const http = (info.http as string | undefined) ?? addr.replace(/:\d+$/, ':8080');
    const httpAddr = http.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const wrong = new DgraphClient(new DgraphClientStub(httpAddr));
    try {
      const started = Date.now();
      const err = await wrong.checkVersion().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as Error).message).toMatch(/gRPC port/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      wrong.close();
    }
  });

  it('closed port → UnavailableError quickly', async () => {
    const fwd = await forwarder(addr);
    await fwd.stop();
    const dead = new DgraphClient(new DgraphClientStub(fwd.addr));
    try {
      const started = Date.now();
      const err = await dead
        .txn()
        .query('{ q(func: has(x)) { uid } }')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toContain(fwd.addr);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      dead.close();
    }
  });

  it('unreachable host → ConnectionError within the connect timeout', async () => {
    const silent = await silentHost();
    after(silent.close);
    for (const target of [silent.addr, 'no-such-host.invalid:9080']) {
      const dead = new DgraphClient(new DgraphClientStub(target, undefined, { connectTimeout: 1 }));
      try {
        const started = Date.now();
        const err = await dead.checkVersion().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConnectionError);
        expect((err as Error).message).toContain(target);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        dead.close();
      }
    }
  });
});

describe('several stubs', () => {
  it('spreads calls and keeps working when one alpha stops', async () => {
    const fwd = await forwarder(addr);
    const viaProxy = new DgraphClientStub(fwd.addr);
    const direct = new DgraphClientStub(addr);
    const multi = new DgraphClient(viaProxy, direct);
    try {
      for (let i = 0; i < 4; i++) expect(await multi.checkVersion()).toMatch(/^v/);
      const q = `{ q(func: has(${NAME})) { count(uid) } }`;
      const expected = (await client.txn({ readOnly: true }).query(q)).data;
      await fwd.stop();
      // Reads fail over at once (safe to resend); the failure marks the stopped stub down, so the
      // writes and commits that follow go to the live alpha. (A write in flight at the very moment
      // a connection drops is not resent: it may have been applied.)
      for (let i = 0; i < 4; i++) {
        const res = await multi.txn({ readOnly: true }).query(q);
        expect(res.data).toEqual(expected);
      }
      for (let i = 0; i < 6; i++) {
        await multi.txn().mutate({ setObj: { [NAME]: `multi-${i}` }, commitNow: true });
        const txn = multi.txn();
        await txn.mutate({ setObj: { [NAME]: `multi-txn-${i}` } });
        await txn.commit();
        const res = await multi
          .txn({ readOnly: true })
          .query(`{ q(func: eq(${NAME}, "multi-${i}")) { ${NAME} } }`);
        expect(res.data.q).toHaveLength(1);
      }
      expect(viaProxy.downUntil).toBeGreaterThan(0);
    } finally {
      multi.close();
    }
    expect(viaProxy.closed && direct.closed).toBe(true);
  });

  it('spreads calls over stubs round-robin: 9 calls over 3 alphas are 3 on each', async () => {
    const proxies = await Promise.all([0, 1, 2].map(() => startGrpcProxy(addr, { tls: false })));
    const multi = new DgraphClient(...proxies.map((p) => new DgraphClientStub(`127.0.0.1:${p.port}`)));
    try {
      for (let i = 0; i < 6; i++) expect(await multi.checkVersion()).toMatch(/^v25/);
      for (let i = 0; i < 3; i++)
        await multi.txn({ readOnly: true }).query(`{ q(func: has(${NAME})) { uid } }`);
      expect(proxies.map((p) => p.calls.map((c) => c.path))).toEqual(
        Array(3).fill(['/api.Dgraph/CheckVersion', '/api.Dgraph/CheckVersion', '/api.Dgraph/Query']),
      );
    } finally {
      multi.close();
      await Promise.all(proxies.map((p) => p.close()));
    }
  });

  it('a client whose stubs are all closed refuses calls with UsageError', async () => {
    const s = new DgraphClientStub(addr);
    const c = new DgraphClient(s);
    s.close();
    await expect(c.checkVersion()).rejects.toBeInstanceOf(UsageError);
  });
});

describe('cancellation while connecting', () => {
  it('an AbortSignal ends a call still waiting for its connection (AbortSignal.timeout → TimeoutError)', async () => {
    const silent = await silentHost();
    after(silent.close);
    const dead = new DgraphClient(new DgraphClientStub(silent.addr, undefined, { connectTimeout: 30 }));
    try {
      const started = Date.now();
      const err = await dead.checkVersion({ signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const cancelled = await dead.checkVersion({ signal: controller.signal }).catch((e: unknown) => e);
      expect(cancelled).toBeInstanceOf(CancelledError);
      expect((cancelled as Error).stack).toContain('called from');
    } finally {
      dead.close();
    }
  });
});
