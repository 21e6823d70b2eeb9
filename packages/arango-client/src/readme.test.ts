/**
 * Keeps README.md honest. The tour's ```ts blocks are run whole, in order, by
 * test/integration/readme.test.ts; the "Administration" section's blocks are run line for line by
 * test/integration/readme-admin.test.ts, so every code line there (trimmed, without a trailing `;` or
 * `// comment`) must occur in the demo or in this package's test suites.
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

/** The "## Administration" section (up to the next `## ` heading). */
function adminSection(markdown: string): string {
  const start = markdown.indexOf('\n## Administration');
  if (start === -1) return '';
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

function snippetLines(markdown: string): string[] {
  const out: string[] = [];
  for (const block of adminSection(markdown).matchAll(/```ts\n([\s\S]*?)```/g)) {
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
  it('every Administration snippet line is executed by the demo or a test', () => {
    expect(lines.filter((l) => !corpus.includes(l))).toEqual([]);
  });
  it('the tour blocks are run by test/integration/readme.test.ts', () => {
    expect(corpus).toContain("describe('README: the tour runs'");
  });
});
