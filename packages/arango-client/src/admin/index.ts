/**
 * The administration APIs (issue 12, part 2). Two kinds:
 * - methods the seed calls on the database wrapper itself (`sysDb.users()`, `db.createTask()`,
 *   `db.createView()`, `sysDb.readLog()`, ...): written in `server.ts`, `users.ts`, `tasks.ts` and
 *   `views.ts` as classes over `ApiGroup`, and mixed into `StandardDatabase` by
 *   `mixInAdministration` (one module per area instead of one 2 000-line class);
 * - API wrappers the seed reaches through a property (`db.wal`, `db.foxx`, `db.pregel`,
 *   `db.replication`, `db.cluster`, `db.backup`): the getters of `DatabaseApiWrappers`.
 * Every method sends one request through `ApiGroup._call`/`_run`, so it works the same in the
 * default, transaction, async and batch contexts.
 */
import { ApiGroup } from '../aql.js';
import { Backup } from './backup.js';
import { Cluster } from './cluster.js';
import { Foxx } from './foxx.js';
import { Pregel } from './pregel.js';
import { Replication } from './replication.js';
import { ServerAdministration } from './server.js';
import { TaskManagement } from './tasks.js';
import { UserManagement } from './users.js';
import { ViewManagement } from './views.js';
import { WAL } from './wal.js';

/** The API wrappers of the seed's `db.wal`, `db.foxx`, ... (a new wrapper per access, as the seed). */
export class DatabaseApiWrappers extends ApiGroup {
  /** Write-ahead log API (seed: `db.wal`). */
  get wal(): WAL {
    return new WAL(this._exec, this._db);
  }
  /** Foxx services API (seed: `db.foxx`). */
  get foxx(): Foxx {
    return new Foxx(this._exec, this._db);
  }
  /** Pregel API (seed: `db.pregel`). */
  get pregel(): Pregel {
    return new Pregel(this._exec, this._db);
  }
  /** Replication API (seed: `db.replication`). */
  get replication(): Replication {
    return new Replication(this._exec, this._db);
  }
  /** Cluster API (seed: `db.cluster`). */
  get cluster(): Cluster {
    return new Cluster(this._exec, this._db);
  }
  /** Hot backup API (python-arango: `db.backup`). */
  get backup(): Backup {
    return new Backup(this._exec, this._db);
  }
}

/** Everything `mixInAdministration` adds to the database wrapper, as one type. */
export interface DatabaseAdministration
  extends ServerAdministration,
    UserManagement,
    TaskManagement,
    ViewManagement,
    DatabaseApiWrappers {}

const SOURCES = [ServerAdministration, UserManagement, TaskManagement, ViewManagement, DatabaseApiWrappers];

/**
 * Copies the administration methods and getters onto a database wrapper class (its TypeScript side
 * is an `interface <Class> extends DatabaseAdministration` declaration next to the class). Throws when
 * a name is already defined there, so the class's own methods are never silently replaced.
 */
export function mixInAdministration(target: abstract new (...args: any[]) => ApiGroup): void {
  for (const source of SOURCES) {
    for (const name of Object.getOwnPropertyNames(source.prototype)) {
      if (name === 'constructor') continue;
      if (Object.hasOwn(target.prototype, name)) {
        throw new Error(`administration member "${name}" clashes with ${target.name}.${name}`);
      }
      const descriptor = Object.getOwnPropertyDescriptor(source.prototype, name);
      if (descriptor) Object.defineProperty(target.prototype, name, descriptor);
    }
  }
}

export { Backup, type BackupTransferOptions } from './backup.js';
export { Cluster } from './cluster.js';
export * from './errors.js';
export {
  Foxx,
  type FoxxFile,
  type FoxxInstallFlags,
  type FoxxSource,
  type FoxxUpgradeFlags,
  serviceFileUpload,
} from './foxx.js';
export { type CreatePregelJobOptions, createPregelJobBody, Pregel, type PregelJob } from './pregel.js';
export {
  type ApplierConfigOptions,
  Replication,
  type ReplicationDumpOptions,
  type SynchronizeOptions,
} from './replication.js';
export {
  type LogEntries,
  type LogEntry,
  type LogLevelOptions,
  type ReadLogOptions,
  ServerAdministration,
} from './server.js';
export { type CreateTaskOptions, createTaskRequest, type TaskInfo, TaskManagement } from './tasks.js';
export {
  type AccessToken,
  formatUser,
  type Permission,
  type PermissionTarget,
  type UserInfo,
  UserManagement,
  type UserOptions,
} from './users.js';
export {
  type AnalyzerInfo,
  type CreateAnalyzerOptions,
  createViewBody,
  type ViewInfo,
  ViewManagement,
  type ViewPropertiesOptions,
} from './views.js';
export {
  parseJsonLines,
  type ReplicationChunk,
  WAL,
  type WALProperties,
  type WALTailOptions,
} from './wal.js';
