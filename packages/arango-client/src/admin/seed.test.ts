/**
 * The seed's administration examples (Server Administration, Users and Permissions, Tasks, WAL,
 * Pregel, Foxx, Views and ArangoSearch, Analyzers, Replication, Clusters), translated mechanically
 * (snake_case → camelCase, keyword arguments → one options object) and run as written against an
 * executor that answers every request with one documented-shape body. Proves the translation
 * type-checks (tsconfig.check.json) and that each example line sends exactly one request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallOptions } from '@dbwire/core';
import { describe, expect, it } from 'vitest';
import type { ArangoRequest, ArangoResponse, Executor } from '../connection.js';
import { StandardDatabase } from '../database.js';

/** Every administration decoder reads its own fields of this answer. */
const ANSWER = {
  error: false,
  code: 200,
  version: '31200',
  time: 1785857304.5,
  role: 'SINGLE',
  id: '1',
  lastTick: '1',
  firstTick: '1',
  serverId: '1',
  total: 0,
  messages: [],
  user: 'johndoe@gmail.com',
  active: true,
  extra: {},
  result: [],
  endpoints: [],
};

class CountingExecutor implements Executor {
  readonly extraHeaders = undefined;
  readonly requests: ArangoRequest[] = [];
  async send(req: ArangoRequest, _options?: CallOptions): Promise<ArangoResponse> {
    this.requests.push(req);
    const body = req.binary ? Buffer.from('PK\x03\x04') : ANSWER;
    return {
      status: 200,
      headers: {},
      body,
      rawBody: JSON.stringify(ANSWER),
      host: 0,
      url: '',
      site: undefined,
    };
  }
}

function databases() {
  const exec = new CountingExecutor();
  return {
    exec,
    sysDb: new StandardDatabase(exec, '_system', 'root'),
    db: new StandardDatabase(exec, 'test', 'root'),
  };
}

