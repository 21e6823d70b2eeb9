import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe(`${pkg.name} packaging`, () => {
  it('is publishable ESM with types, Node >= 20.19 and no side effects', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.'].import).toBe('./dist/bundle.js');
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toContain('dist');
    expect(pkg.dependencies['@dbwire/core']).toBeDefined();
  });

  it('re-exports the core error base so callers can brand-check errors', () => {
    const err = new api.DbwireError('x', { code: 'ERR_X' });
    expect(api.DbwireError.is(err)).toBe(true);
    expect(err.code).toBe('ERR_X');
  });
});
