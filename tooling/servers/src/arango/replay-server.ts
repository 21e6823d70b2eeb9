import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttp1Server } from './http1.js';
import { OpenApiValidator } from './openapi.js';
import {
  canonicalQuery,
  type Exchange,
  jsonEqual,
  loadExchanges,
  type ParsedUrl,
  parseBody,
  parseUrl,
  type RequestBody,
} from './recordings.js';
import { type Reply, ScriptEngine, type ScriptEntry } from './scripts.js';

/**
 * The ArangoDB replay server: answers HTTP requests with the responses a real arangod 3.12.10 gave
 * (shared/arango/*.jsonl), validates every request against the OpenAPI description, and lets tests
 * script stateful sequences on top.
 *
 * Matching rules (documented for the suites):
 * - method, then path with any `/_db/<name>` prefix removed on both sides, percent-decoding per
 *   segment, trailing slash ignored (a recording with the same trailing slash is preferred); in strict
 *   mode (the default, see `ReplayOptions.strict`) the database must be the recording's own
 *   (`_system` when its path has no prefix);
 * - query parameters compared as a set of decoded pairs (order-insensitive);
 * - the semantic headers `x-arango-async`, `if-match`, `if-none-match`, `x-arango-trx-id` must agree
 *   (present with the same value, or absent on both sides): they change what the server answers;
 * - body: JSON bodies deep-equal after parsing (key order and whitespace ignored), other bodies
 *   compared as text (surrounding whitespace ignored); no body matches only recordings without one.
 * - When several recordings match, they are served in recording order (single-server recordings
 *   before cluster ones, then scenario by scenario in file order, each scenario in `seq` order), one
 *   per request, and the last one repeats once exhausted.
 *   The sequence is kept per database, `x-replay-session` header value and distinct candidate set;
 *   `POST /_replay/reset` rewinds it. Recordings
 *   whose response was never recorded (`response: null`) are served, as 204 with
 *   `x-replay: unrecorded`, only when no recorded candidate matches. A request header
 *   `x-replay-scenario: <key or name>` restricts the candidates to one recorded scenario.
 * - HEAD without a HEAD recording is answered from the GET recordings (head only).
 * - Every answer carries `x-replay-key: <scenario>#<seq>` naming the recording it came from.
 * - No match: 501 with `{ error, code, errorNum: 501, errorMessage, nearest: [3 closest recordings] }`.
 *
 * Control API (prefix `/_replay/`, which ArangoDB never uses): GET /_replay/health, GET
 * /_replay/violations[?database=x], DELETE /_replay/violations[?database=x], POST /_replay/reset (violations,
 * sequence cursors and scripts), POST /_replay/script (an entry or an array; see scripts.ts), DELETE
 * /_replay/script. Parallel test files sharing one server should scope their scripts with
 * `match.database` and use that database in their client, or start a private instance.
 */

export interface Violation {
  method: string;
  /** The request URL as received. */
  path: string;
  database: string;
  operationId: string | undefined;
  problems: string[];
}

export interface NearestExchange {
  key: string;
  seq: number;
  method: string;
  path: string;
  query: string;
  score: number;
  status: number | null;
  headerDiff?: { recorded: string; received: string };
  bodyDiff?: {
    missing?: string[];
    extra?: string[];
    different?: string[];
    recorded?: string;
    received?: string;
  };
}

export interface ReplayRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: string | Buffer | null;
}

export interface ReplayOptions {
  /** Exchange files (.jsonl); default: shared/arango/exchanges-3.12.jsonl and exchanges-3.11-extra.jsonl. */
  files?: string[];
  /** OpenAPI description; default shared/arango/openapi-3.12.json. */
  openApiFile?: string;
  /** Set false to skip request validation (default true). */
  validate?: boolean;
  /**
   * Real-server rules on top of the recordings (default true): a request needs an `authorization`
   * header (401 otherwise, as arangod with authentication on; `/_open/*` excepted); a recording only
   * answers requests for the database it was made in (`_system` when its path has no `/_db/` prefix);
   * and a repeated write is answered as arangod would: inserting a `_key` the server already stored
   * (through this server, since the last reset; deletes and truncates forget) is a 409
   * unique-constraint conflict.
   */
  strict?: boolean;
}

