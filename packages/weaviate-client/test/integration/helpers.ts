import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type RequestStartEvent } from '@dbwire/core';
import { useServer } from '@dbwire/test-servers';
import { afterAll } from 'vitest';
import type { Client } from '../../src/index.js';

/** The shared 'weaviate' server's REST URL (started on demand). */
export async function weaviateUrl(): Promise<string> {
  const info = await useServer('weaviate');
  return info.endpoints[0]!;
}

/**
 * A class name no other suite uses: suites share one server and run in parallel, so each works only
 * on classes it created and deletes them at the end (never `schema.deleteAll()`).
 */
export function uniqueClass(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** Deletes the named classes after the file, ignoring ones that are already gone. */
export function dropAfterAll(client: () => Client | undefined, names: string[]): void {
  afterAll(async () => {
    const c = client();
    if (!c) return;
    for (const n of names) await c.schema.deleteClass(n).catch(() => {});
    await c.close();
  });
}

/** Counts the requests the funnel starts, by operation name, while `fn` runs. */
export async function countRequests<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; counts: Record<string, number> }> {
  const counts: Record<string, number> = {};
  const onStart = (msg: unknown) => {
    const e = msg as RequestStartEvent;
    if (e.database === 'weaviate') counts[e.operation] = (counts[e.operation] ?? 0) + 1;
  };
  subscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  try {
    const result = await fn();
    return { result, counts };
  } finally {
    unsubscribe(DIAGNOSTICS_CHANNELS.start, onStart);
  }
}

/** A vector of `dims` numbers derived from `seed` (deterministic, not normalised). */
export function vectorFor(seed: number, dims = 4): number[] {
  return Array.from({ length: dims }, (_, i) => Math.sin(seed * 7.13 + i * 1.7));
}
