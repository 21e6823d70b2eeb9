/**
 * Replays every recorded exchange (ArangoDB 3.12.10, ../shared/arango/exchanges-3.12.jsonl) of the
 * areas this package covers through the public API, and checks that each answer is parsed into the
 * documented result. The replay server validates every request against the OpenAPI description; the
 * last test fails if any request of this file violated it. Recordings the client cannot (or must not)
 * produce are listed with the reason in NOT_SENT.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AQLFunctionDeleteError,
  AQLQueryExecuteError,
  AQLQueryExplainError,
  AQLQueryValidateError,
  ArangoClientError,
  ArangoServerError,
  Connection,
  Cursor,
  DocumentDeleteError,
  DocumentInsertError,
  DocumentParseError,
  DocumentRevisionError,
  errno,
  StandardDatabase,
  TransactionDatabase,
  TransactionExecuteError,
  TransactionInitError,
  VertexCollectionDeleteError,
} from '../../src/index.js';
import { replayTarget, ScenarioExecutor, violations } from './helpers.js';

const AREAS = [
  'collections',
  'documents',
  'indexes',
  'graphs',
  'queries',
  'databases',
  'transactions',
  'import',
];
const EXTRA = new Set(['RestEngine_single', 'RestVersionDetails_single', 'RestAdminStatus_cluster']);

interface Recorded {
  key: string;
  seq: number;
  area: string;
}
const shared = process.env.DBWIRE_SHARED ?? join(import.meta.dirname, '../../../../../shared');
const recorded: Recorded[] = readFileSync(join(shared, 'arango/exchanges-3.12.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Recorded)
  .filter((e) => AREAS.some((a) => e.area.startsWith(a)) || EXTRA.has(e.key));

/** Recordings the client never sends, and why (each is covered another way where it matters). */
const NOT_SENT: Record<string, string> = {
  'RestCursorCreateCursorMissingBody_single#0': 'client rejects an empty query before any I/O (tested below)',
  'RestCursorPostMissingCursorIdentifier_single#0':
    'client rejects an empty query before any I/O (tested below)',
  'RestCursorForLimitReturnCont_single#0': 'response not recorded',
  'RestCursorForLimitReturnCont_single#1':
    'deprecated PUT form of batch fetch; the client uses POST (PostForLimitReturnCont)',
  'RestCursorInvalidCursorIdentifier_single#0':
    'deprecated PUT form; "cursor not found" is covered by the scripted cursor test',
  'RestCursorPostForLimitReturnCont_single#0': 'response not recorded; the batch fetch (#1) is replayed',
  'RestCursorPostBatch_single#1':
    'allowRetry cursors are fetched by batch id (#2); the plain form is replayed by PostForLimitReturnCont#1',
  'RestDocumentHandlerPostBadJson1_single#0':
    'the recorded body is not JSON; the serializer cannot produce it',
  'RestDocumentHandlerDeleteDocumentUnknownMulti_single#0':
    'body names a document of another collection ("other/2"): DocumentParseError before I/O (tested below)',
  'RestAqlfunctionsGetAll_single#0':
    'undocumented path form /_api/aqlfunction/<ns>; the client sends ?namespace= (OpenAPI)',
  'RestImportCsvEdge_single#0': 'tabular CSV-like import; importBulk sends JSON documents',
  'RestImportJsonEdge_single#0': 'JSON-lines body with free formatting; importBulk sends type=array',
  'RestImportJsonLines_single#0': 'JSON-lines body with free formatting; importBulk sends type=array',
  'RestImportJsonList_single#0':
    'type=list is not in the OpenAPI enum; importBulk sends type=array (scripted test)',
  'RestImportJsonUniqueContinue_single#0': 'JSON-lines body; importBulk sends type=array (scripted test)',
  'RestCursorCreateCursorForLimitReturn_single#0': 'same request as RestCursorDelete#0 (replayed there)',
};

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
  // --- AQL caches ---------------------------------------------------------------------------------
  {
    keys: ['HttpClearQueryPlanCache_single#0'],
    run: async ({ db }) => expect(await db.aql.planCache.clear()).toBe(true),
  },
  {
    keys: ['HttpListQueryPlanCache_single#0'],
    run: async ({ db }) => {
      const entries = await db.aql.planCache.entries();
      expect(entries[0]?.query).toBe('RETURN 42');
    },
  },
  {
    keys: ['HttpGetQueryResultsCacheProperties_single#0'],
    run: async ({ db }) => {
      const p = await db.aql.cache.properties();
      expect(p.mode).toBe('demand');
      expect(p).not.toHaveProperty('error');
    },
  },
  {
    keys: ['HttpSetQueryResultsCacheProperties_single#0'],
    run: async ({ db }) =>
      expect((await db.aql.cache.configure({ mode: 'demand', maxResults: 32 })).maxResults).toBe(32),
  },
  {
    keys: ['HttpListQueryResultsCache_single#0'],
    run: async ({ db }) => expect((await db.aql.cache.entries())[0]?.query).toBe('RETURN 42'),
  },
  // --- graphs -------------------------------------------------------------------------------------
  {
    keys: ['HttpGharialAddEdgeCol_single#0'],
    run: async ({ db }) => {
      const works = await db.graph('social').createEdgeDefinition({
        edgeCollection: 'works_in',
        fromVertexCollections: ['female', 'male'],
        toVertexCollections: ['city'],
      });
      expect(works.name).toBe('works_in');
      expect(works.graphName).toBe('social');
    },
  },
  {
    keys: ['HttpGharialAddEdge_single#0'],
    run: async ({ db }) => {
      const meta = await db
        .graph('social')
        .edgeCollection('relation')
        .insert({ type: 'friend', _from: 'female/alice', _to: 'female/diana' });
      expect(meta._id).toBe('relation/73188');
      expect(meta._key).toBe('73188');
    },
  },
  {
    keys: ['HttpGharialAddVertexCol_single#0'],
    run: async ({ db }) =>
      expect((await db.graph('social').createVertexCollection('otherNodes')).name).toBe('otherNodes'),
  },
  {
    keys: ['HttpGharialCreate_single#0'],
    run: async ({ db }) => {
      const g = await db.createGraph('myGraph', {
        edgeDefinitions: [
          {
            edgeCollection: 'edges',
            fromVertexCollections: ['startNodes'],
            toVertexCollections: ['endNodes'],
          },
        ],
      });
      expect(g.name).toBe('myGraph');
    },
  },
  {
    keys: ['HttpGharialCreateEnterprise_single#0'],
    run: async ({ db }) => {
      const g = await db.createGraph('enterpriseGraph', {
        edgeDefinitions: [
          {
            edgeCollection: 'edges',
            fromVertexCollections: ['startNodes'],
            toVertexCollections: ['endNodes'],
          },
        ],
        orphanCollections: [],
        smart: true,
        replicationFactor: 2,
        shardCount: 9,
      });
      expect(g.name).toBe('enterpriseGraph');
    },
  },
  {
    keys: ['HttpGharialCreateSmartWithSatellites_single#0'],
    run: async ({ db }) => {
      const g = await db.createGraph('smartGraph', {
        edgeDefinitions: [
          {
            edgeCollection: 'edges',
            fromVertexCollections: ['startNodes'],
            toVertexCollections: ['endNodes'],
          },
        ],
        orphanCollections: ['orphanNodes'],
        smart: true,
        replicationFactor: 2,
        shardCount: 9,
        smartFieldAttribute: 'region',
        satellites: ['endNodes'],
      });
      expect(g.name).toBe('smartGraph');
    },
  },
  {
    keys: ['HttpGharialCreateDisjointSmart_single#0'],
    run: async ({ db }) => {
      const g = await db.createGraph('disjointSmartGraph', {
        edgeDefinitions: [
          {
            edgeCollection: 'edges',
            fromVertexCollections: ['startNodes'],
            toVertexCollections: ['endNodes'],
          },
        ],
        orphanCollections: ['orphanNodes'],
        smart: true,
        disjoint: true,
        replicationFactor: 2,
        shardCount: 9,
        smartFieldAttribute: 'region',
      });
      expect(g.name).toBe('disjointSmartGraph');
    },
  },
  {
    keys: ['HttpGharialDeleteEdge_single#0'],
    run: async ({ db }) => expect(await db.graph('social').deleteEdge('relation/73533')).toBe(true),
  },
  {
    keys: ['HttpGharialDrop_single#0'],
    run: async ({ db }) => expect(await db.deleteGraph('social', { dropCollections: true })).toBe(true),
  },
  {
    keys: ['HttpGharialGetEdge_single#0'],
    run: async ({ db }) => {
      const e = await db.graph('social').edge('relation/73270');
      expect(e?._id).toBe('relation/73270');
      expect(e?._from).toBe('male/charly');
    },
  },
  {
    keys: ['HttpGharialGetVertex_single#0'],
    run: async ({ db }) => expect((await db.graph('social').vertex('female/alice'))?._key).toBe('alice'),
  },
  {
    keys: ['HttpGharialListEdge_single#0'],
    run: async ({ db }) => {
      expect(await db.graph('social').edgeCollections()).toEqual(['relation']);
    },
  },
  {
    keys: ['HttpGharialListVertex_single#0'],
    run: async ({ db }) => expect(await db.graph('social').vertexCollections()).toEqual(['female', 'male']),
  },
  {
    keys: ['HttpGharialList_single#0'],
    run: async ({ db }) => {
      const graphs = await db.graphs();
      const social = graphs.find((g) => g.name === 'social');
      expect(social?.edgeDefinitions[0]).toEqual({
        edgeCollection: 'relation',
        fromVertexCollections: ['female', 'male'],
        toVertexCollections: ['female', 'male'],
      });
    },
  },
  {
    keys: ['HttpGharialPatchEdge_single#0'],
    run: async ({ db }) => {
      const meta = await db.graph('social').updateEdge({ _id: 'relation/73353', since: '01.01.2001' });
      expect(meta._id).toBe('relation/73353');
      expect(meta._oldRev).toBeTypeOf('string');
    },
  },
  {
    keys: ['HttpGharialPutEdge_single#0'],
    run: async ({ db }) => {
      const meta = await db
        .graph('social')
        .replaceEdge({ _id: 'relation/73440', type: 'divorced', _from: 'female/alice', _to: 'male/bob' });
      expect(meta._key).toBe('73440');
    },
  },
  {
    keys: ['HttpGharialRemoveVertexCollectionFailed_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.graph('social').deleteVertexCollection('male'),
        VertexCollectionDeleteError,
      );
      expect(err.httpCode).toBe(400);
      expect(err.errorCode).toBe(errno.GRAPH_NOT_IN_ORPHAN_COLLECTION);
      expect(err.errorMessage).toBe('collection is not in list of orphan collections');
    },
  },
  {
    keys: ['HttpGharialRemoveVertexCollection_single#0'],
    run: async ({ db }) => expect(await db.graph('social').deleteVertexCollection('otherNodes')).toBe(true),
  },
  {
    keys: ['HttpGharialReplaceVertex_single#0'],
    run: async ({ db }) => {
      const meta = await db
        .graph('social')
        .replaceVertex({ _id: 'female/alice', name: 'Alice Cooper', age: 26 });
      expect(meta._id).toBe('female/alice');
    },
  },
  {
    keys: ['RestEdgesReadEdgesAny_single#0'],
    run: async ({ db }) => {
      const { edges, stats } = await db.graph('g').edgeCollection('edges').edges('nodes/1');
      expect(edges.length).toBeGreaterThan(1);
      expect(stats).toHaveProperty('scannedIndex');
    },
  },
  {
    keys: ['RestEdgesReadEdgesIn_single#0'],
    run: async ({ db }) => {
      const { edges } = await db.graph('g').edgeCollection('edges').edges('nodes/1', { direction: 'in' });
      expect(edges.every((e) => e._to === 'nodes/1')).toBe(true);
    },
  },
  // --- server and databases -----------------------------------------------------------------------
  {
    keys: ['RestAdminStatus_cluster#0'],
    run: async ({ db }) => expect((await db.status()).version).toBe('3.12.10'),
  },
  { keys: ['RestEngine_single#0'], run: async ({ db }) => expect((await db.engine()).name).toBe('rocksdb') },
  {
    keys: ['RestVersionDetails_single#0'],
    run: async ({ db }) => expect((await db.details()).architecture).toBe('64bit'),
  },
  {
    keys: ['RestDatabaseCreate_single#0'],
    run: async ({ db }) =>
      expect(
        await db.createDatabase({ name: 'example', options: { sharding: 'flexible', replicationFactor: 3 } }),
      ).toBe(true),
  },
  {
    keys: ['RestDatabaseDrop_single#0'],
    run: async ({ db }) => expect(await db.deleteDatabase('example')).toBe(true),
  },
  {
    keys: ['RestDatabaseGetInfo_single#0'],
    run: async ({ db }) => {
      const p = await db.properties();
      expect(p.name).toBe('_system');
      expect(p.isSystem).toBe(true);
    },
  },
  {
    keys: ['RestDatabaseGetUser_single#0'],
    run: async ({ db }) => expect(await db.databasesAccessible()).toEqual(['_system']),
  },
  {
    keys: ['RestDatabaseGet_single#0'],
    run: async ({ db }) => expect(await db.hasDatabase('_system')).toBe(true),
  },
  // --- collections --------------------------------------------------------------------------------
  {
    keys: ['RestApiCollectionCompact_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('testCollection').compact()).name).toBe('testCollection'),
  },
  {
    keys: ['RestCollectionCreateCollection_single#0'],
    run: async ({ db }) =>
      expect((await db.createCollection('testCollectionBasics')).name).toBe('testCollectionBasics'),
  },
  {
    keys: ['RestCollectionCreateCollection_single#1'],
    run: async ({ db }) => {
      const edges = await db.createCollection('testCollectionEdges', { edge: true });
      expect(edges.name).toBe('testCollectionEdges');
    },
  },
  {
    keys: ['RestCollectionCreateKeyopt_single#0'],
    run: async ({ db }) => {
      const c = await db.createCollection('testCollectionUsers', {
        keyGenerator: 'autoincrement',
        keyIncrement: 5,
        userKeys: true,
      });
      expect(c.name).toBe('testCollectionUsers');
    },
  },
  {
    keys: ['RestCollectionDeleteCollectionSystem_single#0'],
    run: async ({ db }) => expect(await db.deleteCollection('_example', { system: true })).toBe(true),
  },
  {
    keys: ['RestCollectionGetAllCollections_single#0'],
    run: async ({ db }) => {
      const cols = await db.collections();
      const apps = cols.find((c) => c.name === '_apps');
      expect(apps?.system).toBe(true);
      expect(apps?.type).toBe('document');
    },
  },
  {
    keys: ['RestCollectionGetCollectionChecksumNoRev_single#0'],
    run: async ({ db }) =>
      expect(await db.collection('products').checksum({ withRev: false, withData: true })).toMatch(/^\d+$/),
  },
  {
    keys: ['RestCollectionGetCollectionChecksum_single#0'],
    run: async ({ db }) => expect(await db.collection('products').checksum()).toMatch(/^\d+$/),
  },
  {
    keys: ['RestCollectionGetCollectionCount_single#0'],
    run: async ({ db }) => expect(await db.collection('products').count()).toBe(100),
  },
  {
    keys: ['RestCollectionGetCollectionFiguresDetails_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('products').statistics({ details: true })).indexes.count).toBe(1),
  },
  {
    keys: ['RestCollectionGetCollectionFigures_single#0'],
    run: async ({ db }) => expect((await db.collection('products').statistics()).indexes.count).toBe(1),
  },
  {
    keys: ['RestCollectionGetCollectionIdentifier_single#0'],
    run: async ({ db }) => expect((await db.collection('69801').properties()).id).toBe('69801'),
  },
  {
    keys: ['RestCollectionGetCollectionName_single#0'],
    run: async ({ db }) => {
      const p = await db.collection('products').properties();
      expect(p.name).toBe('products');
      expect(p.sync).toBe(true);
      expect(p.edge).toBe(false);
    },
  },
  {
    keys: ['RestCollectionGetCollectionRevision_single#0'],
    run: async ({ db }) => expect(await db.collection('products').revision()).toBeTypeOf('string'),
  },
  {
    keys: ['RestCollectionGetKeyGenerators_single#0'],
    run: async ({ db }) => expect(await db.keyGenerators()).toContain('traditional'),
  },
  {
    keys: ['RestCollectionIdentifierLoadIndexesIntoMemory_single#0'],
    run: async ({ db }) => expect(await db.collection('products').loadIndexes()).toBe(true),
  },
  {
    keys: ['RestCollectionIdentifierLoad_single#0'],
    run: async ({ db }) => expect(await db.collection('products').load()).toBe(true),
  },
  {
    keys: ['RestCollectionIdentifierUnload_single#0'],
    run: async ({ db }) => expect(await db.collection('products').unload()).toBe(true),
  },
  {
    keys: ['RestCollectionIdentifierPropertiesSync_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('products').configure({ sync: true })).sync).toBe(true),
  },
  {
    keys: ['RestCollectionIdentifierRename_single#0'],
    run: async ({ db }) => {
      const c = db.collection('products1');
      expect(await c.rename('newname')).toBe(true);
      expect(c.name).toBe('newname');
    },
  },
  {
    keys: ['RestGetShardsWithDetails_cluster#0'],
    run: async ({ db }) => {
      const shards = (await db.collection('testCollection').shards({ details: true })) as Record<
        string,
        string[]
      >;
      expect(Object.keys(shards).length).toBeGreaterThan(0);
    },
  },
  // --- AQL and cursors ----------------------------------------------------------------------------
  {
    keys: ['RestCursorCreateCursorForLimitReturnSingle_single#0'],
    run: async ({ db }) => {
      const cursor = await db.aql.execute('FOR p IN products LIMIT 2 RETURN p', {
        count: true,
        batchSize: 2,
      });
      expect(cursor.count()).toBe(2);
      expect(cursor.hasMore()).toBe(false);
      const all = [];
      for await (const doc of cursor) all.push(doc);
      expect(all).toHaveLength(2);
    },
  },
  {
    keys: ['RestCursorDelete_single#0', 'RestCursorDelete_single#1'],
    scenario: 'RestCursorDelete_single',
    run: async ({ db }) => {
      const cursor = await db.aql.execute('FOR p IN products LIMIT 5 RETURN p', {
        count: true,
        batchSize: 2,
      });
      expect(cursor.id).toBe('74329');
      expect(cursor.batch()).toHaveLength(2);
      expect(cursor.hasMore()).toBe(true);
      expect(await cursor.close()).toBe(true);
      expect(cursor.hasMore()).toBe(false);
    },
  },
  {
    keys: ['RestCursorCreateCursorOption_single#0'],
    run: async ({ db }) => {
      const cursor = await db.aql.execute('FOR i IN 1..1000 FILTER i > 500 LIMIT 10 RETURN i', {
        count: true,
        fullCount: true,
      });
      expect(cursor.batch()).toEqual([501, 502, 503, 504, 505, 506, 507, 508, 509, 510]);
      expect(cursor.statistics()?.fullCount).toBe(500);
    },
  },
  {
    keys: ['RestCursorCreateCursorUnknownCollection_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.aql.execute('FOR u IN unknowncoll LIMIT 2 RETURN u', { count: true, batchSize: 2 }),
        AQLQueryExecuteError,
      );
      expect(err.errorCode).toBe(errno.DATA_SOURCE_NOT_FOUND);
      expect(err.httpCode).toBe(404);
      expect(err.request.endpoint).toBe('/_api/cursor');
      expect(err.response.statusText).toBe('Not Found');
      expect(err.stack).toContain('replay.test.ts');
    },
  },
  {
    keys: ['RestCursorDeleteIgnore_single#0'],
    run: async ({ db }) => {
      const c = await db.aql.execute("REMOVE 'bar' IN products OPTIONS { ignoreErrors: true }");
      expect(c.statistics()?.ignored).toBe(1);
    },
  },
  {
    keys: ['RestCursorDeleteQueryFail_single#0'],
    run: async ({ db }) => {
      const err = await rejects(db.aql.execute("REMOVE 'foo' IN products"), AQLQueryExecuteError);
      expect(err.errorCode).toBe(errno.DOCUMENT_NOT_FOUND);
    },
  },
  {
    keys: ['RestCursorDeleteQuery_single#0'],
    run: async ({ db }) => {
      const c = await db.aql.execute('FOR p IN products REMOVE p IN products');
      expect(c.statistics()?.modified).toBeGreaterThan(0);
    },
  },
  {
    keys: ['RestCursorMemoryLimit_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.aql.execute('FOR i IN 1..100000 SORT i RETURN i', { memoryLimit: 100000 }),
        AQLQueryExecuteError,
      );
      expect(err.httpCode).toBe(500);
      expect(err.errorCode).toBe(errno.RESOURCE_LIMIT);
    },
  },
  {
    keys: ['RestCursorModifyArray_single#0'],
    run: async ({ db }) => {
      const c = await db.aql.execute(
        'FOR doc IN documents FILTER doc._key == @myKey UPDATE doc._key WITH { arr: PUSH(doc.arr, @value) } IN documents RETURN NEW',
        { bindVars: { myKey: 'test', value: 42 } },
      );
      expect((await c.next()).arr).toEqual([1, 2, 3, 42]);
    },
  },
  {
    keys: ['RestCursorOptimizerRules_single#0'],
    run: async ({ db }) => {
      const c = await db.aql.execute('FOR i IN 1..10 LET a = 1 LET b = 2 FILTER a + b == 3 RETURN i', {
        count: true,
        maxPlans: 1,
        optimizerRules: ['-all', '+remove-unnecessary-filters'],
      });
      expect(c.count()).toBe(10);
    },
  },
  {
    keys: ['RestCursorPostBatch_single#0', 'RestCursorPostBatch_single#2'],
    run: async ({ db }) => {
      const c = await db.aql.execute('FOR i IN 1..5 RETURN i', {
        count: true,
        batchSize: 2,
        allowRetry: true,
      });
      expect([await c.next(), await c.next()]).toEqual([1, 2]);
      expect(c.empty()).toBe(true);
      expect(await c.next()).toBe(3); // fetched just in time
      expect(c.pop()).toBe(4);
      expect(c.nextBatchId).toBe('3');
    },
  },
  {
    keys: ['RestCursorPostForLimitReturnCont_single#1'],
    run: async ({ db, exec }) => {
      // The first answer of this example was not recorded: resume from the recorded cursor id.
      const c = new Cursor(exec, db.name, { id: '74268', hasMore: true, result: [] });
      const page = await c.fetch();
      expect(page.batch).toHaveLength(2);
      expect(page.batch[0]?._id).toBe('products/74261');
    },
  },
  {
    keys: ['RestCursorProfileQuery_single#0'],
    run: async ({ db }) => {
      const c = await db.aql.execute('LET s = SLEEP(0.25) LET t = SLEEP(0.5) RETURN 1', {
        count: true,
        profile: 2,
      });
      expect(c.profile()).toHaveProperty('executing');
      expect(c.plan()).toHaveProperty('nodes');
      expect(c.warnings()).toEqual([]);
      expect(c.cached()).toBe(false);
    },
  },
  {
    keys: ['RestExplainAllPlans_single#0'],
    run: async ({ db }) => {
      const plans = await db.aql.explain('FOR p IN products FILTER p.id == 25 RETURN p', { allPlans: true });
      expect(Array.isArray(plans)).toBe(true);
    },
  },
  {
    keys: ['RestExplainEmpty_single#0'],
    run: async ({ db }) =>
      expect(await db.aql.explain('FOR i IN [ 1, 2, 3 ] FILTER 1 == 2 RETURN i')).toHaveProperty('nodes'),
  },
  {
    keys: ['RestExplainInvalid_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.aql.explain('FOR p IN products FILTER p.id == @id LIMIT 2 RETURN p.n'),
        AQLQueryExplainError,
      );
      expect(err.errorCode).toBe(errno.QUERY_BIND_PARAMETER_MISSING);
    },
  },
  {
    keys: ['RestExplainOptimizerRules_single#0'],
    run: async ({ db }) =>
      expect(
        await db.aql.explain(
          'FOR p IN products LET a = p.id FILTER a == 4 LET name = p.name SORT p.id LIMIT 1 RETURN name',
        ),
      ).toHaveProperty('rules'),
  },
  {
    keys: ['RestExplainOptions_single#0'],
    run: async ({ db }) => {
      const plans = await db.aql.explain(
        'FOR p IN products LET a = p.id FILTER a == 4 LET name = p.name SORT p.id LIMIT 1 RETURN name',
        { maxPlans: 2, allPlans: true, optRules: ['-all', '+use-index-for-sort', '+use-index-range'] },
      );
      expect(Array.isArray(plans)).toBe(true);
    },
  },
  {
    keys: ['RestExplainValid_single#0'],
    run: async ({ db }) => expect(await db.aql.explain('FOR p IN products RETURN p')).toHaveProperty('nodes'),
  },
  {
    keys: ['RestExplainWarning_single#0'],
    run: async ({ db }) =>
      expect(await db.aql.explain('FOR i IN 1..10 RETURN 1 / 0')).toHaveProperty('nodes'),
  },
  {
    keys: ['RestQueryInvalid_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.aql.validate('FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3'),
        AQLQueryValidateError,
      );
      expect(err.errorCode).toBe(errno.QUERY_PARSE);
      expect(err.message).toContain('syntax error');
    },
  },
  {
    keys: ['RestQueryRules_single#0'],
    run: async ({ db }) => expect((await db.aql.rules()).length).toBeGreaterThan(10),
  },
  {
    keys: ['RestQueryValid_single#0'],
    run: async ({ db }) => {
      const v = await db.aql.validate('FOR i IN 1..100 FILTER i > 10 LIMIT 2 RETURN i * 3');
      expect(v.parsed).toBe(true);
      expect(v).not.toHaveProperty('code');
    },
  },
  {
    keys: ['RestAqlfunctionDeleteFails_single#0'],
    run: async ({ db }) => {
      const err = await rejects(db.aql.deleteFunction('myfunction::x::y'), AQLFunctionDeleteError);
      expect(err.errorCode).toBe(errno.QUERY_FUNCTION_NOT_FOUND);
    },
  },
  {
    keys: ['RestAqlfunctionDelete_single#0'],
    run: async ({ db }) => expect(await db.aql.deleteFunction('square::x::y')).toEqual({ deleted: 1 }),
  },
  // --- documents ----------------------------------------------------------------------------------
  {
    keys: ['RestDocumentHandlerDeleteDocumentIfMatchOther_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.collection('products').delete('70787', { rev: '_l6zhVRe--_' }),
        DocumentRevisionError,
      );
      expect(err.httpCode).toBe(412);
      expect(err.errorCode).toBe(errno.CONFLICT);
    },
  },
  {
    keys: ['RestDocumentHandlerDeleteDocumentKeyMulti_single#0'],
    run: async ({ db }) => {
      const res = (await db.collection('products').deleteMany(['1', '2'])) as Array<{ _key: string }>;
      expect(res.map((r) => r._key)).toEqual(['1', '2']);
    },
  },
  {
    keys: ['RestDocumentHandlerDeleteDocumentObjectMulti_single#0'],
    scenario: 'RestDocumentHandlerDeleteDocumentObjectMulti_single',
    run: async ({ db }) => {
      const res = (await db.collection('products').deleteMany([{ _key: '1' }, { _key: '2' }])) as Array<{
        _key: string;
      }>;
      expect(res).toHaveLength(2);
    },
  },
  {
    keys: ['RestDocumentHandlerDeleteDocumentRevMulti_single#0'],
    run: async ({ db }) => {
      const res = (await db.collection('products').deleteMany([
        { _key: '1', _rev: '_l6zhVc----' },
        { _key: '2', _rev: '_l6zhVc---_' },
      ])) as Array<{ _rev: string }>;
      expect(res[0]?._rev).toBe('_l6zhVc----');
    },
  },
  {
    keys: ['RestDocumentHandlerDeleteDocumentUnknownHandle_single#0'],
    run: async ({ db }) => {
      const err = await rejects(db.collection('products').delete('70768'), DocumentDeleteError);
      expect(err.errorCode).toBe(errno.DOCUMENT_NOT_FOUND);
    },
  },
  {
    keys: ['RestDocumentHandlerDeleteDocument_single#0'],
    run: async ({ db }) =>
      expect(await db.collection('products').delete('70750')).toMatchObject({ _id: 'products/70750' }),
  },
  {
    keys: [
      'RestDocumentHandlerPatchDocument_single#0',
      'RestDocumentHandlerPatchDocument_single#1',
      'RestDocumentHandlerPatchDocument_single#2',
      'RestDocumentHandlerPatchDocument_single#3',
      'RestDocumentHandlerPatchDocument_single#4',
    ],
    scenario: 'RestDocumentHandlerPatchDocument_single',
    run: async ({ db }) => {
      const products = db.collection('products');
      expect((await products.update({ _key: '70706', hello: 'world' }))._oldRev).toBeTypeOf('string');
      await products.update({ _key: '70706', numbers: { one: 1, two: 2, three: 3, empty: null } });
      expect((await products.get('70706'))?.numbers).toMatchObject({ empty: null });
      await products.update({ _key: '70706', hello: null, numbers: { four: 4 } }, { keepNone: false });
      const after = await products.get('70706');
      expect(after?.numbers).toMatchObject({ four: 4 });
      expect(after).not.toHaveProperty('hello');
    },
  },
  {
    keys: ['RestDocumentHandlerPostAccept1_single#0'],
    scenario: 'RestDocumentHandlerPostAccept1_single',
    run: async ({ db }) =>
      expect((await db.collection('products').insert({ Hello: 'World' }))._id).toBe('products/70564'),
  },
  {
    keys: ['RestDocumentHandlerPostCreate1_single#0'],
    scenario: 'RestDocumentHandlerPostCreate1_single',
    run: async ({ db }) => {
      const meta = await db.collection('products').insert({ Hello: 'World' });
      expect(meta).toEqual({ _id: 'products/70547', _key: '70547', _rev: '_l6zhVDW---' });
    },
  },
  {
    keys: ['RestDocumentHandlerPostUnknownCollection1_single#0'],
    scenario: 'RestDocumentHandlerPostUnknownCollection1_single',
    run: async ({ db }) => {
      const err = await rejects(db.collection('products').insert({ Hello: 'World' }), DocumentInsertError);
      expect(err.errorCode).toBe(errno.DATA_SOURCE_NOT_FOUND);
      expect(err).toBeInstanceOf(ArangoServerError);
      expect(err.source).toBe('server');
    },
  },
  {
    keys: ['RestDocumentHandlerPostBadJsonMulti_single#0'],
    run: async ({ db }) => {
      const res = (await db.collection('products').insertMany([{ _key: 111 }, { _key: 'abc' }])) as unknown[];
      expect(res[0]).toBeInstanceOf(DocumentInsertError);
      expect((res[0] as DocumentInsertError).errorCode).toBe(errno.DOCUMENT_KEY_BAD);
      expect(res[1]).toMatchObject({ _id: 'products/abc' });
    },
  },
  {
    keys: ['RestDocumentHandlerPostMulti1_single#0'],
    run: async ({ db }) => {
      const res = await db
        .collection('products')
        .insertMany([{ Hello: 'Earth' }, { Hello: 'Venus' }, { Hello: 'Mars' }]);
      expect(res).toHaveLength(3);
    },
  },
  {
    keys: ['RestDocumentHandlerPostMulti2_single#0'],
    run: async ({ db }) => {
      const res = (await db
        .collection('products')
        .insertMany([{ Hello: 'Earth' }, { Hello: 'Venus' }, { Hello: 'Mars' }], {
          returnNew: true,
        })) as unknown as Array<{
        new: { Hello: string };
      }>;
      expect(res.map((r) => r.new.Hello)).toEqual(['Earth', 'Venus', 'Mars']);
    },
  },
  {
    keys: ['RestDocumentHandlerPostReturnNew_single#0'],
    run: async ({ db }) =>
      expect(
        (await db.collection('products').insert({ Hello: 'World' }, { returnNew: true })).new,
      ).toMatchObject({ Hello: 'World' }),
  },
  {
    keys: ['RestDocumentHandlerPostWait1_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('products').insert({ Hello: 'World' }, { sync: true }))._key).toBe('70581'),
  },
  {
    keys: ['RestDocumentHandlerReadDocumentUnknownHandle_single#0'],
    run: async ({ db }) => expect(await db.collection('products').get('unknown-identifier')).toBeNull(),
  },
  {
    keys: ['RestDocumentHandlerReadDocument_single#0'],
    run: async ({ db }) =>
      expect(await db.document('products/70477')).toMatchObject({ _key: '70477', hello: 'world' }),
  },
  {
    keys: ['RestDocumentHandlerReadMultiDocument_single#0'],
    run: async ({ db }) => {
      const docs = await db.collection('products').getMany(['doc1', { _key: 'doc2' }]);
      expect(docs.map((d) => d._key)).toEqual(['doc1', 'doc2']);
    },
  },
  {
    keys: ['RestDocumentHandlerUpdateDocumentIfMatchOther_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.collection('products').replace({ _key: '70685', _rev: '_l6zhVLO--_', other: 'content' }),
        DocumentRevisionError,
      );
      expect(err.httpCode).toBe(412);
    },
  },
  {
    keys: ['RestDocumentHandlerUpdateDocument_single#0'],
    run: async ({ db }) =>
      expect((await db.replaceDocument({ _id: 'products/70648', Hello: 'you' }))._rev).toBe('_l6zhVKG---'),
  },
  // --- indexes ------------------------------------------------------------------------------------
  {
    keys: ['RestIndexCreateGeoLatitudeLongitude_single#0'],
    run: async ({ db }) => {
      const idx = await db.collection('products').addGeoIndex({ fields: ['e', 'f'] });
      expect(idx).toMatchObject({ id: '73968', type: 'geo', fields: ['e', 'f'] });
    },
  },
  {
    keys: ['RestIndexCreateGeoLocation_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('products').addGeoIndex({ fields: ['b'] })).id).toBe('73949'),
  },
  {
    keys: ['RestIndexCreateNewInverted_single#0'],
    run: async ({ db }) => {
      const idx = await db
        .collection('products')
        .addInvertedIndex({ fields: ['a', { name: 'b', analyzer: 'text_en' }] });
      expect(idx.type).toBe('inverted');
    },
  },
  {
    keys: ['RestIndexCreateNewMdi_single#0'],
    run: async ({ db }) =>
      expect((await db.collection('intervals').addMdiIndex({ fields: ['from', 'to'] })).type).toBe('mdi'),
  },
  {
    keys: ['RestIndexCreateNewPersistent_single#0'],
    run: async ({ db }) => {
      const idx = await db.collection('products').addHashIndex({ fields: ['a', 'b'], unique: false });
      expect(idx.type).toBe('persistent');
      expect(idx.handle).toMatch(/^products\//);
    },
  },
  {
    keys: ['RestIndexCreateNewTtlIndex_single#0'],
    run: async ({ db }) => {
      const idx = await db.collection('sessions').addTtlIndex({ fields: ['createdAt'], expiryTime: 3600 });
      expect(idx.expireAfter).toBe(3600);
    },
  },
  // --- transactions -------------------------------------------------------------------------------
  {
    keys: ['RestTransactionAbort_single#0'],
    run: async ({ db }) => {
      const err = await rejects(
        db.executeTransaction({ command: "function () { throw 'doh!'; }", read: 'products' }),
        TransactionExecuteError,
      );
      expect(err.errorCode).toBe(errno.TRANSACTION_INTERNAL);
      expect(err.errorMessage).toBe('doh!');
    },
  },
  {
    keys: ['RestTransactionBeginAbort_single#0'],
    run: async ({ db, exec }) =>
      expect(await new TransactionDatabase(exec, db.name, '74752').commitTransaction()).toBe(true),
  },
  {
    keys: ['RestTransactionBeginCommit_single#0'],
    run: async ({ db, exec }) =>
      expect(await new TransactionDatabase(exec, db.name, '74768').abortTransaction()).toBe(true),
  },
  {
    keys: ['RestTransactionBeginNonExisting_single#0'],
    run: async ({ db }) => {
      const err = await rejects(db.beginTransaction({ read: 'products' }), TransactionInitError);
      expect(err.errorCode).toBe(errno.DATA_SOURCE_NOT_FOUND);
    },
  },
  {
    keys: ['RestTransactionBeginSingle_single#0'],
    run: async ({ db }) => {
      const trx = await db.beginTransaction({ write: 'products' });
      expect(trx.transactionId).toBe('74719');
      expect(trx.context).toBe('transaction');
    },
  },
  {
    keys: ['RestTransactionGet_single#0'],
    run: async ({ db, exec }) =>
      expect(await new TransactionDatabase(exec, db.name, '74736').transactionStatus()).toBe('running'),
  },
  {
    keys: ['RestTransactionMulti_single#0'],
    run: async ({ db }) => {
      const result = await db.executeTransaction({
        write: ['products', 'materials'],
        command:
          "function () {var db = require('@arangodb').db;db.products.save({});db.materials.save({});return 'worked!';}",
      });
      expect(result).toBe('worked!');
    },
  },
  {
    keys: ['RestTransactionNonExisting_single#0'],
    run: async ({ db }) => {
      await rejects(
        db.executeTransaction({ read: 'products', command: 'function () { return true; }' }),
        TransactionExecuteError,
      );
    },
  },
  {
    keys: ['RestTransactionSingle_single#0'],
    run: async ({ db }) => {
      const result = await db.executeTransaction({
        write: 'products',
        command:
          "function () { var db = require('@arangodb').db; db.products.save({});  return db.products.count(); }",
      });
      expect(result).toBe(1);
    },
  },
];

const server = await replayTarget();
const url = server.url;

describe('arango-client replays every recorded exchange of its areas', () => {
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

  it('client-side validation stands in for recordings the client cannot send', async () => {
    await expect(db.aql.execute('')).rejects.toBeInstanceOf(ArangoClientError);
    await expect(db.collection('products').deleteMany(['1', 'other/2'])).rejects.toBeInstanceOf(
      DocumentParseError,
    );
    const err = await db
      .collection('students')
      .get({ _id: 'invalid_id' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentParseError);
    expect(err).toMatchObject({
      source: 'client',
      errorCode: null,
      httpCode: null,
      response: null,
      request: null,
    });
  });

  it('every recording of these areas is replayed or listed with a reason', () => {
    const missing = recorded
      .map((e) => `${e.key}#${e.seq}`)
      .filter((k) => !served.has(k) && !(k in NOT_SENT));
    expect(missing).toEqual([]);
    expect(served.size + Object.keys(NOT_SENT).length).toBeGreaterThanOrEqual(recorded.length);
  });

  it('no request of this suite violated the OpenAPI description', async () => {
    const v = await violations(url);
    expect(v).toEqual([]);
  });
});