const SEMANTIC_HEADERS = ['x-arango-async', 'if-match', 'if-none-match', 'x-arango-trx-id'] as const;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'content-length',
]);
const MAX_VIOLATIONS = 10_000;

interface Prepared {
  ordinal: number;
  exchange: Exchange;
  method: string;
  path: string;
  /** Database the recording was made in (`_system` without a `/_db/` prefix). */
  database: string;
  trailingSlash: boolean;
  query: string;
  semantic: string;
  body: RequestBody;
  recorded: boolean;
  reply: Reply;
}

function semanticOf(headers: Record<string, string | string[] | undefined>): string {
  let out = '';
  for (const name of SEMANTIC_HEADERS) {
    const v = headers[name];
    if (v !== undefined) out += `${out ? '&' : ''}${name}=${Array.isArray(v) ? v.join(',') : v}`;
  }
  return out;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function prepareReply(ex: Exchange): { reply: Reply; recorded: boolean } {
  const tag = `${ex.key}#${ex.seq}`;
  const res = ex.response;
  if (!res) {
    return {
      recorded: false,
      reply: {
        status: 204,
        headers: { 'x-replay': 'unrecorded', 'x-replay-key': tag },
        body: Buffer.alloc(0),
      },
    };
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    const name = k.toLowerCase();
    if (!HOP_BY_HOP.has(name)) headers[name] = v;
  }
  headers['x-replay-key'] = tag;
  let body: Buffer;
  const text = res.body ?? '';
  if (res.status === 204 || res.status === 304 || text === '') body = Buffer.alloc(0);
  else if (res.bodyFormat === 'json' && res.bodyJson !== undefined)
    body = Buffer.from(JSON.stringify(res.bodyJson));
  else if (res.bodyFormat === 'jsonl') body = Buffer.from(compactJsonLines(text));
  else if (text.includes('\u21a9')) {
    // The two recorded batch answers (3.11) carry the recorder's "↩" end-of-part marker after each
    // part body; arangod sends none.
    body = Buffer.from(text.replaceAll('\u21a9', ''));
  } else {
    body = Buffer.from(text);
    // The recorder dropped a final newline of text bodies (metrics); restore it when the recorded
    // content-length says so.
    if (Number(res.headers['content-length']) === body.length + 1) body = Buffer.from(`${text}\n`);
  }
  return { recorded: true, reply: { status: res.status, headers, body } };
}

/** `x-arango-dump` bodies: one compact JSON value per line (the recorder pretty-printed them). */
function compactJsonLines(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text))}\n`;
  } catch {
    const out: string[] = [];
    for (const chunk of text.split(/\n(?=[{[])/)) {
      try {
        out.push(JSON.stringify(JSON.parse(chunk)));
      } catch {
        return text;
      }
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * Exchanges derived from recorded ones, for requests every client makes but the documentation never
 * recorded plainly. Each names its source in `description`.
 * - `GET /_api/version`: only `?details=true` was recorded plainly, but the async-job example
 *   recorded the stored result of `PUT /_api/version` (same handler, no details): that body and its
 *   headers (minus the job id) answer the plain GET.
 */
export function withDerived(exchanges: Exchange[]): Exchange[] {
  const out = [...exchanges];
  const hasPlainVersion = exchanges.some(
    (e) =>
      e.request.method === 'GET' &&
      parseUrl(e.request.path).path === '/_api/version' &&
      !e.request.path.includes('?'),
  );
  const source = exchanges.find(
    (e) =>
      e.request.method === 'PUT' &&
      /^\/_api\/job\/\d+$/.test(e.request.path) &&
      e.response?.status === 200 &&
      isPlainObject(e.response.bodyJson) &&
      e.response.bodyJson.server === 'arango' &&
      typeof e.response.bodyJson.version === 'string',
  );
  if (!hasPlainVersion && source?.response) {
    const headers = { ...source.response.headers };
    delete headers['x-arango-async-id'];
    out.push({
      name: 'DerivedVersion',
      key: 'DerivedVersion_single',
      seq: 0,
      deployment: 'single',
      description: `derived from ${source.key}#${source.seq} (stored result of PUT /_api/version)`,
      request: { method: 'GET', path: '/_api/version', headers: { accept: 'application/json' }, body: null },
      response: { ...source.response, headers },
    });
  }
  return out;
}

