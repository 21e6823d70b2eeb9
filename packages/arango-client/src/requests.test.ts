/**
 * Request building of every public method, checked against ArangoDB 3.12's OpenAPI description
 * (shared/arango/openapi-3.12.json, through the replay server's validator). No network: a recording
 * executor captures each request and answers with a minimal body.
 */
import type { CallOptions } from '@dbwire/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../../../tooling/servers/src/arango/openapi.js';
import type { ArangoRequest, ArangoResponse, Executor } from './connection.js';
import { requestPath } from './connection.js';
import { Cursor } from './cursor.js';
import { StandardDatabase, TransactionDatabase } from './database.js';

class RecordingExecutor implements Executor {
  readonly requests: ArangoRequest[] = [];
  readonly extraHeaders = undefined;
  async send(req: ArangoRequest, _options?: CallOptions): Promise<ArangoResponse> {
    this.requests.push(req);
    const status = req.method === 'POST' ? 201 : 200;
    const body = {
      error: false,
      code: status,
      result: [],
      id: '1',
      graph: { name: 'g', edgeDefinitions: [], orphanCollections: [] },
      graphs: [],
      indexes: [],
      collections: [],
      edges: [],
      vertex: { _id: 'v/1', _key: '1', _rev: 'r' },
      edge: { _id: 'e/1', _key: '1', _rev: 'r' },
    };
    return { status, headers: {}, body, rawBody: JSON.stringify(body), host: 0, url: '', site: undefined };
  }
}

let validator: OpenApiValidator;
beforeAll(() => {
  validator = new OpenApiValidator();
});

function check(req: ArangoRequest): string[] {
  const body =
    req.rawBody !== undefined
      ? Buffer.from(req.rawBody).toString()
      : req.body !== undefined
        ? JSON.stringify(req.body)
        : undefined;
  const { problems } = validator.validate(req.method, requestPath(req), body ?? null);
  return problems.map((p) => `${req.method} ${requestPath(req)}: ${p}`);
}

/** Runs `fn` (its result shaping may fail on the minimal answer) and returns the requests it built. */
async function build(
  fn: (db: StandardDatabase, exec: RecordingExecutor) => Promise<unknown>,
): Promise<ArangoRequest[]> {
  const exec = new RecordingExecutor();
  const db = new StandardDatabase(exec, 'test', 'root');
  await fn(db, exec).catch(() => {});
  return exec.requests;
}

type Call = [string, (db: StandardDatabase, exec: RecordingExecutor) => Promise<unknown>];

const students = (db: StandardDatabase) => db.collection('students');
const school = (db: StandardDatabase) => db.graph('school');

