import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Black-box: runs the checker's CLI on fixture READMEs checked as if they were @dbwire/core's README,
// so `@dbwire/core` resolves to core's published dist/*.d.ts (the build runs before lint and tests).
const script = join(dirname(fileURLToPath(import.meta.url)), 'check-readme-types.mjs');
const dir = mkdtempSync(join(tmpdir(), 'readme-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(markdown: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const file = join(dir, `README-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(file, markdown);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      script,
      '--readme',
      file,
      'core',
    ]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const good = [
  '# Title',
  '',
  '```ts',
  "import { UsageError } from '@dbwire/core';",
  "const err = new UsageError('bad input', { code: 'BAD_INPUT' });",
  'await Promise.resolve(err.code);',
  '```',
  '',
  '```text',
  'not TypeScript: const x: number = "y";',
  '```',
  '',
  '```ts',
  '// A second block is its own module: redeclaring `err` is fine.',
  'const err: Error = new Error();',
  '```',
].join('\n');

describe('scripts/check-readme-types.mjs', () => {
  it('passes a README whose ts blocks type-check (imports resolve to published types, top-level await)', async () => {
    const r = await check(good);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 README(s) type-check');
  }, 60_000);

  it('fails on a type error and reports it at its README line', async () => {
    const bad = `${good}\n\n\`\`\`ts\nimport { UsageError } from '@dbwire/core';\n\nconst n: number = new UsageError('x').code;\n\`\`\`\n`;
    const badLine = bad.split('\n').indexOf("const n: number = new UsageError('x').code;") + 1;
    const r = await check(bad);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => /README-.*\.md:\d+: /.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`\\.md:${badLine}: TS2322: Type 'string' is not assignable to type 'number'`),
    );
  }, 60_000);
});
