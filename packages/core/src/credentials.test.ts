import { describe, expect, it, vi } from 'vitest';
import {
  ApiKey,
  BasicCredentials,
  BearerToken,
  jwtExpiry,
  RefreshingTokenProvider,
  type TokenSet,
} from './credentials.js';
import { AuthenticationError, CancelledError, ConnectionError, DbwireError, UsageError } from './errors.js';
import { redact } from './redact.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function jwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.sig`;
}

describe('static providers', () => {
  it('BasicCredentials sends Authorization: Basic and registers the password', async () => {
    const creds = new BasicCredentials('root', 'pa:ss-w0rd');
    expect(creds.username).toBe('root');
    const h = await creds.headers();
    expect(h).toEqual({ authorization: `Basic ${Buffer.from('root:pa:ss-w0rd').toString('base64')}` });
    expect(redact('echo pa:ss-w0rd')).toBe('echo ***');
    expect(JSON.stringify(creds)).toBe('{"type":"basic","username":"root"}');
    // An empty password is legal (ArangoDB root in development).
    expect((await new BasicCredentials('root', '').headers()).authorization).toBe(
      `Basic ${Buffer.from('root:').toString('base64')}`,
    );
  });

  it('BasicCredentials validates its input', () => {
    expect(() => new BasicCredentials('a:b', 'x')).toThrow(/must not contain ":"/);
    expect(() => new BasicCredentials(undefined as unknown as string, 'x')).toThrow(UsageError);
    expect(() => new BasicCredentials('u', 42 as unknown as string)).toThrow(UsageError);
    expect(() => new BasicCredentials('u', 'line\nbreak')).toThrow(/line breaks/);
  });

  it('BearerToken sends the token and never shows it', async () => {
    const t = new BearerToken('static-token-123');
    expect(await t.headers()).toEqual({ authorization: 'Bearer static-token-123' });
    expect(JSON.stringify(t)).not.toContain('static-token-123');
    expect(redact('bad static-token-123')).toBe('bad ***');
    expect(() => new BearerToken('')).toThrow(UsageError);
  });

  it('ApiKey defaults to Authorization: Bearer; other headers get the bare key', async () => {
    expect(await new ApiKey('wv-key-1').headers()).toEqual({ authorization: 'Bearer wv-key-1' });
    expect(await new ApiKey('k-2222', { header: 'X-API-Key' }).headers()).toEqual({ 'x-api-key': 'k-2222' });
    expect(await new ApiKey('k-3333', { header: 'x-key', scheme: 'Token' }).headers()).toEqual({
      'x-key': 'Token k-3333',
    });
    expect(await new ApiKey('k-4444', { scheme: '' }).headers()).toEqual({ authorization: 'k-4444' });
    expect(JSON.stringify(new ApiKey('k-5555', { header: 'x-k' }))).toBe('{"type":"apiKey","header":"x-k"}');
    expect(() => new ApiKey('k', { header: 'bad header' })).toThrow(/invalid header name/);
    expect(() => new ApiKey('')).toThrow(UsageError);
  });
});

