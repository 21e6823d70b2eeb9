import { afterEach, describe, expect, it } from 'vitest';
import { serverDef } from '../registry.js';

/** Docker mode for the Weaviate servers: complete env vars give the external info, partial ones fail loudly. */

const oidcVars: Record<string, string> = {
  WEAVIATE_OIDC_URL: 'http://127.0.0.1:8083',
  WEAVIATE_OIDC_ISSUER: 'http://127.0.0.1:8095',
  WEAVIATE_OIDC_USERNAME: 'dbwire-admin',
  WEAVIATE_OIDC_PASSWORD: 'pw',
  WEAVIATE_OIDC_CLIENT_ID: 'dbwire-test',
  WEAVIATE_OIDC_CLIENT_SECRET: 'secret',
  WEAVIATE_OIDC_TOKEN_LIFETIME: '15',
};
const touched = [
  ...Object.keys(oidcVars),
  'WEAVIATE_OIDC_GRPC',
  'WEAVIATE_URL',
  'WEAVIATE_GRPC',
  'WEAVIATE_INFERENCE_URL',
  'WEAVIATE_AUTH_URL',
  'WEAVIATE_SCRATCH_URL',
  'WEAVIATE_SCRATCH_GRPC',
];
const saved = Object.fromEntries(touched.map((k) => [k, process.env[k]]));

function setEnv(vars: Record<string, string>): void {
  for (const k of touched) delete process.env[k];
  Object.assign(process.env, vars);
}

afterEach(() => {
  for (const k of touched) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('weaviate docker mode', () => {
  it('needs WEAVIATE_INFERENCE_URL with WEAVIATE_URL and reports it as inferenceUrl', () => {
    const def = serverDef('weaviate');
    setEnv({});
    expect(def.external()).toBeUndefined();
    setEnv({ WEAVIATE_URL: 'http://db:8080' });
    expect(() => def.external()).toThrow(/WEAVIATE_INFERENCE_URL is not/);
    setEnv({ WEAVIATE_INFERENCE_URL: 'http://t2v:8090' });
    expect(() => def.external()).toThrow(/WEAVIATE_INFERENCE_URL is set without WEAVIATE_URL/);
    setEnv({ WEAVIATE_URL: 'http://db:8080', WEAVIATE_INFERENCE_URL: 'http://t2v:8090' });
    expect(def.external()).toEqual({
      name: 'weaviate',
      external: true,
      endpoints: ['http://db:8080'],
      url: 'http://db:8080',
      grpc: 'db:50051',
      inferenceUrl: 'http://t2v:8090',
    });
  });

  it('weaviate-scratch: its own URL only, never the server of WEAVIATE_URL or WEAVIATE_AUTH_URL', () => {
    const def = serverDef('weaviate-scratch');
    setEnv({ WEAVIATE_URL: 'http://db:8080', WEAVIATE_INFERENCE_URL: 'http://t2v:8090' });
    // Unset: local (the wiping suite itself fails in docker mode, see schema-delete-all.test.ts).
    expect(def.external()).toBeUndefined();
    setEnv({ WEAVIATE_SCRATCH_GRPC: 'db:50051' });
    expect(() => def.external()).toThrow(/WEAVIATE_SCRATCH_GRPC is set without WEAVIATE_SCRATCH_URL/);
    setEnv({ WEAVIATE_URL: 'http://localhost:8080', WEAVIATE_SCRATCH_URL: 'http://127.0.0.1:8080/' });
    expect(() => def.external()).toThrow(/same server as WEAVIATE_URL/);
    setEnv({ WEAVIATE_AUTH_URL: 'http://auth:80', WEAVIATE_SCRATCH_URL: 'http://auth' });
    expect(() => def.external()).toThrow(/same server as WEAVIATE_AUTH_URL/);
    setEnv({ WEAVIATE_URL: 'http://db:8080', WEAVIATE_SCRATCH_URL: 'http://scratch:8080' });
    expect(def.external()).toEqual({
      name: 'weaviate-scratch',
      external: true,
      endpoints: ['http://scratch:8080'],
      url: 'http://scratch:8080',
      grpc: 'scratch:50051',
    });
  });

  it('weaviate-oidc needs every variable, and reports them under the local info keys', () => {
    const def = serverDef('weaviate-oidc');
    setEnv({});
    expect(def.external()).toBeUndefined();
    const { WEAVIATE_OIDC_CLIENT_SECRET: _, ...partial } = oidcVars;
    setEnv(partial);
    expect(() => def.external()).toThrow(/missing: WEAVIATE_OIDC_CLIENT_SECRET$/);
    setEnv({ ...oidcVars, WEAVIATE_OIDC_TOKEN_LIFETIME: 'soon' });
    expect(() => def.external()).toThrow(/WEAVIATE_OIDC_TOKEN_LIFETIME must be a positive integer/);
    setEnv({ ...oidcVars, WEAVIATE_OIDC_GRPC: '127.0.0.1:50053' });
    expect(def.external()).toEqual({
      name: 'weaviate-oidc',
      external: true,
      endpoints: ['http://127.0.0.1:8083'],
      url: 'http://127.0.0.1:8083',
      grpc: '127.0.0.1:50053',
      issuer: 'http://127.0.0.1:8095',
      username: 'dbwire-admin',
      password: 'pw',
      clientId: 'dbwire-test',
      clientSecret: 'secret',
      accessTokenLifetimeSeconds: 15,
    });
  });
});
