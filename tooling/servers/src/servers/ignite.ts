/**
 * Apache Ignite 2.x test servers for gridgain-thin: jars from Maven Central (no distribution zip), our
 * launcher (tooling/servers/java/ignite) starts 1 or 3 server nodes inside ONE JVM, on loopback only.
 *
 * | server         | nodes | thin client           | discovery       | communication   | control | extras             |
 * |----------------|-------|-----------------------|-----------------|-----------------|---------|--------------------|
 * | ignite         | 1     | 10800                 | 11500           | 11100           | 10809   |                    |
 * | ignite-cluster | 3     | 10810, 10811, 10812   | 11510..11512    | 11110..11112    | 10819   |                    |
 * | ignite-secure  | 1     | 10820 (TLS, mutual)   | 11520           | 11120           | 10829   | auth + persistence |
 *
 * No port ranges (portRange 0), so a busy port fails the start instead of moving silently. Discovery
 * and communication stay below 32768, outside Linux's ephemeral range (32768-60999): Ignite's usual
 * 47500/47100 could be taken by any outgoing connection of a busy test run (seen once in CI: 'Failed
 * to bind TCP server socket ... 47500', and the suite waited out its 180 s readiness timeout). The legacy
 * REST/binary connector (11211) is off. Every variant can run at the same time as the others.
 *
 * Version: 2.17.0. Ignite 2.18.0's ignite-core is on Maven Central but its ignite-indexing (the H2 SQL
 * engine) is not (checked 2026-11-22), so 2.18.0 cannot run SQL; DBWIRE_IGNITE_VERSION overrides.
 * Both speak thin protocol 1.7.0 at most.
 *
 * Control endpoint (loopback HTTP, see ignite-control.ts and ControlServer.java): stop and restart one
 * node, and ask Ignite which node is primary for a key; info().control is its URL. A node stopped there
 * is listed in the ready file, so readiness only probes the nodes that are meant to run.
 *
 * Server-side compute tasks on the classpath (thin EXECUTE_TASK_BY_NAME; maxActiveComputeTasks and
 * maxActiveTx per connection are 100): `dbwire.EchoTask` (returns its argument), `dbwire.NodeIdsTask`
 * (one job per node, returns the sorted node ids joined by ','), `dbwire.FailTask` (always throws).
 *
 * 'ignite-secure': authenticationEnabled with a small persistent default region, a fresh work dir per
 * start, activated by the launcher; users `ignite`/`ignite` (superuser) and `dbwire`/`dbwire-pass`
 * (created through SQL). Its thin connector requires TLS WITH a client certificate (sslClientAuth):
 * Ignite has one client connector per node, so there is no TLS-only port. Certificates are made once
 * per cache with openssl (CA, server cert for 127.0.0.1/localhost, client cert) and their PEM paths are
 * in info().tls.
 *
 * Docker mode: IGNITE_HOSTS (comma list host:port) for 'ignite', IGNITE_CLUSTER_HOSTS for the cluster,
 * IGNITE_SECURE_HOSTS + IGNITE_SECURE_USER, IGNITE_SECURE_PASSWORD, IGNITE_SECURE_CA, IGNITE_SECURE_CERT,
 * IGNITE_SECURE_KEY for the secure one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { withLock } from '../lock.js';
import { cacheRoot, ensureDir, javaDir, runDir } from '../paths.js';
import { runAsync, spawnServerProcess } from '../process.js';
import type { Logger, ServerDef, ServerInfo, ServerName } from '../types.js';

export const IGNITE_VERSION = process.env.DBWIRE_IGNITE_VERSION ?? '2.17.0';

/** Thin-client compute tasks that the launcher puts on the server classpath. */
export const IGNITE_COMPUTE_TASKS = ['dbwire.EchoTask', 'dbwire.NodeIdsTask', 'dbwire.FailTask'] as const;

// ---------------------------------------------------------------------------------------------------
// Shared JVM plumbing (also used by bolt.ts): a Maven-resolved classpath and our launcher compiled once,
// both cached under cacheRoot; ~/.m2 is Maven's download cache.

function javaBin(tool: 'java' | 'javac'): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', tool) : tool;
}

export interface JvmLauncher {
  /** Full runtime classpath: resolved jars plus our compiled launcher classes. */
  classpath: string;
}

