import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortError, Deadline, raceSignal, sleep, withDeadline } from './deadline.js';
import { CancelledError, DbwireError, ServerError, TimeoutError, UsageError } from './errors.js';

describe('Deadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('no-options path allocates no signal and no timer', async () => {
    const d = new Deadline();
    expect(d.signal).toBeUndefined();
    expect(d.expiresAt).toBeUndefined();
    expect(d.remainingMs()).toBeUndefined();
    expect(d.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    let seen: unknown = 'unset';
    await withDeadline(undefined, async (signal) => {
      seen = signal;
      return 1;
    });
    expect(seen).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a caller signal alone is used as is', () => {
    const ac = new AbortController();
    const d = new Deadline({ signal: ac.signal });
    expect(d.signal).toBe(ac.signal);
    expect(vi.getTimerCount()).toBe(0);
    ac.abort();
    expect(d.aborted).toBe(true);
    expect(() => d.throwIfAborted()).toThrow(CancelledError);
  });

  it('timeout → TimeoutError with the operation name, even when fn ignores the signal', async () => {
    const p = withDeadline({ timeout: 100 }, () => new Promise(() => {}), 'query').catch((e): any => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err: any = await p;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe('query timed out after 100 ms');
    expect(err.code).toBe('ERR_TIMEOUT');
    expect(err.retryable).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caller signal → CancelledError; listener and timer removed', async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const p = withDeadline({ timeout: 10_000, signal: ac.signal }, (signal) => {
      expect(signal).not.toBe(ac.signal);
      return new Promise(() => {});
    }).catch((e): any => e);
    ac.abort(new Error('user gave up'));
    const err: any = await p;
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.retryable).toBe(false);
    expect((err.cause as Error).message).toBe('user gave up');
    expect(vi.getTimerCount()).toBe(0);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('timers cleared when the call succeeds or fails on its own', async () => {
    await expect(withDeadline({ timeout: 5000 }, async () => 'ok')).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
    const boom = new ServerError('no');
    await expect(withDeadline({ timeout: 5000 }, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('already-aborted caller signal fails before fn runs', async () => {
    const fn = vi.fn(async () => 1);
    await expect(withDeadline({ timeout: 50, signal: AbortSignal.abort() }, fn)).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('remainingMs counts down and never goes negative; Symbol.dispose clears', () => {
    {
      using d = new Deadline({ timeout: 1000 });
      expect(d.remainingMs()).toBe(1000);
      vi.advanceTimersByTime(400);
      expect(d.remainingMs()).toBe(600);
      expect(vi.getTimerCount()).toBe(1);
    }
    expect(vi.getTimerCount()).toBe(0);
    const d2 = new Deadline({ timeout: 10 });
    vi.advanceTimersByTime(50);
    expect(d2.remainingMs()).toBe(0);
    expect(d2.error()).toBeInstanceOf(TimeoutError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number])(
    'rejects timeout %s with UsageError',
    (timeout) => {
      expect(() => new Deadline({ timeout })).toThrow(UsageError);
    },
  );
});

describe('abortError', () => {
  it('maps reasons to typed errors', () => {
    const ac = new AbortController();
    ac.abort();
    expect(abortError(ac.signal)).toBeInstanceOf(CancelledError);
    const own = new ServerError('x');
    expect(abortError(AbortSignal.abort(own))).toBe(own);
    const dom = new DOMException('signal timed out', 'TimeoutError');
    const t = abortError(AbortSignal.abort(dom), 'connect');
    expect(t).toBeInstanceOf(TimeoutError);
    expect(t.message).toContain('connect timed out');
    expect(abortError(undefined)).toBeInstanceOf(CancelledError);
    expect(DbwireError.is(abortError(AbortSignal.abort('why')))).toBe(true);
  });
});

describe('raceSignal and sleep', () => {
  it('raceSignal settles with the promise or the abort', async () => {
    const ac = new AbortController();
    await expect(raceSignal(Promise.resolve(1), ac.signal)).resolves.toBe(1);
    await expect(raceSignal(Promise.reject(new Error('e')), ac.signal)).rejects.toThrow('e');
    const pending = raceSignal(new Promise(() => {}), ac.signal);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await expect(raceSignal(Promise.resolve(1), ac.signal, () => new Error('custom'))).rejects.toThrow(
      'custom',
    );
    // A late rejection of the raced promise is not left unhandled.
    await expect(raceSignal(Promise.reject(new Error('late')), AbortSignal.abort())).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it('sleep waits, and rejects promptly with the typed error when aborted', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const p = sleep(1000).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await p;
      expect(done).toBe(true);
      const ac = new AbortController();
      const s = sleep(60_000, ac.signal).catch((e): any => e);
      ac.abort();
      expect(await s).toBeInstanceOf(CancelledError);
      expect(vi.getTimerCount()).toBe(0);
      await expect(sleep(5, AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
    } finally {
      vi.useRealTimers();
    }
  });
});
