import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { useServer } from '@dbwire/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weaviate } from '../../src/generated/weaviate.js';
import {
  Client,
  type ConsistencyLevel,
  generateUuid5,
  UnexpectedStatusCodeException,
  UsageError,
  WeaviateQueryError,
} from '../../src/index.js';
import { countRequests, dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

/**
 * Replication consistency on the real single-node server: ONE, QUORUM and ALL all succeed there, and
 * the level is proven to be on the wire by a TCP tap between the client and Weaviate that keeps every
 * byte the client sent (the request line with its query string, and the GraphQL body). An invalid
 * level must be a UsageError before anything reaches the socket.
 */

/** A plain TCP relay to `target` that records the client → server bytes (HTTP/1.1 is text). */
class WireTap {
  #sent: Buffer[] = [];
  readonly #sockets = new Set<Socket>();
  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: URL): Promise<WireTap> {
    let tap: WireTap | undefined;
    const server = createServer((client) => {
      const upstream = createConnection(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        tap!.#sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          tap!.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        tap!.#sent.push(chunk);
        upstream.write(chunk);
      });
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    tap = new WireTap(server, typeof address === 'object' && address ? address.port : 0);
    return tap;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything the client sent since the last call; clears the record. */
  takeBytes(): Buffer {
    const bytes = Buffer.concat(this.#sent);
    this.#sent = [];
    return bytes;
  }

  /** Same as {@link takeBytes}, as text. */
  take(): string {
    return this.takeBytes().toString('latin1');
  }

  /** The request lines ("METHOD /path?query HTTP/1.1") in `text`. */
  static requestLines(text: string): string[] {
    return text.match(/^(GET|POST|PUT|PATCH|DELETE|HEAD) \S+ HTTP\/1\.1$/gm) ?? [];
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The gRPC messages in client → server HTTP/2 bytes: DATA frames (type 0) joined per stream, each a
 * sequence of length-prefixed messages (flag byte, 4-byte length). grpc-js sends uncompressed.
 */
function grpcMessages(bytes: Buffer): Buffer[] {
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  let pos = bytes.subarray(0, preface.length).equals(preface) ? preface.length : 0;
  const streams = new Map<number, Buffer[]>();
  while (pos + 9 <= bytes.length) {
    const length = bytes.readUIntBE(pos, 3);
    const type = bytes[pos + 3]!;
    const flags = bytes[pos + 4]!;
    const stream = bytes.readUInt32BE(pos + 5) & 0x7fffffff;
    let payload = bytes.subarray(pos + 9, pos + 9 + length);
    if (type === 0) {
      if (flags & 0x8) payload = payload.subarray(1, payload.length - payload[0]!); // PADDED
      streams.set(stream, [...(streams.get(stream) ?? []), payload]);
    }
    pos += 9 + length;
  }
  expect(pos).toBe(bytes.length); // whole frames only: the parse saw everything
  const messages: Buffer[] = [];
  for (const parts of streams.values()) {
    const data = Buffer.concat(parts);
    for (let at = 0; at + 5 <= data.length; ) {
      expect(data[at]).toBe(0); // not compressed
      const n = data.readUInt32BE(at + 1);
      messages.push(data.subarray(at + 5, at + 5 + n));
      at += 5 + n;
    }
  }
  return messages;
}

const LEVELS: ConsistencyLevel[] = ['ONE', 'QUORUM', 'ALL'];
let tap: WireTap;
let grpcTap: WireTap;
let client: Client;
/** Same server; queries go as gRPC Search through `grpcTap`. */
let grpcClient: Client;
const Item = uniqueClass('ConsistencyItem');
const Owner = uniqueClass('ConsistencyOwner');

beforeAll(async () => {
  tap = await WireTap.start(new URL(await weaviateUrl()));
  grpcTap = await WireTap.start(new URL(`http://${(await useServer('weaviate')).grpc}`));
  client = new Client(tap.url);
  grpcClient = new Client(tap.url, { grpcPort: grpcTap.port });
  await client.schema.create({
    classes: [
      { class: Item, vectorizer: 'none', properties: [{ name: 'label', dataType: ['text'] }] },
      {
        class: Owner,
        vectorizer: 'none',
        properties: [
          { name: 'name', dataType: ['text'] },
          { name: 'owns', dataType: [Item] },
        ],
      },
    ],
  });
  tap.take();
});
dropAfterAll(() => client, [Owner, Item]);
afterAll(async () => {
  await grpcClient?.close();
  await tap?.close();
  await grpcTap?.close();
});

/** The one request line `fn` sent (asserting there was exactly one) and its result. */
async function oneRequest<T>(fn: () => Promise<T>): Promise<{ line: string; text: string; result: T }> {
  tap.take();
  const result = await fn();
  const text = tap.take();
  const lines = WireTap.requestLines(text);
  expect(lines).toHaveLength(1);
  return { line: lines[0]!, text, result };
}

describe('query.get withConsistencyLevel', () => {
  it('gRPC Search (client with grpcPort): ONE, QUORUM and ALL each succeed; the SearchRequest on the wire carries the level', async () => {
    const id = await client.dataObject.create({ label: 'for get' }, Item, {
      uuid: generateUuid5('consistency-get'),
      vector: vectorFor(1),
    });
    for (const level of LEVELS) {
      grpcTap.takeBytes();
      const { result, counts } = await countRequests(() =>
        grpcClient.query
          .get(Item, ['label'])
          .withAdditional('id')
          .withWhere({ path: ['label'], operator: 'Equal', valueText: 'for get' })
          .withConsistencyLevel(level)
          .do(),
      );
      expect(counts).toEqual({ 'query.get': 1 });
      expect(result.data.Get[Item]).toEqual([{ label: 'for get', _additional: { id } }]);
      const requests = grpcMessages(grpcTap.takeBytes()).map((m) => weaviate.v1.SearchRequest.decode(m));
      expect(requests.map((r) => [r.collection, r.consistencyLevel])).toEqual([
        [Item, weaviate.v1.ConsistencyLevel[`CONSISTENCY_LEVEL_${level}`]],
      ]);
    }
  });

  it("GraphQL: the level is in the query text the server got, and on a class without replication the server's refusal is a WeaviateQueryError", async () => {
    // Weaviate's GraphQL schema has the consistencyLevel argument only on classes whose replication
    // factor is above 1, which a single node cannot host (see the factor-2 test below).
    for (const level of LEVELS) {
      tap.take();
      const err = await client.query
        .get(Item, ['label'])
        .withConsistencyLevel(level)
        .do()
        .catch((e: unknown) => e);
      const text = tap.take();
      expect(WireTap.requestLines(text)).toEqual(['POST /v1/graphql HTTP/1.1']);
      expect(text).toContain(`{Get{${Item}(consistencyLevel: ${level}){label}}}`);
      expect(err).toBeInstanceOf(WeaviateQueryError);
      expect((err as Error).message).toContain(`Unknown argument "consistencyLevel" on field "${Item}"`);
    }
  });

  it('a class with replication factor 2 cannot exist on this single node (why GraphQL cannot take the level here)', async () => {
    const name = uniqueClass('ConsistencyReplicated');
    const err = await client.schema
      .createClass({ class: name, vectorizer: 'none', replicationConfig: { factor: 2 } })
      .catch((e: unknown) => e);
    await client.schema.deleteClass(name).catch(() => {});
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as Error).message).toMatch(
      /could not find enough weaviate nodes for replication: 1 available, 2 requested/,
    );
  });

  it('an invalid level: UsageError at once, not one byte sent', async () => {
    tap.take();
    grpcTap.takeBytes();
    const { result: errors, counts } = await countRequests(async () =>
      [client, grpcClient].map((c) => {
        try {
          c.query.get(Item, ['label']).withConsistencyLevel('TWO' as ConsistencyLevel);
          return undefined;
        } catch (e) {
          return e;
        }
      }),
    );
    for (const err of errors) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/ONE, QUORUM or ALL/);
    }
    expect(counts).toEqual({});
    expect(tap.take()).toBe('');
    expect(grpcTap.takeBytes().length).toBe(0);
  });
});

describe('dataObject calls with consistencyLevel', () => {
  it('create / getById / exists / update / replace / reference.add / delete carry consistency_level=ONE|QUORUM|ALL', async () => {
    for (const level of LEVELS) {
      const uuid = generateUuid5(`consistency-${level}`);
      const ownerUuid = generateUuid5(`consistency-owner-${level}`);
      const sent: string[] = [];
      const record = async <T>(fn: () => Promise<T>): Promise<T> => {
        const { line, result } = await oneRequest(fn);
        sent.push(line);
        return result;
      };
      const opts = { consistencyLevel: level } as const;
      expect(await record(() => client.dataObject.create({ label: level }, Item, { uuid, ...opts }))).toBe(
        uuid,
      );
      await record(() => client.dataObject.create({ name: level }, Owner, { uuid: ownerUuid, ...opts }));
      const got = await record(() => client.dataObject.getById(uuid, { className: Item, ...opts }));
      expect(got).toMatchObject({ id: uuid, properties: { label: level } });
      expect(await record(() => client.dataObject.exists(uuid, { className: Item, ...opts }))).toBe(true);
      await record(() => client.dataObject.update({ label: `${level} updated` }, Item, uuid, opts));
      await record(() => client.dataObject.replace({ label: `${level} replaced` }, Item, uuid, opts));
      await record(() =>
        client.dataObject.reference.add(ownerUuid, 'owns', uuid, {
          fromClassName: Owner,
          toClassName: Item,
          ...opts,
        }),
      );
      const owner = await client.dataObject.getById(ownerUuid, { className: Owner });
      expect(owner?.properties.owns).toEqual([
        expect.objectContaining({ beacon: `weaviate://localhost/${Item}/${uuid}` }),
      ]);
      await record(() => client.dataObject.delete(uuid, { className: Item, ...opts }));
      expect(await client.dataObject.exists(uuid, { className: Item })).toBe(false);

      const q = `consistency_level=${level}`;
      expect(sent).toEqual([
        `POST /v1/objects?${q} HTTP/1.1`,
        `POST /v1/objects?${q} HTTP/1.1`,
        `GET /v1/objects/${Item}/${uuid}?${q} HTTP/1.1`,
        `HEAD /v1/objects/${Item}/${uuid}?${q} HTTP/1.1`,
        `PATCH /v1/objects/${Item}/${uuid}?${q} HTTP/1.1`,
        `PUT /v1/objects/${Item}/${uuid}?${q} HTTP/1.1`,
        `POST /v1/objects/${Owner}/${ownerUuid}/references/owns?${q} HTTP/1.1`,
        `DELETE /v1/objects/${Item}/${uuid}?${q} HTTP/1.1`,
      ]);
    }
  });

  it('batch with consistencyLevel: the batch request carries it and every object lands', async () => {
    for (const level of LEVELS) {
      client.batch.configure({ batchSize: 50, consistencyLevel: level, callback: null });
      const { line, text } = await oneRequest(() =>
        client.batch.with(async (b) => {
          for (let i = 0; i < 10; i++)
            await b.addDataObject({ dataObject: { label: `batch ${level} ${i}` }, className: Item });
        }),
      );
      expect(line).toBe(`POST /v1/batch/objects?consistency_level=${level} HTTP/1.1`);
      expect(text.match(/"class":"ConsistencyItem/g)).toHaveLength(10);
      const count = await client.query
        .aggregate(Item)
        .withMetaCount()
        .withWhere({ path: ['label'], operator: 'Like', valueText: `batch ${level} *` })
        .do();
      expect(count.data.Aggregate[Item]).toEqual([{ meta: { count: 10 } }]);
    }
    client.batch.configure({ batchSize: null, consistencyLevel: undefined });
  });

  it('the server itself checks the parameter: a level it does not know is its 400 (so ONE|QUORUM|ALL were read, not ignored)', async () => {
    // Raw request around the client: this is what an unchecked level would meet on the server.
    const res = await fetch(`${tap.url}/v1/objects?consistency_level=TWO`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ class: Item, properties: { label: 'raw' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/unrecognized consistency level 'TWO'/);
  });

  it('an invalid level on dataObject calls: UsageError, no request sent', async () => {
    const bad = { consistencyLevel: 'TWO' as ConsistencyLevel };
    const uuid = generateUuid5('consistency-invalid');
    tap.take();
    const { result: errors, counts } = await countRequests(() =>
      Promise.all([
        client.dataObject.create({ label: 'x' }, Item, { uuid, ...bad }).catch((e: unknown) => e),
        client.dataObject.getById(uuid, { className: Item, ...bad }).catch((e: unknown) => e),
        client.dataObject.exists(uuid, { className: Item, ...bad }).catch((e: unknown) => e),
        client.dataObject.delete(uuid, { className: Item, ...bad }).catch((e: unknown) => e),
      ]),
    );
    for (const err of errors) expect(err).toBeInstanceOf(UsageError);
    expect(counts).toEqual({});
    expect(tap.take()).toBe('');
  });
});
