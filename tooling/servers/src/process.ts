import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './paths.js';

/**
 * Process bookkeeping: every server process is spawned detached in its own process group, its pid
 * written to `.servers/<name>/pids`, so `down` can stop the whole group even from another process.
 */

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Log file name inside the server's run dir. */
  log: string;
}

export function spawnServerProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): number {
  const dir = runDir(name);
  const logPath = join(dir, options.log);
  const fd = openSync(logPath, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd ?? dir,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not spawn ${command} for ${name}`);
  child.unref();
  recordPid(name, child.pid);
  return child.pid;
}

function pidFile(name: string): string {
  return join(runDir(name), 'pids');
}

export function recordPid(name: string, pid: number): void {
  const pids = readPids(name);
  pids.push(pid);
  writeFileSync(pidFile(name), pids.join('\n'));
}

export function readPids(name: string): number[] {
  const file = pidFile(name);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((s) => Number.parseInt(s, 10))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function anyAlive(name: string): boolean {
  return readPids(name).some(isAlive);
}

/** SIGTERM to each recorded process group, then SIGKILL what is left after `graceMs`. */
export async function stopProcesses(name: string, graceMs = 10_000): Promise<void> {
  const pids = readPids(name);
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  while (pids.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFile(name), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Runs a command to completion (provisioning steps); throws with its output on failure. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const res = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${res.status ?? res.signal}):\n${(res.stdout ?? '').slice(-4000)}\n${(res.stderr ?? '').slice(-4000)}`,
    );
  }
  return res.stdout;
}

/** Async variant for long builds (go install, mvn) so the event loop keeps ticking. */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = options.logFile ? openSync(options.logFile, 'a') : undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: fd === undefined ? 'inherit' : ['ignore', fd, fd],
    });
    if (fd !== undefined) closeSync(fd);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${code ?? signal})${options.logFile ? `; see ${options.logFile}` : ''}`,
          ),
        );
    });
  });
}
