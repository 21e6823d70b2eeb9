import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, ConnectionError, ServerError, UsageError } from './errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, retry, retryPolicy } from './retry.js';

const transient = () => new ConnectionError('reset');

/** Runs `retry` under fake timers, recording the virtual time of every attempt. */
function recordAttempts() {
  const times: number[] = [];
  const start = Date.now();
  return {
    times,
    fn: (failures: number, make = transient) =>
      vi.fn(async (attempt: number) => {
        times.push(Date.now() - start);
        if (attempt <= failures) throw make();
        return `ok@${attempt}`;
      }),
  };
}

describe('retry', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('waits the exact backoff delays with an injected random', async () => {
    const { times, fn } = recordAttempts();
    const work = fn(3);
    const onRetry = vi.fn();
    // random 0.5 → spread factor exactly 1: delays 100, 200, 400.
    const p = retry(
      work,
      { initialDelayMs: 100, multiplier: 2, jitter: 0.2 },
      { random: () => 0.5, onRetry },
    );
    await vi.runAllTimersAsync();
    await expect(p).resolves.toBe('ok@4');
    expect(times).toEqual([0, 100, 300, 700]);
    expect(onRetry.mock.calls.map((c) => [c[1], c[2]])).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('jitter stays within base*(1±jitter): extremes of random', async () => {
    const low = recordAttempts();
    const p1 = retry(
      low.fn(2),
      { initialDelayMs: 1000, jitter: 0.5, maxDelayMs: 60_000 },
      { random: () => 0 },
    );
    await vi.runAllTimersAsync();
    await p1;
    expect(low.times).toEqual([0, 500, 500 + 1000]);
    const high = recordAttempts();
    const p2 = retry(
      high.fn(2),
      { initialDelayMs: 1000, jitter: 0.5, maxDelayMs: 60_000 },
      { random: () => 1 },
    );
    await vi.runAllTimersAsync();
    await p2;
    expect(high.times).toEqual([0, 1500, 1500 + 3000]);
  });

  it('backoffDelay respects jitter bounds and the maxDelay cap for any random (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, jitter, r) => {
          const p = retryPolicy({ initialDelayMs: 50, multiplier: 3, jitter, maxDelayMs: 10_000 });
          const base = Math.min(10_000, 50 * 3 ** (attempt - 1));
          const d = backoffDelay(p, attempt, () => r);
          return d >= base * (1 - jitter) - 1e-9 && d <= Math.min(10_000, base * (1 + jitter)) + 1e-9;
        },
      ),
    );
  });

  it('caps each delay at maxDelayMs', async () => {
    const { times, fn } = recordAttempts();
    const p = retry(
      fn(4),
      { initialDelayMs: 100, multiplier: 10, jitter: 0.2, maxDelayMs: 1500, maxAttempts: 5 },
      { random: () => 1 },
    );
    await vi.runAllTimersAsync();
    await p;
    // 120, then 1200, then 1500 (capped), then 1500 (capped)
    expect(times).toEqual([0, 120, 1320, 2820, 4320]);
  });

  it('gives up with the last error after maxAttempts', async () => {
    const errors: Error[] = [];
    const work = vi.fn(async () => {
      const e = transient();
      errors.push(e);
      throw e;
    });
    const p = retry(work, { maxAttempts: 3, initialDelayMs: 10, jitter: 0 }).catch((e) => e);
    await vi.runAllTimersAsync();
    expect(await p).toBe(errors[2]);
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('stops before a wait that would cross maxElapsedMs', async () => {
    const { times, fn } = recordAttempts();
    const p = retry(fn(10), {
      maxAttempts: 10,
      initialDelayMs: 100,
      multiplier: 2,
      jitter: 0,
      maxElapsedMs: 1000,
    }).catch((e) => e);
    await vi.runAllTimersAsync();
    expect(await p).toBeInstanceOf(ConnectionError);
    // 0, 100, 300, 700; next wait (800) would end at 1500 > 1000.
    expect(times).toEqual([0, 100, 300, 700]);
  });

  it('respects Retry-After when larger than the backoff', async () => {
    const { times, fn } = recordAttempts();
    const busy = () => new ServerError('503', { retryable: true, retryAfterMs: 2000 });
    const p = retry(fn(1, busy), { initialDelayMs: 100, jitter: 0 });
    await vi.runAllTimersAsync();
    await p;
    expect(times).toEqual([0, 2000]);
    const small = recordAttempts();
    const p2 = retry(
      small.fn(1, () => new ServerError('429', { retryable: true, retryAfterMs: 5 })),
      { initialDelayMs: 100, jitter: 0 },
    );
    await vi.runAllTimersAsync();
    await p2;
    expect(small.times).toEqual([0, 100]);
  });

  it('retryOn false stops immediately; the default predicate retries only retryable errors', async () => {
    const notRetryable = new ServerError('syntax error');
    const work = vi.fn(async () => Promise.reject(notRetryable));
    await expect(retry(work)).rejects.toBe(notRetryable);
    expect(work).toHaveBeenCalledTimes(1);
    const retryOn = vi.fn(() => false);
    const work2 = vi.fn(async () => Promise.reject(transient()));
    await expect(retry(work2, { retryOn })).rejects.toBeInstanceOf(ConnectionError);
    expect(work2).toHaveBeenCalledTimes(1);
    expect(retryOn).toHaveBeenCalledWith(expect.any(ConnectionError), 1);
  });

  it('abort mid-wait rejects with CancelledError promptly and runs no further attempt', async () => {
    const ac = new AbortController();
    const work = vi.fn(async () => Promise.reject(transient()));
    const p = retry(work, { initialDelayMs: 60_000, jitter: 0 }, { signal: ac.signal }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(work).toHaveBeenCalledTimes(1);
    ac.abort();
    const err = await p;
    expect(err).toBeInstanceOf(CancelledError);
    expect(Date.now() - 1_000_000).toBe(10);
    expect(work).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already-aborted signal fails before the first attempt; an abort during an attempt keeps its error', async () => {
    const work = vi.fn(async () => 1);
    await expect(retry(work, {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(work).not.toHaveBeenCalled();
    const ac = new AbortController();
    const failing = vi.fn(async () => {
      ac.abort();
      throw transient();
    });
    await expect(retry(failing, {}, { signal: ac.signal })).rejects.toBeInstanceOf(ConnectionError);
    expect(failing).toHaveBeenCalledTimes(1);
  });

  it('passes the attempt number and the signal to fn', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async (_attempt: number, signal: AbortSignal | undefined) => signal);
    await expect(retry(fn, {}, { signal: ac.signal })).resolves.toBe(ac.signal);
    expect(fn).toHaveBeenCalledWith(1, ac.signal);
  });
});

describe('retryPolicy', () => {
  it('fills defaults, ignores undefined fields', () => {
    const p = retryPolicy({ maxAttempts: undefined, jitter: 0 });
    expect(p.maxAttempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(p.jitter).toBe(0);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  it.each([
    { maxAttempts: 0 },
    { maxAttempts: 1.5 },
    { maxElapsedMs: -1 },
    { initialDelayMs: Number.NaN },
    { multiplier: 0.5 },
    { jitter: 2 },
    { maxDelayMs: -5 },
    { retryOn: 'yes' as unknown as () => boolean },
  ])('rejects %o with UsageError', (bad) => {
    expect(() => retryPolicy(bad)).toThrow(UsageError);
  });
});
