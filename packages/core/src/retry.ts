import { abortError, sleep } from './deadline.js';
import { isRetryable, UsageError } from './errors.js';

/**
 * One retry policy for every package: reconnects, transient conflicts, 503/429, aborted transactions.
 * Delay for attempt n (1-based, the wait after the n-th failure):
 *   base = min(maxDelayMs, initialDelayMs * multiplier^(n-1))
 *   delay = base * (1 - jitter + 2 * jitter * random())   (so within base * [1-jitter, 1+jitter])
 *   capped again at maxDelayMs; a server's Retry-After (err.retryAfterMs) wins when larger.
 * Gives up (rethrowing the last error unchanged) after `maxAttempts` attempts, when the next wait would
 * cross `maxElapsedMs`, or when `retryOn(err)` says no.
 */
export interface RetryPolicy {
  maxAttempts: number;
  maxElapsedMs: number;
  initialDelayMs: number;
  multiplier: number;
  /** 0..1: how far each delay may be randomly spread around its base. */
  jitter: number;
  maxDelayMs: number;
  /** Whether a failed attempt is worth another one (default: the error's `retryable` flag). */
  retryOn: (err: unknown, attempt: number) => boolean;
}

/** The policy `retry()` starts from; any field can be overridden per call. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  maxElapsedMs: 30_000,
  initialDelayMs: 100,
  multiplier: 2,
  jitter: 0.2,
  maxDelayMs: 5_000,
  retryOn: (err: unknown) => isRetryable(err),
});

/** Fills a partial policy from the defaults and validates it. */
export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(partial) };
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new UsageError(`invalid retry policy: ${what}`, { code: 'ERR_INVALID_RETRY_POLICY' });
  };
  check(Number.isInteger(p.maxAttempts) && p.maxAttempts >= 1, 'maxAttempts must be an integer >= 1');
  check(p.maxElapsedMs >= 0, 'maxElapsedMs must be >= 0');
  check(p.initialDelayMs >= 0, 'initialDelayMs must be >= 0');
  check(p.multiplier >= 1, 'multiplier must be >= 1');
  check(p.jitter >= 0 && p.jitter <= 1, 'jitter must be within 0..1');
  check(p.maxDelayMs >= 0, 'maxDelayMs must be >= 0');
  check(typeof p.retryOn === 'function', 'retryOn must be a function');
  return p;
}

/**
 * A copy of `o` without its `undefined` properties, so `{ ...defaults, ...stripUndefined(options) }`
 * keeps a default where the caller wrote `{ key: undefined }`.
 */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The wait after failed attempt `attempt` (1-based), before Retry-After is considered. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.min(policy.maxDelayMs, Math.max(0, base * spread));
}

/** What `retry()` takes besides the policy: cancellation, a hook before each retry, a test RNG. */
export interface RetryOptions {
  signal?: AbortSignal;
  /** Called before each wait; for logging hooks. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Injectable randomness for deterministic tests. */
  random?: () => number;
}

/**
 * Runs `fn` until it succeeds, the policy gives up, or `options.signal` fires; waits with jittered
 * exponential backoff between attempts and rethrows the last error.
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  policy: Partial<RetryPolicy> = {},
  options: RetryOptions = {},
): Promise<T> {
  const p = retryPolicy(policy);
  const { signal, onRetry, random } = options;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal, 'retry');
    try {
      return await fn(attempt, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      if (attempt >= p.maxAttempts || !p.retryOn(err, attempt)) throw err;
      let delay = backoffDelay(p, attempt, random);
      const advised = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      if (typeof advised === 'number' && advised > delay) delay = advised;
      if (Date.now() - started + delay > p.maxElapsedMs) throw err;
      onRetry?.(err, attempt, delay);
      await sleep(delay, signal);
    }
  }
}
