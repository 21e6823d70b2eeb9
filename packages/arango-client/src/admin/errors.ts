/**
 * Error classes of the administration APIs: one per operation, named as in aioarangodb (and
 * python-arango where aioarangodb has no such API, e.g. hot backups). Each is an `ArangoServerError`
 * (a core `ServerError`), thrown for a non-2xx answer of that operation.
 */
import { type ArangoRequestInfo, type ArangoResponseInfo, ArangoServerError } from '../errors.js';

/* biome-ignore-start lint/complexity/noStaticOnlyClass: error classes */
// --- Server administration (`db.time()`, `db.readLog()`, ...) --------------------------------

/** `db.time()` (seed: `time`) failed. */
export class ServerTimeError extends ArangoServerError {
  static override brandName = 'ServerTimeError';
}
/** `db.echo()` failed. */
export class ServerEchoError extends ArangoServerError {
  static override brandName = 'ServerEchoError';
}
/** `db.shutdown()` failed. */
export class ServerShutdownError extends ArangoServerError {
  static override brandName = 'ServerShutdownError';
}
/** `db.requiredDbVersion()` (seed: `required_db_version`) failed. */
export class ServerRequiredDBVersionError extends ArangoServerError {
  static override brandName = 'ServerRequiredDBVersionError';
}
/** `db.readLog()` (seed: `read_log`) failed. */
export class ServerReadLogError extends ArangoServerError {
  static override brandName = 'ServerReadLogError';
}
/** `db.logLevels()` (seed: `log_levels`) failed. */
export class ServerLogLevelError extends ArangoServerError {
  static override brandName = 'ServerLogLevelError';
}
/** `db.setLogLevels()` (seed: `set_log_levels`) failed. */
export class ServerLogLevelSetError extends ArangoServerError {
  static override brandName = 'ServerLogLevelSetError';
}
/** `db.reloadRouting()` (seed: `reload_routing`) failed. */
export class ServerReloadRoutingError extends ArangoServerError {
  static override brandName = 'ServerReloadRoutingError';
}
/** `db.statistics()` failed. */
export class ServerStatisticsError extends ArangoServerError {
  static override brandName = 'ServerStatisticsError';
}
/** `db.metrics()` failed. */
export class ServerMetricsError extends ArangoServerError {
  static override brandName = 'ServerMetricsError';
}
/** `db.serverId()` failed. */
export class ServerIDError extends ArangoServerError {
  static override brandName = 'ServerIDError';
}
/** `db.tls()` (aioarangodb: `tls`) failed. */
export class ServerTLSError extends ArangoServerError {
  static override brandName = 'ServerTLSError';
}
/** `db.reloadTls()` (aioarangodb: `reload_tls`) failed. */
export class ServerTLSReloadError extends ArangoServerError {
  static override brandName = 'ServerTLSReloadError';
}
/** `db.jwtSecrets()` (aioarangodb: `jwt_secrets`) failed. */
export class JWTSecretListError extends ArangoServerError {
  static override brandName = 'JWTSecretListError';
}
/** `db.reloadJwtSecrets()` (aioarangodb: `reload_jwt_secrets`) failed. */
export class JWTSecretReloadError extends ArangoServerError {
  static override brandName = 'JWTSecretReloadError';
}
/** `db.role()` failed. */
export class ServerRoleError extends ArangoServerError {
  static override brandName = 'ServerRoleError';
}
/** `db.license()` failed. */
export class ServerLicenseGetError extends ArangoServerError {
  static override brandName = 'ServerLicenseGetError';
}
/** `db.endpoints()` failed. */
export class ServerEndpointsError extends ArangoServerError {
  static override brandName = 'ServerEndpointsError';
}
/** `db.supportInfo()` (python-arango: `support_info`) failed. */
export class DatabaseSupportInfoError extends ArangoServerError {
  static override brandName = 'DatabaseSupportInfoError';
}
/** `db.compact()` failed. */
export class DatabaseCompactError extends ArangoServerError {
  static override brandName = 'DatabaseCompactError';
}

// --- Users and permissions -------------------------------------------------------------------

