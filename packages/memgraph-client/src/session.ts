import type {
  Session as DriverSession,
  Transaction as DriverTransaction,
  SessionMode,
} from 'neo4j-driver-lite';
import { fromDriverError, SessionError, TransactionError } from './errors.js';
import type { CallOptions, Funnel } from './funnel.js';
import { checkQuery } from './query.js';
import { Result } from './result.js';
import { type Properties, toDriverParams } from './values.js';

/** Python `neo4j.READ_ACCESS`: transactions of the session read only. */
export const READ_ACCESS = 'READ';
/** Python `neo4j.WRITE_ACCESS` (the default): transactions may write. */
export const WRITE_ACCESS = 'WRITE';
/** `READ_ACCESS` or `WRITE_ACCESS`. */
export type AccessMode = SessionMode;

/** Options of `driver.session(...)` (Python `driver.session(database=..., ...)`). */
export interface SessionConfig {
  /**
   * The database (Memgraph multi-tenancy; `memgraph` is the default one). Naming it saves a round
   * trip and pins the session: `USE DATABASE` is then refused with a UsageError.
   */
  database?: string;
  /** `WRITE_ACCESS` (default) or `READ_ACCESS`, for `run` and `beginTransaction`. */
  defaultAccessMode?: AccessMode;
  /** Records pulled per batch while streaming (default 1000; -1 pulls everything at once). */
  fetchSize?: number;
  /** Run every query as this user (needs the server's impersonation privilege). */
  impersonatedUser?: string;
}

/** Transaction options (Python `unit_of_work(timeout=..., metadata=...)` and `begin_transaction(...)`). */
export interface TransactionConfig {
  /** Server-side transaction timeout in seconds. */
  timeout?: number;
  /** Metadata attached to the transaction, visible in the server's transaction listing. */
  metadata?: { [key: string]: unknown };
}

/** Options of `run`: the client-side deadline plus the transaction options of an implicit transaction. */
export interface RunOptions extends CallOptions, TransactionConfig {}

/** The transaction a transaction function receives: `run` only (Python `ManagedTransaction`). */
export class ManagedTransaction {
  readonly #tx: DriverTransaction;
  readonly #funnel: Funnel;

  /** @internal */
  constructor(tx: DriverTransaction, funnel: Funnel) {
    this.#tx = tx;
    this.#funnel = funnel;
  }

  /** Runs a query in this transaction; resolves once the server accepted it. */
  async run(query: string, parameters?: Properties, options?: CallOptions): Promise<Result> {
    return runIn(this.#funnel, this.#tx, query, parameters, options, 'transaction.run');
  }
}

async function runIn(
  funnel: Funnel,
  tx: DriverTransaction,
  query: string,
  parameters: Properties | undefined,
  options: CallOptions | undefined,
  what: string,
): Promise<Result> {
  checkQuery(query, parameters, { inTransaction: true });
  const raw = tx.run(query, toDriverParams(parameters));
  const keys = await funnel.call(
    what,
    () => raw.keys(),
    options,
    () => {
      tx.rollback().catch(() => {});
    },
  );
  return new Result(raw, funnel, keys as string[], what);
}

/**
 * An explicit transaction (Python `session.begin_transaction()`): you decide when it ends with
 * `commit()`, `rollback()` or `close()` (rolls back if still open, also on `await using`). Never
 * retried automatically.
 */
export class Transaction implements AsyncDisposable {
  readonly #tx: DriverTransaction;
  readonly #funnel: Funnel;
  readonly #onEnd: () => void;
  #state: 'open' | 'committed' | 'rolled back' | 'closed' = 'open';

  /** @internal */
  constructor(tx: DriverTransaction, funnel: Funnel, onEnd: () => void) {
    this.#tx = tx;
    this.#funnel = funnel;
    this.#onEnd = onEnd;
  }

  #assertOpen(what: string): void {
    this.#funnel.assertOpen(what);
    if (this.#state !== 'open') {
      throw new TransactionError(`${what}: the transaction was already ${this.#state}`);
    }
  }

  #end(state: 'committed' | 'rolled back' | 'closed'): void {
    if (this.#state !== 'open') return;
    this.#state = state;
    this.#onEnd();
  }

