import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A reverse TLS proxy in front of a real Dgraph alpha, like the ones the seed's "Authenticating to a
 * reverse TLS proxy" section talks about: HTTP/2 over TLS with a throwaway CA, requiring an
 * `authorization` header, forwarding gRPC streams (headers, data, trailers) to the plaintext alpha.
 * It records the request headers it saw so tests can check what the client sent.
 */
export interface TlsProxy {
  port: number;
  ca: string;
  seen: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

export function makeCertificates(): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dbwire-dgraph-tls-'));
  try {
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=dbwire test CA',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'srv.key',
      '-out',
      'srv.csr',
      '-subj',
      '/CN=localhost',
    ]);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    run([
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.crt',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), key: read('srv.key'), cert: read('srv.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startTlsProxy(target: string, apiKeys: string[]): Promise<TlsProxy> {
  const { ca, key, cert } = makeCertificates();
  const upstream = http2.connect(`http://${target}`);
  upstream.on('error', () => {});
  const seen: TlsProxy['seen'] = [];
  const server = http2.createSecureServer({ key, cert });
  server.on('stream', (stream, headers) => {
    seen.push({ ...headers });
    stream.on('error', () => {});
    const auth = headers.authorization;
    if (typeof auth !== 'string' || !apiKeys.includes(auth)) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'proxy: missing or wrong API key',
        },
        { endStream: true },
      );
      return;
    }
    const forward: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) {
      if (k === ':authority' || k === ':scheme' || k === 'authorization') continue;
      forward[k] = v;
    }
    const req = upstream.request(forward);
    req.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('trailers', (t) => {
      trailers = t;
    });
    req.on('response', (h) => {
      const out: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') || k === ':status') out[k] = v;
      if (h['grpc-status'] !== undefined) {
        stream.respond(out, { endStream: true });
        return;
      }
      stream.respond(out, { waitForTrailers: true });
      stream.on('wantTrailers', () => {
        const t: http2.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(trailers)) if (!k.startsWith(':')) t[k] = v;
        stream.sendTrailers(t);
      });
      req.pipe(stream);
    });
    stream.pipe(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    ca,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        server.close(() => resolve());
        // Open client sessions keep the server alive; the clients under test close theirs.
        setTimeout(resolve, 500).unref();
      }),
  };
}