function bodyMatches(recorded: RequestBody, received: RequestBody): boolean {
  if (recorded.kind === 'none') return received.kind === 'none';
  if (received.kind === 'none') return false;
  if (recorded.kind === 'json' && received.kind === 'json') return jsonEqual(recorded.json, received.json);
  return recorded.text.trim() === received.text.trim();
}

/** The request → reply logic, without HTTP (unit-testable; the server below wraps it). */
export class ReplayEngine {
  readonly exchanges: Exchange[];
  readonly scripts = new ScriptEngine();
  readonly validator: OpenApiValidator | undefined;
  private readonly prepared: Prepared[];
  private readonly index = new Map<string, Prepared[]>();
  private readonly cursors = new Map<string, number>();
  private violationList: Violation[] = [];
  private readonly strict: boolean;
  /** What this server has stored since the last reset (strict mode): see `writes()`. */
  private stored = new Map<string, Set<string>>();

  constructor(options: ReplayOptions = {}) {
    this.strict = options.strict ?? true;
    this.exchanges = withDerived(loadExchanges(options.files));
    this.validator =
      options.validate === false ? undefined : new OpenApiValidator({ file: options.openApiFile });
    const firstOrdinal = new Map<string, number>();
    this.prepared = this.exchanges.map((exchange, ordinal) => {
      const url = parseUrl(exchange.request.path);
      if (!firstOrdinal.has(exchange.key)) firstOrdinal.set(exchange.key, ordinal);
      const { reply, recorded } = prepareReply(exchange);
      return {
        ordinal,
        exchange,
        method: exchange.request.method.toUpperCase(),
        path: url.path,
        database: url.database ?? '_system',
        trailingSlash: url.trailingSlash,
        query: canonicalQuery(url.rawQuery),
        semantic: semanticOf(lowerKeys(exchange.request.headers)),
        body: parseBody(exchange.request.body),
        recorded,
        reply,
      };
    });
    // Single-server recordings first (the suites run against a single server), then file order of
    // the scenario, then seq.
    const order = (p: Prepared) =>
      [
        p.exchange.deployment === 'cluster' ? 1 : 0,
        firstOrdinal.get(p.exchange.key) ?? 0,
        p.exchange.seq,
        p.ordinal,
      ] as const;
    for (const p of this.prepared) {
      const k = `${p.method} ${p.path}`;
      let list = this.index.get(k);
      if (!list) {
        list = [];
        this.index.set(k, list);
      }
      list.push(p);
    }
    for (const list of this.index.values()) {
      list.sort((a, b) => {
        const oa = order(a);
        const ob = order(b);
        return oa[0] - ob[0] || oa[1] - ob[1] || oa[2] - ob[2] || oa[3] - ob[3];
      });
    }
  }

  get recordingCount(): number {
    return this.prepared.length;
  }

  violations(database?: string): Violation[] {
    return database === undefined
      ? [...this.violationList]
      : this.violationList.filter((v) => v.database === database);
  }

  /** Clears all violations, or only those of one database. */
  clearViolations(database?: string): void {
    this.violationList =
      database === undefined ? [] : this.violationList.filter((v) => v.database !== database);
  }

  /** Clears violations, sequence cursors and scripts. */
  reset(): void {
    this.violationList = [];
    this.stored.clear();
    this.cursors.clear();
    this.scripts.reset();
  }

  script(entries: ScriptEntry | ScriptEntry[]): number {
    return this.scripts.add(entries);
  }

