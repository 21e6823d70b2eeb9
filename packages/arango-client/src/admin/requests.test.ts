/**
 * Request building and answer decoding of the administration calls that have no recorded exchange
 * (Foxx, cluster administration, most of WAL, replication and server administration): each call's
 * exact method, path, query, headers and body, checked against ArangoDB 3.12's OpenAPI description
 * where the operation exists there. No network: a scripted executor captures each request and
 * answers with the documented shape.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CallOptions, redact } from '@dbwire/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../../../../tooling/servers/src/arango/openapi.js';
import { ApiGroup } from '../aql.js';
import { type ArangoRequest, type ArangoResponse, type Executor, requestPath } from '../connection.js';
import { StandardDatabase, TransactionDatabase } from '../database.js';
import { ArangoClientError } from '../errors.js';
import {
  ClusterMaintenanceModeError,
  FoxxServiceCreateError,
  isPregelMissing,
  mixInAdministration,
  PregelJobGetError,
  parseJsonLines,
  serviceFileUpload,
} from './index.js';

type Answer = { status?: number; body?: unknown; rawBody?: string; headers?: Record<string, string> };

/** Captures every request and answers with the next scripted answer (default: 200 `{}`). */
class ScriptedExecutor implements Executor {
  readonly requests: ArangoRequest[] = [];
  readonly extraHeaders = undefined;
  answers: Answer[] = [];
  async send(req: ArangoRequest, _options?: CallOptions): Promise<ArangoResponse> {
    this.requests.push(req);
    const a = this.answers.shift() ?? {};
    const body = a.body ?? {};
    return {
      status: a.status ?? 200,
      headers: a.headers ?? {},
      body,
      rawBody: a.rawBody ?? (typeof body === 'string' ? body : JSON.stringify(body)),
      host: 0,
      url: `http://h${requestPath(req)}`,
      site: undefined,
    };
  }
}

let validator: OpenApiValidator;
beforeAll(() => {
  validator = new OpenApiValidator();
});

