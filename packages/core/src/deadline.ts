import { CancelledError, DbwireError, TimeoutError, UsageError } from './errors.js';

/** Per-call options every network method of every package accepts. */
export interface CallOptions {
  /** Milliseconds before the call fails with `TimeoutError` (packages may document other units). */
  timeout?: number;
  /** The caller's own cancellation; firing it fails the call with `CancelledError`. */
  signal?: AbortSignal;
}

const TIMEOUT_REASON = Symbol('dbwire.deadline.timeout');

/**
 * One AbortSignal for a call, merging its `timeout` and the caller's `signal`. The timer is a plain
 * unref'd `setTimeout` cleared on `dispose()`, so finished calls leave nothing behind (unlike
 * `AbortSignal.timeout`, which cannot be cancelled). Calls with neither option allocate nothing.
 */
export class Deadline implements Disposable {
  readonly signal: AbortSignal | undefined;
  readonly expiresAt: number | undefined;
  readonly #what: string;
  readonly #timeoutMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #onParentAbort: (() => void) | undefined;
  #parent: AbortSignal | undefined;

  constructor(options: CallOptions = {}, what = 'operation') {
    const { timeout, signal } = options;
    this.#what = what;
    if (
      timeout !== undefined &&
      (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout))
    ) {
      throw new UsageError(`timeout must be a finite number of milliseconds >= 0, got ${String(timeout)}`, {
        code: 'ERR_INVALID_TIMEOUT',
      });
    }
    this.#timeoutMs = timeout;
    if (timeout === undefined && signal === undefined) {
      this.signal = undefined;
      this.expiresAt = undefined;
      return;
    }
    if (timeout === undefined) {
      // Only the caller's signal: use it as is.
      this.signal = signal;
      this.expiresAt = undefined;
      return;
    }
    const controller = new AbortController();
    this.signal = controller.signal;
    this.expiresAt = Date.now() + timeout;
    this.#timer = setTimeout(() => controller.abort(TIMEOUT_REASON), timeout);
    this.#timer.unref?.();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason);
      else {
        this.#parent = signal;
        this.#onParentAbort = () => controller.abort(signal.reason);
        signal.addEventListener('abort', this.#onParentAbort, { once: true });
      }
    }
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Milliseconds left, or undefined when the call has no timeout. Never negative. */
  remainingMs(): number | undefined {
    return this.expiresAt === undefined ? undefined : Math.max(0, this.expiresAt - Date.now());
  }

  /** The typed error for the current abort: `TimeoutError` for the timer, `CancelledError` otherwise. */
  error(): DbwireError {
    return abortError(this.signal, this.#what, this.#timeoutMs);
  }

  /** Throws the deadline's `TimeoutError` or `CancelledError` when it has fired. */
  throwIfAborted(): void {
    if (this.aborted) throw this.error();
  }

  /** Clears the timer and detaches from the caller's signal; call when the request is over. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#parent && this.#onParentAbort) this.#parent.removeEventListener('abort', this.#onParentAbort);
    this.#parent = undefined;
  }

  /** `using deadline = new Deadline(...)`: disposes at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Maps an aborted signal to the dbwire error that describes it. */
export function abortError(
  signal: AbortSignal | undefined,
  what = 'operation',
  timeoutMs?: number,
): DbwireError {
  const reason: unknown = signal?.reason;
  if (reason === TIMEOUT_REASON) {
    return new TimeoutError(`${what} timed out after ${timeoutMs ?? '?'} ms`, { code: 'ERR_TIMEOUT' });
  }
  if (DbwireError.is(reason)) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new TimeoutError(`${what} timed out (${reason.message})`, { cause: reason });
  }
  return new CancelledError(`${what} was cancelled by the caller's AbortSignal`, {
    cause: reason instanceof Error ? reason : undefined,
  });
}

/**
 * Runs `fn` under a deadline built from `options`, rejecting with `TimeoutError`/`CancelledError` as
 * soon as it fires even if `fn` ignores the signal. The timer is always cleared.
 */
export async function withDeadline<T>(
  options: CallOptions | undefined,
  fn: (signal: AbortSignal | undefined, deadline: Deadline) => Promise<T>,
  what = 'operation',
): Promise<T> {
  const deadline = new Deadline(options, what);
  try {
    deadline.throwIfAborted();
    const work = fn(deadline.signal, deadline);
    return deadline.signal ? await raceSignal(work, deadline.signal, () => deadline.error()) : await work;
  } finally {
    deadline.dispose();
  }
}

/** Settles with `promise`, or rejects with `toError()` when `signal` aborts first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, toError?: () => unknown): Promise<T> {
  const makeError = toError ?? (() => abortError(signal));
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(makeError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(makeError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** setTimeout as a promise that rejects with the signal's typed error when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal, 'wait'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal, 'wait'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
