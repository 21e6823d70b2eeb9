import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { down, serverNames, status } from './index.js';
import { runRoot } from './paths.js';
import { isAlive } from './process.js';
import type { ServerName } from './types.js';

/**
 * Integration suites start the servers they need lazily (`useServer`). This setup remembers which
 * servers were already running, and on teardown stops the ones this run started, so a test run
 * leaves no stray processes unless DBWIRE_KEEP_SERVERS=1. Concurrent runs (two terminals, parallel
 * tooling) register under .servers/.runs/<pid>; only the last run to finish stops anything, so one
 * run never pulls a server from under another.
 */
let before: Set<ServerName> | undefined;
/** Servers this run reaches externally (docker mode): a local process of that name is not ours to stop. */
let external = new Set<ServerName>();
const runsDir = join(runRoot, '.runs');
const me = join(runsDir, String(process.pid));

export async function setup(): Promise<void> {
  mkdirSync(runsDir, { recursive: true });
  writeFileSync(me, new Date().toISOString());
  const now = await status();
  external = new Set(now.filter((s) => s.external).map((s) => s.name));
  before = new Set(now.filter((s) => s.running && !s.external).map((s) => s.name));
}

function otherLiveRuns(): number {
  let count = 0;
  for (const entry of readdirSync(runsDir)) {
    const pid = Number.parseInt(entry, 10);
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && isAlive(pid)) count++;
    else rmSync(join(runsDir, entry), { force: true });
  }
  return count;
}

export async function teardown(): Promise<void> {
  rmSync(me, { force: true });
  // Setup may have failed before it knew what ran (a bad docker-mode variable): stop nothing then.
  if (!before || process.env.DBWIRE_KEEP_SERVERS === '1' || otherLiveRuns() > 0) return;
  const started = serverNames.filter((n) => !before!.has(n) && !external.has(n));
  await down(started);
}