/** Operations the 3.12 description does not have (removed or never documented), with the reason. */
const UNDOCUMENTED: Array<[RegExp, string]> = [
  [/^\/_admin\/wal\//, 'MMFiles-era WAL administration the seed documents; gone from 3.12'],
  [/^\/_api\/replication\/(logger-first-tick|sync|applier-)/, '3.11-only replication calls'],
  [
    /^\/_admin\/cluster\/node(Version|Engine)$/,
    "aioarangodb's per-server version/engine calls, undocumented",
  ],
  [/^\/_api\/control_pregel/, 'Pregel, removed in 3.12'],
];

/**
 * Problems the validator reports where the 3.12 description contradicts its own prose (and what
 * python-arango and arangojs send): each is accepted only with this exact wording.
 */
const DESCRIPTION_GAPS: Array<[RegExp, string]> = [
  [
    /^(POST|PATCH|PUT) \/_db\/[^/]+\/_api\/foxx(\/service)?\?.*: (create|upgrade|replace)FoxxService takes no request body$/,
    'the prose documents a JSON/zip/JS/multipart body; the schema lists none',
  ],
  [
    /^(PATCH|PUT) \/_db\/[^/]+\/_api\/foxx\/dependencies\?.*: body must have required property 'options'$/,
    'the schema wraps the mapping in "options" (the prose parameter name); the body is the mapping itself, as for /configuration',
  ],
];

function openApiProblems(req: ArangoRequest): string[] {
  const path = requestPath(req);
  const bare = path.replace(/^\/_db\/[^/]+/, '').replace(/\?.*$/, '');
  if (UNDOCUMENTED.some(([re]) => re.test(bare))) return [];
  const body =
    req.rawBody instanceof Uint8Array
      ? null
      : (req.rawBody ?? (req.body !== undefined ? JSON.stringify(req.body) : null));
  return validator
    .validate(req.method, path, body)
    .problems.map((p) => `${req.method} ${path}: ${p}`)
    .filter((p) => !DESCRIPTION_GAPS.some(([re]) => re.test(p)));
}

function setup(dbName = '_system') {
  const exec = new ScriptedExecutor();
  return { exec, db: new StandardDatabase(exec, dbName, 'root') };
}

/** The one request a call sent, as "METHOD /path?query", plus its body, headers and OpenAPI problems. */
function only(exec: ScriptedExecutor) {
  expect(exec.requests).toHaveLength(1);
  const req = exec.requests[0] as ArangoRequest;
  return {
    line: `${req.method} ${requestPath(req)}`,
    body: req.body,
    rawBody: req.rawBody,
    headers: req.headers,
    binary: req.binary,
    problems: openApiProblems(req),
  };
}

describe('Foxx requests (seed: "Foxx")', () => {
  const mount = '/test_mount';

  it('services, service, createService, updateService, replaceService, deleteService', async () => {
    const cases: Array<[string, (db: StandardDatabase) => Promise<unknown>, string, unknown?]> = [
      [
        'services',
        (db) => db.foxx.services({ excludeSystem: true }),
        'GET /_db/_system/_api/foxx?excludeSystem=true',
      ],
      ['service', (db) => db.foxx.service(mount), 'GET /_db/_system/_api/foxx/service?mount=%2Ftest_mount'],
      [
        'createService',
        (db) =>
          db.foxx.createService({
            mount,
            source: '/tmp/service.zip',
            config: {},
            dependencies: {},
            development: true,
            setup: true,
            legacy: true,
          }),
        'POST /_db/_system/_api/foxx?mount=%2Ftest_mount&development=true&setup=true&legacy=true',
        { source: '/tmp/service.zip', configuration: {}, dependencies: {} },
      ],
      [
        'updateService',
        (db) =>
          db.foxx.updateService({
            mount,
            source: '/tmp/service.zip',
            config: {},
            dependencies: {},
            teardown: true,
            setup: true,
            legacy: false,
          }),
        'PATCH /_db/_system/_api/foxx/service?mount=%2Ftest_mount&setup=true&legacy=false&teardown=true',
        { source: '/tmp/service.zip', configuration: {}, dependencies: {} },
      ],
      [
        'replaceService',
        (db) =>
          db.foxx.replaceService({
            mount,
            source: '/tmp/service.zip',
            config: {},
            dependencies: {},
            teardown: true,
            setup: true,
            legacy: true,
            force: false,
          }),
        'PUT /_db/_system/_api/foxx/service?mount=%2Ftest_mount&setup=true&legacy=true&teardown=true&force=false',
        { source: '/tmp/service.zip', configuration: {}, dependencies: {} },
      ],
      [
        'deleteService',
        (db) => db.foxx.deleteService(mount, { teardown: false }),
        'DELETE /_db/_system/_api/foxx/service?mount=%2Ftest_mount&teardown=false',
      ],
    ];
    for (const [name, call, line, body] of cases) {
      const { exec, db } = setup();
      await call(db);
      const sent = only(exec);
      expect(sent.line, name).toBe(line);
      expect(sent.body, name).toEqual(body);
      expect(sent.problems, name).toEqual([]);
    }
  });

  it('configuration, dependencies, development mode, readme, swagger, scripts, commit', async () => {
    const cases: Array<[string, (db: StandardDatabase) => Promise<unknown>, string, unknown?]> = [
      [
        'config',
        (db) => db.foxx.config(mount),
        'GET /_db/_system/_api/foxx/configuration?mount=%2Ftest_mount',
      ],
      [
        'updateConfig',
        (db) => db.foxx.updateConfig(mount, { config: { title: 'x' } }),
        'PATCH /_db/_system/_api/foxx/configuration?mount=%2Ftest_mount',
        { title: 'x' },
      ],
      [
        'replaceConfig',
        (db) => db.foxx.replaceConfig(mount, { config: {} }),
        'PUT /_db/_system/_api/foxx/configuration?mount=%2Ftest_mount',
        {},
      ],
      [
        'dependencies',
        (db) => db.foxx.dependencies(mount),
        'GET /_db/_system/_api/foxx/dependencies?mount=%2Ftest_mount',
      ],
      [
        'updateDependencies',
        (db) => db.foxx.updateDependencies(mount, { dependencies: { auth: '/auth' } }),
        'PATCH /_db/_system/_api/foxx/dependencies?mount=%2Ftest_mount',
        { auth: '/auth' },
      ],
      [
        'replaceDependencies',
        (db) => db.foxx.replaceDependencies(mount, { dependencies: {} }),
        'PUT /_db/_system/_api/foxx/dependencies?mount=%2Ftest_mount',
        {},
      ],
      [
        'enableDevelopment',
        (db) => db.foxx.enableDevelopment(mount),
        'POST /_db/_system/_api/foxx/development?mount=%2Ftest_mount',
      ],
      [
        'disableDevelopment',
        (db) => db.foxx.disableDevelopment(mount),
        'DELETE /_db/_system/_api/foxx/development?mount=%2Ftest_mount',
      ],
      ['readme', (db) => db.foxx.readme(mount), 'GET /_db/_system/_api/foxx/readme?mount=%2Ftest_mount'],
      ['swagger', (db) => db.foxx.swagger(mount), 'GET /_db/_system/_api/foxx/swagger?mount=%2Ftest_mount'],
      ['scripts', (db) => db.foxx.scripts(mount), 'GET /_db/_system/_api/foxx/scripts?mount=%2Ftest_mount'],
      [
        'runScript',
        (db) => db.foxx.runScript(mount, 'setup', []),
        'POST /_db/_system/_api/foxx/scripts/setup?mount=%2Ftest_mount',
        [],
      ],
      ['commit (seed passes the mount)', (db) => db.foxx.commit(mount), 'POST /_db/_system/_api/foxx/commit'],
      [
        'commit replace',
        (db) => db.foxx.commit({ replace: true }),
        'POST /_db/_system/_api/foxx/commit?replace=true',
      ],
    ];
    for (const [name, call, line, body] of cases) {
      const { exec, db } = setup();
      await call(db);
      const sent = only(exec);
      expect(sent.line, name).toBe(line);
      expect(sent.body, name).toEqual(body);
      expect(sent.problems, name).toEqual([]);
    }
  });

  it('readme is the text (empty on 204); commit and deleteService answer true', async () => {
    const { exec, db } = setup();
    exec.answers = [{ body: '# My service\n' }, { status: 204, body: '' }, { status: 204 }, { status: 204 }];
    expect(await db.foxx.readme(mount)).toBe('# My service\n');
    expect(await db.foxx.readme(mount)).toBe('');
    expect(await db.foxx.commit()).toBe(true);
    expect(await db.foxx.deleteService(mount)).toBe(true);
  });

  it('runTests: reporter, filter and the Accept header of the output format; returns the raw report', async () => {
    const { exec, db } = setup();
    exec.answers = [{ body: '<testsuite/>', rawBody: '<testsuite/>' }];
    const report = await db.foxx.runTests(mount, {
      reporter: 'xunit',
      outputFormat: 'xml',
      nameFilter: 'auth',
    });
    const sent = only(exec);
    expect(sent.line).toBe(
      'POST /_db/_system/_api/foxx/tests?mount=%2Ftest_mount&reporter=xunit&filter=auth',
    );
    expect(sent.headers).toEqual({ accept: 'application/xml' });
    expect(sent.problems).toEqual([]);
    expect(report).toBe('<testsuite/>');
  });

  it('download asks for bytes and returns them', async () => {
    const { exec, db } = setup();
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    exec.answers = [{ body: zip, rawBody: '' }];
    const bytes = await db.foxx.download(mount);
    const sent = only(exec);
    expect(sent.line).toBe('POST /_db/_system/_api/foxx/download?mount=%2Ftest_mount');
    expect(sent.binary).toBe(true);
    expect(Buffer.from(bytes).equals(zip)).toBe(true);
  });

  it('*WithFile uploads the file itself: a zip as application/zip, a script as application/javascript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbwire-foxx-'));
    const zipPath = join(dir, 'service.zip');
    const zipBytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
    writeFileSync(zipPath, zipBytes);
    const jsPath = join(dir, 'index.js');
    writeFileSync(jsPath, "module.context.use('/', require('./routes'));\n");

    const a = setup();
    await a.db.foxx.createServiceWithFile({
      mount,
      filename: zipPath,
      development: true,
      setup: true,
      legacy: true,
    });
    const create = only(a.exec);
    expect(create.line).toBe(
      'POST /_db/_system/_api/foxx?mount=%2Ftest_mount&development=true&setup=true&legacy=true',
    );
    expect(create.headers).toEqual({ 'content-type': 'application/zip' });
    expect(Buffer.from(create.rawBody as Uint8Array).equals(zipBytes)).toBe(true);
    expect(create.problems).toEqual([]);

    const b = setup();
    await b.db.foxx.updateServiceWithFile({
      mount,
      filename: jsPath,
      teardown: false,
      setup: true,
      legacy: true,
      force: false,
    });
    const update = only(b.exec);
    expect(update.line).toBe(
      'PATCH /_db/_system/_api/foxx/service?mount=%2Ftest_mount&setup=true&legacy=true&teardown=false&force=false',
    );
    expect(update.headers).toEqual({ 'content-type': 'application/javascript' });
    expect(Buffer.from(update.rawBody as Uint8Array).toString()).toContain('module.context.use');

    const c = setup();
    await c.db.foxx.replaceServiceWithFile({
      mount,
      filename: zipPath,
      teardown: false,
      setup: true,
      legacy: true,
      force: false,
    });
    expect(only(c.exec).line).toMatch(/^PUT \/_db\/_system\/_api\/foxx\/service\?mount=%2Ftest_mount&/);

    expect(serviceFileUpload(new Uint8Array([0x50, 0x4b])).contentType).toBe('application/javascript');
  });

  it('bad input fails before any I/O: missing mount, missing source, unreadable file', async () => {
    const { exec, db } = setup();
    await expect(db.foxx.service('')).rejects.toBeInstanceOf(ArangoClientError);
    await expect(db.foxx.createService({ mount, source: '' })).rejects.toBeInstanceOf(ArangoClientError);
    await expect(
      db.foxx.createServiceWithFile({ mount, filename: '/nonexistent/dbwire/service.zip' }),
    ).rejects.toThrow(/cannot read service file/);
    expect(exec.requests).toHaveLength(0);
  });

  it('a failed install is a FoxxServiceCreateError with the server error code', async () => {
    const { exec, db } = setup();
    exec.answers = [
      {
        status: 400,
        body: { error: true, code: 400, errorNum: 3011, errorMessage: 'service already exists' },
      },
    ];
    const err = await db.foxx.createService({ mount, source: '/tmp/s.zip' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FoxxServiceCreateError);
    expect(err).toMatchObject({ errorCode: 3011, httpCode: 400 });
  });
});

