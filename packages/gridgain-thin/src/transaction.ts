/**
 * Client transactions (protocol ≥ 1.5, TRANSACTIONAL caches only): pygridgain's `tx_start` and its
 * Transaction.
 *
 * Rules for concurrent async use (enforced):
 * - A client has at most one open transaction; `txStart` while one is open throws UsageError
 *   (`ERR_TX_ALREADY_OPEN`). Use another Client for independent concurrent transactions.
 * - While it is open, every cache key-value operation of that client joins it, whichever async task
 *   calls it. Such operations run one at a time, in call order, on the connection that started the
 *   transaction (Ignite resumes a transaction per request; ordering keeps lock acquisition and
 *   "read your own write" deterministic). SQL, scans, sizes and cache administration do not join.
 * - A transaction never fails over: if its connection dies, its operations and `commit()` fail with
 *   SocketError (`ERR_TX_CONNECTION_LOST`) and the server rolls it back.
 * - `commit()` and `rollback()` wait for the transaction's queued operations; after either, the
 *   client's operations run outside any transaction again. `close()` / `await using` rolls back a
 *   transaction that was neither committed nor rolled back.
 */
import { UsageError } from '@dbwire/core';
import type { Connection, RequestOptions } from './connection.js';
import {
  CacheError,
  ParameterError,
  SocketError,
  TransactionConflictError,
  TransactionError,
} from './errors.js';
import type { Operation } from './ops/operation.js';
import { txEndOp } from './ops/tx-ops.js';

/** Transaction concurrency modes (Java TransactionConcurrency ordinals). */
export const TransactionConcurrency = { OPTIMISTIC: 0, PESSIMISTIC: 1 } as const;
/** A TransactionConcurrency value. */
export type TransactionConcurrency = (typeof TransactionConcurrency)[keyof typeof TransactionConcurrency];

/** Transaction isolation levels (Java TransactionIsolation ordinals). */
export const TransactionIsolation = { READ_COMMITTED: 0, REPEATABLE_READ: 1, SERIALIZABLE: 2 } as const;
/** A TransactionIsolation value. */
export type TransactionIsolation = (typeof TransactionIsolation)[keyof typeof TransactionIsolation];

/** Options of `txStart` (pygridgain's `tx_start` keyword arguments); unset ones take the client's defaults. */
export interface TxStartOptions {
  /** Default PESSIMISTIC (or the client's `transactionDefaults`). */
  concurrency?: TransactionConcurrency;
  /** Default REPEATABLE_READ (or the client's `transactionDefaults`). */
  isolation?: TransactionIsolation;
  /** Milliseconds before the server rolls the transaction back; 0 (default) means none. */
  timeout?: number;
  /** A label shown in the server's transaction views. */
  label?: string;
}

/** Client-wide transaction defaults (Java ClientTransactionConfiguration). */
export interface TransactionDefaults {
  concurrency?: TransactionConcurrency;
  isolation?: TransactionIsolation;
  timeout?: number;
}

/** The client side of a transaction: what `Transaction` needs from its Client. */
export interface TransactionHost {
  /** Runs an operation on `conn` inside transaction `txId` (the funnel's send). */
  _sendInTx<T>(
    conn: Connection,
    op: Operation<T>,
    options: RequestOptions | undefined,
    txId: number,
  ): Promise<T>;
  /** Called once when the transaction has ended (committed, rolled back or lost). */
  _txEnded(tx: Transaction): void;
}

type State = 'active' | 'committed' | 'rolledBack';

/** An open transaction (pygridgain's Transaction). Obtained from `client.txStart()`. */
export class Transaction implements AsyncDisposable {
  /** Server-side transaction id. */
  readonly id: number;
  /** Concurrency mode it was started with. */
  readonly concurrency: TransactionConcurrency;
  /** Isolation level it was started with. */
  readonly isolation: TransactionIsolation;
  /** Timeout in ms it was started with (0: none). */
  readonly timeout: number;
  /** Its label, if any. */
  readonly label: string | undefined;
  readonly #host: TransactionHost;
  readonly #conn: Connection;
  #state: State = 'active';
  #tail: Promise<unknown> = Promise.resolve();

  /** @internal Created by `Client.txStart`. */
  constructor(
    host: TransactionHost,
    conn: Connection,
    id: number,
    concurrency: TransactionConcurrency,
    isolation: TransactionIsolation,
    timeout: number,
    label: string | undefined,
  ) {
    this.#host = host;
    this.#conn = conn;
    this.id = id;
    this.concurrency = concurrency;
    this.isolation = isolation;
    this.timeout = timeout;
    this.label = label;
  }

  /** True until `commit()`, `rollback()` or `close()` ended it. */
  get active(): boolean {
    return this.#state === 'active';
  }

