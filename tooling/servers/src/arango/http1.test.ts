import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttp1Server, type Http1Request, type Http1Server } from './http1.js';

let http: Http1Server;
let port: number;
const seen: Http1Request[] = [];

beforeAll(async () => {
  http = createHttp1Server((req) => {
    seen.push(req);
    const body = Buffer.from(
      JSON.stringify({ method: req.method, url: req.url, body: req.body?.toString() ?? null }),
    );
    return {
      status: req.url === '/empty' ? 204 : 200,
      headers: { 'content-type': 'application/json' },
      body,
    };
  });
  http.server.listen(0, '127.0.0.1');
  await once(http.server, 'listening');
  const a = http.server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});

afterAll(async () => {
  http.destroyAll();
  await new Promise((r) => http.server.close(r));
});

/** Sends raw bytes (optionally in pieces) and collects everything until the server closes or `ms` pass. */
async function raw(pieces: string[], ms = 300): Promise<string> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (d) => chunks.push(d));
  const ended = once(socket, 'end');
  for (const p of pieces) {
    socket.write(p);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.race([ended, new Promise((r) => setTimeout(r, ms))]);
  socket.destroy();
  return Buffer.concat(chunks).toString();
}

describe('http1 server', () => {
  it('serves undici requests with and without bodies over keep-alive', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await request(`http://127.0.0.1:${port}/a?i=${i}`, { method: 'POST', body: `{"i":${i}}` });
      expect(r.statusCode).toBe(200);
      expect(await r.body.json()).toEqual({ method: 'POST', url: `/a?i=${i}`, body: `{"i":${i}}` });
    }
    const g = await request(`http://127.0.0.1:${port}/g`);
    expect(await g.body.json()).toEqual({ method: 'GET', url: '/g', body: null });
    const e = await request(`http://127.0.0.1:${port}/empty`);
    expect(e.statusCode).toBe(204);
    expect(await e.body.text()).toBe('');
  });

  it('receives a large body that arrives in many packets', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const r = await request(`http://127.0.0.1:${port}/big`, { method: 'POST', body: big });
    const answer = (await r.body.json()) as { body: string };
    expect(answer.body.length).toBe(big.length);
  });

  it('answers pipelined requests in order, including a body split across packets', async () => {
    const out = await raw([
      'GET /one HTTP/1.1\r\nhost: x\r\n\r\nPOST /two HTTP/1.1\r\nhost: x\r\ncontent-length: 7\r\n\r\n{"a"',
      ':1}GET /three HTTP/1.1\r\nhost: x\r\n\r\n',
    ]);
    const order = [...out.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['/one', '/two', '/three']);
    expect(out).toContain('"body":"{\\"a\\":1}"');
  });

  it('decodes chunked request bodies', async () => {
    const out = await raw([
      'POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n',
      '4;ext=1\r\ndefg\r\n0\r\n\r\n',
    ]);
    expect(out).toContain('"body":"abcdefg"');
  });

  it('sends 100 Continue when asked', async () => {
    const out = await raw([
      'POST /x HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n',
      'hi',
    ]);
    expect(out.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK')).toBe(true);
  });

  it('closes after connection: close and after HTTP/1.0 without keep-alive', async () => {
    const a = await raw(['GET /bye HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'], 2000);
    expect(a).toContain('connection: close');
    const b = await raw(['GET /old HTTP/1.0\r\n\r\n'], 2000);
    expect(b).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(b).toContain('connection: close');
  });

  it('answers HEAD with the head only', async () => {
    const out = await raw(['HEAD /h HTTP/1.1\r\nhost: x\r\n\r\n']);
    expect(out).toMatch(/content-length: \d+\r\n/);
    expect(out.endsWith('\r\n\r\n')).toBe(true);
  });

  it('rejects malformed requests with 400 and closes', async () => {
    expect(await raw(['NONSENSE\r\n\r\n'], 2000)).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(await raw(['GET / HTTP/1.1\r\ncontent-length: -3\r\n\r\n'], 2000)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(['GET / HTTP/2.0\r\n\r\n'], 2000)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(['GET / HTTP/1.1\r\nno colon here\r\n\r\n'], 2000)).toMatch(/^HTTP\/1\.1 400/);
  });
});
