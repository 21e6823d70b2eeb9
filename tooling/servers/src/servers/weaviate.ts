/**
 * Weaviate v1.39.0 test servers, built from source with `go install` into the cache; no vectorizer by
 * default, offline modules only, fresh data dir per start.
 *
 * | server          | REST | gRPC  | gossip/data | raft/raft RPC | auth                                 |
 * |-----------------|------|-------|-------------|---------------|--------------------------------------|
 * | 'weaviate'      | 8081 | 50051 | 7100/7101   | 8300/8301     | anonymous access                     |
 * | 'weaviate-auth' | 8082 | 50052 | 7102/7103   | 8302/8303     | API key `test-secret-key` (admin)    |
 *
 * REST and gossip bind 127.0.0.1; gRPC listens on all interfaces (Weaviate has no setting for its
 * address). pprof (6060) and Prometheus (2112) are off.
 *
 * Docker mode: `WEAVIATE_URL` (+ `WEAVIATE_GRPC`) for 'weaviate'; `WEAVIATE_AUTH_URL` +
 * `WEAVIATE_API_KEY` (+ `WEAVIATE_AUTH_GRPC`) for 'weaviate-auth'.
 */
import { closeSync, existsSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { withLock } from '../lock.js';
import { binDir, cacheRoot, ensureDir, runDir } from '../paths.js';
import { httpOk, tcpOpen } from '../probe.js';
import { run, runAsync, spawnServerProcess } from '../process.js';
import type { Logger, ServerDef, ServerInfo, ServerName } from '../types.js';

export const WEAVIATE_VERSION = 'v1.39.0';
const WEAVIATE_MODULE = 'github.com/weaviate/weaviate';
const WEAVIATE_PKG = `${WEAVIATE_MODULE}/cmd/weaviate-server`;
export const WEAVIATE_API_KEY = 'test-secret-key';
export const WEAVIATE_API_USER = 'admin@dbwire.test';

export const weaviateBinary = (): string => join(binDir, 'weaviate-server');

interface Layout {
  name: ServerName;
  http: number;
  grpc: number;
  gossip: number;
  raft: number;
  auth: boolean;
}

const layouts: Record<'weaviate' | 'weaviate-auth', Layout> = {
  weaviate: { name: 'weaviate', http: 8081, grpc: 50051, gossip: 7100, raft: 8300, auth: false },
  'weaviate-auth': { name: 'weaviate-auth', http: 8082, grpc: 50052, gossip: 7102, raft: 8302, auth: true },
};

/** True when the file contains `needle` (read in chunks: the binary is ~140 MB). */
function fileContains(path: string, needle: string): boolean {
  const pattern = Buffer.from(needle, 'utf8');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return false;
      const window = Buffer.concat([carry, chunk.subarray(0, n)]);
      if (window.includes(pattern)) return true;
      carry = window.subarray(Math.max(0, window.length - pattern.length + 1));
    }
  } finally {
    closeSync(fd);
  }
}

/** The Go build info embedded in the binary names the module version it was built from. */
function hasPinnedBinary(): boolean {
  const bin = weaviateBinary();
  return existsSync(bin) && fileContains(bin, `mod\t${WEAVIATE_MODULE}\t${WEAVIATE_VERSION}\t`);
}

function goFlags(): string {
  const existing = process.env.GOFLAGS ?? '';
  return existing.includes('-modcacherw') ? existing : `${existing} -modcacherw`.trim();
}

