/**
 * Runs the ```ts blocks of the package README, in order, against the real server, and checks what
 * they print. Each block runs in its own scope with the package's exports, `client` (connected to
 * the test server) and a captured `console`. Not run here: the failover block (an endless loop over
 * off-machine addresses, shown as the seed shows it; tooling/demo runs it bounded against a local
 * node) and the security block (certificate paths; test/integration/secure.test.ts covers TLS).
 * The caches and the City table the snippets create are dropped first, so the blocks run as written.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer } from '@dbwire/test-servers';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const SKIPPED = [/217\.29\.2\.1/, /sslKeyfile/];
const CACHES = ['my_cache', 'my cache', 'tx_cache', 'myCache'];

let client: pkg.Client;
let endpoint: string;

async function cleanUp(): Promise<void> {
  await client.sql('DROP TABLE IF EXISTS City').catch(() => {});
  for (const c of CACHES)
    await client
      .getCache(c)
      .destroy()
      .catch(() => {});
}

beforeAll(async () => {
  const info = await useServer('ignite');
  endpoint = info.endpoints[0]!;
  const [h, p] = endpoint.split(':');
  client = new pkg.Client();
  await client.connect(h!, Number(p));
  await cleanUp();
});

afterAll(async () => {
  await cleanUp();
  await client?.close();
});

/** Runs one block; returns what it printed, one entry per console.log call. */
async function runBlock(code: string): Promise<unknown[][]> {
  const [h, p] = endpoint.split(':');
  const src = code
    .replace(/^import [\s\S]*? from '@dbwire\/gridgain-thin';\n/gm, '')
    .replaceAll("'127.0.0.1', 10800", `'${h}', ${p}`);
  const js = ts
    .transpileModule(`export {};\n${src}`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    })
    .outputText.replace('export {};', '');
  const printed: unknown[][] = [];
  const console = { log: (...args: unknown[]) => printed.push(args) };
  const names = Object.keys(pkg);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  const fn = new AsyncFunction(...names, 'client', 'console', `{\n${js}\n}`);
  await fn(...names.map((n) => (pkg as Record<string, unknown>)[n]), client, console);
  return printed;
}

describe('README', () => {
  it('has the seed walkthrough blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });

  it('every block runs as written and prints what the README says', async () => {
    const outputs: unknown[][][] = [];
    for (const code of blocks) {
      if (SKIPPED.some((re) => re.test(code))) continue;
      outputs.push(await runBlock(code));
    }
    const flat = outputs.flat();
    const printed = (first: unknown) => flat.filter((args) => args[0] === first);
    // key-value section
    expect(flat).toContainEqual([42]);
    expect(flat).toContainEqual([null]);
    expect(flat).toContainEqual([{ 'my key': 42 }]);
    // type hints: get('a') is 1, get('a', CharObject) is 2
    expect(flat).toContainEqual([1]);
    expect(flat).toContainEqual([2]);
    // scan: 20 pairs, then dict(result)
    const pairs = flat.filter((a) => typeof a[0] === 'string' && /^key_\d+$/.test(a[0] as string));
    expect(pairs.length).toBe(20);
    const entries: Record<string, number> = {};
    for (let v = 0; v < 20; v++) entries[`key_${v}`] = v;
    expect(flat).toContainEqual([entries]);
    // SQL: the eight cities, then the field names
    expect(printed(3793)).toEqual([[3793, 'New York', 'USA', 'New York', 8008278]]);
    expect(
      flat.filter((a) => typeof a[0] === 'number' && (a[0] as number) >= 3793 && (a[0] as number) <= 3800)
        .length,
    ).toBe(8);
    expect(flat).toContainEqual([['ID', 'NAME', 'COUNTRYCODE', 'DISTRICT', 'POPULATION']]);
    // transactions: the committed value is there
    expect(await client.getCache('tx_cache').get(1)).toBe('success');
  });
});
