import {
  AuthenticationError,
  BearerToken,
  CancelledError,
  DbwireError,
  ServerError,
  TimeoutError,
  UsageError,
} from '@dbwire/core';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DgraphClient } from './client.js';
import {
  AbortedError,
  DgraphServerError,
  fromGrpcError,
  GrpcStatus,
  isJwtExpired,
  JwtExpiredError,
  ReadOnlyError,
  RetriableError,
  TransactionError,
  TxnFinishedError,
  UnavailableError,
} from './errors.js';
import { jwtNamespace, mergeMetadata } from './funnel.js';
import { api, Methods } from './methods.js';
import { parseConnectionString } from './open.js';
import { Response } from './response.js';
import { DgraphClientStub } from './stub.js';
import { Mutation, Operation } from './types.js';

function grpcError(code: number, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new grpc.Metadata() });
}

describe('parseConnectionString', () => {
  it('parses user, password, host, port and params', () => {
    expect(
      parseConnectionString('dgraph://groot:s3cr%40t@localhost:9080?sslmode=verify-ca&namespace=2'),
    ).toEqual({
      hosts: ['localhost:9080'],
      username: 'groot',
      password: 's3cr@t',
      sslmode: 'verify-ca',
      namespace: 2,
    });
    expect(parseConnectionString('dgraph://a:9080,b:9081')).toEqual({
      hosts: ['a:9080', 'b:9081'],
      sslmode: 'disable',
    });
    expect(parseConnectionString('dgraph://h:1?sslmode=require&bearertoken=tok').bearertoken).toBe('tok');
    expect(parseConnectionString('dgraph://[::1]:9080').hosts).toEqual(['[::1]:9080']);
  });

  it.each([
    ['http://localhost:9080', /scheme must be 'dgraph'/],
    ['dgraph://localhost', /port required/],
    ['dgraph://:9080', /malformed host/],
    ['dgraph://user@localhost:9080', /password required/],
    ['dgraph://localhost:9080?sslmode=maybe', /invalid sslmode/],
    ['dgraph://localhost:9080?sslmode=require&apikey=a&bearertoken=b', /cannot both/],
    ['dgraph://localhost:9080?namespace=1', /username\/password required/],
    ['dgraph://u:p@localhost:9080?namespace=-1', /namespace must be an integer/],
    ['dgraph://localhost:9080?sslmode=disable&apikey=x', /need TLS/],
    ['dgraph://localhost:9080?colour=blue', /unknown parameter 'colour'/],
    ['dgraph://localhost:99999', /port out of range/],
  ])('rejects %s', (input, message) => {
    expect(() => parseConnectionString(input)).toThrowError(message);
    try {
      parseConnectionString(input);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe('ERR_INVALID_CONNECTION_STRING');
    }
  });

  it('never echoes the password in errors', () => {
    try {
      parseConnectionString('dgraph://u:hunter2secret@localhost:9080?sslmode=nope');
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('hunter2secret');
    }
  });
});

describe('Operation and Mutation', () => {
  it('keeps camelCase fields that encode to the wire names', () => {
    const op = new Operation({
      schema: 'name: string .',
      runInBackground: true,
      dropOp: 'ATTR',
      dropValue: 'name',
    });
    const decoded = api.Operation.decode(Methods.alter.serialize(op));
    expect(decoded.schema).toBe('name: string .');
    expect(decoded.runInBackground).toBe(true);
    expect(decoded.dropOp).toBe(Operation.DropOp.ATTR);
    expect(decoded.dropValue).toBe('name');
  });

  it('rejects snake_case and unknown options with a hint', () => {
    expect(() => new Operation({ drop_all: true } as never)).toThrowError(/camelCase: dropAll/);
    expect(() => new Operation({ dropOp: 'EVERYTHING' as never })).toThrowError(UsageError);
    expect(() => new Mutation({ set_nquads: 'x' } as never)).toThrowError(/setNquads/);
  });

  it('encodes string payloads as UTF-8, not base64', () => {
    const mu = new Mutation({ setNquads: '_:a <name> "Zoë" .', cond: '@if(eq(len(u), 1))' });
    const decoded = api.Mutation.decode(api.Mutation.encode(mu).finish());
    expect(Buffer.from(decoded.setNquads).toString('utf8')).toBe('_:a <name> "Zoë" .');
    expect(decoded.cond).toBe('@if(eq(len(u), 1))');
  });
});