async function provisionWeaviate(log: Logger): Promise<void> {
  if (hasPinnedBinary()) return;
  await withLock('build-weaviate', async () => {
    if (hasPinnedBinary()) return;
    try {
      run('go', ['version']);
    } catch {
      throw new Error(
        `Weaviate ${WEAVIATE_VERSION} must be built from source and "go" (1.26+) is not on PATH; install Go or point WEAVIATE_URL at a running Weaviate`,
      );
    }
    ensureDir(binDir);
    const logFile = join(ensureDir(join(cacheRoot, 'logs')), 'weaviate-build.log');
    log(
      `[weaviate] building ${WEAVIATE_VERSION} with go install (first time: 5-25 minutes); log: ${logFile}`,
    );
    const started = Date.now();
    await runAsync(
      'go',
      ['install', '-tags', 'netgo', '-ldflags', '-s -w', `${WEAVIATE_PKG}@${WEAVIATE_VERSION}`],
      {
        cwd: ensureDir(cacheRoot),
        logFile,
        env: { CGO_ENABLED: '0', GOBIN: binDir, GOTOOLCHAIN: 'auto', GOFLAGS: goFlags(), GOWORK: 'off' },
      },
    );
    if (!hasPinnedBinary()) {
      throw new Error(
        `go install finished but ${weaviateBinary()} does not carry ${WEAVIATE_MODULE} ${WEAVIATE_VERSION}`,
      );
    }
    log(`[weaviate] built ${WEAVIATE_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

function weaviateEnv(layout: Layout, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PERSISTENCE_DATA_PATH: join(dir, 'data'),
    BACKUP_FILESYSTEM_PATH: join(dir, 'backups'),
    DEFAULT_VECTORIZER_MODULE: 'none',
    ENABLE_MODULES: 'backup-filesystem,text2vec-bigram,generative-dummy,reranker-dummy',
    CLUSTER_HOSTNAME: 'node1',
    CLUSTER_IN_LOCALHOST: 'true',
    CLUSTER_ADVERTISE_ADDR: '127.0.0.1',
    CLUSTER_BIND_ADDR: '127.0.0.1',
    CLUSTER_GOSSIP_BIND_PORT: String(layout.gossip),
    CLUSTER_DATA_BIND_PORT: String(layout.gossip + 1),
    RAFT_PORT: String(layout.raft),
    RAFT_INTERNAL_RPC_PORT: String(layout.raft + 1),
    RAFT_BOOTSTRAP_EXPECT: '1',
    // Single node: no need for the production 5x raft timeouts (saves ~7 s per start).
    RAFT_TIMEOUTS_MULTIPLIER: '1',
    GRPC_PORT: String(layout.grpc),
    DISABLE_TELEMETRY: 'true',
    GO_PROFILING_DISABLE: 'true',
    PROMETHEUS_MONITORING_ENABLED: 'false',
    LIMIT_RESOURCES: 'true',
    DISK_USE_WARNING_PERCENTAGE: '100',
    DISK_USE_READONLY_PERCENTAGE: '100',
    QUERY_DEFAULTS_LIMIT: '25',
    LOG_LEVEL: 'info',
  };
  if (layout.auth) {
    Object.assign(env, {
      AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'false',
      AUTHENTICATION_APIKEY_ENABLED: 'true',
      AUTHENTICATION_APIKEY_ALLOWED_KEYS: WEAVIATE_API_KEY,
      AUTHENTICATION_APIKEY_USERS: WEAVIATE_API_USER,
      AUTHORIZATION_ADMINLIST_ENABLED: 'true',
      AUTHORIZATION_ADMINLIST_USERS: WEAVIATE_API_USER,
    });
  } else {
    env.AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED = 'true';
  }
  return env;
}

async function startWeaviate(layout: Layout, log: Logger): Promise<void> {
  const used = [layout.http, layout.grpc, layout.gossip, layout.gossip + 1, layout.raft, layout.raft + 1];
  for (const port of used) {
    if (await tcpOpen(port)) {
      throw new Error(`${layout.name}: port ${port} is already in use (another Weaviate or server running?)`);
    }
  }
  const dir = runDir(layout.name);
  for (const d of ['data', 'backups']) rmSync(join(dir, d), { recursive: true, force: true });
  ensureDir(join(dir, 'data'));
  ensureDir(join(dir, 'backups'));
  rmSync(join(dir, 'weaviate.log'), { force: true });
  spawnServerProcess(
    layout.name,
    weaviateBinary(),
    ['--host', '127.0.0.1', '--port', String(layout.http), '--scheme', 'http'],
    { log: 'weaviate.log', cwd: dir, env: weaviateEnv(layout, dir) },
  );
  log(`[${layout.name}] starting on http://127.0.0.1:${layout.http}, gRPC ${layout.grpc}`);
}

/** Reads varint field `field` of a protobuf message (0 when absent, as proto3 does). */
function readVarintField(buf: Buffer, field: number): number {
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
    if (wire === 0) {
      const v = varint();
      if (Math.floor(key / 8) === field) return v;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) pos += varint();
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return 0;
}

/** `grpc.health.v1.Health/Check` for the whole server: true when SERVING (1). */
export function grpcHealthServing(
  address: string,
  metadata = new grpc.Metadata(),
  timeoutMs = 3000,
): Promise<boolean> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<boolean>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      metadata,
      { deadline: Date.now() + timeoutMs },
      (err, res) => {
        if (err) reject(err);
        else resolve(readVarintField(res ?? Buffer.alloc(0), 1) === 1);
      },
    );
  }).finally(() => client.close());
}

