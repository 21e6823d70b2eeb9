import { AuthenticationError, ProtocolError, TimeoutError } from '@dbwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, responseFrame, startFakeServer } from '../test/fake-server.js';
import { Client } from './client.js';
import { Connection } from './connection.js';
import { CacheDoesNotExistError, HandshakeError, ReconnectError, SocketError } from './errors.js';
import { featureMask, Op } from './protocol/constants.js';

let servers: FakeServer[] = [];
const conns: Connection[] = [];

afterEach(async () => {
  for (const c of conns) c.close();
  conns.length = 0;
  for (const s of servers) await s.close();
  servers = [];
});

async function server(opts: Parameters<typeof startFakeServer>[0] = {}): Promise<FakeServer> {
  const s = await startFakeServer(opts);
  servers.push(s);
  return s;
}

async function open(
  port: number,
  extra: Partial<Parameters<typeof Connection.open>[0]> = {},
): Promise<Connection> {
  const c = await Connection.open({ host: '127.0.0.1', port, connectTimeoutMs: 3000, ...extra });
  conns.push(c);
  return c;
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

describe('Connection (scripted loopback server)', () => {
  it('falls back from 1.7.1 to the version the server names, on a fresh socket', async () => {
    const s = await server({ version: [1, 4, 0] });
    const c = await open(s.port);
    expect(c.version).toEqual([1, 4, 0]);
    expect(s.handshakes.map((h) => h.version.join('.'))).toEqual(['1.7.1', '1.4.0']);
    expect(c.nodeId).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
  });

  it('a server that refuses everything ends in HandshakeError, never a loop', async () => {
    const s = await server({ version: [0, 9, 0] });
    await expect(open(s.port)).rejects.toBeInstanceOf(HandshakeError);
  });

  it('refused credentials are an AuthenticationError', async () => {
    const s = await server({ credentials: { username: 'u', password: 'right' } });
    await expect(open(s.port, { username: 'u', password: 'wrong' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const ok = await open(s.port, { username: 'u', password: 'right' });
    expect(ok.version).toEqual([1, 7, 0]);
  });

  it('matches answers to requests by id, whatever their order', async () => {
    const held: Array<{ id: bigint; body: Buffer; socket: import('node:net').Socket }> = [];
    const s = await server({
      handle: (req) => {
        held.push(req);
        if (held.length === 3) {
          for (const r of held.reverse())
            r.socket.write(responseFrame(r.id, int32(r.body.readInt32LE(0) * 10)));
        }
        return null;
      },
    });
    const c = await open(s.port);
    const read = (r: import('./binary/index.js').BinaryReader) => r.readInt32();
    const ps = [1, 2, 3].map((n) => c.request(5000, (w) => w.writeInt32(n), read));
    expect(await Promise.all(ps)).toEqual([10, 20, 30]);
  });

  it('coalesces the requests of one turn into few writes, and a throwing writer only fails its own call', async () => {
    let dataEvents = 0;
    const s = await server({ handle: () => undefined });
    const c = await open(s.port);
    const [sock] = [...s.sockets];
    sock!.on('data', () => dataEvents++);
    const ok = Array.from({ length: 200 }, () => c.request(5000, (w) => w.writeInt32(1), undefined));
    const bad = c.request(
      5000,
      (w) => {
        w.writeInt32(7);
        throw new Error('cannot encode');
      },
      undefined,
    );
    const ok2 = c.request(5000, (w) => w.writeInt32(2), undefined);
    await expect(bad).rejects.toThrow('cannot encode');
    await Promise.all([...ok, ok2]);
    expect(dataEvents).toBeLessThanOrEqual(3);
  });

  it('a server error status becomes the typed error, with status and message', async () => {
    const s = await server({ handle: () => ({ status: 1000, message: 'Cache does not exist [cacheId=1]' }) });
    const c = await open(s.port);
    const err = await c.request(Op.CACHE_GET, undefined, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheDoesNotExistError);
    expect((err as CacheDoesNotExistError).status).toBe(1000);
    expect((err as Error).message).toMatch(/Cache does not exist/);
  });

  it('a connection closed with calls in flight rejects every one with SocketError', async () => {
    const s = await server({
      handle: (req) => {
        req.socket.destroy();
        return null;
      },
    });
    const c = await open(s.port);
    const ps = [1, 2, 3].map(() => c.request(1000, undefined, undefined).catch((e: unknown) => e));
    for (const e of await Promise.all(ps)) expect(e).toBeInstanceOf(SocketError);
    expect(c.closed).toBe(true);
    await expect(c.request(1000, undefined, undefined)).rejects.toBeInstanceOf(SocketError);
  });

  it('a corrupt frame length rejects callers with ProtocolError and destroys the socket', async () => {
    const s = await server({
      handle: (req) => {
        req.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
        return null;
      },
    });
    const c = await open(s.port);
    await expect(c.request(1000, undefined, undefined)).rejects.toBeInstanceOf(ProtocolError);
    expect(c.closed).toBe(true);
  });

  it('answers to unknown ids are ignored; a timed-out call does not desynchronise the stream', async () => {
    let n = 0;
    const s = await server({
      handle: (req) => {
        n++;
        if (n === 1) {
          setTimeout(() => req.socket.write(responseFrame(req.id, int32(111))), 150);
          return null;
        }
        req.socket.write(responseFrame(987654n, int32(0))); // nobody asked
        return int32(222);
      },
    });
    const c = await open(s.port);
    const read = (r: import('./binary/index.js').BinaryReader) => r.readInt32();
    await expect(c.request(1000, undefined, read, { timeout: 50 })).rejects.toBeInstanceOf(TimeoutError);
    await new Promise((r) => setTimeout(r, 200));
    expect(await c.request(1000, undefined, read)).toBe(222);
  });

  it('sends heartbeats when the server announces the feature and an idle timeout', async () => {
    let heartbeats = 0;
    const s = await server({
      features: featureMask([11]),
      handle: (req) => {
        if (req.op === Op.GET_IDLE_TIMEOUT) {
          const b = Buffer.alloc(8);
          b.writeBigInt64LE(300n);
          return b;
        }
        if (req.op === Op.HEARTBEAT) heartbeats++;
        return undefined;
      },
    });
    const c = await open(s.port);
    expect(c.hasFeature(11)).toBe(true);
    await new Promise((r) => setTimeout(r, 450));
    expect(heartbeats).toBeGreaterThanOrEqual(2);
  });

  it('a server that stops answering heartbeats fails the pending calls with SocketError', async () => {
    const s = await server({
      features: featureMask([11]),
      handle: (req) => (req.op === Op.GET_IDLE_TIMEOUT ? Buffer.alloc(8) : null), // then silence
    });
    const c = await open(s.port, { heartbeatIntervalMs: 150 });
    const stuck = c.request(1000, undefined, undefined).catch((e: unknown) => e);
    const err = await stuck;
    expect(err).toBeInstanceOf(SocketError);
    expect((err as Error).message).toMatch(/stopped answering/);
    expect(c.closed).toBe(true);
  });
});

describe('Client failover (scripted servers)', () => {
  it('moves to the next node after a break and throws ReconnectError when none answers', async () => {
    const a = await server({ handle: () => int32(1) });
    const b = await server({ handle: () => int32(2) });
    const client = new Client();
    await client.connect([
      ['127.0.0.1', a.port],
      ['127.0.0.1', b.port],
    ]);
    const read = (r: import('./binary/index.js').BinaryReader) => r.readInt32();
    expect(await client._request(1, undefined, read)).toBe(1);
    await a.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await client._request(1, undefined, read)).toBe(2);
    await b.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(client._request(1, undefined, read)).rejects.toBeInstanceOf(ReconnectError);
    await client.close();
  });
});
