import { describe, expect, it } from 'vitest';
import {
  AuthApiKey,
  AuthBearerToken,
  AuthClientCredentials,
  AuthClientPassword,
  credentialsFactory,
} from './auth.js';

describe('auth configurations', () => {
  it('never show their secrets', () => {
    const all = [
      new AuthClientPassword({ username: 'u', password: 'pw-123456', scope: 's' }),
      new AuthClientCredentials({ clientSecret: 'cs-123456' }),
      new AuthBearerToken({ accessToken: 'at-123456', refreshToken: 'rt-123456' }),
      new AuthApiKey('key-123456'),
    ];
    const text = JSON.stringify(all);
    for (const secret of ['pw-123456', 'cs-123456', 'at-123456', 'rt-123456', 'key-123456'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)[0]).toEqual({ type: 'AuthClientPassword', username: 'u', scope: 's' });
  });

  it('reject bad input with UsageError before any request', () => {
    expect(() => new AuthClientPassword({ username: '', password: 'x' })).toThrow(
      expect.objectContaining({ kind: 'usage' }),
    );
    expect(() => new AuthClientCredentials({ clientSecret: '' })).toThrow(
      expect.objectContaining({ kind: 'usage' }),
    );
    expect(() => new AuthBearerToken({ accessToken: 'a', expiresIn: 0 })).toThrow(
      expect.objectContaining({ kind: 'usage' }),
    );
    expect(() => new AuthApiKey('')).toThrow(expect.objectContaining({ kind: 'usage' }));
    expect(() => credentialsFactory({ apiKey: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CREDENTIALS' }),
    );
  });

  it('AuthApiKey sends Authorization: Bearer <key>', async () => {
    const provider = credentialsFactory(new AuthApiKey({ apiKey: 'k1' }))!(undefined as never);
    expect(await provider.headers()).toEqual({ authorization: 'Bearer k1' });
  });
});
