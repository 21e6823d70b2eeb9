import { down, serverNames, status } from './index.js';
import type { ServerName } from './types.js';

/**
 * Integration suites start the servers they need lazily (`useServer`). This setup remembers which
 * servers were already running, and on teardown stops the ones this run started, so a test run
 * leaves no stray processes unless DBWIRE_KEEP_SERVERS=1.
 */
let before: Set<ServerName>;

export async function setup(): Promise<void> {
  before = new Set((await status()).filter((s) => s.running && !s.external).map((s) => s.name));
}

export async function teardown(): Promise<void> {
  if (process.env.DBWIRE_KEEP_SERVERS === '1') return;
  const started = serverNames.filter((n) => !before.has(n));
  await down(started);
}
