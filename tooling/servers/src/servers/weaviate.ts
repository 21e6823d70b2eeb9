/**
 * Weaviate v1.39.0 test servers, built from source with `go install` into the cache; offline modules
 * only, fresh data dir per start. `DEFAULT_VECTORIZER_MODULE` is `none` everywhere: a class uses a
 * vectorizer only when it names one.
 *
 * | server          | REST | gRPC  | gossip/data | raft/raft RPC | auth                                 |
 * |-----------------|------|-------|-------------|---------------|--------------------------------------|
 * | 'weaviate'      | 8081 | 8551  | 7100/7101   | 8300/8301     | anonymous access                     |
 * | 'weaviate-auth' | 8082 | 8552  | 7102/7103   | 8302/8303     | API key `test-secret-key` (admin)    |
 * | 'weaviate-oidc' | 8083 | 8553  | 7104/7105   | 8304/8305     | OIDC, local issuer (weaviate-oidc.ts) |
 * | 'weaviate-scratch' | 8084 | 8554  | 7106/7107 | 8306/8307     | anonymous access                     |
 *
 * 'weaviate-scratch' is a server any suite may wipe (`schema.deleteAll()`): every suite that uses it
 * holds `holdServerLock('weaviate-scratch')` (@dbwire/test-servers/vitest) for its whole file, so one
 * wipe never meets another suite's data. Nothing else runs on it, so the shared 'weaviate' is never
 * wiped.
 *
 * 'weaviate' also enables `text2vec-transformers`, pointed at the local inference service
 * (../t2v/server.ts) on 127.0.0.1:8090, started before Weaviate and stopped with it; its embeddings
 * are the documented deterministic function `embedText` (../t2v/embedding.ts, exported as
 * `@dbwire/test-servers/t2v`). `useServer('weaviate')` info carries `inferenceUrl`.
 *
 * REST and gossip bind 127.0.0.1; gRPC listens on all interfaces (Weaviate has no setting for its
 * address). pprof (6060) and Prometheus (2112) are off.
 *
 * The gRPC ports are not Weaviate's usual 50051+: every port a local server listens on stays below
 * Linux's ephemeral range (32768-60999), which outgoing connections of a busy test run draw from (an
 * Ignite start failed on such a collision once). Docker mode keeps 50051 (docker-compose.yml).
 *
 * Docker mode: `WEAVIATE_URL` (+ `WEAVIATE_GRPC`, + `WEAVIATE_INFERENCE_URL`: the inference service
 * the Weaviate container uses, as reachable from the tests) for 'weaviate'; `WEAVIATE_AUTH_URL` +
 * `WEAVIATE_API_KEY` (+ `WEAVIATE_AUTH_GRPC`) for 'weaviate-auth'; `WEAVIATE_SCRATCH_URL` (+
 * `WEAVIATE_SCRATCH_GRPC`) for 'weaviate-scratch': a Weaviate whose classes the tests delete, all of
 * them, so it must never be the server in `WEAVIATE_URL` / `WEAVIATE_AUTH_URL` (refused when equal).
 * Suites that wipe it fail (never skip) in docker mode when it is not set, rather than start a local
 * one or touch the user's server.
 */
