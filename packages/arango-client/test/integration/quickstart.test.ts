/**
 * The seed's quickstart (tooling/demo/src/arango.ts) against `arango-replay`, or against a real
 * ArangoDB when ARANGO_URL is set (the demo scripts the replay server only when it is not external).
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../../../tooling/demo/src/arango.js';

describe('quickstart', () => {
  it('runs the seed walkthrough end to end', async () => {
    const lines: string[] = [];
    await run((line) => lines.push(line));
    expect(lines[0]).toMatch(/^server version 3\.\d+\.\d+/);
    expect(lines).toContain('collection students ready');
    expect(lines.find((l) => l.startsWith('index '))).toContain('of type persistent on ["name"]');
    const names = lines
      .find((l) => l.startsWith('students: '))
      ?.slice('students: '.length)
      .split(', ');
    expect(names).toEqual(expect.arrayContaining(['jane', 'josh', 'jake']));
    expect(lines.at(-1)).toBe(
      'DocumentInsertError: errorCode 1210 (unique constraint: true), httpCode 409, server error: true',
    );
  });
});
