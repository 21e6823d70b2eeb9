import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './paths.js';

/**
 * A cross-process lock (mkdir is atomic), so parallel vitest workers asking for the same server start
 * it once. A lock older than `staleMs` is taken over (its holder died).
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, staleMs = 45 * 60_000): Promise<T> {
  const path = join(runDir(name), '.lock');
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(path).mtimeMs > staleMs) rmSync(path, { recursive: true, force: true });
      } catch {
        /* raced with the holder's release */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
