import { randomBytes } from 'node:crypto';
import { useServer } from '@dbwire/test-servers';
import { holdServerLock } from '@dbwire/test-servers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  AuthenticationError,
  BearerToken,
  ConnectionError,
  DgraphClient,
  DgraphClientStub,
  grpc,
  Operation,
  open,
} from '../../src/index.js';
import { startTlsProxy, type TlsProxy } from './tls-proxy.js';

const sfx = randomBytes(4).toString('hex');
const NAME = `tname_${sfx}`;
const API_KEY = `key-${sfx}`;
let proxy: TlsProxy;

holdServerLock('dgraph');

beforeAll(async () => {
  const info = await useServer('dgraph');
  proxy = await startTlsProxy(info.endpoints[0]!, [API_KEY, `Bearer tok-${sfx}`]);
});

afterAll(async () => {
  await proxy?.close();
});

const lastHeaders = () => proxy.seen[proxy.seen.length - 1]!;

describe('reverse TLS proxy with an API key (the seed example)', () => {
  it('SSL channel credentials + metadata call credentials, composed', async () => {
    const creds = grpc.credentials.createSsl(Buffer.from(proxy.ca));
    const callCredentials = grpc.credentials.createFromMetadataGenerator((_context, callback) => {
      const md = new grpc.Metadata();
      md.set('authorization', API_KEY);
      callback(null, md);
    });
    const compositeCredentials = grpc.credentials.combineChannelCredentials(creds, callCredentials);
    const clientStub = new DgraphClientStub(`localhost:${proxy.port}`, compositeCredentials);
    const client = new DgraphClient(clientStub);
    try {
      await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
      await client.txn().mutate({ setObj: { [NAME]: 'behind-proxy' }, commitNow: true });
      const res = await client
        .txn({ readOnly: true })
        .query(`{ q(func: eq(${NAME}, "behind-proxy")) { ${NAME} } }`);
      expect(res.data.q).toEqual([{ [NAME]: 'behind-proxy' }]);
      expect(lastHeaders().authorization).toBe(API_KEY);
      // Seed: metadata headers such as auth-token are sent with the call.
      await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }), {
        metadata: [['auth-token', 'the-auth-token-value']],
      });
      expect(lastHeaders()['auth-token']).toBe('the-auth-token-value');
    } finally {
      clientStub.close();
    }
  });

  it('without the API key the proxy refuses: AuthenticationError', async () => {
    const stub = new DgraphClientStub(
      `localhost:${proxy.port}`,
      grpc.credentials.createSsl(Buffer.from(proxy.ca)),
    );
    try {
      await expect(new DgraphClient(stub).checkVersion()).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      stub.close();
    }
  });

  it('per-call CallCredentials (the `credentials` option) over TLS', async () => {
    const stub = new DgraphClientStub(`localhost:${proxy.port}`, undefined, { tls: { ca: proxy.ca } });
    const client = new DgraphClient(stub);
    const credentials = grpc.credentials.createFromMetadataGenerator((_c, cb) => {
      const md = new grpc.Metadata();
      md.set('authorization', API_KEY);
      cb(null, md);
    });
    try {
      expect(await client.checkVersion({ credentials })).toMatch(/^v25/);
      expect(lastHeaders().authorization).toBe(API_KEY);
    } finally {
      stub.close();
    }
  });

  it('an untrusted certificate fails the call with a ConnectionError', async () => {
    const stub = new DgraphClientStub(`localhost:${proxy.port}`, grpc.credentials.createSsl(), {
      connectTimeout: 3,
    });
    try {
      await expect(new DgraphClient(stub).checkVersion()).rejects.toBeInstanceOf(ConnectionError);
    } finally {
      stub.close();
    }
  });
});

describe('dbwire credentials providers as call credentials', () => {
  it('stub option auth: ApiKey / BearerToken from @dbwire/core', async () => {
    for (const [auth, expected] of [
      [new ApiKey(API_KEY, { scheme: '' }), API_KEY],
      [new BearerToken(`tok-${sfx}`), `Bearer tok-${sfx}`],
    ] as const) {
      const stub = new DgraphClientStub(`localhost:${proxy.port}`, undefined, {
        tls: { ca: proxy.ca },
        auth,
      });
      try {
        expect(await new DgraphClient(stub).checkVersion()).toMatch(/^v25/);
        expect(lastHeaders().authorization).toBe(expected);
      } finally {
        stub.close();
      }
    }
  });
});

describe('open() connection strings over TLS', () => {
  it('sslmode=verify-ca&apikey=... with a private CA', async () => {
    const client = await open(`dgraph://localhost:${proxy.port}?sslmode=verify-ca&apikey=${API_KEY}`, {
      tls: { ca: proxy.ca },
    });
    try {
      expect(await client.checkVersion()).toMatch(/^v25/);
      expect(lastHeaders().authorization).toBe(API_KEY);
    } finally {
      client.close();
    }
  });

  it('bearertoken=... sends "Bearer <token>"; sslmode=require skips verification', async () => {
    const client = await open(`dgraph://127.0.0.1:${proxy.port}?sslmode=require&bearertoken=tok-${sfx}`);
    try {
      expect(await client.checkVersion()).toMatch(/^v25/);
      expect(lastHeaders().authorization).toBe(`Bearer tok-${sfx}`);
    } finally {
      client.close();
    }
  });
});
