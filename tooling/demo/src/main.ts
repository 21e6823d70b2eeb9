/**
 * The README's demo command: starts the local real servers each quickstart needs and runs every
 * package's quickstart against them, printing what each does. Servers this run started are stopped at
 * the end unless DBWIRE_KEEP_SERVERS=1.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { down, serverNames, status } from '@dbwire/test-servers';

type Quickstart = { run(log: (line: string) => void): Promise<void> };

const here = dirname(fileURLToPath(import.meta.url));
const quickstarts = [
  ['dgraph-client', 'dgraph.ts'],
  ['gridgain-thin', 'gridgain.ts'],
  ['arango-client', 'arango.ts'],
  ['memgraph-client', 'memgraph.ts'],
  ['weaviate-client', 'weaviate.ts'],
] as const;

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const before = new Set((await status()).filter((s) => s.running).map((s) => s.name));
  let failed = 0;
  let ran = 0;
  try {
    for (const [pkg, file] of quickstarts) {
      if (only.length > 0 && !only.includes(pkg)) continue;
      const path = join(here, file);
      if (!existsSync(path)) {
        console.log(`\n=== @dbwire/${pkg}: no quickstart yet (package not implemented) ===`);
        continue;
      }
      console.log(`\n=== @dbwire/${pkg} ===`);
      const started = Date.now();
      try {
        const mod = (await import(pathToFileURL(path).href)) as Quickstart;
        await mod.run((line) => console.log(`  ${line}`));
        ran++;
        console.log(`--- ok (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        console.error(`--- FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  } finally {
    if (process.env.DBWIRE_KEEP_SERVERS !== '1') {
      await down(serverNames.filter((n) => !before.has(n)));
    }
  }
  console.log(`\ndemo: ${ran} quickstarts ran, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

await main();