describe('cluster administration requests (seed: "Clusters")', () => {
  it('serverId, serverRole, health, statistics, serverVersion, serverEngine, endpoints', async () => {
    const { exec, db } = setup();
    exec.answers = [
      { body: { error: false, code: 200, id: 'CRDN-1' } },
      { body: { error: false, code: 200, role: 'COORDINATOR', mode: 'default' } },
      { body: { error: false, code: 200, ClusterId: 'c1', Health: { 'CRDN-1': { Role: 'Coordinator' } } } },
      { body: { error: false, code: 200, time: 1, enabled: true } },
      { body: { server: 'arango', version: '3.12.10' } },
      { body: { name: 'rocksdb' } },
      {
        body: {
          error: false,
          code: 200,
          endpoints: [{ endpoint: 'tcp://c1:8529' }, { endpoint: 'tcp://c2:8529' }],
        },
      },
    ];
    const cluster = db.cluster;
    expect(await cluster.serverId()).toBe('CRDN-1');
    expect(await cluster.serverRole()).toBe('COORDINATOR');
    expect(await cluster.health()).toEqual({
      ClusterId: 'c1',
      Health: { 'CRDN-1': { Role: 'Coordinator' } },
    });
    expect(await cluster.statistics('PRMR-1')).toEqual({ time: 1, enabled: true });
    expect(await cluster.serverVersion('PRMR-1')).toMatchObject({ version: '3.12.10' });
    expect(await cluster.serverEngine('PRMR-1')).toEqual({ name: 'rocksdb' });
    expect(await cluster.endpoints()).toEqual(['tcp://c1:8529', 'tcp://c2:8529']);
    expect(exec.requests.map((r) => `${r.method} ${requestPath(r)}`)).toEqual([
      'GET /_admin/server/id',
      'GET /_admin/server/role',
      'GET /_admin/cluster/health',
      'GET /_admin/cluster/statistics?DBserver=PRMR-1',
      'GET /_admin/cluster/nodeVersion?ServerID=PRMR-1',
      'GET /_admin/cluster/nodeEngine?ServerID=PRMR-1',
      'GET /_api/cluster/endpoints',
    ]);
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
  });

  it('toggleMaintenanceMode sends "on"/"off"/seconds as a JSON string; anything else fails before I/O', async () => {
    const { exec, db } = setup();
    await db.cluster.toggleMaintenanceMode('on');
    await db.cluster.toggleMaintenanceMode('off');
    await db.cluster.toggleMaintenanceMode(7200);
    expect(exec.requests.map((r) => [r.method, requestPath(r), JSON.stringify(r.body)])).toEqual([
      ['PUT', '/_admin/cluster/maintenance', '"on"'],
      ['PUT', '/_admin/cluster/maintenance', '"off"'],
      ['PUT', '/_admin/cluster/maintenance', '"7200"'],
    ]);
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
    // @ts-expect-error: not a mode
    await expect(db.cluster.toggleMaintenanceMode('maybe')).rejects.toBeInstanceOf(ArangoClientError);
    expect(exec.requests).toHaveLength(3);
    exec.answers = [
      { status: 403, body: { error: true, code: 403, errorNum: 11, errorMessage: 'forbidden' } },
    ];
    await expect(db.cluster.toggleMaintenanceMode('on')).rejects.toBeInstanceOf(ClusterMaintenanceModeError);
  });
});

