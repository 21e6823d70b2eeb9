import { DbwireError, type ProgressCallback, ProgressTracker, retry, UsageError } from '@dbwire/core';
import type { Driver } from './driver.js';
import { isConflictError } from './errors.js';
import type { Session, Transaction } from './session.js';

/*
 * The seed's concurrent-transactions section: explicit transactions retried on write-write conflicts
 * only (the seed's hand-written retry loop, as a helper), and its multiprocessing pool as a pool of
 * concurrent sessions over chunks of work.
 */

/** Options of {@link retryOnConflict} (the seed's retry strategy arguments). Durations in seconds. */
export interface ConflictRetryOptions {
  /** Retries after the first attempt before the last conflict error is rethrown (default 10). */
  maxRetries?: number;
  /** Seconds to wait before the first retry (default 0.1). */
  initialRetryDelay?: number;
  /** Factor applied to the wait after each retry (default 2; 1 = constant waits). */
  backoffFactor?: number;
  /** Random spread of each wait, 0..1 (default 0.2), against thundering herds. */
  jitter?: number;
  /** Cancels waiting and further attempts. */
  signal?: AbortSignal;
  /** Called before each wait with the conflict, the attempt that failed (1-based) and the wait in seconds. */
  onRetry?: (error: unknown, attempt: number, delaySeconds: number) => void;
}

function policyOf(options: ConflictRetryOptions) {
  const maxRetries = options.maxRetries ?? 10;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new UsageError(`maxRetries must be an integer >= 0, got ${String(maxRetries)}`, {
      code: 'ERR_INVALID_RETRY_POLICY',
    });
  }
  return {
    maxAttempts: maxRetries + 1,
    maxElapsedMs: Number.POSITIVE_INFINITY,
    initialDelayMs: (options.initialRetryDelay ?? 0.1) * 1000,
    multiplier: options.backoffFactor ?? 2,
    jitter: options.jitter ?? 0.2,
    maxDelayMs: Number.POSITIVE_INFINITY,
    retryOn: isConflictError,
  };
}

/**
 * Runs `work` in an explicit transaction of `session` and commits it; when the transaction fails
 * with a conflict ({@link isConflictError}: Memgraph's "Cannot resolve conflicting transactions" /
 * "Unable to commit due to serialization error", Neo4j's deadlock), rolls back, waits and runs the
 * whole function again. Anything else (including `IncompleteCommit`) is rethrown at once; after
 * `maxRetries` retries the last conflict error is rethrown.
 */
export function retryOnConflict<T>(
  session: Session,
  work: (tx: Transaction, attempt: number) => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  const policy = policyOf(options);
  const onRetry = options.onRetry;
  return retry(
    async (attempt) => {
      const tx = await session.beginTransaction();
      try {
        const value = await work(tx, attempt);
        if (tx.isOpen()) await tx.commit();
        return value;
      } finally {
        await tx.close().catch(() => {});
      }
    },
    policy,
    {
      signal: options.signal,
      onRetry: onRetry && ((err, attempt, delayMs) => onRetry(err, attempt, delayMs / 1000)),
    },
  );
}

/** Options of {@link runConcurrentTransactions}. */
export interface ConcurrentOptions extends ConflictRetryOptions {
  /** Sessions working at once (the seed's process count; default 4). */
  concurrency?: number;
  /** The database every session uses. */
  database?: string;
  /** Progress after each chunk (throttled to 4 per second, plus a final report). */
  onProgress?: ProgressCallback;
}

/** What {@link runConcurrentTransactions} did. */
export interface ConcurrentResult {
  /** Chunks committed. */
  completed: number;
  /** Conflicts that were retried, over all chunks. */
  conflictsRetried: number;
}

/** Some chunks failed for good; the others were committed. Nothing is dropped silently. */
export class ConcurrentWorkError extends DbwireError {
  static override brandName = 'MemgraphConcurrentWorkError';
  static override readonly defaultCode: string = 'ERR_CONCURRENT_WORK';
  /** Each failed chunk's index (in input order) and its error. */
  readonly failures: ReadonlyArray<{ readonly index: number; readonly error: unknown }>;
  /** Chunks committed. */
  readonly completed: number;
  constructor(failures: Array<{ index: number; error: unknown }>, completed: number) {
    const first = failures[0]?.error;
    super(
      `${failures.length} chunk(s) failed, ${completed} committed; first failure (chunk ${failures[0]?.index}): ${first instanceof Error ? first.message : String(first)}`,
      { cause: first },
    );
    this.name = 'ConcurrentWorkError';
    this.failures = failures;
    this.completed = completed;
  }
}

/**
 * The seed's multiprocessing example: `concurrency` sessions work through `chunks` at once, each chunk
 * in its own explicit transaction (`work(tx, chunk, index)`), conflicts retried by
 * {@link retryOnConflict}. Every chunk is attempted; if any failed for good the call rejects with
 * ConcurrentWorkError listing them.
 */
export async function runConcurrentTransactions<C>(
  driver: Driver,
  chunks: Iterable<C>,
  work: (tx: Transaction, chunk: C, index: number) => Promise<unknown>,
  options: ConcurrentOptions = {},
): Promise<ConcurrentResult> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`concurrency must be an integer >= 1, got ${String(concurrency)}`, {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
  policyOf(options);
  const list = Array.isArray(chunks) ? (chunks as C[]) : [...chunks];
  const progress = new ProgressTracker(options.onProgress, list.length);
  const failures: Array<{ index: number; error: unknown }> = [];
  let next = 0;
  let completed = 0;
  let conflictsRetried = 0;
  const userOnRetry = options.onRetry;
  const retryOptions: ConflictRetryOptions = {
    ...options,
    onRetry: (err, attempt, delay) => {
      conflictsRetried++;
      userOnRetry?.(err, attempt, delay);
    },
  };
  const worker = async () => {
    await using session = driver.session({ database: options.database });
    for (;;) {
      if (options.signal?.aborted) return;
      const index = next++;
      if (index >= list.length) return;
      const chunk = list[index] as C;
      try {
        await retryOnConflict(session, (tx) => work(tx, chunk, index), retryOptions);
        completed++;
        progress.add(1);
      } catch (error) {
        failures.push({ index, error });
        progress.add(0, 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, list.length)) }, worker));
  progress.finish();
  if (options.signal?.aborted && next < list.length) {
    for (let i = next; i < list.length; i++) failures.push({ index: i, error: options.signal.reason });
  }
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw new ConcurrentWorkError(failures, completed);
  }
  return { completed, conflictsRetried };
}
