import { STATUS_CODES } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A small HTTP/1.1 server over node:net for the replay server. node:http spends more per request than
 * the whole replay lookup (header objects, streams, timers); the benchmark drives the replay server at
 * tens of thousands of requests per second, so this one parses a request head with one `indexOf`,
 * answers synchronously and writes every answer produced by one `data` event in one `write`.
 *
 * Supported: keep-alive (default for 1.1, `connection: keep-alive` for 1.0), `connection: close`,
 * pipelining (answers in order), `content-length` and `transfer-encoding: chunked` request bodies,
 * `expect: 100-continue`, HEAD. Malformed requests get 400 (431 for oversized heads, 413 for bodies
 * over 64 MiB) and the connection is closed. Idle connections are closed after 10 minutes.
 */

export interface Http1Request {
  method: string;
  url: string;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export interface Http1Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Serialized answer (head + body), cached by the caller for replies it reuses. */
  wire?: Buffer;
  /** Serialized head only (HEAD requests). */
  wireHead?: Buffer;
}

export type Http1Handler = (req: Http1Request) => Http1Reply;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;
const MAX_BODY = 64 * 1024 * 1024;
const IDLE_MS = 10 * 60_000;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');

function head(reply: Http1Reply, close: boolean): string {
  let out = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Unknown'}\r\n`;
  for (const [k, v] of Object.entries(reply.headers)) out += `${k}: ${v}\r\n`;
  const noBody = reply.status === 204 || reply.status === 304 || (reply.status >= 100 && reply.status < 200);
  if (!noBody) out += `content-length: ${reply.body.length}\r\n`;
  out += close ? 'connection: close\r\n\r\n' : 'keep-alive: timeout=600\r\n\r\n';
  return out;
}

/** The bytes of an answer on a keep-alive connection (cacheable per reply object). */
export function serialize(reply: Http1Reply, isHead = false): Buffer {
  if (isHead) {
    reply.wireHead ??= Buffer.from(head(reply, false), 'latin1');
    return reply.wireHead;
  }
  if (!reply.wire) {
    const h = Buffer.from(head(reply, false), 'latin1');
    const noBody = reply.status === 204 || reply.status === 304;
    reply.wire = noBody || reply.body.length === 0 ? h : Buffer.concat([h, reply.body]);
  }
  return reply.wire;
}

function serializeClosing(reply: Http1Reply, isHead: boolean): Buffer {
  const h = Buffer.from(head(reply, true), 'latin1');
  const noBody = isHead || reply.status === 204 || reply.status === 304;
  return noBody ? h : Buffer.concat([h, reply.body]);
}

function plain(status: number, message: string): Http1Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(message) };
}

interface Parsed {
  req: Http1Request;
  keepAlive: boolean;
  /** Bytes consumed from the buffer. */
  used: number;
}

/** `more`: incomplete; `need` is the buffer length worth parsing again at (0 = any new data). */
type ParseResult = Parsed | { more: true; need: number } | Http1Reply;
const MORE = { more: true, need: 0 } as const;

/** Decodes a chunked body starting at `from`; 'more' when incomplete. */
function dechunk(buf: Buffer, from: number): { body: Buffer; end: number } | 'more' | 'bad' {
  const parts: Buffer[] = [];
  let pos = from;
  let size = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos, 'latin1');
    if (eol === -1) return buf.length - pos > 1024 ? 'bad' : 'more';
    const line = buf.toString('latin1', pos, eol);
    const n = Number.parseInt(line.split(';')[0] as string, 16);
    if (!Number.isInteger(n) || n < 0) return 'bad';
    pos = eol + 2;
    if (n === 0) {
      // Trailers (ignored) end with an empty line.
      for (;;) {
        const t = buf.indexOf('\r\n', pos, 'latin1');
        if (t === -1) return 'more';
        if (t === pos)
          return { body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), end: t + 2 };
        pos = t + 2;
      }
    }
    size += n;
    if (size > MAX_BODY) return 'bad';
    if (buf.length < pos + n + 2) return 'more';
    parts.push(buf.subarray(pos, pos + n));
    pos += n + 2;
  }
}

