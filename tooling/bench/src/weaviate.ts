/**
 * weaviate-client bench: @dbwire/weaviate-client vs the official `weaviate-client` 3.x (gRPC for import
 * and search), against the local 'weaviate' server, in one run. Both clients are given the gRPC port
 * (ours sends `query.get` there as a gRPC Search, and batches of plain objects as BatchObjects).
 *
 * - import of IMPORT_N (default 50,000) objects with 128-d vectors, 1,000 objects per request, one
 *   request in flight (ours: the seed's auto-batching, `batchSize: 1000`; official: `insertMany` per
 *   1,000, the way its docs batch; one `insertMany` of all 50k fails on the gRPC message limit).
 *   Each import runs in its own child process so its peak RSS (shown in the row label) is its own.
 * - nearVector (limit 10) at 1 and 32 in flight, ops/s: median of BENCH_RUNS rounds, interleaved.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useServer } from '@dbwire/test-servers';
import { Client } from '@dbwire/weaviate-client';
import weaviate from 'weaviate-client';
import type { BenchRow } from './types.js';

const IMPORT_N = Number(process.env.BENCH_WEAVIATE_IMPORT ?? 50_000);
const DIMS = 128;
const CHUNK = 1000;
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEARCH_OBJECTS = 5_000;

/** Deterministic pseudo-random vectors (an LCG), so both clients import the same data. */
function vector(i: number): number[] {
  let x = (i * 2654435761) >>> 0;
  const out = new Array<number>(DIMS);
  for (let d = 0; d < DIMS; d++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[d] = x / 4294967296 - 0.5;
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timed(op: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
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

async function createClass(client: Client, name: string): Promise<void> {
  await client.schema.deleteClass(name).catch(() => {});
  await client.schema.createClass({
    class: name,
    vectorizer: 'none',
    vectorIndexConfig: { distance: 'cosine' },
    properties: [
      { name: 'n', dataType: ['int'] },
      { name: 'label', dataType: ['text'] },
    ],
  });
}

function connectOfficial(url: URL, grpc: string) {
  return weaviate.connectToLocal({
    host: url.hostname,
    port: Number(url.port),
    grpcPort: Number(grpc.split(':').pop()),
  });
}

/** One import in this (child) process; prints `{ seconds, maxRssMb }` as JSON. */
async function importChild(
  impl: 'dbwire' | 'official',
  url: string,
  grpc: string,
  className: string,
): Promise<void> {
  const objects = Array.from({ length: IMPORT_N }, (_, i) => ({ n: i, label: `object ${i}` }));
  const base = new URL(url);
  const t0 = performance.now();
  if (impl === 'dbwire') {
    const client = new Client(base.origin, { grpcPort: Number(grpc.split(':').pop()) });
    client.batch.configure({ batchSize: CHUNK, callback: null });
    await client.batch.with(async (batch) => {
      for (let i = 0; i < IMPORT_N; i++) {
        await batch.addDataObject({ dataObject: objects[i]!, className, vector: vector(i) });
      }
    });
    const s = client.batch.stats;
    if (s.objectsConfirmed !== IMPORT_N)
      throw new Error(`dbwire import confirmed ${s.objectsConfirmed} of ${IMPORT_N}`);
    await client.close();
  } else {
    const client = await connectOfficial(base, grpc);
    const collection = client.collections.get(className);
    for (let start = 0; start < IMPORT_N; start += CHUNK) {
      const chunk = [];
      for (let i = start; i < Math.min(IMPORT_N, start + CHUNK); i++)
        chunk.push({ properties: objects[i]!, vectors: vector(i) });
      const res = await collection.data.insertMany(chunk);
      if (res.hasErrors) throw new Error(`official import: ${JSON.stringify(Object.values(res.errors)[0])}`);
    }
    await client.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** Runs one import in a child process (asynchronously: the parent's pooled sockets stay serviced). */
function runImport(
  impl: 'dbwire' | 'official',
  url: string,
  grpc: string,
  className: string,
): Promise<{ seconds: number; maxRssMb: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', self, '--weaviate-import-child', impl, url, grpc, className],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${impl} import child failed (${code}): ${err || out}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; maxRssMb: number });
    });
  });
}

async function count(client: Client, className: string): Promise<number> {
  const res = await client.query.aggregate(className).withMetaCount().do();
  return res.data.Aggregate[className]![0]!.meta.count as number;
}

export async function run(): Promise<BenchRow[]> {
  const info = await useServer('weaviate');
  const url = info.endpoints[0]!;
  const grpc = info.grpc as string;
  const ours = new Client(url, { grpcPort: Number(grpc.split(':').pop()) });
  const rows: BenchRow[] = [];
  const importClass = `BenchImport${process.pid}`;
  const searchClass = `BenchSearch${process.pid}`;
  try {
    // --- import: each client into a fresh class, in its own process
    for (const impl of ['official', 'dbwire'] as const) {
      await createClass(ours, importClass);
      const r = await runImport(impl, url, grpc, importClass);
      const n = await count(ours, importClass);
      if (n !== IMPORT_N) throw new Error(`${impl}: ${n} objects on the server after importing ${IMPORT_N}`);
      const label = impl === 'dbwire' ? 'dbwire weaviate-client' : 'official weaviate-client';
      rows.push({
        bench: `import ${IMPORT_N} objects, ${DIMS}-d vectors, ${CHUNK}/request (objects/s)`,
        impl: `${label} (peak RSS ${Math.round(r.maxRssMb)} MB)`,
        opsPerSec: IMPORT_N / r.seconds,
      });
    }
    await ours.schema.deleteClass(importClass);

    // --- nearVector at 1 and 32 in flight
    await createClass(ours, searchClass);
    ours.batch.configure({ batchSize: 1000, callback: null });
    await ours.batch.with(async (b) => {
      for (let i = 0; i < SEARCH_OBJECTS; i++)
        await b.addDataObject({
          dataObject: { n: i, label: `o${i}` },
          className: searchClass,
          vector: vector(i),
        });
    });
    const official = await connectOfficial(new URL(url), grpc);
    const collection = official.collections.get(searchClass);
    let q = 0;
    const impls: Array<[string, () => Promise<unknown>]> = [
      [
        'dbwire weaviate-client',
        () =>
          ours.query
            .get(searchClass, ['n', 'label'])
            .withNearVector({ vector: vector(q++ % 997) })
            .withLimit(10)
            .do(),
      ],
      [
        'official weaviate-client',
        () => collection.query.nearVector(vector(q++ % 997), { limit: 10, returnProperties: ['n', 'label'] }),
      ],
    ];
    // The same answer from both, so the comparison is like for like.
    const a = await ours.query
      .get<{ n: number }>(searchClass, ['n'])
      .withNearVector({ vector: vector(5) })
      .withLimit(10)
      .do();
    const b = await collection.query.nearVector(vector(5), { limit: 10, returnProperties: ['n'] });
    const oursIds = a.data.Get[searchClass]!.map((o) => o.n);
    const theirIds = b.objects.map((o) => o.properties.n);
    if (JSON.stringify(oursIds) !== JSON.stringify(theirIds))
      throw new Error(`nearVector answers differ: ${oursIds} vs ${theirIds}`);
    for (const inFlight of [1, 32]) {
      const samples = impls.map(() => [] as number[]);
      for (const [, op] of impls) await timed(op, inFlight, 300); // warm-up
      for (let round = 0; round < RUNS; round++) {
        for (let k = 0; k < impls.length; k++) {
          const i = (round + k) % impls.length;
          samples[i]!.push(await timed(impls[i]![1], inFlight, RUN_MS));
        }
      }
      for (const [i, [impl]] of impls.entries()) {
        rows.push({
          bench: `nearVector limit 10, ${inFlight} in flight`,
          impl,
          opsPerSec: median(samples[i]!),
        });
      }
    }
    await official.close();
  } finally {
    await ours.schema.deleteClass(importClass).catch(() => {});
    await ours.schema.deleteClass(searchClass).catch(() => {});
    await ours.close();
  }
  return rows;
}

if (process.argv[2] === '--weaviate-import-child') {
  const [, , , impl, url, grpc, className] = process.argv;
  await importChild(impl as 'dbwire' | 'official', url!, grpc!, className!);
}
