import {
  Node as DriverNode,
  Path as DriverPath,
  Relationship as DriverRel,
  int,
  PathSegment,
  Record,
} from 'neo4j-driver-lite';
import { describe, expect, it } from 'vitest';
import { basicAuth, ssoAuth, toAuthToken } from './auth.js';
import { GraphDatabase, parseUri } from './driver.js';
import {
  BoltProtocolError,
  ConfigurationError,
  DriverError,
  fromDriverError,
  ServiceUnavailable,
} from './errors.js';
import { checkQuery } from './query.js';
import { parseSize } from './storage.js';
import {
  fromDriver,
  Node,
  Path,
  type Relationship,
  recordFromDriver,
  toDriverParams,
  toPlain,
} from './values.js';

const auto = { useBigInt: false };

describe('integer policy', () => {
  it('numbers when exact, bigint beyond ±(2^53 - 1), bigint always with useBigInt', () => {
    expect(fromDriver(int(42), auto)).toBe(42);
    expect(fromDriver(int('9007199254740991'), auto)).toBe(9007199254740991);
    expect(fromDriver(int('-9007199254740991'), auto)).toBe(-9007199254740991);
    expect(fromDriver(int('9007199254740992'), auto)).toBe(9007199254740992n);
    expect(fromDriver(int('-9007199254740993'), auto)).toBe(-9007199254740993n);
    expect(fromDriver(int('9223372036854775807'), auto)).toBe(9223372036854775807n);
    expect(fromDriver(int(42), { useBigInt: true })).toBe(42n);
    expect(fromDriver(1.5, auto)).toBe(1.5);
  });

  it('parameters: whole numbers and bigints become Bolt integers, fractions stay floats', () => {
    const p = toDriverParams({ a: 1, b: 1.5, c: 2n ** 62n, d: [1, { e: 3 }], s: 'x' })!;
    expect(p.a.toString()).toBe('1');
    expect(typeof p.a.toNumber).toBe('function');
    expect(p.b).toBe(1.5);
    expect(p.c.toString()).toBe((2n ** 62n).toString());
    expect(p.d[0].toNumber()).toBe(1);
    expect(p.d[1].e.toNumber()).toBe(3);
    expect(p.s).toBe('x');
  });

  it('graph values: Node.get, Relationship.get, Path.nodes / relationships, converted properties', () => {
    const a = new DriverNode(int(1), ['P'], { name: 'A', n: int(7) }, 'e1');
    const b = new DriverNode(int(2), ['P'], { name: 'B' }, 'e2');
    const r = new DriverRel(int(3), int(1), int(2), 'KNOWS', { since: int(2020) }, 'r1', 'e1', 'e2');
    const path = new DriverPath(a, b, [new PathSegment(a, r, b)]);
    const rec = recordFromDriver(new Record(['a', 'r', 'p'], [a, r, path]), auto);
    const node = rec.get('a') as Node;
    expect(node).toBeInstanceOf(Node);
    expect(node.get('n')).toBe(7);
    expect(node.get('missing', 'dflt')).toBe('dflt');
    expect(node.keys()).toEqual(['name', 'n']);
    expect(node.values()).toEqual(['A', 7]);
    expect(node.items()).toEqual([
      ['name', 'A'],
      ['n', 7],
    ]);
    expect((rec.get('r') as Relationship).items()).toEqual([['since', 2020]]);
    expect((rec.get('r') as Relationship).get('since')).toBe(2020);
    expect((rec.get('r') as Relationship).startNodeElementId).toBe('e1');
    const p = rec.get('p') as Path;
    expect(p).toBeInstanceOf(Path);
    expect(p.nodes.map((n) => n.get('name'))).toEqual(['A', 'B']);
    expect(p.relationships.map((x) => x.type)).toEqual(['KNOWS']);
    expect(JSON.parse(JSON.stringify(toPlain(rec)))).toEqual({
      a: { elementId: 'e1', labels: ['P'], properties: { name: 'A', n: 7 } },
      r: {
        elementId: 'r1',
        type: 'KNOWS',
        startNodeElementId: 'e1',
        endNodeElementId: 'e2',
        properties: { since: 2020 },
      },
      p: expect.objectContaining({ start: expect.objectContaining({ elementId: 'e1' }) }),
    });
    expect(toPlain(2n ** 60n)).toBe((2n ** 60n).toString());
  });
});