describe("the seed's administration examples run as written", () => {
  it('Server Administration', async () => {
    const { exec, sysDb } = databases();
    await sysDb.version();
    await sysDb.details();
    await sysDb.requiredDbVersion();
    await sysDb.engine();
    await sysDb.time();
    await sysDb.role();
    await sysDb.statistics();
    await sysDb.readLog({ level: 'debug' });
    await sysDb.logLevels();
    await sysDb.setLogLevels({ agency: 'DEBUG', collector: 'INFO', threads: 'WARNING' });
    await sysDb.echo();
    await sysDb.reloadRouting();
    await sysDb.metrics();
    expect(exec.requests).toHaveLength(13);
  });

  it('Users and Permissions', async () => {
    const { exec, sysDb } = databases();
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
      active: true,
      extra: { team: 'frontend', title: 'engineer' },
    });
    await sysDb.replaceUser({
      username: 'johndoe@gmail.com',
      password: 'third_password',
      active: true,
      extra: { team: 'frontend', title: 'architect' },
    });
    await sysDb.permissions('johndoe@gmail.com');
    await sysDb.permission({ username: 'johndoe@gmail.com', database: 'test' });
    await sysDb.permission({ username: 'johndoe@gmail.com', database: 'test', collection: 'students' });
    await sysDb.updatePermission({ username: 'johndoe@gmail.com', permission: 'rw', database: 'test' });
    await sysDb.updatePermission({
      username: 'johndoe@gmail.com',
      permission: 'ro',
      database: 'test',
      collection: 'students',
    });
    await sysDb.resetPermission({ username: 'johndoe@gmail.com', database: 'test' });
    await sysDb.resetPermission({ username: 'johndoe@gmail.com', database: 'test', collection: 'students' });
    // The Databases page: `sys_db.update_permission(username='jane', permission='rw', database='test')`.
    await sysDb.updatePermission({ username: 'jane', permission: 'rw', database: 'test' });
    expect(exec.requests).toHaveLength(14);
  });

  it('Tasks', async () => {
    const { exec, db } = databases();
    await db.tasks();
    await db.createTask({
      name: 'test_task',
      command: `
        var task = function(params){
            var db = require('@arangodb');
            db.print(params);
        }
        task(params);
    `,
      params: { foo: 'bar' },
      offset: 300,
      period: 10,
      taskId: '001',
    });
    await db.task('001');
    await db.deleteTask('001', { ignoreMissing: true });
    expect(exec.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'GET /_api/tasks',
      'PUT /_api/tasks/001',
      'GET /_api/tasks/001',
      'DELETE /_api/tasks/001',
    ]);
  });

  it('Write-Ahead Log (WAL)', async () => {
    const { exec, sysDb } = databases();
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
    await wal.tail();
    expect(exec.requests).toHaveLength(7);
  });

  it('Pregel', async () => {
    const { exec, db } = databases();
    const pregel = db.pregel;
    const jobId = await db.pregel.createJob({
      graph: 'school',
      algorithm: 'pagerank',
      store: false,
      maxGss: 100,
      threadCount: 1,
      asyncMode: false,
      resultField: 'result',
      algorithmParams: { threshold: 0.000001 },
    });
    const job = await pregel.job(jobId);
    await pregel.deleteJob(jobId);
    expect(job).toMatchObject({ id: '1' });
    expect(exec.requests).toHaveLength(3);
  });

  it('Foxx, including the *WithFile uploads', async () => {
    const { exec, sysDb: db } = databases();
    const dir = mkdtempSync(join(tmpdir(), 'dbwire-seed-foxx-'));
    const filename = join(dir, 'service.zip');
    writeFileSync(filename, Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const foxx = db.foxx;
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
    const updated = await db.foxx.updateService({
      mount: serviceMount,
      source: '/tmp/service.zip',
      config: {},
      dependencies: {},
      teardown: true,
      setup: true,
      legacy: false,
    });
    const replaced = await db.foxx.replaceService({
      mount: serviceMount,
      source: '/tmp/service.zip',
      config: {},
      dependencies: {},
      teardown: true,
      setup: true,
      legacy: true,
      force: false,
    });
    await foxx.service(serviceMount);
    await foxx.config(serviceMount);
    await foxx.updateConfig(serviceMount, { config: {} });
    await foxx.replaceConfig(serviceMount, { config: {} });
    await foxx.dependencies(serviceMount);
    await foxx.updateDependencies(serviceMount, { dependencies: {} });
    await foxx.replaceDependencies(serviceMount, { dependencies: {} });
    await foxx.enableDevelopment(serviceMount);
    await foxx.disableDevelopment(serviceMount);
    await foxx.readme(serviceMount);
    await foxx.swagger(serviceMount);
    await foxx.download(serviceMount);
    await foxx.commit(serviceMount);
    await foxx.scripts(serviceMount);
    await foxx.runScript(serviceMount, 'setup', []);
    await foxx.runTests(serviceMount, { reporter: 'xunit', outputFormat: 'xml' });
    await foxx.deleteService(serviceMount);
    await foxx.createServiceWithFile({
      mount: serviceMount,
      filename,
      development: true,
      setup: true,
      legacy: true,
    });
    await foxx.updateServiceWithFile({
      mount: serviceMount,
      filename,
      teardown: false,
      setup: true,
      legacy: true,
      force: false,
    });
    await foxx.replaceServiceWithFile({
      mount: serviceMount,
      filename,
      teardown: false,
      setup: true,
      legacy: true,
      force: false,
    });
    await foxx.deleteService(serviceMount);
    expect(updated).toMatchObject({ id: '1' });
    expect(replaced).toMatchObject({ id: '1' });
    expect(exec.requests).toHaveLength(25);
  });

  it('Views and ArangoSearch, Analyzers', async () => {
    const { exec, db } = databases();
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
    await db.replaceArangosearchView({
      name: 'arangosearch_view',
      properties: { cleanupIntervalStep: 2000 },
    });
    await db.view('arangosearch_view');
    await db.deleteView('arangosearch_view');
    await db.analyzers();
    await db.createAnalyzer({
      name: 'test_analyzer',
      analyzerType: 'identity',
      properties: {},
      features: [],
    });
    await db.deleteAnalyzer('test_analyzer', { ignoreMissing: true });
    expect(exec.requests).toHaveLength(15);
  });

  it('Replication', async () => {
    const { exec, db } = databases();
    const replication = db.replication;
    const batch = await replication.createDumpBatch({ ttl: 1000 });
    await replication.extendDumpBatch(batch.id, { ttl: 1000 });
    await replication.inventory({ batchId: batch.id, includeSystem: true, allDatabases: true });
    await replication.clusterInventory({ includeSystem: true });
    await replication.dump({
      collection: 'students',
      batchId: batch.id,
      lower: 0,
      upper: 1000000,
      chunkSize: 0,
      includeSystem: true,
      ticks: 0,
      flush: true,
    });
    await replication.deleteDumpBatch(batch.id);
    await replication.loggerState();
    await replication.loggerFirstTick();
    await replication.applierConfig();
    const result = await replication.setApplierConfig({
      endpoint: 'http://127.0.0.1:8529',
      database: 'test',
      username: 'root',
      password: 'passwd',
      maxConnectRetries: 120,
      connectTimeout: 15,
      requestTimeout: 615,
      chunkSize: 0,
      autoStart: true,
      adaptivePolling: false,
      includeSystem: true,
      autoResync: true,
      autoResyncRetries: 3,
      initialSyncMaxWaitTime: 405,
      connectionRetryWaitTime: 25,
      idleMinWaitTime: 2,
      idleMaxWaitTime: 3,
      requireFromPresent: false,
      verbose: true,
      restrictType: 'include',
      restrictCollections: ['students'],
    });
    await replication.applierState();
    await replication.startApplier();
    await replication.stopApplier();
    await replication.serverId();
    await replication.synchronize({
      endpoint: 'tcp://master:8500',
      database: 'test',
      username: 'root',
      password: 'passwd',
      includeSystem: false,
      incremental: false,
      restrictType: 'include',
      restrictCollections: ['students'],
    });
    expect(batch.id).toBe('1');
    expect(result).toMatchObject({ id: '1' });
    expect(exec.requests).toHaveLength(15);
    expect(exec.requests[9]?.body).toMatchObject({
      maxConnectRetries: 120,
      restrictCollections: ['students'],
    });
  });

  it('Clusters: Administration', async () => {
    const { exec, sysDb } = databases();
    const cluster = sysDb.cluster;
    await cluster.serverId();
    await cluster.serverRole();
    await cluster.health();
    const serverId = await cluster.serverId();
    await cluster.statistics(serverId);
    await cluster.toggleMaintenanceMode('on');
    await cluster.toggleMaintenanceMode('off');
    expect(exec.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'GET /_admin/server/id',
      'GET /_admin/server/role',
      'GET /_admin/cluster/health',
      'GET /_admin/server/id',
      'GET /_admin/cluster/statistics',
      'PUT /_admin/cluster/maintenance',
      'PUT /_admin/cluster/maintenance',
    ]);
  });
});
