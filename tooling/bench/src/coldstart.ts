/**
 * Cold start: the time to import each package in a fresh Node process, beside the official client of
 * the same database and bare Node. Each sample is one `node -e "await import(...)"` process, timed from
 * spawn to exit; samples of all implementations are interleaved so machine noise hits them alike; the
 * median of RUNS is reported. Our packages load their built `dist/` (as users get them).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.js';

const RUNS = Number(process.env.BENCH_COLDSTART_RUNS ?? 9);
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(benchDir, 'package.json'));

const pairs: Array<{ db: string; ours: string; official: string }> = [
  { db: 'arango', ours: '@dbwire/arango-client', official: 'arangojs' },
  { db: 'dgraph', ours: '@dbwire/dgraph-client', official: 'dgraph-js' },
  { db: 'gridgain', ours: '@dbwire/gridgain-thin', official: 'apache-ignite-client' },
  { db: 'memgraph', ours: '@dbwire/memgraph-client', official: 'neo4j-driver' },
  { db: 'weaviate', ours: '@dbwire/weaviate-client', official: 'weaviate-client' },
];

function resolvable(spec: string): boolean {
  try {
    require.resolve(spec);
    return true;
  } catch {
    // ESM-only packages have no "require" condition; ask the ESM resolver instead.
    const res = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import.meta.resolve(${JSON.stringify(spec)})`],
      {
        cwd: benchDir,
      },
    );
    return res.status === 0;
  }
}

/** Milliseconds from spawn to exit of a Node process that imports `spec` (or nothing). */
function sample(spec: string | undefined): number {
  const code = spec ? `await import(${JSON.stringify(spec)})` : '';
  const started = performance.now();
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: benchDir,
    stdio: 'pipe',
  });
  const elapsed = performance.now() - started;
  if (res.status !== 0) throw new Error(`importing ${spec} failed: ${res.stderr.toString()}`);
  return elapsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<BenchRow[]> {
  const impls: Array<{ bench: string; impl: string; spec: string | undefined }> = [];
  for (const p of pairs) {
    if (!resolvable(p.ours)) continue;
    impls.push({ bench: `cold import (${p.db})`, impl: `dbwire ${p.ours}`, spec: p.ours });
    if (resolvable(p.official))
      impls.push({ bench: `cold import (${p.db})`, impl: p.official, spec: p.official });
    impls.push({ bench: `cold import (${p.db})`, impl: 'bare node (no import)', spec: undefined });
  }
  const samples = new Map<string | undefined, number[]>();
  for (let i = 0; i < RUNS; i++) {
    for (const spec of new Set(impls.map((x) => x.spec))) {
      samples.set(spec, [...(samples.get(spec) ?? []), sample(spec)]);
    }
  }
  return impls.map(({ bench, impl, spec }) => {
    const ms = median(samples.get(spec)!);
    return { bench, impl, opsPerSec: 1000 / ms, note: `median ${ms.toFixed(0)} ms per process` };
  });
}
