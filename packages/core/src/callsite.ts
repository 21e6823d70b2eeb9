/**
 * Caller stack capture. Errors born in socket callbacks show only library internals; packages capture
 * the caller's stack when a public method is entered and attach it when the call fails, so the user
 * sees their own line (arangojs #599, #722). `Error.captureStackTrace` records frames lazily: the
 * string is only formatted if an error actually needs it, so capturing on every call is cheap.
 */

export interface CallSite {
  readonly stack?: string;
}

const APPLIED = Symbol.for('dbwire.callsite.applied');

/** Records the current stack, omitting frames above (and including) `above`. */
export function captureCallSite(above?: Function): CallSite {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, above ?? captureCallSite);
  return holder;
}

/** Appends the caller's frames to `err.stack` once; returns `err` for `throw withCallSite(e, site)`. */
export function withCallSite<T>(err: T, site: CallSite | undefined): T {
  if (!site || !(err instanceof Error) || (err as unknown as Record<symbol, unknown>)[APPLIED]) return err;
  const captured = site.stack;
  if (!captured) return err;
  const frames = captured.slice(captured.indexOf('\n') + 1);
  try {
    Object.defineProperty(err, APPLIED, { value: true });
    err.stack = `${err.stack ?? `${err.name}: ${err.message}`}\n    --- called from ---\n${frames}`;
  } catch {
    /* non-writable stack: keep the original */
  }
  return err;
}

/** Awaits `promise`; if it rejects, rethrows with the caller frames of `site` attached. */
export async function traced<T>(promise: Promise<T>, site: CallSite): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw withCallSite(err, site);
  }
}

/**
 * Awaits `promise`; if it rejects, appends the frames of the async functions awaiting this call (the
 * user's code) to the error's stack. Unlike `captureCallSite` (a stack walk on EVERY call, ~2 µs), the
 * walk happens only on failure: inside this async function's catch block V8's async stack trace still
 * knows who is awaiting, so success costs one extra await (~0.1 µs). Used by funnels whose errors are
 * born in socket callbacks, where the error's own stack shows only library internals.
 */
export async function awaitWithCallers<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw withCallSite(err, captureCallSite(awaitWithCallers));
  }
}
