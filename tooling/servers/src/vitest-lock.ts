import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Test files that share one server run in parallel workers, and some of them drop all data (as the
 * seed walkthroughs do) or restart the server. Each file that uses a server holds this cross-process lock for its
 * whole run, so a drop in one file never pulls data from under another. The lock is a directory
 * (mkdir is atomic) holding the owner's pid; a lock whose owner died is taken over.
 */
export function holdServerLock(server: string, timeoutMs = 600_000): void {
  const dir = join(tmpdir(), `dbwire-test-${server}.lock`);
  beforeAll(async () => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        mkdirSync(dir);
        writeFileSync(join(dir, 'pid'), String(process.pid));
        return;
      } catch {
        let owner = 0;
        try {
          owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
        } catch {
          /* being created or removed */
        }
        if (owner && !alive(owner)) rmSync(dir, { recursive: true, force: true });
        if (Date.now() > until) throw new Error(`timed out waiting for the ${server} test lock (${dir})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, timeoutMs + 5_000);
  afterAll(() => {
    try {
      if (Number(readFileSync(join(dir, 'pid'), 'utf8')) === process.pid)
        rmSync(dir, { recursive: true, force: true });
    } catch {
      /* already gone */
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
