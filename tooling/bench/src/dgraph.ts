/**
 * dgraph-client bench: @dbwire/dgraph-client vs dgraph-js 24.2.0 vs raw @grpc/grpc-js (pre-encoded
 * request bytes, the same static decoder, nothing else on top), all against the same real Dgraph
 * ('dgraph' from tooling/servers) in one run.
 *
 * - query: a read-only transaction per op running a query with one variable (one Query RPC);
 * - mutation: a transaction per op running one JSON set mutation with commitNow (one Query RPC);
 * each at 1 and 32 in flight. Every figure is the median of BENCH_RUNS (default 5) timed runs of
 * BENCH_RUN_MS (default 2000) after a warm-up; the implementations take turns within each round so
 * server-side drift hits them alike.
 *
 * The same query workload also runs against a canned responder (a grpc-js server in a child process
 * answering every Query with the same bytes), which isolates what the client itself costs: there the
 * bar is the raw grpc-js baseline.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, DgraphClient, DgraphClientStub, Operation } from '@dbwire/dgraph-client';
import { useServer } from '@dbwire/test-servers';
import * as grpc from '@grpc/grpc-js';
import * as dgraphjs from 'dgraph-js';
import type { BenchRow } from './types.js';

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LEVELS = [1, 32];

type Op = () => Promise<unknown>;

async function timed(op: Op, inFlight: number, ms: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (count * 1000) / (performance.now() - start);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A gRPC server in a child process answering every api.Dgraph/Query with one fixed Response. */
const CANNED_SERVER = `
import * as grpc from '@grpc/grpc-js';
const json = Buffer.from(JSON.stringify({ q: [{ uid: '0x1', bname: 'bench' }] }));
const txn = Buffer.from([0x08, 0x01]);
const answer = Buffer.concat([Buffer.from([0x0a, json.length]), json, Buffer.from([0x12, txn.length]), txn]);
const server = new grpc.Server();
const id = (b) => b;
server.register('/api.Dgraph/Query', (_call, cb) => cb(null, answer), id, id, 'unary');
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(String(port) + '\\n');
});
`;

async function cannedServer(): Promise<{ addr: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CANNED_SERVER], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`canned server exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return { addr: `127.0.0.1:${port}`, stop: () => child.kill() };
}

export async function run(): Promise<BenchRow[]> {
  const rows = await runAgainst('dgraph', (await useServer('dgraph')).endpoints[0]!, true);
  const canned = await cannedServer();
  try {
    rows.push(...(await runAgainst('canned responder', canned.addr, false)));
  } finally {
    canned.stop();
  }
  return rows;
}

async function runAgainst(label: string, addr: string, real: boolean): Promise<BenchRow[]> {
  const P = real ? `bname_${randomBytes(3).toString('hex')}` : 'bname';
  const query = `query q($n: string) { q(func: eq(${P}, $n)) { uid ${P} } }`;
  const vars = { $n: 'bench' };

  // --- ours
  const ours = new DgraphClient(new DgraphClientStub(addr));
  if (real) {
    await ours.alter(new Operation({ schema: `${P}: string @index(exact) .` }));
    await ours.txn().mutate({ setObj: { [P]: 'bench' }, commitNow: true });
  }

  // --- dgraph-js
  const jsStub = new dgraphjs.DgraphClientStub(addr, grpc.credentials.createInsecure());
  const js = new dgraphjs.DgraphClient(jsStub);

  // --- raw grpc-js: the same Request bytes every time, decoded with the same static code.
  const raw = new grpc.Client(addr, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  const decode = (b: Buffer) => api.Response.decode(b);
  const queryBytes = Buffer.from(api.Request.encode({ query, vars, readOnly: true }).finish());
  const rawCall = (bytes: Buffer) =>
    new Promise<api.Response>((resolve, reject) => {
      raw.makeUnaryRequest(
        '/api.Dgraph/Query',
        identity,
        decode,
        bytes,
        new grpc.Metadata(),
        {},
        (err, res) => (err ? reject(err) : resolve(res as api.Response)),
      );
    });
  const mutationBytes = () =>
    Buffer.from(
      api.Request.encode({
        mutations: [{ setJson: Buffer.from(JSON.stringify({ [P]: 'm' })) }],
        commitNow: true,
      }).finish(),
    );

  const check = (n: number) => {
    if (n !== 1) throw new Error(`bench query returned ${n} rows, expected 1`);
  };

  const impls: Array<{ impl: string; query: Op; mutation: Op }> = [
    {
      impl: 'dbwire',
      query: async () =>
        check((await ours.txn({ readOnly: true }).query(query, { variables: vars })).data.q.length),
      mutation: () => ours.txn().mutate({ setObj: { [P]: 'm' }, commitNow: true }),
    },
    {
      impl: 'dgraph-js 24.2.0',
      query: async () =>
        check((await js.newTxn({ readOnly: true }).queryWithVars(query, vars)).getJson().q.length),
      mutation: () => {
        const mu = new dgraphjs.Mutation();
        mu.setSetJson({ [P]: 'm' });
        mu.setCommitNow(true);
        return js.newTxn().mutate(mu);
      },
    },
    {
      impl: 'raw @grpc/grpc-js',
      query: async () => {
        const res = await rawCall(queryBytes);
        check(JSON.parse(Buffer.from(res.json).toString()).q.length);
      },
      mutation: () => rawCall(mutationBytes()),
    },
  ];

  const rows: BenchRow[] = [];
  try {
    for (const kind of real ? (['query', 'mutation'] as const) : (['query'] as const)) {
      for (const inFlight of LEVELS) {
        const bench = `${label} ${kind}, ${inFlight} in flight`;
        const samples = new Map<string, number[]>(impls.map((i) => [i.impl, []]));
        for (const i of impls) await timed(i[kind], inFlight, Math.min(500, RUN_MS)); // warm-up
        for (let r = 0; r < RUNS; r++) {
          // Rotate the order each round.
          for (let k = 0; k < impls.length; k++) {
            const i = impls[(k + r) % impls.length]!;
            samples.get(i.impl)!.push(await timed(i[kind], inFlight, RUN_MS));
          }
        }
        for (const i of impls) rows.push({ bench, impl: i.impl, opsPerSec: median(samples.get(i.impl)!) });
        const ourOps = rows.find((x) => x.bench === bench && x.impl === 'dbwire')!.opsPerSec;
        const jsOps = rows.find((x) => x.bench === bench && x.impl === 'dgraph-js 24.2.0')!.opsPerSec;
        const rawOps = rows.find((x) => x.bench === bench && x.impl === 'raw @grpc/grpc-js')!.opsPerSec;
        console.log(
          `${bench}: dbwire ${Math.round(ourOps)} ops/s, dgraph-js ${Math.round(jsOps)}, raw ${Math.round(rawOps)} ` +
            `(dbwire/dgraph-js ${(ourOps / jsOps).toFixed(2)}x, dbwire/raw ${(ourOps / rawOps).toFixed(2)}x)`,
        );
      }
    }
  } finally {
    if (real) await ours.alter(new Operation({ dropOp: 'ATTR', dropValue: P })).catch(() => {});
    ours.close();
    jsStub.close();
    raw.close();
  }
  return rows;
}