  /** The node ("host:port") the transaction is bound to. */
  get node(): string {
    return this.#conn.address;
  }

  /**
   * @internal Queues one operation of this transaction: it runs after the earlier ones settle, on the
   * transaction's connection.
   */
  _enqueue<T>(op: Operation<T>, options: RequestOptions | undefined): Promise<T> {
    const run = (): Promise<T> => {
      if (this.#conn.closed) return Promise.reject(this.#lost());
      return this.#host._sendInTx(this.#conn, op, options, this.id).catch((err: unknown) => {
        throw asTransactionError(err);
      });
    };
    const p = this.#tail.then(run, run);
    this.#tail = p.catch(() => undefined);
    return p;
  }

  /** Commits. Throws UsageError when the transaction already ended, SocketError when its connection is gone,
   * TransactionConflictError when an optimistic serializable transaction lost a race. */
  commit(options?: RequestOptions): Promise<void> {
    return this.#end(true, options);
  }

  /** Rolls back. Throws UsageError when the transaction already ended. */
  rollback(options?: RequestOptions): Promise<void> {
    return this.#end(false, options);
  }

  /**
   * Rolls back unless committed or rolled back already (pygridgain's `close`; what `with` does).
   * Never throws for a transaction that already ended or whose connection is gone.
   */
  async close(): Promise<void> {
    if (this.#state !== 'active') return;
    if (this.#conn.closed) {
      this.#finish('rolledBack'); // the server rolled it back when the connection dropped
      return;
    }
    await this.#end(false, undefined);
  }

  /** `await using tx = await client.txStart()`: rolls back when the block exits uncommitted. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `Transaction(${this.id}, ${this.#state})`;
  }

  #end(commit: boolean, options: RequestOptions | undefined): Promise<void> {
    if (this.#state !== 'active') {
      return Promise.reject(
        new UsageError(
          `transaction ${this.id} is already ${this.#state === 'committed' ? 'committed' : 'rolled back'}`,
          { code: 'ERR_TX_ENDED' },
        ),
      );
    }
    const p = this._enqueue(txEndOp(this.id, commit), options).then(
      () => this.#finish(commit ? 'committed' : 'rolledBack'),
      (err: unknown) => {
        // Whatever the server said, the transaction is over: Ignite rolls back a transaction whose
        // commit failed, and a lost connection takes it down with it.
        this.#finish('rolledBack');
        throw err;
      },
    );
    return p;
  }

  /** @internal The client closed: the server rolls the transaction back with the connection. */
  _abandon(): void {
    this.#finish('rolledBack');
  }

  #finish(state: State): void {
    if (this.#state !== 'active') return;
    this.#state = state;
    this.#host._txEnded(this);
  }

  #lost(): SocketError {
    return new SocketError(
      `transaction ${this.id} was bound to ${this.#conn.address}, whose connection is gone; the server ` +
        'rolled it back (a transaction never fails over)',
      { code: 'ERR_TX_CONNECTION_LOST' },
    );
  }
}

/**
 * A server failure of an operation inside a transaction that is about the transaction (a lock not
 * acquired in time, the transaction timed out or was rolled back, an ATOMIC cache) becomes a
 * TransactionError (TransactionConflictError for optimistic conflicts); anything else is unchanged.
 */
function asTransactionError(err: unknown): unknown {
  if (!(err instanceof CacheError) || err instanceof TransactionError) return err;
  const m = err.message;
  if (/optimistic|concurrent (update|modification)|version mismatch/i.test(m)) {
    return new TransactionConflictError(m, err.status, { cause: err });
  }
  if (/transaction|\block\b|atomic/i.test(m)) {
    let message = m;
    if (/atomic/i.test(m) && !/TRANSACTIONAL/.test(m)) {
      message = `${m} (this cache is ATOMIC: only TRANSACTIONAL caches take part in transactions)`;
    }
    return new TransactionError(message, err.status, { cause: err });
  }
  return err;
}

/** Throws UsageError when a transaction option is out of range. */
export function checkTxOptions(o: TxStartOptions | undefined): void {
  if (o === undefined) return;
  if (typeof o !== 'object' || o === null) throw new ParameterError('txStart options must be an object');
  const { concurrency, isolation, timeout, label } = o;
  if (concurrency !== undefined && concurrency !== 0 && concurrency !== 1) {
    throw new ParameterError('concurrency must be TransactionConcurrency.OPTIMISTIC or PESSIMISTIC');
  }
  if (isolation !== undefined && isolation !== 0 && isolation !== 1 && isolation !== 2) {
    throw new ParameterError('isolation must be a TransactionIsolation value');
  }
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0)) {
    throw new ParameterError(`timeout must be a non-negative integer of ms, got ${String(timeout)}`);
  }
  if (label !== undefined && typeof label !== 'string') throw new ParameterError('label must be a string');
}
