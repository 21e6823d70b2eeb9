import type { CallOptions } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { startReplayServer } from '../../../../tooling/servers/src/arango/index.js';
import type { ArangoRequest, ArangoResponse, Executor } from '../../src/index.js';

/**
 * Wraps an executor to pick one recording when several share a request (`x-replay-scenario`, a
 * replay-server header real servers ignore) and to remember which recordings answered
 * (`x-replay-key`).
 */
export class ScenarioExecutor implements Executor {
  readonly served: string[] = [];
  scenario: string | undefined;
  readonly extraHeaders = undefined;
  readonly #inner: Executor;
  constructor(inner: Executor) {
    this.#inner = inner;
  }
  async send(req: ArangoRequest, options?: CallOptions): Promise<ArangoResponse> {
    const r = this.scenario
      ? { ...req, headers: { ...req.headers, 'x-replay-scenario': this.scenario } }
      : req;
    const res = await this.#inner.send(r, options);
    const key = res.headers['x-replay-key'];
    if (typeof key === 'string') this.served.push(key);
    return res;
  }
}

export async function violations(
  baseUrl: string,
): Promise<Array<{ method: string; path: string; problems: string[] }>> {
  const res = await fetch(`${baseUrl}/_replay/violations`);
  const body = (await res.json()) as {
    violations: Array<{ method: string; path: string; problems: string[] }>;
  };
  return body.violations;
}

export async function script(baseUrl: string, entries: unknown): Promise<void> {
  const res = await fetch(`${baseUrl}/_replay/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entries),
  });
  if (!res.ok) throw new Error(`script failed: ${res.status} ${await res.text()}`);
}

export interface Target {
  url: string;
  /** True against a real ArangoDB (ARANGO_URL set): replay-only assertions are skipped. */
  external: boolean;
  close(): Promise<void>;
}

/**
 * A private in-process replay server for the replay and scripted suites. They check the client
 * against recorded and scripted answers, need no database, and so run in every mode: also in docker
 * mode (ARANGO_URL set), where the real-server suites (real*.test.ts) run next to them.
 */
export async function replayTarget(): Promise<Target> {
  const srv = await startReplayServer({ port: 0 });
  return { url: srv.url, external: false, close: () => srv.close() };
}

/**
 * The server a suite talks to: with ARANGO_URL set, the real ArangoDB `useServer('arango-replay')`
 * reports; otherwise a private in-process replay server (the shared detached one can be stopped by
 * another vitest run's global teardown in the middle of a suite, and private instances keep scripts
 * and violations per suite).
 */
export async function target(): Promise<Target> {
  if (process.env.ARANGO_URL) {
    const info = await useServer('arango-replay');
    return { url: info.endpoints[0] as string, external: info.external, close: async () => {} };
  }
  const srv = await startReplayServer({ port: 0 });
  return { url: srv.url, external: false, close: () => srv.close() };
}
