#!/usr/bin/env node
/**
 * Part of `pnpm build`, after `tsc -b`: bundles each publishable package's compiled `dist/index.js`
 * (and the modules it imports) into one file, `dist/bundle.js`, which the package's `exports` point
 * at. Dependencies stay external imports (including the lazily imported ones), and so do generated
 * protobuf codecs (`./generated/*`, shipped beside the bundle in dist/generated): a package that
 * imports its codec lazily (weaviate-client, only for gRPC) then loads neither it nor protobufjs
 * before it is needed.
 *
 * Why: Node's ESM loader pays a file open, a resolve and a link per module; a package of 40 modules
 * spent most of its import time there (gridgain-thin: ~170 ms as 43 files, ~37 ms as one, measured
 * here). Types stay the per-module `.d.ts` files tsc writes; `keepNames` keeps class and function
 * names (error names, `instanceof` brands) exactly as in the source.
 *
 * The bundle is always rebuilt from tsc's output, never from a previous bundle, so an incremental
 * `tsc -b` that re-emits only some files can never leave stale code in it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

const started = performance.now();
const built = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  const manifest = join(pkgDir, 'package.json');
  if (!existsSync(manifest) || (only.length > 0 && !only.includes(dir))) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (pkg.private) continue;
  const entry = join(pkgDir, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`${pkg.name}: ${entry} missing; run tsc -b first`);
  await build({
    entryPoints: [entry],
    outfile: join(pkgDir, 'dist', 'bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    external: ['./generated/*'],
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  built.push(pkg.name);
}
console.log(`bundle: ${built.length} packages in ${Math.round(performance.now() - started)} ms`);
