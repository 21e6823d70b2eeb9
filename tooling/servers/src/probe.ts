import { connect } from 'node:net';

/**
 * Polls `check` until it returns true or `timeoutMs` passes; errors count as "not yet", except errors
 * carrying `fatal: true`, which end the wait immediately.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 250,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      if (await check()) return;
    } catch (err) {
      // A check can say "this will never become ready" (the process died): stop waiting at once.
      if ((err as { fatal?: boolean })?.fatal) throw err;
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what} not ready after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message ?? lastError}` : ''}`,
  );
}

/** True when a TCP connection to host:port is accepted. */
export function tcpOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when GET `url` answers 2xx. */
export async function httpOk(url: string, init: RequestInit = {}, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
