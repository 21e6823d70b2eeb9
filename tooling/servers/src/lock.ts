import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './paths.js';
import { isAlive } from './process.js';

/**
 * A cross-process lock (mkdir is atomic), so parallel vitest workers asking for the same server start
 * it once. The holder's pid is written inside; a lock whose holder is gone, or older than `staleMs`,
 * is taken over.
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, staleMs = 45 * 60_000): Promise<T> {
  const path = join(runDir(name), '.lock');
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isAbandoned(path, staleMs)) rmSync(path, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

function isAbandoned(path: string, staleMs: number): boolean {
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > staleMs) return true;
    const pid = Number.parseInt(readFileSync(join(path, 'pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
  } catch {
    // No pid file yet: the holder is between mkdir and write; only age can tell.
    return false;
  }
}
