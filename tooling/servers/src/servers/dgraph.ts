/**
 * Dgraph v25.4.0 test servers: one zero + one alpha per variant, bound to loopback, built from source
 * with Go (the module proxy) into the cache, fresh data dir per start.
 *
 * | server       | process | gRPC | HTTP | internal | notes                                      |
 * |--------------|---------|------|------|----------|--------------------------------------------|
 * | 'dgraph'     | zero    | 5080 | 6080 |          |                                            |
 * | 'dgraph'     | alpha   | 9080 | 8080 | 7080     | no ACL                                     |
 * | 'dgraph-acl' | zero    | 5180 | 6180 |          | port offset 100 (`-o 100`)                 |
 * | 'dgraph-acl' | alpha   | 9180 | 8180 | 7180     | ACL on: groot/password, access JWT TTL 5 s |
 * | 'dgraph-tls' | zero    | 5280 | 6280 |          | port offset 200                            |
 * | 'dgraph-tls' | alpha   | 9280 | 8280 | 7280     | Dgraph's own TLS, client cert REQUIRED     |
 *
 * 'dgraph-tls' serves gRPC and HTTP over TLS with a throwaway CA made at start (openssl) and requires
 * and verifies a client certificate (`--tls client-auth-type=REQUIREANDVERIFY`): mutual TLS. Its info
 * has `caFile`, `clientCertFile`, `clientKeyFile` (PEM paths) and `otherCaFile` (a CA that signed
 * nothing the server trusts).
 *
 * Docker mode: `DGRAPH_GRPC` (+ `DGRAPH_HTTP`) for 'dgraph', `DGRAPH_ACL_GRPC` for 'dgraph-acl',
 * `DGRAPH_TLS_GRPC` + `DGRAPH_TLS_CA_FILE`, `DGRAPH_TLS_CLIENT_CERT_FILE`, `DGRAPH_TLS_CLIENT_KEY_FILE`
 * for 'dgraph-tls'.
 *
 * Build: `go install …/dgraph@v25.4.0` does not work through the proxy (it answers 403 for
 * github.com/dgraph-io/gqlgen@v1.0.0, a dependency), so tooling/servers/go/dgraph holds a wrapper module
 * that requires dgraph v25.4.0 and replaces gqlgen with v0.13.2; it is copied into the cache and built
 * there. The build is skipped when `dgraph version` already reports the pinned tag.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { withLock } from '../lock.js';
import { binDir, cacheRoot, ensureDir, runDir } from '../paths.js';
import { httpOk, tcpOpen, waitUntil } from '../probe.js';
import { run, runAsync, spawnServerProcess, stopProcesses } from '../process.js';
import type { Logger, ServerDef, ServerInfo, ServerName } from '../types.js';

export const DGRAPH_VERSION = 'v25.4.0';
const DGRAPH_PKG = 'github.com/dgraph-io/dgraph/v25/dgraph';
/** Access JWT lifetime on 'dgraph-acl'; short so suites can force expiry and refresh. */
export const DGRAPH_ACL_ACCESS_TTL_MS = 5_000;
const ACL_USER = 'groot';
const ACL_PASSWORD = 'password';

const here = dirname(fileURLToPath(import.meta.url));
/** The committed wrapper module (go.mod, go.sum, tools.go). */
const wrapperDir = resolve(here, '../../go/dgraph');
const wrapperFiles = ['go.mod', 'go.sum', 'tools.go'];

export const dgraphBinary = (): string => join(binDir, 'dgraph');

interface Layout {
  name: ServerName;
  offset: number;
  acl: boolean;
  /** Dgraph's own TLS on gRPC and HTTP, with a required client certificate. */
  tls?: boolean;
}

/** Where 'dgraph-tls' keeps its throwaway CA, server and client certificates. */
const tlsFiles = (name: ServerName) => {
  const dir = join(runDir(name), 'tls');
  const f = (n: string) => join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    caKey: f('ca.key'),
    serverCert: f('node.crt'),
    serverKey: f('node.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    otherCaFile: f('other-ca.crt'),
  };
};

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, all signed by the CA. */
function makeTlsFiles(name: ServerName): void {
  const t = tlsFiles(name);
  rmSync(t.dir, { recursive: true, force: true });
  ensureDir(t.dir);
  const ssl = (args: string[]) => run('openssl', args, { cwd: t.dir });
  const selfSigned = (key: string, crt: string, cn: string) =>
    ssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
    ]);
  selfSigned(t.caKey, t.caFile, 'dbwire dgraph-tls CA');
  selfSigned(join(t.dir, 'other-ca.key'), t.otherCaFile, 'dbwire untrusted CA');
  const signed = (key: string, crt: string, cn: string, ext: string) => {
    const csr = `${crt}.csr`;
    const extFile = `${crt}.ext`;
    writeFileSync(extFile, `${ext}\n`);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
    ssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      t.caFile,
      '-CAkey',
      t.caKey,
      '-CAcreateserial',
      '-out',
      crt,
      '-days',
      '2',
      '-extfile',
      extFile,
    ]);
  };
  signed(
    t.serverKey,
    t.serverCert,
    'localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth',
  );
  signed(t.clientKeyFile, t.clientCertFile, 'dbwire-client', 'extendedKeyUsage=clientAuth');
}