/** `db.users()` or `db.hasUser()` failed. */
export class UserListError extends ArangoServerError {
  static override brandName = 'UserListError';
}
/** `db.user()` failed. */
export class UserGetError extends ArangoServerError {
  static override brandName = 'UserGetError';
}
/** `db.createUser()` (seed: `create_user`) failed. */
export class UserCreateError extends ArangoServerError {
  static override brandName = 'UserCreateError';
}
/** `db.updateUser()` (seed: `update_user`) failed. */
export class UserUpdateError extends ArangoServerError {
  static override brandName = 'UserUpdateError';
}
/** `db.replaceUser()` (seed: `replace_user`) failed. */
export class UserReplaceError extends ArangoServerError {
  static override brandName = 'UserReplaceError';
}
/** `db.deleteUser()` (seed: `delete_user`) failed. */
export class UserDeleteError extends ArangoServerError {
  static override brandName = 'UserDeleteError';
}
/** `db.createAccessToken()` (python-arango: `create_access_token`) failed. */
export class AccessTokenCreateError extends ArangoServerError {
  static override brandName = 'AccessTokenCreateError';
}
/** `db.accessTokens()` (python-arango: `list_access_tokens`) failed. */
export class AccessTokenListError extends ArangoServerError {
  static override brandName = 'AccessTokenListError';
}
/** `db.deleteAccessToken()` (python-arango: `delete_access_token`) failed. */
export class AccessTokenDeleteError extends ArangoServerError {
  static override brandName = 'AccessTokenDeleteError';
}
/** `db.permissions()` failed. */
export class PermissionListError extends ArangoServerError {
  static override brandName = 'PermissionListError';
}
/** `db.permission()` failed. */
export class PermissionGetError extends ArangoServerError {
  static override brandName = 'PermissionGetError';
}
/** `db.updatePermission()` (seed: `update_permission`) failed. */
export class PermissionUpdateError extends ArangoServerError {
  static override brandName = 'PermissionUpdateError';
}
/** `db.resetPermission()` (seed: `reset_permission`) failed. */
export class PermissionResetError extends ArangoServerError {
  static override brandName = 'PermissionResetError';
}

// --- Tasks -----------------------------------------------------------------------------------

/** `db.tasks()` failed. */
export class TaskListError extends ArangoServerError {
  static override brandName = 'TaskListError';
}
/** `db.task()` failed. */
export class TaskGetError extends ArangoServerError {
  static override brandName = 'TaskGetError';
}
/** `db.createTask()` (seed: `create_task`) failed. */
export class TaskCreateError extends ArangoServerError {
  static override brandName = 'TaskCreateError';
}
/** `db.deleteTask()` (seed: `delete_task`) failed. */
export class TaskDeleteError extends ArangoServerError {
  static override brandName = 'TaskDeleteError';
}

// --- Pregel (`db.pregel`) ------------------------------------------------------------------------

/**
 * True when the server has no Pregel endpoint (ArangoDB 3.12 removed Pregel): it answers any
 * `/_api/control_pregel` path with 404 "unknown path".
 */
export function isPregelMissing(response: ArangoResponseInfo): boolean {
  return (
    response.statusCode === 404 &&
    (response.errorMessage ?? '').startsWith('unknown path') &&
    (response.errorCode === null || response.errorCode === 404)
  );
}

/** Base of the Pregel errors: on a server without Pregel the message says so instead of "unknown path". */
export class PregelError extends ArangoServerError {
  static override brandName = 'PregelError';
  constructor(response: ArangoResponseInfo, request: ArangoRequestInfo, message?: string) {
    super(
      response,
      request,
      message ??
        (isPregelMissing(response)
          ? `[HTTP 404] Pregel is not available on this server (ArangoDB 3.12 removed it; use 3.11 or earlier): ${response.errorMessage}`
          : undefined),
    );
  }
}
/** `pregel.createJob()` (seed: `create_job`) failed. */
export class PregelJobCreateError extends PregelError {
  static override brandName = 'PregelJobCreateError';
}
/** `pregel.job()`, `pregel.jobs()` or `pregel.jobHistory()` failed. */
export class PregelJobGetError extends PregelError {
  static override brandName = 'PregelJobGetError';
}
/** `pregel.deleteJob()` (seed: `delete_job`) or `pregel.deleteJobHistory()` failed. */
export class PregelJobDeleteError extends PregelError {
  static override brandName = 'PregelJobDeleteError';
}