describe('Txn without network', () => {
  const client = new DgraphClient(new DgraphClientStub('127.0.0.1:1'));

  it('builds requests like pydgraph create_request', () => {
    const txn = client.txn();
    const mu = txn.createMutation({ setObj: { name: 'Alice' }, cond: '@if(eq(len(u), 0))' });
    expect(Buffer.from(mu.setJson!).toString()).toBe('{"name":"Alice"}');
    const req = txn.createRequest({
      query: '{ u as var(func: eq(name, "A")) }',
      variables: { $a: 'x', $n: 3 },
      mutations: [mu],
      commitNow: true,
    });
    const decoded = api.Request.decode(Methods.query.serialize(req));
    expect(decoded.query).toContain('u as var');
    expect(decoded.vars).toEqual({ $a: 'x', $n: '3' });
    expect(decoded.mutations).toHaveLength(1);
    expect(decoded.commitNow).toBe(true);
    expect(decoded.mutations[0]!.cond).toBe('@if(eq(len(u), 0))');
  });

  it('refuses best-effort without read-only, and bad variables', () => {
    expect(() => client.txn({ bestEffort: true })).toThrowError(TransactionError);
    expect(() => client.txn().createRequest({ variables: { $a: { x: 1 } as never } })).toThrowError(
      /must be strings/,
    );
    expect(() => client.txn().createRequest({ respFormat: 'XML' as never })).toThrowError(/RDF or JSON/);
  });

  it('mutate refuses unknown options and empty mutations before any I/O', async () => {
    await expect(client.txn().mutate({ setJson: '{}' } as never)).rejects.toThrowError(/new Mutation/);
    await expect(client.txn().mutate({ set_obj: {} } as never)).rejects.toThrowError(/camelCase/);
    await expect(client.txn().mutate({ commitNow: true })).rejects.toThrowError(/empty mutation/);
  });

  it('read-only transactions refuse mutations and commits before any I/O', async () => {
    const txn = client.txn({ readOnly: true });
    await expect(txn.mutate({ setObj: { a: 1 } })).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(client.txn({ readOnly: true }).commit()).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(client.txn({ readOnly: true }).commit()).rejects.toBeInstanceOf(UsageError);
  });

  it('commit without mutations needs no network; discard is idempotent; finished txns refuse work', async () => {
    const txn = client.txn();
    expect(await txn.commit()).toBeNull();
    await txn.discard();
    await txn.discard();
    await expect(txn.query('{ q(func: has(name)) { uid } }')).rejects.toBeInstanceOf(TxnFinishedError);
    await expect(txn.commit()).rejects.toThrowError(/already been committed or discarded/);
  });

  it('validates per-call timeout (seconds)', async () => {
    await expect(client.checkVersion({ timeout: -1 })).rejects.toThrowError(/seconds > 0/);
  });

  it('auth providers need TLS', () => {
    expect(() => new DgraphClientStub('127.0.0.1:1', undefined, { auth: new BearerToken('t') })).toThrowError(
      /needs TLS/,
    );
  });

  it('needs at least one stub', () => {
    expect(() => new DgraphClient()).toThrowError(/No clients provided/);
    expect(() => new DgraphClientStub('dgraph://x:1')).toThrowError(/open\(/);
  });
});

describe('gRPC status mapping', () => {
  it('ABORTED and FAILED_PRECONDITION become AbortedError (retryable, branded)', () => {
    for (const code of [GrpcStatus.ABORTED, GrpcStatus.FAILED_PRECONDITION]) {
      const err = fromGrpcError(
        grpcError(code, 'Transaction has been aborted. Please retry'),
        'CommitOrAbort',
        'h:1',
      );
      expect(err).toBeInstanceOf(AbortedError);
      expect(err).toBeInstanceOf(ServerError);
      expect(DbwireError.is(err)).toBe(true);
      expect(err.retryable).toBe(true);
      expect(err.code).toBe('ERR_ABORTED');
    }
  });

  it('maps the other codes to the classes users tell apart', () => {
    const map = (code: number, details: string) =>
      fromGrpcError(grpcError(code, details), 'Query', 'h:1', 1000);
    expect(map(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded')).toBeInstanceOf(TimeoutError);
    expect(map(GrpcStatus.UNAVAILABLE, 'No connection established')).toBeInstanceOf(UnavailableError);
    expect(map(GrpcStatus.UNAVAILABLE, 'Protocol error').message).toMatch(/gRPC port/);
    expect(map(GrpcStatus.CANCELLED, 'Cancelled on client')).toBeInstanceOf(CancelledError);
    expect(map(GrpcStatus.INTERNAL, 'Response message parsing error: index out of range').name).toBe(
      'ProtocolError',
    );
    expect(map(GrpcStatus.UNIMPLEMENTED, 'unknown method RunDQL')).toBeInstanceOf(DgraphServerError);
    const expired = map(GrpcStatus.UNAUTHENTICATED, 'unable to parse jwt token: Token is expired');
    expect(expired).toBeInstanceOf(JwtExpiredError);
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect(map(GrpcStatus.UNKNOWN, 'invalid username or password')).toBeInstanceOf(AuthenticationError);
    expect(map(GrpcStatus.UNKNOWN, 'opIndexing is already running')).toBeInstanceOf(RetriableError);
    const bad = map(GrpcStatus.UNKNOWN, 'while lexing { at line 1: Unclosed Brackets');
    expect(bad).toBeInstanceOf(DgraphServerError);
    expect((bad as DgraphServerError).grpcCode).toBe(GrpcStatus.UNKNOWN);
  });

  it('isJwtExpired reads raw gRPC errors and typed errors', () => {
    expect(isJwtExpired(grpcError(16, 'Token is expired'))).toBe(true);
    expect(isJwtExpired(new JwtExpiredError('x'))).toBe(true);
    expect(isJwtExpired(grpcError(2, 'other'))).toBe(false);
  });
});

describe('helpers', () => {
  it('merges metadata from objects, pairs and grpc.Metadata', () => {
    const md = new grpc.Metadata();
    mergeMetadata(md, { 'auth-token': 'a' });
    mergeMetadata(md, [['x-one', '1']]);
    const other = new grpc.Metadata();
    other.set('x-two', '2');
    mergeMetadata(md, other);
    expect(md.get('auth-token')).toEqual(['a']);
    expect(md.get('x-one')).toEqual(['1']);
    expect(md.get('x-two')).toEqual(['2']);
    expect(() => mergeMetadata(md, [['bad key!', 'v']])).toThrowError(UsageError);
  });

  it('reads the namespace claim of a JWT', () => {
    const payload = Buffer.from(JSON.stringify({ namespace: 7 })).toString('base64url');
    expect(jwtNamespace(`h.${payload}.s`)).toBe(7);
    expect(jwtNamespace('not-a-jwt')).toBe(0);
  });

  it('Response decodes json lazily and keeps the bytes', () => {
    const bytes = api.Response.encode({
      json: Buffer.from('{"all":[{"name":"Alice"}]}'),
      uids: { a: '0x1' },
    }).finish();
    const res = new Response<{ all: { name: string }[] }>(api.Response.decode(bytes));
    expect(JSON.parse(res.json)).toEqual({ all: [{ name: 'Alice' }] });
    expect(res.data.all[0]!.name).toBe('Alice');
    expect(res.uids).toEqual({ a: '0x1' });
    expect(Buffer.from(res.jsonBytes).toString()).toContain('Alice');
  });
});

describe('error names', () => {
  it('err.name is the class name; brands stay package-specific', () => {
    expect(new AbortedError().name).toBe('AbortedError');
    expect(new TxnFinishedError().name).toBe('TxnFinishedError');
    expect(new ReadOnlyError('x').name).toBe('ReadOnlyError');
    expect(new UnavailableError('x').name).toBe('UnavailableError');
    expect(new JwtExpiredError('x').name).toBe('JwtExpiredError');
    expect(new TxnFinishedError()).toBeInstanceOf(TransactionError);
    expect(new AbortedError()).not.toBeInstanceOf(TransactionError);
  });
});