/**
 * Resolves `<javaDir>/<project>/pom.xml` into `<cacheRoot>/<id>.cp` (skipped when the file exists and
 * every jar in it exists) and compiles `<javaDir>/<project>/src/**.java` into `<cacheRoot>/<id>-classes`
 * (skipped when the sources and classpath are unchanged).
 */
export async function provisionJvmLauncher(opts: {
  id: string;
  project: string;
  mavenProps?: Record<string, string>;
  logFile: string;
  log: Logger;
}): Promise<JvmLauncher> {
  const { id, project, log, logFile } = opts;
  return withLock(`provision-jvm-${id}`, async () => {
    ensureDir(cacheRoot);
    const cpFile = join(cacheRoot, `${id}.cp`);
    const projectDir = join(javaDir, project);
    if (!classpathComplete(cpFile)) {
      log(`[${id}] resolving jars with Maven (first run downloads them into ~/.m2)`);
      const started = Date.now();
      const tmp = `${cpFile}.tmp`;
      const props = Object.entries(opts.mavenProps ?? {}).map(([k, v]) => `-D${k}=${v}`);
      await runAsync(
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          join(projectDir, 'pom.xml'),
          'dependency:build-classpath',
          `-Dmdep.outputFile=${tmp}`,
          ...props,
        ],
        { logFile },
      );
      rmSync(cpFile, { force: true });
      writeFileSync(cpFile, readFileSync(tmp, 'utf8').trim());
      rmSync(tmp, { force: true });
      if (!classpathComplete(cpFile))
        throw new Error(`[${id}] Maven wrote an incomplete classpath to ${cpFile}`);
      log(`[${id}] classpath resolved in ${Date.now() - started} ms`);
    }
    const jars = readFileSync(cpFile, 'utf8').trim();
    const classesDir = join(cacheRoot, `${id}-classes`);
    const sources = javaSources(join(projectDir, 'src'));
    const hash = createHash('sha256').update(jars);
    for (const src of sources) hash.update(src).update(readFileSync(src));
    const stamp = hash.digest('hex');
    const stampFile = join(classesDir, '.stamp');
    if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
      log(`[${id}] compiling launcher (${sources.length} Java files)`);
      rmSync(classesDir, { recursive: true, force: true });
      ensureDir(classesDir);
      await runAsync(
        javaBin('javac'),
        ['-nowarn', '-encoding', 'UTF-8', '-d', classesDir, '-cp', jars, ...sources],
        {
          logFile,
        },
      );
      writeFileSync(stampFile, stamp);
    }
    return { classpath: `${jars}:${classesDir}` };
  });
}

function classpathComplete(cpFile: string): boolean {
  if (!existsSync(cpFile)) return false;
  const entries = readFileSync(cpFile, 'utf8').trim().split(':').filter(Boolean);
  return entries.length > 0 && entries.every((jar) => existsSync(jar));
}

function javaSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...javaSources(path));
    else if (entry.name.endsWith('.java')) out.push(path);
  }
  return out.sort();
}

/** Reads the launcher's ready file (JSON) or undefined while it does not exist. */
export function readReadyFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Ignite's Java 17 flags (bin/include/jvmdefaults.sh), plus the loopback/quiet/lean settings. */
const IGNITE_JVM_FLAGS = [
  ...[
    'java.base/jdk.internal.access',
    'java.base/jdk.internal.misc',
    'java.base/sun.nio.ch',
    'java.base/sun.util.calendar',
    'java.base/sun.reflect.generics.reflectiveObjects',
    'java.base/java.io',
    'java.base/java.nio',
    'java.base/java.net',
    'java.base/java.util',
    'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.locks',
    'java.base/java.util.concurrent.atomic',
    'java.base/java.lang',
    'java.base/java.lang.invoke',
    'java.base/java.math',
    'java.base/java.lang.reflect',
    'java.base/java.time',
    'java.base/java.text',
    'java.management/com.sun.jmx.mbeanserver',
    'java.management/sun.management',
    'jdk.internal.jvmstat/sun.jvmstat.monitor',
    'jdk.management/com.sun.management.internal',
    'java.sql/java.sql',
    'java.desktop/java.awt.font',
  ].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Djava.net.preferIPv4Stack=true',
  '-DIGNITE_QUIET=true',
  '-DIGNITE_UPDATE_NOTIFIER=false',
  '-DIGNITE_PERFORMANCE_SUGGESTIONS_DISABLED=true',
  '-DIGNITE_NO_ASCII=true',
  '-DIGNITE_NO_SHUTDOWN_HOOK=true', // the launcher's own hook stops fast (see IgniteLauncher)
];