describe('server administration requests (seed: "Server Administration")', () => {
  it('each call sends the documented request and decodes the answer', async () => {
    const { exec, db } = setup('test');
    exec.answers = [
      { body: { error: false, code: 200, version: '31200' } },
      { body: { error: false, code: 200, time: 1785857304.5 } },
      { body: { error: false, code: 200, role: 'SINGLE', mode: 'default' } },
      {
        body: { total: 1, messages: [{ id: 7, topic: 'general', level: 'DEBUG', date: 'd', message: 'm' }] },
      },
      { body: { agency: 'INFO', threads: 'WARNING' } },
      { body: { agency: 'DEBUG', collector: 'INFO', threads: 'WARNING' } },
      { body: { headers: {}, requestType: 'POST' } },
      { body: { error: false, code: 200 } },
      { body: { error: false, code: 200 } },
      { body: { error: false, code: 200 } },
    ];
    expect(await db.requiredDbVersion()).toBe('31200');
    expect((await db.time()).toISOString()).toBe('2026-08-04T15:28:24.500Z');
    expect(await db.role()).toBe('SINGLE');
    expect((await db.readLog({ level: 'debug', size: 10, search: 'x', sort: 'desc' })).messages[0]?.id).toBe(
      7,
    );
    expect(await db.logLevels({ withAppenders: true })).toEqual({ agency: 'INFO', threads: 'WARNING' });
    expect(await db.setLogLevels({ agency: 'DEBUG', collector: 'INFO', threads: 'WARNING' })).toMatchObject({
      agency: 'DEBUG',
    });
    expect((await db.echo()).requestType).toBe('POST');
    expect(await db.reloadRouting()).toBe(true);
    expect(await db.compact({ changeLevel: true, compactBottomMostLevel: false })).toEqual({});
    expect(await db.shutdown({ soft: true })).toBe(true);
    exec.answers = [{ body: { error: false, code: 200, id: 'CRDN-1' } }];
    expect(await db.serverId()).toBe('CRDN-1');
    const hashes = { active: { sha256: 'a' }, passive: [] };
    exec.answers = [
      { body: { error: false, code: 200, result: { keyfile: { sha256: 'k' } } } },
      { body: { error: false, code: 200, result: { keyfile: { sha256: 'k2' } } } },
      { body: { error: false, code: 200, result: hashes } },
      { body: { error: false, code: 200, result: hashes } },
    ];
    expect(await db.tls()).toEqual({ keyfile: { sha256: 'k' } });
    expect(await db.reloadTls()).toEqual({ keyfile: { sha256: 'k2' } });
    expect(await db.jwtSecrets()).toEqual(hashes);
    expect(await db.reloadJwtSecrets()).toEqual(hashes);
    expect(exec.requests.map((r) => `${r.method} ${requestPath(r)} ${JSON.stringify(r.body) ?? ''}`)).toEqual(
      [
        'GET /_admin/database/target-version ',
        'GET /_db/test/_admin/time ',
        'GET /_admin/server/role ',
        'GET /_admin/log/entries?level=debug&size=10&search=x&sort=desc ',
        'GET /_admin/log/level?withAppenders=true ',
        'PUT /_admin/log/level {"agency":"DEBUG","collector":"INFO","threads":"WARNING"}',
        'POST /_db/test/_admin/echo ',
        'POST /_db/test/_admin/routing/reload ',
        'PUT /_admin/compact {"changeLevel":true,"compactBottomMostLevel":false}',
        'DELETE /_db/test/_admin/shutdown?soft=true ',
        'GET /_admin/server/id ',
        'GET /_db/test/_admin/server/tls ',
        'POST /_admin/server/tls ',
        'GET /_db/test/_admin/server/jwt ',
        'POST /_admin/server/jwt ',
      ],
    );
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
  });
});