const CALLS: Call[] = [
  // server and databases
  ['version', (db) => db.version()],
  ['version details', (db) => db.version({ details: true })],
  ['details', (db) => db.details()],
  ['status', (db) => db.status()],
  ['engine', (db) => db.engine()],
  ['properties', (db) => db.properties()],
  ['databases', (db) => db.databases()],
  ['databasesAccessible', (db) => db.databasesAccessible()],
  ['hasDatabase', (db) => db.hasDatabase('test')],
  ['createDatabase name', (db) => db.createDatabase('test')],
  [
    'createDatabase users',
    (db) =>
      db.createDatabase({
        name: 'test',
        users: [{ username: 'jane', password: 'foo', active: true, extra: { team: 'a' } }],
        options: { sharding: 'single' },
      }),
  ],
  [
    'createDatabase options',
    (db) => db.createDatabase('test', { replicationFactor: 2, writeConcern: 1, sharding: 'flexible' }),
  ],
  ['deleteDatabase', (db) => db.deleteDatabase('test', { ignoreMissing: true })],
  ['keyGenerators', (db) => db.keyGenerators()],
  // collections
  ['collections', (db) => db.collections({ excludeSystem: true })],
  ['hasCollection', (db) => db.hasCollection('students')],
  [
    'createCollection all options',
    (db) =>
      db.createCollection('students', {
        sync: true,
        system: false,
        edge: true,
        userKeys: true,
        keyIncrement: 2,
        keyOffset: 1,
        keyGenerator: 'autoincrement',
        shardCount: 3,
        replicationFactor: 2,
        syncReplication: true,
        enforceReplicationFactor: false,
        writeConcern: 1,
        schema: { rule: { type: 'object' }, level: 'moderate', message: 'x' },
        computedValues: [{ name: 'c', expression: 'RETURN 1', overwrite: true }],
        cacheEnabled: false,
      }),
  ],
  ['deleteCollection', (db) => db.deleteCollection('_students', { system: true })],
  ['collection.properties', (db) => students(db).properties()],
  [
    'collection.configure',
    (db) =>
      students(db).configure({
        sync: true,
        schema: { rule: { type: 'object' } },
        cacheEnabled: true,
        writeConcern: 1,
      }),
  ],
  ['collection.revision', (db) => students(db).revision()],
  ['collection.statistics', (db) => students(db).statistics({ details: true })],
  ['collection.checksum', (db) => students(db).checksum({ withRev: true, withData: true })],
  ['collection.count', (db) => students(db).count()],
  ['collection.load', (db) => students(db).load()],
  ['collection.unload', (db) => students(db).unload()],
  ['collection.truncate', (db) => students(db).truncate()],
  ['collection.rename', (db) => students(db).rename('pupils')],
  ['collection.responsibleShard', (db) => students(db).responsibleShard({ _key: 'a' })],
  ['collection.compact', (db) => students(db).compact()],
  ['collection.shards', (db) => students(db).shards({ details: true })],
  // indexes
  ['indexes', (db) => students(db).indexes()],
  [
    'addHashIndex',
    (db) =>
      students(db).addHashIndex({
        fields: ['name'],
        unique: false,
        sparse: true,
        deduplicate: true,
        name: 'h',
      }),
  ],
  [
    'addSkiplistIndex',
    (db) => students(db).addSkiplistIndex({ fields: ['age'], sparse: false, inBackground: true }),
  ],
  [
    'addPersistentIndex',
    (db) =>
      students(db).addPersistentIndex({
        fields: ['a'],
        unique: true,
        storedValues: ['b'],
        cacheEnabled: true,
        estimates: false,
      }),
  ],
  ['addFulltextIndex', (db) => students(db).addFulltextIndex({ fields: ['text'], minLength: 3, name: 'ft' })],
  [
    'addGeoIndex',
    (db) => students(db).addGeoIndex({ fields: ['loc'], geoJson: true, legacyPolygons: false }),
  ],
  ['addTtlIndex', (db) => students(db).addTtlIndex({ fields: ['ttl'], expiryTime: 200 })],
  [
    'addInvertedIndex',
    (db) => students(db).addInvertedIndex({ fields: ['a', { name: 'b', analyzer: 'text_en' }], name: 'inv' }),
  ],
  ['addMdiIndex', (db) => students(db).addMdiIndex({ fields: ['x', 'y'], sparse: false })],
  [
    'addMdiIndex prefixed',
    (db) => students(db).addMdiIndex({ fields: ['x', 'y'], prefixFields: ['p'], storedValues: ['z'] }),
  ],
  ['loadIndexes', (db) => students(db).loadIndexes()],
  // documents
  ['has', (db) => students(db).has({ _key: 'lola', _rev: 'r1' })],
  ['get key', (db) => students(db).get('lola')],
  ['get id rev dirty', (db) => students(db).get('students/lola', { rev: 'r1', allowDirtyRead: true })],
  ['getMany', (db) => students(db).getMany(['abby', 'students/lola', { _key: 'john' }])],
  [
    'insert all options',
    (db) =>
      students(db).insert(
        { _key: 'lola', GPA: 3.5 },
        {
          returnNew: true,
          returnOld: true,
          sync: true,
          silent: false,
          overwriteMode: 'update',
          keepNone: false,
          merge: true,
        },
      ),
  ],
  ['insert overwrite', (db) => students(db).insert({ _id: 'students/lola' }, { overwrite: true })],
  ['insertMany', (db) => students(db).insertMany([{ a: 1 }, { a: 2 }], { returnNew: true, silent: false })],
  [
    'update',
    (db) =>
      students(db).update(
        { _key: 'lola', _rev: 'r', GPA: 2.6 },
        { keepNone: false, merge: false, returnNew: true, returnOld: true, sync: true },
      ),
  ],
  [
    'update no rev check',
    (db) => students(db).update({ _key: 'lola', _rev: 'r', GPA: 2.6 }, { checkRev: false, silent: true }),
  ],
  [
    'updateMany',
    (db) =>
      students(db).updateMany(
        [
          { _key: 'a', x: 1 },
          { _id: 'students/b', x: 2 },
        ],
        { checkRev: false },
      ),
  ],
  ['replace', (db) => students(db).replace({ _key: 'emma', GPA: 3.1 }, { returnOld: true })],
  ['replaceMany', (db) => students(db).replaceMany([{ _key: 'a', x: 1 }], { sync: true })],
  ['delete', (db) => students(db).delete('john', { rev: 'r', returnOld: true, sync: true, silent: false })],
  [
    'deleteMany',
    (db) =>
      students(db).deleteMany([{ _key: 'abby', _rev: 'r' }, 'john', 'students/lola'], { returnOld: true }),
  ],
  [
    'importBulk',
    (db) =>
      students(db).importBulk([{ _key: 'abby' }, { _key: 'john' }], {
        haltOnError: false,
        details: true,
        onDuplicate: 'update',
        sync: true,
        overwrite: false,
        fromPrefix: 'a',
        toPrefix: 'b',
      }),
  ],
  ['find', (db) => students(db).find({ first: 'John', 'address.city': 'Gotham' }, { skip: 1, limit: 2 })],
  ['all', (db) => students(db).all({ batchSize: 100 })],
  [
    'updateMatch',
    (db) =>
      students(db).updateMatch({ last: 'Park' }, { GPA: 3.0 }, { limit: 1, keepNone: false, sync: true }),
  ],
  ['replaceMatch', (db) => students(db).replaceMatch({ first: 'Emma' }, { first: 'Becky' })],
  ['deleteMatch', (db) => students(db).deleteMatch({ first: 'Emma' }, { limit: 2 })],
  ['db.document', (db) => db.document({ _id: 'students/abby' })],
  ['db.hasDocument', (db) => db.hasDocument('students/abby')],
  ['db.insertDocument', (db) => db.insertDocument('students', { _id: 'students/lola', GPA: 3.5 })],
  ['db.updateDocument', (db) => db.updateDocument({ _id: 'students/lola', GPA: 3.6 })],
  ['db.replaceDocument', (db) => db.replaceDocument({ _id: 'students/lola', GPA: 3.4 })],
  ['db.deleteDocument', (db) => db.deleteDocument('students/lola', { ignoreMissing: true })],
  // AQL
  [
    'aql.execute all options',
    (db) =>
      db.aql.execute('FOR doc IN students FILTER doc.age < @value RETURN doc', {
        bindVars: { value: 19 },
        count: true,
        batchSize: 2,
        ttl: 30,
        fullCount: true,
        maxPlans: 2,
        optimizerRules: ['-all'],
        cache: false,
        usePlanCache: false,
        memoryLimit: 1_000_000,
        failOnWarning: true,
        profile: 2,
        maxTransactionSize: 1000,
        maxWarningCount: 10,
        intermediateCommitCount: 10,
        intermediateCommitSize: 1000,
        satelliteSyncWait: 1,
        stream: true,
        skipInaccessibleCols: true,
        maxRuntime: 5,
        allowRetry: true,
        fillBlockCache: false,
        allowDirtyRead: true,
      }),
  ],
  [
    'aql.explain',
    (db) =>
      db.aql.explain('RETURN @x', { allPlans: true, maxPlans: 2, optRules: ['-all'], bindVars: { x: 1 } }),
  ],
  ['aql.validate', (db) => db.aql.validate('FOR doc IN students RETURN doc')],
  ['aql.queries', (db) => db.aql.queries()],
  ['aql.slowQueries', (db) => db.aql.slowQueries()],
  ['aql.clearSlowQueries', (db) => db.aql.clearSlowQueries()],
  ['aql.tracking', (db) => db.aql.tracking()],
  [
    'aql.setTracking',
    (db) =>
      db.aql.setTracking({
        enabled: true,
        maxSlowQueries: 10,
        trackBindVars: true,
        trackSlowQueries: true,
        slowQueryThreshold: 1,
      }),
  ],
  ['aql.kill', (db) => db.aql.kill('some_query_id')],
  ['aql.rules', (db) => db.aql.rules()],
  ['aql.functions', (db) => db.aql.functions({ namespace: 'functions' })],
  [
    'aql.createFunction',
    (db) =>
      db.aql.createFunction('functions::temperature::converter', 'function (c) { return c * 1.8 + 32; }', {
        isDeterministic: true,
      }),
  ],
  [
    'aql.deleteFunction',
    (db) => db.aql.deleteFunction('functions::temperature', { group: true, ignoreMissing: true }),
  ],
  ['aql.cache.properties', (db) => db.aql.cache.properties()],
  [
    'aql.cache.configure',
    (db) =>
      db.aql.cache.configure({ mode: 'demand', maxResults: 10000, maxEntrySize: 100, includeSystem: false }),
  ],
  ['aql.cache.entries', (db) => db.aql.cache.entries()],
  ['aql.cache.clear', (db) => db.aql.cache.clear()],
  ['aql.planCache.entries', (db) => db.aql.planCache.entries()],
  ['aql.planCache.clear', (db) => db.aql.planCache.clear()],
  // cursors
  ['cursor.fetch', (_db, exec) => new Cursor(exec, 'test', { id: '42', hasMore: true, result: [] }).fetch()],
  ['cursor.close', (_db, exec) => new Cursor(exec, 'test', { id: '42', hasMore: true, result: [] }).close()],
  // graphs
  ['graphs', (db) => db.graphs()],
  ['hasGraph', (db) => db.hasGraph('school')],
  [
    'createGraph',
    (db) =>
      db.createGraph('school', {
        edgeDefinitions: [
          { edgeCollection: 'teach', fromVertexCollections: ['teachers'], toVertexCollections: ['lectures'] },
        ],
        orphanCollections: ['x'],
        smart: true,
        smartFieldAttribute: 'region',
        shardCount: 2,
        replicationFactor: 2,
        writeConcern: 1,
        sync: true,
      }),
  ],
  ['deleteGraph', (db) => db.deleteGraph('school', { dropCollections: true, ignoreMissing: true })],
  ['graph.properties', (db) => school(db).properties()],
  ['graph.vertexCollections', (db) => school(db).vertexCollections()],
  ['graph.hasVertexCollection', (db) => school(db).hasVertexCollection('teachers')],
  ['graph.createVertexCollection', (db) => school(db).createVertexCollection('teachers')],
  ['graph.deleteVertexCollection', (db) => school(db).deleteVertexCollection('teachers', { purge: true })],
  ['graph.edgeDefinitions', (db) => school(db).edgeDefinitions()],
  ['graph.hasEdgeDefinition', (db) => school(db).hasEdgeDefinition('teach')],
  ['graph.edgeCollections', (db) => school(db).edgeCollections()],
  [
    'graph.createEdgeDefinition',
    (db) =>
      school(db).createEdgeDefinition({
        edgeCollection: 'teach',
        fromVertexCollections: ['teachers'],
        toVertexCollections: ['teachers'],
      }),
  ],
  [
    'graph.replaceEdgeDefinition',
    (db) =>
      school(db).replaceEdgeDefinition({
        edgeCollection: 'teach',
        fromVertexCollections: ['teachers'],
        toVertexCollections: ['lectures'],
      }),
  ],
  [
    'graph.deleteEdgeDefinition',
    (db) => school(db).deleteEdgeDefinition('teach', { purge: true, sync: true }),
  ],
  [
    'graph.insertVertex',
    (db) => school(db).insertVertex('lectures', { _key: 'CSC101' }, { sync: true, returnNew: true }),
  ],
  ['graph.vertex', (db) => school(db).vertex('lectures/CSC101', { rev: 'r' })],
  ['graph.hasVertex', (db) => school(db).hasVertex('lectures/CSC101')],
  [
    'graph.updateVertex',
    (db) =>
      school(db).updateVertex(
        { _id: 'lectures/CSC101', difficulty: 'easy' },
        { keepNone: false, returnOld: true },
      ),
  ],
  [
    'graph.replaceVertex',
    (db) =>
      school(db).replaceVertex(
        { _id: 'lectures/CSC101', _rev: 'r', difficulty: 'hard' },
        { returnNew: true },
      ),
  ],
  ['graph.deleteVertex', (db) => school(db).deleteVertex('lectures/CSC101', { returnOld: true, sync: true })],
  [
    'graph.insertEdge',
    (db) =>
      school(db).insertEdge('teach', {
        _id: 'teach/jon-CSC101',
        _from: 'teachers/jon',
        _to: 'lectures/CSC101',
      }),
  ],
  ['graph.edge', (db) => school(db).edge('teach/jon-CSC101')],
  ['graph.hasEdge', (db) => school(db).hasEdge('teach/jon-CSC101')],
  ['graph.updateEdge', (db) => school(db).updateEdge({ _id: 'teach/jon-CSC101', online: true })],
  [
    'graph.replaceEdge',
    (db) =>
      school(db).replaceEdge({ _id: 'teach/jon-CSC101', _from: 'teachers/jon', _to: 'lectures/CSC101' }),
  ],
  ['graph.deleteEdge', (db) => school(db).deleteEdge('teach/jon-CSC101')],
  [
    'graph.link',
    (db) => school(db).link('teach', 'teachers/jon', 'lectures/CSC101', { data: { online: false } }),
  ],
  ['graph.edges', (db) => school(db).edges('teach', 'teachers/jon', { direction: 'out' })],
  [
    'graph.traverse',
    (db) =>
      school(db).traverse({
        startVertex: 'teachers/jon',
        direction: 'outbound',
        strategy: 'bfs',
        edgeUniqueness: 'global',
        vertexUniqueness: 'global',
        minDepth: 1,
        maxDepth: 3,
        maxIter: 100,
      }),
  ],
  ['vertexCollection.properties', (db) => school(db).vertexCollection('teachers').properties()],
  ['vertexCollection.has', (db) => school(db).vertexCollection('teachers').has('jon')],
  // transactions
  [
    'beginTransaction',
    (db) =>
      db.beginTransaction({
        read: 'students',
        write: ['students'],
        exclusive: 'x',
        sync: true,
        allowImplicit: false,
        lockTimeout: 5,
        maxSize: 1000,
      }),
  ],
  [
    'executeTransaction',
    (db) =>
      db.executeTransaction({
        command: 'function () { return true; }',
        params: { a: 1 },
        read: 'students',
        write: 'students',
        sync: true,
        lockTimeout: 1,
        maxSize: 1000,
        allowImplicit: true,
      }),
  ],
  ['transactionStatus', (db, exec) => new TransactionDatabase(exec, db.name, '123').transactionStatus()],
  ['commitTransaction', (db, exec) => new TransactionDatabase(exec, db.name, '123').commitTransaction()],
  ['abortTransaction', (db, exec) => new TransactionDatabase(exec, db.name, '124').abortTransaction()],
  [
    'transaction document insert',
    (db, exec) => new TransactionDatabase(exec, db.name, '125').collection('students').insert({ a: 1 }),
  ],
  ['transaction aql', (db, exec) => new TransactionDatabase(exec, db.name, '126').aql.execute('RETURN 1')],
];

