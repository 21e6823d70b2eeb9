/**
 * `client.backup` (seed: `weaviate.backup.Backup`): create and restore backups on a backend module
 * (`filesystem`, `s3`, `gcs`, `azure`) and read their status; `waitForCompletion` polls the status
 * until the backup succeeds or fails (BackupFailedException).
 */
import { type CallOptions, sleep, UsageError } from '@dbwire/core';
import { type Connection, call, type Operation } from './connection.js';
import { BackupFailedException } from './errors.js';
import { capitalizeClassName } from './schema.js';

/** A backup's or restore's status as Weaviate reports it. */
export interface BackupStatus {
  /** Backup id. */
  id: string;
  /** Backend module name. */
  backend: string;
  /** `STARTED`, `TRANSFERRING`, `TRANSFERRED`, `SUCCESS`, `FAILED`, `CANCELED`. */
  status: string;
  /** Where the backup lives on the backend. */
  path?: string;
  /** Classes in the backup. */
  classes?: string[];
  /** Why it failed. */
  error?: string;
  /** Anything else the server sends. */
  [key: string]: unknown;
}

/** Options of `create` and `restore`. */
export interface BackupOptions extends CallOptions {
  /** Only these classes. */
  includeClasses?: string | string[];
  /** All classes but these. */
  excludeClasses?: string | string[];
  /** Poll until SUCCESS (resolves) or FAILED (rejects with BackupFailedException). Default false. */
  waitForCompletion?: boolean;
  /** Poll interval in ms while waiting. Default 1000. */
  pollIntervalMs?: number;
}

const ID = /^[a-z0-9_-]+$/;

function checkIds(backupId: string, backend: string): { id: string; backend: string } {
  if (typeof backupId !== 'string' || !ID.test(backupId.toLowerCase())) {
    throw new UsageError(
      `backupId must use only letters, digits, "_" and "-", got ${JSON.stringify(backupId)}`,
      { code: 'ERR_INVALID_ARGUMENT' },
    );
  }
  if (typeof backend !== 'string' || !/^[a-z0-9-]+$/.test(backend)) {
    throw new UsageError(
      `backend must be a backend module name such as "filesystem", got ${JSON.stringify(backend)}`,
      { code: 'ERR_INVALID_ARGUMENT' },
    );
  }
  return { id: backupId.toLowerCase(), backend };
}

function classList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  return list.map(capitalizeClassName);
}

/** POST /v1/backups/{backend} or /v1/backups/{backend}/{id}/restore. */
export function startBackupOp(
  kind: 'create' | 'restore',
  backupId: string,
  backend: string,
  options: BackupOptions,
): Operation<BackupStatus> {
  const { id, backend: be } = checkIds(backupId, backend);
  const include = classList(options.includeClasses);
  const exclude = classList(options.excludeClasses);
  if (include?.length && exclude?.length) {
    throw new UsageError('give includeClasses or excludeClasses, not both', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const body: Record<string, unknown> = kind === 'create' ? { id } : {};
  if (include?.length) body.include = include;
  if (exclude?.length) body.exclude = exclude;
  return {
    name: `backup.${kind}`,
    method: 'POST',
    path: kind === 'create' ? `/v1/backups/${be}` : `/v1/backups/${be}/${id}/restore`,
    body,
    what: kind === 'create' ? 'Backup creation' : 'Backup restore',
    decode: (b) => b as BackupStatus,
  };
}

/** GET /v1/backups/{backend}/{id} or /v1/backups/{backend}/{id}/restore. */
export function backupStatusOp(
  kind: 'create' | 'restore',
  backupId: string,
  backend: string,
): Operation<BackupStatus> {
  const { id, backend: be } = checkIds(backupId, backend);
  return {
    name: kind === 'create' ? 'backup.getCreateStatus' : 'backup.getRestoreStatus',
    method: 'GET',
    path: kind === 'create' ? `/v1/backups/${be}/${id}` : `/v1/backups/${be}/${id}/restore`,
    what: kind === 'create' ? 'Backup status' : 'Restore status',
    decode: (b) => b as BackupStatus,
  };
}

/** `client.backup` (seed: `client.backup`). */
export class Backup {
  readonly #conn: Connection;
  /** @internal */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Starts a backup (seed: `backup.create(backup_id, backend, include_classes=None, exclude_classes=None, wait_for_completion=False)`). */
  create(backupId: string, backend: string, options: BackupOptions = {}): Promise<BackupStatus> {
    return this.#run('create', backupId, backend, options);
  }

  /** A backup's status (seed: `backup.get_create_status(backup_id, backend)`). */
  getCreateStatus(backupId: string, backend: string, options?: CallOptions): Promise<BackupStatus> {
    return call(() => backupStatusOp('create', backupId, backend), this.#conn, options);
  }

  /** Restores a backup (seed: `backup.restore(backup_id, backend, include_classes=None, exclude_classes=None, wait_for_completion=False)`). */
  restore(backupId: string, backend: string, options: BackupOptions = {}): Promise<BackupStatus> {
    return this.#run('restore', backupId, backend, options);
  }

  /** A restore's status (seed: `backup.get_restore_status(backup_id, backend)`). */
  getRestoreStatus(backupId: string, backend: string, options?: CallOptions): Promise<BackupStatus> {
    return call(() => backupStatusOp('restore', backupId, backend), this.#conn, options);
  }

  async #run(
    kind: 'create' | 'restore',
    backupId: string,
    backend: string,
    options: BackupOptions,
  ): Promise<BackupStatus> {
    const started = await call(() => startBackupOp(kind, backupId, backend, options), this.#conn, options);
    if (!options.waitForCompletion) return started;
    for (;;) {
      const status = await call(() => backupStatusOp(kind, backupId, backend), this.#conn, options);
      if (status.status === 'SUCCESS') return status;
      if (status.status === 'FAILED' || status.status === 'CANCELED') {
        throw new BackupFailedException(
          `${kind === 'create' ? 'Backup' : 'Restore'} ${backupId} ${status.status}: ${status.error ?? 'no reason given'}`,
          {
            details: { status },
          },
        );
      }
      await sleep(options.pollIntervalMs ?? 1000, options.signal);
    }
  }
}