describe('users, tasks, views and analyzers: requests the recordings do not show', () => {
  it('replaceUser, createUser with extra, createTask with an id, deleteAnalyzer force, search-alias views', async () => {
    const { exec, db } = setup();
    exec.answers = [
      { body: { user: 'johndoe@gmail.com', active: true, extra: { team: 'frontend' } } },
      { status: 201, body: { user: 'johndoe@gmail.com', active: true, extra: { team: 'backend' } } },
      { body: { id: '001', name: 'test_task', type: 'periodic', period: 10, offset: 300 } },
      { body: { error: false, code: 200, name: '_system::test_analyzer' } },
      { status: 201, body: { id: '1', name: 'alias', type: 'search-alias', indexes: [] } },
    ];
    expect(
      await db.replaceUser({
        username: 'johndoe@gmail.com',
        password: 'third_password',
        active: true,
        extra: { team: 'frontend', title: 'architect' },
      }),
    ).toEqual({ username: 'johndoe@gmail.com', active: true, extra: { team: 'frontend' } });
    await db.createUser({
      username: 'johndoe@gmail.com',
      password: 'first_password',
      active: true,
      extra: { team: 'backend' },
    });
    expect(
      await db.createTask({
        name: 'test_task',
        command: 'var task = function(params){}; task(params);',
        params: { foo: 'bar' },
        offset: 300,
        period: 10,
        taskId: '001',
      }),
    ).toMatchObject({ id: '001', period: 10 });
    expect(await db.deleteAnalyzer('test_analyzer', { ignoreMissing: true, force: true })).toBe(true);
    await db.createSearchAliasView({ name: 'alias', properties: { indexes: [] } });
    // Passwords sent in bodies are registered secrets: errors carrying the request never show them.
    expect(redact('password third_password')).toBe('password ***');
    expect(exec.requests.map((r) => `${r.method} ${requestPath(r)} ${JSON.stringify(r.body) ?? ''}`)).toEqual(
      [
        'PUT /_db/_system/_api/user/johndoe%40gmail.com {"passwd":"third_password","active":true,"extra":{"team":"frontend","title":"architect"}}',
        'POST /_db/_system/_api/user {"user":"johndoe@gmail.com","passwd":"first_password","active":true,"extra":{"team":"backend"}}',
        'PUT /_db/_system/_api/tasks/001 {"command":"var task = function(params){}; task(params);","name":"test_task","params":{"foo":"bar"},"offset":300,"period":10}',
        'DELETE /_db/_system/_api/analyzer/test_analyzer?force=true ',
        'POST /_db/_system/_api/view {"indexes":[],"name":"alias","type":"search-alias"}',
      ],
    );
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
  });

  it('missing required fields fail before any I/O', async () => {
    const { exec, db } = setup();
    // @ts-expect-error: command is required
    await expect(db.createTask({ name: 'x' })).rejects.toBeInstanceOf(ArangoClientError);
    // @ts-expect-error: permission is required
    await expect(db.updatePermission({ username: 'u', database: 'd' })).rejects.toBeInstanceOf(
      ArangoClientError,
    );
    await expect(db.user('')).rejects.toBeInstanceOf(ArangoClientError);
    await expect(db.createView({ name: 'v', viewType: '' })).rejects.toBeInstanceOf(ArangoClientError);
    await expect(db.createAnalyzer({ name: '', analyzerType: 'identity' })).rejects.toBeInstanceOf(
      ArangoClientError,
    );
    await expect(db.backup.upload({ repository: 'local://tmp' })).rejects.toThrow(/backupId or uploadId/);
    await expect(db.backup.delete('')).rejects.toBeInstanceOf(ArangoClientError);
    expect(exec.requests).toHaveLength(0);
  });
});

