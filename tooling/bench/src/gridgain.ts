/**
 * gridgain-thin bench: @dbwire/gridgain-thin vs apache-ignite-client 1.0.0 on the real 'ignite' server,
 * plus a canned responder (a worker thread that answers every frame at once, so only client cost
 * counts) where ours is compared with a raw-socket baseline sending the same bytes with writes
 * coalesced per event-loop turn. Each figure is the median of 5 timed runs (interleaved across
 * implementations) after a warm-up run.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { Client } from '@dbwire/gridgain-thin';
import { useServer } from '@dbwire/test-servers';
import type { BenchRow } from './types.js';

/** The slice of apache-ignite-client 1.0.0 (untyped CommonJS) this bench uses. */
interface OfficialCache {
  setKeyType(t: unknown): OfficialCache;
  setValueType(t: unknown): OfficialCache;
  get(key: unknown): Promise<unknown>;
  put(key: unknown, value: unknown): Promise<void>;
  putAll(entries: unknown[]): Promise<void>;
  getAll(keys: unknown[]): Promise<unknown[]>;
}
interface OfficialClient {
  connect(cfg: unknown): Promise<void>;
  disconnect(): void;
  getCache(name: string): OfficialCache;
  getOrCreateCache(name: string): Promise<OfficialCache>;
}
interface OfficialModule {
  new (): OfficialClient;
  IgniteClientConfiguration: new (...endpoints: string[]) => unknown;
  CacheEntry: new (key: unknown, value: unknown) => unknown;
  ObjectType: { PRIMITIVE_TYPE: { STRING: unknown } };
}
const IgniteClient = createRequire(import.meta.url)('apache-ignite-client') as OfficialModule;

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

type Op = () => Promise<unknown>;

async function timed(op: Op, inFlight: number, ms: number): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (count * 1000) / (performance.now() - start);
}

// ---------- canned responder (worker thread) ----------