// --- Write-ahead log (`db.wal`) --------------------------------------------------------------

/** `wal.properties()` failed. */
export class WALPropertiesError extends ArangoServerError {
  static override brandName = 'WALPropertiesError';
}
/** `wal.configure()` failed. */
export class WALConfigureError extends ArangoServerError {
  static override brandName = 'WALConfigureError';
}
/** `wal.transactions()` failed. */
export class WALTransactionListError extends ArangoServerError {
  static override brandName = 'WALTransactionListError';
}
/** `wal.flush()` failed. */
export class WALFlushError extends ArangoServerError {
  static override brandName = 'WALFlushError';
}
/** `wal.tickRanges()` (seed: `tick_ranges`) failed. */
export class WALTickRangesError extends ArangoServerError {
  static override brandName = 'WALTickRangesError';
}
/** `wal.lastTick()` (seed: `last_tick`) failed. */
export class WALLastTickError extends ArangoServerError {
  static override brandName = 'WALLastTickError';
}
/** `wal.tail()` failed. */
export class WALTailError extends ArangoServerError {
  static override brandName = 'WALTailError';
}

// --- Views and analyzers ---------------------------------------------------------------------

/** `db.views()` failed. */
export class ViewListError extends ArangoServerError {
  static override brandName = 'ViewListError';
}
/** `db.view()` or `db.viewInfo()` failed. */
export class ViewGetError extends ArangoServerError {
  static override brandName = 'ViewGetError';
}
/** `db.createView()` (seed: `create_view`, `create_arangosearch_view`) failed. */
export class ViewCreateError extends ArangoServerError {
  static override brandName = 'ViewCreateError';
}
/** `db.updateView()` (seed: `update_view`, `update_arangosearch_view`) failed. */
export class ViewUpdateError extends ArangoServerError {
  static override brandName = 'ViewUpdateError';
}
/** `db.replaceView()` (seed: `replace_view`, `replace_arangosearch_view`) failed. */
export class ViewReplaceError extends ArangoServerError {
  static override brandName = 'ViewReplaceError';
}
/** `db.deleteView()` (seed: `delete_view`) failed. */
export class ViewDeleteError extends ArangoServerError {
  static override brandName = 'ViewDeleteError';
}
/** `db.renameView()` (seed: `rename_view`) failed. */
export class ViewRenameError extends ArangoServerError {
  static override brandName = 'ViewRenameError';
}
/** `db.analyzers()` failed. */
export class AnalyzerListError extends ArangoServerError {
  static override brandName = 'AnalyzerListError';
}
/** `db.analyzer()` failed. */
export class AnalyzerGetError extends ArangoServerError {
  static override brandName = 'AnalyzerGetError';
}
/** `db.createAnalyzer()` (seed: `create_analyzer`) failed. */
export class AnalyzerCreateError extends ArangoServerError {
  static override brandName = 'AnalyzerCreateError';
}
/** `db.deleteAnalyzer()` (seed: `delete_analyzer`) failed. */
export class AnalyzerDeleteError extends ArangoServerError {
  static override brandName = 'AnalyzerDeleteError';
}

// --- Foxx (`db.foxx`) ------------------------------------------------------------------------