// ---------------------------------------------------------------------------------------------------
// Thin-client handshake probe (protocol 1.7.0; all integers little-endian).

export interface IgniteHandshakeOptions {
  port: number;
  host?: string;
  /** TLS: `true` for defaults, or Node TLS options (ca/cert/key as PEM contents). */
  tls?: boolean | ConnectionOptions;
  user?: string;
  password?: string;
  /** Protocol version to propose; default 1.7.0. */
  version?: readonly [number, number, number];
  /** Client feature mask (≥ 1.7.0); the server answers with the subset it supports. Default empty. */
  features?: Uint8Array;
  timeoutMs?: number;
}

export interface IgniteHandshakeResult {
  /** True when the server accepted the handshake (first response byte 1). */
  ok: boolean;
  /** The protocol version we proposed (on success) or the one the server offers instead (on failure). */
  version: string;
  /** The answering node's id (protocol ≥ 1.4). */
  nodeId?: string;
  /** Features both sides support: the server echoes the subset of the client's mask it knows (≥ 1.7). */
  features?: Buffer;
  /** On failure: the server's status code (2000 = AUTH_FAILED) and message. */
  status?: number;
  message?: string;
}

const TYPE_STRING = 0x09;
const TYPE_UUID = 0x0a;
const TYPE_BYTE_ARRAY = 0x0c;
const TYPE_NULL = 0x65;

function igniteString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt8(TYPE_STRING, 0);
  head.writeInt32LE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/**
 * Builds a handshake frame (length prefix included) for `version` (default 1.7.0). From 1.7.0 on it
 * carries the client's feature mask (default empty; bit 0 USER_ATTRIBUTES must stay off: no attribute
 * map is sent); credentials need ≥ 1.1.0.
 */
export function igniteHandshakeRequest(
  user?: string,
  password?: string,
  version: readonly [number, number, number] = [1, 7, 0],
  features: Uint8Array = new Uint8Array(0),
): Buffer {
  const [major, minor, patch] = version;
  const withFeatures = major > 1 || (major === 1 && minor >= 7);
  const body = Buffer.alloc(8 + (withFeatures ? 5 : 0));
  let o = 0;
  o = body.writeUInt8(1, o); // handshake op
  o = body.writeInt16LE(major, o);
  o = body.writeInt16LE(minor, o);
  o = body.writeInt16LE(patch, o);
  o = body.writeUInt8(2, o); // thin client
  if (withFeatures) {
    o = body.writeUInt8(TYPE_BYTE_ARRAY, o);
    body.writeInt32LE(features.length, o);
  }
  const parts: Buffer[] = [body];
  if (withFeatures) parts.push(Buffer.from(features));
  if (user !== undefined) parts.push(igniteString(user), igniteString(password ?? ''));
  const payload = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeInt32LE(payload.length, 0);
  return Buffer.concat([len, payload]);
}

