import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ServerInfo, useServer } from '../src/index.js';

/** Smoke tests: the 'dgraph' and 'dgraph-acl' servers answer real Dgraph gRPC calls. */

interface Jwt {
  access_jwt: string;
  refresh_jwt: string;
}

type Callback<T> = (err: grpc.ServiceError | null, res?: T) => void;

interface DgraphStub extends grpc.Client {
  CheckVersion(req: object, opts: grpc.CallOptions, cb: Callback<{ tag: string }>): void;
  Login(
    req: { userid: string; password: string },
    opts: grpc.CallOptions,
    cb: Callback<{ json: Jwt | null }>,
  ): void;
}

const protoPath = fileURLToPath(new URL('./fixtures/dgraph-api.proto', import.meta.url));
const pkg = grpc.loadPackageDefinition(
  protoLoader.loadSync(protoPath, { keepCase: true, defaults: true }),
) as unknown as {
  api: { Dgraph: new (address: string, creds: grpc.ChannelCredentials) => DgraphStub };
};

function call<Req, Res>(
  address: string,
  method: (stub: DgraphStub, req: Req, opts: grpc.CallOptions, cb: Callback<Res>) => void,
  req: Req,
): Promise<Res> {
  const stub = new pkg.api.Dgraph(address, grpc.credentials.createInsecure());
  return new Promise<Res>((resolve, reject) => {
    method(stub, req, { deadline: Date.now() + 5000 }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  }).finally(() => stub.close());
}

const checkVersion = (address: string) =>
  call(address, (s, r: object, o, cb: Callback<{ tag: string }>) => s.CheckVersion(r, o, cb), {});
const login = (address: string, userid: string, password: string) =>
  call(
    address,
    (s, r: { userid: string; password: string }, o, cb: Callback<{ json: Jwt | null }>) => s.Login(r, o, cb),
    {
      userid,
      password,
    },
  );

function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error(`not a JWT: ${token}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

describe('dgraph', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('dgraph');
  });

  it('describes its endpoints', () => {
    expect(info.endpoints[0]).toBe(info.grpc);
    if (!info.external) {
      expect(info.grpc).toBe('127.0.0.1:9080');
      expect(info.http).toBe('http://127.0.0.1:8080');
    }
  });

  it('answers CheckVersion over gRPC with a v25 tag', async () => {
    const version = await checkVersion(info.grpc as string);
    expect(version.tag).toMatch(/^v25\.\d+\.\d+/);
  });

  const noHttp = Boolean(process.env.DGRAPH_GRPC) && !process.env.DGRAPH_HTTP;
  it.skipIf(noHttp)('reports a healthy alpha over HTTP', async () => {
    const res = await fetch(`${info.http}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Array<{ instance: string; status: string; version: string }>;
    const alpha = body.find((e) => e.instance === 'alpha');
    expect(alpha?.status).toBe('healthy');
    expect(alpha?.version).toMatch(/^v25\./);
  });
});

describe('dgraph-acl', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('dgraph-acl');
  });

  it('describes its endpoints and credentials', () => {
    expect(info.user).toBe('groot');
    expect(info.password).toBe('password');
    if (!info.external) {
      expect(info.endpoints).toEqual(['127.0.0.1:9180']);
      expect(info.accessTtlMs).toBe(5000);
    }
  });

  it('logs groot in and issues JWTs with the configured access TTL', async () => {
    const address = info.endpoints[0] as string;
    const before = Date.now();
    const res = await login(address, info.user as string, info.password as string);
    const jwt = res.json;
    expect(jwt?.access_jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jwt?.refresh_jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const access = jwtClaims(jwt?.access_jwt ?? '');
    expect(access.userid).toBe('groot');
    expect(access.groups).toContain('guardians');
    if (typeof info.accessTtlMs === 'number') {
      // exp is in whole seconds: the token lives between TTL - 1 s and TTL.
      const lifetimeMs = (access.exp as number) * 1000 - before;
      expect(lifetimeMs).toBeGreaterThan(info.accessTtlMs - 2000);
      expect(lifetimeMs).toBeLessThanOrEqual(info.accessTtlMs + 1000);
    }
    const refresh = jwtClaims(jwt?.refresh_jwt ?? '');
    expect(refresh.exp as number).toBeGreaterThan(access.exp as number);
  });

  it('refuses a wrong password', async () => {
    const address = info.endpoints[0] as string;
    const err = await login(address, 'groot', 'not-the-password').then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err).toBeDefined();
    expect(err?.details).toMatch(/invalid username or password/);
  });
});
