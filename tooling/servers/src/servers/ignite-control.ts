/**
 * Client of the Ignite launcher's control endpoint (ControlServer.java): stop and restart one node of a
 * running local Ignite server, and ask Ignite itself which node is primary for a key. For tests only;
 * in docker mode (external servers) there is no control endpoint and these functions throw.
 */
import type { ServerInfo } from '../types.js';

/** A node of the launcher's JVM. */
export interface IgniteNodeState {
  index: number;
  thinPort: number;
  running: boolean;
  /** Node id (changes on every start); absent while stopped. */
  id?: string;
}

/** Ignite's answer for one key: its primary node and partition. */
export interface IgnitePrimary {
  nodeId: string;
  thinPort: number;
  partition: number;
}

/** Key types the control endpoint can build on the Java side. */
export type IgniteKeyType = 'string' | 'int' | 'long' | 'uuid' | 'double' | 'boolean';

function controlUrl(info: ServerInfo): string {
  const url = info.control;
  if (typeof url !== 'string') {
    throw new Error(
      `${info.name} has no control endpoint (external server, or started by an older launcher)`,
    );
  }
  return url;
}

async function call<T>(
  info: ServerInfo,
  method: 'GET' | 'POST',
  path: string,
  timeoutMs = 120_000,
): Promise<T> {
  const res = await fetch(`${controlUrl(info)}${path}`, { method, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${info.name} control ${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The launcher's nodes, running or stopped. */
export function igniteNodes(info: ServerInfo): Promise<IgniteNodeState[]> {
  return call(info, 'GET', '/nodes');
}

/**
 * Stops node `index` (as a crash would look to clients: its sockets close) and waits until the other
 * nodes have dropped it from the topology. Resolves with the nodes' new states.
 */
export function igniteStopNode(info: ServerInfo, index: number): Promise<IgniteNodeState[]> {
  return call(info, 'POST', `/nodes/${index}/stop`);
}

/** Starts node `index` again (same ports, new node id) and waits until every running node sees it. */
export function igniteStartNode(info: ServerInfo, index: number): Promise<IgniteNodeState[]> {
  return call(info, 'POST', `/nodes/${index}/start`);
}

/** Creates a PARTITIONED cache with the default affinity (unless it exists), with `backups` (default 1). */
export async function igniteCreateCache(info: ServerInfo, name: string, backups = 1): Promise<void> {
  await call(info, 'POST', `/caches/${encodeURIComponent(name)}?backups=${backups}`);
}

/** Ignite's primary node and partition for a key of `cache`, computed by Ignite's own affinity. */
export function ignitePrimary(
  info: ServerInfo,
  cache: string,
  type: IgniteKeyType,
  key: string | number | bigint | boolean,
): Promise<IgnitePrimary> {
  const q = new URLSearchParams({ cache, type, key: String(key) });
  return call(info, 'GET', `/primary?${q}`);
}

/**
 * The values of the entries each running node holds as PRIMARY (node id → values; numbers stay
 * numbers, anything else is its Java toString). Store a distinct value per key to learn, for any key
 * type, which node Ignite made primary for it.
 */
export function ignitePrimaryValues(
  info: ServerInfo,
  cache: string,
): Promise<Record<string, (number | string)[]>> {
  return call(info, 'GET', `/primary-values?${new URLSearchParams({ cache })}`);
}

/** The primary partitions of each running node (node id → partitions). */
export function ignitePrimaryPartitions(info: ServerInfo, cache: string): Promise<Record<string, number[]>> {
  return call(info, 'GET', `/primary-partitions?${new URLSearchParams({ cache })}`);
}