const RESPONDER = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const VALUE = Buffer.concat([Buffer.from([9, 5, 0, 0, 0]), Buffer.from('value')]);
const server = net.createServer((s) => {
  s.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let newHeader = null;
  s.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const out = [];
    let at = 0;
    while (buf.length - at >= 4) {
      const n = buf.readInt32LE(at);
      if (buf.length - at - 4 < n) break;
      const body = buf.subarray(at + 4, at + 4 + n);
      at += 4 + n;
      if (newHeader === null) {
        const minor = body.readInt16LE(3);
        newHeader = minor >= 4;
        const parts = [Buffer.from([1])];
        if (minor >= 7) parts.push(Buffer.from([12, 0, 0, 0, 0]));
        if (minor >= 4) parts.push(Buffer.concat([Buffer.from([10]), Buffer.alloc(16, 1)]));
        const hs = Buffer.concat(parts);
        const len = Buffer.alloc(4); len.writeInt32LE(hs.length);
        out.push(len, hs);
        continue;
      }
      const op = body.readInt16LE(0);
      const payload = op === 1000 ? VALUE : Buffer.alloc(0);
      const head = Buffer.alloc(newHeader ? 14 : 16);
      head.writeInt32LE(head.length - 4 + payload.length, 0);
      body.copy(head, 4, 2, 10);
      if (newHeader) head.writeInt16LE(0, 12); else head.writeInt32LE(0, 12);
      out.push(head, payload);
    }
    buf = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
    if (out.length) s.write(Buffer.concat(out));
  });
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); });
`;

export async function startResponder(): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(RESPONDER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return {
    port,
    stop: async () => {
      await worker.terminate();
    },
  };
}

// ---------- raw socket baseline: same GET bytes, coalesced writes, minimal matching ----------

function stringObject(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const h = Buffer.alloc(5);
  h[0] = 9;
  h.writeInt32LE(b.length, 1);
  return Buffer.concat([h, b]);
}

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export async function rawClient(
  port: number,
  cacheName: string,
  key: string,
): Promise<{ get: Op; close(): void }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  // Handshake 1.7.0 with an empty feature mask.
  const hs = Buffer.from([17, 0, 0, 0, 1, 1, 0, 7, 0, 0, 0, 2, 12, 0, 0, 0, 0]);
  hs.writeInt32LE(hs.length - 4, 0);
  socket.write(hs);
  await new Promise((r) => socket.once('data', r));
  const keyBytes = stringObject(key);
  const template = Buffer.alloc(4 + 2 + 8 + 4 + 1 + keyBytes.length);
  template.writeInt32LE(template.length - 4, 0);
  template.writeInt16LE(1000, 4);
  template.writeInt32LE(javaHash(cacheName), 14);
  template[18] = 0;
  keyBytes.copy(template, 19);
  const pending = new Map<number, (v: Buffer) => void>();
  let nextId = 1;
  let out: Buffer[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const data = out.length === 1 ? out[0]! : Buffer.concat(out);
    out = [];
    socket.write(data);
  };
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 4) {
      const n = buf.readInt32LE(at);
      if (buf.length - at - 4 < n) break;
      const id = buf.readUInt32LE(at + 4);
      const frame = buf.subarray(at + 4, at + 4 + n);
      at += 4 + n;
      const cb = pending.get(id);
      if (cb) {
        pending.delete(id);
        cb(frame);
      }
    }
    buf = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
  });
  return {
    get: () =>
      new Promise<Buffer>((resolve) => {
        const id = nextId++;
        const frame = Buffer.from(template);
        frame.writeUInt32LE(id, 6);
        out.push(frame);
        pending.set(id, resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }).then((f) => f.subarray(10).toString('utf8', 5)),
    close: () => socket.destroy(),
  };
}

// ---------- the run ----------

/**
 * Measures several implementations of one workload with their runs interleaved (A, B, C, A, B, C…),
 * so load drift on a shared machine hits each of them alike; reports the median per implementation.
 */
export async function compare(
  rows: BenchRow[],
  bench: string,
  impls: Array<[impl: string, op: Op]>,
  inFlight: number,
): Promise<void> {
  const samples = new Map<string, number[]>(impls.map(([impl]) => [impl, []]));
  const failed = new Set<string>();
  for (const [impl, op] of impls) {
    try {
      await timed(op, inFlight, Math.min(500, RUN_MS)); // warm-up
    } catch (err) {
      failed.add(impl);
      console.log(`  ${bench} / ${impl} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [impl, op] of impls) {
      if (failed.has(impl)) continue;
      try {
        samples.get(impl)!.push(await timed(op, inFlight, RUN_MS));
      } catch (err) {
        failed.add(impl);
        console.log(`  ${bench} / ${impl} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  for (const [impl] of impls) {
    const xs = samples.get(impl)!.sort((a, b) => a - b);
    const opsPerSec = failed.has(impl) || xs.length === 0 ? 0 : xs[Math.floor(xs.length / 2)]!;
    rows.push({ bench, impl, opsPerSec });
    console.log(`  ${bench.padEnd(34)} ${impl.padEnd(28)} ${Math.round(opsPerSec)} ops/s`);
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const OURS = 'dbwire gridgain-thin';
  const OFFICIAL = 'apache-ignite-client 1.0.0';
  const RAW = 'raw socket (coalesced)';

  // Real server.
  const info = await useServer('ignite');
  const [host, portText] = info.endpoints[0]!.split(':');
  const port = Number(portText);
  const cacheName = `bench-${process.pid}`;
  const ours = new Client();
  await ours.connect(host!, port);
  const cache = await ours.getOrCreateCache(cacheName);
  const official = new IgniteClient();
  await official.connect(new IgniteClient.IgniteClientConfiguration(`${host}:${port}`));
  const ocache = await official.getOrCreateCache(cacheName);
  ocache.setKeyType(IgniteClient.ObjectType.PRIMITIVE_TYPE.STRING);
  ocache.setValueType(IgniteClient.ObjectType.PRIMITIVE_TYPE.STRING);
  await cache.put('key', 'value');
  const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
  const entries = Object.fromEntries(keys.map((k) => [k, `value-${k}`]));
  const oentries = keys.map((k) => new IgniteClient.CacheEntry(k, `value-${k}`));
  let seq = 0;
  for (const n of [1, 64]) {
    await compare(
      rows,
      `get, ${n} in flight (ignite)`,
      [
        [OURS, () => cache.get('key')],
        [OFFICIAL, () => ocache.get('key')],
      ],
      n,
    );
    await compare(
      rows,
      `put, ${n} in flight (ignite)`,
      [
        [OURS, () => cache.put(`p${seq++ % 1000}`, 'value')],
        [OFFICIAL, () => ocache.put(`p${seq++ % 1000}`, 'value')],
      ],
      n,
    );
  }
  await compare(
    rows,
    'putAll of 1,000 (ignite)',
    [
      [OURS, () => cache.putAll(entries)],
      [OFFICIAL, () => ocache.putAll(oentries)],
    ],
    1,
  );
  await compare(
    rows,
    'getAll of 1,000 (ignite)',
    [
      [OURS, () => cache.getAll(keys)],
      [OFFICIAL, () => ocache.getAll(keys)],
    ],
    1,
  );
  await cache.destroy();
  await ours.close();
  official.disconnect();

  // Canned responder: client cost only.
  const responder = await startResponder();
  try {
    const c2 = new Client();
    await c2.connect('127.0.0.1', responder.port);
    const cc = c2.getCache('canned');
    const raw = await rawClient(responder.port, 'canned', 'key');
    const o2 = new IgniteClient();
    await o2.connect(new IgniteClient.IgniteClientConfiguration(`127.0.0.1:${responder.port}`));
    const oc = o2.getCache('canned');
    oc.setKeyType(IgniteClient.ObjectType.PRIMITIVE_TYPE.STRING);
    for (const n of [1, 64]) {
      await compare(
        rows,
        `get, ${n} in flight (canned)`,
        [
          [OURS, () => cc.get('key')],
          [RAW, raw.get],
          [OFFICIAL, () => oc.get('key')],
        ],
        n,
      );
    }
    raw.close();
    await c2.close();
    o2.disconnect();
  } finally {
    await responder.stop();
  }

  await partitionAwareBench(rows);
  await queryDrainBench(rows);
  return rows;
}

/**
 * Partition-aware vs not on the 3-node 'ignite-cluster' (one JVM), 64 in flight over 10,000 keys:
 * the partition-aware client sends each get/put to the key's primary node over its connection to
 * that node; the plain one sends everything to the first node, which forwards 2/3 of the keys.
 */
export async function partitionAwareBench(rows: BenchRow[]): Promise<void> {
  const info = await useServer('ignite-cluster');
  const nodes = info.endpoints.map((e): [string, number] => [e.split(':')[0]!, Number(e.split(':')[1])]);
  const aware = new Client({ partitionAware: true });
  await aware.connect(nodes);
  const plain = new Client();
  await plain.connect(nodes);
  const name = `bench-pa-${process.pid}`;
  const acache = await aware.getOrCreateCache(name);
  const pcache = plain.getCache(name);
  const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
  for (let i = 0; i < keys.length; i += 1000) {
    await acache.putAll(Object.fromEntries(keys.slice(i, i + 1000).map((k) => [k, `value-${k}`])));
  }
  let a = 0;
  let p = 0;
  await compare(
    rows,
    'get, 64 in flight (ignite-cluster, 3 nodes)',
    [
      ['partition-aware', () => acache.get(keys[a++ % keys.length]!)],
      ['not partition-aware', () => pcache.get(keys[p++ % keys.length]!)],
    ],
    64,
  );
  await compare(
    rows,
    'put, 64 in flight (ignite-cluster, 3 nodes)',
    [
      ['partition-aware', () => acache.put(keys[a++ % keys.length]!, 'v')],
      ['not partition-aware', () => pcache.put(keys[p++ % keys.length]!, 'v')],
    ],
    64,
  );
  await acache.destroy();
  await aware.close();
  await plain.close();
}

/** The query slice of apache-ignite-client 1.0.0 used by the drain benches. */
interface OfficialCursor {
  getAll(): Promise<unknown[]>;
}
interface OfficialQueryCache {
  query(q: unknown): Promise<OfficialCursor>;
}
interface OfficialQuery {
  setPageSize(n: number): OfficialQuery;
  setSchema(s: string): OfficialQuery;
}
interface OfficialQueryModule {
  ScanQuery: new () => OfficialQuery;
  SqlFieldsQuery: new (sql: string) => OfficialQuery;
}

/**
 * Drains, one at a time, median of RUNS interleaved runs: a scan of 100,000 entries and a
 * 100,000-row SQL SELECT, both at page size 1024, ours (`for await`) vs apache-ignite-client
 * (`cursor.getAll()`, its fastest path). Reported as rows per second.
 */
export async function queryDrainBench(rows: BenchRow[]): Promise<void> {
  const N = 100_000;
  const PAGE = 1024;
  const info = await useServer('ignite');
  const [host, portText] = info.endpoints[0]!.split(':');
  const ours = new Client();
  await ours.connect(host!, Number(portText));
  const official = new IgniteClient();
  await official.connect(new IgniteClient.IgniteClientConfiguration(info.endpoints[0]!));
  const Q = IgniteClient as unknown as OfficialQueryModule;

  const scanName = `bench-scan-${process.pid}`;
  const scanCache = await ours.getOrCreateCache(scanName);
  for (let i = 0; i < N; i += 1000) {
    await scanCache.putAll(new Map(Array.from({ length: 1000 }, (_, j) => [i + j, `value-${i + j}`])));
  }
  const oscan = official.getCache(scanName) as unknown as OfficialQueryCache;

  const table = `BenchRows${process.pid}`;
  await ours.sql(`DROP TABLE IF EXISTS ${table}`);
  await ours.sql(
    `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR, n BIGINT, d DOUBLE) WITH "CACHE_NAME=${table}"`,
  );
  await ours.sql(
    `INSERT INTO ${table} SELECT x, CONCAT('name-', x), x * 7, x / 3.0 FROM SYSTEM_RANGE(1, ${N})`,
  );
  const osql = official.getCache(table) as unknown as OfficialQueryCache;
  const select = `SELECT id, name, n, d FROM ${table}`;

  const drains: Array<[bench: string, impls: Array<[string, () => Promise<number>]>]> = [
    [
      `scan of ${N.toLocaleString('en')} entries (ignite)`,
      [
        [
          'dbwire gridgain-thin',
          async () => {
            let n = 0;
            for await (const _ of scanCache.scan({ pageSize: PAGE })) n++;
            return n;
          },
        ],
        [
          'apache-ignite-client 1.0.0',
          async () => (await (await oscan.query(new Q.ScanQuery().setPageSize(PAGE))).getAll()).length,
        ],
      ],
    ],
    [
      `SQL drain of ${N.toLocaleString('en')} rows (ignite)`,
      [
        [
          'dbwire gridgain-thin',
          async () => {
            let n = 0;
            for await (const _ of ours.sql(select, { pageSize: PAGE })) n++;
            return n;
          },
        ],
        [
          'apache-ignite-client 1.0.0',
          async () =>
            (
              await (
                await osql.query(new Q.SqlFieldsQuery(select).setSchema('PUBLIC').setPageSize(PAGE))
              ).getAll()
            ).length,
        ],
      ],
    ],
  ];
  for (const [bench, impls] of drains) {
    const samples = new Map<string, number[]>(impls.map(([impl]) => [impl, []]));
    for (const [, drain] of impls) await drain(); // warm-up
    for (let i = 0; i < RUNS; i++) {
      for (const [impl, drain] of impls) {
        const t0 = performance.now();
        const got = await drain();
        const secs = (performance.now() - t0) / 1000;
        if (got !== N) throw new Error(`${bench} / ${impl}: drained ${got} of ${N}`);
        samples.get(impl)!.push(N / secs);
      }
    }
    for (const [impl] of impls) {
      const xs = samples.get(impl)!.sort((a, b) => a - b);
      const perSec = xs[Math.floor(xs.length / 2)]!;
      rows.push({ bench, impl, opsPerSec: perSec, note: 'rows/s' });
      console.log(`  ${bench.padEnd(34)} ${impl.padEnd(28)} ${Math.round(perSec)} rows/s`);
    }
  }
  await scanCache.destroy();
  await ours.sql(`DROP TABLE IF EXISTS ${table}`);
  official.disconnect();
  await ours.close();
}