function parse(buf: Buffer, socket: Socket, state: { continued: boolean }): ParseResult {
  const end = buf.indexOf(CRLFCRLF);
  if (end === -1) return buf.length > MAX_HEAD ? plain(431, 'request header fields too large') : MORE;
  if (end > MAX_HEAD) return plain(431, 'request header fields too large');
  const text = buf.toString('latin1', 0, end);
  const lines = text.split('\r\n');
  const requestLine = lines[0] ?? '';
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1) return plain(400, 'malformed request line');
  const method = requestLine.slice(0, sp1);
  const url = requestLine.slice(sp1 + 1, sp2);
  const version = requestLine.slice(sp2 + 1);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return plain(400, 'unsupported HTTP version');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) return plain(400, 'malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : `${prev}, ${value}`;
  }
  const connection = headers.connection?.toLowerCase();
  const keepAlive = version === 'HTTP/1.1' ? connection !== 'close' : connection === 'keep-alive';
  const bodyStart = end + 4;
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  if (
    (te !== undefined || (cl !== undefined && cl !== '0')) &&
    headers.expect?.toLowerCase() === '100-continue'
  ) {
    if (!state.continued && buf.length === bodyStart) {
      state.continued = true;
      socket.write(CONTINUE);
    }
  }
  if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked') return plain(400, `unsupported transfer-encoding ${te}`);
    const r = dechunk(buf, bodyStart);
    if (r === 'more') return MORE;
    if (r === 'bad') return plain(400, 'malformed chunked body');
    return { req: { method, url, headers, body: r.body }, keepAlive, used: r.end };
  }
  if (cl !== undefined) {
    const n = Number(cl);
    if (!Number.isInteger(n) || n < 0) return plain(400, 'invalid content-length');
    if (n > MAX_BODY) return plain(413, 'request body too large');
    if (buf.length < bodyStart + n) return { more: true, need: bodyStart + n };
    const body = n === 0 ? undefined : buf.subarray(bodyStart, bodyStart + n);
    return { req: { method, url, headers, body }, keepAlive, used: bodyStart + n };
  }
  return { req: { method, url, headers, body: undefined }, keepAlive, used: bodyStart };
}

export interface Http1Server {
  server: Server;
  /** Destroys every open connection (for close()). */
  destroyAll(): void;
}

export function createHttp1Server(handler: Http1Handler): Http1Server {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Bytes of an incomplete request, kept as a list until `need` bytes are there (no quadratic
    // copying of large bodies).
    let pending: Buffer[] = [];
    let pendingLength = 0;
    let need = 0;
    const state = { continued: false };
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let buf = chunk;
      if (pendingLength > 0) {
        pending.push(chunk);
        pendingLength += chunk.length;
        if (pendingLength < need) return;
        buf = Buffer.concat(pending, pendingLength);
        pending = [];
        pendingLength = 0;
      }
      const out: Buffer[] = [];
      let close = false;
      while (buf.length > 0) {
        const r = parse(buf, socket, state);
        if ('more' in r) {
          pending = [Buffer.from(buf)];
          pendingLength = buf.length;
          need = r.need;
          break;
        }
        if (!('req' in r)) {
          out.push(serializeClosing(r, false));
          close = true;
          break;
        }
        state.continued = false;
        const isHead = r.req.method === 'HEAD';
        let reply: Http1Reply;
        try {
          reply = handler(r.req);
        } catch (err) {
          reply = plain(500, `replay server bug: ${(err as Error).message}`);
        }
        if (r.keepAlive) out.push(serialize(reply, isHead));
        else {
          out.push(serializeClosing(reply, isHead));
          close = true;
          break;
        }
        buf = buf.subarray(r.used);
      }
      if (out.length === 1) socket.write(out[0] as Buffer);
      else if (out.length > 1) socket.write(Buffer.concat(out));
      if (close) {
        pending = [];
        pendingLength = 0;
        socket.end();
        socket.removeAllListeners('data');
      }
    });
  });
  return {
    server,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