/** gRPC channel credentials for 'dgraph-tls' (verify the server, present the client certificate). */
function tlsCredentials(name: ServerName): grpc.ChannelCredentials {
  const t = tlsFiles(name);
  return grpc.credentials.createSsl(
    readFileSync(t.caFile),
    readFileSync(t.clientKeyFile),
    readFileSync(t.clientCertFile),
  );
}

const ports = (offset: number) => ({
  zeroGrpc: 5080 + offset,
  zeroHttp: 6080 + offset,
  internal: 7080 + offset,
  http: 8080 + offset,
  grpc: 9080 + offset,
});

/** The version tag `dgraph version` prints, or undefined when the binary is missing or broken. */
function installedVersion(bin: string): string | undefined {
  if (!existsSync(bin)) return undefined;
  try {
    const out = run(bin, ['version']);
    return /Dgraph version\s*:\s*(\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function goFlags(): string {
  const existing = process.env.GOFLAGS ?? '';
  return existing.includes('-modcacherw') ? existing : `${existing} -modcacherw`.trim();
}

async function provisionDgraph(log: Logger): Promise<void> {
  const bin = dgraphBinary();
  if (installedVersion(bin) === DGRAPH_VERSION) return;
  // One build for both variants, even when they are provisioned from two processes at once.
  await withLock('build-dgraph', async () => {
    if (installedVersion(bin) === DGRAPH_VERSION) return;
    try {
      run('go', ['version']);
    } catch {
      throw new Error(
        `Dgraph ${DGRAPH_VERSION} must be built from source and "go" (1.26+) is not on PATH; install Go or point DGRAPH_GRPC at a running Dgraph`,
      );
    }
    const buildDir = ensureDir(join(cacheRoot, 'build', 'dgraph'));
    for (const f of wrapperFiles) copyFileSync(join(wrapperDir, f), join(buildDir, f));
    const logFile = join(ensureDir(join(cacheRoot, 'logs')), 'dgraph-build.log');
    writeFileSync(logFile, `${new Date().toISOString()} building dgraph ${DGRAPH_VERSION} in ${buildDir}\n`);
    ensureDir(binDir);
    const tmp = `${bin}.tmp-${process.pid}`;
    log(`[dgraph] building ${DGRAPH_VERSION} with go (first time: several minutes); log: ${logFile}`);
    const started = Date.now();
    try {
      await runAsync(
        'go',
        [
          'build',
          '-o',
          tmp,
          '-ldflags',
          `-X github.com/dgraph-io/dgraph/v25/x.dgraphVersion=${DGRAPH_VERSION}`,
          DGRAPH_PKG,
        ],
        {
          cwd: buildDir,
          logFile,
          // GOTOOLCHAIN=auto: the go line asks for 1.26.5; an older local go fetches that toolchain.
          env: { GOTOOLCHAIN: 'auto', GOFLAGS: goFlags(), GOWORK: 'off' },
        },
      );
      renameSync(tmp, bin);
    } finally {
      rmSync(tmp, { force: true });
    }
    const got = installedVersion(bin);
    if (got !== DGRAPH_VERSION) {
      throw new Error(
        `built ${bin} but "dgraph version" reports ${got ?? 'nothing'}, expected ${DGRAPH_VERSION}`,
      );
    }
    log(`[dgraph] built ${DGRAPH_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

// --- minimal gRPC probes (no proto files: the messages involved are tiny) -----------------------

function encodeString(field: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2]), encodeVarint(bytes.length), bytes]);
}

function encodeVarint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** Reads length-delimited field `field` from a protobuf message (first occurrence). */
function readBytesField(buf: Buffer, field: number): Buffer | undefined {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated protobuf message');
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const wire = key & 7;
    const num = Math.floor(key / 8);
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (num === field) return buf.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return undefined;
}

function unary(
  address: string,
  method: string,
  request: Buffer,
  timeoutMs = 3000,
  credentials = grpc.credentials.createInsecure(),
): Promise<Buffer> {
  const client = new grpc.Client(address, credentials);
  return new Promise<Buffer>((resolvePromise, reject) => {
    client.makeUnaryRequest(
      method,
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, res) => {
        if (err) reject(err);
        else resolvePromise(res ?? Buffer.alloc(0));
      },
    );
  }).finally(() => client.close());
}

/** `api.Dgraph/CheckVersion`: the server's version tag. */
export async function dgraphCheckVersion(
  address: string,
  credentials?: grpc.ChannelCredentials,
): Promise<string> {
  const res = await unary(address, '/api.Dgraph/CheckVersion', Buffer.alloc(0), 3000, credentials);
  return readBytesField(res, 1)?.toString('utf8') ?? '';
}

/** `api.Dgraph/Login` with user and password; resolves when the server accepts them. */
export async function dgraphLogin(address: string, user: string, password: string): Promise<void> {
  const res = await unary(
    address,
    '/api.Dgraph/Login',
    Buffer.concat([encodeString(1, user), encodeString(2, password)]),
  );
  // Response.json (1) holds an encoded api.Jwt whose access_jwt (1) must be present.
  const jwt = readBytesField(res, 1);
  if (!jwt || !readBytesField(jwt, 1)?.length) throw new Error('Login answered without an access JWT');
}

// --- server definitions ----------------------------------------------------------------------------

function localInfo(layout: Layout): ServerInfo {
  const p = ports(layout.offset);
  const grpcAddr = `127.0.0.1:${p.grpc}`;
  const info: ServerInfo = {
    name: layout.name,
    external: false,
    endpoints: [grpcAddr],
    grpc: grpcAddr,
    http: `http://127.0.0.1:${p.http}`,
  };
  if (layout.acl) {
    info.user = ACL_USER;
    info.password = ACL_PASSWORD;
    info.accessTtlMs = DGRAPH_ACL_ACCESS_TTL_MS;
  }
  if (layout.tls) {
    const t = tlsFiles(layout.name);
    // By name: the server certificate is for localhost, and TLS server names must not be IPs.
    info.endpoints = [`localhost:${p.grpc}`];
    info.grpc = `localhost:${p.grpc}`;
    info.http = `https://localhost:${p.http}`;
    info.caFile = t.caFile;
    info.clientCertFile = t.clientCertFile;
    info.clientKeyFile = t.clientKeyFile;
    info.otherCaFile = t.otherCaFile;
  }
  return info;
}

async function startDgraph(layout: Layout, log: Logger): Promise<void> {
  const p = ports(layout.offset);
  for (const port of Object.values(p)) {
    if (await tcpOpen(port)) {
      throw new Error(`${layout.name}: port ${port} is already in use (another Dgraph or server running?)`);
    }
  }
  const dir = runDir(layout.name);
  const data = join(dir, 'data');
  rmSync(data, { recursive: true, force: true });
  ensureDir(data);
  for (const f of ['zero.log', 'alpha.log']) rmSync(join(dir, f), { force: true });
  const bin = dgraphBinary();
  const common = ['--bindall=false', '--telemetry', 'reports=false; sentry=false;', '--logtostderr'];

  spawnServerProcess(
    layout.name,
    bin,
    [
      'zero',
      `--my=localhost:${p.zeroGrpc}`,
      '-o',
      String(layout.offset),
      '--wal',
      join(data, 'zw'),
      ...common,
    ],
    { log: 'zero.log', cwd: data },
  );
  // Alpha retries zero on its own, but waiting here gives a clear error when zero cannot start.
  try {
    await waitUntil(() => httpOk(`http://127.0.0.1:${p.zeroHttp}/health`), 30_000, `${layout.name} zero`);
  } catch (err) {
    await stopProcesses(layout.name, 2000);
    throw new Error(`${(err as Error).message}; see ${join(dir, 'zero.log')}`);
  }

  const alphaArgs = [
    'alpha',
    `--my=localhost:${p.internal}`,
    `--zero=localhost:${p.zeroGrpc}`,
    '-o',
    String(layout.offset),
    '-p',
    join(data, 'p'),
    '-w',
    join(data, 'w'),
    '--tmp',
    join(data, 't'),
    '--export',
    join(data, 'export'),
    // The default cache is 4 GB; tests need little.
    '--cache',
    'size-mb=512;',
    ...common,
  ];
  if (layout.tls) {
    makeTlsFiles(layout.name);
    const t = tlsFiles(layout.name);
    alphaArgs.push(
      '--tls',
      `ca-cert=${t.caFile}; server-cert=${t.serverCert}; server-key=${t.serverKey}; client-auth-type=REQUIREANDVERIFY; use-system-ca=false;`,
    );
  }
  if (layout.acl) {
    const secret = join(data, 'acl-secret');
    writeFileSync(secret, randomBytes(32).toString('hex'), { mode: 0o600 });
    alphaArgs.push(
      '--acl',
      `secret-file=${secret}; access-ttl=${DGRAPH_ACL_ACCESS_TTL_MS / 1000}s; refresh-ttl=1h;`,
    );
  }
  spawnServerProcess(layout.name, bin, alphaArgs, { log: 'alpha.log', cwd: data });
  log(`[${layout.name}] zero on ${p.zeroGrpc}, alpha starting on gRPC ${p.grpc} / HTTP ${p.http}`);
}

async function dgraphReady(layout: Layout): Promise<boolean> {
  const p = ports(layout.offset);
  const address = `127.0.0.1:${p.grpc}`;
  // TLS with a required client certificate covers HTTP too: probe gRPC with the client certificate.
  if (layout.tls) {
    // By name: the server certificate is for localhost, and TLS server names must not be IPs.
    const tag = await dgraphCheckVersion(`localhost:${p.grpc}`, tlsCredentials(layout.name));
    return tag.startsWith('v');
  }
  if (!(await httpOk(`http://127.0.0.1:${p.http}/health`))) return false;
  // With ACL, groot appears a few seconds after the alpha turns healthy: Login is the real probe.
  if (layout.acl) await dgraphLogin(address, ACL_USER, ACL_PASSWORD);
  else await dgraphCheckVersion(address);
  return true;
}

function makeDef(
  layout: Layout,
  description: string,
  external: () => ServerInfo | undefined,
  envVars: string[],
): ServerDef {
  return {
    name: layout.name,
    description,
    envVars,
    external,
    provision: provisionDgraph,
    start: (log) => startDgraph(layout, log),
    ready: () => dgraphReady(layout),
    readyTimeoutMs: 120_000,
    info: () => localInfo(layout),
  };
}

export const dgraphServers: ServerDef[] = [
  makeDef(
    { name: 'dgraph', offset: 0, acl: false },
    `Dgraph ${DGRAPH_VERSION} zero + alpha (gRPC 9080, HTTP 8080), no ACL`,
    () => {
      const grpcAddr = process.env.DGRAPH_GRPC;
      if (!grpcAddr) {
        if (process.env.DGRAPH_HTTP)
          throw new Error('DGRAPH_HTTP is set without DGRAPH_GRPC (host:port of the alpha)');
        return undefined;
      }
      return {
        name: 'dgraph',
        external: true,
        endpoints: [grpcAddr],
        grpc: grpcAddr,
        http: process.env.DGRAPH_HTTP,
      };
    },
    ['DGRAPH_GRPC', 'DGRAPH_HTTP'],
  ),
  makeDef(
    { name: 'dgraph-acl', offset: 100, acl: true },
    `Dgraph ${DGRAPH_VERSION} zero + alpha with ACL (gRPC 9180, HTTP 8180), groot/password, access TTL 5 s`,
    () => {
      const grpcAddr = process.env.DGRAPH_ACL_GRPC;
      if (!grpcAddr) return undefined;
      return {
        name: 'dgraph-acl',
        external: true,
        endpoints: [grpcAddr],
        grpc: grpcAddr,
        user: ACL_USER,
        password: ACL_PASSWORD,
      };
    },
    ['DGRAPH_ACL_GRPC'],
  ),
  makeDef(
    { name: 'dgraph-tls', offset: 200, acl: false, tls: true },
    `Dgraph ${DGRAPH_VERSION} zero + alpha with its own TLS and required client certificates (gRPC 9280)`,
    () => {
      const grpcAddr = process.env.DGRAPH_TLS_GRPC;
      if (!grpcAddr) return undefined;
      const files = {
        caFile: process.env.DGRAPH_TLS_CA_FILE,
        clientCertFile: process.env.DGRAPH_TLS_CLIENT_CERT_FILE,
        clientKeyFile: process.env.DGRAPH_TLS_CLIENT_KEY_FILE,
      };
      for (const [k, v] of Object.entries(files)) {
        if (!v) throw new Error(`DGRAPH_TLS_GRPC is set without the ${k} env var (DGRAPH_TLS_*_FILE)`);
      }
      return { name: 'dgraph-tls', external: true, endpoints: [grpcAddr], grpc: grpcAddr, ...files };
    },
    ['DGRAPH_TLS_GRPC', 'DGRAPH_TLS_CA_FILE', 'DGRAPH_TLS_CLIENT_CERT_FILE', 'DGRAPH_TLS_CLIENT_KEY_FILE'],
  ),
];
