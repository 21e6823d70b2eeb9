import type { CallOptions } from '@dbwire/core';
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
