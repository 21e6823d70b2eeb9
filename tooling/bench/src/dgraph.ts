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
 */
import { randomBytes } from 'node:crypto';
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

export async function run(): Promise<BenchRow[]> {
  const info = await useServer('dgraph');
  const addr = info.endpoints[0]!;
  const P = `bname_${randomBytes(3).toString('hex')}`;
  const query = `query q($n: string) { q(func: eq(${P}, $n)) { uid ${P} } }`;
  const vars = { $n: 'bench' };

  // --- ours
  const ours = new DgraphClient(new DgraphClientStub(addr));
  await ours.alter(new Operation({ schema: `${P}: string @index(exact) .` }));
  await ours.txn().mutate({ setObj: { [P]: 'bench' }, commitNow: true });

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
    for (const kind of ['query', 'mutation'] as const) {
      for (const inFlight of LEVELS) {
        const bench = `dgraph ${kind}, ${inFlight} in flight`;
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
    await ours.alter(new Operation({ dropOp: 'ATTR', dropValue: P })).catch(() => {});
    ours.close();
    jsStub.close();
    raw.close();
  }
  return rows;
}