  /** Runs a query in this transaction; resolves once the server accepted it. */
  async run(query: string, parameters?: Properties, options?: CallOptions): Promise<Result> {
    this.#assertOpen('transaction.run');
    return runIn(this.#funnel, this.#tx, query, parameters, options, 'transaction.run');
  }

  /**
   * Commits. If the connection fails while COMMIT is in flight the outcome is unknown and the call
   * fails with `IncompleteCommit`.
   */
  async commit(options?: CallOptions): Promise<void> {
    this.#assertOpen('transaction.commit');
    try {
      await this.#funnel.call('transaction.commit', () => this.#tx.commit(), options, undefined, true);
      this.#end('committed');
    } catch (err) {
      this.#end('closed');
      throw err;
    }
  }

  /** Rolls back every change of this transaction. */
  async rollback(options?: CallOptions): Promise<void> {
    this.#assertOpen('transaction.rollback');
    try {
      await this.#funnel.call('transaction.rollback', () => this.#tx.rollback(), options);
    } finally {
      this.#end('rolled back');
    }
  }

  /** Rolls back if still open; otherwise does nothing (Python `tx.close()`). */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    try {
      if (this.#tx.isOpen()) await this.#funnel.call('transaction.rollback', () => this.#tx.rollback());
    } finally {
      this.#end('closed');
    }
  }

  /** True until the transaction is committed, rolled back or closed. */
  isOpen(): boolean {
    return this.#state === 'open' && this.#tx.isOpen();
  }

  /** `await using tx = await session.beginTransaction()`: rolls back unless committed. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** What {@link unitOfWork} returns: attaches its options to a transaction function. */
export interface UnitOfWorkDecorator {
  /**
   * Returns a copy of `work` that carries the options.
   * @typeParam F - the transaction function's type, unchanged.
   */
  // biome-ignore lint/style/useShorthandFunctionType: the call signature carries the type parameter's docs
  <F extends (...args: any[]) => unknown>(work: F): F;
}

/** Per-function transaction options set by {@link unitOfWork}. */
const UNIT_OF_WORK = new WeakMap<Function, TransactionConfig & CallOptions>();

/**
 * Attaches transaction options to a transaction function (Python's `@unit_of_work(timeout=...)`
 * decorator): `session.executeWrite(unitOfWork({ timeout: 5 })(work))`. `timeout` (seconds) is sent
 * to the server and also bounds the whole call on the client; `signal` cancels it.
 */
export function unitOfWork(config: TransactionConfig & { signal?: AbortSignal }): UnitOfWorkDecorator {
  return <F extends (...args: any[]) => unknown>(work: F): F => {
    const wrapped = ((...args: Parameters<F>) => work(...args)) as F;
    UNIT_OF_WORK.set(wrapped, { ...config });
    return wrapped;
  };
}

/** A function run inside a managed transaction; extra arguments are passed through (as in Python). */
export type TransactionFunction<T, A extends unknown[]> = (
  tx: ManagedTransaction,
  ...args: A
) => Promise<T> | T;

/**
 * A session: a sequence of transactions on one logical connection (Python `driver.session()`). Not
 * safe for concurrent use; open one per concurrent task (the driver is shared). Close it with
 * `close()` or `await using`.
 */
export class Session implements AsyncDisposable {
  readonly #funnel: Funnel;
  readonly #config: SessionConfig;
  readonly #sessions: { READ?: DriverSession; WRITE?: DriverSession } = {};
  #closed = false;
  #busy: string | undefined;

  /** @internal Use `driver.session()`. */
  constructor(funnel: Funnel, config: SessionConfig) {
    this.#funnel = funnel;
    this.#config = config;
  }

  /** The database this session is pinned to, if any. */
  get database(): string | undefined {
    return this.#config.database;
  }

  #driverSession(mode: AccessMode): DriverSession {
    let s = this.#sessions[mode];
    if (!s) {
      const c = this.#config;
      s = this.#funnel.driver.session({
        defaultAccessMode: mode,
        database: c.database,
        fetchSize: c.fetchSize,
        impersonatedUser: c.impersonatedUser,
        // Memgraph has no bookmarks; never chain on them.
        bookmarks: [],
      });
      this.#sessions[mode] = s;
    }
    return s;
  }

  #assertUsable(what: string): void {
    this.#funnel.assertOpen(what);
    if (this.#closed) throw new SessionError(`${what}: the session is closed`);
    if (this.#busy) {
      throw new SessionError(
        `${what}: a transaction (${this.#busy}) is still open in this session; finish it first or use another session`,
        { code: 'ERR_SESSION_BUSY' },
      );
    }
  }

  /**
   * Runs one query in an implicit (auto-commit) transaction, never retried (Python `session.run`).
   * Use it for `USING PERIODIC COMMIT` and `CALL { ... } IN TRANSACTIONS`. Resolves once the server
   * accepted the query; then stream or collect the {@link Result}.
   */
  async run(query: string, parameters?: Properties, options?: RunOptions): Promise<Result> {
    this.#assertUsable('session.run');
    checkQuery(query, parameters, { database: this.#config.database });
    const s = this.#driverSession(this.#config.defaultAccessMode ?? WRITE_ACCESS);
    let raw: ReturnType<DriverSession['run']>;
    try {
      raw = s.run(query, toDriverParams(parameters), txConfigOf(options));
    } catch (err) {
      throw fromDriverError(err, 'session.run');
    }
    const keys = await this.#funnel.call(
      'session.run',
      () => raw.keys(),
      options,
      () => {
        s.close().catch(() => {});
        delete this.#sessions[this.#config.defaultAccessMode ?? WRITE_ACCESS];
      },
    );
    return new Result(raw, this.#funnel, keys as string[], 'session.run');
  }

  /**
   * Begins an explicit transaction (Python `session.begin_transaction()`); resolves once the server
   * accepted BEGIN.
   */
  async beginTransaction(options?: TransactionConfig & CallOptions): Promise<Transaction> {
    this.#assertUsable('session.beginTransaction');
    const s = this.#driverSession(this.#config.defaultAccessMode ?? WRITE_ACCESS);
    this.#busy = 'explicit transaction';
    try {
      const pending = s.beginTransaction(txConfigOf(options));
      const tx = await this.#funnel.call(
        'session.beginTransaction',
        async () => pending,
        options,
        () => {
          pending.close().catch(() => {});
        },
      );
      return new Transaction(tx as DriverTransaction, this.#funnel, () => {
        this.#busy = undefined;
      });
    } catch (err) {
      this.#busy = undefined;
      throw err;
    }
  }

  /**
   * Runs `work` in a READ transaction, retried on transient failures (Python `session.execute_read`).
   * Extra arguments are passed to `work` after the transaction.
   */
  executeRead<T, A extends unknown[]>(work: TransactionFunction<T, A>, ...args: A): Promise<T> {
    return this.#execute(READ_ACCESS, 'session.executeRead', work, args);
  }

  /**
   * Runs `work` in a WRITE transaction, retried on transient failures and conflicts (Python
   * `session.execute_write`). `work` may run more than once: keep it free of other side effects.
   */
  executeWrite<T, A extends unknown[]>(work: TransactionFunction<T, A>, ...args: A): Promise<T> {
    return this.#execute(WRITE_ACCESS, 'session.executeWrite', work, args);
  }

  async #execute<T, A extends unknown[]>(
    mode: AccessMode,
    what: string,
    work: TransactionFunction<T, A>,
    args: A,
  ): Promise<T> {
    this.#assertUsable(what);
    if (typeof work !== 'function') {
      throw new SessionError(`${what}: the transaction function must be a function`, {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const s = this.#driverSession(mode);
    const config = UNIT_OF_WORK.get(work);
    const funnel = this.#funnel;
    this.#busy = 'managed transaction';
    try {
      return await funnel.managed(
        what,
        s,
        async (tx) => work(new ManagedTransaction(tx, funnel), ...args),
        txConfigOf(config),
        config && { timeout: config.timeout, signal: config.signal },
        () => {
          s.close().catch(() => {});
          delete this.#sessions[mode];
        },
      );
    } finally {
      this.#busy = undefined;
    }
  }

  /** Closes the session, rolling back an open transaction and releasing its connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sessions = [this.#sessions.READ, this.#sessions.WRITE];
    this.#sessions.READ = undefined;
    this.#sessions.WRITE = undefined;
    await Promise.all(sessions.map((s) => s?.close().catch(() => {})));
  }

  /** `await using session = driver.session()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** neo4j-driver's transaction config (milliseconds) from ours (seconds). */
export function txConfigOf(
  config: TransactionConfig | undefined,
): { timeout?: number; metadata?: object } | undefined {
  if (!config || (config.timeout === undefined && config.metadata === undefined)) return undefined;
  const out: { timeout?: number; metadata?: object } = {};
  if (config.timeout !== undefined) out.timeout = Math.ceil(config.timeout * 1000);
  if (config.metadata !== undefined) out.metadata = config.metadata;
  return out;
}
