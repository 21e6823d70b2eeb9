import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from './lock.js';
import { runDir } from './paths.js';
import { waitUntil } from './probe.js';
import { anyAlive, stopProcesses } from './process.js';
import { serverDef, serverNames } from './registry.js';
import type { Logger, ServerInfo, ServerName } from './types.js';

export { FaultProxy } from './fault-proxy.js';
export { withLock } from './lock.js';
export { serverNames } from './registry.js';
export {
  type IgniteKeyType,
  type IgniteNodeState,
  type IgnitePrimary,
  igniteCreateCache,
  igniteNodes,
  ignitePrimary,
  ignitePrimaryPartitions,
  ignitePrimaryValues,
  igniteStartNode,
  igniteStopNode,
} from './servers/ignite-control.js';
export type { Logger, ServerDef, ServerInfo, ServerName } from './types.js';

const quiet: Logger = () => {};

/** True when the suites must fail (not skip) without their server. */
export const strict = process.env.CI === 'true';

/** Provisions (cached) every named server. */
export async function provision(names: ServerName[], log: Logger = quiet): Promise<void> {
  for (const name of names) {
    const def = serverDef(name);
    if (def.external()) continue;
    await withLock(`provision-${name}`, () => def.provision(log));
  }
}

/**
 * Returns the running server's info, starting it first if needed. Safe to call from many vitest
 * workers at once: one starts it, the others wait for readiness. In docker mode (the server's env
 * vars set) nothing is started and the external endpoint is returned.
 */
export async function useServer(name: ServerName, log: Logger = quiet): Promise<ServerInfo> {
  const def = serverDef(name);
  const external = def.external();
  if (external) return external;
  return withLock(name, async () => {
    if (anyAlive(name) && (await def.ready().catch(() => false))) return def.info();
    await stopProcesses(name, 2000);
    await withLock(`provision-${name}`, () => def.provision(log));
    log(`[${name}] starting`);
    const started = Date.now();
    await def.start(log);
    try {
      await waitUntil(
        async () => {
          if (!anyAlive(name)) {
            throw Object.assign(new Error(`${name} exited during start-up; see logs in ${runDir(name)}`), {
              fatal: true,
            });
          }
          return def.ready();
        },
        def.readyTimeoutMs,
        name,
        300,
      );
      await def.afterReady?.(log);
    } catch (err) {
      await stopProcesses(name, 2000);
      throw err;
    }
    log(`[${name}] ready in ${Date.now() - started} ms`);
    return def.info();
  });
}

export async function up(names: ServerName[], log: Logger = quiet): Promise<ServerInfo[]> {
  const infos: ServerInfo[] = [];
  for (const name of names) infos.push(await useServer(name, log));
  return infos;
}

export async function down(names: ServerName[] = serverNames, log: Logger = quiet): Promise<void> {
  for (const name of names) {
    if (!anyAlive(name)) continue;
    log(`[${name}] stopping`);
    await stopProcesses(name);
  }
}

/** Stops and starts a local server again (data kept unless the server wipes it on start). */
export async function restart(name: ServerName, log: Logger = quiet): Promise<ServerInfo> {
  await down([name], log);
  return useServer(name, log);
}

export interface ServerStatus {
  name: ServerName;
  running: boolean;
  ready: boolean;
  external: boolean;
}

export async function status(names: ServerName[] = serverNames): Promise<ServerStatus[]> {
  const out: ServerStatus[] = [];
  for (const name of names) {
    const def = serverDef(name);
    const external = def.external() !== undefined;
    const running = external || anyAlive(name);
    const ready = running ? await def.ready().catch(() => false) : false;
    out.push({ name, running, ready, external });
  }
  return out;
}

export function logDir(name: ServerName): string {
  return runDir(name);
}

/** Removes a server's run data (not its cache). */
export function wipe(name: ServerName): void {
  const dir = join(runDir(name));
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
