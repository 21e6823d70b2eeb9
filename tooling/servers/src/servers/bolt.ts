/**
 * Bolt test servers for memgraph-client: Memgraph is not installable here, so an embedded Neo4j 5.26 LTS
 * Community DBMS (the newest line on Java 17; jars from Maven Central, our launcher in
 * tooling/servers/java/bolt) stands in for it. Bolt only, loopback only, HTTP/HTTPS off, 32 MiB page
 * cache, a fresh data dir under .servers/<name> per start.
 *
 * | server    | Bolt            | auth                                                             |
 * |-----------|-----------------|------------------------------------------------------------------|
 * | bolt      | 127.0.0.1:7687  | disabled (any credentials accepted)                              |
 * | bolt-auth | 127.0.0.1:7688  | basic; neo4j/testpassword (set by the launcher, CHANGE NOT REQUIRED) |
 *
 * Docker mode: BOLT_URL or MEMGRAPH_URL (optionally BOLT_USER/BOLT_PASSWORD) for 'bolt'; for 'bolt-auth'
 * BOLT_AUTH_URL, or BOLT_URL/MEMGRAPH_URL together with BOLT_USER and BOLT_PASSWORD.
 *
 * What the stand-in CANNOT show about Memgraph (cover these with Memgraph-specific unit tests built
 * from protocols.md §4, or against a real Memgraph in docker mode):
 * - Bolt version ceiling: Neo4j 5.26 negotiates up to 5.8 with neo4j-driver 5.28 (TELEMETRY, GQL
 *   status objects, `error.gqlStatus`); Memgraph stops at 5.2 and sends none of those.
 * - Bookmarks: Neo4j returns and honours them; Memgraph does not (no causal chaining).
 * - Error codes and messages: Neo4j sends `Neo.ClientError.*` / `Neo.TransientError.*`; Memgraph sends
 *   `Memgraph.ClientError.MemgraphError.MemgraphError`, `Memgraph.TransientError.MemgraphError.MemgraphError`
 *   (serialization conflicts, "Cannot resolve conflicting transactions."), and
 *   `Memgraph.ClientError.Security.Unauthenticated`; some permanent errors arrive as TransientError.
 * - Memgraph-only Cypher: SHOW STORAGE INFO (and the 3.11 field renames, ON CURRENT DATABASE),
 *   SHOW TRANSACTIONS / TERMINATE TRANSACTIONS, storage modes, isolation-level statements.
 * - Multi-tenancy: CREATE/DROP/RENAME DATABASE, USE DATABASE, SHOW DATABASE(S), default database
 *   `memgraph` (Neo4j Community has one user database, `neo4j`, plus `system`).
 * - SSO/custom auth schemes (saml-*, oidc-*, kerberos via auth.custom): Neo4j Community accepts basic
 *   auth only; Memgraph without auth accepts any credentials, which Neo4j with auth off mirrors.
 * - Memgraph timeouts (query execution timeout, storage access timeout) and "Accessor type misaligned".
 * - Routing: Neo4j single instance answers ROUTE for neo4j://; Memgraph only on HA coordinators.
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runDir } from '../paths.js';
import { spawnServerProcess } from '../process.js';
import type { ServerDef, ServerInfo, ServerName } from '../types.js';
import { provisionJvmLauncher, readReadyFile } from './ignite.js';

export const NEO4J_VERSION = process.env.DBWIRE_NEO4J_VERSION ?? '5.26.30';

const BOLT_JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Xms64m',
  '-Xmx512m',
];

export interface BoltHandshakeResult {
  ok: boolean;
  /** The version the server chose, as "major.minor" (e.g. "5.4"); "0.0" means none of ours. */
  version: string;
}

/**
 * A real Bolt handshake: magic 0x6060B017 then four proposals (5.4 with range 4 → 5.0–5.4, 4.4, 4.3,
 * 4.1). The server answers the chosen version in 4 bytes (`00 00 minor major`), or zeros.
 */
