import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';
import { spawnServerProcess } from './process.js';

/**
 * Helper services written in TypeScript (the Weaviate inference service, the OIDC issuer) run as
 * detached `node --import tsx <file>` processes recorded under their server's name, so `down` stops
 * them together with the database that depends on them.
 */

/** tsx's ESM loader, resolved from the repository root (a root devDependency). */
export function tsxLoader(): string {
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return pathToFileURL(require.resolve('tsx')).href;
  } catch (err) {
    throw new Error(
      `helper services need tsx (a root devDependency); run pnpm install: ${(err as Error).message}`,
    );
  }
}

/** Spawns `node --import tsx <entry> ...args` detached, logging to `<log>` in the server's run dir. */
export function spawnNodeService(
  serverName: string,
  entry: string,
  args: string[],
  options: { log: string; env?: NodeJS.ProcessEnv },
): number {
  return spawnServerProcess(serverName, process.execPath, ['--import', tsxLoader(), entry, ...args], {
    log: options.log,
    cwd: repoRoot,
    env: options.env,
  });
}