async function weaviateReady(layout: Layout): Promise<boolean> {
  if (!(await httpOk(`http://127.0.0.1:${layout.http}/v1/.well-known/ready`))) return false;
  const md = new grpc.Metadata();
  if (layout.auth) md.set('authorization', `Bearer ${WEAVIATE_API_KEY}`);
  return grpcHealthServing(`127.0.0.1:${layout.grpc}`, md);
}

function localInfo(layout: Layout): ServerInfo {
  const url = `http://127.0.0.1:${layout.http}`;
  const info: ServerInfo = {
    name: layout.name,
    external: false,
    endpoints: [url],
    url,
    grpc: `127.0.0.1:${layout.grpc}`,
  };
  if (layout.auth) {
    info.apiKey = WEAVIATE_API_KEY;
    info.user = WEAVIATE_API_USER;
  }
  return info;
}

/** host:port for gRPC when only the REST URL is given: same host, the default gRPC port. */
function grpcFromUrl(url: string, port: number): string {
  try {
    return `${new URL(url).hostname}:${port}`;
  } catch {
    throw new Error(`not a URL: "${url}" (expected e.g. http://localhost:8080)`);
  }
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
    provision: provisionWeaviate,
    start: (log) => startWeaviate(layout, log),
    ready: () => weaviateReady(layout),
    readyTimeoutMs: 120_000,
    info: () => localInfo(layout),
  };
}

export const weaviateServers: ServerDef[] = [
  makeDef(
    layouts.weaviate,
    `Weaviate ${WEAVIATE_VERSION} (REST 8081, gRPC 50051), anonymous access, no vectorizer`,
    () => {
      const url = process.env.WEAVIATE_URL;
      if (!url) {
        if (process.env.WEAVIATE_GRPC) throw new Error('WEAVIATE_GRPC is set without WEAVIATE_URL');
        return undefined;
      }
      return {
        name: 'weaviate',
        external: true,
        endpoints: [url],
        url,
        grpc: process.env.WEAVIATE_GRPC ?? grpcFromUrl(url, 50051),
      };
    },
    ['WEAVIATE_URL', 'WEAVIATE_GRPC'],
  ),
  makeDef(
    layouts['weaviate-auth'],
    `Weaviate ${WEAVIATE_VERSION} (REST 8082, gRPC 50052), API key auth, anonymous access off`,
    () => {
      const url = process.env.WEAVIATE_AUTH_URL;
      const apiKey = process.env.WEAVIATE_API_KEY;
      if (!url) return undefined;
      if (!apiKey) throw new Error('WEAVIATE_AUTH_URL is set but WEAVIATE_API_KEY is not');
      return {
        name: 'weaviate-auth',
        external: true,
        endpoints: [url],
        url,
        grpc: process.env.WEAVIATE_AUTH_GRPC ?? grpcFromUrl(url, 50051),
        apiKey,
      };
    },
    ['WEAVIATE_AUTH_URL', 'WEAVIATE_API_KEY', 'WEAVIATE_AUTH_GRPC'],
  ),
];
