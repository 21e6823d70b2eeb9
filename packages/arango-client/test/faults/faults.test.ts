/**
 * Broken connections never hang and are retried only when safe: keep-alive sockets closed by the
 * server (arangojs #791), responses cut in the middle, stalled servers, refused hosts. Uses raw TCP
 * servers for byte-exact misbehaviour and the shared TCP fault proxy in front of a replay server.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { CancelledError, ConnectionError, TimeoutError } from '@dbwire/core';
import { FaultProxy } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer } from '../../../../tooling/servers/src/arango/index.js';
import { ArangoClient } from '../../src/index.js';

const DOC = JSON.stringify({ _key: 'k', _id: 'c/k', _rev: '_r' });

/** A tiny HTTP/1.1 server whose behaviour per request is scripted by `onRequest(nth on socket, socket)`. */
async function rawServer(onRequest: (nthOnSocket: number, socket: Socket, head: string) => void): Promise<{
  url: string;
  requests: string[];
  close(): Promise<void>;
}> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let n = 0;
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.slice(0, end);
        const len = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        requests.push(head.split('\r\n')[0] as string);
        onRequest(++n, socket, head);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function ok(socket: Socket, body = DOC): void {
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`,
  );
}

describe('keep-alive resets', () => {
  it('a GET on a pooled socket the server closes is retried once on a fresh socket', async () => {
    // Every socket answers its first request, then closes when the second arrives (idle-close race).
    const srv = await rawServer((n, socket) => (n === 1 ? ok(socket) : socket.destroy()));
    const client = new ArangoClient({ hosts: srv.url, poolSize: 1 });
    try {
      const col = (await client.db('_system')).collection('c');
      expect(await col.get('k')).toMatchObject({ _key: 'k' });
      expect(await col.get('k')).toMatchObject({ _key: 'k' });
      expect(srv.requests).toHaveLength(3); // 1, then 2 (closed) and its single retry
    } finally {
      await client.close();
      await srv.close();
    }
  });

  it('a POST on such a socket is not repeated: it fails with a typed, non-retryable ConnectionError', async () => {
    const srv = await rawServer((n, socket) => (n === 1 ? ok(socket) : socket.destroy()));
    const client = new ArangoClient({ hosts: srv.url, poolSize: 1 });
    try {
      const col = (await client.db('_system')).collection('c');
      await col.get('k');
      const err = await col.insert({ a: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).retryable).toBe(false);
      expect((err as Error).stack).toContain('faults.test.ts');
      expect(srv.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});

describe('cursor batches', () => {
  const cursorServer = (withBatchIds: boolean) =>
    rawServer((n, socket, head) => {
      if (n >= 2) return socket.destroy(); // the pooled socket dies under the batch fetch
      const first = head.startsWith('POST /_db/_system/_api/cursor HTTP');
      const body = first
        ? { result: [1], hasMore: true, id: '1', ...(withBatchIds ? { nextBatchId: '2' } : {}) }
        : { result: [2], hasMore: false, id: '1' };
      ok(socket, JSON.stringify(body));
    });

  it('with allowRetry a batch fetch cut by a reset is fetched again by its batch id', async () => {
    const srv = await cursorServer(true);
    const client = new ArangoClient({ hosts: srv.url, poolSize: 1 });
    try {
      const cursor = await (await client.db('_system')).aql.execute<number>('FOR i IN 1..2 RETURN i', {
        allowRetry: true,
      });
      expect(await cursor.all()).toEqual([1, 2]);
      expect(srv.requests).toEqual([
        'POST /_db/_system/_api/cursor HTTP/1.1',
        'POST /_db/_system/_api/cursor/1/2 HTTP/1.1',
        'POST /_db/_system/_api/cursor/1/2 HTTP/1.1',
      ]);
    } finally {
      await client.close();
      await srv.close();
    }
  });

  it('without allowRetry the fetch is not repeated (the server may have moved on) and fails typed', async () => {
    const srv = await cursorServer(false);
    const client = new ArangoClient({ hosts: srv.url, poolSize: 1 });
    try {
      const cursor = await (await client.db('_system')).aql.execute<number>('FOR i IN 1..2 RETURN i');
      await expect(cursor.all()).rejects.toBeInstanceOf(ConnectionError);
      expect(srv.requests).toHaveLength(2);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});

describe('cut and stalled responses', () => {
  it('a response cut mid-body rejects (after one safe retry) instead of hanging', async () => {
    const srv = await rawServer((_n, socket) => {
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"_key":"k",`,
      );
      setTimeout(() => socket.destroy(), 5);
    });
    const client = new ArangoClient({ hosts: srv.url, requestTimeout: 5_000 });
    try {
      const started = Date.now();
      const err = await (await client.db('_system'))
        .collection('c')
        .get('k')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(srv.requests).toHaveLength(2);
    } finally {
      await client.close();
      await srv.close();
    }
  });

  it('a server that never answers hits requestTimeout, a per-call timeout or the caller signal', async () => {
    const srv = await rawServer(() => {});
    const client = new ArangoClient({ hosts: srv.url, requestTimeout: 300 });
    try {
      const col = (await client.db('_system')).collection('c');
      let started = Date.now();
      await expect(col.get('k')).rejects.toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(3_000);
      started = Date.now();
      await expect(col.get('k', { timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(1_000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await expect(col.count({ signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});

describe('through the fault proxy', () => {
  let replay: Awaited<ReturnType<typeof startReplayServer>>;
  let proxy: FaultProxy;
  beforeAll(async () => {
    replay = await startReplayServer({ port: 0 });
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: replay.port } });
  });
  afterAll(async () => {
    await proxy.close();
    await replay.close();
  });

  it('recovers after every pooled socket was cut between requests', async () => {
    const client = new ArangoClient({ hosts: `http://127.0.0.1:${proxy.port}` });
    try {
      const col = (await client.db('_system')).collection('products');
      await Promise.all(Array.from({ length: 8 }, () => col.get('70477')));
      proxy.cutAll();
      const docs = await Promise.all(Array.from({ length: 8 }, () => col.get('70477')));
      expect(docs.every((d) => d?._key === '70477')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('fails over from a refused host to the next one, for reads and writes alike (nothing was sent)', async () => {
    const dead = await rawServer(() => {});
    const deadUrl = dead.url;
    await dead.close();
    const client = new ArangoClient({ hosts: [deadUrl, `http://127.0.0.1:${proxy.port}`] });
    try {
      const db = await client.db('_system');
      expect(await db.collection('products').get('70477')).toMatchObject({ _key: '70477' });
      expect(await db.collection('products').count()).toBe(100);
    } finally {
      await client.close();
    }
  });

  it('a stalled proxy surfaces as TimeoutError and the client works again afterwards', async () => {
    const client = new ArangoClient({ hosts: `http://127.0.0.1:${proxy.port}`, requestTimeout: 300 });
    try {
      const col = (await client.db('_system')).collection('products');
      proxy.stall(2_000);
      await expect(col.get('70477')).rejects.toBeInstanceOf(TimeoutError);
      proxy.restore();
      expect(await col.get('70477')).toMatchObject({ _key: '70477' });
    } finally {
      await client.close();
    }
  });
});
