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
  return startGrpcProxy(target, { apiKeys });
}

/** What a {@link GrpcProxy} does besides forwarding. */
export interface GrpcProxyOptions {
  /** TLS with a throwaway CA (default true); false listens in plaintext (h2c), like an alpha. */
  tls?: boolean;
  /** When given, a request without one of these as `authorization` is refused (UNAUTHENTICATED). */
  apiKeys?: string[];
  /** Milliseconds to hold the server's answer to calls of this path (the call is then in flight). */
  delayMs?: (path: string) => number;
  /** Answer calls of this path with this gRPC status instead of forwarding them. */
  refuse?: (path: string) => { code: number; message: string } | undefined;
}

/** One call the proxy saw: its path, the request message (gRPC frame prefix removed), how it ended. */
export interface ProxiedCall {
  path: string;
  /** The request message bytes, once the client finished sending. */
  body: Buffer;
  /** The client reset the stream with this HTTP/2 code (8 = CANCEL), or undefined. */
  clientReset?: number;
  /** The reset was passed on to the alpha, whose stream was still open. */
  resetForwarded?: boolean;
  /** The alpha's answer reached the client (false when it was reset first). */
  answered: boolean;
}

export interface GrpcProxy extends TlsProxy {
  calls: ProxiedCall[];
  /** Resolves with the next call of `path` as soon as the proxy has its whole request. */
  nextCall(path: string): Promise<ProxiedCall>;
}

/**
 * An HTTP/2 proxy in front of a real alpha that forwards gRPC streams and shows what went over the
 * wire: every call's path and request bytes, and client-side resets (RST_STREAM CANCEL), which it
 * forwards so the alpha's own stream is cancelled too.
 */
export async function startGrpcProxy(target: string, options: GrpcProxyOptions = {}): Promise<GrpcProxy> {
  const { apiKeys, delayMs, refuse } = options;
  const secure = options.tls ?? true;
  const certs = secure ? makeCertificates() : undefined;
  const upstream = http2.connect(`http://${target}`);
  upstream.on('error', () => {});
  const seen: TlsProxy['seen'] = [];
  const calls: ProxiedCall[] = [];
  const waiting: Array<{ path: string; resolve: (c: ProxiedCall) => void }> = [];
  const onStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    seen.push({ ...headers });
    stream.on('error', () => {});
    const path = String(headers[':path']);
    const call: ProxiedCall = { path, body: Buffer.alloc(0), answered: false };
    calls.push(call);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      // One gRPC message: 1 byte compressed flag + 4 bytes length, then the message.
      call.body = Buffer.concat(chunks).subarray(5);
      const i = waiting.findIndex((w) => w.path === path);
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(call);
    });
    const auth = headers.authorization;
    const refused =
      apiKeys !== undefined && (typeof auth !== 'string' || !apiKeys.includes(auth))
        ? { code: 16, message: 'proxy: missing or wrong API key' }
        : refuse?.(path);
    if (refused) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': String(refused.code),
          'grpc-message': refused.message,
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
    stream.on('close', () => {
      if (stream.rstCode === http2.constants.NGHTTP2_NO_ERROR || call.answered) return;
      call.clientReset = stream.rstCode;
      call.resetForwarded = !req.closed;
      if (!req.closed) req.close(stream.rstCode);
    });
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('trailers', (t) => {
      trailers = t;
    });
    req.on('response', (h) => {
      const answer = () => {
        if (stream.closed || stream.destroyed) return;
        const out: http2.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') || k === ':status') out[k] = v;
        if (h['grpc-status'] !== undefined) {
          call.answered = true;
          stream.respond(out, { endStream: true });
          return;
        }
        stream.respond(out, { waitForTrailers: true });
        stream.on('wantTrailers', () => {
          const t: http2.OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(trailers)) if (!k.startsWith(':')) t[k] = v;
          call.answered = true;
          stream.sendTrailers(t);
        });
        req.pipe(stream);
      };
      const delay = delayMs?.(path) ?? 0;
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
    stream.pipe(req);
  };
  const server = certs
    ? http2.createSecureServer({ key: certs.key, cert: certs.cert }, undefined)
    : http2.createServer();
  server.on('stream', onStream);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    ca: certs?.ca ?? '',
    seen,
    calls,
    nextCall: (path) => new Promise((resolve) => waiting.push({ path, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        server.close(() => resolve());
        // Open client sessions keep the server alive; the clients under test close theirs.
        setTimeout(resolve, 500).unref();
      }),
  };
}
