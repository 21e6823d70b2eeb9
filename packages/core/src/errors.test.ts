import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  DbwireError,
  isRetryable,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from './errors.js';

describe('error classes', () => {
  const cases = [
    [DbwireError, 'unknown', 'ERR_DBWIRE', false],
    [UsageError, 'usage', 'ERR_USAGE', false],
    [ConnectionError, 'connection', 'ERR_CONNECTION', true],
    [TimeoutError, 'timeout', 'ERR_TIMEOUT', true],
    [CancelledError, 'cancelled', 'ERR_CANCELLED', false],
    [ServerError, 'server', 'ERR_SERVER', false],
    [ProtocolError, 'protocol', 'ERR_PROTOCOL', false],
    [AuthenticationError, 'authentication', 'ERR_AUTHENTICATION', false],
  ] as const;

  it.each(cases)('%o has kind/code/retryable defaults', (Ctor, kind, code, retryable) => {
    const err = new Ctor('boom');
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.name).toBe(Ctor.name);
    expect(err.message).toBe('boom');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(DbwireError);
    expect(DbwireError.is(err)).toBe(true);
    expect(isRetryable(err)).toBe(retryable);
    expect(err.stack).toContain('boom');
  });

  it('keeps explicit code, retryable, cause, retryAfterMs and details', () => {
    const cause = new Error('socket reset');
    const err = new ServerError('conflict', {
      code: '1200',
      retryable: true,
      cause,
      retryAfterMs: 250,
      details: { status: 409 },
    });
    expect(err.code).toBe('1200');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.retryAfterMs).toBe(250);
    expect(err.details).toEqual({ status: 409 });
    expect(isRetryable(err)).toBe(true);
    expect(new ConnectionError('x', { retryable: false }).retryable).toBe(false);
  });

  it('instanceof follows the class chain and nothing else', () => {
    const t = new TimeoutError('late');
    expect(t).toBeInstanceOf(TimeoutError);
    expect(t).toBeInstanceOf(ConnectionError);
    expect(t).toBeInstanceOf(DbwireError);
    expect(t).not.toBeInstanceOf(ServerError);
    expect(t).not.toBeInstanceOf(CancelledError);
    expect(new ConnectionError('x')).not.toBeInstanceOf(TimeoutError);
    expect(new Error('plain')).not.toBeInstanceOf(DbwireError);
    expect((null as any) instanceof (DbwireError as any)).toBe(false);
  });

  it('package subclasses work with instanceof and a brandName', () => {
    class AbortedError extends ServerError {
      static override brandName = 'DgraphAbortedError';
    }
    class Unnamed extends AbortedError {}
    const err = new AbortedError('txn aborted', { code: 'ERR_ABORTED' });
    expect(err.name).toBe('DgraphAbortedError');
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.kind).toBe('server');
    expect(new Unnamed('x').name).toBe('Unnamed');
    expect(new Unnamed('x')).toBeInstanceOf(AbortedError);
    expect(new ServerError('x')).not.toBeInstanceOf(AbortedError);
  });

  it('DbwireError.is rejects look-alikes', () => {
    expect(DbwireError.is(undefined)).toBe(false);
    expect(DbwireError.is('ERR_DBWIRE')).toBe(false);
    expect(DbwireError.is({ code: 'ERR_DBWIRE', name: 'DbwireError' })).toBe(false);
    expect(isRetryable({ retryable: true })).toBe(false);
  });

  it('toJSON gives a plain object with nested causes', () => {
    const inner = new ConnectionError('refused', { code: 'ECONNREFUSED' });
    const outer = new ServerError('failed', { cause: inner, retryAfterMs: 5, details: { a: 1 } });
    const json = outer.toJSON();
    expect(json).toMatchObject({
      name: 'ServerError',
      code: 'ERR_SERVER',
      kind: 'server',
      message: 'failed',
      retryable: false,
      retryAfterMs: 5,
      details: { a: 1 },
      cause: { name: 'ConnectionError', code: 'ECONNREFUSED', retryable: true },
    });
    const foreign = Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' });
    expect(new ConnectionError('x', { cause: foreign }).toJSON().cause).toEqual({
      name: 'Error',
      message: 'ECONNRESET',
      code: 'ECONNRESET',
    });
    expect(new ConnectionError('x', { cause: { status: 503 } }).toJSON().cause).toEqual({ status: 503 });
    expect(new ConnectionError('x').toJSON()).not.toHaveProperty('cause');
    expect(JSON.parse(JSON.stringify(outer)).cause.message).toBe('refused');
  });
});

describe('brand check across two copies of core loaded side by side', () => {
  let dir: string;
  let other: typeof import('./errors.js');

  beforeAll(async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    dir = mkdtempSync(join(tmpdir(), 'dbwire-core-copy-'));
    for (const f of ['errors.ts', 'redact.ts']) copyFileSync(join(here, f), join(dir, f));
    other = await import(/* @vite-ignore */ join(dir, 'errors.ts'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the copy is a distinct module with distinct classes', () => {
    expect(other.DbwireError).not.toBe(DbwireError);
    expect(other.TimeoutError).not.toBe(TimeoutError);
  });

  it('instanceof and .is() work from the copy to this one', () => {
    const theirs = new other.TimeoutError('from the copy');
    expect(DbwireError.is(theirs)).toBe(true);
    expect(theirs).toBeInstanceOf(DbwireError);
    expect(theirs).toBeInstanceOf(ConnectionError);
    expect(theirs).toBeInstanceOf(TimeoutError);
    expect(theirs).not.toBeInstanceOf(ServerError);
    expect(isRetryable(theirs)).toBe(true);
  });

  it('instanceof and .is() work from this one to the copy', () => {
    const ours = new UsageError('from here');
    expect(other.DbwireError.is(ours)).toBe(true);
    expect(ours).toBeInstanceOf(other.DbwireError);
    expect(ours).toBeInstanceOf(other.UsageError);
    expect(ours).not.toBeInstanceOf(other.ConnectionError);
    expect(other.isRetryable(ours)).toBe(false);
  });

  it('a copy-born cause is serialised as a dbwire error', () => {
    const inner = new other.ServerError('inner', { code: 'X1' });
    const outer = new ConnectionError('outer', { cause: inner });
    expect((outer.toJSON().cause as { code: string }).code).toBe('X1');
  });
});
