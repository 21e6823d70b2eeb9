import { afterAll } from 'vitest';
import type { Driver } from '../../src/index.js';

/**
 * Which server a test file talks to. Locally the `bolt` test server is Neo4j 5.26 standing in for
 * Memgraph; in docker mode (`MEMGRAPH_URL` set) it is a real Memgraph. The Cypher differs in a few
 * places (index DDL, batched implicit transactions, admin commands, error codes), so each test asks
 * this once and uses the matching syntax. Decided by the agent string the server sends in HELLO's
 * SUCCESS (`Neo4j/5.26.x` or `Memgraph/3.x`), which needs no server-specific query.
 */
export type ServerKind = 'memgraph' | 'neo4j';

/** Detects the server behind `driver` from its Bolt agent string. */
export async function detectServer(driver: Driver): Promise<ServerKind> {
  const agent = (await driver.getServerInfo()).agent ?? '';
  if (agent.startsWith('Memgraph/')) return 'memgraph';
  if (agent.startsWith('Neo4j/')) return 'neo4j';
  throw new Error(`unknown Bolt server agent ${JSON.stringify(agent)}: expected Memgraph/ or Neo4j/`);
}

/** True when `MEMGRAPH_URL`/`BOLT_URL` points the tests at an external server (docker mode). */
export const dockerMode = Boolean(process.env.MEMGRAPH_URL ?? process.env.BOLT_URL);

/** True when an authenticated external server was configured (docker-compose's Memgraph has no auth). */
export const externalAuthConfigured = Boolean(process.env.BOLT_AUTH_URL ?? process.env.BOLT_USER);

const skipped: string[] = [];

// Registered when a test file imports this module (collection time), so it belongs to that file.
afterAll(() => {
  if (skipped.length === 0) return;
  console.warn(
    `[memgraph-client] ${skipped.length} test(s) skipped on purpose:\n  - ${skipped.join('\n  - ')}`,
  );
});

/**
 * Skips the running test with an explicit reason (shown by the reporter) and counts it: the file
 * prints how many tests it skipped and why when it ends, so a docker-mode run never hides a skip.
 */
export function skipWithReason(
  ctx: { skip: (note?: string) => never; task: { name: string } },
  reason: string,
): never {
  skipped.push(`${ctx.task.name}: ${reason}`);
  return ctx.skip(reason);
}
