import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ServerInfo, useServer } from '../src/index.js';

/** Smoke tests: the 'weaviate' and 'weaviate-auth' servers answer REST and gRPC. */

type Callback<T> = (err: grpc.ServiceError | null, res?: T) => void;

interface HealthStub extends grpc.Client {
  Check(
    req: { service: string },
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: Callback<{ status: string }>,
  ): void;
}

const protoPath = fileURLToPath(new URL('./fixtures/weaviate-health.proto', import.meta.url));
const pkg = grpc.loadPackageDefinition(
  protoLoader.loadSync(protoPath, { keepCase: true, defaults: true, enums: String }),
) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, creds: grpc.ChannelCredentials) => HealthStub } } };
};

function healthCheck(address: string, apiKey?: string): Promise<string> {
  const stub = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  if (apiKey) md.set('authorization', `Bearer ${apiKey}`);
  return new Promise<string>((resolve, reject) => {
    stub.Check({ service: '' }, md, { deadline: Date.now() + 5000 }, (err, res) =>
      err ? reject(err) : resolve(res?.status ?? ''),
    );
  }).finally(() => stub.close());
}

interface Meta {
  version: string;
  hostname: string;
  modules: Record<string, unknown>;
}

describe('weaviate', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('weaviate');
  });

  it('describes its endpoints', () => {
    expect(info.endpoints[0]).toBe(info.url);
    if (!info.external) {
      expect(info.url).toBe('http://127.0.0.1:8081');
      expect(info.grpc).toBe('127.0.0.1:8551');
      expect(info.apiKey).toBeUndefined();
    }
  });

  it('reports version 1.39 and the offline modules in /v1/meta', async () => {
    const res = await fetch(`${info.url}/v1/meta`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Meta;
    expect(meta.version).toMatch(/^1\.39\.\d+/);
    if (!info.external) {
      for (const m of ['backup-filesystem', 'text2vec-bigram', 'generative-dummy', 'reranker-dummy']) {
        expect(Object.keys(meta.modules)).toContain(m);
      }
    }
  });

  it('is live and ready', async () => {
    expect((await fetch(`${info.url}/v1/.well-known/live`)).status).toBe(200);
    expect((await fetch(`${info.url}/v1/.well-known/ready`)).status).toBe(200);
  });

  it('answers grpc.health.v1.Health/Check with SERVING', async () => {
    expect(await healthCheck(info.grpc as string)).toBe('SERVING');
  });
});

describe('weaviate-auth', () => {
  let info: ServerInfo;
  beforeAll(async () => {
    info = await useServer('weaviate-auth');
  });

  it('describes its endpoints and API key', () => {
    expect(typeof info.apiKey).toBe('string');
    if (!info.external) {
      expect(info.url).toBe('http://127.0.0.1:8082');
      expect(info.grpc).toBe('127.0.0.1:8552');
      expect(info.apiKey).toBe('test-secret-key');
    }
  });

  it('refuses a request without the key (401) and with a wrong key (401)', async () => {
    const anonymous = await fetch(`${info.url}/v1/meta`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { message: string }).message).toMatch(/anonymous access not enabled/);
    const wrong = await fetch(`${info.url}/v1/meta`, { headers: { authorization: 'Bearer not-the-key' } });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();
  });

  it('accepts the key (200) and reports version 1.39', async () => {
    const res = await fetch(`${info.url}/v1/meta`, { headers: { authorization: `Bearer ${info.apiKey}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Meta).version).toMatch(/^1\.39\.\d+/);
  });

  it('gives the key admin rights (create and delete a collection)', async () => {
    const headers = { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' };
    const name = `DbwireSmoke${randomBytes(4).toString('hex')}`;
    const created = await fetch(`${info.url}/v1/schema`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        class: name,
        vectorizer: 'none',
        properties: [{ name: 'title', dataType: ['text'] }],
      }),
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { class: string }).class).toBe(name);
    const deleted = await fetch(`${info.url}/v1/schema/${name}`, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    await deleted.arrayBuffer();
  });

  it('answers gRPC health with SERVING', async () => {
    expect(await healthCheck(info.grpc as string, info.apiKey as string)).toBe('SERVING');
  });
});
