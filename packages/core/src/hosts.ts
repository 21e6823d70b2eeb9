import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from './errors.js';

/**
 * Host lists and host selection shared by every package.
 *
 * `parseHosts` turns what users write ('http://h1:8529,http://h2:8529', 'h1:9080', arrays, '[::1]:80')
 * into endpoints; `HostPool` picks the next host (round-robin or random), skips hosts marked down
 * after a failure, and brings them back after `markDownMs`.
 */

export interface HostEndpoint {
  /** The entry as the user wrote it (trimmed). */
  raw: string;
  /** `scheme://host:port[/path]`, IPv6 hosts in brackets, no trailing slash. */
  url: string;
  scheme: string;
  /** Host name or IP address; IPv6 without brackets (as `net.connect` wants it). */
  host: string;
  port: number;
}

const WELL_KNOWN_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
};

const SCHEME_RE = /^([a-z][a-z0-9+.-]*):\/\//i;
const HOSTNAME_RE = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/i;

function invalid(message: string): UsageError {
  return new UsageError(message, { code: 'ERR_INVALID_HOST' });
}

function parsePort(text: string, entry: string): number {
  if (!/^\d{1,5}$/.test(text)) throw invalid(`invalid port "${text}" in host "${entry}"`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw invalid(`port ${port} out of range 1..65535 in host "${entry}"`);
  return port;
}

function parseOne(entry: string, defaultScheme: string, defaultPort: number | undefined): HostEndpoint {
  let scheme = defaultScheme;
  let rest = entry;
  const schemeMatch = SCHEME_RE.exec(entry);
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase();
    rest = entry.slice(schemeMatch[0].length);
  } else if (entry.includes('://')) {
    throw invalid(`invalid scheme in host "${entry}"`);
  }
  if (/[?#]/.test(rest)) throw invalid(`host "${entry}" must not contain a query or fragment`);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? '' : rest.slice(slash);
  while (path.endsWith('/')) path = path.slice(0, -1);
  if (authority.includes('@')) {
    throw invalid(`host "${entry}" must not contain credentials: pass them through the auth options`);
  }
  if (authority === '') throw invalid(`host "${entry}" has no host name`);

  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(authority);
    if (!m || !isIPv6(m[1]!)) throw invalid(`invalid IPv6 address in host "${entry}"`);
    host = m[1]!.toLowerCase();
    portText = m[2];
  } else if (authority.indexOf(':') !== authority.lastIndexOf(':')) {
    // Several colons without brackets: a bare IPv6 address, which cannot carry a port.
    if (!isIPv6(authority)) throw invalid(`invalid host "${entry}" (write IPv6 addresses as [addr]:port)`);
    host = authority.toLowerCase();
  } else {
    const colon = authority.indexOf(':');
    host = (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
    if (!isIPv4(host) && !HOSTNAME_RE.test(host)) throw invalid(`invalid host name "${host}" in "${entry}"`);
  }
  const port =
    portText !== undefined
      ? parsePort(portText, entry)
      : (defaultPort ?? WELL_KNOWN_PORTS[scheme] ?? undefined);
  if (port === undefined) throw invalid(`host "${entry}" has no port and no default port is known`);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { raw: entry, url: `${scheme}://${urlHost}:${port}${path}`, scheme, host, port };
}

/**
 * Parses 'http://h1:8529,http://h2:8529', 'h1:9080', arrays, IPv6 '[::1]:80'; trims; rejects empty/invalid
 * with UsageError (code ERR_INVALID_HOST). Default scheme/port fill in when missing (the scheme defaults
 * to 'http'; http/https/ws/wss know their standard ports). Duplicate endpoints are listed once.
 */
export function parseHosts(
  input: string | readonly string[],
  defaults: { scheme?: string; port?: number } = {},
): HostEndpoint[] {
  const defaultScheme = (defaults.scheme ?? 'http').toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(defaultScheme))
    throw invalid(`invalid default scheme "${defaults.scheme}"`);
  if (defaults.port !== undefined) parsePort(String(defaults.port), 'defaults.port');
  let entries: readonly unknown[];
  if (typeof input === 'string') entries = [input];
  else if (Array.isArray(input)) entries = input;
  else throw invalid(`hosts must be a string or an array of strings, got ${describe(input)}`);
  const out: HostEndpoint[] = [];
  const seen = new Set<string>();
  for (const item of entries) {
    if (typeof item !== 'string') throw invalid(`each host must be a string, got ${describe(item)}`);
    for (const part of item.split(',')) {
      const entry = part.trim();
      if (entry === '') continue;
      const endpoint = parseOne(entry, defaultScheme, defaults.port);
      if (seen.has(endpoint.url)) continue;
      seen.add(endpoint.url);
      out.push(endpoint);
    }
  }
  if (out.length === 0)
    throw invalid('no hosts given: expected e.g. "http://localhost:8529" or "h1:9080,h2:9080"');
  return out;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** How a `HostPool` picks the next host. */
export type HostResolverName = 'roundrobin' | 'random';

/** Options of a `HostPool`. */
export interface HostPoolOptions {
  /** How `next()` picks among the hosts that are up. Default 'roundrobin'. */
  resolver?: HostResolverName;
  /** How long `markDown()` keeps a host out of rotation by default. Default 5000 ms. */
  markDownMs?: number;
  /** Injectable randomness (tests). */
  random?: () => number;
  /** Injectable clock in ms (tests). */
  now?: () => number;
}

function checkMs(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${what} must be a finite number of milliseconds >= 0, got ${String(value)}`, {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
}

/**
 * Host selection with mark-down. Hosts are compared by identity (`===`), so pass the same objects
 * back to `markDown()`/`markUp()` that `next()` returned; unknown hosts are ignored.
 */
export class HostPool<T> {
  readonly hosts: readonly T[];
  readonly #random: boolean;
  readonly #markDownMs: number;
  readonly #rand: () => number;
  readonly #now: () => number;
  /** Host → epoch ms when it comes back. Empty in the common case, which keeps `next()` trivial. */
  readonly #downUntil = new Map<T, number>();
  #cursor = 0;

  constructor(hosts: readonly T[], options: HostPoolOptions = {}) {
    if (!Array.isArray(hosts) || hosts.length === 0) {
      throw new UsageError('HostPool needs at least one host', { code: 'ERR_INVALID_HOST' });
    }
    const resolver = options.resolver ?? 'roundrobin';
    if (resolver !== 'roundrobin' && resolver !== 'random') {
      throw new UsageError(`unknown host resolver "${String(resolver)}": use 'roundrobin' or 'random'`, {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const markDownMs = options.markDownMs ?? 5000;
    checkMs(markDownMs, 'markDownMs');
    this.hosts = Object.freeze([...hosts]);
    this.#random = resolver === 'random';
    this.#markDownMs = markDownMs;
    this.#rand = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Next host per resolver, skipping marked-down ones; when all are down returns the one that recovers soonest. */
  next(): T {
    const hosts = this.hosts;
    const n = hosts.length;
    if (this.#downUntil.size === 0 || !this.#pruneAndCheckAnyDown()) {
      if (this.#random) return hosts[this.#pick(n)]!;
      const host = hosts[this.#cursor % n]!;
      this.#cursor = (this.#cursor + 1) % n;
      return host;
    }
    const now = this.#now();
    let up = 0;
    for (const h of hosts) if (!this.#downAt(h, now)) up++;
    if (up === 0) return this.#soonest();
    if (this.#random) {
      let k = this.#pick(up);
      for (const h of hosts) {
        if (this.#downAt(h, now)) continue;
        if (k-- === 0) return h;
      }
    }
    for (let i = 0; i < n; i++) {
      const idx = (this.#cursor + i) % n;
      const h = hosts[idx]!;
      if (!this.#downAt(h, now)) {
        this.#cursor = (idx + 1) % n;
        return h;
      }
    }
    /* v8 ignore next -- unreachable: up > 0 guarantees a hit above */
    return this.#soonest();
  }

  /** Hosts in the order a failover loop should try them for one call: next() first, then the others (up ones first). */
  order(): T[] {
    const first = this.next();
    const now = this.#now();
    const n = this.hosts.length;
    const start = this.hosts.indexOf(first);
    const up: T[] = [first];
    const down: T[] = [];
    for (let i = 1; i < n; i++) {
      const h = this.hosts[(start + i) % n]!;
      if (this.#downAt(h, now)) down.push(h);
      else up.push(h);
    }
    down.sort((a, b) => (this.#downUntil.get(a) ?? 0) - (this.#downUntil.get(b) ?? 0));
    return up.concat(down);
  }

  /** Takes `host` out of rotation for `ms` (a connection to it failed). */
  markDown(host: T, ms: number = this.#markDownMs): void {
    checkMs(ms, 'markDown ms');
    if (!this.hosts.includes(host)) return;
    this.#downUntil.set(host, this.#now() + ms);
  }

  /** Puts `host` back into rotation (a call to it succeeded). */
  markUp(host: T): void {
    this.#downUntil.delete(host);
  }

  /** True while `host` is marked down. */
  isDown(host: T): boolean {
    return this.#downAt(host, this.#now());
  }

  #pick(count: number): number {
    const r = this.#rand();
    const k = Math.floor((Number.isFinite(r) ? r : 0) * count);
    return k < 0 ? 0 : k >= count ? count - 1 : k;
  }

  #downAt(host: T, now: number): boolean {
    const until = this.#downUntil.get(host);
    if (until === undefined) return false;
    if (now >= until) {
      this.#downUntil.delete(host);
      return false;
    }
    return true;
  }

  /** Drops recovered hosts; true when some host is still down. */
  #pruneAndCheckAnyDown(): boolean {
    const now = this.#now();
    for (const [host, until] of this.#downUntil) if (now >= until) this.#downUntil.delete(host);
    return this.#downUntil.size > 0;
  }

  #soonest(): T {
    let best: T | undefined;
    let bestUntil = Number.POSITIVE_INFINITY;
    for (const h of this.hosts) {
      const until = this.#downUntil.get(h) ?? 0;
      if (until < bestUntil) {
        bestUntil = until;
        best = h;
      }
    }
    return best as T;
  }
}
