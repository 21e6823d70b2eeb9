import { describe, expect, it } from 'vitest';
import { OpenApiValidator } from './openapi.js';
import { loadExchanges } from './recordings.js';

/**
 * Every recorded request must validate against openapi-3.12.json, except these, each a real request
 * the description does not cover. Keys are `<scenario key>#<seq>`.
 */
const KNOWN_BAD: Record<string, string> = {
  'RestAqlfunctionsGetAll_single#0':
    'legacy form GET /_api/aqlfunction/<namespace>; the description only documents ?namespace=',
  'RestBackupDownloadBackupStarted_single#0':
    'progress query with only downloadId; the description marks remoteRepository and config required',
  'RestCursorCreateCursorMissingBody_single#0': 'deliberately sends no body (recorded 400 "query is empty")',
  'RestCursorPostMissingCursorIdentifier_single#0':
    'deliberately sends no body (recorded 400 "query is empty")',
  'RestDocumentHandlerPostBadJson1_single#0': 'deliberately invalid JSON (recorded 400 VPackError)',
  'RestImportJsonList_single#0': 'type=list: legacy alias of type=array, not in the documented enum',
  'job_fetch_result_04_single#0': 'deliberately wrong PUT /_api/collection (recorded async 400)',
  ...Object.fromEntries(
    [
      'job_delete_01_single#0',
      'job_delete_02_single#0',
      'job_delete_03_single#0',
      'job_fetch_result_03_single#0',
      'job_getByType_01_single#0',
      'job_getByType_02_single#0',
      'job_getStatusById_01_single#0',
    ].map((k) => [
      k,
      'PUT /_api/version (async-job examples): the version handler answers PUT, the description lists GET',
    ]),
  ),
  ...Object.fromEntries(
    [
      'RestPregelCancelConnectedComponents_single#0',
      'RestPregelConnectedComponentsRemoveStatisticsId_single#0',
      'RestPregelConnectedComponentsRemoveStatistics_single#0',
      'RestPregelConnectedComponentsStatisticsId_single#0',
      'RestPregelConnectedComponentsStatistics_single#0',
      'RestPregelStartConnectedComponents_single#0',
      'RestPregelStatusAllConnectedComponents_single#0',
      'RestPregelStatusConnectedComponents_single#0',
      'RestReplicationApplierGetConfig_single#0',
      'RestReplicationApplierSetConfig_single#0',
      'RestReplicationApplierStart_single#0',
      'RestReplicationApplierStateNotRunning_single#0',
      'RestReplicationApplierStateRunning_single#0',
      'RestReplicationApplierStop_single#0',
      'RestReplicationServerId_single#0',
    ].map((k) => [k, '3.11-only API (Pregel, replication applier) removed from the 3.12 description']),
  ),
};

describe('OpenApiValidator', () => {
  const validator = new OpenApiValidator();

  it('loads all 244 operations of the 3.12 description', () => {
    expect(validator.operations).toHaveLength(244);
  });

  it('accepts every recorded request except the listed known-bad ones', () => {
    const exchanges = loadExchanges();
    expect(exchanges.length).toBeGreaterThanOrEqual(229 + 17);
    const unexpected: string[] = [];
    const flagged = new Set<string>();
    for (const e of exchanges) {
      const id = `${e.key}#${e.seq}`;
      const { problems } = validator.validate(e.request.method, e.request.path, e.request.body);
      if (problems.length > 0) {
        flagged.add(id);
        if (!KNOWN_BAD[id])
          unexpected.push(`${id} ${e.request.method} ${e.request.path}: ${problems.join('; ')}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The list stays honest: every known-bad entry is still flagged.
    expect([...flagged].sort()).toEqual(Object.keys(KNOWN_BAD).sort());
  });

  it('routes /_db/<name>/ and plain paths to the same operation', () => {
    expect(validator.route('GET', '/_db/mydb/_api/document/c/k').map((o) => o.operationId)).toEqual([
      'getDocument',
    ]);
    expect(validator.route('GET', '/_api/document/c/k').map((o) => o.operationId)).toEqual(['getDocument']);
    expect(validator.validate('GET', '/_db/mydb/_api/document/c/k').problems).toEqual([]);
  });

  it('prefers literal segments over parameters', () => {
    expect(validator.route('PUT', '/_api/collection/c/properties').map((o) => o.operationId)).toEqual([
      'updateCollectionProperties',
    ]);
  });

  it('picks the #fragment variant whose body schema accepts the request', () => {
    const ok = validator.validate('POST', '/_api/index?collection=c', {
      kind: 'json',
      text: '',
      json: { type: 'persistent', fields: ['a'] },
    });
    expect(ok.problems).toEqual([]);
    const bad = validator.validate('POST', '/_api/index?collection=c', '{"type":"persistent","fields":"a"}');
    expect(bad.problems.length).toBeGreaterThan(0);
  });

  it('reports schema, parameter and routing problems with clear messages', () => {
    expect(validator.validate('POST', '/_api/collection', '{"type":"x"}').problems).toEqual([
      "body must have required property 'name'",
      'body/type must be integer',
    ]);
    expect(validator.validate('GET', '/_api/collection/c/count?waitForSync=maybe').problems).toEqual([
      'unknown query parameter "waitForSync" for getCollectionCount',
    ]);
    expect(
      validator.validate('POST', '/_api/collection?waitForSyncReplication=perhaps', '{"name":"c"}').problems,
    ).toEqual(['query parameter waitForSyncReplication: expected a boolean, got "perhaps"']);
    expect(validator.validate('POST', '/_api/import', '[]').problems).toContain(
      'missing required query parameter "collection"',
    );
    expect(validator.validate('PATCH', '/_api/version').problems[0]).toMatch(
      /no PATCH operation .* allows GET/,
    );
    expect(validator.validate('GET', '/_api/nope').problems[0]).toMatch(
      /no operation .* matches GET \/_api\/nope/,
    );
    expect(validator.validate('GET', '/_db/other/_api/database').problems[0]).toMatch(
      /only available in the _system/,
    );
    expect(validator.validate('POST', '/_api/cursor', 'not json').problems[0]).toMatch(/not valid JSON/);
  });
});
