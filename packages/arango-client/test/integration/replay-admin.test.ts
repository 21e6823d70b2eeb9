/**
 * Replays every recorded exchange of the administration areas (ArangoDB 3.12.10 in
 * ../shared/arango/exchanges-3.12.jsonl: administration, analyzers, hot backups, monitoring,
 * replication, tasks, users, views; 3.11.14 in exchanges-3.11-extra.jsonl: Pregel and the
 * replication applier) through the public API and checks each answer is parsed into the documented
 * result. The replay server validates every request against the 3.12 OpenAPI description; the last
 * test fails on any violation except the listed 3.11-only operations. Recordings the client does not
 * send are listed with the reason in NOT_SENT.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '@dbwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncJob, startReplayServer } from '../../../../tooling/servers/src/arango/index.js';
import {
  ArangoClient,
  Connection,
  errno,
  PregelJobCreateError,
  StandardDatabase,
  TaskDeleteError,
  TaskGetError,
  UserDeleteError,
} from '../../src/index.js';
import { replayTarget, ScenarioExecutor, script, violations } from './helpers.js';

const AREAS_312 = [
  'administration',
  'authentication',
  'analyzers',
  'hot-backups',
  'monitoring/',
  'replication/',
  'tasks',
  'users',
  'views/',
];
const AREAS_311 = ['pregel', 'replication/'];
/** Already replayed by replay.test.ts (part 1): database-level server calls. */
const PART_ONE = new Set(['RestEngine_single', 'RestVersionDetails_single', 'RestAdminStatus_cluster']);

interface Recorded {
  key: string;
  seq: number;
  area: string;
}
const shared = process.env.DBWIRE_SHARED ?? join(import.meta.dirname, '../../../../../shared');
function load(file: string, areas: string[]): Recorded[] {
  return readFileSync(join(shared, 'arango', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Recorded)
    .filter((e) => areas.some((a) => e.area.startsWith(a)) && !PART_ONE.has(e.key));
}
const recorded = [
  ...load('exchanges-3.12.jsonl', AREAS_312),
  ...load('exchanges-3.11-extra.jsonl', AREAS_311),
];

/** Recordings the client never sends, and why. */
const NOT_SENT: Record<string, string> = {
  'RestAdminMetricsV2_single#0':
    'alias path /_admin/metrics/v2 answers as /_admin/metrics, which metrics() uses (RestAdminMetrics)',
  'RestDeleteUser_single#0':
    'the example sends an empty JSON object as DELETE body; deleteUser sends none (scripted test below)',
  'RestTasksListOne_single#0':
    'response not recorded; a task with a chosen id is created by PUT /_api/tasks/{id} (documented form)',
};

/** Requests of 3.11-only operations the 3.12 description lacks (the validator flags them). */
const UNDOCUMENTED = [
  /^\/_api\/control_pregel/,
  /^\/_api\/replication\/applier-/,
  /^\/_api\/replication\/server-id$/,
];

type Ctx = { db: StandardDatabase; exec: ScenarioExecutor };
interface Case {
  keys: string[];
  scenario?: string;
  run: (ctx: Ctx) => Promise<void>;
}

async function rejects<E>(p: Promise<unknown>, E: abstract new (...a: any[]) => E): Promise<E> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(E);
    return err as E;
  }
  throw new Error('expected a rejection');
}

