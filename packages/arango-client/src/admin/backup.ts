/**
 * Hot backups (`sysDb.backup`; python-arango's `Backup`, which aioarangodb lacks). Enterprise
 * Edition, `_system` only. Every call is a POST to `/_admin/backup/<action>`; the answer's `result`
 * is returned.
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import {
  BackupCreateError,
  BackupDeleteError,
  BackupDownloadError,
  BackupGetError,
  BackupRestoreError,
  BackupUploadError,
} from './errors.js';
import { pick, required } from './util.js';

/** Options of `upload` and `download` (python-arango's keyword arguments): start a transfer, or ask about / abort a running one. */
export interface BackupTransferOptions extends CallOptions {
  /** The backup to transfer (starts a transfer). */
  backupId?: string;
  /** Remote repository, e.g. "s3://bucket/path" or "local://tmp/backups" (with `backupId`). */
  repository?: string;
  /** rclone configuration of the repository (with `backupId`). */
  config?: Record<string, unknown>;
  /** Abort the running transfer named by `uploadId` / `downloadId`. */
  abort?: boolean;
}

function transferBody(
  o: BackupTransferOptions,
  idField: 'uploadId' | 'downloadId',
  transferId: string | undefined,
): Record<string, unknown> {
  if (o?.backupId === undefined && transferId === undefined) required(`backupId or ${idField}`, undefined);
  const body = pick(o, { backupId: 'id', repository: 'remoteRepository', config: 'config', abort: 'abort' });
  if (transferId !== undefined) body[idField] = transferId;
  return body;
}

/** The hot backup API wrapper (`sysDb.backup`; python-arango: `Backup`). */
export class Backup extends ApiGroup {
  /** All backups, or the one with `backupId`: `{ server, list: { <id>: {...} } }`. */
  async get(o: CallOptions & { backupId?: string } = {}): Promise<Record<string, any>> {
    return this._call(
      { method: 'POST', endpoint: '/_admin/backup/list', db: null, body: pick(o, { backupId: 'id' }) },
      BackupGetError,
      o,
      (body) => body.result,
    );
  }

  /** Creates a backup: `{ id, datetime, sizeInBytes, nrFiles, potentiallyInconsistent, ... }`. */
  async create(
    o: CallOptions & {
      label?: string;
      allowInconsistent?: boolean;
      force?: boolean;
      /** Seconds the server tries to get a consistent snapshot (python-arango: `timeout`; body `timeout`). */
      lockTimeout?: number;
    } = {},
  ): Promise<Record<string, any>> {
    const body = pick(o, {
      label: 'label',
      allowInconsistent: 'allowInconsistent',
      force: 'force',
      lockTimeout: 'timeout',
    });
    return this._call(
      { method: 'POST', endpoint: '/_admin/backup/create', db: null, body },
      BackupCreateError,
      o,
      (b) => b.result,
    );
  }

  /** Deletes a backup. Returns true. */
  async delete(backupId: string, options?: CallOptions): Promise<boolean> {
    return this._call(
      {
        method: 'POST',
        endpoint: '/_admin/backup/delete',
        db: null,
        body: { id: required('backupId', backupId) },
      },
      BackupDeleteError,
      options,
      () => true,
    );
  }

  /** Restores a backup (the server restarts its data): `{ previous }`. */
  async restore(backupId: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'POST',
        endpoint: '/_admin/backup/restore',
        db: null,
        body: { id: required('backupId', backupId) },
      },
      BackupRestoreError,
      options,
      (body) => body.result,
    );
  }

  /** Starts an upload (`{ uploadId }`), or reports on / aborts the one with `uploadId`. */
  async upload(o: BackupTransferOptions & { uploadId?: string }): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'POST',
        endpoint: '/_admin/backup/upload',
        db: null,
        body: transferBody(o, 'uploadId', o?.uploadId),
      },
      BackupUploadError,
      o,
      (body) => body.result,
    );
  }

  /** Starts a download (`{ downloadId }`), or reports on / aborts the one with `downloadId`. */
  async download(o: BackupTransferOptions & { downloadId?: string }): Promise<Record<string, any>> {
    return this._call(
      {
        method: 'POST',
        endpoint: '/_admin/backup/download',
        db: null,
        body: transferBody(o, 'downloadId', o?.downloadId),
      },
      BackupDownloadError,
      o,
      (body) => body.result,
    );
  }
}
