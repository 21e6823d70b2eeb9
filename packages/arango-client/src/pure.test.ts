/** Pure parts: handles, errors and errno, response shaping, cursor state, host lists, query strings. */

import { readFileSync } from 'node:fs';
import { DbwireError, ServerError, UsageError } from '@dbwire/core';
import { describe, expect, it } from 'vitest';
import { ArangoClient, parseHostList } from './client.js';
import { formatCollection, formatIndex } from './collection.js';
import { type ArangoResponse, type Executor, encodeQuery, requestPath, serverError } from './connection.js';
import { Cursor, formatStatistics } from './cursor.js';
import { errno, errnoMessages } from './errno.js';
import {
  ArangoClientError,
  ArangoError,
  ArangoServerError,
  CursorEmptyError,
  CursorStateError,
  DocumentInsertError,
  DocumentParseError,
} from './errors.js';
import { formatGraph, traversalQuery } from './graph.js';
import { parseHandle, toBody } from './handles.js';

describe('document handles', () => {
  it('accepts keys, ids and bodies at collection level', () => {
    expect(parseHandle('john', 'students')).toMatchObject({
      collection: 'students',
      key: 'john',
      id: 'students/john',
    });
    expect(parseHandle('students/john', 'students').key).toBe('john');
    expect(parseHandle({ _id: 'students/john' }, 'students').key).toBe('john');
    expect(parseHandle({ _key: 'john', _rev: 'r' }, 'students')).toMatchObject({ key: 'john', rev: 'r' });
  });
  it('rejects malformed or foreign handles with DocumentParseError before any I/O', () => {
    for (const bad of [
      { _id: 'invalid_id' },
      'teachers/jon',
      {},
      '',
      { _id: 'a/b/c' },
      { _id: '/x' },
      { _id: 5 },
    ] as any[]) {
      expect(() => parseHandle(bad, 'students')).toThrow(DocumentParseError);
    }
    expect(() => parseHandle('john')).toThrow(/bad document ID/);
    expect(() => parseHandle({ _key: 'john' })).toThrow(/"_id" required/);
  });
  it('toBody turns an _id into the matching _key', () => {
    expect(toBody({ _id: 'students/lola', GPA: 3.5 }, 'students')).toEqual({
      _id: 'students/lola',
      _key: 'lola',
      GPA: 3.5,
    });
    expect(toBody({ a: 1 }, 'students')).toEqual({ a: 1 });
  });
});

describe('errors', () => {
  const res = (status: number, body: unknown): ArangoResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body,
    rawBody: JSON.stringify(body),
    host: 0,
    url: 'http://h:8529/_db/test/_api/document/students',
    site: undefined,
  });
  it('server errors carry the seed fields, the request without credentials and the response', () => {
    const err = serverError(
      DocumentInsertError,
      {
        method: 'POST',
        endpoint: '/_api/document/students',
        db: 'test',
        query: { returnNew: true },
        body: { _key: 'John' },
      },
      res(409, { code: 409, error: true, errorNum: 1210, errorMessage: 'unique constraint violated' }),
    );
    expect(err).toBeInstanceOf(DocumentInsertError);
    expect(err).toBeInstanceOf(ArangoServerError);
    expect(err).toBeInstanceOf(ArangoError);
    expect(err).toBeInstanceOf(ServerError);
    expect(DbwireError.is(err)).toBe(true);
    expect(err).toMatchObject({
      source: 'server',
      errorCode: errno.UNIQUE_CONSTRAINT_VIOLATED,
      errorMessage: 'unique constraint violated',
      httpCode: 409,
      httpMethod: 'post',
      url: 'http://h:8529/_db/test/_api/document/students',
      code: 'ARANGO_1210',
    });
    expect(err.message).toBe('[HTTP 409][ERR 1210] unique constraint violated');
    expect(err.response).toMatchObject({
      isSuccess: false,
      statusText: 'Conflict',
      statusCode: 409,
      errorCode: 1210,
    });
    expect(err.request).toEqual({
      method: 'post',
      endpoint: '/_api/document/students',
      headers: {},
      params: { returnNew: 'true' },
      data: { _key: 'John' },
    });
  });
  it('a body without errorNum (HEAD, proxies) still gives a readable error', () => {
    const err = serverError(
      DocumentInsertError,
      { method: 'HEAD', endpoint: '/_api/x', db: 't' },
      res(503, undefined),
    );
    // Falls back to the HTTP status, as python-arango does; the response keeps the body's own (none).
    expect(err.errorCode).toBe(503);
    expect(err.response.errorCode).toBeNull();
    expect(err.message).toBe('[HTTP 503] Service Unavailable');
    expect(err.retryable).toBe(true);
  });
  it('client errors have source "client" and null HTTP fields', () => {
    const err = new DocumentParseError('bad document ID "x"');
    expect(err).toBeInstanceOf(ArangoClientError);
    expect(err).toBeInstanceOf(ArangoError);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({
      source: 'client',
      errorCode: null,
      httpCode: null,
      url: null,
      request: null,
      response: null,
    });
  });
  it('errno constants come from errors-3.12.json with python-arango names', () => {
    expect(errno.DOCUMENT_NOT_FOUND).toBe(1202);
    expect(errno.CONFLICT).toBe(1200);
    expect(errno.QUERY_KILLED).toBe(1500);
    expect(errno.CURSOR_NOT_FOUND).toBe(1600);
    expect(errnoMessages.get(1202)).toBe('document not found');
    expect(Object.keys(errno).length).toBe(348);
  });
});