  /** Answers one ArangoDB request (control endpoints are handled by the server, not here). */
  handle(req: ReplayRequest): Reply {
    const method = req.method.toUpperCase();
    const url = parseUrl(req.url);
    const text = req.body === undefined || req.body === null ? '' : req.body.toString();
    const body = parseBody(text);
    if (method === 'POST' && url.path === '/_api/batch') {
      const batch = this.batch(req, url, body);
      if (batch) return batch;
    }
    let problems: string[] | undefined;
    if (this.validator) {
      const result = this.validator.validate(method, req.url, body, url);
      if (result.problems.length > 0) {
        problems = result.problems;
        if (this.violationList.length < MAX_VIOLATIONS) {
          this.violationList.push({
            method,
            path: req.url,
            database: url.database ?? '_system',
            operationId: result.operationId,
            problems: result.problems,
          });
        }
      }
    }
    const denied = this.strict ? this.unauthorized(url, req.headers) : undefined;
    const conflict = denied ?? (this.strict ? this.conflict(method, url, req.headers, body) : undefined);
    const reply =
      conflict ??
      this.scripts.handle({ method, url, headers: req.headers, body }) ??
      this.replay(method, url, req.headers, body, req.url);
    if (this.strict && !conflict && reply.status >= 200 && reply.status < 300)
      this.remember(method, url, req.headers, body);
    if (!problems) return reply;
    return {
      status: reply.status,
      headers: { ...reply.headers, 'x-replay-violations': String(problems.length) },
      body: reply.body,
    };
  }

