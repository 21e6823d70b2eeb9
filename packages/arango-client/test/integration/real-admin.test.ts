/**
 * The administration tour against a real ArangoDB (docker mode: ARANGO_URL set; credentials from
 * `arangoCredentials()`: root with docker-compose's password unless ARANGO_USERNAME/ARANGO_PASSWORD).
 * Every object it creates has a `dbwire_admin_` name and is removed again. Without ARANGO_URL the
 * replay suites (replay-admin, readme-admin) cover these calls and this file reports itself skipped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arangoCredentials } from '../../../../tooling/servers/src/arango/index.js';
import {
  ArangoClient,
  errno,
  PregelJobCreateError,
  type StandardDatabase,
  TaskGetError,
  UserGetError,
} from '../../src/index.js';
import { target } from './helpers.js';

// Only in docker mode: otherwise nothing is started for a suite that cannot run.
const server = process.env.ARANGO_URL ? await target() : undefined;
const url = server?.url ?? '';
const suffix = `${process.pid}_${Date.now()}`;

describe.runIf(server?.external === true)('real ArangoDB: administration (set ARANGO_URL to run)', () => {
  let client: ArangoClient;
  let sysDb: StandardDatabase;

  beforeAll(async () => {
    client = new ArangoClient({ hosts: url });
    sysDb = await client.db('_system', arangoCredentials());
  });
  afterAll(async () => {
    await client.close();
    await server?.close();
  });

  it('server administration answers in the documented shapes', async () => {
    expect(typeof (await sysDb.requiredDbVersion())).toBe('string');
    const time = await sysDb.time();
    expect(Math.abs(time.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(await sysDb.role()).toBe('SINGLE');
    expect((await sysDb.statistics()).system).toHaveProperty('residentSize');
    const levels = await sysDb.logLevels();
    expect(Object.keys(levels).length).toBeGreaterThan(5);
    expect((await sysDb.echo()).requestType).toBe('POST');
    expect(await sysDb.metrics()).toMatch(/^# HELP arangodb_/m);
    expect((await sysDb.supportInfo()).deployment.type).toBe('single');
    expect(typeof (await sysDb.readLog({ size: 5 })).total).toBe('number');
  });

  it('users and permissions: create, read, grant, reset, delete', async () => {
    const username = `dbwire_admin_${suffix}@example`;
    const created = await sysDb.createUser({
      username,
      password: 'dbwire-admin-pw-1',
      active: true,
      extra: { team: 'a' },
    });
    try {
      expect(created).toEqual({ username, active: true, extra: { team: 'a' } });
      expect(await sysDb.hasUser(username)).toBe(true);
      expect((await sysDb.updateUser({ username, extra: { team: 'b' } })).extra).toEqual({ team: 'b' });
      expect(await sysDb.updatePermission({ username, permission: 'ro', database: '_system' })).toBe(true);
      expect(await sysDb.permission({ username, database: '_system' })).toBe('ro');
      expect((await sysDb.permissions(username))._system.permission).toBe('ro');
      expect(await sysDb.resetPermission({ username, database: '_system' })).toBe(true);
    } finally {
      expect(await sysDb.deleteUser(username)).toBe(true);
    }
    expect(await sysDb.deleteUser(username, { ignoreMissing: true })).toBe(false);
    const err = await sysDb.user(username).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserGetError);
    expect((err as UserGetError).errorCode).toBe(errno.USER_NOT_FOUND);
  });

  it('tasks: create with an id, read, delete', async () => {
    const taskId = `dbwire_admin_${suffix}`;
    const task = await sysDb.createTask({
      name: 'dbwire',
      command: 'return params;',
      params: { a: 1 },
      offset: 600,
      taskId,
    });
    expect(task).toMatchObject({ id: taskId, name: 'dbwire', type: 'timed' });
    expect((await sysDb.task(taskId)).id).toBe(taskId);
    expect(await sysDb.deleteTask(taskId)).toBe(true);
    expect(await sysDb.deleteTask(taskId, { ignoreMissing: true })).toBe(false);
    const err = await sysDb.task(taskId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskGetError);
    expect((err as TaskGetError).errorCode).toBe(errno.TASK_NOT_FOUND);
  });

  it('views and analyzers: create, update, rename, delete', async () => {
    const name = `dbwire_admin_view_${suffix}`;
    const view = await sysDb.createArangosearchView({ name, properties: { cleanupIntervalStep: 0 } });
    expect(view).toMatchObject({ name, type: 'arangosearch', cleanupIntervalStep: 0 });
    expect(
      (await sysDb.updateView({ name, properties: { cleanupIntervalStep: 1000 } })).cleanupIntervalStep,
    ).toBe(1000);
    expect(await sysDb.renameView(name, `${name}_2`)).toBe(true);
    expect((await sysDb.viewInfo(`${name}_2`)).type).toBe('arangosearch');
    expect(await sysDb.deleteView(`${name}_2`)).toBe(true);
    expect(await sysDb.deleteView(`${name}_2`, { ignoreMissing: true })).toBe(false);

    const analyzer = `dbwire_admin_analyzer_${suffix}`;
    const created = await sysDb.createAnalyzer({
      name: analyzer,
      analyzerType: 'identity',
      properties: {},
      features: [],
    });
    expect(created.type).toBe('identity');
    expect((await sysDb.analyzer(analyzer)).name).toBe(`_system::${analyzer}`);
    expect(await sysDb.deleteAnalyzer(analyzer)).toBe(true);
    expect(await sysDb.deleteAnalyzer(analyzer, { ignoreMissing: true })).toBe(false);
  });

  it('WAL and replication: ticks, tail, logger, a dump batch', async () => {
    const { tick } = await sysDb.wal.lastTick();
    expect(tick).toMatch(/^\d+$/);
    expect((await sysDb.wal.tickRanges()).tickMin).toMatch(/^\d+$/);
    const chunk = await sysDb.wal.tail({ lower: tick, deserialize: true });
    expect(chunk.fromPresent).toBe(true);
    expect(Array.isArray(chunk.content)).toBe(true);
    expect((await sysDb.replication.loggerState()).state.running).toBe(true);
    const batch = await sysDb.replication.createDumpBatch({ ttl: 60 });
    expect(batch.id).toMatch(/^\d+$/);
    expect(Array.isArray((await sysDb.replication.inventory({ batchId: batch.id })).collections)).toBe(true);
    expect(await sysDb.replication.deleteDumpBatch(batch.id)).toBe(true);
  });

  it('Pregel on 3.12 fails with PregelJobCreateError', async () => {
    const err = await sysDb.pregel
      .createJob({ graph: 'school', algorithm: 'pagerank' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PregelJobCreateError);
    expect((err as PregelJobCreateError).message).toMatch(/Pregel is not available on this server/);
  });

  it('Foxx: install a single-file service by upload, inspect it, download it, remove it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbwire-foxx-real-'));
    const filename = join(dir, 'index.js');
    writeFileSync(
      filename,
      "'use strict';\nconst router = require('@arangodb/foxx/router')();\nmodule.context.use(router);\nrouter.get('/hello', (req, res) => res.json({ hello: 'world' }));\n",
    );
    const mount = `/dbwire_admin_${suffix}`;
    const installed = await sysDb.foxx.createServiceWithFile({ mount, filename });
    try {
      expect(installed.mount).toBe(mount);
      expect((await sysDb.foxx.service(mount)).mount).toBe(mount);
      expect((await sysDb.foxx.services()).some((s) => s.mount === mount)).toBe(true);
      const zip = await sysDb.foxx.download(mount);
      expect([zip[0], zip[1]]).toEqual([0x50, 0x4b]);
    } finally {
      expect(await sysDb.foxx.deleteService(mount)).toBe(true);
    }
  });
});
