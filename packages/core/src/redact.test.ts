import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError, ServerError } from './errors.js';
import { redact, redactDeep, registerSecret, unregisterSecret } from './redact.js';

const SECRET = 'hunter2-Sup3rS3cret';

afterEach(() => unregisterSecret(SECRET));

describe('redact()', () => {
  it.each([
    ['URL user-info', 'connect http://root:pa55word@db:8529/_api failed', 'pa55word'],
    ['URL user-info with @ in the password', 'GET https://u:p@ss@host/x', 'p@ss'],
    ['Authorization header (Bearer)', 'Authorization: Bearer abcdefghijkl', 'abcdefghijkl'],
    ['Authorization header (Basic, JSON)', '{"authorization":"Basic dXNlcjpwYXNz"}', 'dXNlcjpwYXNz'],
    ['Authorization header without scheme', 'authorization: s3cr3tkeyvalue', 's3cr3tkeyvalue'],
    ['bare bearer credential', 'sent bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'eyJhbGciOiJIUzI1NiJ9'],
    ['JSON password pair', '{"password":"letmein","user":"x"}', 'letmein'],
    ['JSON token pair', `{"access_token": "tok-abcdef", "expires_in": 5}`, 'tok-abcdef'],
    ['query string token', 'GET /login?user=a&token=abc123&next=1', 'abc123'],
    ['quoted value with spaces', "password='x y z' rest", 'x y z'],
    ['api key header', 'x-api-key: k3y-v4lue', 'k3y-v4lue'],
    ['client secret', 'client_secret=shhh-123', 'shhh-123'],
  ])('masks %s', (_label, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('***');
  });

  it('keeps harmless text and the non-secret parts', () => {
    expect(redact('authorization failed: no permission')).toBe('authorization failed: no permission');
    expect(redact('http://db:8529/_api/version')).toBe('http://db:8529/_api/version');
    expect(redact('connect http://root:pw@db:8529')).toBe('connect http://root:***@db:8529');
    expect(redact('{"password":"x","user":"bob"}')).toBe('{"password":"***","user":"bob"}');
    expect(redact('')).toBe('');
  });

  it('masks registered secrets anywhere, and forgets them when unregistered', () => {
    expect(redact(`server said: unknown user ${SECRET}!`)).toContain(SECRET);
    registerSecret(SECRET);
    registerSecret(SECRET);
    expect(redact(`server said: unknown user ${SECRET}!`)).toBe('server said: unknown user ***!');
    unregisterSecret(SECRET);
    expect(redact(`x ${SECRET}`)).toBe(`x ${SECRET}`);
  });

  it('ignores too-short or empty secrets', () => {
    registerSecret('ab');
    registerSecret(undefined);
    registerSecret(null);
    registerSecret('');
    expect(redact('ab cd')).toBe('ab cd');
  });

  it('redactDeep masks secret-named keys and redacts strings, arrays, errors', () => {
    registerSecret(SECRET);
    const out = redactDeep({
      headers: { Authorization: 'Basic abc', 'x-api-key': 'k', accept: 'json' },
      list: [`a ${SECRET}`, 1, null],
      err: new Error(`bad ${SECRET}`),
      password: 'p',
      nothing: undefined,
    }) as Record<string, any>;
    expect(out.headers).toEqual({ Authorization: '***', 'x-api-key': '***', accept: 'json' });
    expect(out.list).toEqual(['a ***', 1, null]);
    expect(out.err).toEqual({ name: 'Error', message: 'bad ***' });
    expect(out.password).toBe('***');
    expect(JSON.stringify(out)).not.toContain(SECRET);
    let deep: any = { v: 1 };
    for (let i = 0; i < 15; i++) deep = { next: deep };
    expect(JSON.stringify(redactDeep(deep))).toContain('[depth]');
  });
});

describe('the redaction rule on errors', () => {
  it('no secret in message, cause chain, toJSON() or details', () => {
    registerSecret(SECRET);
    const root = new Error(`ECONNREFUSED while sending password=${SECRET}`);
    const middle = new Error('request failed', { cause: root });
    const err = new ConnectionError(`POST http://admin:${SECRET}@db:8529/_open/auth with Bearer ${SECRET}`, {
      cause: middle,
      details: {
        url: `http://admin:${SECRET}@db:8529`,
        headers: { authorization: `Bearer ${SECRET}` },
        body: `{"username":"admin","password":"${SECRET}"}`,
        token: SECRET,
      },
    });
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toContain('http://admin:***@db:8529');
    expect(root.message).not.toContain(SECRET);
    expect(root.stack).not.toContain(SECRET);
    expect(JSON.stringify(err.toJSON())).not.toContain(SECRET);
    expect(JSON.stringify(err.details)).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
  });

  it('shapes are masked even without registration', () => {
    const err = new AuthenticationError(
      'login failed for {"username":"root","password":"Zz9-unregistered"}',
      {
        cause: new Error('Authorization: Basic cm9vdDpabjk='),
      },
    );
    const all = `${err.message} ${JSON.stringify(err.toJSON())} ${(err.cause as Error).message}`;
    expect(all).not.toContain('Zz9-unregistered');
    expect(all).not.toContain('cm9vdDpabjk=');
  });

  it('string and plain-object causes are redacted too; frozen foreign errors are left alone', () => {
    const s = new ServerError('x', { cause: 'token=abc123def' });
    expect(s.cause).toBe('token=***');
    const o = new ServerError('x', { cause: { password: 'p4ss' } });
    expect(JSON.stringify(o.toJSON())).not.toContain('p4ss');
    const frozen = Object.freeze(new Error('password=frozen1'));
    expect(() => new ServerError('x', { cause: frozen })).not.toThrow();
  });
});
