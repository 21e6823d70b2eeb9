import {
  captureCallSite,
  Deadline,
  type RetryPolicy,
  raceSignal,
  retry,
  traceRequest,
  UsageError,
  withCallSite,
} from '@dbwire/core';
import type {
  Driver as DriverHandle,
  Result as DriverResult,
  Session as DriverSession,
  Transaction as DriverTransaction,
  Record,
} from 'neo4j-driver-lite';
import { DriverError, fromDriverError, isRetryableError } from './errors.js';
import { type EagerResult, summaryFromDriver } from './summary.js';
import { type IntegerPolicy, recordFromDriver } from './values.js';

/**
 * The one place where this package touches the network. Every public method reaches neo4j-driver
 * through {@link Funnel.call} (one request: a query, a commit, a connectivity check) or
 * {@link Funnel.managed} (a transaction function with retries), which add what neo4j-driver lacks:
 *
 * - a client-side deadline (`timeout`, in seconds) and the caller's `AbortSignal`;
 * - typed errors: every neo4j-driver failure becomes a dbwire error with a stable `code`, and a lost
 *   connection during COMMIT becomes `IncompleteCommit` instead of being retried blindly;
 * - the Memgraph-aware retry rule ({@link isRetryableError}) instead of neo4j-driver's "any code with
 *   TransientError" (its own executor is not used: it also retries a failed commit);
 * - the caller's stack frames on errors born in socket callbacks;
 * - diagnostics events (`dbwire:request:*`) with the operation name and host only.
 */

/** Per-call options of every network method. */
export interface CallOptions {
  /** Seconds before the call fails with `TimeoutError` on the client side. */
  timeout?: number;
  /** The caller's cancellation: fails the call with `CancelledError`. */
  signal?: AbortSignal;
}

/** Retry settings of managed transactions, in the driver config's units (seconds). */
export interface ManagedRetrySettings {
  maxTransactionRetryTime: number;
  initialRetryDelay: number;
  retryDelayMultiplier: number;
  retryDelayJitterFactor: number;
}

/** The part of neo4j-driver's Driver the funnel uses (a test double implements just this). */
export type DriverLike = Pick<DriverHandle, 'session' | 'close' | 'verifyConnectivity' | 'getServerInfo'>;

export class Funnel {
  closed = false;
  readonly #retry: RetryPolicy;