import { closeSync, existsSync, openSync, readSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { withLock } from '../lock.js';
import { spawnNodeService, tsxLoader } from '../node-service.js';
import { binDir, cacheRoot, ensureDir, runDir } from '../paths.js';
import { httpOk, tcpOpen, waitUntil } from '../probe.js';
import { run, runAsync, spawnServerProcess } from '../process.js';
import type { Logger, ServerDef, ServerInfo, ServerName } from '../types.js';

export const WEAVIATE_VERSION = 'v1.39.0';
const WEAVIATE_MODULE = 'github.com/weaviate/weaviate';
const WEAVIATE_PKG = `${WEAVIATE_MODULE}/cmd/weaviate-server`;
export const WEAVIATE_API_KEY = 'test-secret-key';
export const WEAVIATE_API_USER = 'admin@dbwire.test';

/** Port of the local text2vec-transformers inference service that 'weaviate' uses. */
export const WEAVIATE_INFERENCE_PORT = 8090;
const INFERENCE_URL = `http://127.0.0.1:${WEAVIATE_INFERENCE_PORT}`;
const inferenceMain = join(dirname(fileURLToPath(import.meta.url)), '..', 't2v', 'main.ts');

export const weaviateBinary = (): string => join(binDir, 'weaviate-server');

/** Ports and options of one local Weaviate; shared with weaviate-oidc.ts. */
export interface WeaviateLayout {
  name: ServerName;
  http: number;
  grpc: number;
  gossip: number;
  raft: number;
  /** API key authentication (anonymous access off). */
  auth: boolean;
  /** Start the inference service and enable text2vec-transformers. */
  vectorizer: boolean;
}

const layouts: Record<'weaviate' | 'weaviate-auth' | 'weaviate-scratch', WeaviateLayout> = {
  weaviate: {
    name: 'weaviate',
    http: 8081,
    grpc: 8551,
    gossip: 7100,
    raft: 8300,
    auth: false,
    vectorizer: true,
  },
  'weaviate-auth': {
    name: 'weaviate-auth',
    http: 8082,
    grpc: 8552,
    gossip: 7102,
    raft: 8302,
    auth: true,
    vectorizer: false,
  },
  'weaviate-scratch': {
    name: 'weaviate-scratch',
    http: 8084,
    grpc: 8554,
    gossip: 7106,
    raft: 8306,
    auth: false,
    vectorizer: false,
  },
};

/** The same server as another variant's URL (host and port, `localhost` = 127.0.0.1)? */
function sameServer(a: string, b: string | undefined): boolean {
  if (!b) return false;
  const key = (u: string) => {
    const url = new URL(u);
    const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
    return `${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  };
  try {
    return key(a) === key(b);
  } catch {
    return false;
  }
}

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

/** Builds the pinned Weaviate binary into the cache unless it is there (one build for all variants). */
export async function provisionWeaviate(log: Logger): Promise<void> {
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

function weaviateEnv(layout: WeaviateLayout, dir: string): NodeJS.ProcessEnv {
  const modules = ['backup-filesystem', 'text2vec-bigram', 'generative-dummy', 'reranker-dummy'];
  if (layout.vectorizer) modules.push('text2vec-transformers');
  const env: NodeJS.ProcessEnv = {
    PERSISTENCE_DATA_PATH: join(dir, 'data'),
    BACKUP_FILESYSTEM_PATH: join(dir, 'backups'),
    DEFAULT_VECTORIZER_MODULE: 'none',
    ENABLE_MODULES: modules.join(','),
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
  if (layout.vectorizer) env.TRANSFORMERS_INFERENCE_API = INFERENCE_URL;
  return env;
}

const inferenceReady = () => httpOk(`${INFERENCE_URL}/.well-known/ready`);

/** The inference service runs under the server's name, so `down('weaviate')` stops it too. */
async function startInferenceService(layout: WeaviateLayout, log: Logger): Promise<void> {
  spawnNodeService(layout.name, inferenceMain, ['--port', String(WEAVIATE_INFERENCE_PORT)], {
    log: 'inference.log',
  });
  await waitUntil(inferenceReady, 60_000, `${layout.name} inference service on ${INFERENCE_URL}`, 100);
  log(`[${layout.name}] inference service ready on ${INFERENCE_URL}`);
}

/**
 * Starts a local Weaviate with the layout's ports; `extraEnv` adds or overrides environment
 * variables (weaviate-oidc.ts passes its OIDC settings).
 */
export async function startWeaviate(
  layout: WeaviateLayout,
  log: Logger,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<void> {
  const used = [layout.http, layout.grpc, layout.gossip, layout.gossip + 1, layout.raft, layout.raft + 1];
  if (layout.vectorizer) used.push(WEAVIATE_INFERENCE_PORT);
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
  rmSync(join(dir, 'inference.log'), { force: true });
  // Weaviate polls the inference service at start-up and gives up after a while: start it first.
  if (layout.vectorizer) await startInferenceService(layout, log);
  spawnServerProcess(
    layout.name,
    weaviateBinary(),
    ['--host', '127.0.0.1', '--port', String(layout.http), '--scheme', 'http'],
    { log: 'weaviate.log', cwd: dir, env: { ...weaviateEnv(layout, dir), ...extraEnv } },
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

/** REST ready, gRPC health SERVING and, with the vectorizer, the inference service ready. */
export async function weaviateReady(layout: WeaviateLayout, md = new grpc.Metadata()): Promise<boolean> {
  if (layout.vectorizer && !(await inferenceReady())) return false;
  if (!(await httpOk(`http://127.0.0.1:${layout.http}/v1/.well-known/ready`))) return false;
  if (layout.auth) md.set('authorization', `Bearer ${WEAVIATE_API_KEY}`);
  return grpcHealthServing(`127.0.0.1:${layout.grpc}`, md);
}

function localInfo(layout: WeaviateLayout): ServerInfo {
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
  if (layout.vectorizer) info.inferenceUrl = INFERENCE_URL;
  return info;
}

/** host:port for gRPC when only the REST URL is given: same host, the default gRPC port. */
export function grpcFromUrl(url: string, port: number): string {
  try {
    return `${new URL(url).hostname}:${port}`;
  } catch {
    throw new Error(`not a URL: "${url}" (expected e.g. http://localhost:8080)`);
  }
}

function makeDef(
  layout: WeaviateLayout,
  description: string,
  external: () => ServerInfo | undefined,
  envVars: string[],
): ServerDef {
  return {
    name: layout.name,
    description,
    envVars,
    external,
    provision: async (log) => {
      if (layout.vectorizer) tsxLoader();
      await provisionWeaviate(log);
    },
    start: (log) => startWeaviate(layout, log),
    ready: () => weaviateReady(layout),
    readyTimeoutMs: 120_000,
    info: () => localInfo(layout),
  };
}

export const weaviateServers: ServerDef[] = [
  makeDef(
    layouts.weaviate,
    `Weaviate ${WEAVIATE_VERSION} (REST 8081, gRPC 8551), anonymous access, text2vec-transformers via a local inference service on ${WEAVIATE_INFERENCE_PORT}`,
    () => {
      const url = process.env.WEAVIATE_URL;
      if (!url) {
        for (const v of ['WEAVIATE_GRPC', 'WEAVIATE_INFERENCE_URL']) {
          if (process.env[v]) throw new Error(`${v} is set without WEAVIATE_URL`);
        }
        return undefined;
      }
      const inferenceUrl = process.env.WEAVIATE_INFERENCE_URL;
      if (!inferenceUrl) {
        throw new Error(
          'WEAVIATE_URL is set but WEAVIATE_INFERENCE_URL is not: the vectorizer suites need the inference service the Weaviate container uses (see docker-compose.yml)',
        );
      }
      return {
        name: 'weaviate',
        external: true,
        endpoints: [url],
        url,
        grpc: process.env.WEAVIATE_GRPC ?? grpcFromUrl(url, 50051),
        inferenceUrl,
      };
    },
    ['WEAVIATE_URL', 'WEAVIATE_GRPC', 'WEAVIATE_INFERENCE_URL'],
  ),
  makeDef(
    layouts['weaviate-auth'],
    `Weaviate ${WEAVIATE_VERSION} (REST 8082, gRPC 8552), API key auth, anonymous access off`,
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
  makeDef(
    layouts['weaviate-scratch'],
    `Weaviate ${WEAVIATE_VERSION} (REST 8084, gRPC 8554), anonymous access, for suites that wipe the whole schema (under holdServerLock)`,
    () => {
      const url = process.env.WEAVIATE_SCRATCH_URL;
      if (!url) {
        if (process.env.WEAVIATE_SCRATCH_GRPC)
          throw new Error('WEAVIATE_SCRATCH_GRPC is set without WEAVIATE_SCRATCH_URL');
        return undefined;
      }
      for (const v of ['WEAVIATE_URL', 'WEAVIATE_AUTH_URL']) {
        if (sameServer(url, process.env[v])) {
          throw new Error(
            `WEAVIATE_SCRATCH_URL names the same server as ${v}: the suites on 'weaviate-scratch' delete every class, so it must be a Weaviate of its own`,
          );
        }
      }
      return {
        name: 'weaviate-scratch',
        external: true,
        endpoints: [url],
        url,
        grpc: process.env.WEAVIATE_SCRATCH_GRPC ?? grpcFromUrl(url, 50051),
      };
    },
    ['WEAVIATE_SCRATCH_URL', 'WEAVIATE_SCRATCH_GRPC'],
  ),
];
