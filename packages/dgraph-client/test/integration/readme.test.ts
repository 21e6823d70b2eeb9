import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';
import { startTlsProxy, type TlsProxy } from './tls-proxy.js';

/**
 * Runs every ```ts block of the package README, in order, against the real Dgraph. Each block runs in
 * its own scope with: the package's exports, `client` (a DgraphClient on the test server), `txn` (a
 * fresh transaction), `console` (captured), and GRPC_HOST/GRPC_PORT (a TLS proxy in front of Dgraph).
 * The only edits are the environment: every `localhost:9080` (host:port strings, `dgraph://` URLs) → the
 * configured test server (in docker mode, wherever DGRAPH_GRPC points), and in the TLS block the proxy's
 * private CA and API key.
 */
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

holdServerLock('dgraph');

let addr: string;
let proxy: TlsProxy;
let client: pkg.DgraphClient;
const stubs: pkg.DgraphClientStub[] = [];
const txns: pkg.Txn[] = [];

/** Records every stub a snippet creates so the test can close what the snippets leave open. */
class TrackedStub extends pkg.DgraphClientStub {
  constructor(...args: ConstructorParameters<typeof pkg.DgraphClientStub>) {
    super(...args);
    stubs.push(this);
  }
}

beforeAll(async () => {
  const info = await useServer('dgraph');
  addr = info.endpoints[0]!;
  proxy = await startTlsProxy(addr, ['<api-key>-for-tests']);
  client = new pkg.DgraphClient(new TrackedStub(addr));
});

afterAll(async () => {
  for (const t of txns) await t.discard().catch(() => {});
  for (const s of stubs) s.close();
  await proxy?.close();
});

/** The block with every address the README shows pointed at the configured server. */
function pointAtServer(code: string): string {
  return code.replaceAll('localhost:9080', addr);
}

function compile(code: string): string {
  let src = pointAtServer(code).replace(/^import .* from '@dbwire\/dgraph-client';\n/gm, '');
  if (src.includes("'<api-key>'")) {
    src = src
      .replace('grpc.credentials.createSsl()', 'grpc.credentials.createSsl(Buffer.from(__CA))')
      .replaceAll("'<api-key>'", "'<api-key>-for-tests'");
  }
  const out = ts.transpileModule(`{\n${src}\n}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return out.outputText.replace(/export \{\};\s*$/, '');
}

async function runBlock(code: string): Promise<string[]> {
  const lines: string[] = [];
  const txn = client.txn();
  txns.push(txn);
  const scope: Record<string, unknown> = {
    ...pkg,
    DgraphClientStub: TrackedStub,
    client,
    txn,
    console: { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) },
    GRPC_HOST: 'localhost',
    GRPC_PORT: proxy.port,
    __CA: proxy.ca,
  };
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const fn = new AsyncFunction(...names, compile(code));
  await fn(...names.map((n) => scope[n]));
  return lines;
}

const query = async (q: string) => (await client.txn({ readOnly: true }).query(q)).data;

describe('README snippets run against a real Dgraph', () => {
  it('has the walkthrough blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(25);
  });

  it('every address in the snippets points at the configured server (docker mode included)', () => {
    const addresses = blocks.flatMap((b) =>
      [...pointAtServer(b).matchAll(/[\w.-]+:\d{2,5}\b/g)].map((m) => m[0]),
    );
    expect(addresses.length).toBeGreaterThanOrEqual(3);
    expect(new Set(addresses)).toEqual(new Set([addr]));
  });

  it('every block runs, in order, with the documented effects', async () => {
    const outputs: string[][] = [];
    for (const [i, code] of blocks.entries()) {
      if (code.includes('wrong_email@dgraph.io')) {
        // Give the conditional upsert something to fix.
        await client.txn().mutate({ setObj: { email: 'wrong_email@dgraph.io' }, commitNow: true });
      }
      try {
        outputs.push(await runBlock(code));
      } catch (err) {
        throw new Error(`README block ${i + 1} failed: ${(err as Error).message}\n${code}`, { cause: err });
      }
    }
    const all = outputs.flat();
    // Creating a client / cleaning up: the server version was printed.
    expect(all.filter((l) => /^v25\./.test(l)).length).toBeGreaterThanOrEqual(3);
    // Running a query prints what the seed says it prints.
    const queryBlock = blocks.findIndex((b) => b.includes('Number of people named'));
    expect(outputs[queryBlock]).toEqual(['Number of people named "Alice": 1', 'Alice']);
    // Typed query.
    expect(all).toContain('Alice');
    // Upsert set age 25; withTxn then incremented it once.
    const alice = await query('{ q(func: eq(name, "Alice")) { age } }');
    expect(alice.q).toEqual([{ age: 26 }]);
    // Conditional upsert fixed the e-mail.
    expect((await query('{ q(func: eq(email, "correct_email@dgraph.io")) { uid } }')).q).toHaveLength(1);
    expect((await query('{ q(func: eq(email, "wrong_email@dgraph.io")) { uid } }')).q).toHaveLength(0);
    // The TLS-proxy block went through the proxy with the API key.
    expect(proxy.seen.some((h) => h.authorization === '<api-key>-for-tests')).toBe(true);
    // allocateUids printed 1000.
    expect(all).toContain('1000');
  }, 120_000);
});