const CASES: Case[] = [
  // --- server administration and monitoring -------------------------------------------------------
  { keys: ['RestAdminCompact_single#0'], run: async ({ db }) => expect(await db.compact()).toEqual({}) },
  {
    keys: ['RestAdminLicenseGet_cluster#0'],
    run: async ({ db }) => {
      const license = await db.license();
      expect(license.diskUsage.status).toBe('good');
      expect(license.upgrading).toBe(false);
    },
  },
  {
    keys: ['RestAdminMetrics_single#0'],
    run: async ({ db }) => {
      const text = await db.metrics();
      expect(text).toMatch(/^# HELP arangodb_activities_existing /);
      expect(text).toContain('arangodb_activities_existing{role="SINGLE"} 114');
    },
  },
  {
    keys: ['RestAdminStatistics1_single#0'],
    run: async ({ db }) => {
      const stats = await db.statistics();
      expect(stats.enabled).toBe(true);
      expect(stats.system.numberOfThreads).toBe(75);
      expect(stats).not.toHaveProperty('error');
    },
  },
  {
    keys: ['RestAdminStatisticsDescription1_single#0'],
    run: async ({ db }) => {
      const d = await db.statistics({ description: true });
      expect(d.groups.map((g: { group: string }) => g.group)).toEqual([
        'system',
        'client',
        'clientUser',
        'http',
        'server',
      ]);
    },
  },
  {
    keys: ['RestAdminSupportInfo_single#0'],
    scenario: 'RestAdminSupportInfo_single',
    run: async ({ db }) => {
      const info = await db.supportInfo();
      expect(info.deployment.type).toBe('single');
      expect(info.host.role).toBe('SINGLE');
    },
  },
  {
    keys: ['RestAdminSupportInfo_cluster#0'],
    scenario: 'RestAdminSupportInfo_cluster',
    run: async ({ db }) => {
      const info = await db.supportInfo();
      expect(info.deployment.type).toBe('cluster');
      expect(Object.values(info.deployment.servers).some((s: any) => s.role === 'COORDINATOR')).toBe(true);
    },
  },
  {
    keys: ['RestEndpointGet_single#0'],
    run: async ({ db }) => expect(await db.endpoints()).toEqual([{ endpoint: 'http://0.0.0.0:8529' }]),
  },
  // --- users and permissions ---------------------------------------------------------------------
  {
    keys: ['RestFetchAllUser_single#0'],
    run: async ({ db }) => {
      expect(await db.users()).toEqual([
        { username: 'tester', active: false, extra: {} },
        { username: 'admin', active: true, extra: {} },
        { username: 'root', active: true, extra: {} },
      ]);
      expect(await db.hasUser('admin')).toBe(true);
      expect(await db.hasUser('johndoe@gmail.com')).toBe(false);
    },
  },
  {
    keys: ['RestCreateUser_single#0'],
    run: async ({ db }) =>
      expect(await db.createUser({ username: 'admin@example', password: 'secure' })).toEqual({
        username: 'admin@example',
        active: true,
        extra: {},
      }),
  },
  {
    keys: ['RestFetchUser_single#0'],
    run: async ({ db }) => expect((await db.user('admin@myapp')).username).toBe('admin@myapp'),
  },
  {
    keys: ['RestUpdateUser_single#0'],
    run: async ({ db }) =>
      expect(await db.updateUser({ username: 'admin@myapp', password: 'secure' })).toEqual({
        username: 'admin@myapp',
        active: true,
        extra: {},
      }),
  },
  {
    keys: ['RestFetchUserDatabaseListFull_single#0'],
    run: async ({ db }) => {
      const perms = await db.permissions('anotherAdmin@secapp');
      expect(perms._system.permission).toBe('rw');
      expect(perms._system.collections._users).toBe('undefined');
      expect(perms['*']).toEqual({ permission: 'none' });
    },
  },
  {
    keys: ['RestFetchUserDatabaseList_single#0'],
    run: async ({ db }) =>
      expect(await db.permissions('anotherAdmin@secapp', { full: false })).toEqual({ _system: 'rw' }),
  },
  {
    keys: ['RestFetchUserDatabasePermission_single#0'],
    run: async ({ db }) =>
      expect(await db.permission({ username: 'anotherAdmin@secapp', database: '_system' })).toBe('rw'),
  },
  {
    keys: ['RestFetchUserCollectionPermission_single#0'],
    run: async ({ db }) =>
      expect(
        await db.permission({ username: 'anotherAdmin@secapp', database: '_system', collection: '_users' }),
      ).toBe('none'),
  },
  {
    keys: ['RestGrantDatabase_single#0'],
    run: async ({ db }) =>
      expect(
        await db.updatePermission({ username: 'admin@myapp', permission: 'rw', database: '_system' }),
      ).toBe(true),
  },
  {
    keys: ['RestGrantCollection_single#0'],
    run: async ({ db }) =>
      expect(
        await db.updatePermission({
          username: 'admin@myapp',
          permission: 'rw',
          database: '_system',
          collection: 'reports',
        }),
      ).toBe(true),
  },
  {
    keys: ['RestRevokeCollection_single#0'],
    run: async ({ db }) =>
      expect(
        await db.resetPermission({ username: 'admin@myapp', database: '_system', collection: 'reports' }),
      ).toBe(true),
  },
  // --- access tokens (ArangoDB 3.12.5+) -------------------------------------------------------------
  {
    keys: ['RestAccessTokenCreate_single#0'],
    run: async ({ db }) => {
      const token = await db.createAccessToken({
        username: 'root',
        name: 'Token for Service A',
        validUntil: 1814400000,
      });
      expect(token).toMatchObject({ id: 1, name: 'Token for Service A', active: true });
      expect(token.token).toMatch(/^v1\./);
      // The secret is registered: messages and error JSON never show it.
      expect(redact(`bearer ${token.token}`)).not.toContain(token.token);
    },
  },
  {
    keys: ['RestAccessTokenList_single#0'],
    run: async ({ db }) => {
      const tokens = await db.accessTokens('root');
      expect(tokens.map((t) => [t.id, t.fingerprint])).toEqual([[1, 'v1...56227d']]);
      expect(tokens[0]).not.toHaveProperty('token');
    },
  },
  {
    keys: ['RestAccessTokenDelete_single#0'],
    run: async ({ db }) => expect(await db.deleteAccessToken('root', 1)).toBe(true),
  },
  // --- tasks ---------------------------------------------------------------------------------------
  { keys: ['RestTasksListAll_single#0'], run: async ({ db }) => expect(await db.tasks()).toEqual([]) },
  {
    keys: ['RestTasksCreate_single#0'],
    run: async ({ db }) => {
      const task = await db.createTask({
        name: 'SampleTask',
        command: "(function(params) { require('@arangodb').print(params); })(params)",
        params: { foo: 'bar', bar: 'foo' },
        period: 2,
      });
      expect(task).toMatchObject({ id: '74621', name: 'SampleTask', type: 'periodic', period: 2 });
    },
  },
  {
    keys: ['RestTasksListOne_single#1'],
    run: async ({ db }) =>
      expect(await db.task('testTask')).toMatchObject({ id: 'testTask', type: 'timed', offset: 10000 }),
  },
  {
    keys: ['RestTasksListNonExisting_single#0'],
    run: async ({ db }) => {
      const err = await rejects(db.task('non-existing-task'), TaskGetError);
      expect(err.httpCode).toBe(404);
      expect(err.errorCode).toBe(errno.TASK_NOT_FOUND);
      expect(err.errorMessage).toBe('task not found');
    },
  },
  {
    keys: ['RestTasksDelete_single#0'],
    run: async ({ db }) => expect(await db.deleteTask('SampleTask')).toBe(true),
  },
  {
    keys: ['RestTasksDeleteFail_single#0'],
    run: async ({ db }) => {
      expect(await db.deleteTask('NoTaskWithThatName', { ignoreMissing: true })).toBe(false);
      const err = await rejects(db.deleteTask('NoTaskWithThatName'), TaskDeleteError);
      expect(err.errorCode).toBe(errno.TASK_NOT_FOUND);
    },
  },
  // --- views ---------------------------------------------------------------------------------------
  {
    keys: ['RestViewGetAllViews_single#0'],
    run: async ({ db }) =>
      expect((await db.views()).map((v) => [v.name, v.type])).toEqual([
        ['demoView', 'arangosearch'],
        ['productsView', 'search-alias'],
        ['reviewsView', 'arangosearch'],
      ]),
  },
  {
    keys: ['RestViewPostViewArangoSearch_single#0'],
    run: async ({ db }) => {
      const view = await db.createArangosearchView({ name: 'products' });
      expect(view).toMatchObject({ id: '74987', name: 'products', type: 'arangosearch' });
      expect(view).not.toHaveProperty('error');
    },
  },
  {
    keys: ['RestViewPostViewSearchAlias_single#0'],
    run: async ({ db }) => {
      const view = await db.createView({
        name: 'products',
        viewType: 'search-alias',
        properties: { indexes: [{ collection: 'books', index: 'inv-idx' }] },
      });
      expect(view.indexes).toEqual([{ collection: 'books', index: 'inv-idx' }]);
    },
  },
  {
    keys: ['RestViewGetViewIdentifierArangoSearch_single#0'],
    run: async ({ db }) =>
      expect(await db.viewInfo('75180')).toEqual({
        type: 'arangosearch',
        name: 'productsView',
        id: '75180',
        globallyUniqueId: 'h5C3DDE5391BF/75180',
      }),
  },
  {
    keys: ['RestViewGetViewNameArangoSearch_single#0'],
    run: async ({ db }) => expect((await db.viewInfo('productsView')).id).toBe('75184'),
  },
  {
    keys: ['RestViewGetViewPropertiesIdentifierArangoSearch_single#0'],
    run: async ({ db }) => {
      const view = await db.view('75007');
      expect(view.consolidationPolicy).toMatchObject({ type: 'tier' });
      expect(view).not.toHaveProperty('code');
    },
  },
  {
    keys: ['RestViewGetViewPropertiesIdentifierSearchAlias_single#0'],
    run: async ({ db }) =>
      expect((await db.view('75199')).indexes).toEqual([{ collection: 'books', index: 'inv-idx' }]),
  },
  {
    keys: ['RestViewGetViewPropertiesNameArangoSearch_single#0'],
    scenario: 'RestViewGetViewPropertiesNameArangoSearch_single',
    run: async ({ db }) =>
      expect(await db.view('productsView')).toMatchObject({ id: '75032', type: 'arangosearch' }),
  },
  {
    keys: ['RestViewGetViewPropertiesNameSearchAlias_single#0'],
    scenario: 'RestViewGetViewPropertiesNameSearchAlias_single',
    run: async ({ db }) =>
      expect(await db.view('productsView')).toMatchObject({ id: '75218', type: 'search-alias' }),
  },
  {
    keys: ['RestViewPatchPropertiesArangoSearch_single#0'],
    run: async ({ db }) => {
      const view = await db.updateView({
        name: 'productsView',
        properties: { cleanupIntervalStep: 12, links: { products: null } },
      });
      expect(view.cleanupIntervalStep).toBe(12);
    },
  },
  {
    keys: ['RestViewPutPropertiesArangoSearch_single#0'],
    run: async ({ db }) => {
      const view = await db.replaceArangosearchView({
        name: 'productsView',
        properties: {
          cleanupIntervalStep: 12,
          links: { products: { fields: { description: { analyzers: ['text_en'] } } } },
        },
      });
      expect(view).toMatchObject({ id: '75071', cleanupIntervalStep: 12 });
    },
  },
  {
    keys: ['RestViewPutRename_single#0'],
    run: async ({ db }) => expect(await db.renameView('productsView', 'catalogView')).toBe(true),
  },
  {
    keys: ['RestViewDeleteViewIdentifierArangoSearch_single#0'],
    run: async ({ db }) => expect(await db.deleteView('75282')).toBe(true),
  },
  {
    keys: ['RestViewDeleteViewNameArangoSearch_single#0'],
    run: async ({ db }) => expect(await db.deleteView('productsView')).toBe(true),
  },
  // --- analyzers -----------------------------------------------------------------------------------
  {
    keys: ['RestAnalyzersGet_single#0'],
    run: async ({ db }) => {
      const analyzers = await db.analyzers();
      expect(analyzers.find((a) => a.name === 'identity')).toEqual({
        name: 'identity',
        type: 'identity',
        properties: {},
        features: ['frequency', 'norm'],
      });
    },
  },
  {
    keys: ['RestAnalyzerPost_single#0'],
    run: async ({ db }) =>
      expect(await db.createAnalyzer({ name: 'testAnalyzer', analyzerType: 'identity' })).toEqual({
        name: '_system::testAnalyzer',
        type: 'identity',
        properties: {},
        features: [],
      }),
  },
  {
    keys: ['RestAnalyzerGet_single#0'],
    run: async ({ db }) =>
      expect(await db.analyzer('testAnalyzer')).toEqual({
        name: '_system::testAnalyzer',
        type: 'identity',
        properties: {},
        features: [],
      }),
  },
  {
    keys: ['RestAnalyzerDelete_single#0'],
    run: async ({ db }) => expect(await db.deleteAnalyzer('testAnalyzer')).toBe(true),
  },
  // --- hot backups ---------------------------------------------------------------------------------
  {
    keys: ['RestBackupCreateBackup_single#0'],
    run: async ({ db }) => {
      const backup = await db.backup.create({ label: 'foo' });
      expect(backup).toMatchObject({
        id: '2026-08-04T15.27.49Z_foo',
        nrFiles: 30,
        potentiallyInconsistent: false,
      });
    },
  },
  {
    keys: ['RestBackupListBackup_single#0'],
    run: async ({ db }) => {
      const { server, list } = await db.backup.get();
      expect(server).toMatch(/^SNGL-/);
      const first = Object.values(list)[0] as { id: string; version: string };
      expect(first.version).toBe('3.12.10');
      expect(Object.keys(list)).toContain(first.id);
    },
  },
  {
    keys: ['RestBackupDeleteBackup_single#0'],
    run: async ({ db }) =>
      expect(await db.backup.delete('2026-08-04T15.27.52Z_ac9e34b9-32d4-48d4-9ea3-73db48cd7d06')).toBe(true),
  },
  {
    keys: ['RestBackupRestoreBackup_single#0'],
    run: async ({ db }) =>
      expect(await db.backup.restore('2026-08-04T15.27.50Z_90e09eb4-0261-4a06-947b-d73f5a7e3616')).toEqual({
        previous: '/var/lib/arangodb3/backups/DIRECTORY_TO_DELETE',
      }),
  },
  {
    keys: ['RestBackupUploadBackup_single#0'],
    run: async ({ db }) =>
      expect(
        await db.backup.upload({
          backupId: '2026-08-04T15.27.52Z_bb116611-f105-459b-8e7d-7fab941ac68f',
          repository: 'local://tmp/backups',
          config: { local: { type: 'local' } },
        }),
      ).toEqual({ uploadId: '73606' }),
  },
  {
    keys: ['RestBackupUploadBackupStarted_single#0'],
    run: async ({ db }) =>
      expect(await db.backup.upload({ uploadId: '73607' })).toMatchObject({
        UploadId: '73607',
        DBServers: { SNGL: { Status: 'STARTED' } },
      }),
  },
  {
    keys: ['RestBackupDownloadBackup_single#0'],
    run: async ({ db }) =>
      expect(
        await db.backup.download({
          backupId: '2026-08-04T15.27.52Z_ba582c5a-1d1e-46f1-ac85-378b30543686',
          repository: 'local://tmp/backups',
          config: { local: { type: 'local' } },
        }),
      ).toEqual({ downloadId: '73617' }),
  },
  {
    keys: ['RestBackupDownloadBackupStarted_single#0'],
    run: async ({ db }) =>
      expect(await db.backup.download({ downloadId: '73623' })).toMatchObject({
        DownloadId: '73623',
        Cancelled: false,
      }),
  },
  // --- WAL and replication -------------------------------------------------------------------------
  {
    keys: ['RestWalAccessFirstTick_single#0'],
    run: async ({ db }) => expect(await db.wal.lastTick()).toMatchObject({ tick: '184777' }),
  },
  {
    keys: ['RestWalAccessTickRange_single#0'],
    run: async ({ db }) =>
      expect(await db.wal.tickRanges()).toMatchObject({ tickMin: '1', tickMax: '184777' }),
  },
  {
    keys: ['RestWalAccessTailingEmpty_single#0'],
    scenario: 'RestWalAccessTailingEmpty_single',
    run: async ({ db }) =>
      expect(await db.wal.tail({ lower: 184777 })).toEqual({
        checkMore: false,
        fromPresent: true,
        lastIncluded: '0',
        lastScanned: '184776',
        lastTick: '184777',
        content: '',
      }),
  },
  {
    keys: ['RestWalAccessTailingSome_single#0'],
    scenario: 'RestWalAccessTailingSome_single',
    run: async ({ db }) => {
      const chunk = await db.wal.tail({ lower: 184777, deserialize: true });
      expect(chunk.checkMore).toBe(true);
      expect(chunk.lastIncluded).toBe('184793');
      expect(chunk.content).toEqual([
        { tick: '184793', type: 2001, db: '_system', cuid: 'h5C3DDE5391BF/74577' },
      ]);
    },
  },
  {
    keys: ['RestWalAccessTailingBufferLimit_single#0'],
    run: async ({ db }) => {
      const chunk = await db.wal.tail({ lower: 184819, chunkSize: 400 });
      expect(chunk).toMatchObject({ checkMore: true, lastIncluded: '184835', lastScanned: '184845' });
      expect(JSON.parse(chunk.content as string).tick).toBe('184835');
    },
  },
  {
    keys: ['RestReplicationLoggerStateActive_single#0'],
    run: async ({ db }) => {
      const state = await db.replication.loggerState();
      expect(state.state).toMatchObject({ running: true, lastLogTick: '184777' });
      expect(state.clients).toEqual([]);
    },
  },
  {
    keys: ['RestReplicationServerId_single#0'],
    run: async ({ db }) => expect(await db.replication.serverId()).toBe('114433185744346'),
  },
  {
    keys: ['RestReplicationApplierGetConfig_single#0'],
    run: async ({ db }) =>
      expect(await db.replication.applierConfig()).toMatchObject({ requestTimeout: 600, autoStart: false }),
  },
  {
    keys: ['RestReplicationApplierSetConfig_single#0'],
    run: async ({ db }) => {
      const config = await db.replication.setApplierConfig({
        endpoint: 'tcp://127.0.0.1:8529',
        username: 'replicationApplier',
        password: 'applier1234@foxx',
        chunkSize: 4194304,
        autoStart: false,
        adaptivePolling: true,
      });
      expect(config).toMatchObject({
        endpoint: 'tcp://127.0.0.1:8529',
        chunkSize: 4194304,
        database: '_system',
      });
    },
  },
  {
    keys: ['RestReplicationApplierStart_single#0'],
    run: async ({ db }) =>
      expect((await db.replication.startApplier()).state).toMatchObject({ running: true, phase: 'running' }),
  },
  {
    keys: ['RestReplicationApplierStateNotRunning_single#0'],
    scenario: 'RestReplicationApplierStateNotRunning_single',
    run: async ({ db }) => expect((await db.replication.applierState()).state.phase).toBe('inactive'),
  },
  {
    keys: ['RestReplicationApplierStateRunning_single#0'],
    scenario: 'RestReplicationApplierStateRunning_single',
    run: async ({ db }) => {
      const { state } = await db.replication.applierState();
      expect(state.lastError.errorNum).toBe(1405);
    },
  },
  {
    keys: ['RestReplicationApplierStop_single#0'],
    run: async ({ db }) => expect((await db.replication.stopApplier()).state.running).toBe(false),
  },
  // --- Pregel (3.11) -------------------------------------------------------------------------------
  {
    keys: ['RestPregelStartConnectedComponents_single#0'],
    run: async ({ db }) =>
      expect(
        await db.pregel.createJob({
          graph: 'connectedComponentsGraph',
          algorithm: 'wcc',
          maxGss: 36,
          resultField: 'component',
        }),
      ).toBe('68965'),
  },
  {
    keys: ['RestPregelStatusConnectedComponents_single#0'],
    run: async ({ db }) =>
      expect(await db.pregel.job('69137')).toMatchObject({ id: '69137', state: 'done', gss: 11 }),
  },
  {
    keys: ['RestPregelStatusAllConnectedComponents_single#0'],
    run: async ({ db }) => expect((await db.pregel.jobs()).map((j) => j.id)).toContain('68965'),
  },
  {
    keys: ['RestPregelCancelConnectedComponents_single#0'],
    run: async ({ db }) => expect(await db.pregel.deleteJob('69464')).toBe(true),
  },
  {
    keys: ['RestPregelConnectedComponentsStatistics_single#0'],
    run: async ({ db }) => {
      const history = await db.pregel.jobHistory();
      expect(Array.isArray(history) && history[0]?.algorithm).toBe('wcc');
    },
  },
  {
    keys: ['RestPregelConnectedComponentsStatisticsId_single#0'],
    run: async ({ db }) =>
      expect(await db.pregel.jobHistory('69613')).toMatchObject({ id: '69613', state: 'done' }),
  },
  {
    keys: ['RestPregelConnectedComponentsRemoveStatistics_single#0'],
    run: async ({ db }) => expect(await db.pregel.deleteJobHistory()).toBe(true),
  },
  {
    keys: ['RestPregelConnectedComponentsRemoveStatisticsId_single#0'],
    run: async ({ db }) => expect(await db.pregel.deleteJobHistory('69947')).toBe(true),
  },
];

const server = await replayTarget();
const url = server.url;

describe('arango-client replays every recorded exchange of the administration areas', () => {
  let conn: Connection;
  let exec: ScenarioExecutor;
  let db: StandardDatabase;
  const served = new Set<string>();

  beforeAll(() => {
    conn = new Connection({ hosts: [url] }, { username: 'root', password: '' });
    exec = new ScenarioExecutor(conn);
    db = new StandardDatabase(exec, '_system', 'root');
  });
  afterAll(async () => {
    await conn.close();
    await server.close();
  });

  for (const c of CASES) {
    it(c.keys.join(', '), async () => {
      exec.served.length = 0;
      exec.scenario = c.scenario;
      try {
        await c.run({ db, exec });
      } finally {
        exec.scenario = undefined;
      }
      for (const k of exec.served) served.add(k);
      for (const k of c.keys) expect(exec.served, `recording ${k} answered`).toContain(k);
    });
  }

  it('deleteUser: 202 → true, 404 → false with ignoreMissing, else UserDeleteError (scripted, recorded shapes)', async () => {
    await script(url, [
      {
        match: { method: 'DELETE', path: '/_api/user/userToDelete@myapp' },
        respond: { status: 202, body: { error: false, code: 202 } },
        times: 1,
      },
      {
        match: { method: 'DELETE', path: '/_api/user/userToDelete@myapp' },
        respond: {
          status: 404,
          body: { error: true, code: 404, errorNum: errno.USER_NOT_FOUND, errorMessage: 'user not found' },
        },
      },
    ]);
    expect(await db.deleteUser('userToDelete@myapp')).toBe(true);
    expect(await db.deleteUser('userToDelete@myapp', { ignoreMissing: true })).toBe(false);
    const err = await rejects(db.deleteUser('userToDelete@myapp'), UserDeleteError);
    expect(err.errorCode).toBe(errno.USER_NOT_FOUND);
    await fetch(`${url}/_replay/script`, { method: 'DELETE' });
  });

  it('Pregel on a 3.12 server (no /_api/control_pregel) fails with a message that says so', async () => {
    await script(url, [
      {
        match: { method: 'POST', path: '/_api/control_pregel' },
        respond: {
          status: 404,
          body: {
            error: true,
            code: 404,
            errorNum: 404,
            errorMessage: "unknown path '/_api/control_pregel'",
          },
        },
      },
    ]);
    const err = await rejects(
      db.pregel.createJob({ graph: 'school', algorithm: 'pagerank' }),
      PregelJobCreateError,
    );
    expect(err.message).toMatch(/Pregel is not available on this server \(ArangoDB 3\.12 removed it/);
    expect(err.httpCode).toBe(404);
    await fetch(`${url}/_replay/script`, { method: 'DELETE' });
  });

  it('administration calls run as async jobs: their decoders (formatting, typed errors, headers) apply to the stored answers', async () => {
    await script(url, [
      ...asyncJob({
        match: { method: 'GET', path: '/_api/user' },
        jobId: '2001',
        result: {
          status: 200,
          body: { error: false, code: 200, result: [{ user: 'root', active: true, extra: {} }] },
        },
      }),
      ...asyncJob({
        match: { method: 'DELETE', path: '/_api/tasks/gone' },
        jobId: '2002',
        result: {
          status: 404,
          body: { error: true, code: 404, errorNum: errno.TASK_NOT_FOUND, errorMessage: 'task not found' },
        },
      }),
      ...asyncJob({
        match: { method: 'GET', path: '/_api/wal/tail' },
        jobId: '2003',
        result: {
          status: 204,
          headers: { 'x-arango-replication-checkmore': 'false', 'x-arango-replication-lasttick': '7' },
        },
      }),
    ]);
    try {
      const asyncDb = db.beginAsyncExecution();
      expect(asyncDb.context).toBe('async');
      const users = await asyncDb.users();
      expect(users.id).toBe('2001');
      expect(await users.result()).toEqual([{ username: 'root', active: true, extra: {} }]);
      const deletion = await asyncDb.deleteTask('gone');
      expect(deletion.id).toBe('2002');
      const err = await rejects(deletion.result(), TaskDeleteError);
      expect(err.errorCode).toBe(errno.TASK_NOT_FOUND);
      const tail = await asyncDb.wal.tail({ lower: 1 });
      expect(await tail.result()).toMatchObject({ checkMore: false, lastTick: '7', content: '' });
    } finally {
      await fetch(`${url}/_replay/script`, { method: 'DELETE' });
    }
  });

  it('administration calls queue in a batch ("requests" mode, as on 3.12) and decode on commit', async () => {
    exec.served.length = 0;
    const batchDb = db.beginBatchExecution({ mode: 'requests' });
    expect(batchDb.context).toBe('batch');
    const users = await batchDb.users();
    const missing = await batchDb.deleteTask('NoTaskWithThatName', { ignoreMissing: true });
    const lastTick = await batchDb.wal.lastTick();
    expect(exec.served).toEqual([]);
    await batchDb.commit();
    expect(exec.served).toEqual([
      'RestFetchAllUser_single#0',
      'RestTasksDeleteFail_single#0',
      'RestWalAccessFirstTick_single#0',
    ]);
    expect((await users.result()).map((u) => u.username)).toEqual(['tester', 'admin', 'root']);
    expect(await missing.result()).toBe(false);
    expect((await lastTick.result()).tick).toBe('184777');
  });

  it('cluster administration through several coordinators: round robin sends each call to the next one', async () => {
    const coordinators = [await startReplayServer({ port: 0 }), await startReplayServer({ port: 0 })];
    const health = { error: false, code: 200, ClusterId: 'c1', Health: {} };
    coordinators.forEach((c, i) => {
      c.script([
        {
          match: { method: 'GET', path: '/_admin/server/id' },
          respond: { status: 200, body: { id: `CRDN-${i}` } },
        },
        {
          match: { method: 'GET', path: '/_admin/cluster/health' },
          respond: { status: 200, body: health },
        },
      ]);
    });
    const client = new ArangoClient({ hosts: coordinators.map((c) => c.url), hostResolver: 'roundrobin' });
    try {
      const sysDb = await client.db('_system', { username: 'root', password: 'passwd' });
      const ids = [
        await sysDb.cluster.serverId(),
        await sysDb.cluster.serverId(),
        await sysDb.cluster.serverId(),
      ];
      expect(ids).toEqual(['CRDN-0', 'CRDN-1', 'CRDN-0']);
      expect(await sysDb.cluster.health()).toEqual({ ClusterId: 'c1', Health: {} });
      expect(coordinators.map((c) => c.violations())).toEqual([[], []]);
    } finally {
      await client.close();
      await Promise.all(coordinators.map((c) => c.close()));
    }
  });

  it('every recording of these areas is replayed or listed with a reason', () => {
    const missing = recorded
      .map((e) => `${e.key}#${e.seq}`)
      .filter((k) => !served.has(k) && !(k in NOT_SENT));
    expect(missing).toEqual([]);
    expect(recorded.length).toBe(78);
  });

  it('no request of this suite violated the OpenAPI description (3.11-only operations excepted)', async () => {
    const v = await violations(url);
    const unexpected = v.filter((x) => {
      const path = x.path.replace(/^\/_db\/[^/]+/, '').replace(/\?.*$/, '');
      if (UNDOCUMENTED.some((re) => re.test(path))) return false;
      // A transfer's progress query names only its id; the description marks the start fields required.
      if (/^\/_admin\/backup\/(upload|download)$/.test(path)) {
        return !x.problems.every((p) => /required property '(remoteRepository|config)'/.test(p));
      }
      return true;
    });
    expect(unexpected).toEqual([]);
    expect(v.length).toBeGreaterThan(0);
  });
});
