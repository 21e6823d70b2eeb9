import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger, ServerInfo, ServerName } from './types.js';

/**
 * A TCP fault proxy for the `test/faults` suites: clients connect to the proxy, the proxy connects to
 * the real server, and a test injects faults between them.
 *
 * Directions: `up` is client → server, `down` is server → client. Byte budgets (`dropAfter`,
 * `corruptAfter`) count bytes forwarded in that direction over all connections from the moment of
 * the call, so "the next 100 bytes pass, then everything is lost" holds however the client spreads
 * its requests over sockets.
 *
 * ```ts
 * const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: 8529 } });
 * const client = makeClient(`http://127.0.0.1:${proxy.port}`);
 * proxy.stall(5_000);           // requests hang ...
 * proxy.cutAll();               // ... then their sockets die
 * proxy.restore();              // healthy again
 * await proxy.close();
 * ```
 *
 * To restart the server itself (process down, then up again with readiness), use
 * `restartServer(name)` below: it is `restart` from tooling/servers/src/index.ts.
 */

export type Direction = 'up' | 'down' | 'both';

export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** Port to listen on; 0 or omitted = a random free port. */
  listenPort?: number;
  /** Interface to listen on (default 127.0.0.1). */
  listenHost?: string;
}

interface Budget {
  kind: 'drop' | 'corrupt';
  remaining: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Chunks held while stalled, in arrival order. */
  held: Array<{ dir: 'up' | 'down'; chunk: Buffer }>;
  closed: boolean;
}

export class FaultProxy {
  readonly port: number;
  readonly host: string;
  readonly target: { host: string; port: number };
  private readonly server: Server;
  private readonly pairs = new Set<Pair>();
  private refusing = false;
  private stalledUntil = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private budgets: { up: Budget | undefined; down: Budget | undefined } = { up: undefined, down: undefined };
  private counts = { up: 0, down: 0, accepted: 0, refused: 0 };

  private constructor(server: Server, host: string, port: number, target: { host: string; port: number }) {
    this.server = server;
    this.host = host;
    this.port = port;
    this.target = target;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const { target } = options;
    if (!target || typeof target.host !== 'string' || !Number.isInteger(target.port)) {
      throw new TypeError('FaultProxy.start needs target: { host, port }');
    }
    const host = options.listenHost ?? '127.0.0.1';
    let proxy: FaultProxy | undefined;
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => proxy?.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listenPort ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    proxy = new FaultProxy(server, host, port, { ...target });
    return proxy;
  }

  /** `host:port` of the proxy, for clients that take an address. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Live client connections (each with its upstream). */
  get connections(): number {
    return this.pairs.size;
  }

  /** Bytes received from clients (`up`) and from the server (`down`), connections accepted/refused. */
  get stats(): { up: number; down: number; accepted: number; refused: number } {
    return { ...this.counts };
  }

  /** Destroys every live client+upstream pair (the client sees a closed/reset socket). */
  cutAll(): void {
    for (const pair of [...this.pairs]) this.destroyPair(pair, true);
  }

  /** Holds bytes in both directions for `ms`, then flushes them in order (restore() flushes at once). */
  stall(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`stall(ms) needs a non-negative duration, got ${ms}`);
    this.stalledUntil = Date.now() + ms;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.flush(), ms);
    this.stallTimer.unref();
  }

  /** Forwards `n` more bytes in `direction`, then silently drops everything (connections stay open). */
  dropAfter(n: number, direction: Direction = 'both'): void {
    this.setBudget('drop', n, direction);
  }

  /** Forwards `n` more bytes in `direction` intact, then flips every bit of the bytes after them. */
  corruptAfter(n: number, direction: Direction = 'both'): void {
    this.setBudget('corrupt', n, direction);
  }

  /**
   * With `on`, new connections are accepted and immediately reset (clients see ECONNRESET or a
   * "socket hang up"); existing connections are untouched. `refuseNew(false)` accepts again.
   */
  refuseNew(on = true): void {
    this.refusing = on;
  }

  /** Clears every fault: stalls end (held bytes are flushed), budgets and refusal are removed. */
  restore(): void {
    this.refusing = false;
    this.budgets = { up: undefined, down: undefined };
    this.flush();
  }

  /** Stops listening and destroys every connection. */
  async close(): Promise<void> {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setBudget(kind: Budget['kind'], n: number, direction: Direction): void {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`byte count must be a non-negative integer, got ${n}`);
    if (direction !== 'up' && direction !== 'down' && direction !== 'both') {
      throw new TypeError(`direction must be 'up', 'down' or 'both', got ${String(direction)}`);
    }
    if (direction !== 'down') this.budgets.up = { kind, remaining: n };
    if (direction !== 'up') this.budgets.down = { kind, remaining: n };
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      this.counts.refused++;
      client.on('error', () => {});
      if (typeof client.resetAndDestroy === 'function') client.resetAndDestroy();
      else client.destroy();
      return;
    }
    this.counts.accepted++;
    const upstream = connect({
      host: this.target.host,
      port: this.target.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    const pair: Pair = { client, upstream, held: [], closed: false };
    this.pairs.add(pair);
    const onError = () => this.destroyPair(pair, false);
    client.on('error', onError);
    upstream.on('error', onError);
    client.on('close', onError);
    upstream.on('close', onError);
    client.on('data', (chunk: Buffer) => {
      this.counts.up += chunk.length;
      this.forward(pair, 'up', chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.counts.down += chunk.length;
      this.forward(pair, 'down', chunk);
    });
    client.on('end', () => {
      if (!pair.closed) upstream.end();
    });
    upstream.on('end', () => {
      if (!pair.closed) client.end();
    });
  }

  private forward(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    if (pair.closed) return;
    if (this.stalledUntil > Date.now()) {
      pair.held.push({ dir, chunk });
      return;
    }
    this.write(pair, dir, chunk);
  }

  private write(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    const budget = this.budgets[dir];
    let out = chunk;
    if (budget) {
      if (budget.remaining >= chunk.length) {
        budget.remaining -= chunk.length;
      } else {
        const keep = budget.remaining;
        budget.remaining = 0;
        if (budget.kind === 'drop') out = chunk.subarray(0, keep);
        else {
          out = Buffer.from(chunk);
          for (let i = keep; i < out.length; i++) out[i] = (out[i] as number) ^ 0xff;
        }
      }
    }
    if (out.length === 0) return;
    const to = dir === 'up' ? pair.upstream : pair.client;
    const from = dir === 'up' ? pair.client : pair.upstream;
    if (!to.write(out)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  }

  private flush(): void {
    this.stalledUntil = 0;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    for (const pair of this.pairs) {
      const held = pair.held;
      pair.held = [];
      for (const { dir, chunk } of held) this.write(pair, dir, chunk);
    }
  }

  private destroyPair(pair: Pair, hard: boolean): void {
    if (pair.closed) return;
    pair.closed = true;
    this.pairs.delete(pair);
    pair.held = [];
    if (hard && typeof pair.client.resetAndDestroy === 'function' && !pair.client.destroyed) {
      pair.client.resetAndDestroy();
    } else pair.client.destroy();
    pair.upstream.destroy();
  }
}

/**
 * Stops and starts a local test server again (readiness included): `restart` from
 * tooling/servers/src/index.ts, loaded lazily so the proxy does not pull in every server definition.
 */
export async function restartServer(name: ServerName, log?: Logger): Promise<ServerInfo> {
  const { restart } = await import('./index.js');
  return restart(name, log);
}
