import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';
import { dockerMode, externalAuthConfigured } from './server-kind.js';

/**
 * Runs every ```ts block of the package README, in order, against the real Bolt server. Each block runs
 * in its own scope with the package's exports, `driver` (a driver on the test server) and a captured
 * `console`. The only edits are the environment: `bolt://localhost:7687` → the test server (the
 * authenticated one for the credentials block), `bolt+ssc://<host>` → a TLS proxy with a self-signed
 * certificate in front of it, and the database `memgraph` → the stand-in's `neo4j`. Blocks marked
 * "Memgraph only" / "Enterprise only" and the impersonation block must end in the server's typed
 * refusal on the stand-in (Neo4j Community), and run for real against Memgraph in docker mode (where
 * a Community Memgraph may refuse the Enterprise ones for want of a licence: counted and printed).
 * docker-compose's Memgraph has no auth, so without BOLT_AUTH_URL / BOLT_USER the credentials block
 * runs against it (Memgraph without auth accepts any credentials).
 */
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

holdServerLock('bolt');

let url: string;
let authUrl: string;
let authUser: string;
let authPassword: string;
let driver: pkg.Driver;
let standIn = true;
/** Blocks a Community Memgraph refused for want of Enterprise features (docker mode only). */
const refusedByCommunity: string[] = [];
let tls: { port: number; close: () => Promise<void> };

/** A TLS terminator with a throwaway self-signed certificate, piping to the plaintext Bolt port. */
async function startTlsProxy(target: URL): Promise<{ port: number; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dbwire-memgraph-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server: Server = createServer({ key, cert }, (socket) => {
      const upstream = connect({ host: target.hostname, port: Number(target.port || 7687) });
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  url = (await useServer('bolt')).url as string;
  if (dockerMode && !externalAuthConfigured) {
    [authUrl, authUser, authPassword] = [url, 'memgraph', 'memgraph'];
  } else {
    const auth = await useServer('bolt-auth');
    authUrl = auth.url as string;
    authUser = auth.username as string;
    authPassword = auth.password as string;
  }
  driver = pkg.GraphDatabase.driver(url);
  standIn = ((await driver.getServerInfo()).agent ?? '').startsWith('Neo4j/');
  tls = await startTlsProxy(new URL(url));
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
}, 300_000);

afterAll(async () => {
  if (refusedByCommunity.length > 0) {
    console.warn(
      `[memgraph-client] README blocks refused by a Memgraph without Enterprise licence: ${refusedByCommunity.join(', ')}`,
    );
  }
  await driver?.executeQuery('MATCH (n) DETACH DELETE n').catch(() => {});
  await driver?.close();
  await tls?.close();
});

function compile(code: string): string {
  let src = code.replace(/^import (type )?\{[^}]*\} from '@dbwire\/memgraph-client';\n/gm, '');
  if (src.includes("['memgraph', 'memgraph']")) {
    src = src
      .replaceAll("'bolt://localhost:7687'", `'${authUrl}'`)
      .replaceAll("'memgraph', 'memgraph'", `'${authUser}', '${authPassword}'`);
  }
  src = src
    .replaceAll("'bolt://localhost:7687'", `'${url}'`)
    .replaceAll("'bolt+ssc://<host>:7687'", `'bolt+ssc://localhost:${tls.port}'`);
  if (standIn) src = src.replaceAll("database: 'memgraph'", "database: 'neo4j'");
  const out = ts.transpileModule(`{\n${src}\n}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return out.outputText.replace(/export \{\};\s*$/, '');
}

async function runBlock(code: string): Promise<string[]> {
  const lines: string[] = [];
  const scope: Record<string, unknown> = {
    ...pkg,
    driver,
    console: { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) },
  };
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const fn = new AsyncFunction(...names, compile(code));
  await fn(...names.map((n) => scope[n]));
  return lines;
}

/** Blocks the stand-in (Neo4j Community, auth off) refuses by design. */
function refusedByStandIn(code: string): boolean {
  return /\/\/ Memgraph (Enterprise )?only/.test(code) || code.includes('impersonatedUser');
}

describe('README snippets run against the real Bolt server', () => {
  it('has the guide blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(25);
  });

  it('every block runs, in order, with the documented effects', async () => {
    const outputs: string[][] = [];
    for (const [i, code] of blocks.entries()) {
      if (standIn && refusedByStandIn(code)) {
        const err = await runBlock(code).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `README block ${i + 1} should be refused by the stand-in`).toBeInstanceOf(
          pkg.ClientError,
        );
        outputs.push([]);
        continue;
      }
      try {
        outputs.push(await runBlock(code));
      } catch (err) {
        // A real Memgraph without an Enterprise licence refuses multi-tenancy and impersonation: a
        // typed ClientError naming the missing licence is the documented outcome, counted above.
        if (
          !standIn &&
          refusedByStandIn(code) &&
          err instanceof pkg.ClientError &&
          /enterprise|licen[cs]e/i.test(err.message)
        ) {
          refusedByCommunity.push(`block ${i + 1}`);
          outputs.push([]);
          continue;
        }
        throw new Error(`README block ${i + 1} failed: ${(err as Error).message}\n${code}`, { cause: err });
      }
    }
    const at = (needle: string) => outputs[blocks.findIndex((b) => b.includes(needle))]!;
    expect(at("console.log(record.get('name'), 'is', record.get('age'))")[0]).toBe('Alice is 22');
    expect(at("record.get('n').get('name')")).toEqual(['John']);
    expect(at("{ name: 'Mike', age: 35 },")).toEqual(['created 1 node']);
    expect(at('console.log(node.labels)').slice(3, 4)).toEqual(['Mike 35']);
    expect(at('relationship.type')[0]).toBe('KNOWS 2015');
    expect(at('path.start.get')).toEqual(['John -> Mike', '2 nodes, 1 relationship', 'John KNOWS Mike']);
    expect(at('typeof records[0]?.get')).toEqual([
      'bigint number',
      '{"big":"1152921504606846976","small":42,"day":"2024-05-06"}',
    ]);
    expect(at('FRIEND_OF]->(:Person {name: $friend})')[0]).toBe(
      'created 2 nodes, 1 relationship, set 2 properties',
    );
    // Two Alices by now (the quickstart's and this section's).
    expect(at('properties set: ')).toEqual(['properties set: 2', 'nodes deleted: 1']);
    expect(at('total += record.get')).toEqual([String((100_000 * 100_001) / 2)]);
    expect(at('John does not have enough tokens')).toEqual([
      'John does not have enough tokens (5 left): transfer cancelled',
    ]);
    const accounts = await driver.executeQuery(
      'MATCH (a:Account) RETURN a.owner AS o, a.tokens AS t ORDER BY o',
    );
    expect(accounts.records.map((r) => [r.get('o'), r.get('t')])).toEqual([
      ['Jane', 5],
      ['John', 15],
    ]);
    expect(at('chunks committed')?.at(-1)).toMatch(/^10 chunks committed, \d+ conflicts retried$/);
    expect((await driver.executeQuery('MATCH (i:Item) RETURN count(i) AS c')).records[0]!.get('c')).toBe(
      10_000,
    );
    const counter = await driver.executeQuery('MATCH (c:Counter {name: "visits"}) RETURN c.value AS v');
    expect(counter.records[0]!.get('v')).toBe(2);
    expect(at('bad query:')).toEqual([
      `bad query: ${standIn ? 'Neo.ClientError.Statement.SyntaxError' : 'Memgraph.ClientError.MemgraphError.MemgraphError'}`,
    ]);
  }, 300_000);
});
