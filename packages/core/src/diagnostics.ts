import { channel } from 'node:diagnostics_channel';
import { DbwireError, type ErrorKind } from './errors.js';

/**
 * Request events on `node:diagnostics_channel`, the mechanism undici and the OpenTelemetry
 * instrumentations already listen to. Every dbwire package publishes one `start` and then exactly one
 * `end` or `error` per network request, from its funnel.
 *
 * What an event carries is deliberately small: the database, the operation name, the host, timing and
 * the error's code. Never credentials, query text or bound values: a subscriber that logs events must
 * not become a leak.
 *
 * When nobody subscribes, {@link traceRequest} returns `undefined` after one boolean check, so an
 * untraced request pays nothing else.
 */

/** Channel names, stable across releases. */
export const DIAGNOSTICS_CHANNELS = {
  start: 'dbwire:request:start',
  end: 'dbwire:request:end',
  error: 'dbwire:request:error',
} as const;

const startChannel = channel(DIAGNOSTICS_CHANNELS.start);
const endChannel = channel(DIAGNOSTICS_CHANNELS.end);
const errorChannel = channel(DIAGNOSTICS_CHANNELS.error);

/** The database a package talks to, as it appears in every event. */
export type DiagnosticsDatabase = 'dgraph' | 'memgraph' | 'gridgain' | 'weaviate' | 'arango';

/** Published on `dbwire:request:start`. */
export interface RequestStartEvent {
  /** Unique per process; pairs a start with its end or error. */
  readonly requestId: number;
  readonly database: DiagnosticsDatabase;
  /** The operation in the seed's vocabulary, e.g. `query`, `cache.get`, `collection.insert`. */
  readonly operation: string;
  /** `host:port` (or URL origin) the request goes to, when known at start. */
  readonly host: string | undefined;
  /** `performance.now()` at start. */
  readonly startTime: number;
}

/** Published on `dbwire:request:end`. */
export interface RequestEndEvent extends RequestStartEvent {
  readonly durationMs: number;
}

/** Published on `dbwire:request:error`. */
export interface RequestErrorEvent extends RequestEndEvent {
  /** The `DbwireError` code, or `ERR_UNKNOWN` for a foreign error. */
  readonly errorCode: string;
  readonly errorKind: ErrorKind;
  readonly retryable: boolean;
}

let nextRequestId = 1;

/** One in-flight request's trace; call exactly one of `end()` or `error()`. */
export class RequestTrace {
  readonly requestId = nextRequestId++;
  readonly startTime = performance.now();
  private done = false;

  constructor(
    readonly database: DiagnosticsDatabase,
    readonly operation: string,
    /** May be set after construction when the host is chosen later (failover, routing). */
    public host: string | undefined,
  ) {
    if (startChannel.hasSubscribers) startChannel.publish(this.base());
  }

  /** The request succeeded. Later calls are ignored. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (endChannel.hasSubscribers) {
      endChannel.publish({ ...this.base(), durationMs: performance.now() - this.startTime });
    }
  }

  /** The request failed with `err`. Later calls are ignored. */
  error(err: unknown): void {
    if (this.done) return;
    this.done = true;
    if (!errorChannel.hasSubscribers) return;
    const known = DbwireError.is(err);
    const event: RequestErrorEvent = {
      ...this.base(),
      durationMs: performance.now() - this.startTime,
      errorCode: known ? err.code : 'ERR_UNKNOWN',
      errorKind: known ? err.kind : 'unknown',
      retryable: known ? err.retryable : false,
    };
    errorChannel.publish(event);
  }

  private base(): RequestStartEvent {
    return {
      requestId: this.requestId,
      database: this.database,
      operation: this.operation,
      host: this.host,
      startTime: this.startTime,
    };
  }
}

/** True when any of the three channels has a subscriber. */
export function diagnosticsEnabled(): boolean {
  return startChannel.hasSubscribers || endChannel.hasSubscribers || errorChannel.hasSubscribers;
}

/**
 * Starts a trace for one request, or returns `undefined` when nobody listens (the common case, which
 * then costs one check). Use from a package funnel:
 *
 * ```ts
 * const trace = traceRequest('arango', 'collection.insert', host);
 * try { const r = await send(); trace?.end(); return r; } catch (e) { trace?.error(e); throw e; }
 * ```
 */
export function traceRequest(
  database: DiagnosticsDatabase,
  operation: string,
  host?: string,
): RequestTrace | undefined {
  return diagnosticsEnabled() ? new RequestTrace(database, operation, host) : undefined;
}

/** Runs `fn` under a trace: `end()` when it resolves, `error()` when it rejects. */
export async function tracedRequest<T>(
  database: DiagnosticsDatabase,
  operation: string,
  host: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const trace = traceRequest(database, operation, host);
  if (!trace) return fn();
  try {
    const result = await fn();
    trace.end();
    return result;
  } catch (err) {
    trace.error(err);
    throw err;
  }
}

/** Progress of long-running work (batch imports, bulk writes, cursor drains, scans). */
export interface ProgressEvent {
  /** Items finished so far (confirmed or failed). */
  readonly done: number;
  /** Items that failed so far. */
  readonly failed: number;
  /** Total, when known in advance. */
  readonly total: number | undefined;
  readonly elapsedMs: number;
  /** Items per second since the start. */
  readonly ratePerSecond: number;
}

/** A callback that receives progress; it must not throw (errors it throws are ignored). */
export type ProgressCallback = (event: ProgressEvent) => void;

/** Counts progress and reports it to a callback, at most once per `intervalMs` (plus a final report). */
export class ProgressTracker {
  private readonly started = performance.now();
  private lastReport = Number.NEGATIVE_INFINITY;
  done = 0;
  failed = 0;

  constructor(
    private readonly callback: ProgressCallback | undefined,
    private readonly total?: number,
    private readonly intervalMs = 250,
  ) {}

  /** Records `ok` successes and `bad` failures; reports if the interval has passed. */
  add(ok: number, bad = 0): void {
    this.done += ok + bad;
    this.failed += bad;
    if (!this.callback) return;
    const now = performance.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.report(now);
    }
  }

  /** Reports the final figures unconditionally. */
  finish(): ProgressEvent {
    const event = this.snapshot(performance.now());
    this.emit(event);
    return event;
  }

  /** The figures so far, without reporting them. */
  snapshot(now = performance.now()): ProgressEvent {
    const elapsedMs = now - this.started;
    return {
      done: this.done,
      failed: this.failed,
      total: this.total,
      elapsedMs,
      ratePerSecond: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
    };
  }

  private report(now: number): void {
    this.emit(this.snapshot(now));
  }

  private emit(event: ProgressEvent): void {
    if (!this.callback) return;
    try {
      this.callback(event);
    } catch {
      // A progress callback is observation only; its failure must never fail the work.
    }
  }
}