  constructor(
    readonly driver: DriverLike,
    /** `host:port` for diagnostics. */
    readonly host: string,
    readonly policy: IntegerPolicy,
    retrySettings: ManagedRetrySettings,
  ) {
    this.#retry = {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      maxElapsedMs: retrySettings.maxTransactionRetryTime * 1000,
      initialDelayMs: retrySettings.initialRetryDelay * 1000,
      multiplier: retrySettings.retryDelayMultiplier,
      jitter: retrySettings.retryDelayJitterFactor,
      maxDelayMs: Math.max(retrySettings.maxTransactionRetryTime * 1000, 1),
      retryOn: isRetryableError,
    };
  }

  /** Throws DriverError when the driver was closed (before any I/O). */
  assertOpen(what: string): void {
    if (this.closed) {
      throw withCallSite(
        new DriverError(`${what}: the driver is closed`),
        captureCallSite(Funnel.prototype.assertOpen),
      );
    }
  }

  /**
   * Runs one request. `send` starts the driver call; `onAbandon` (optional) releases what it holds
   * when the deadline or signal fires first. `inCommit` marks COMMIT, where a lost connection means
   * the outcome is unknown.
   */
  async call<T>(
    operation: string,
    send: () => Promise<T>,
    options?: CallOptions,
    onAbandon?: () => void,
    inCommit = false,
  ): Promise<T> {
    const trace = traceRequest('memgraph', operation, this.host);
    let deadline: Deadline | undefined;
    try {
      if (options !== undefined && (options.timeout !== undefined || options.signal !== undefined)) {
        deadline = new Deadline(deadlineOptions(options), operation);
        deadline.throwIfAborted();
      }
      const pending = send();
      const signal = deadline?.signal;
      const result = signal
        ? await raceSignal(pending, signal, () => {
            onAbandon?.();
            return deadline!.error();
          })
        : await pending;
      trace?.end();
      return result;
    } catch (err) {
      const mapped = fromDriverError(err, operation, inCommit);
      trace?.error(mapped);
      throw withCallSite(mapped, captureCallSite(Funnel.prototype.call));
    } finally {
      deadline?.dispose();
    }
  }

  /**
   * Runs a transaction function with retries: begin, `work(tx)`, commit; on a retryable failure
   * (before COMMIT, or a conflict reported by COMMIT) roll back, wait and run it again from the start.
   * `session` gives the driver session to begin on (its access mode decides READ or WRITE).
   */
  managed<T>(
    operation: string,
    session: DriverSession,
    work: (tx: DriverTransaction) => Promise<T>,
    txConfig: { timeout?: number; metadata?: object } | undefined,
    options?: CallOptions,
    onAbandon?: () => void,
  ): Promise<T> {
    const deadline =
      options && (options.timeout !== undefined || options.signal !== undefined)
        ? new Deadline(deadlineOptions(options), operation)
        : undefined;
    const attempt = async (): Promise<T> => {
      // BEGIN is pipelined with the first RUN (as neo4j-driver's executeQuery does): its failure, if
      // any, surfaces from that RUN or from COMMIT, already typed.
      let tx: DriverTransaction;
      try {
        tx = session.beginTransaction(txConfig);
      } catch (err) {
        throw withCallSite(fromDriverError(err, `${operation}.begin`), captureCallSite(attempt));
      }
      let value: T;
      try {
        value = await work(tx);
      } catch (err) {
        if (tx.isOpen()) await tx.rollback().catch(() => {});
        throw err;
      }
      if (tx.isOpen()) {
        await this.call(`${operation}.commit`, () => tx.commit(), undefined, undefined, true);
      }
      return value;
    };
    const run = retry(attempt, this.#retry, { signal: deadline?.signal });
    if (!deadline) return run;
    const signal = deadline.signal!;
    return raceSignal(run, signal, () => {
      onAbandon?.();
      return deadline.error();
    }).finally(() => deadline.dispose());
  }

  /** Collects a whole result: `{ records, summary, keys }` with values converted. */
  async collect(operation: string, result: DriverResult, options?: CallOptions): Promise<EagerResult> {
    const raw = await this.call(
      operation,
      () => result as unknown as Promise<{ records: Record[]; summary: any }>,
      options,
    );
    const policy = this.policy;
    const records = raw.records;
    for (let i = 0; i < records.length; i++) records[i] = recordFromDriver(records[i]!, policy);
    const keys = (await result.keys()) as string[];
    return { records, summary: summaryFromDriver(raw.summary), keys: [...keys] };
  }

  /**
   * Streams a result's records (converted), pulling batches as the consumer iterates. A plain iterator
   * object rather than an async generator: one promise per record instead of several.
   */
  stream(operation: string, result: DriverResult): AsyncIterator<Record> {
    const trace = traceRequest('memgraph', operation, this.host);
    const it = result[Symbol.asyncIterator]();
    const policy = this.policy;
    let finished = false;
    const fail = (err: unknown): never => {
      finished = true;
      const mapped = fromDriverError(err, operation);
      trace?.error(mapped);
      throw withCallSite(mapped, captureCallSite(fail));
    };
    return {
      next: () =>
        it.next().then((step) => {
          if (step.done) {
            if (!finished) {
              finished = true;
              trace?.end();
            }
            return { done: true, value: undefined };
          }
          return { done: false, value: recordFromDriver(step.value, policy) };
        }, fail),
      // The consumer stopped early (break, throw): discard the rest so the connection is released.
      return: async () => {
        if (!finished) {
          finished = true;
          trace?.end();
          await it.return?.().catch(() => {});
        }
        return { done: true, value: undefined };
      },
    };
  }
}

function deadlineOptions(options: CallOptions): { timeout?: number; signal?: AbortSignal } {
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
    throw new UsageError(`timeout must be a finite number of seconds >= 0, got ${String(timeout)}`, {
      code: 'ERR_INVALID_TIMEOUT',
    });
  }
  return { timeout: timeout === undefined ? undefined : timeout * 1000, signal };
}
