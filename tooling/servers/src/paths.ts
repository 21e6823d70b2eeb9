import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (tooling/servers/src → ../../..). */
export const repoRoot = resolve(here, '../../..');

/** Per-run data and logs: gitignored, wiped per server start. */
export const runRoot = process.env.DBWIRE_RUN_DIR ?? join(repoRoot, '.servers');

/**
 * Built binaries, resolved classpaths and downloads: outside the repository so a fresh clone (CI)
 * reuses what an earlier run built on the same machine.
 */
export const cacheRoot = process.env.DBWIRE_CACHE ?? join(homedir(), '.cache', 'dbwire');

export const binDir = join(cacheRoot, 'bin');

/** shared/ beside the project (recorded ArangoDB exchanges, seeds). */
export const sharedRoot = process.env.DBWIRE_SHARED ?? resolve(repoRoot, '../shared');

/** Java sources and Maven poms of our launchers. */
export const javaDir = resolve(here, '../java');

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

export function runDir(name: string): string {
  return ensureDir(join(runRoot, name));
}