  /**
   * POST /_api/batch (ArangoDB ≤ 3.11; 3.12 removed it, and its OpenAPI has no such path). A script
   * or a recording that matches answers as usual (scripts can answer 404 to play a 3.12 server).
   * Otherwise the batch is executed the way arangod did: each `application/x-arango-batchpart` is
   * answered by this engine as a request of its own (validated, scripted or replayed) in the outer
   * request's database and with its authorization, and the answers come back as one multipart body
   * in the recorded 3.11 layout, with `x-arango-errors` counting the failed parts.
   */
  private batch(req: ReplayRequest, url: ParsedUrl, body: RequestBody): Reply | undefined {
    const scripted = this.scripts.handle({ method: 'POST', url, headers: req.headers, body });
    if (scripted) return scripted;
    if (this.candidates('POST', url, req.headers, body).length > 0) return undefined;
    const ct = String(req.headers['content-type'] ?? '');
    const boundary = /boundary=([^;\s]+)/.exec(ct)?.[1]?.replace(/^"|"$/g, '');
    const text = body.kind === 'none' ? '' : body.text;
    if (!boundary) {
      return jsonReply(400, {
        error: true,
        code: 400,
        errorNum: 400,
        errorMessage: 'invalid multipart message received',
      });
    }
    const prefix = url.database === undefined ? '' : `/_db/${encodeURIComponent(url.database)}`;
    const parts = text.split(
      new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`),
    );
    let out = '';
    let errors = 0;
    for (const part of parts) {
      if (!part.trim()) continue;
      const [partHead, http] = splitHead(part);
      const contentId = /(?:^|\n)content-id:[ \t]*([^\r\n]*)/i.exec(partHead)?.[1]?.trim();
      const [head, partBody] = splitHead(http);
      const lines = head.split(/\r?\n/);
      const [method = 'GET', path = '/'] = (lines[0] ?? '').split(' ');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
      for (const h of ['x-replay-session', 'x-replay-scenario'] as const) {
        if (req.headers[h] !== undefined) headers[h] = req.headers[h];
      }
      const bodyText = partBody.replace(/\r?\n$/, '');
      const reply = this.handle({
        method,
        url: path.startsWith('/_db/') ? path : `${prefix}${path.startsWith('/') ? path : `/${path}`}`,
        headers,
        body: bodyText ? bodyText : null,
      });
      if (reply.status >= 400) errors++;
      let responseHead = `HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? ''}\r\n`;
      for (const [k, v] of Object.entries(reply.headers)) responseHead += `${k}: ${v}\r\n`;
      responseHead += `content-length: ${reply.body.length}\r\n`;
      out +=
        `--${boundary}\r\ncontent-type: application/x-arango-batchpart\r\n` +
        `${contentId ? `content-id: ${contentId}\r\n` : ''}\r\n${responseHead}\r\n${reply.body.toString()}\r\n`;
    }
    out += `--${boundary}--`;
    return {
      status: 200,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'x-arango-errors': String(errors),
        'x-replay': 'batch',
      },
      body: Buffer.from(out),
    };
  }

  /** 401 as arangod with authentication on answers a request without credentials. */
  private unauthorized(url: ParsedUrl, headers: IncomingHttpHeaders): Reply | undefined {
    if (headers.authorization !== undefined || url.segments[0] === '_open') return undefined;
    return jsonReply(401, {
      code: 401,
      error: true,
      errorMessage: 'not authorized to execute this request',
      errorNum: 11,
    });
  }

  /** Keys of the sets in `stored`: per database and `x-replay-session` / `x-replay-scenario`. */
  private scope(url: ParsedUrl, headers: IncomingHttpHeaders, what: string): string {
    const session = headers['x-replay-session'];
    const scenario = headers['x-replay-scenario'];
    return `${url.database ?? '_system'}|${typeof session === 'string' ? session : ''}|${typeof scenario === 'string' ? scenario : ''}|${what}`;
  }

  /** The writes a request makes that a later one could repeat: `[set, name]` pairs. */
  private writes(method: string, url: ParsedUrl, headers: IncomingHttpHeaders, body: RequestBody) {
    const out: Array<[string, string]> = [];
    const seg = url.segments;
    const query = new URLSearchParams(url.rawQuery);
    if (method === 'POST' && seg[0] === '_api' && seg[1] === 'document' && seg.length === 3) {
      // Overwriting inserts replace or update instead of conflicting.
      if (query.has('overwrite') || query.has('overwriteMode')) return out;
      const docs = body.kind === 'json' ? (Array.isArray(body.json) ? body.json : [body.json]) : [];
      for (const d of docs) {
        if (isPlainObject(d) && typeof d._key === 'string')
          out.push([this.scope(url, headers, `doc:${seg[2]}`), d._key]);
      }
    }
    // Collections and databases are not remembered: their existence checks (GET /_api/collection/<name>,
    // GET /_api/database) are answered by recordings and scripts that cannot know what was created,
    // so a remembered name would contradict them (e.g. a demo run twice against the shared server).
    return out;
  }

  /** A repeated write, answered as arangod would (409), or undefined. */
  private conflict(
    method: string,
    url: ParsedUrl,
    headers: IncomingHttpHeaders,
    body: RequestBody,
  ): Reply | undefined {
    const writes = this.writes(method, url, headers, body);
    if (writes.length === 0) return undefined;
    const repeated = writes.filter(([set, name]) => this.stored.get(set)?.has(name));
    if (repeated.length === 0) return undefined;
    const [, name] = repeated[0] as [string, string];
    const conflict = {
      code: 409,
      error: true,
      errorMessage: `unique constraint violated - in index primary of type primary over '_key'; conflicting key: ${name}`,
      errorNum: 1210,
    };
    if (body.kind === 'json' && Array.isArray(body.json)) {
      // Multi-document inserts report per item (201/202 overall), like arangod.
      return undefined;
    }
    return jsonReply(409, conflict);
  }

  /** Records a successful write; deletes and truncates forget what they removed. */
  private remember(method: string, url: ParsedUrl, headers: IncomingHttpHeaders, body: RequestBody): void {
    for (const [set, name] of this.writes(method, url, headers, body)) {
      let names = this.stored.get(set);
      if (!names) {
        names = new Set();
        this.stored.set(set, names);
      }
      names.add(name);
    }
    const seg = url.segments;
    if (seg[0] !== '_api') return;
    if (method === 'DELETE' && seg[1] === 'document' && seg.length === 4)
      this.stored.get(this.scope(url, headers, `doc:${seg[2]}`))?.delete(seg[3] as string);
    else if (method === 'PUT' && seg[1] === 'collection' && seg[3] === 'truncate')
      this.stored.delete(this.scope(url, headers, `doc:${seg[2]}`));
    else if (method === 'DELETE' && seg[1] === 'collection' && seg.length === 3)
      this.stored.delete(this.scope(url, headers, `doc:${seg[2]}`));
  }

  /** The recordings a request matches, in the order they would be served. */
  candidates(method: string, url: ParsedUrl, headers: IncomingHttpHeaders, body: RequestBody): Prepared[] {
    const bucket = this.index.get(`${method} ${url.path}`);
    if (!bucket) return [];
    const query = canonicalQuery(url.rawQuery);
    const semantic = semanticOf(headers);
    const database = url.database ?? '_system';
    let out = bucket.filter(
      (p) =>
        (!this.strict || p.database === database) &&
        p.query === query &&
        p.semantic === semantic &&
        bodyMatches(p.body, body),
    );
    if (out.length <= 1) return out;
    const scenario = headers['x-replay-scenario'];
    if (typeof scenario === 'string') {
      out = out.filter((p) => p.exchange.key === scenario || p.exchange.name === scenario);
    }
    const sameSlash = out.filter((p) => p.trailingSlash === url.trailingSlash);
    if (sameSlash.length > 0) out = sameSlash;
    const recorded = out.filter((p) => p.recorded);
    if (recorded.length > 0) out = recorded;
    return out;
  }

  private replay(
    method: string,
    url: ParsedUrl,
    headers: IncomingHttpHeaders,
    body: RequestBody,
    raw: string,
  ): Reply {
    let cands = this.candidates(method, url, headers, body);
    // arangod answers HEAD like GET without the body (the HTTP layer drops it).
    if (cands.length === 0 && method === 'HEAD') cands = this.candidates('GET', url, headers, body);
    if (cands.length === 1) return (cands[0] as Prepared).reply;
    if (cands.length > 1) {
      // Sequences are per database and `x-replay-session`, so suites using their own database (or
      // session) do not advance each other's sequences.
      const session = headers['x-replay-session'];
      const key = `${url.database ?? '_system'}|${typeof session === 'string' ? session : ''}|${cands.map((p) => p.ordinal).join(',')}`;
      const i = this.cursors.get(key) ?? 0;
      this.cursors.set(key, i + 1);
      return (cands[Math.min(i, cands.length - 1)] as Prepared).reply;
    }
    const nearest = this.nearest(method, url, headers, body);
    const errorMessage = `no recorded exchange matches ${method} ${raw}${body.kind === 'none' ? '' : ` with body ${abbreviate(body.text, 200)}`}`;
    const payload = { error: true, code: 501, errorNum: 501, errorMessage, nearest };
    return {
      status: 501,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-replay': 'unmatched' },
      body: Buffer.from(JSON.stringify(payload)),
    };
  }

  /** The three recordings closest to a request: same method, path similarity, query, body key overlap. */
  nearest(
    method: string,
    url: ParsedUrl,
    headers: IncomingHttpHeaders,
    body: RequestBody,
    n = 3,
  ): NearestExchange[] {
    const query = canonicalQuery(url.rawQuery);
    const semantic = semanticOf(headers);
    const scored = this.prepared.map((p) => {
      const recordedSegs = p.path.split('/').filter(Boolean);
      const max = Math.max(recordedSegs.length, url.segments.length, 1);
      let same = 0;
      for (let i = 0; i < max; i++)
        if (recordedSegs[i] !== undefined && recordedSegs[i] === url.segments[i]) same++;
      let prefix = 0;
      while (
        prefix < max &&
        recordedSegs[prefix] !== undefined &&
        recordedSegs[prefix] === url.segments[prefix]
      )
        prefix++;
      const pathSim = (same + prefix) / (2 * max);
      const score =
        (p.method === method ? 3 : 0) +
        4 * pathSim +
        (p.query === query ? 1 : 0) +
        2 * bodySimilarity(p.body, body) +
        (p.semantic === semantic ? 0.5 : 0);
      return { p, score };
    });
    scored.sort((a, b) => b.score - a.score || a.p.ordinal - b.p.ordinal);
    return scored.slice(0, n).map(({ p, score }) => {
      const out: NearestExchange = {
        key: p.exchange.key,
        seq: p.exchange.seq,
        method: p.method,
        path: p.exchange.request.path,
        query: p.query,
        score: Math.round(score * 100) / 100,
        status: p.exchange.response?.status ?? null,
      };
      if (p.semantic !== semantic) out.headerDiff = { recorded: p.semantic, received: semantic };
      const diff = bodyDiff(p.body, body);
      if (diff) out.bodyDiff = diff;
      return out;
    });
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bodySimilarity(recorded: RequestBody, received: RequestBody): number {
  if (recorded.kind === 'none' || received.kind === 'none') return recorded.kind === received.kind ? 1 : 0;
  if (recorded.kind === 'json' && received.kind === 'json') {
    if (isPlainObject(recorded.json) && isPlainObject(received.json)) {
      const a = Object.keys(recorded.json);
      const b = new Set(Object.keys(received.json));
      const union = new Set([...a, ...b]).size;
      if (union === 0) return 1;
      let inter = 0;
      let equal = 0;
      for (const k of a) {
        if (b.has(k)) {
          inter++;
          if (jsonEqual(recorded.json[k], received.json[k])) equal++;
        }
      }
      return (inter + equal) / (2 * union);
    }
    return jsonEqual(recorded.json, received.json) ? 1 : 0;
  }
  return recorded.text.trim() === received.text.trim() ? 1 : 0;
}

function bodyDiff(recorded: RequestBody, received: RequestBody): NearestExchange['bodyDiff'] | undefined {
  if (
    recorded.kind === 'json' &&
    received.kind === 'json' &&
    isPlainObject(recorded.json) &&
    isPlainObject(received.json)
  ) {
    const r = recorded.json;
    const q = received.json;
    const missing = Object.keys(r).filter((k) => !Object.hasOwn(q, k));
    const extra = Object.keys(q).filter((k) => !Object.hasOwn(r, k));
    const different = Object.keys(r).filter((k) => Object.hasOwn(q, k) && !jsonEqual(r[k], q[k]));
    if (missing.length + extra.length + different.length === 0) return undefined;
    return { missing, extra, different };
  }
  if (bodyMatches(recorded, received)) return undefined;
  return {
    recorded: recorded.kind === 'none' ? '(no body)' : abbreviate(recorded.text, 120),
    received: received.kind === 'none' ? '(no body)' : abbreviate(received.text, 120),
  };
}

function abbreviate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface StartOptions extends ReplayOptions {
  /** 0 = a random free port (default 0). */
  port?: number;
  host?: string;
}

export interface ReplayServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly engine: ReplayEngine;
  close(): Promise<void>;
  violations(database?: string): Violation[];
  reset(): void;
  script(entries: ScriptEntry | ScriptEntry[]): number;
}

function jsonReply(status: number, body: unknown): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** Starts an in-process replay server (the detached `arango-replay` server runs this same code). */
export async function startReplayServer(options: StartOptions = {}): Promise<ReplayServer> {
  const engine = new ReplayEngine(options);
  const host = options.host ?? '127.0.0.1';

  const control = (method: string, url: string, text: string): Reply => {
    const { segments, rawQuery } = parseUrl(url);
    const what = `${method} /${segments.join('/')}`;
    try {
      switch (what) {
        case 'GET /_replay/health':
          return jsonReply(200, {
            ok: true,
            recordings: engine.recordingCount,
            operations: engine.validator?.operations.length ?? 0,
            scripts: engine.scripts.size,
            violations: engine.violations().length,
          });
        case 'GET /_replay/violations': {
          const db = new URLSearchParams(rawQuery).get('database') ?? undefined;
          const violations = engine.violations(db);
          return jsonReply(200, { count: violations.length, violations });
        }
        case 'DELETE /_replay/violations':
          engine.clearViolations(new URLSearchParams(rawQuery).get('database') ?? undefined);
          return jsonReply(200, { ok: true });
        case 'POST /_replay/reset':
          engine.reset();
          return jsonReply(200, { ok: true });
        case 'POST /_replay/script': {
          const parsed = JSON.parse(text || 'null') as unknown;
          const entries = isPlainObject(parsed) && Array.isArray(parsed.entries) ? parsed.entries : parsed;
          if (entries === null || typeof entries !== 'object') {
            return jsonReply(400, {
              error: true,
              errorMessage: 'POST /_replay/script takes an entry, an array of entries or { entries: [...] }',
            });
          }
          const total = engine.script(entries as ScriptEntry | ScriptEntry[]);
          return jsonReply(200, { ok: true, entries: total });
        }
        case 'DELETE /_replay/script':
          engine.scripts.reset();
          return jsonReply(200, { ok: true });
        default:
          return jsonReply(404, { error: true, errorMessage: `unknown control endpoint ${what}` });
      }
    } catch (err) {
      return jsonReply(400, { error: true, errorMessage: (err as Error).message });
    }
  };

  const { server, destroyAll } = createHttp1Server((req) => {
    const url = req.url;
    if (url.startsWith('/_replay/')) return control(req.method, url, req.body ? req.body.toString() : '');
    return engine.handle({ method: req.method, url, headers: req.headers, body: req.body ?? null });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    engine,
    violations: (db?: string) => engine.violations(db),
    reset: () => engine.reset(),
    script: (entries) => engine.script(entries),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        destroyAll();
      }),
  };
}
