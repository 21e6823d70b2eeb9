import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';

/**
 * Runs the ```ts blocks of the package README (scripts/check-readme-types.mjs type-checks them against
 * the published types). Each block runs in its own scope with the package's exports; its
 * `import ... from '@dbwire/core'` line is dropped. The OIDC block would call an identity provider on
 * the network: it runs with `fetch` answering as a local issuer, so the documented calls really run.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** A fetch that plays an OIDC issuer: discovery document, then a password-grant token. */
const issuerFetch: typeof fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/.well-known/openid-configuration')) {
    return Response.json({
      issuer: 'https://idp.example/realms/db',
      token_endpoint: 'https://idp.example/realms/db/token',
    });
  }
  if (url.endsWith('/token')) {
    return Response.json({ access_token: 'tok-123', token_type: 'Bearer', expires_in: 300 });
  }
  return new Response('not found', { status: 404 });
};

/**
 * The block as the body of an async function: types stripped, the `@dbwire/core` import dropped (its
 * exports are in scope), any other import (`node:diagnostics_channel`) turned into a dynamic import.
 */
function toFunctionBody(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  return js
    .replace(/^export \{\};\s*$/m, '')
    .replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) =>
      from === '@dbwire/core' ? '' : `const {${names.replaceAll(' as ', ': ')}} = await __import('${from}');`,
    );
}

async function runBlock(code: string, fetchImpl: typeof fetch, lines: string[] = []): Promise<string[]> {
  const print = (...a: unknown[]) => lines.push(a.map(String).join(' '));
  const scope: Record<string, unknown> = {
    ...core,
    console: { log: print, warn: print },
    fetch: fetchImpl,
    // A function built from a string has no module context for import(): lend it this module's.
    __import: (specifier: string) => import(specifier),
  };
  const js = toFunctionBody(code);
  const names = Object.keys(scope);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, js)(...names.map((n) => scope[n]));
  return lines;
}

describe('README snippets of @dbwire/core run', () => {
  it('has the blocks it documents', () => {
    expect(blocks.length).toBe(5);
  });

  it('every block runs', async () => {
    const realFetch = globalThis.fetch;
    // oauth4webapi calls the global fetch: route it to the local issuer for the OIDC block.
    globalThis.fetch = issuerFetch;
    try {
      const printed: string[] = [];
      for (const [i, code] of blocks.entries()) {
        await expect(runBlock(code, issuerFetch, printed), `README block ${i + 1}`).resolves.toEqual([]);
      }
      // The diagnostics block subscribed: a traced request now prints its line, and a failed one its code.
      await core.tracedRequest('dgraph', 'query', 'h:1', async () => 1);
      await core
        .tracedRequest('arango', 'collection.insert', 'h:2', async () => {
          throw new core.TimeoutError('late');
        })
        .catch(() => {});
      expect(printed).toEqual([
        expect.stringMatching(/^dgraph query on h:1 took \d+\.\d ms$/),
        'arango collection.insert failed: ERR_TIMEOUT (timeout, retryable: true)',
      ]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
