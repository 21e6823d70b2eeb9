import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DIAGNOSTICS_CHANNELS,
  type ProgressEvent,
  ProgressTracker,
  type RequestErrorEvent,
  type RequestStartEvent,
  RequestTrace,
  tracedRequest,
  traceRequest,
} from './diagnostics.js';
import { TimeoutError } from './errors.js';

type Listener = (message: unknown, name: string | symbol) => void;
const subscriptions: Array<[string, Listener]> = [];
function listen(name: string): unknown[] {
  const seen: unknown[] = [];
  const fn: Listener = (m) => seen.push(m);
  subscribe(name, fn);
  subscriptions.push([name, fn]);
  return seen;
}
afterEach(() => {
  for (const [name, fn] of subscriptions.splice(0)) unsubscribe(name, fn);
});

describe('request diagnostics', () => {
  it('costs nothing without subscribers: no trace object is created', () => {
    expect(traceRequest('dgraph', 'query', 'h:1')).toBeUndefined();
  });

  it('publishes start then end with the same request id and a duration', async () => {
    const starts = listen(DIAGNOSTICS_CHANNELS.start);
    const ends = listen(DIAGNOSTICS_CHANNELS.end);
    const value = await tracedRequest('arango', 'collection.get', 'http://127.0.0.1:8529', async () => 42);
    expect(value).toBe(42);
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    const start = starts[0] as RequestStartEvent;
    expect(start).toMatchObject({
      database: 'arango',
      operation: 'collection.get',
      host: 'http://127.0.0.1:8529',
    });
    expect(ends[0]).toMatchObject({ requestId: start.requestId });
    expect((ends[0] as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('publishes the error code, kind and retryability, and only once', async () => {
    const errors = listen(DIAGNOSTICS_CHANNELS.error);
    const ends = listen(DIAGNOSTICS_CHANNELS.end);
    const err = new TimeoutError('too slow');
    await expect(
      tracedRequest('gridgain', 'cache.put', undefined, async () => Promise.reject(err)),
    ).rejects.toBe(err);
    expect(errors).toHaveLength(1);
    expect(ends).toHaveLength(0);
    const event = errors[0] as RequestErrorEvent;
    expect(event.errorCode).toBe(err.code);
    expect(event.errorKind).toBe('timeout');
    expect(event.retryable).toBe(err.retryable);
  });

  it('reports a foreign error as ERR_UNKNOWN and ignores a second outcome', () => {
    const errors = listen(DIAGNOSTICS_CHANNELS.error);
    const ends = listen(DIAGNOSTICS_CHANNELS.end);
    const trace = traceRequest('weaviate', 'batch.createObjects');
    expect(trace).toBeInstanceOf(RequestTrace);
    trace?.error(new Error('boom'));
    trace?.end();
    expect(ends).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect((errors[0] as RequestErrorEvent).errorCode).toBe('ERR_UNKNOWN');
  });
});

describe('ProgressTracker', () => {
  it('counts successes and failures and always reports the final figures', () => {
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker((e) => events.push(e), 10, 60_000);
    tracker.add(3);
    tracker.add(2, 1);
    const final = tracker.finish();
    expect(final).toMatchObject({ done: 6, failed: 1, total: 10 });
    // The first add reports (interval starts at 0), the second is throttled, finish always reports.
    expect(events.map((e) => e.done)).toEqual([3, 6]);
  });

  it('never lets a throwing callback fail the work', () => {
    const tracker = new ProgressTracker(
      () => {
        throw new Error('observer bug');
      },
      undefined,
      0,
    );
    expect(() => tracker.add(1)).not.toThrow();
    expect(tracker.finish().done).toBe(1);
  });
});
