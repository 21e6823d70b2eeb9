import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedText, T2V_DIMENSIONS } from './embedding.js';
import { type InferenceServer, startInferenceServer } from './server.js';

/** The service answers the requests Weaviate's text2vec-transformers client sends, shaped as it parses them. */
describe('t2v inference service', () => {
  let server: InferenceServer;
  beforeAll(async () => {
    server = await startInferenceServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('is ready and live (204) and describes its model in /meta', async () => {
    expect((await fetch(`${server.url}/.well-known/ready`)).status).toBe(204);
    expect((await fetch(`${server.url}/.well-known/live`)).status).toBe(204);
    const meta = await fetch(`${server.url}/meta`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toEqual({
      model: { name: 'dbwire-hashed-bag-of-words', dimensions: T2V_DIMENSIONS, kind: expect.any(String) },
    });
  });

  it('POST /vectors answers {text, dims, vector} with embedText(text), with or without the trailing slash', async () => {
    server.received.length = 0;
    for (const path of ['/vectors', '/vectors/']) {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: 'Article a red apple',
          config: { pooling_strategy: 'masked_mean', task_type: 'passage' },
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { text: string; dims: number; vector: number[] };
      expect(body).toEqual({
        text: 'Article a red apple',
        dims: T2V_DIMENSIONS,
        vector: embedText('Article a red apple'),
      });
    }
    expect(server.received).toEqual([
      { text: 'Article a red apple', taskType: 'passage' },
      { text: 'Article a red apple', taskType: 'passage' },
    ]);
    const listed = await fetch(`${server.url}/_dbwire/requests`);
    expect(((await listed.json()) as unknown[]).length).toBe(2);
    expect((await fetch(`${server.url}/_dbwire/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(server.received).toHaveLength(0);
  });

  it('answers a bad body with an {error} that Weaviate would surface', async () => {
    const notJson = await fetch(`${server.url}/vectors`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/invalid JSON body/);
    const noText = await fetch(`${server.url}/vectors`, { method: 'POST', body: '{"config":{}}' });
    expect(noText.status).toBe(422);
    expect(((await noText.json()) as { error: string }).error).toBe('field "text" must be a string');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