describe('WAL and replication requests (seed: "Write-Ahead Log", "Replication")', () => {
  it('WAL properties/configure/transactions/flush use the seed names; tail maps its options to the query', async () => {
    const { exec, db } = setup();
    exec.answers = [
      {
        body: {
          allowOversizeEntries: true,
          logfileSize: 33554432,
          historicLogfiles: 10,
          reserveLogfiles: 3,
          syncInterval: 100,
          throttleWait: 15000,
          throttleWhenPending: 0,
        },
      },
      {
        body: {
          allowOversizeEntries: false,
          logfileSize: 30000000,
          historicLogfiles: 15,
          reserveLogfiles: 5,
          throttleWait: 16000,
          throttleWhenPending: 0,
        },
      },
      { body: { runningTransactions: 2, minLastCollected: 5, minLastSealed: null } },
      { body: { error: false, code: 200 } },
      { status: 204, body: '', rawBody: '', headers: { 'x-arango-replication-checkmore': 'false' } },
    ];
    expect(await db.wal.properties()).toEqual({
      oversizedOps: true,
      logSize: 33554432,
      historicLogs: 10,
      reserveLogs: 3,
      syncInterval: 100,
      throttleWait: 15000,
      throttleLimit: 0,
    });
    expect(
      await db.wal.configure({
        historicLogs: 15,
        oversizedOps: false,
        logSize: 30000000,
        reserveLogs: 5,
        throttleLimit: 0,
        throttleWait: 16000,
      }),
    ).toMatchObject({ historicLogs: 15, logSize: 30000000 });
    expect(await db.wal.transactions()).toEqual({ count: 2, lastCollected: 5, lastSealed: null });
    expect(await db.wal.flush({ garbageCollect: true })).toBe(true);
    expect(
      await db.wal.tail({
        lower: '10',
        upper: 20,
        lastScanned: 15,
        allDatabases: true,
        chunkSize: 400,
        syncerId: 3,
        serverId: 4,
        clientInfo: 'me',
      }),
    ).toMatchObject({ checkMore: false, content: '' });
    expect(exec.requests.map((r) => `${r.method} ${requestPath(r)} ${JSON.stringify(r.body) ?? ''}`)).toEqual(
      [
        'GET /_db/_system/_admin/wal/properties ',
        'PUT /_db/_system/_admin/wal/properties {"allowOversizeEntries":false,"logfileSize":30000000,"historicLogfiles":15,"reserveLogfiles":5,"throttleWait":16000,"throttleWhenPending":0}',
        'GET /_db/_system/_admin/wal/transactions ',
        'PUT /_db/_system/_admin/wal/flush?waitForSync=true&waitForCollector=true ',
        'GET /_db/_system/_api/wal/tail?from=10&to=20&lastScanned=15&global=true&chunkSize=400&syncerId=3&serverId=4&clientInfo=me ',
      ],
    );
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
  });

  it('dump batches, inventory, dump, cluster inventory, first tick, synchronize', async () => {
    const { exec, db } = setup('test');
    exec.answers = [
      { body: { id: 42, lastTick: 1000 } },
      { status: 204 },
      { body: { collections: [], views: [], state: { running: true }, tick: '9' } },
      {
        body: '{"type":2300,"data":{"_key":"a"}}\n{"type":2300,"data":{"_key":"b"}}\n',
        headers: { 'x-arango-replication-checkmore': 'true', 'x-arango-replication-lastincluded': '77' },
      },
      { body: { collections: [], views: [] } },
      { body: { firstTick: '5' } },
      { body: { collections: [], lastLogTick: '99' } },
      { status: 204 },
    ];
    const replication = db.replication;
    const batch = await replication.createDumpBatch({ ttl: 1000 });
    expect(batch).toEqual({ id: '42', lastTick: '1000' });
    expect(await replication.extendDumpBatch(batch.id, { ttl: 1000 })).toBe(true);
    expect(
      (await replication.inventory({ batchId: batch.id, includeSystem: true, allDatabases: true })).tick,
    ).toBe('9');
    const dump = await replication.dump({
      collection: 'students',
      batchId: batch.id,
      chunkSize: 0,
      deserialize: true,
    });
    expect(dump).toMatchObject({ checkMore: true, lastIncluded: '77' });
    expect(dump.content).toEqual([
      { type: 2300, data: { _key: 'a' } },
      { type: 2300, data: { _key: 'b' } },
    ]);
    expect(await replication.clusterInventory({ includeSystem: true })).toEqual({
      collections: [],
      views: [],
    });
    expect(await replication.loggerFirstTick()).toBe('5');
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
    expect(await replication.deleteDumpBatch(batch.id)).toBe(true);
    expect(exec.requests.map((r) => `${r.method} ${requestPath(r)} ${JSON.stringify(r.body) ?? ''}`)).toEqual(
      [
        'POST /_db/test/_api/replication/batch {"ttl":1000}',
        'PUT /_db/test/_api/replication/batch/42 {"ttl":1000}',
        'GET /_db/test/_api/replication/inventory?batchId=42&includeSystem=true&global=true ',
        'GET /_db/test/_api/replication/dump?collection=students&batchId=42&chunkSize=0 ',
        'GET /_db/test/_api/replication/clusterInventory?includeSystem=true ',
        'GET /_db/test/_api/replication/logger-first-tick ',
        'PUT /_db/test/_api/replication/sync {"endpoint":"tcp://master:8500","database":"test","username":"root","password":"passwd","includeSystem":false,"incremental":false,"restrictType":"include","restrictCollections":["students"]}',
        'DELETE /_db/test/_api/replication/batch/42 ',
      ],
    );
    expect(exec.requests.flatMap(openApiProblems)).toEqual([]);
  });

  it('parseJsonLines reads JSON lines, and a single pretty-printed value', () => {
    expect(parseJsonLines('{"a":1}\n{"b":2}\n')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseJsonLines('{ \n  "tick" : "1" \n}')).toEqual([{ tick: '1' }]);
    expect(parseJsonLines('')).toEqual([]);
  });
});

