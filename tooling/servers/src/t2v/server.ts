import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { embedText, T2V_DIMENSIONS, T2V_MODEL_NAME } from './embedding.js';

/**
 * A local stand-in for the t2v-transformers inference container, speaking the HTTP API that
 * Weaviate v1.39's text2vec-transformers module calls
 * (`usecases/modulecomponents/clients/transformers`):
 *
 * - `GET /.well-known/ready`, `GET /.well-known/live` → 204 (Weaviate polls ready at start-up);
 * - `GET /meta` → JSON object (Weaviate shows it under the module in `/v1/meta`);
 * - `POST /vectors` (also `/vectors/`) with `{"text": "...", "config": {"pooling_strategy",
 *   "task_type": "passage" | "query", "dimensions"}}` → 200 `{"text", "dims", "vector"}`, or 4xx/5xx
 *   `{"error": "..."}` which Weaviate reports as "fail with status N: <error>".
 *
 * The vector is `embedText(text)` (./embedding.ts). Test helper, not part of that API:
 * `GET /_dbwire/requests` → the last 1000 vectorization requests `{text, taskType}` in order, so a
 * test can see which texts Weaviate sent (`DELETE` clears the list).
 */

/** One vectorization request as the service received it. */
export interface ReceivedRequest {
  text: string;
  taskType: string | undefined;
}

/** A running inference service. */
export interface InferenceServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

const MAX_RECORDED = 1000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function vectorize(req: IncomingMessage, res: ServerResponse, received: ReceivedRequest[]) {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    send(res, 400, { error: `invalid JSON body: ${(err as Error).message}` });
    return;
  }
  const { text, config } = (body ?? {}) as { text?: unknown; config?: { task_type?: unknown } };
  if (typeof text !== 'string') {
    send(res, 422, { error: 'field "text" must be a string' });
    return;
  }
  const taskType = typeof config?.task_type === 'string' ? config.task_type : undefined;
  received.push({ text, taskType });
  if (received.length > MAX_RECORDED) received.splice(0, received.length - MAX_RECORDED);
  send(res, 200, { text, dims: T2V_DIMENSIONS, vector: embedText(text) });
}

/** Starts the service on host:port (port 0 = any free port). */
export function startInferenceServer(
  options: { host?: string; port?: number } = {},
): Promise<InferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /.well-known/ready':
      case 'GET /.well-known/live':
        send(res, 204);
        return;
      case 'GET /meta':
        send(res, 200, {
          model: {
            name: T2V_MODEL_NAME,
            dimensions: T2V_DIMENSIONS,
            kind: 'hashed bag of lower-cased words',
          },
        });
        return;
      case 'POST /vectors':
      case 'POST /vectors/':
        vectorize(req, res, received).catch((err: Error) => send(res, 500, { error: err.message }));
        return;
      case 'GET /_dbwire/requests':
        send(res, 200, received);
        return;
      case 'DELETE /_dbwire/requests':
        received.length = 0;
        send(res, 204);
        return;
      default:
        send(res, 404, { error: `no route ${route}` });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        received,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