describe('auth', () => {
  it('[user, password] is basic auth; empty strings are accepted (no auth on Memgraph)', () => {
    expect(toAuthToken(['', ''])).toMatchObject({ scheme: 'basic', principal: '', credentials: '' });
    expect(toAuthToken(['u', 'p'])).toEqual(basicAuth('u', 'p'));
    expect(toAuthToken(undefined)).toEqual({ scheme: 'none' });
  });

  it('ssoAuth builds the custom token Memgraph expects', () => {
    expect(ssoAuth({ scheme: 'oidc-entra-id', accessToken: 'AT', idToken: 'IT' })).toMatchObject({
      scheme: 'oidc-entra-id',
      principal: '',
      credentials: 'access_token=AT;id_token=IT',
    });
    expect(ssoAuth({ scheme: 'saml-okta', accessToken: 'AT' }).credentials).toBe('access_token=AT');
  });

  it('ssoAuth rejects unknown schemes and malformed tokens before any I/O', () => {
    expect(() => ssoAuth({ scheme: 'kerberos' as 'oidc-okta', accessToken: 'x' })).toThrow(
      ConfigurationError,
    );
    expect(() => ssoAuth({ scheme: 'oidc-okta', accessToken: '' })).toThrow(/accessToken/);
    expect(() => ssoAuth({ scheme: 'oidc-okta', accessToken: 'a;b' })).toThrow(/';'/);
    expect(() => toAuthToken(['only-user'] as unknown as [string, string])).toThrow(ConfigurationError);
  });

  it('passwords and tokens never show in error messages', () => {
    basicAuth('u', 'hunter2-secret');
    const err = fromDriverError(new Error('failed with hunter2-secret inside'), 'x');
    expect(err.message).not.toContain('hunter2-secret');
    expect(err.message).toContain('failed with');
    ssoAuth({ scheme: 'oidc-okta', accessToken: 'eyJ-access-secret', idToken: 'eyJ-id-secret' });
    const sso = fromDriverError(new Error('bad token eyJ-access-secret / eyJ-id-secret'), 'x');
    expect(sso.message).not.toContain('eyJ-access-secret');
    expect(sso.message).not.toContain('eyJ-id-secret');
    expect(sso.message).toContain('bad token');
  });
});

describe('configuration', () => {
  it('URI schemes: bolt (default), bolt+s, bolt+ssc, neo4j; others are a ConfigurationError', () => {
    expect(parseUri('bolt://localhost').host).toBe('localhost:7687');
    expect(parseUri('bolt+ssc://db.example:7688').host).toBe('db.example:7688');
    expect(() => parseUri('http://localhost:7687')).toThrow(ConfigurationError);
    expect(() => parseUri('localhost:7687')).toThrow(ConfigurationError);
    expect(() => GraphDatabase.driver('bolt://x', { retryDelayJitterFactor: 2 })).toThrow(ConfigurationError);
    expect(() => GraphDatabase.driver('bolt://x', { connectionTimeout: -1 })).toThrow(ConfigurationError);
  });

  it('queries: empty query, array parameters are usage errors', () => {
    expect(() => checkQuery('', {})).toThrow(ConfigurationError);
    expect(() => checkQuery('RETURN 1', [1])).toThrow(/parameters/);
    expect(() => checkQuery('USE DATABASE x', {}, { inTransaction: true })).toThrow(/inside a transaction/);
  });

  it('closed driver: every call is a DriverError before any I/O', async () => {
    const driver = GraphDatabase.driver('bolt://127.0.0.1:1');
    await driver.close();
    await expect(driver.executeQuery('RETURN 1')).rejects.toBeInstanceOf(DriverError);
    expect(() => driver.session()).toThrow(DriverError);
    await expect(driver.verifyConnectivity()).rejects.toMatchObject({ code: 'ERR_DRIVER_CLOSED' });
  });

  it('maps driver connection codes to connection errors', () => {
    const e = Object.assign(new Error('refused'), { code: 'ServiceUnavailable' });
    expect(fromDriverError(e, 'x')).toBeInstanceOf(ServiceUnavailable);
    // Bytes that are not Bolt come without a code: a protocol error, not the caller's mistake.
    const garbage = Object.assign(new Error('Unknown Bolt protocol version: 0.254'), { code: 'N/A' });
    expect(fromDriverError(garbage, 'x')).toBeInstanceOf(BoltProtocolError);
    const invalid = Object.assign(new Error('Expected a valid parameter map'), { code: 'N/A' });
    expect(fromDriverError(invalid, 'x')).toBeInstanceOf(ConfigurationError);
    expect(parseSize('1.5KiB')).toBe(1536);
    expect(parseSize('n/a')).toBeUndefined();
  });
});