describe('response shaping', () => {
  it('collections, indexes and graphs get the seed field names', () => {
    expect(
      formatCollection({
        error: false,
        code: 200,
        id: '5',
        name: 'c',
        type: 3,
        isSystem: false,
        waitForSync: true,
      }),
    ).toMatchObject({
      id: '5',
      edge: true,
      type: 'edge',
      system: false,
      sync: true,
    });
    expect(formatIndex({ id: 'students/12', type: 'persistent', isNewlyCreated: true })).toEqual({
      id: '12',
      handle: 'students/12',
      type: 'persistent',
    });
    expect(
      formatGraph({
        _key: 'school',
        name: 'school',
        edgeDefinitions: [{ collection: 'teach', from: ['t'], to: ['l'] }],
      }).edgeDefinitions,
    ).toEqual([{ edgeCollection: 'teach', fromVertexCollections: ['t'], toVertexCollections: ['l'] }]);
    expect(formatStatistics({ writesExecuted: 2, writesIgnored: 1, scannedFull: 3 })).toMatchObject({
      modified: 2,
      ignored: 1,
      scannedFull: 3,
    });
  });
});

describe('cursor state without a server', () => {
  const never: Executor = {
    extraHeaders: undefined,
    send: () => Promise.reject(new Error('no I/O expected')),
  };
  it('a single-batch cursor pops, empties and refuses to fetch', async () => {
    const c = new Cursor<number>(never, 'db', {
      result: [1, 2],
      hasMore: false,
      count: 2,
      cached: true,
      extra: { warnings: [] },
    });
    expect(c.id).toBeNull();
    expect(c.count()).toBe(2);
    expect(c.cached()).toBe(true);
    expect(c.pop()).toBe(1);
    expect(c.batch()).toEqual([2]);
    expect(await c.next()).toBe(2);
    expect(c.empty()).toBe(true);
    expect(() => c.pop()).toThrow(CursorEmptyError);
    await expect(c.next()).rejects.toBeInstanceOf(CursorEmptyError);
    await expect(c.fetch()).rejects.toBeInstanceOf(CursorStateError);
    expect(await c.close()).toBe(false);
  });
});

describe('hosts, paths and queries', () => {
  it('client.version is the package version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(new ArangoClient().version).toBe(pkg.version);
    expect(new ArangoClient().version).toMatch(/^\d+\.\d+\.\d+/);
  });
  it('parses host lists as array or comma-separated string', () => {
    expect(parseHostList('http://a:8529, http://b:8529')).toEqual(['http://a:8529', 'http://b:8529']);
    expect(parseHostList(['https://c:8530'])).toEqual(['https://c:8530']);
    expect(parseHostList(undefined)).toEqual(['http://127.0.0.1:8529']);
    expect(() => parseHostList('ftp://x')).toThrow(ArangoClientError);
    expect(() => parseHostList('')).toThrow(ArangoClientError);
  });
  it('builds paths with encoded database names and skips undefined query values', () => {
    expect(encodeQuery({ a: 1, b: undefined, c: null, d: 'x y', e: false })).toBe('?a=1&d=x%20y&e=false');
    expect(requestPath({ method: 'GET', endpoint: '/_api/version', db: 'my db' })).toBe(
      '/_db/my%20db/_api/version',
    );
    expect(requestPath({ method: 'POST', endpoint: '/_open/auth', db: null })).toBe('/_open/auth');
  });
  it('validates traversal options client-side', () => {
    expect(() =>
      traversalQuery('g', { startVertex: 'v/1', strategy: 'dfs', vertexUniqueness: 'global' }),
    ).toThrow(ArangoClientError);
    expect(() => traversalQuery('g', { startVertex: 'v/1', minDepth: 3, maxDepth: 1 })).toThrow(
      ArangoClientError,
    );
    expect(() => traversalQuery('g', { startVertex: 'v/1', direction: 'sideways' as any })).toThrow(
      /direction/,
    );
  });
});
