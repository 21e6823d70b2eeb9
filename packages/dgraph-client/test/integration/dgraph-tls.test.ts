import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DgraphClient,
  DgraphClientStub,
  grpc,
  Operation,
  open,
  TimeoutError,
} from '../../src/index.js';

// Dgraph's OWN TLS (not a proxy): the 'dgraph-tls' alpha runs with `--tls ... client-auth-type=
// REQUIREANDVERIFY`, so every connection verifies the server certificate against a private CA and must
// present a client certificate signed by that CA (mutual TLS).

const sfx = randomBytes(4).toString('hex');
const NAME = `tlsname_${sfx}`;
let addr: string;
let ca: string;
let cert: string;
let key: string;
let otherCa: string | undefined;

beforeAll(async () => {
  const info = await useServer('dgraph-tls');
  addr = info.endpoints[0]!;
  const read = (k: string) => readFileSync(info[k] as string, 'utf8');
  ca = read('caFile');
  cert = read('clientCertFile');
  key = read('clientKeyFile');
  otherCa = info.otherCaFile ? read('otherCaFile') : undefined;
});

const clients: DgraphClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});
const track = (c: DgraphClient) => {
  clients.push(c);
  return c;
};

describe("Dgraph's own TLS with client certificates", () => {
  it('stub option tls { ca, cert, key }: schema, mutation and query over mutual TLS', async () => {
    const client = track(new DgraphClient(new DgraphClientStub(addr, undefined, { tls: { ca, cert, key } })));
    expect(await client.checkVersion()).toMatch(/^v25\./);
    await client.alter(new Operation({ schema: `${NAME}: string @index(exact) .` }));
    await client.txn().mutate({ setObj: { [NAME]: 'over-mtls' }, commitNow: true });
    const res = await client
      .txn({ readOnly: true })
      .query(`{ q(func: eq(${NAME}, "over-mtls")) { ${NAME} } }`);
    expect(res.data.q).toEqual([{ [NAME]: 'over-mtls' }]);
  });

  it('grpc channel credentials (the seed way) work too, and so does open() with verify-ca', async () => {
    const creds = grpc.credentials.createSsl(Buffer.from(ca), Buffer.from(key), Buffer.from(cert));
    const client = track(new DgraphClient(new DgraphClientStub(addr, creds)));
    expect(await client.checkVersion()).toMatch(/^v25\./);
    const opened = track(await open(`dgraph://${addr}?sslmode=verify-ca`, { tls: { ca, cert, key } }));
    expect(await opened.checkVersion()).toMatch(/^v25\./);
  });

  it('without a client certificate the server refuses the connection: a ConnectionError, no hang', async () => {
    const client = track(
      new DgraphClient(new DgraphClientStub(addr, undefined, { tls: { ca }, connectTimeout: 5 })),
    );
    const started = Date.now();
    const err = await client.checkVersion({ timeout: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('a server certificate from a CA the client does not trust: a ConnectionError', async () => {
    const client = track(
      new DgraphClient(
        new DgraphClientStub(addr, undefined, { tls: { ca: otherCa ?? cert, cert, key }, connectTimeout: 5 }),
      ),
    );
    const err = await client.checkVersion({ timeout: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
  });

  it('a plaintext client against the TLS port: a ConnectionError', async () => {
    const client = track(new DgraphClient(new DgraphClientStub(addr, undefined, { connectTimeout: 5 })));
    const err = await client.checkVersion({ timeout: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
  });
});