/** Parses a handshake response payload (after its int length). */
export function parseIgniteHandshakeResponse(
  buf: Buffer,
  proposed: readonly [number, number, number] = [1, 7, 0],
): IgniteHandshakeResult {
  let o = 0;
  const need = (n: number) => {
    if (o + n > buf.length) throw new Error(`truncated Ignite handshake response (${buf.length} bytes)`);
  };
  need(1);
  const success = buf.readUInt8(o++);
  if (success === 1) {
    const result: IgniteHandshakeResult = { ok: true, version: proposed.join('.') };
    if (o < buf.length && buf[o] === TYPE_BYTE_ARRAY) {
      need(5);
      const n = buf.readInt32LE(o + 1);
      o += 5;
      need(n);
      result.features = Buffer.from(buf.subarray(o, o + n));
      o += n;
    }
    if (o < buf.length && buf[o] === TYPE_UUID) {
      need(17);
      const msb = buf
        .readBigUInt64LE(o + 1)
        .toString(16)
        .padStart(16, '0');
      const lsb = buf
        .readBigUInt64LE(o + 9)
        .toString(16)
        .padStart(16, '0');
      result.nodeId = `${msb.slice(0, 8)}-${msb.slice(8, 12)}-${msb.slice(12)}-${lsb.slice(0, 4)}-${lsb.slice(4)}`;
    }
    return result;
  }
  need(6);
  const version = `${buf.readInt16LE(o)}.${buf.readInt16LE(o + 2)}.${buf.readInt16LE(o + 4)}`;
  o += 6;
  let message: string | undefined;
  if (o < buf.length && buf[o] === TYPE_STRING) {
    need(5);
    const n = buf.readInt32LE(o + 1);
    o += 5;
    need(n);
    message = buf.subarray(o, o + n).toString('utf8');
    o += n;
  } else if (o < buf.length && buf[o] === TYPE_NULL) {
    o += 1;
  }
  const status = o + 4 <= buf.length ? buf.readInt32LE(o) : undefined;
  return { ok: false, version, status, message };
}

/**
 * One real thin-client handshake. Resolves with the server's answer (accepted or refused); rejects on
 * transport failures (refused connection, TLS alert, close before an answer, timeout).
 */
