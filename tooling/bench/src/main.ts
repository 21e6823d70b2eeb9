/**
 * `./dev bench [dgraph|gridgain|arango|memgraph|weaviate ...]`: each dbwire client against the official client of its
 * database and a raw baseline, on the same server, in one run. Prints ops/s per implementation and the
 * ratio of each implementation to ours.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { down, serverNames, status } from '@dbwire/test-servers';
import type { BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const suites = ['dgraph', 'gridgain', 'arango', 'memgraph', 'weaviate', 'coldstart'];

function printTable(rows: BenchRow[]): void {
  const byBench = new Map<string, BenchRow[]>();
  for (const row of rows) byBench.set(row.bench, [...(byBench.get(row.bench) ?? []), row]);
  for (const [bench, list] of byBench) {
    const ours = list.find((r) => r.impl.startsWith('dbwire'))?.opsPerSec;
    console.log(`\n${bench}`);
    for (const r of list) {
      const ratio = ours && r.opsPerSec > 0 ? ` ours/this = ${(ours / r.opsPerSec).toFixed(2)}x` : '';
      const note = r.note ? `  (${r.note})` : '';
      console.log(
        `  ${r.impl.padEnd(28)} ${Math.round(r.opsPerSec).toString().padStart(10)} ops/s${ratio}${note}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const before = new Set((await status()).filter((s) => s.running).map((s) => s.name));
  try {
    for (const suite of suites) {
      if (only.length > 0 && !only.includes(suite)) continue;
      const path = join(here, `${suite}.ts`);
      if (!existsSync(path)) continue;
      const mod = (await import(pathToFileURL(path).href)) as { run(): Promise<BenchRow[]> };
      console.log(`\n##### ${suite}`);
      printTable(await mod.run());
    }
  } finally {
    if (process.env.DBWIRE_KEEP_SERVERS !== '1') await down(serverNames.filter((n) => !before.has(n)));
  }
}

await main();
