import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';

/** An echo server that also records everything it received. */
async function echoServer(): Promise<{ server: Server; port: number; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => {
      chunks.push(d);
      s.write(d);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    received: () => Buffer.concat(chunks),
  };
}

async function client(port: number): Promise<{ socket: Socket; data: () => Buffer; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (d) => chunks.push(d));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await once(socket, 'connect');
  return { socket, data: () => Buffer.concat(chunks), closed };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FaultProxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: echo.port } });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((r) => echo.server.close(r));
  });

  it('forwards bytes both ways and counts connections', async () => {
    const c = await client(proxy.port);
    await until(() => proxy.connections === 1);
    c.socket.write('hello');
    await until(() => c.data().toString() === 'hello');
    expect(proxy.stats).toMatchObject({ up: 5, down: 5, accepted: 1 });
    c.socket.end();
    await c.closed;
    await until(() => proxy.connections === 0);
  });

  it('cutAll destroys every live pair', async () => {
    const a = await client(proxy.port);
    const b = await client(proxy.port);
    await until(() => proxy.connections === 2);
    proxy.cutAll();
    await Promise.all([a.closed, b.closed]);
    expect(proxy.connections).toBe(0);
    const c = await client(proxy.port);
    c.socket.write('again');
    await until(() => c.data().toString() === 'again');
    c.socket.destroy();
  });

  it('stall holds bytes for the given time, then flushes them in order', async () => {
    const c = await client(proxy.port);
    proxy.stall(300);
    const started = Date.now();
    c.socket.write('one,');
    c.socket.write('two');
    await sleep(150);
    expect(c.data().length).toBe(0);
    expect(echo.received().length).toBe(0);
    await until(() => c.data().toString() === 'one,two');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    c.socket.destroy();
  });

  it('restore ends a stall at once', async () => {
    const c = await client(proxy.port);
    proxy.stall(60_000);
    c.socket.write('held');
    await sleep(50);
    expect(c.data().length).toBe(0);
    proxy.restore();
    await until(() => c.data().toString() === 'held');
    c.socket.destroy();
  });

  it('dropAfter(n, up) lets n bytes reach the server, then drops silently', async () => {
    const c = await client(proxy.port);
    proxy.dropAfter(4, 'up');
    c.socket.write('abcdefgh');
    await until(() => c.data().toString() === 'abcd');
    await sleep(50);
    expect(echo.received().toString()).toBe('abcd');
    expect(c.socket.destroyed).toBe(false);
    c.socket.write('more');
    await sleep(50);
    expect(echo.received().toString()).toBe('abcd');
    c.socket.destroy();
  });

  it('dropAfter(n, down) lets the server receive everything but the client only n bytes', async () => {
    const c = await client(proxy.port);
    proxy.dropAfter(3, 'down');
    c.socket.write('123456');
    await until(() => echo.received().toString() === '123456');
    await sleep(50);
    expect(c.data().toString()).toBe('123');
    c.socket.destroy();
  });

  it('corruptAfter flips the bits of every byte after n', async () => {
    const c = await client(proxy.port);
    proxy.corruptAfter(2, 'down');
    c.socket.write(Buffer.from([1, 2, 3, 4]));
    await until(() => c.data().length === 4);
    expect([...c.data()]).toEqual([1, 2, 3 ^ 0xff, 4 ^ 0xff]);
    expect([...echo.received()]).toEqual([1, 2, 3, 4]);
    proxy.restore();
    c.socket.write(Buffer.from([5]));
    await until(() => c.data().length === 5);
    expect(c.data()[4]).toBe(5);
    c.socket.destroy();
  });

  it('refuseNew resets new connections and leaves live ones alone', async () => {
    const live = await client(proxy.port);
    proxy.refuseNew();
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    const outcome = await new Promise<string>((resolve) => {
      refused.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      refused.on('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed', 'EPIPE']).toContain(outcome);
    expect(proxy.stats.refused).toBe(1);
    live.socket.write('still');
    await until(() => live.data().toString() === 'still');
    proxy.refuseNew(false);
    const c = await client(proxy.port);
    c.socket.write('ok');
    await until(() => c.data().toString() === 'ok');
    live.socket.destroy();
    c.socket.destroy();
  });

  it('rejects bad arguments with typed errors', async () => {
    expect(() => proxy.dropAfter(-1)).toThrow(RangeError);
    expect(() => proxy.corruptAfter(1.5)).toThrow(RangeError);
    expect(() => proxy.dropAfter(1, 'sideways' as never)).toThrow(TypeError);
    expect(() => proxy.stall(Number.NaN)).toThrow(RangeError);
    await expect(FaultProxy.start({ target: { host: '127.0.0.1' } as never })).rejects.toThrow(TypeError);
  });
});
