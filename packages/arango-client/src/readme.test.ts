/**
 * Keeps README.md honest: every code line of its ```ts blocks (trimmed, without a trailing `;` or
 * `// comment`) must occur in the quickstart demo or in this package's test suites, which run it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = join(import.meta.dirname, '..');
const sources = [
  join(pkg, '../../tooling/demo/src/arango.ts'),
  ...readdirSync(join(pkg, 'test/integration')).map((f) => join(pkg, 'test/integration', f)),
  ...readdirSync(join(pkg, 'test/faults')).map((f) => join(pkg, 'test/faults', f)),
].filter((f) => f.endsWith('.ts'));
const corpus = sources.map((f) => readFileSync(f, 'utf8')).join('\n');

function snippetLines(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const raw of (block[1] ?? '').split('\n')) {
      const line = raw
        .replace(/\s\/\/.*$/, '')
        .trim()
        .replace(/;$/, '');
      if (line && !line.startsWith('//')) out.push(line);
    }
  }
  return out;
}

describe('README snippets', () => {
  const lines = snippetLines(readFileSync(join(pkg, 'README.md'), 'utf8'));
  it('has snippets', () => expect(lines.length).toBeGreaterThan(50));
  it('every snippet line is executed by the demo or a test', () => {
    expect(lines.filter((l) => !corpus.includes(l))).toEqual([]);
  });
});
