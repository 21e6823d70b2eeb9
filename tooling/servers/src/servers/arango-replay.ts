import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultExchangeFiles, defaultOpenApiFile } from '../arango/recordings.js';
import { repoRoot } from '../paths.js';
import { spawnServerProcess } from '../process.js';
import type { ServerDef, ServerInfo } from '../types.js';

/**
 * `arango-replay`: ArangoDB cannot be installed here, so the suites talk to a replay server that
 * answers with the exchanges a real arangod 3.12.10 recorded (tooling/servers/src/arango/), validates
 * every request against the OpenAPI description and offers a control API under `/_replay/`.
 *
 * Runs detached as `node --import tsx src/arango/main.ts --port 8529` on 127.0.0.1:8529.
 * Docker mode: with `ARANGO_URL` set nothing is started; info() returns that URL with
 * `external: true, replay: false` (suites then hit a real server and must skip replay-only checks).
 */

const HOST = '127.0.0.1';
const PORT = 8529;
const URL_LOCAL = `http://${HOST}:${PORT}`;
const here = dirname(fileURLToPath(import.meta.url));
const mainFile = join(here, '..', 'arango', 'main.ts');

/** tsx's ESM loader, resolved from the repository root (a root devDependency). */
function tsxLoader(): string {
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return pathToFileURL(require.resolve('tsx')).href;
  } catch (err) {
    throw new Error(
      `arango-replay needs tsx (a root devDependency); run pnpm install: ${(err as Error).message}`,
    );
  }
}

function info(url: string, external: boolean): ServerInfo {
  return {
    name: 'arango-replay',
    external,
    endpoints: [url],
    url,
    replay: !external,
    ...(external ? {} : { controlUrl: `${url}/_replay` }),
  };
}

export const arangoReplayServers: ServerDef[] = [
  {
    name: 'arango-replay',
    description:
      'ArangoDB 3.12 replay server (recorded real exchanges + OpenAPI validation) on 127.0.0.1:8529',
    envVars: ['ARANGO_URL'],
    external() {
      const url = process.env.ARANGO_URL;
      return url ? info(url.replace(/\/+$/, ''), true) : undefined;
    },
    async provision(log) {
      const missing = [...defaultExchangeFiles(), defaultOpenApiFile()].filter((f) => !existsSync(f));
      if (missing.length > 0) {
        throw new Error(
          `arango-replay: recorded data missing: ${missing.join(', ')} (set DBWIRE_SHARED to the shared/ dir)`,
        );
      }
      tsxLoader();
      log('[arango-replay] recordings and OpenAPI description present');
    },
    async start() {
      spawnServerProcess(
        'arango-replay',
        process.execPath,
        ['--import', tsxLoader(), mainFile, '--port', String(PORT), '--host', HOST],
        { log: 'replay.log', cwd: repoRoot },
      );
    },
    async ready() {
      // Our replay server answers GET /_api/version from a recording and names it in x-replay-key, so a
      // stray real arangod on the port is not mistaken for it.
      try {
        // With credentials: the replay server answers 401 without them, as arangod with authentication on.
        const res = await fetch(`${URL_LOCAL}/_api/version`, {
          headers: { authorization: `Basic ${Buffer.from('root:').toString('base64')}` },
          signal: AbortSignal.timeout(2000),
        });
        const body = (await res.json()) as { server?: string };
        return res.status === 200 && body.server === 'arango' && res.headers.get('x-replay-key') !== null;
      } catch {
        return false;
      }
    },
    readyTimeoutMs: 30_000,
    info() {
      return info(URL_LOCAL, false);
    },
  },
];