describe('Pregel (seed: "Pregel")', () => {
  it('createJob maps the seed options into params', async () => {
    const { exec, db } = setup('test');
    exec.answers = [{ body: '1234' }];
    const id = await db.pregel.createJob({
      graph: 'school',
      algorithm: 'pagerank',
      store: false,
      maxGss: 100,
      threadCount: 1,
      asyncMode: false,
      resultField: 'result',
      algorithmParams: { threshold: 0.000001 },
    });
    expect(id).toBe('1234');
    expect(exec.requests[0]?.body).toEqual({
      algorithm: 'pagerank',
      graphName: 'school',
      params: {
        threshold: 0.000001,
        store: false,
        maxGSS: 100,
        parallelism: 1,
        async: false,
        resultField: 'result',
      },
    });
  });

  it('the "unknown path" answer of 3.12 is recognised; a missing job is not', async () => {
    const { exec, db } = setup();
    exec.answers = [
      {
        status: 404,
        body: {
          error: true,
          code: 404,
          errorNum: 404,
          errorMessage: "unknown path '/_api/control_pregel/1'",
        },
      },
      {
        status: 404,
        body: { error: true, code: 404, errorNum: 1600, errorMessage: 'Execution number is invalid' },
      },
    ];
    const removed = await db.pregel.job('1').catch((e: unknown) => e);
    expect(removed).toBeInstanceOf(PregelJobGetError);
    expect((removed as Error).message).toMatch(/Pregel is not available on this server/);
    const missing = await db.pregel.job('2').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PregelJobGetError);
    expect((missing as Error).message).not.toMatch(/not available/);
    expect(
      isPregelMissing({ statusCode: 404, errorCode: 404, errorMessage: "unknown path '/x'" } as Parameters<
        typeof isPregelMissing
      >[0]),
    ).toBe(true);
  });
});

describe('mixInAdministration', () => {
  it('gives StandardDatabase and its subclasses the administration members', () => {
    const exec = new ScriptedExecutor();
    const trx = new TransactionDatabase(exec, 'test', '7');
    expect(typeof trx.createUser).toBe('function');
    expect(trx.foxx.dbName).toBe('test');
  });

  it('refuses to replace a member the target class already has', () => {
    class WithUsers extends ApiGroup {
      users(): string {
        return 'mine';
      }
    }
    expect(() => mixInAdministration(WithUsers)).toThrow(/"users" clashes with WithUsers.users/);
  });
});