export function igniteHandshake(opts: IgniteHandshakeOptions): Promise<IgniteHandshakeResult> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const version = opts.version ?? [1, 7, 0];
    const request = igniteHandshakeRequest(opts.user, opts.password, version, opts.features);
    if (opts.tls) {
      const tlsOpts: ConnectionOptions = opts.tls === true ? {} : opts.tls;
      socket = tlsConnect({ host, port: opts.port, servername: 'localhost', ...tlsOpts }, () =>
        socket.write(request),
      );
    } else {
      socket = netConnect({ host, port: opts.port }, () => socket.write(request));
    }
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, result?: IgniteHandshakeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(result as IgniteHandshakeResult);
    };
    const timer = setTimeout(
      () => finish(new Error(`Ignite handshake to ${host}:${opts.port} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const len = received.readInt32LE(0);
      if (len < 1 || len > 1 << 20) {
        finish(new Error(`Ignite handshake to ${host}:${opts.port}: implausible response length ${len}`));
        return;
      }
      if (received.length < 4 + len) return;
      try {
        finish(undefined, parseIgniteHandshakeResponse(received.subarray(4, 4 + len), version));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () =>
      finish(new Error(`Ignite handshake to ${host}:${opts.port}: connection closed before an answer`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// Server definitions.

interface Variant {
  name: ServerName;
  description: string;
  nodes: number;
  thinPort: number;
  discoveryPort: number;
  commPort: number;
  controlPort: number;
  heap: [string, string];
  secure: boolean;
  hostsVar: string;
}

const SECURE = {
  user: 'ignite',
  password: 'ignite',
  extraUser: 'dbwire',
  extraPassword: 'dbwire-pass',
  storePassword: 'dbwire-ssl-pass',
};

function certDir(): string {
  return join(cacheRoot, 'ignite-secure-certs');
}

/** PEM files for Node clients of 'ignite-secure'. */
export function igniteSecureTls(): { ca: string; cert: string; key: string } {
  const dir = certDir();
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') };
}

const CERT_FILES = [
  'ca.pem',
  'server.pem',
  'server.key',
  'client.pem',
  'client.key',
  'server.p12',
  'client.p12',
  'truststore.p12',
];

/** CA, server cert (SAN 127.0.0.1 + localhost), client cert; PKCS12 for Java, PEM for Node. */
async function provisionCerts(log: Logger, logFile: string): Promise<void> {
  const dir = certDir();
  if (CERT_FILES.every((f) => existsSync(join(dir, f)))) return;
  log('[ignite-secure] generating TLS certificates with openssl');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  const p = (f: string) => join(dir, f);
  const openssl = (args: string[]) => runAsync('openssl', args, { cwd: dir, logFile });
  writeFileSync(
    p('server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  writeFileSync(
    p('client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '3650',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-subj',
    '/CN=dbwire test CA',
  ]);
  for (const who of ['server', 'client']) {
    const cn = who === 'server' ? 'localhost' : 'dbwire-client';
    await openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p(`${who}.key`),
      '-out',
      p(`${who}.csr`),
      '-subj',
      `/CN=${cn}`,
    ]);
    await openssl([
      'x509',
      '-req',
      '-sha256',
      '-days',
      '3650',
      '-in',
      p(`${who}.csr`),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-extfile',
      p(`${who}.ext`),
      '-out',
      p(`${who}.pem`),
    ]);
    await openssl([
      'pkcs12',
      '-export',
      '-in',
      p(`${who}.pem`),
      '-inkey',
      p(`${who}.key`),
      '-certfile',
      p('ca.pem'),
      '-name',
      who,
      '-out',
      p(`${who}.p12`),
      '-passout',
      `pass:${SECURE.storePassword}`,
    ]);
  }
  await runAsync(
    javaBin('java').replace(/java$/, 'keytool'),
    [
      '-importcert',
      '-noprompt',
      '-alias',
      'dbwire-ca',
      '-file',
      p('ca.pem'),
      '-keystore',
      p('truststore.p12'),
      '-storetype',
      'PKCS12',
      '-storepass',
      SECURE.storePassword,
    ],
    { cwd: dir, logFile },
  );
}

function readyFilePath(name: ServerName): string {
  return join(runDir(name), 'ready.json');
}

interface IgniteReady {
  /** Thin port → node id of the running nodes. */
  nodes: Record<string, string>;
  /** Indexes of nodes stopped on purpose through the control endpoint. */
  stopped?: number[];
  controlPort?: number;
  version: string;
}

function hostsFromEnv(v: string | undefined): string[] | undefined {
  const hosts = v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return hosts && hosts.length > 0 ? hosts : undefined;
}

function tlsOptionsFromPem(paths: { ca: string; cert: string; key: string }): ConnectionOptions {
  return { ca: readFileSync(paths.ca), cert: readFileSync(paths.cert), key: readFileSync(paths.key) };
}

function makeIgnite(v: Variant): ServerDef {
  const ports = Array.from({ length: v.nodes }, (_, i) => v.thinPort + i);
  const endpoints = ports.map((p) => `127.0.0.1:${p}`);
  let classpath: string | undefined;

  const localInfo = (): ServerInfo => {
    const info: ServerInfo = {
      name: v.name,
      external: false,
      endpoints,
      version: IGNITE_VERSION,
      nodes: v.nodes,
      computeTasks: [...IGNITE_COMPUTE_TASKS],
      control: `http://127.0.0.1:${v.controlPort}`,
    };
    const ready = readReadyFile<IgniteReady>(readyFilePath(v.name));
    if (ready) info.nodeIds = ports.map((p) => ready.nodes[String(p)]);
    if (v.secure) {
      Object.assign(info, {
        username: SECURE.user,
        password: SECURE.password,
        users: [
          { username: SECURE.user, password: SECURE.password },
          { username: SECURE.extraUser, password: SECURE.extraPassword },
        ],
        tls: igniteSecureTls(),
        tlsClientAuth: true,
      });
    }
    return info;
  };

  return {
    name: v.name,
    description: v.description,
    envVars: v.secure
      ? [
          'IGNITE_SECURE_HOSTS',
          'IGNITE_SECURE_USER',
          'IGNITE_SECURE_PASSWORD',
          'IGNITE_SECURE_CA',
          'IGNITE_SECURE_CERT',
          'IGNITE_SECURE_KEY',
        ]
      : [v.hostsVar],
    external() {
      const hosts = hostsFromEnv(process.env[v.hostsVar]);
      if (!hosts) return undefined;
      const info: ServerInfo = { name: v.name, external: true, endpoints: hosts };
      if (v.secure) {
        const e = process.env;
        Object.assign(info, {
          username: e.IGNITE_SECURE_USER ?? SECURE.user,
          password: e.IGNITE_SECURE_PASSWORD ?? SECURE.password,
          tls: e.IGNITE_SECURE_CA
            ? { ca: e.IGNITE_SECURE_CA, cert: e.IGNITE_SECURE_CERT, key: e.IGNITE_SECURE_KEY }
            : undefined,
        });
      }
      return info;
    },
    async provision(log) {
      const logFile = join(runDir(v.name), 'provision.log');
      const launcher = await provisionJvmLauncher({
        id: `ignite-${IGNITE_VERSION}`,
        project: 'ignite',
        mavenProps: { 'ignite.version': IGNITE_VERSION },
        logFile,
        log,
      });
      classpath = launcher.classpath;
      if (v.secure) await withLock('provision-ignite-certs', () => provisionCerts(log, logFile));
    },
    async start() {
      if (!classpath) throw new Error(`${v.name}: start() before provision()`);
      const dir = runDir(v.name);
      const work = join(dir, 'work');
      rmSync(work, { recursive: true, force: true });
      rmSync(readyFilePath(v.name), { force: true });
      const args = [
        `nodes=${v.nodes}`,
        `thinPort=${v.thinPort}`,
        `discoveryPort=${v.discoveryPort}`,
        `commPort=${v.commPort}`,
        `work=${work}`,
        `readyFile=${readyFilePath(v.name)}`,
        `controlPort=${v.controlPort}`,
      ];
      if (v.secure) {
        const c = certDir();
        args.push(
          'auth=true',
          `users=${SECURE.extraUser}:${SECURE.extraPassword}`,
          `sslKeyStore=${join(c, 'server.p12')}`,
          `sslTrustStore=${join(c, 'truststore.p12')}`,
          `clientKeyStore=${join(c, 'client.p12')}`,
          `sslPassword=${SECURE.storePassword}`,
          'sslClientAuth=true',
        );
      }
      spawnServerProcess(
        v.name,
        javaBin('java'),
        [
          `-Xms${v.heap[0]}`,
          `-Xmx${v.heap[1]}`,
          ...IGNITE_JVM_FLAGS,
          '-cp',
          classpath,
          'dbwire.IgniteLauncher',
          ...args,
        ],
        { log: 'ignite.log', cwd: dir },
      );
    },
    async ready() {
      const ready = readReadyFile<IgniteReady>(readyFilePath(v.name));
      if (!ready) return false;
      // The cluster's suites need the control endpoint: a cluster started by an older launcher without
      // it is restarted. (Single nodes keep running: their suites do not use it.)
      if (v.nodes > 1 && ready.controlPort !== v.controlPort) return false;
      const stopped = new Set(ready.stopped ?? []);
      if (Object.keys(ready.nodes).length + stopped.size !== v.nodes) return false;
      const tls = v.secure ? tlsOptionsFromPem(igniteSecureTls()) : undefined;
      for (const [i, port] of ports.entries()) {
        if (stopped.has(i)) continue;
        const res = await igniteHandshake({
          port,
          tls,
          user: v.secure ? SECURE.user : undefined,
          password: v.secure ? SECURE.password : undefined,
        });
        // The node id must be the one our launcher reported: a stale process on the port does not count.
        if (!res.ok || res.nodeId !== ready.nodes[String(port)]) return false;
      }
      return true;
    },
    readyTimeoutMs: 180_000,
    info: localInfo,
  };
}