/** `foxx.services()` failed. */
export class FoxxServiceListError extends ArangoServerError {
  static override brandName = 'FoxxServiceListError';
}
/** `foxx.service()` failed. */
export class FoxxServiceGetError extends ArangoServerError {
  static override brandName = 'FoxxServiceGetError';
}
/** `foxx.createService()` / `createServiceWithFile()` failed. */
export class FoxxServiceCreateError extends ArangoServerError {
  static override brandName = 'FoxxServiceCreateError';
}
/** `foxx.updateService()` / `updateServiceWithFile()` failed. */
export class FoxxServiceUpdateError extends ArangoServerError {
  static override brandName = 'FoxxServiceUpdateError';
}
/** `foxx.replaceService()` / `replaceServiceWithFile()` failed. */
export class FoxxServiceReplaceError extends ArangoServerError {
  static override brandName = 'FoxxServiceReplaceError';
}
/** `foxx.deleteService()` (seed: `delete_service`) failed. */
export class FoxxServiceDeleteError extends ArangoServerError {
  static override brandName = 'FoxxServiceDeleteError';
}
/** `foxx.config()` failed. */
export class FoxxConfigGetError extends ArangoServerError {
  static override brandName = 'FoxxConfigGetError';
}
/** `foxx.updateConfig()` (seed: `update_config`) failed. */
export class FoxxConfigUpdateError extends ArangoServerError {
  static override brandName = 'FoxxConfigUpdateError';
}
/** `foxx.replaceConfig()` (seed: `replace_config`) failed. */
export class FoxxConfigReplaceError extends ArangoServerError {
  static override brandName = 'FoxxConfigReplaceError';
}
/** `foxx.dependencies()` failed. */
export class FoxxDependencyGetError extends ArangoServerError {
  static override brandName = 'FoxxDependencyGetError';
}
/** `foxx.updateDependencies()` (seed: `update_dependencies`) failed. */
export class FoxxDependencyUpdateError extends ArangoServerError {
  static override brandName = 'FoxxDependencyUpdateError';
}
/** `foxx.replaceDependencies()` (seed: `replace_dependencies`) failed. */
export class FoxxDependencyReplaceError extends ArangoServerError {
  static override brandName = 'FoxxDependencyReplaceError';
}
/** `foxx.scripts()` failed. */
export class FoxxScriptListError extends ArangoServerError {
  static override brandName = 'FoxxScriptListError';
}
/** `foxx.runScript()` (seed: `run_script`) failed. */
export class FoxxScriptRunError extends ArangoServerError {
  static override brandName = 'FoxxScriptRunError';
}
/** `foxx.runTests()` (seed: `run_tests`) failed. */
export class FoxxTestRunError extends ArangoServerError {
  static override brandName = 'FoxxTestRunError';
}
/** `foxx.enableDevelopment()` (seed: `enable_development`) failed. */
export class FoxxDevModeEnableError extends ArangoServerError {
  static override brandName = 'FoxxDevModeEnableError';
}
/** `foxx.disableDevelopment()` (seed: `disable_development`) failed. */
export class FoxxDevModeDisableError extends ArangoServerError {
  static override brandName = 'FoxxDevModeDisableError';
}
/** `foxx.readme()` failed. */
export class FoxxReadmeGetError extends ArangoServerError {
  static override brandName = 'FoxxReadmeGetError';
}
/** `foxx.swagger()` failed. */
export class FoxxSwaggerGetError extends ArangoServerError {
  static override brandName = 'FoxxSwaggerGetError';
}
/** `foxx.download()` failed. */
export class FoxxDownloadError extends ArangoServerError {
  static override brandName = 'FoxxDownloadError';
}
/** `foxx.commit()` failed. */
export class FoxxCommitError extends ArangoServerError {
  static override brandName = 'FoxxCommitError';
}

// --- Replication (`db.replication`) ----------------------------------------------------------

