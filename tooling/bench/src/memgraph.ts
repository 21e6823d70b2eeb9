/**
 * memgraph-client bench: @dbwire/memgraph-client vs raw neo4j-driver 5.x (the official JavaScript
 * driver it wraps, used the way its docs show), against the same real Bolt server ('bolt' from
 * tooling/servers: Neo4j standing in for Memgraph; MEMGRAPH_URL points it at a real Memgraph), one run.
 *
 * - executeQuery: `RETURN $x AS x` as a managed transaction per op (BEGIN+RUN+PULL, COMMIT), at 1 and
 *   32 in flight;
 * - stream 100k: one session per op running `UNWIND range(1, 100000) AS i RETURN i`, every record read
 *   through the async iterator (fetchSize 1000); the figure is records per second.
 * Every figure is the median of BENCH_RUNS (default 5) timed runs of BENCH_RUN_MS (default 2000) after a
 * warm-up; the implementations take turns within each round. Memory: the peak heap growth while
 * streaming 100k records, sampled every 5 ms (median of 3, after a GC when node runs with --expose-gc).
 */
import { GraphDatabase } from '@dbwire/memgraph-client';
import { useServer } from '@dbwire/test-servers';
import neo4j from 'neo4j-driver';
import type { BenchRow } from './types.js';

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LEVELS = [1, 32];
const STREAM = 'UNWIND range(1, 100000) AS i RETURN i';

type Op = () => Promise<number>;

async function timed(op: Op, inFlight: number, ms: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      // Not `count += await op()`: that reads `count` before the await and loses concurrent updates.
      const n = await op();
      count += n;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (count * 1000) / (performance.now() - start);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function peakHeapGrowth(op: () => Promise<unknown>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    await op();
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    samples.push(peak - base);
  }
  return median(samples);
}

export async function run(): Promise<BenchRow[]> {
  const info = await useServer('bolt');
  const url = info.url as string;
  const user = (info.username as string | undefined) ?? '';
  const password = (info.password as string | undefined) ?? '';

  const ours = GraphDatabase.driver(url, { auth: [user, password] });
  const raw = neo4j.driver(url, neo4j.auth.basic(user, password));
  try {
    const impls: Array<{ name: string; query: Op; stream: Op }> = [
      {
        name: 'dbwire memgraph-client',
        query: async () => {
          await ours.executeQuery('RETURN $x AS x', { x: 1 });
          return 1;
        },
        stream: async () => {
          await using session = ours.session({ fetchSize: 1000 });
          let n = 0;
          for await (const _ of await session.run(STREAM)) n++;
          return n;
        },
      },
      {
        name: 'raw neo4j-driver 5',
        query: async () => {
          await raw.executeQuery('RETURN $x AS x', { x: neo4j.int(1) });
          return 1;
        },
        stream: async () => {
          const session = raw.session({ fetchSize: 1000 });
          try {
            let n = 0;
            for await (const _ of session.run(STREAM)) n++;
            return n;
          } finally {
            await session.close();
          }
        },
      },
    ];

    const rows: BenchRow[] = [];
    const measure = async (bench: string, pick: (i: (typeof impls)[number]) => Op, inFlight: number) => {
      const results = new Map<string, number[]>(impls.map((i) => [i.name, []]));
      for (const impl of impls) await timed(pick(impl), inFlight, Math.min(RUN_MS, 1000)); // warm-up
      for (let r = 0; r < RUNS; r++) {
        for (const impl of impls) results.get(impl.name)!.push(await timed(pick(impl), inFlight, RUN_MS));
      }
      for (const impl of impls)
        rows.push({ bench, impl: impl.name, opsPerSec: median(results.get(impl.name)!) });
    };
    for (const level of LEVELS)
      await measure(`executeQuery RETURN $x, ${level} in flight`, (i) => i.query, level);
    await measure('stream 100k records (records/s)', (i) => i.stream, 1);

    for (const impl of impls) {
      const bytes = await peakHeapGrowth(impl.stream);
      console.log(
        `  memory: ${impl.name.padEnd(24)} peak heap growth streaming 100k records: ${(bytes / 2 ** 20).toFixed(1)} MiB`,
      );
    }
    console.log(`  rss after the suite: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    return rows;
  } finally {
    await ours.close();
    await raw.close();
  }
}