export const igniteServers: ServerDef[] = [
  makeIgnite({
    name: 'ignite',
    description: `Apache Ignite ${IGNITE_VERSION}, 1 node, thin client 127.0.0.1:10800`,
    nodes: 1,
    thinPort: 10800,
    discoveryPort: 11500,
    commPort: 11100,
    controlPort: 10809,
    heap: ['128m', '384m'],
    secure: false,
    hostsVar: 'IGNITE_HOSTS',
  }),
  makeIgnite({
    name: 'ignite-cluster',
    description: `Apache Ignite ${IGNITE_VERSION}, 3 nodes in one JVM, thin client 127.0.0.1:10810-10812`,
    nodes: 3,
    thinPort: 10810,
    discoveryPort: 11510,
    commPort: 11110,
    controlPort: 10819,
    heap: ['256m', '768m'],
    secure: false,
    hostsVar: 'IGNITE_CLUSTER_HOSTS',
  }),
  makeIgnite({
    name: 'ignite-secure',
    description: `Apache Ignite ${IGNITE_VERSION}, 1 node, auth + persistence, mutual TLS on 127.0.0.1:10820`,
    nodes: 1,
    thinPort: 10820,
    discoveryPort: 11520,
    commPort: 11120,
    controlPort: 10829,
    heap: ['128m', '512m'],
    secure: true,
    hostsVar: 'IGNITE_SECURE_HOSTS',
  }),
];