/** `replication.inventory()` failed. */
export class ReplicationInventoryError extends ArangoServerError {
  static override brandName = 'ReplicationInventoryError';
}
/** `replication.createDumpBatch()` (seed: `create_dump_batch`) failed. */
export class ReplicationDumpBatchCreateError extends ArangoServerError {
  static override brandName = 'ReplicationDumpBatchCreateError';
}
/** `replication.deleteDumpBatch()` (seed: `delete_dump_batch`) failed. */
export class ReplicationDumpBatchDeleteError extends ArangoServerError {
  static override brandName = 'ReplicationDumpBatchDeleteError';
}
/** `replication.extendDumpBatch()` (seed: `extend_dump_batch`) failed. */
export class ReplicationDumpBatchExtendError extends ArangoServerError {
  static override brandName = 'ReplicationDumpBatchExtendError';
}
/** `replication.dump()` failed. */
export class ReplicationDumpError extends ArangoServerError {
  static override brandName = 'ReplicationDumpError';
}
/** `replication.synchronize()` failed. */
export class ReplicationSyncError extends ArangoServerError {
  static override brandName = 'ReplicationSyncError';
}
/** `replication.clusterInventory()` (seed: `cluster_inventory`) failed. */
export class ReplicationClusterInventoryError extends ArangoServerError {
  static override brandName = 'ReplicationClusterInventoryError';
}
/** `replication.loggerState()` (seed: `logger_state`) failed. */
export class ReplicationLoggerStateError extends ArangoServerError {
  static override brandName = 'ReplicationLoggerStateError';
}
/** `replication.loggerFirstTick()` (seed: `logger_first_tick`) failed. */
export class ReplicationLoggerFirstTickError extends ArangoServerError {
  static override brandName = 'ReplicationLoggerFirstTickError';
}
/** `replication.applierConfig()` (seed: `applier_config`) failed. */
export class ReplicationApplierConfigError extends ArangoServerError {
  static override brandName = 'ReplicationApplierConfigError';
}
/** `replication.setApplierConfig()` (seed: `set_applier_config`) failed. */
export class ReplicationApplierConfigSetError extends ArangoServerError {
  static override brandName = 'ReplicationApplierConfigSetError';
}
/** `replication.startApplier()` (seed: `start_applier`) failed. */
export class ReplicationApplierStartError extends ArangoServerError {
  static override brandName = 'ReplicationApplierStartError';
}
/** `replication.stopApplier()` (seed: `stop_applier`) failed. */
export class ReplicationApplierStopError extends ArangoServerError {
  static override brandName = 'ReplicationApplierStopError';
}
/** `replication.applierState()` (seed: `applier_state`) failed. */
export class ReplicationApplierStateError extends ArangoServerError {
  static override brandName = 'ReplicationApplierStateError';
}
/** `replication.serverId()` (seed: `server_id`) failed. */
export class ReplicationServerIDError extends ArangoServerError {
  static override brandName = 'ReplicationServerIDError';
}

// --- Clusters (`db.cluster`) -----------------------------------------------------------------

/** `cluster.health()` failed. */
export class ClusterHealthError extends ArangoServerError {
  static override brandName = 'ClusterHealthError';
}
/** `cluster.serverId()` (seed: `server_id`) failed. */
export class ClusterServerIDError extends ArangoServerError {
  static override brandName = 'ClusterServerIDError';
}
/** `cluster.serverRole()` (seed: `server_role`) failed. */
export class ClusterServerRoleError extends ArangoServerError {
  static override brandName = 'ClusterServerRoleError';
}
/** `cluster.statistics()` failed. */
export class ClusterServerStatisticsError extends ArangoServerError {
  static override brandName = 'ClusterServerStatisticsError';
}
/** `cluster.serverVersion()` (aioarangodb: `server_version`) failed. */
export class ClusterServerVersionError extends ArangoServerError {
  static override brandName = 'ClusterServerVersionError';
}
/** `cluster.serverEngine()` (aioarangodb: `server_engine`) failed. */
export class ClusterServerEngineError extends ArangoServerError {
  static override brandName = 'ClusterServerEngineError';
}
/** `cluster.toggleMaintenanceMode()` (seed: `toggle_maintenance_mode`) failed. */
export class ClusterMaintenanceModeError extends ArangoServerError {
  static override brandName = 'ClusterMaintenanceModeError';
}
/** `cluster.endpoints()` failed. */
export class ClusterEndpointsError extends ArangoServerError {
  static override brandName = 'ClusterEndpointsError';
}

// --- Hot backups (`db.backup`, python-arango's names) ----------------------------------------

/** `backup.create()` failed. */
export class BackupCreateError extends ArangoServerError {
  static override brandName = 'BackupCreateError';
}
/** `backup.get()` failed. */
export class BackupGetError extends ArangoServerError {
  static override brandName = 'BackupGetError';
}
/** `backup.delete()` failed. */
export class BackupDeleteError extends ArangoServerError {
  static override brandName = 'BackupDeleteError';
}
/** `backup.restore()` failed. */
export class BackupRestoreError extends ArangoServerError {
  static override brandName = 'BackupRestoreError';
}
/** `backup.upload()` failed. */
export class BackupUploadError extends ArangoServerError {
  static override brandName = 'BackupUploadError';
}
/** `backup.download()` failed. */
export class BackupDownloadError extends ArangoServerError {
  static override brandName = 'BackupDownloadError';
}

/* biome-ignore-end lint/complexity/noStaticOnlyClass: error classes */