export function boltHandshake(opts: {
  port: number;
  host?: string;
  timeoutMs?: number;
}): Promise<BoltHandshakeResult> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: opts.port }, () => {
      socket.write(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 3, 4, 0, 0, 1, 4]));
    });
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, res?: BoltHandshakeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res as BoltHandshakeResult);
    };
    const timer = setTimeout(
      () => finish(new Error(`Bolt handshake to ${host}:${opts.port} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const major = received.readUInt8(3);
      const minor = received.readUInt8(2);
      finish(undefined, { ok: major !== 0, version: `${major}.${minor}` });
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () =>
      finish(new Error(`Bolt handshake to ${host}:${opts.port}: closed before an answer`)),
    );
  });
}

interface Variant {
  name: ServerName;
  port: number;
  auth: boolean;
}

const AUTH = { username: 'neo4j', password: 'testpassword' };

function readyFilePath(name: ServerName): string {
  return join(runDir(name), 'ready.json');
}

function makeBolt(v: Variant): ServerDef {
  const url = `bolt://127.0.0.1:${v.port}`;
  let classpath: string | undefined;
  return {
    name: v.name,
    description: `Neo4j ${NEO4J_VERSION} (embedded, Bolt stand-in for Memgraph) on ${url}${v.auth ? ', auth on' : ''}`,
    envVars: v.auth
      ? ['BOLT_AUTH_URL', 'BOLT_URL', 'MEMGRAPH_URL', 'BOLT_USER', 'BOLT_PASSWORD']
      : ['BOLT_URL', 'MEMGRAPH_URL'],
    external() {
      const e = process.env;
      const base = e.BOLT_URL ?? e.MEMGRAPH_URL;
      const extUrl = v.auth ? (e.BOLT_AUTH_URL ?? (base && e.BOLT_USER ? base : undefined)) : base;
      if (!extUrl) return undefined;
      const info: ServerInfo = { name: v.name, external: true, endpoints: [extUrl], url: extUrl };
      if (e.BOLT_USER) Object.assign(info, { username: e.BOLT_USER, password: e.BOLT_PASSWORD ?? '' });
      return info;
    },
    async provision(log) {
      const launcher = await provisionJvmLauncher({
        id: `neo4j-${NEO4J_VERSION}`,
        project: 'bolt',
        mavenProps: { 'neo4j.version': NEO4J_VERSION },
        logFile: join(runDir(v.name), 'provision.log'),
        log,
      });
      classpath = launcher.classpath;
    },
    async start() {
      if (!classpath) throw new Error(`${v.name}: start() before provision()`);
      const dir = runDir(v.name);
      const home = join(dir, 'neo4j');
      rmSync(home, { recursive: true, force: true });
      rmSync(readyFilePath(v.name), { force: true });
      const args = [`port=${v.port}`, `home=${home}`, `readyFile=${readyFilePath(v.name)}`];
      if (v.auth) args.push('auth=true', `password=${AUTH.password}`);
      spawnServerProcess(
        v.name,
        javaCmd(),
        [...BOLT_JVM_FLAGS, '-cp', classpath, 'dbwire.BoltLauncher', ...args],
        {
          log: 'neo4j.log',
          cwd: dir,
        },
      );
    },
    async ready() {
      const ready = readReadyFile<{ port: number }>(readyFilePath(v.name));
      if (!ready || ready.port !== v.port) return false;
      return (await boltHandshake({ port: v.port })).ok;
    },
    readyTimeoutMs: 180_000,
    info() {
      const info: ServerInfo = {
        name: v.name,
        external: false,
        endpoints: [url],
        url,
        version: NEO4J_VERSION,
      };
      if (v.auth) Object.assign(info, AUTH);
      return info;
    },
  };
}

function javaCmd(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export const boltServers: ServerDef[] = [
  makeBolt({ name: 'bolt', port: 7687, auth: false }),
  makeBolt({ name: 'bolt-auth', port: 7688, auth: true }),
];
