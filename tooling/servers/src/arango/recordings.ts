import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedRoot } from '../paths.js';

/** One recorded exchange of a real arangod, as stored in shared/arango/*.jsonl (see its README). */
export interface Exchange {
  name: string;
  key: string;
  seq: number;
  area?: string;
  category?: string;
  deployment?: string;
  description?: string;
  request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string | null;
    bodyJson?: unknown;
    operation?: { operationId?: string; path?: string };
  };
  response: {
    status: number;
    statusText?: string;
    headers: Record<string, string>;
    body: string | null;
    bodyFormat?: string;
    bodyJson?: unknown;
  } | null;
}

export const arangoDataDir = (): string => join(sharedRoot, 'arango');

export function defaultExchangeFiles(): string[] {
  const dir = arangoDataDir();
  return [join(dir, 'exchanges-3.12.jsonl'), join(dir, 'exchanges-3.11-extra.jsonl')];
}

export function defaultOpenApiFile(): string {
  return join(arangoDataDir(), 'openapi-3.12.json');
}

/** Reads one or more .jsonl files of recorded exchanges, in file order. */
export function loadExchanges(files: string[] = defaultExchangeFiles()): Exchange[] {
  const out: Exchange[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as Exchange);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not a JSON exchange line: ${(err as Error).message}`);
      }
    });
  }
  return out;
}

/** A request URL split the way both the matcher and the validator see it. */
export interface ParsedUrl {
  /** Database named by a `/_db/<name>` prefix, or undefined when the URL has none (= `_system`). */
  database: string | undefined;
  /** Decoded path segments after the `/_db/<name>` prefix, without empty trailing segment. */
  segments: string[];
  /** `/` + segments joined: the matching key (database prefix and trailing slash removed). */
  path: string;
  /** True when the raw path ended with `/` (used only as a tie-breaker between recordings). */
  trailingSlash: boolean;
  /** Raw query string without `?` ('' when none). */
  rawQuery: string;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseUrl(url: string): ParsedUrl {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const parts = rawPath.split('/');
  // parts[0] is '' for absolute paths.
  let start = 1;
  let database: string | undefined;
  if (parts[1] === '_db' && parts.length > 2) {
    database = decode(parts[2] ?? '');
    start = 3;
  }
  let end = parts.length;
  const trailingSlash = end - start > 0 && parts[end - 1] === '';
  if (trailingSlash) end--;
  const segments: string[] = [];
  for (let i = start; i < end; i++) segments.push(decode(parts[i] ?? ''));
  return { database, segments, path: `/${segments.join('/')}`, trailingSlash, rawQuery };
}

/** Query string canonicalised: decoded pairs sorted by name then value, so parameter order never matters. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = [...new URLSearchParams(rawQuery)];
  if (pairs.length === 0) return '';
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** Structural JSON equality (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * True when every field of `pattern` is present in `value` with an equal value (objects recursively,
 * arrays and scalars by full equality).
 */
export function jsonSubset(pattern: unknown, value: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern))
    return jsonEqual(pattern, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const [k, v] of Object.entries(pattern)) {
    if (!Object.hasOwn(value, k)) return false;
    if (!jsonSubset(v, (value as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A request body as received: absent, JSON (parsed once) or other text. */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; text: string; json: unknown }
  | { kind: 'text'; text: string };

const JSON_START = /^\s*[[{"\d\-tfn]/;

export function parseBody(text: string | null | undefined): RequestBody {
  if (text === null || text === undefined || text === '') return { kind: 'none' };
  if (JSON_START.test(text)) {
    try {
      return { kind: 'json', text, json: JSON.parse(text) };
    } catch {
      /* not JSON: compared as text */
    }
  }
  return { kind: 'text', text };
}