describe('RefreshingTokenProvider', () => {
  it('fetches once, caches, and sends the header', async () => {
    const fetchToken = vi.fn(async () => ({ token: 'tok-aaaa' }));
    const p = new RefreshingTokenProvider({ fetchToken });
    expect(p.current()).toBeUndefined();
    expect(await p.headers()).toEqual({ authorization: 'Bearer tok-aaaa' });
    expect(await p.getToken()).toBe('tok-aaaa');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(p.current()).toEqual({ token: 'tok-aaaa' });
    const custom = new RefreshingTokenProvider({ fetchToken, header: 'X-Auth', scheme: 'JWT' });
    expect(await custom.headers()).toEqual({ 'x-auth': 'JWT tok-aaaa' });
    const bare = new RefreshingTokenProvider({ fetchToken, header: 'x-token' });
    expect(await bare.headers()).toEqual({ 'x-token': 'tok-aaaa' });
  });

  it('single flight: 10 concurrent callers → 1 fetch', async () => {
    const gate = deferred<TokenSet>();
    const fetchToken = vi.fn(() => gate.promise);
    const p = new RefreshingTokenProvider({ fetchToken });
    const callers = Array.from({ length: 10 }, () => p.headers());
    expect(fetchToken).toHaveBeenCalledTimes(1);
    gate.resolve({ token: 'shared-token' });
    const all = await Promise.all(callers);
    expect(new Set(all.map((h) => h.authorization))).toEqual(new Set(['Bearer shared-token']));
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('refreshes early, passing the previous token set', async () => {
    let now = 1_000_000;
    let n = 0;
    const fetchToken = vi.fn(async (_s?: AbortSignal, _prev?: TokenSet) => ({
      token: `tok-${++n}xxxx`,
      expiresAt: now + 60_000,
      refreshToken: `rt-${n}xxxx`,
    }));
    const p = new RefreshingTokenProvider({ fetchToken, refreshEarlyMs: 10_000, now: () => now });
    expect(await p.getToken()).toBe('tok-1xxxx');
    now += 49_999;
    expect(await p.getToken()).toBe('tok-1xxxx');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    now += 1;
    expect(await p.getToken()).toBe('tok-2xxxx');
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(fetchToken.mock.calls[1]![1]).toMatchObject({ token: 'tok-1xxxx', refreshToken: 'rt-1xxxx' });
    expect(fetchToken.mock.calls[1]![0]).toBeInstanceOf(AbortSignal);
  });

  it('short-lived tokens are renewed at half their lifetime, not on every call', async () => {
    let now = 0;
    const fetchToken = vi.fn(async () => ({ token: `short-${now}-tok`, expiresAt: now + 20_000 }));
    const p = new RefreshingTokenProvider({ fetchToken, refreshEarlyMs: 30_000, now: () => now });
    await p.getToken();
    now = 9_999;
    await p.getToken();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    now = 10_000;
    expect(await p.getToken()).toBe('short-10000-tok');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('a token without expiry (or with NaN) is kept until invalidated', async () => {
    let now = 0;
    const fetchToken = vi.fn(async () => ({ token: 'forever-tok', expiresAt: Number.NaN }));
    const p = new RefreshingTokenProvider({ fetchToken, now: () => now });
    await p.getToken();
    now = 1e12;
    await p.getToken();
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('an early refresh that fails keeps the still-valid token; an expired one fails', async () => {
    let now = 0;
    const fetchToken = vi
      .fn<() => Promise<TokenSet>>()
      .mockResolvedValueOnce({ token: 'tok-first', expiresAt: 60_000 })
      .mockRejectedValue(new Error('idp down'));
    const p = new RefreshingTokenProvider({ fetchToken, now: () => now });
    expect(await p.getToken()).toBe('tok-first');
    now = 45_000; // within the default 30 s early window
    expect(await p.getToken()).toBe('tok-first');
    now = 60_000;
    await expect(p.getToken()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('failure → AuthenticationError with the cause kept and no secret in it', async () => {
    const refreshSecret = 'rt-Secret-XYZ987';
    const cause = new Error(
      `invalid_grant: refresh token ${refreshSecret} revoked; client_secret=abc-123456`,
    );
    const fetchToken = vi
      .fn<() => Promise<TokenSet>>()
      .mockResolvedValueOnce({ token: 'tok-before-failure', refreshToken: refreshSecret })
      .mockRejectedValue(cause);
    const p = new RefreshingTokenProvider({ fetchToken });
    await p.getToken();
    p.invalidate();
    const err = (await p.getToken().catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('ERR_TOKEN_REFRESH');
    expect(err.message).toMatch(/^access token request failed \(invalid_grant: refresh token \*\*\* revoked/);
    expect(err.cause).toBe(cause);
    expect(err.retryable).toBe(false);
    const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${(err.cause as Error).message}`;
    expect(everything).not.toContain(refreshSecret);
    expect(everything).not.toContain('abc-123456');
    // The next call tries again (a failure is not cached).
    await expect(p.getToken()).rejects.toBeInstanceOf(AuthenticationError);
    expect(fetchToken).toHaveBeenCalledTimes(3);
  });

  it('classifies failures: network → retryable, AuthenticationError passes through, empty token rejected', async () => {
    const net = new RefreshingTokenProvider({
      fetchToken: async () => Promise.reject(new TypeError('fetch failed')),
    });
    expect((await net.getToken().catch((e) => e)).retryable).toBe(true);
    const http503 = new RefreshingTokenProvider({
      fetchToken: async () => Promise.reject(Object.assign(new Error('unavailable'), { status: 503 })),
    });
    expect((await http503.getToken().catch((e) => e)).retryable).toBe(true);
    const own = new AuthenticationError('nope', { code: 'X' });
    const pass = new RefreshingTokenProvider({ fetchToken: async () => Promise.reject(own) });
    await expect(pass.getToken()).rejects.toBe(own);
    const conn = new RefreshingTokenProvider({
      fetchToken: async () => Promise.reject(new ConnectionError('refused')),
    });
    const wrapped = await conn.getToken().catch((e) => e);
    expect(wrapped).toBeInstanceOf(AuthenticationError);
    expect(wrapped.retryable).toBe(true);
    const empty = new RefreshingTokenProvider({ fetchToken: async () => ({ token: '' }) });
    await expect(empty.getToken()).rejects.toThrow(/without a token/);
    const str = new RefreshingTokenProvider({ fetchToken: async () => Promise.reject('plain string') });
    await expect(str.getToken()).rejects.toThrow(/plain string/);
  });

  it('invalidate() forces a new fetch that still sees the refresh token', async () => {
    let n = 0;
    const fetchToken = vi.fn(async (_s?: AbortSignal, _prev?: TokenSet) => ({
      token: `tok-${++n}yyyy`,
      refreshToken: 'rt-keep',
    }));
    const p = new RefreshingTokenProvider({ fetchToken });
    expect(await p.getToken()).toBe('tok-1yyyy');
    p.invalidate();
    expect(p.current()).toBeUndefined();
    p.invalidate();
    expect(await p.getToken()).toBe('tok-2yyyy');
    expect(fetchToken.mock.calls[1]![1]).toMatchObject({ token: 'tok-1yyyy', refreshToken: 'rt-keep' });
    expect(JSON.stringify(p)).not.toContain('tok-2yyyy');
  });

  it("a caller's abort rejects that caller only; the shared fetch is aborted when every waiter left", async () => {
    const gate = deferred<TokenSet>();
    let fetchSignal: AbortSignal | undefined;
    const p = new RefreshingTokenProvider({
      fetchToken: (signal) => {
        fetchSignal = signal;
        return gate.promise;
      },
    });
    const a = new AbortController();
    const b = new AbortController();
    const ra = p.getToken(a.signal).catch((e) => e);
    const rb = p.getToken(b.signal);
    a.abort();
    expect(await ra).toBeInstanceOf(CancelledError);
    expect(fetchSignal?.aborted).toBe(false);
    gate.resolve({ token: 'tok-after-abort' });
    expect(await rb).toBe('tok-after-abort');

    const gate2 = deferred<TokenSet>();
    let signal2: AbortSignal | undefined;
    const q = new RefreshingTokenProvider({
      fetchToken: (signal) => {
        signal2 = signal;
        signal?.addEventListener('abort', () => gate2.reject(new Error('aborted by provider')));
        return gate2.promise;
      },
    });
    const c = new AbortController();
    const rc = q.getToken(c.signal).catch((e) => e);
    c.abort();
    expect(await rc).toBeInstanceOf(CancelledError);
    expect(signal2?.aborted).toBe(true);
    await expect(q.getToken(AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  });

  it('a caller without a signal pins the shared fetch', async () => {
    const gate = deferred<TokenSet>();
    let fetchSignal: AbortSignal | undefined;
    const p = new RefreshingTokenProvider({
      fetchToken: (signal) => {
        fetchSignal = signal;
        return gate.promise;
      },
    });
    const unpinned = p.getToken();
    const a = new AbortController();
    const ra = p.getToken(a.signal).catch((e) => e);
    a.abort();
    expect(DbwireError.is(await ra)).toBe(true);
    expect(fetchSignal?.aborted).toBe(false);
    gate.resolve({ token: 'tok-pinned' });
    expect(await unpinned).toBe('tok-pinned');
  });

  it('validates its options', () => {
    expect(() => new RefreshingTokenProvider({} as never)).toThrow(/fetchToken/);
    expect(
      () => new RefreshingTokenProvider({ fetchToken: async () => ({ token: 'x' }), refreshEarlyMs: -1 }),
    ).toThrow(/refreshEarlyMs/);
  });

  it('keeps old tokens registered for a while, then forgets them', async () => {
    let n = 0;
    const p = new RefreshingTokenProvider({ fetchToken: async () => ({ token: `rotating-${++n}-zzzz` }) });
    for (let i = 0; i < 7; i++) {
      await p.getToken();
      p.invalidate();
    }
    expect(redact('rotating-1-zzzz')).toBe('rotating-1-zzzz');
    expect(redact('rotating-6-zzzz')).toBe('***');
    expect(redact('rotating-7-zzzz')).toBe('***');
  });
});

describe('jwtExpiry', () => {
  it('decodes exp in ms without verifying', () => {
    expect(jwtExpiry(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
  });

  it.each([
    ['no exp', jwt({ sub: 'x' })],
    ['non-numeric exp', jwt({ exp: '1' })],
    ['two parts', 'a.b'],
    ['empty payload', 'a..c'],
    ['garbage payload', 'a.!!!.c'],
    ['null payload', `a.${Buffer.from('null').toString('base64url')}.c`],
    ['not a string', 42 as unknown as string],
  ])('returns undefined for %s', (_label, token) => {
    expect(jwtExpiry(token)).toBeUndefined();
  });
});