describe('every request the client builds is valid against openapi-3.12.json', () => {
  for (const [name, fn] of CALLS) {
    it(name, async () => {
      const requests = await build(fn);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.flatMap(check)).toEqual([]);
    });
  }
});

describe('known mistakes of the OpenAPI description (the client follows the server)', () => {
  it('shardKeys is an array on the wire (the description says string; arangod rejects a string)', async () => {
    const reqs = await build((db) => db.createCollection('c', { shardFields: ['_key'] }));
    expect(reqs[0]?.body).toMatchObject({ shardKeys: ['_key'] });
    expect(reqs.flatMap(check)).toEqual(['POST /_db/test/_api/collection: body/shardKeys must be string']);
  });
  it('DELETE /_api/index/<collection>/<id> keeps the slash (arangod splits suffixes before decoding)', async () => {
    const reqs = await build((db) => db.collection('students').deleteIndex('123'));
    expect(requestPath(reqs[0] as ArangoRequest)).toBe('/_db/test/_api/index/students/123');
    // The template has one {index-id} segment: the same request with the slash encoded is valid.
    const { problems } = validator.validate('DELETE', '/_db/test/_api/index/students%2F123', null);
    expect(problems).toEqual([]);
  });
});

describe('request details', () => {
  it('hash and skiplist indexes are created as persistent indexes', async () => {
    const [req] = await build((db) => db.collection('c').addHashIndex({ fields: ['a'] }));
    expect(req?.body).toMatchObject({ type: 'persistent', fields: ['a'] });
  });
  it('revisions travel as quoted If-Match headers, not in the body', async () => {
    const [req] = await build((db) => db.collection('c').update({ _key: 'k', _rev: 'r1', x: 1 }));
    expect(req?.headers).toEqual({ 'if-match': '"r1"' });
    expect(req?.body).toEqual({ x: 1 });
    expect(req?.endpoint).toBe('/_api/document/c/k');
  });
  it('stream transaction wrappers send x-arango-trx-id; plain ones do not', async () => {
    const reqs = await build(async (db, exec) => {
      await new TransactionDatabase(exec, db.name, '77').collection('c').get('k');
      await db.collection('c').get('k');
    });
    expect(reqs[0]?.headers?.['x-arango-trx-id']).toBe('77');
    expect(reqs[1]?.headers).toBeUndefined();
  });
  it('keys are URL-encoded into the path', async () => {
    const [req] = await build((db) => db.collection('my col').get('a:b@c'));
    expect(requestPath(req as ArangoRequest)).toBe('/_db/test/_api/document/my%20col/a%3Ab%40c');
  });
  it('filters become bind parameters (no AQL injection through field names or values)', async () => {
    const [req] = await build((db) => db.collection('c').find({ 'a.b': '" RETURN 1 //' }));
    expect(req?.body).toMatchObject({
      query: 'FOR doc IN @@collection FILTER doc.@f0 == @v0 RETURN doc',
      bindVars: { '@collection': 'c', f0: ['a', 'b'], v0: '" RETURN 1 //' },
    });
  });
  it('traversal runs over AQL with the seed semantics', async () => {
    const [req] = await build((db) =>
      db.graph('school').traverse({
        startVertex: 'teachers/jon',
        strategy: 'bfs',
        vertexUniqueness: 'global',
        edgeUniqueness: 'global',
      }),
    );
    expect(String((req?.body as { query?: string } | undefined)?.query)).toContain(
      'OUTBOUND @start GRAPH @graph OPTIONS { order: "bfs", uniqueVertices: "global", uniqueEdges: "path" }',
    );
  });
  it('get({ _key, _rev }) without options checks the revision with If-Match', async () => {
    const reqs = await build(async (db) => {
      await db.collection('c').get({ _key: 'k', _rev: 'r1' });
      await db.collection('c').get({ _key: 'k', _rev: 'r1' }, { checkRev: false });
      await db.collection('c').get('k');
    });
    expect(reqs.map((r) => r.headers)).toEqual([{ 'if-match': '"r1"' }, undefined, undefined]);
  });
  it('vertex and edge collections share the document calls, sending only what the graph API knows', async () => {
    const reqs = await build(async (db) => {
      const teachers = db.graph('school').vertexCollection('teachers');
      await teachers.insert({ _key: 'jon' }, { silent: true, returnNew: true, overwrite: true });
      await teachers.update({ _key: 'jon', _rev: 'r', age: 1 }, { keepNone: false, merge: true });
      await teachers.get({ _key: 'jon', _rev: 'r' });
      await db.graph('school').edgeCollection('teach').delete('k', { returnOld: true, silent: false });
    });
    expect(reqs.map((r) => [r.method, requestPath(r), r.headers])).toEqual([
      ['POST', '/_db/test/_api/gharial/school/vertex/teachers?returnNew=true', undefined],
      ['PATCH', '/_db/test/_api/gharial/school/vertex/teachers/jon?keepNull=false', { 'if-match': '"r"' }],
      ['GET', '/_db/test/_api/gharial/school/vertex/teachers/jon', { 'if-match': '"r"' }],
      ['DELETE', '/_db/test/_api/gharial/school/edge/teach/k?returnOld=true', undefined],
    ]);
  });
  it('a silent graph write answers true; a normal one the metadata under vertex/edge', async () => {
    const exec = new RecordingExecutor();
    const teachers = new StandardDatabase(exec, 'test').graph('school').vertexCollection('teachers');
    expect(await teachers.insert({ _key: '1' }, { silent: true })).toBe(true);
    expect(await teachers.insert({ _key: '1' })).toEqual({ _id: 'v/1', _key: '1', _rev: 'r' });
  });
  it('the seed keyword calls work in options form: createFunction, insertEdge, insertVertex', async () => {
    const reqs = await build(async (db) => {
      await db.aql.createFunction({
        name: 'functions::temperature::converter',
        code: 'function (celsius) { return celsius * 1.8 + 32; }',
      });
      await db.graph('school').insertEdge({
        collection: 'teach',
        edge: { _id: 'teach/jon-CSC101', _from: 'teachers/jon', _to: 'lectures/CSC101' },
      });
      await db
        .graph('school')
        .insertVertex({ collection: 'lectures', vertex: { _key: 'CSC101' }, sync: true });
    });
    expect(reqs.map((r) => [requestPath(r), r.body])).toEqual([
      [
        '/_db/test/_api/aqlfunction',
        {
          name: 'functions::temperature::converter',
          code: 'function (celsius) { return celsius * 1.8 + 32; }',
        },
      ],
      [
        '/_db/test/_api/gharial/school/edge/teach',
        { _id: 'teach/jon-CSC101', _key: 'jon-CSC101', _from: 'teachers/jon', _to: 'lectures/CSC101' },
      ],
      ['/_db/test/_api/gharial/school/vertex/lectures?waitForSync=true', { _key: 'CSC101' }],
    ]);
  });
  it('traversal filters are bind parameters or a checked expression; global edge uniqueness needs global vertices', async () => {
    const [req] = await build((db) =>
      db.graph('school').traverse({ startVertex: 'teachers/jon', filter: { name: '" RETURN 1 //' } }),
    );
    expect(req?.body).toMatchObject({
      query: expect.stringContaining('FILTER v.@tff0 == @tfv0 RETURN'),
      bindVars: { tff0: ['name'], tfv0: '" RETURN 1 //' },
    });
    const [expr] = await build((db) =>
      db.graph('school').traverse({
        startVertex: 'teachers/jon',
        filter: 'v.age > @min && v.name != "FOR x IN y RETURN x"',
        bindVars: { min: 20 },
      }),
    );
    expect(String((expr?.body as { query?: string } | undefined)?.query)).toContain(
      'FILTER (v.age > @min && v.name != "FOR x IN y RETURN x") RETURN',
    );
    for (const bad of [
      'true RETURN 1',
      'v.x == 1 // rest',
      'v.x == 1 /* */',
      '(v.x == 1',
      'v.x == 1) FOR y IN z',
      'v.x == 1; REMOVE v IN c',
      'v.name == "open',
      'true LET x = 1',
    ]) {
      const sent = await build((db) =>
        db.graph('school').traverse({ startVertex: 'teachers/jon', filter: bad }),
      );
      expect(sent, bad).toEqual([]);
    }
    const edgeOnly = await build((db) =>
      db.graph('school').traverse({ startVertex: 'teachers/jon', edgeUniqueness: 'global' }),
    );
    expect(edgeOnly).toEqual([]);
  });
  it('databases are managed through _system', async () => {
    const reqs = await build(async (db) => {
      await db.createDatabase('x');
      await db.deleteDatabase('x');
    });
    expect(reqs.map(requestPath)).toEqual(['/_db/_system/_api/database', '/_db/_system/_api/database/x']);
  });
});
