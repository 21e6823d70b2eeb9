/**
 * Runs the README's "Administration" snippets, line for line (src/readme.test.ts checks that every
 * snippet line occurs in a test), against a private replay server whose scripted answers have the
 * documented shapes, and checks that every request they send is valid against the 3.12 OpenAPI
 * description (3.11-only and undocumented operations excepted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArangoClient } from '../../src/index.js';
import { replayTarget, script, violations } from './helpers.js';

/** One answer shape that every administration decoder accepts (each reads its own fields). */
const ANSWER = {
  error: false,
  code: 200,
  version: '31200',
  time: 1785857304.5,
  role: 'SINGLE',
  id: '1',
  lastTick: '1',
  firstTick: '1',
  total: 0,
  messages: [],
  user: 'johndoe@gmail.com',
  active: true,
  extra: {},
  result: [],
  endpoints: [],
};

/** Operations of the snippets that the 3.12 description lacks or describes wrongly, with the reason. */
const EXPECTED_VIOLATIONS: Array<[RegExp, string]> = [
  [/^\/_admin\/wal\//, 'MMFiles-era WAL administration the seed documents; gone from 3.12'],
  [/^\/_api\/control_pregel/, 'Pregel, removed in 3.12'],
  [/^\/_api\/replication\/(applier-config|server-id)$/, 'replication applier and server id: 3.11 calls'],
  [
    /^\/_api\/foxx(\/service)?$/,
    'the description lists no body for installs; its prose documents the JSON one',
  ],
  [
    /^\/_api\/foxx\/dependencies$/,
    'the description wraps the mapping in "options"; the body is the mapping itself',
  ],
];

const server = await replayTarget();
const url = server.url;

describe('README: the Administration snippets run', () => {
  let client: ArangoClient;
  beforeAll(async () => {
    await script(url, [
      { match: { method: 'POST', path: '/_api/control_pregel' }, respond: { status: 200, body: '1' } },
      { match: { pathPattern: '^/_(api|admin)/' }, respond: { status: 200, body: ANSWER } },
    ]);
    client = new ArangoClient({ hosts: url });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('server administration (seed: "Server Administration")', async () => {
    const sysDb = await client.db('_system', { username: 'root', password: 'passwd' });
    await sysDb.requiredDbVersion();
    const serverTime: Date = await sysDb.time();
    await sysDb.role();
    await sysDb.statistics();
    await sysDb.readLog({ level: 'debug' });
    await sysDb.logLevels();
    await sysDb.setLogLevels({ agency: 'DEBUG', collector: 'INFO', threads: 'WARNING' });
    await sysDb.echo();
    await sysDb.reloadRouting();
    const prometheusText: string = await sysDb.metrics();
    expect(serverTime).toBeInstanceOf(Date);
    expect(serverTime.getTime()).toBe(1785857304500);
    expect(typeof prometheusText).toBe('string');
  });

  it('users and permissions (seed: "Users and Permissions")', async () => {
    const sysDb = await client.db('_system', { username: 'root', password: 'passwd' });
    await sysDb.users();
    await sysDb.createUser({
      username: 'johndoe@gmail.com',
      password: 'first_password',
      active: true,
      extra: { team: 'backend', title: 'engineer' },
    });
    await sysDb.hasUser('johndoe@gmail.com');
    await sysDb.user('johndoe@gmail.com');
    await sysDb.updateUser({
      username: 'johndoe@gmail.com',
      password: 'second_password',
      extra: { team: 'frontend' },
    });
    await sysDb.replaceUser({ username: 'johndoe@gmail.com', password: 'third_password', active: true });
    await sysDb.permissions('johndoe@gmail.com');
    await sysDb.permission({ username: 'johndoe@gmail.com', database: 'test', collection: 'students' });
    await sysDb.updatePermission({ username: 'johndoe@gmail.com', permission: 'rw', database: 'test' });
    await sysDb.updatePermission({
      username: 'johndoe@gmail.com',
      permission: 'ro',
      database: 'test',
      collection: 'students',
    });
    await sysDb.resetPermission({ username: 'johndoe@gmail.com', database: 'test' });
    await sysDb.deleteUser('johndoe@gmail.com', { ignoreMissing: true });
    expect(await sysDb.user('johndoe@gmail.com')).toEqual({
      username: 'johndoe@gmail.com',
      active: true,
      extra: {},
    });
  });

  it('tasks, views and analyzers (seed: "Tasks", "Views and ArangoSearch", "Analyzers")', async () => {
    const db = await client.db('test', { username: 'root', password: 'passwd' });
    await db.tasks();
    await db.createTask({
      name: 'test_task',
      command: 'require("@arangodb").print(params);',
      params: { foo: 'bar' },
      offset: 300,
      period: 10,
      taskId: '001',
    });
    await db.task('001');
    await db.deleteTask('001', { ignoreMissing: true });

    await db.views();
    await db.createView({
      name: 'foo',
      viewType: 'arangosearch',
      properties: { cleanupIntervalStep: 0, consolidationIntervalMsec: 0 },
    });
    await db.renameView('foo', 'bar');
    await db.view('bar');
    await db.updateView({
      name: 'bar',
      properties: { cleanupIntervalStep: 1000, consolidationIntervalMsec: 200 },
    });
    await db.replaceView({ name: 'bar', properties: { cleanupIntervalStep: 2000 } });
    await db.deleteView('bar');
    await db.createArangosearchView({ name: 'arangosearch_view', properties: { cleanupIntervalStep: 0 } });
    await db.updateArangosearchView({ name: 'arangosearch_view', properties: { cleanupIntervalStep: 1000 } });
    await db.createSearchAliasView({
      name: 'alias_view',
      properties: { indexes: [{ collection: 'books', index: 'inv-idx' }] },
    });

    await db.analyzers();
    await db.createAnalyzer({
      name: 'test_analyzer',
      analyzerType: 'identity',
      properties: {},
      features: [],
    });
    await db.deleteAnalyzer('test_analyzer', { ignoreMissing: true });
    expect(await db.deleteTask('001', { ignoreMissing: true })).toBe(true);
  });

  it('WAL, replication and Pregel (seed: "Write-Ahead Log", "Replication", "Pregel")', async () => {
    const sysDb = await client.db('_system', { username: 'root', password: 'passwd' });
    const wal = sysDb.wal;
    await wal.configure({
      historicLogs: 15,
      oversizedOps: false,
      logSize: 30000000,
      reserveLogs: 5,
      throttleLimit: 0,
      throttleWait: 16000,
    });
    await wal.properties();
    await wal.transactions();
    await wal.flush({ garbageCollect: true });
    await wal.tickRanges();
    await wal.lastTick();
    const recent = await wal.tail({ lower: '184777', deserialize: true });

    const replication = sysDb.replication;
    const batch = await replication.createDumpBatch({ ttl: 1000 });
    await replication.extendDumpBatch(batch.id, { ttl: 1000 });
    await replication.inventory({ batchId: batch.id, includeSystem: true, allDatabases: true });
    await replication.dump({ collection: 'students', batchId: batch.id, chunkSize: 0 });
    await replication.deleteDumpBatch(batch.id);
    await replication.loggerState();
    await replication.applierConfig();
    await replication.serverId();

    const jobId = await sysDb.pregel.createJob({
      graph: 'school',
      algorithm: 'pagerank',
      store: false,
      maxGss: 100,
      threadCount: 1,
      asyncMode: false,
      resultField: 'result',
      algorithmParams: { threshold: 0.000001 },
    });
    await sysDb.pregel.job(jobId);
    await sysDb.pregel.deleteJob(jobId);
    expect(jobId).toBe('1');
    expect(batch).toEqual({ id: '1', lastTick: '1' });
    expect(recent.content).toHaveLength(1);
  });

  it('Foxx, clusters and hot backups (seed: "Foxx", "Clusters")', async () => {
    const sysDb = await client.db('_system', { username: 'root', password: 'passwd' });
    const foxx = sysDb.foxx;
    const serviceMount = '/test_mount';
    await foxx.services();
    await foxx.createService({
      mount: serviceMount,
      source: '/tmp/service.zip',
      config: {},
      dependencies: {},
      development: true,
      setup: true,
      legacy: true,
    });
    await foxx.service(serviceMount);
    await foxx.updateConfig(serviceMount, { config: {} });
    await foxx.replaceDependencies(serviceMount, { dependencies: {} });
    await foxx.enableDevelopment(serviceMount);
    await foxx.disableDevelopment(serviceMount);
    await foxx.runScript(serviceMount, 'setup', []);
    await foxx.runTests(serviceMount, { reporter: 'xunit', outputFormat: 'xml' });
    const bundle: Uint8Array = await foxx.download(serviceMount);
    await foxx.deleteService(serviceMount);

    const cluster = sysDb.cluster;
    const serverId = await cluster.serverId();
    await cluster.serverRole();
    await cluster.health();
    await cluster.statistics(serverId);
    await cluster.toggleMaintenanceMode('on');
    await cluster.toggleMaintenanceMode('off');

    const backup = await sysDb.backup.create({ label: 'foo' });
    await sysDb.backup.get();
    expect(serverId).toBe('1');
    expect(bundle).toBeInstanceOf(Uint8Array);
    expect(backup).toEqual([]);
  });

  it('every request of the snippets is valid against the OpenAPI description (listed exceptions aside)', async () => {
    const all = await violations(url);
    const unexpected = all.filter((v) => {
      const path = v.path.replace(/^\/_db\/[^/]+/, '').replace(/\?.*$/, '');
      return !EXPECTED_VIOLATIONS.some(([re]) => re.test(path));
    });
    expect(unexpected).toEqual([]);
  });
});
