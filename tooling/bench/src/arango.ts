/**
 * arango-client bench: @dbwire/arango-client vs arangojs 10.4.0 vs a raw undici Pool doing the same
 * requests, all against one private arango-replay instance (a child process, so the server does not
 * share the client's event loop) in one run.
 *
 * - document GET (a recorded exchange) at 1, 32 and 128 in flight;
 * - draining a 100k-row cursor in 1k batches (scripted replay: `bigCursor`).
 *
 * Each figure is the median of BENCH_RUNS (default 5) timed runs after a warm-up run; the implementations
 * run interleaved round by round (the machine may be shared), so load changes hit all of them alike.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArangoClient } from '@dbwire/arango-client';
import { Database } from 'arangojs';
import { Pool } from 'undici';
import type { BenchRow } from './types.js';

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DRAINS_PER_RUN = Number(process.env.BENCH_DRAINS ?? 3);
const POOL = 32;
const CURSOR_QUERY = 'FOR p IN bench RETURN p';
const AUTH = `Basic ${Buffer.from('root:').toString('base64')}`;
const DOC_PATH = '/_db/_system/_api/document/products/70477';

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** The impls with their indexes, starting at a different one each round. */
function rotate<T>(items: T[], round: number): Array<[number, T]> {
  const out: Array<[number, T]> = [];
  for (let k = 0; k < items.length; k++) {
    const i = (round + k) % items.length;
    out.push([i, items[i] as T]);
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startReplay(): Promise<{ url: string; child: ChildProcess }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '../../..');
  const main = join(root, 'tooling/servers/src/arango/main.ts');
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('arango-replay did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`arango-replay exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/_replay/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      match: { method: 'POST', path: '/_api/cursor', body: { query: CURSOR_QUERY } },
      cursor: {
        generate: { count: 100_000, shape: 'document', collection: 'bench' },
        batchSize: 1000,
        count: true,
      },
    }),
  });
  if (!res.ok) throw new Error(`script failed: ${res.status}`);
  return { url, child };
}

export async function run(): Promise<BenchRow[]> {
  const { url, child } = await startReplay();
  const rows: BenchRow[] = [];
  const ours = new ArangoClient({ hosts: url, poolSize: POOL });
  const oursDb = await ours.db('_system', { username: 'root', password: '' });
  const oursCol = oursDb.collection('products');
  const official = new Database({ url, databaseName: '_system', auth: { username: 'root', password: '' } });
  const officialCol = official.collection('products');
  const raw = new Pool(url, { connections: POOL, pipelining: 1 });
  const rawHeaders = { accept: 'application/json', authorization: AUTH };
  const rawBodyHeaders = { ...rawHeaders, 'content-type': 'application/json' };

  const impls: Array<{ impl: string; get: Op; drain: () => Promise<number> }> = [
    {
      impl: 'dbwire arango-client',
      get: () => oursCol.get('70477'),
      drain: async () => {
        const cursor = await oursDb.aql.execute(CURSOR_QUERY, { batchSize: 1000 });
        let n = 0;
        for await (const _ of cursor) n++;
        return n;
      },
    },
    {
      impl: 'arangojs 10.4.0',
      get: () => officialCol.document('70477'),
      drain: async () => {
        const cursor = await official.query(CURSOR_QUERY, {}, { batchSize: 1000 });
        let n = 0;
        for await (const _ of cursor) n++;
        return n;
      },
    },
    {
      impl: 'raw undici Pool',
      get: async () => {
        const res = await raw.request({ method: 'GET', path: DOC_PATH, headers: rawHeaders });
        const doc = JSON.parse(await res.body.text());
        if (res.statusCode !== 200) throw new Error(`raw GET ${res.statusCode}`);
        return doc;
      },
      drain: async () => {
        let res = await raw.request({
          method: 'POST',
          path: '/_db/_system/_api/cursor',
          headers: rawBodyHeaders,
          body: JSON.stringify({ query: CURSOR_QUERY, batchSize: 1000 }),
        });
        let body = JSON.parse(await res.body.text()) as { id: string; hasMore: boolean; result: unknown[] };
        let n = 0;
        for (;;) {
          for (const _ of body.result) n++;
          if (!body.hasMore) return n;
          res = await raw.request({
            method: 'POST',
            path: `/_db/_system/_api/cursor/${body.id}`,
            headers: rawHeaders,
          });
          body = JSON.parse(await res.body.text());
        }
      },
    },
  ];

  try {
    // Warm the server (JIT, validation caches, cursor batch cache) before anything is measured.
    await timed(impls[2]!.get, 32, 2000);
    await impls[2]!.drain();
    // The machine may be shared: impls run interleaved, round by round, so load shifts hit all alike.
    for (const inFlight of [1, 32, 128]) {
      const samples = impls.map(() => [] as number[]);
      for (const { get } of impls) await timed(get, inFlight, Math.min(500, RUN_MS));
      for (let r = 0; r < RUNS; r++) {
        for (const [i, { get }] of rotate(impls, r)) samples[i]!.push(await timed(get, inFlight, RUN_MS));
      }
      for (const [i, { impl }] of impls.entries()) {
        rows.push({ bench: `document get, ${inFlight} in flight`, impl, opsPerSec: median(samples[i]!) });
      }
    }
    const samples = impls.map(() => [] as number[]);
    for (const { drain } of impls) {
      const n = await drain();
      if (n !== 100_000) throw new Error(`cursor drain returned ${n} rows, expected 100000`);
    }
    for (let r = 0; r < RUNS; r++) {
      for (const [i, { drain }] of rotate(impls, r)) {
        const start = performance.now();
        for (let j = 0; j < DRAINS_PER_RUN; j++) await drain();
        samples[i]!.push((DRAINS_PER_RUN * 1000) / (performance.now() - start));
      }
    }
    for (const [i, { impl }] of impls.entries()) {
      rows.push({
        bench: 'cursor drain 100k rows / 1k batches (drains/s)',
        impl,
        opsPerSec: median(samples[i]!),
      });
    }
  } finally {
    await ours.close();
    official.close();
    await raw.close();
    child.kill('SIGTERM');
  }
  return rows;
}
