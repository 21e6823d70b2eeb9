import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * CommonJS users: `require('@dbwire/<pkg>')` must load the BUILT package (dist/, ESM) through Node's
 * require(esm) (unflagged since Node 20.19 / 22.12). Each case writes a throwaway .cjs file, runs it
 * with this Node binary, and lets it resolve the package by name from this workspace package's
 * node_modules (the workspace links), exactly as an application's require() would.
 */

const here = dirname(fileURLToPath(import.meta.url));
const interopDir = resolve(here, '..');
const repoRoot = resolve(interopDir, '../..');

/** Known exports: core's own API; every client exposes error classes built on core's DbwireError. */
const CORE_EXPORTS = [
  'DbwireError',
  'UsageError',
  'retry',
  'withDeadline',
  'parseHosts',
  'HostPool',
  'RefreshingTokenProvider',
  'oidcPasswordGrant',
] as const;

const PACKAGES = [
  { name: '@dbwire/core', dir: 'core', exports: CORE_EXPORTS },
  { name: '@dbwire/dgraph-client', dir: 'dgraph-client', exports: [] },
  { name: '@dbwire/memgraph-client', dir: 'memgraph-client', exports: [] },
  { name: '@dbwire/gridgain-thin', dir: 'gridgain-thin', exports: [] },
  { name: '@dbwire/weaviate-client', dir: 'weaviate-client', exports: [] },
  { name: '@dbwire/arango-client', dir: 'arango-client', exports: [] },
] as const;

/**
 * The .cjs program: requires the package (and core beside it), checks the wanted exports, lists the
 * exported classes that derive from core's DbwireError (same copy of core, so one error hierarchy
 * for CommonJS users too), and prints a JSON report on stdout.
 */
function program(name: string, exportsWanted: readonly string[]): string {
  return `'use strict';
const name = ${JSON.stringify(name)};
const resolved = require.resolve(name);
const mod = require(name);
const core = require('@dbwire/core');
const wanted = ${JSON.stringify(exportsWanted)};
const missing = wanted.filter((k) => mod[k] === undefined);
function derivesFromCore(fn) {
  for (let c = fn; c; c = Object.getPrototypeOf(c)) if (c === core.DbwireError) return true;
  return false;
}
const errorClasses = Object.keys(mod).filter((k) => typeof mod[k] === 'function' && derivesFromCore(mod[k]));
const err = new core.DbwireError('probe', { code: 'ERR_PROBE' });
const brand = { is: core.DbwireError.is(err), instanceOf: err instanceof core.DbwireError, code: err.code };
process.stdout.write(JSON.stringify({ resolved, missing, errorClasses, brand }));
`;
}

describe('require(esm) of every built package', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'dbwire-interop-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each(PACKAGES)('require($name) loads dist/ and exposes its exports', ({ name, dir, exports }) => {
    const dist = join(repoRoot, 'packages', dir, 'dist', 'bundle.js');
    if (!existsSync(dist)) {
      throw new Error(`${name}: ${dist} is missing: run pnpm build first (the interop test loads dist/)`);
    }
    const link = join(interopDir, 'node_modules', ...name.split('/'));
    if (!existsSync(link)) {
      throw new Error(`${name} is not linked into tooling/interop/node_modules: run pnpm install`);
    }
    const file = join(tmp, `${dir}.cjs`);
    writeFileSync(file, program(name, exports));
    const run = spawnSync(process.execPath, [file], {
      cwd: tmp,
      // The temp file lives outside the workspace: resolve bare names from the interop package.
      env: { ...process.env, NODE_PATH: join(interopDir, 'node_modules'), NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const stderr = run.stderr
      .split('\n')
      .filter((l) => !/ExperimentalWarning|Support for loading ES Module in require|--trace-warnings/.test(l))
      .join('\n')
      .trim();
    if (run.status !== 0) {
      throw new Error(`node ${file} exited with ${run.status ?? run.signal}:\n${run.stderr}`);
    }
    expect(stderr).toBe('');
    const report = JSON.parse(run.stdout) as {
      resolved: string;
      missing: string[];
      errorClasses: string[];
      brand: { is: boolean; instanceOf: boolean; code: string };
    };
    // It loaded the built ESM file, not the TypeScript source.
    expect(report.resolved).toBe(dist);
    expect(report.missing).toEqual([]);
    expect(report.errorClasses.length, `${name} exports no error class built on DbwireError`).toBeGreaterThan(
      0,
    );
    expect(report.brand).toEqual({ is: true, instanceOf: true, code: 'ERR_PROBE' });
  });
});
